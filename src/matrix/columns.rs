//! The columns of a matrix with every value divided by its row's norm: what the similarity
//! kernels walk (for each term of a row of X, the normalized entries of the rows of Y with it).
//!
//! Memory is sized by the stored entries, never by the declared width: a matrix whose width is
//! far beyond its entries (a `HashingVectorizer` of 2^31 features over two documents, say)
//! keeps its columns under compact numbers, found through a hash map.

use rustc_hash::FxHashMap;

use crate::error::Error;
use crate::matrix::csr::CsrView;
use crate::matrix::numeric::{Index, Real};
use crate::runtime::alloc::{try_with_capacity, try_zeroed};

/// Y transposed (one list per column of Y), with every value divided by its row's norm, so that
/// walking a column gives the normalized entries of the rows that contain that term.
pub struct NormalizedColumns<T> {
    /// Where each column's list starts in `rows` and `values` (by compact number when
    /// `compact` is given).
    indptr: Vec<usize>,
    pub(crate) rows: Vec<u32>,
    /// Stored at the input's precision: walking the columns is what the time goes into.
    pub(crate) values: Vec<T>,
    pub n_rows: usize,
    /// The compact number of each stored column, when the width is too large for a table.
    compact: Option<FxHashMap<usize, usize>>,
}

/// Whether a table as wide as the matrix costs no more than a small multiple of its entries.
pub(crate) fn width_is_tabulable(n_columns: usize, n_entries: usize) -> bool {
    n_columns <= n_entries.saturating_mul(2).saturating_add(4096)
}

impl<T: Real> NormalizedColumns<T> {
    pub fn new<I: Index>(y: &CsrView<'_, T, I>) -> Result<Self, Error> {
        Ok(Self::transpose(y, false)?.0)
    }

    /// The columns of X, and where each entry of X (in CSR order) landed in them: the entries
    /// after it in its column are the rows below it that share that term, which is what lets
    /// X·Xᵀ be computed one triangle at a time.
    /// Slots are u32 (half the memory of the entries' own columns and values): a matrix of
    /// more entries takes the general path.
    pub fn with_slots<I: Index>(x: &CsrView<'_, T, I>) -> Result<(Self, Vec<u32>), Error> {
        Self::transpose(x, true)
    }

    fn transpose<I: Index>(
        y: &CsrView<'_, T, I>,
        record_slots: bool,
    ) -> Result<(Self, Vec<u32>), Error> {
        let what = "the normalized columns";
        let norms = y.row_norms();
        let compact = if width_is_tabulable(y.n_columns, y.data.len()) {
            None
        } else {
            let mut numbers: FxHashMap<usize, usize> = FxHashMap::default();
            numbers
                .try_reserve(y.indices.len().min(1 << 20))
                .map_err(|_| Error::OutOfMemory { what, bytes: 0 })?;
            for &c in y.indices {
                let next = numbers.len();
                numbers.entry(c.index()).or_insert(next);
            }
            Some(numbers)
        };
        let slot_of = |c: usize| match &compact {
            None => c,
            Some(numbers) => numbers[&c],
        };
        let width = compact.as_ref().map_or(y.n_columns, FxHashMap::len);
        let mut counts = try_zeroed::<usize>(width + 1, what)?;
        for &c in y.indices {
            counts[slot_of(c.index()) + 1] += 1;
        }
        for c in 0..width {
            counts[c + 1] += counts[c];
        }
        let mut next = try_with_capacity(width + 1, what)?;
        next.extend_from_slice(&counts);
        let indptr = counts;
        let mut rows = try_zeroed::<u32>(y.data.len(), what)?;
        let mut values = try_zeroed::<T>(y.data.len(), what)?;
        let mut slots = try_with_capacity(if record_slots { y.data.len() } else { 0 }, what)?;
        for (r, &norm) in norms.iter().enumerate() {
            let (columns, data) = y.row(r);
            for (&c, &v) in columns.iter().zip(data) {
                let slot = &mut next[slot_of(c.index())];
                rows[*slot] = r as u32;
                values[*slot] = T::from_f64(if norm > 0.0 { v.to_f64() / norm } else { 0.0 });
                if record_slots {
                    slots.push(*slot as u32);
                }
                *slot += 1;
            }
        }
        let columns = NormalizedColumns {
            indptr,
            rows,
            values,
            n_rows: y.n_rows,
            compact,
        };
        Ok((columns, slots))
    }

    /// Where column `c`'s list is in `rows` and `values` (empty for a column Y does not store).
    #[inline]
    pub(crate) fn span(&self, c: usize) -> std::ops::Range<usize> {
        let slot = match &self.compact {
            None if c + 1 < self.indptr.len() => c,
            None => return 0..0,
            Some(numbers) => match numbers.get(&c) {
                Some(&slot) => slot,
                None => return 0..0,
            },
        };
        self.indptr[slot]..self.indptr[slot + 1]
    }

    #[inline]
    pub(crate) fn column(&self, c: usize) -> (&[u32], &[T]) {
        let span = self.span(c);
        (&self.rows[span.clone()], &self.values[span])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_width_is_kept_in_compact_columns() {
        let (indptr, indices, data) = (
            [0usize, 2, 3],
            [7usize, 99_999_999_999, 99_999_999_999],
            [3.0f64, 4.0, 2.0],
        );
        let y = CsrView {
            n_rows: 2,
            n_columns: 100_000_000_000,
            indptr: &indptr,
            indices: &indices,
            data: &data,
        };
        let (columns, slots) = NormalizedColumns::with_slots(&y).unwrap();
        assert!(columns.compact.is_some());
        assert_eq!(
            columns.column(99_999_999_999),
            (&[0u32, 1][..], &[0.8, 1.0][..])
        );
        assert_eq!(columns.column(7), (&[0u32][..], &[0.6][..]));
        assert_eq!(columns.column(8).0.len(), 0);
        assert_eq!(slots.len(), 3);
    }
}
