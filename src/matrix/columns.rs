//! The columns of a matrix with every value divided by its row's norm: what the similarity
//! kernels walk (for each term of a row of X, the normalized entries of the rows of Y with it).

use crate::matrix::csr::CsrView;
use crate::matrix::numeric::{Index, Real};

/// Y transposed (one list per column of Y), with every value divided by its row's norm, so that
/// walking a column gives the normalized entries of the rows that contain that term.
pub struct NormalizedColumns<T> {
    pub(crate) indptr: Vec<usize>,
    pub(crate) rows: Vec<u32>,
    /// Stored at the input's precision: walking the columns is what the time goes into.
    pub(crate) values: Vec<T>,
    pub n_rows: usize,
}

impl<T: Real> NormalizedColumns<T> {
    pub fn new<I: Index>(y: &CsrView<'_, T, I>) -> Self {
        Self::transpose(y, false).0
    }

    /// The columns of X, and where each entry of X (in CSR order) landed in them: the entries
    /// after it in its column are the rows below it that share that term, which is what lets
    /// X·Xᵀ be computed one triangle at a time.
    /// Slots are u32 (half the memory of the entries' own columns and values): a matrix of
    /// more entries takes the general path.
    pub fn with_slots<I: Index>(x: &CsrView<'_, T, I>) -> (Self, Vec<u32>) {
        Self::transpose(x, true)
    }

    fn transpose<I: Index>(y: &CsrView<'_, T, I>, record_slots: bool) -> (Self, Vec<u32>) {
        let norms = y.row_norms();
        let mut counts = vec![0usize; y.n_columns + 1];
        for &c in y.indices {
            counts[c.index() + 1] += 1;
        }
        for c in 0..y.n_columns {
            counts[c + 1] += counts[c];
        }
        let indptr = counts.clone();
        let mut next = counts;
        let mut rows = vec![0u32; y.data.len()];
        let mut values = vec![T::default(); y.data.len()];
        let mut slots = Vec::with_capacity(if record_slots { y.data.len() } else { 0 });
        for (r, &norm) in norms.iter().enumerate() {
            let (columns, data) = y.row(r);
            for (&c, &v) in columns.iter().zip(data) {
                let slot = &mut next[c.index()];
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
        };
        (columns, slots)
    }

    pub(crate) fn column(&self, c: usize) -> (&[u32], &[T]) {
        let (start, end) = (self.indptr[c], self.indptr[c + 1]);
        (&self.rows[start..end], &self.values[start..end])
    }
}
