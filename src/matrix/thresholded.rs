//! Similarity questions with a threshold, answered by whichever exact kernel does less work:
//! the pruned search (`pruned`) when the threshold is above 0, the values are of one sign and
//! its work estimate is well below the full product's, the full product (`similarity`,
//! `triangle`) otherwise, or the one a caller names. Both give the same pairs and scores, bit
//! for bit, so the choice only changes the time.

use crate::error::Error;
use crate::matrix::columns::NormalizedColumns;
use crate::matrix::csr::{CsrParts, CsrView};
use crate::matrix::numeric::{Index, Real};
use crate::matrix::pruned::{self, Method};
use crate::matrix::similarity::{self, Threshold};
use crate::matrix::triangle;

/// The score the pruned search can start from, when the threshold allows it at all.
fn prunable(threshold: Threshold, method: Method) -> Option<f64> {
    match (threshold, method) {
        (_, Method::Full) => None,
        (Threshold::AtLeast(t), _) if t > 0.0 => Some(t),
        _ => None,
    }
}

/// Every pair of a row of X and a row of Y (of X itself, `i < j`, when `y` is `None`) whose
/// score `threshold` accepts, as CSR parts with columns ascending.
pub fn similar_pairs_above<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    y: Option<&CsrView<'_, T, I>>,
    threshold: Threshold,
    method: Method,
) -> Result<CsrParts, Error> {
    if let Some(t) = prunable(threshold, method) {
        let found = match y {
            None => pruned::pairs_within(x, t, method)?,
            Some(y) => pruned::pairs(x, y, t, method)?,
        };
        if let Some(found) = found {
            return Ok(found);
        }
    }
    match y {
        None => triangle::similar_pairs_within(x, threshold),
        Some(y) => similarity::similar_pairs(x, &NormalizedColumns::new(y)?, threshold, false),
    }
}

/// For each row of X, its `k` most similar rows of Y (of X itself, the row excluded, when `y`
/// is `None`) among those `threshold` accepts: `(indices, scores)`, `n_rows × k`.
pub fn most_similar_above<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    y: Option<&CsrView<'_, T, I>>,
    k: usize,
    threshold: Threshold,
    method: Method,
) -> Result<(Vec<i64>, Vec<f64>), Error> {
    if let Some(t) = prunable(threshold, method) {
        if let Some(found) = pruned::most_similar(x, y, k, t, method)? {
            return Ok(found);
        }
    }
    match y {
        None => triangle::most_similar_within(x, k, threshold),
        Some(y) => similarity::most_similar(x, &NormalizedColumns::new(y)?, k, threshold, false),
    }
}
