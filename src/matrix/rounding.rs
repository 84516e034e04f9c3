//! The slack that keeps every bound of the pruned similarity search a bound under
//! floating-point rounding, and f32 roundings in a chosen direction. Below both the ranked rows
//! and the suffix index, which each use them.

use crate::matrix::numeric::Real;

/// Slack for the rounding of a dot product of at most `terms` products of values of type `T`
/// whose rows have norms at most `max_norm`, and of the f64 bounds compared with it.
pub(crate) fn slack<T: Real>(terms: usize, max_norm: f64) -> f64 {
    let unit = if std::mem::size_of::<T>() == 4 {
        f32::EPSILON as f64 / 2.0
    } else {
        f64::EPSILON / 2.0
    };
    // γ_n = n·u / (1 - n·u), with u the unit roundoff of T plus that of the f64 bounds.
    let n = terms as f64 + 4.0;
    let u = unit + f64::EPSILON;
    let gamma = n * u / (1.0 - n * u).max(0.5);
    gamma * max_norm * max_norm * 1.01 + 1e-12
}

/// The slack for bounds summed in f32 from values rounded up: a sum of `terms` products (and
/// two more steps) of nonnegative values, whose exact value is at most `magnitude`.
pub(crate) fn f32_sum_slack(terms: usize, magnitude: f64) -> f64 {
    let n = terms as f64 + 3.0;
    let u = f32::EPSILON as f64 / 2.0;
    n * u / (1.0 - n * u).max(0.5) * magnitude * 1.01
}

/// `value` as f32, rounded down.
#[inline]
pub(crate) fn f32_at_most(value: f64) -> f32 {
    let rounded = value as f32;
    if (rounded as f64) > value {
        if rounded > 0.0 {
            f32::from_bits(rounded.to_bits() - 1)
        } else if rounded == 0.0 {
            -f32::from_bits(1)
        } else {
            f32::from_bits(rounded.to_bits() + 1)
        }
    } else {
        rounded
    }
}

/// `value` as f32, rounded up (a bound stays a bound).
#[inline]
pub(crate) fn f32_at_least(value: f64) -> f32 {
    let rounded = value as f32;
    if (rounded as f64) < value && value > 0.0 {
        // The next f32 up (positive and finite here).
        f32::from_bits(rounded.to_bits() + 1)
    } else {
        rounded
    }
}
