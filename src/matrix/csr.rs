//! A CSR matrix borrowed from its owner, checked before it is read, and CSR parts assembled
//! from rows.

use rayon::prelude::*;

use crate::error::Error;
use crate::matrix::numeric::{Index, Real};

/// A CSR matrix borrowed from its owner (scipy's buffers, say).
#[derive(Clone, Copy)]
pub struct CsrView<'a, T, I> {
    pub n_rows: usize,
    pub n_columns: usize,
    pub indptr: &'a [I],
    pub indices: &'a [I],
    pub data: &'a [T],
}

impl<T: Real, I: Index> CsrView<'_, T, I> {
    /// Checks that the buffers describe a CSR matrix of this shape, so that reading it cannot
    /// go out of bounds.
    pub fn validate(&self) -> Result<(), Error> {
        if self.indptr.len() != self.n_rows + 1 {
            return Err(Error::MalformedMatrix(format!(
                "indptr has {} entries for {} rows",
                self.indptr.len(),
                self.n_rows
            )));
        }
        if self.indices.len() != self.data.len() {
            return Err(Error::MalformedMatrix(
                "indices and data differ in length".into(),
            ));
        }
        let mut previous = 0;
        for &p in self.indptr {
            let p = p.index();
            if p < previous || p > self.data.len() {
                return Err(Error::MalformedMatrix(
                    "indptr decreases or runs past the data".into(),
                ));
            }
            previous = p;
        }
        if self.indices.iter().any(|c| c.index() >= self.n_columns) {
            return Err(Error::MalformedMatrix(format!(
                "a column index is out of range for {} columns",
                self.n_columns
            )));
        }
        // The triangle kernels meet each pair of rows once per shared column, which needs each
        // row's columns sorted and distinct (scipy's canonical format).
        for r in 0..self.n_rows {
            let (columns, _) = self.row(r);
            if columns.windows(2).any(|w| w[0].index() >= w[1].index()) {
                return Err(Error::MalformedMatrix(format!(
                    "row {r} has unsorted or repeated column indices (use sum_duplicates())"
                )));
            }
        }
        Ok(())
    }

    pub(crate) fn row(&self, r: usize) -> (&[I], &[T]) {
        let (start, end) = (self.indptr[r].index(), self.indptr[r + 1].index());
        (&self.indices[start..end], &self.data[start..end])
    }

    /// Euclidean norm of every row.
    pub fn row_norms(&self) -> Vec<f64> {
        (0..self.n_rows)
            .into_par_iter()
            .map(|r| norm_of(self.row(r).1))
            .collect()
    }
}

/// The Euclidean norm of a row's values, summed in f64 in their order: the one sum every kernel
/// divides by, so that their scores agree bit for bit.
#[inline]
pub(crate) fn norm_of<T: Real>(values: &[T]) -> f64 {
    values
        .iter()
        .map(|v| v.to_f64() * v.to_f64())
        .sum::<f64>()
        .sqrt()
}

/// CSR parts from rows of (column, value), columns ascending within each row.
/// A result too big to allocate is an error, not an abort of the whole process.
pub(crate) fn assemble_rows(rows: Vec<Vec<(u32, f64)>>) -> Result<CsrParts, Error> {
    let mut indptr = Vec::with_capacity(rows.len() + 1);
    indptr.push(0);
    let nnz: usize = rows.iter().map(Vec::len).sum();
    let mut columns: Vec<u32> = Vec::new();
    let mut values: Vec<f64> = Vec::new();
    if columns.try_reserve_exact(nnz).is_err() || values.try_reserve_exact(nnz).is_err() {
        return Err(Error::OutOfMemory {
            what: "the pairs found",
            bytes: nnz * 12,
        });
    }
    for row in rows {
        columns.extend(row.iter().map(|&(j, _)| j));
        values.extend(row.iter().map(|&(_, s)| s));
        indptr.push(columns.len());
    }
    Ok((indptr, columns, values))
}

/// `(indptr, columns, values)` of a CSR matrix of scores.
pub type CsrParts = (Vec<usize>, Vec<u32>, Vec<f64>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsorted_or_repeated_columns_are_refused() {
        let indptr = [0usize, 2];
        for indices in [[1usize, 0], [1, 1]] {
            let data = [1.0, 2.0];
            let view = CsrView {
                n_rows: 1,
                n_columns: 2,
                indptr: &indptr,
                indices: &indices,
                data: &data,
            };
            assert!(view.validate().unwrap_err().to_string().contains("row 0"));
        }
    }
}
