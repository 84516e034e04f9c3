//! The index of the pruned similarity search: the postings of each row's suffix (the part of
//! the row that could reach the threshold), with the bounds they carry (kept bounds under
//! rounding by `rounding.rs`).

use rayon::prelude::*;

use crate::error::Error;
use crate::matrix::column_ranks::ABSENT;
use crate::matrix::numeric::Real;
use crate::matrix::ranked_rows::{row_pieces, RankedRows};
use crate::matrix::rounding::{f32_at_least, slack};
use crate::runtime::alloc::{try_filled, try_with_capacity, try_zeroed};

/// One entry of the index: a row of Y, its value in the posting's column, and the norm of the
/// row's entries before it (rank order), both rounded up to f32: the index only bounds scores
/// (verification reads the matrix), and 12 bytes a posting keep the walk in cache.
#[derive(Clone, Copy, Default)]
pub(crate) struct Posting {
    pub(crate) row: u32,
    pub(crate) value: f32,
    pub(crate) norm_before: f32,
}

/// The postings of the row suffixes that can reach the threshold, by rank, rows ascending.
pub(crate) struct SuffixIndex {
    /// Where each rank's postings start (and, last, where they end).
    pub(crate) starts: Vec<usize>,
    pub(crate) postings: Vec<Posting>,
    /// Per row of Y: the rank where its indexed suffix starts (`ABSENT`: nothing indexed), and
    /// the norm of its prefix.
    pub(crate) suffix_rank: Vec<u32>,
    pub(crate) prefix_norm: Vec<f64>,
}

/// Where a row of Y is split: the entry its suffix starts at, and the sum of the squares of
/// its prefix (summed in rank order, as the index goes on summing them).
#[derive(Clone, Copy)]
pub(crate) struct Split {
    pub(crate) start: usize,
    pub(crate) prefix_square: f64,
}

/// How many suffix entries each piece of rows has in each rank: what the index is laid out by,
/// and what the work estimate reads.
pub(crate) struct SuffixCounts {
    pieces: Vec<std::ops::Range<usize>>,
    counts: Vec<Vec<u32>>,
}

impl SuffixCounts {
    /// Counted in parallel over as many pieces of rows as threads (each piece counts every rank).
    pub(crate) fn of(y: &RankedRows, splits: &[Split], n_ranks: usize) -> Result<Self, Error> {
        let pieces = row_pieces(&y.indptr, rayon::current_num_threads());
        let counts = pieces
            .par_iter()
            .map(|rows| {
                let mut counts = try_zeroed::<u32>(n_ranks, "the similarity index")?;
                for r in rows.clone() {
                    for &rank in &y.ranks[splits[r].start..y.indptr[r + 1]] {
                        counts[rank as usize] += 1;
                    }
                }
                Ok(counts)
            })
            .collect::<Result<_, Error>>()?;
        Ok(SuffixCounts { pieces, counts })
    }

    /// The number of postings of rank `rank`.
    pub(crate) fn postings(&self, rank: usize) -> u64 {
        self.counts.iter().map(|counts| counts[rank] as u64).sum()
    }
}

impl SuffixIndex {
    /// Where each row's suffix starts (an entry of `y.ranks`): the first entry at which the
    /// norm of the row's prefix could reach `threshold` with a row of X (whose norms are at
    /// most `x_max_norm`). (AllPairs' bound by each column's largest value in X was tried too:
    /// on TF-IDF of news and blog posts it shortened the index by 0.002%.)
    pub(crate) fn suffix_starts<T: Real>(
        y: &RankedRows,
        threshold: f64,
        x_max_norm: f64,
    ) -> Vec<Split> {
        (0..y.n_rows())
            .into_par_iter()
            .with_min_len(256)
            .map(|r| {
                let span = y.span(r);
                let limit = threshold - slack::<T>(span.len(), x_max_norm.max(y.max_norm));
                let mut square = 0.0f64;
                for at in span.clone() {
                    let v = y.values[at] as f64;
                    let with = square + v * v;
                    if with.sqrt() * x_max_norm >= limit {
                        return Split {
                            start: at,
                            prefix_square: square,
                        };
                    }
                    square = with;
                }
                Split {
                    start: span.end,
                    prefix_square: square,
                }
            })
            .collect()
    }

    /// The index of the suffixes `splits` give: a counting sort by rank, in parallel over
    /// pieces of rows, each writing its rows' postings after those of the pieces before.
    pub(crate) fn build(
        y: &RankedRows,
        splits: &[Split],
        counted: SuffixCounts,
    ) -> Result<Self, Error> {
        let what = "the similarity index";
        let SuffixCounts { pieces, counts } = counted;
        let n_ranks = counts.first().map_or(0, Vec::len);
        // Each piece's first slot in each rank; the pieces, and so the rows, stay in order.
        let mut rank_starts = try_zeroed::<usize>(n_ranks + 1, what)?;
        let mut next: Vec<Vec<usize>> = pieces
            .iter()
            .map(|_| try_zeroed::<usize>(n_ranks, what))
            .collect::<Result<_, Error>>()?;
        let mut slot = 0;
        for rank in 0..n_ranks {
            rank_starts[rank] = slot;
            for (piece, counts) in counts.iter().enumerate() {
                next[piece][rank] = slot;
                slot += counts[rank] as usize;
            }
        }
        rank_starts[n_ranks] = slot;
        drop(counts);
        let mut postings = try_zeroed_postings(slot, what)?;
        let shared = SharedSlice::new(&mut postings);
        pieces
            .par_iter()
            .zip(next.par_iter_mut())
            .for_each(|(rows, next)| {
                for r in rows.clone() {
                    // Only the suffix is walked: the prefix's squares were summed by the split,
                    // in the same order, so the norms are the ones a walk of the whole row gives.
                    let Split {
                        start,
                        prefix_square: mut square,
                    } = splits[r];
                    for at in start..y.indptr[r + 1] {
                        let value = y.values[at];
                        let slot = &mut next[y.ranks[at] as usize];
                        let posting = Posting {
                            row: r as u32,
                            value,
                            norm_before: f32_at_least(square.sqrt()),
                        };
                        // SAFETY: the slots of each (piece, rank) are a range of their own
                        // (counted above), so no two workers write the same slot.
                        unsafe { shared.write(*slot, posting) };
                        *slot += 1;
                        square += value as f64 * value as f64;
                    }
                }
            });
        let mut suffix_rank = try_filled(y.n_rows(), ABSENT, what)?;
        let mut prefix_norm = try_zeroed::<f64>(y.n_rows(), what)?;
        suffix_rank
            .par_iter_mut()
            .zip(prefix_norm.par_iter_mut())
            .enumerate()
            .with_min_len(256)
            .for_each(|(r, (rank, norm))| {
                let Split {
                    start,
                    prefix_square,
                } = splits[r];
                if start < y.indptr[r + 1] {
                    *rank = y.ranks[start];
                }
                *norm = prefix_square.sqrt();
            });
        Ok(SuffixIndex {
            starts: rank_starts,
            postings,
            suffix_rank,
            prefix_norm,
        })
    }

    /// Asks the processor for the first postings of `rank`.
    #[inline]
    pub(crate) fn prefetch_postings(&self, rank: u32) {
        if let Some(&start) = self.starts.get(rank as usize) {
            prefetch(self.postings.as_ptr().wrapping_add(start));
        }
    }

    /// Asks the processor for where the postings of `rank` start.
    #[inline]
    pub(crate) fn prefetch_start(&self, rank: u32) {
        prefetch(self.starts.as_ptr().wrapping_add(rank as usize));
    }

    /// How many postings `rank` has (read from where they start and end: the walk reads that
    /// place next anyway, so a table of lengths of its own would cost one more cache miss a
    /// term).
    #[inline]
    pub(crate) fn n_postings(&self, rank: u32) -> usize {
        let rank = rank as usize;
        self.starts[rank + 1] - self.starts[rank]
    }

    #[inline]
    pub(crate) fn postings(&self, rank: u32) -> &[Posting] {
        let rank = rank as usize;
        &self.postings[self.starts[rank]..self.starts[rank + 1]]
    }
}

pub(crate) fn try_zeroed_postings(len: usize, what: &'static str) -> Result<Vec<Posting>, Error> {
    let mut postings = try_with_capacity(len, what)?;
    postings.resize(len, Posting::default());
    Ok(postings)
}

/// A hint that the memory at `at` will be read soon (nothing where the processor has no such
/// instruction).
#[inline(always)]
fn prefetch<V>(at: *const V) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch only hints the cache; it reads nothing and cannot fault, whatever the
    // address (SSE, which has it, is in the x86_64 baseline).
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(at as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

/// A slice that workers write at disjoint places.
pub(crate) struct SharedSlice<V> {
    pub(crate) start: *mut V,
    pub(crate) len: usize,
}

// SAFETY: `write` is only called at places no other thread writes or reads (its contract).
unsafe impl<V: Send> Sync for SharedSlice<V> {}

impl<V> SharedSlice<V> {
    pub(crate) fn new(slice: &mut [V]) -> Self {
        SharedSlice {
            start: slice.as_mut_ptr(),
            len: slice.len(),
        }
    }

    /// # Safety
    /// No other thread may access `at` while the slice is shared.
    unsafe fn write(&self, at: usize, value: V) {
        assert!(at < self.len);
        // SAFETY: in bounds (checked), and exclusive (the caller's contract).
        unsafe { self.start.add(at).write(value) }
    }
}
