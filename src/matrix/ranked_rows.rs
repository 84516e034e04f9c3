//! Rows normalised as the similarity kernels normalise them, their entries in the order of the
//! columns' ranks: what the pruned search walks.

use std::ops::Range;

use rayon::prelude::*;

use crate::error::Error;
use crate::matrix::column_ranks::{ColumnRanks, ABSENT};
use crate::matrix::csr::CsrView;
use crate::matrix::numeric::{Index, Real};
use crate::runtime::alloc::{try_with_capacity, try_zeroed};

/// Rows divided by their norms as the full kernel divides them (`T::from_f64(v / norm)`), their
/// entries by rank (the order the search meets terms in). Zeros, rows of norm 0 and columns Y
/// does not store are left out: they add nothing to any score.
pub(crate) struct RankedRows<T> {
    pub(crate) indptr: Vec<usize>,
    /// Ranks ascending (most frequent column first), and the normalised values.
    pub(crate) ranks: Vec<u32>,
    pub(crate) values: Vec<T>,
    /// The norm each row was divided by (the full kernel's).
    pub(crate) norms: Vec<f64>,
    /// The largest norm of a row as stored (1 up to the rounding of its values).
    pub(crate) max_norm: f64,
}

/// Pieces of rows of about equal numbers of entries, for the workers to fill.
pub(crate) fn row_pieces(indptr: &[usize], pieces: usize) -> Vec<Range<usize>> {
    let n = indptr.len() - 1;
    let total = indptr[n];
    let pieces = pieces.max(1);
    let per_piece = (total / pieces).max(4096);
    let mut result = Vec::new();
    let mut start = 0;
    while start < n {
        let goal = indptr[start] + per_piece;
        let end = (start + indptr[start..].partition_point(|&p| p < goal)).clamp(start + 1, n);
        result.push(start..end);
        start = end;
    }
    result
}

/// `data` split at the row boundaries of `pieces`.
pub(crate) fn split_pieces<'a, V>(
    indptr: &[usize],
    pieces: &[Range<usize>],
    mut data: &'a mut [V],
) -> Vec<&'a mut [V]> {
    pieces
        .iter()
        .map(|rows| {
            let (piece, rest) =
                std::mem::take(&mut data).split_at_mut(indptr[rows.end] - indptr[rows.start]);
            data = rest;
            piece
        })
        .collect()
}

impl<T: Real> RankedRows<T> {
    pub(crate) fn new<I: Index>(
        x: &CsrView<'_, T, I>,
        columns: &ColumnRanks,
    ) -> Result<Self, Error> {
        let what = "the normalised rows";
        let norms = x.row_norms();
        let kept: Vec<usize> = (0..x.n_rows)
            .into_par_iter()
            .with_min_len(256)
            .map(|r| {
                let (cols, data) = x.row(r);
                if norms[r] == 0.0 {
                    return 0;
                }
                cols.iter()
                    .zip(data)
                    .filter(|(c, v)| v.to_f64() != 0.0 && columns.rank(c.index()) != ABSENT)
                    .count()
            })
            .collect();
        let mut indptr = try_with_capacity(x.n_rows + 1, what)?;
        indptr.push(0);
        let mut total = 0;
        for n in kept {
            total += n;
            indptr.push(total);
        }
        let mut ranks = try_zeroed::<u32>(total, what)?;
        let mut values = try_zeroed::<T>(total, what)?;
        let pieces = row_pieces(&indptr, rayon::current_num_threads() * 8);
        let max_norm = split_pieces(&indptr, &pieces, &mut ranks)
            .into_par_iter()
            .zip(split_pieces(&indptr, &pieces, &mut values))
            .zip(pieces.par_iter())
            .map(|((rr, rv), rows)| {
                let mut order: Vec<(u32, T)> = Vec::new();
                let mut max_norm = 0.0f64;
                let base = indptr[rows.start];
                for r in rows.clone() {
                    let span = indptr[r] - base..indptr[r + 1] - base;
                    if span.is_empty() {
                        continue;
                    }
                    let norm = norms[r];
                    let (cols, data) = x.row(r);
                    order.clear();
                    for (&c, &v) in cols.iter().zip(data) {
                        let rank = columns.rank(c.index());
                        if rank != ABSENT && v.to_f64() != 0.0 {
                            order.push((rank, T::from_f64(v.to_f64() / norm)));
                        }
                    }
                    order.sort_unstable_by_key(|&(rank, _)| rank);
                    let mut square = 0.0;
                    for (slot, &(rank, value)) in span.zip(&order) {
                        rr[slot] = rank;
                        rv[slot] = value;
                        square += value.to_f64() * value.to_f64();
                    }
                    max_norm = max_norm.max(square.sqrt());
                }
                max_norm
            })
            .reduce(|| 0.0, f64::max);
        Ok(RankedRows {
            indptr,
            ranks,
            values,
            norms,
            max_norm,
        })
    }

    pub(crate) fn n_rows(&self) -> usize {
        self.indptr.len() - 1
    }

    pub(crate) fn n_entries(&self) -> usize {
        self.ranks.len()
    }

    #[inline]
    pub(crate) fn span(&self, r: usize) -> Range<usize> {
        self.indptr[r]..self.indptr[r + 1]
    }

    /// Whether every value is at least 0 (what the bounds assume).
    pub(crate) fn nonnegative(&self) -> bool {
        self.values.par_iter().all(|v| v.to_f64() >= 0.0)
    }
}
