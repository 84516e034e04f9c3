//! The numeric types of matrices: the floating-point types values are stored in (arithmetic in
//! f64), and the integer types of CSR index arrays (ours, and scipy's int32 and int64).

use crate::runtime::alloc::Zeroable;

/// The floating-point types the weights are stored in. Arithmetic is done in f64.
pub trait Real: Copy + Default + Send + Sync + Zeroable + 'static {
    fn to_f64(self) -> f64;
    fn from_f64(value: f64) -> Self;
    /// `self + a * b`, in this type.
    fn add_product(self, a: Self, b: Self) -> Self;
}

impl Real for f64 {
    #[inline]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline]
    fn from_f64(value: f64) -> Self {
        value
    }
    #[inline]
    fn add_product(self, a: Self, b: Self) -> Self {
        self + a * b
    }
}

impl Real for f32 {
    #[inline]
    fn to_f64(self) -> f64 {
        self as f64
    }
    #[inline]
    fn from_f64(value: f64) -> Self {
        value as f32
    }
    #[inline]
    fn add_product(self, a: Self, b: Self) -> Self {
        self + a * b
    }
}

/// The integer types of CSR index arrays (ours, and scipy's int32/int64).
pub trait Index: Copy + Send + Sync {
    fn index(self) -> usize;
}

macro_rules! impl_index {
    ($($t:ty),*) => {$(
        impl Index for $t {
            #[inline]
            fn index(self) -> usize {
                self as usize
            }
        }
    )*};
}
impl_index!(u32, usize, i32, i64);
