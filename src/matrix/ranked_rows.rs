//! Rows normalised as the similarity kernels normalise them, their entries in the order of the
//! columns' ranks: what the pruned search walks. The values are kept as f32 rounded up: the
//! search only bounds scores with them (it verifies survivors from the matrix itself), so they
//! need to be at least the kernel's values, and four bytes each keep the walk in cache.

use std::ops::Range;

use rayon::prelude::*;

use crate::error::Error;
use crate::matrix::column_ranks::{ColumnRanks, ABSENT};
use crate::matrix::csr::{norm_of, CsrView};
use crate::matrix::numeric::{Index, Real};
use crate::matrix::rounding::f32_at_least;
use crate::runtime::alloc::{try_with_capacity, try_zeroed};

/// Rows divided by their norms as the full kernel divides them (`T::from_f64(v / norm)`, here
/// rounded up to f32), their entries by rank (the order the search meets terms in). Zeros, rows
/// of norm 0 and columns Y does not store are left out: they add nothing to any score.
pub(crate) struct RankedRows {
    pub(crate) indptr: Vec<usize>,
    /// Ranks ascending (most frequent column first), and the normalised values, rounded up.
    pub(crate) ranks: Vec<u32>,
    pub(crate) values: Vec<f32>,
    /// The norm each row was divided by (the full kernel's).
    pub(crate) norms: Vec<f64>,
    /// The largest norm of a row (of the values as kept: at least the kernel's).
    pub(crate) max_norm: f64,
    /// Whether no value of the matrix is negative (what the bounds assume).
    pub(crate) nonnegative: bool,
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

impl RankedRows {
    /// X's rows, ranked by `columns` (the ranks of Y; `all_ranked`: Y is X, so every column
    /// has a rank).
    pub(crate) fn new<T: Real, I: Index>(
        x: &CsrView<'_, T, I>,
        columns: &ColumnRanks,
        all_ranked: bool,
    ) -> Result<Self, Error> {
        let what = "the normalised rows";
        // One pass over the values for the norms (the kernels' `norm_of`), their signs and zeros.
        let mut norms = try_zeroed::<f64>(x.n_rows, what)?;
        let (nonnegative, nothing_dropped) = norms
            .par_iter_mut()
            .enumerate()
            .with_min_len(64)
            .map(|(r, norm)| {
                let (_, data) = x.row(r);
                *norm = norm_of(data);
                let nonnegative = data.iter().all(|v| v.to_f64() >= 0.0);
                let nonzero = data.iter().all(|v| v.to_f64() != 0.0);
                (nonnegative, nonzero && (*norm > 0.0 || data.is_empty()))
            })
            .reduce(|| (true, true), |a, b| (a.0 && b.0, a.1 && b.1));
        // Usually every entry is kept (no zeros, no empty norms, every column ranked): then the
        // rows keep their lengths, without looking a rank up twice per entry.
        let keeps_all = all_ranked && nothing_dropped;
        let kept: Vec<usize> = (0..x.n_rows)
            .into_par_iter()
            .with_min_len(256)
            .map(|r| {
                let (cols, data) = x.row(r);
                if keeps_all {
                    return cols.len();
                }
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
        let mut values = try_zeroed::<f32>(total, what)?;
        let pieces = row_pieces(&indptr, rayon::current_num_threads() * 8);
        let rank_bits = u32::BITS - (columns.len().max(1) as u32 - 1).leading_zeros();
        let max_norm = split_pieces(&indptr, &pieces, &mut ranks)
            .into_par_iter()
            .zip(split_pieces(&indptr, &pieces, &mut values))
            .zip(pieces.par_iter())
            .map(|((rr, rv), rows)| {
                // (rank, value bits) packed into one word: sorting words beats sorting pairs.
                let mut order: Vec<u64> = Vec::new();
                let mut spare: Vec<u64> = Vec::new();
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
                            let value = f32_at_least(T::from_f64(v.to_f64() / norm).to_f64());
                            order.push((rank as u64) << 32 | value.to_bits() as u64);
                        }
                    }
                    sort_by_rank(&mut order, &mut spare, rank_bits);
                    let mut square = 0.0;
                    for (slot, &packed) in span.zip(&order) {
                        let value = f32::from_bits(packed as u32);
                        rr[slot] = (packed >> 32) as u32;
                        rv[slot] = value;
                        square += value as f64 * value as f64;
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
            nonnegative,
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
}

/// Sorts a row's entries, packed as `rank << 32 | value bits`, by rank (the ranks of a row are
/// distinct, so by the whole word too): a long row by a radix sort of its ranks' `rank_bits`
/// bits (two passes over it and a small table each, against a comparison sort's log n), a
/// short one by comparisons. `spare` is scratch.
fn sort_by_rank(order: &mut Vec<u64>, spare: &mut Vec<u64>, rank_bits: u32) {
    const RADIX_FROM: usize = 256;
    if order.len() < RADIX_FROM || rank_bits == 0 {
        order.sort_unstable();
        return;
    }
    let passes = rank_bits.div_ceil(11);
    let digit_bits = rank_bits.div_ceil(passes);
    let mask = (1u64 << digit_bits) - 1;
    let mut counts = [0u32; 1 << 11];
    spare.clear();
    spare.resize(order.len(), 0);
    for pass in 0..passes {
        let shift = 32 + pass * digit_bits;
        let counts = &mut counts[..1 << digit_bits];
        counts.fill(0);
        for &word in order.iter() {
            counts[((word >> shift) & mask) as usize] += 1;
        }
        let mut next = 0;
        for count in counts.iter_mut() {
            let here = *count;
            *count = next;
            next += here;
        }
        for &word in order.iter() {
            let slot = &mut counts[((word >> shift) & mask) as usize];
            spare[*slot as usize] = word;
            *slot += 1;
        }
        std::mem::swap(order, spare);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_radix_sort_orders_rows_as_a_comparison_sort_does() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut spare = Vec::new();
        for (len, rank_bits) in [(0, 1), (5, 3), (300, 9), (300, 18), (2000, 22), (4096, 32)] {
            let n_ranks = 1u64 << rank_bits;
            let mut ranks: Vec<u64> = Vec::new();
            while ranks.len() < len.min(n_ranks as usize) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let rank = state % n_ranks;
                if !ranks.contains(&rank) {
                    ranks.push(rank);
                }
            }
            let mut order: Vec<u64> = ranks
                .iter()
                .map(|&rank| rank << 32 | (state.rotate_left(rank as u32) & 0xffff_ffff))
                .collect();
            let mut expected = order.clone();
            expected.sort_unstable();
            sort_by_rank(&mut order, &mut spare, rank_bits);
            assert_eq!(order, expected, "{len} entries, {rank_bits} bits");
        }
    }
}
