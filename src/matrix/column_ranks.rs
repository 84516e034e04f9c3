//! Columns ranked by document frequency, most frequent first: the order in which the pruned
//! similarity search splits rows into a prefix it leaves out and a suffix it indexes. Sized by
//! the stored entries, never by a matrix's declared width.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::error::Error;
use crate::matrix::numeric::Index;
use crate::runtime::alloc::{try_filled, try_with_capacity, try_zeroed};

/// The rank of a column Y does not store.
pub(crate) const ABSENT: u32 = u32::MAX;

/// The rank of each column Y stores, most frequent first (ties: the lower column first), and
/// each rank's document frequency. Sized by the stored entries, never by the declared width: a
/// table indexed by column when the width is within a small multiple of the entries, a hash
/// map beyond.
pub(crate) struct ColumnRanks {
    pub(crate) lookup: RankLookup,
    pub(crate) frequencies: Vec<u64>,
}

pub(crate) enum RankLookup {
    Table(Vec<u32>),
    Map(FxHashMap<usize, u32>),
}

impl ColumnRanks {
    pub(crate) fn of<I: Index>(indices: &[I], n_columns: usize) -> Result<Self, Error> {
        let what = "the column ranks";
        let tabulate = n_columns <= indices.len().saturating_mul(2).saturating_add(4096);
        let mut by_frequency: Vec<(u64, usize)> = if tabulate {
            let counts = count_columns(indices, n_columns)?;
            let used = counts.iter().filter(|&&n| n > 0).count();
            let mut by_frequency = try_with_capacity(used, what)?;
            by_frequency.extend(
                counts
                    .iter()
                    .enumerate()
                    .filter(|(_, &n)| n > 0)
                    .map(|(c, &n)| (n as u64, c)),
            );
            by_frequency
        } else {
            let mut counts: FxHashMap<usize, u64> = FxHashMap::default();
            for &c in indices {
                *counts.entry(c.index()).or_insert(0) += 1;
            }
            counts.into_iter().map(|(c, n)| (n, c)).collect()
        };
        by_frequency.par_sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let lookup = if tabulate {
            let mut table = try_filled(n_columns, ABSENT, what)?;
            for (rank, &(_, c)) in by_frequency.iter().enumerate() {
                table[c] = rank as u32;
            }
            RankLookup::Table(table)
        } else {
            RankLookup::Map(
                by_frequency
                    .iter()
                    .enumerate()
                    .map(|(rank, &(_, c))| (c, rank as u32))
                    .collect(),
            )
        };
        let frequencies = by_frequency.iter().map(|&(n, _)| n).collect();
        Ok(ColumnRanks {
            lookup,
            frequencies,
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.frequencies.len()
    }

    /// Whether ranks are looked up in a table of the matrix's width (which is then within a
    /// small multiple of the stored entries).
    pub(crate) fn tabulated(&self) -> bool {
        matches!(self.lookup, RankLookup::Table(_))
    }

    #[inline]
    pub(crate) fn rank(&self, column: usize) -> u32 {
        match &self.lookup {
            RankLookup::Table(table) => table.get(column).copied().unwrap_or(ABSENT),
            RankLookup::Map(map) => map.get(&column).copied().unwrap_or(ABSENT),
        }
    }
}

/// How many entries each column has, counted in parallel over pieces of the entries.
pub(crate) fn count_columns<I: Index>(indices: &[I], n_columns: usize) -> Result<Vec<u32>, Error> {
    let pieces = rayon::current_num_threads().clamp(1, 8);
    let piece = indices.len().div_ceil(pieces).max(1 << 16);
    indices
        .par_chunks(piece)
        .map(|chunk| {
            let mut counts = try_zeroed::<u32>(n_columns, "the column ranks")?;
            for &c in chunk {
                counts[c.index()] += 1;
            }
            Ok(counts)
        })
        .try_reduce_with(|mut a, b| {
            a.iter_mut().zip(&b).for_each(|(a, b)| *a += b);
            Ok(a)
        })
        .unwrap_or_else(|| try_zeroed(n_columns, "the column ranks"))
}
