//! Exact all-pairs cosine search above a threshold, with pruning (AllPairs, Bayardo et al. 2007;
//! L2AP, Anastasiu & Karypis 2014).
//!
//! The full product meets every pair of rows that shares a term; above a threshold `t` nearly
//! all of those pairs are hopeless. Here:
//!
//! - Columns are ranked by document frequency in Y, most frequent first, and every row's
//!   entries are kept in that order too (`column_ranks.rs`, `ranked_rows.rs`).
//! - Each row of Y is split into a prefix whose norm cannot reach `t` with any row of X and a
//!   suffix; only the suffixes are indexed (`suffix_index.rs`). A pair that reaches `t` must
//!   share a term of the suffix of its Y row, so the index finds every such pair. (AllPairs'
//!   second bound, by each column's largest value in X, shortened the index of TF-IDF blog posts
//!   by 0.002%: left out.)
//! - A row of X meets the index from its rarest term to its most frequent. Once what is left of
//!   the row cannot reach `t` with any row, no new candidate is admitted; a candidate is dropped
//!   as soon as what it has plus what the rest of both rows could add (the product of their
//!   remaining norms, stored with each posting) falls below `t`. When verifying the few
//!   candidates left is cheaper than walking the next term's postings, they are verified
//!   outright.
//! - The survivors are verified by the dot product the full kernel computes, read from the
//!   matrix itself: the same products, added in the same order (the pair's shared columns
//!   ascending), at the input's precision. So the pairs and the scores are the full product's,
//!   bit for bit.
//!
//! Rounding: the search works with the kernel's normalised values rounded up to f32 and sums
//! its bounds in f32; every bound is compared with `t - slack`, where `slack` covers the
//! rounding of the full kernel's sum of at most `L` products (`L` the length of a row of the
//! pair: |fl(x·y) - x·y| <= γ_L Σ|xᵢyᵢ|) and of the bounds' own sums. A pair whose full-product
//! score is at or above `t` is never pruned.
//!
//! The bounds assume values of one sign; a matrix with negative values takes the full product.
//! Memory: the ranked rows (8 bytes an entry), the index (12 bytes a suffix entry) and, per
//! thread, one partial score per row of Y and one value per stored column, plus the answer: no
//! table is as wide as the matrix's declared number of columns.

use std::sync::Mutex;

use rayon::prelude::*;

use crate::error::Error;
use crate::matrix::column_ranks::{ColumnRanks, ABSENT};
use crate::matrix::csr::{assemble_rows, CsrParts, CsrView};
use crate::matrix::numeric::{Index, Real};
use crate::matrix::ranked_rows::RankedRows;
use crate::matrix::rounding::{f32_at_least, f32_at_most, f32_sum_slack, slack};
use crate::matrix::suffix_index::{SuffixCounts, SuffixIndex};
use crate::runtime::alloc::{try_filled, try_zeroed};

/// The smallest partial score of a row met: values are positive, so a row met has a partial
/// score above 0 even when its products underflow.
pub(crate) const MET: f32 = f32::MIN_POSITIVE;

/// One worker's scratch: the partial scores of the rows of Y met by the current row of X (0:
/// not met yet; minus infinity: dropped), the rows met, the current row of X as the full kernel
/// weighs it, by column (for verification), and the norms of the row's prefixes (rank order:
/// `norms_before[q]` of its first `q` entries).
pub(crate) struct Scratch<T> {
    pub(crate) partial: Vec<f32>,
    pub(crate) touched: Vec<u32>,
    pub(crate) dense: Vec<T>,
    pub(crate) norms_before: Vec<f64>,
}

impl<T: Real> Scratch<T> {
    pub(crate) fn new(height: usize, n_ranks: usize) -> Result<Self, Error> {
        let what = "the similarity search's work space";
        Ok(Scratch {
            partial: try_zeroed(height, what)?,
            // One slot more: each posting writes its row into the next slot before the count
            // says whether it was new, so the slot after the last row met is written too.
            touched: try_zeroed(height + 1, what)?,
            dense: try_zeroed(n_ranks, what)?,
            norms_before: Vec::new(),
        })
    }
}

/// The pruned search of the rows of X against Y above a threshold.
pub(crate) struct PrunedSearch<'y, T, I> {
    pub(crate) y: &'y RankedRows,
    /// Y as given: what verification reads, in the full kernel's order.
    pub(crate) y_matrix: CsrView<'y, T, I>,
    pub(crate) columns: &'y ColumnRanks,
    pub(crate) index: SuffixIndex,
    pub(crate) threshold: f64,
    pub(crate) scratches: Vec<Mutex<Scratch<T>>>,
}

/// How much work each way would do, in multiply-adds: the full product, and the walk of the
/// suffix index by the rows of X before its bounds prune anything.
#[derive(Clone, Copy, Debug)]
pub(crate) struct WorkEstimate {
    pub full: f64,
    pub pruned: f64,
}

impl WorkEstimate {
    /// Whether the pruned search is expected to beat the full product. A step of its walk
    /// costs about five multiply-adds of the full product (a random read, a bound, and the
    /// verifications the step leads to): on 12,000 TF-IDF blog posts the walk is 39% of the full
    /// product at 0.3 (and the pruned search 1.4x slower), 19% at 0.4 (even), 9% at 0.5 (the
    /// pruned search 2x faster) and 0.06% at 0.9 (10x faster, its preparation most of the time).
    pub(crate) fn favours_pruning(&self) -> bool {
        self.pruned * 5.0 < self.full
    }
}

impl<'y, T: Real, I: Index> PrunedSearch<'y, T, I> {
    /// The search of X's rows (`x`, ranked by `columns`, the ranks of Y) against `y` (the
    /// rows of `y_matrix`), or its work estimate when that favours the full product (unless
    /// `force`). `None` for values of both signs, which the bounds do not allow.
    pub(crate) fn new(
        x: &RankedRows,
        y: &'y RankedRows,
        y_matrix: CsrView<'y, T, I>,
        columns: &'y ColumnRanks,
        threshold: f64,
        within: bool,
        force: bool,
    ) -> Result<Result<Self, Option<WorkEstimate>>, Error> {
        let positive = threshold > 0.0;
        if !positive || !x.nonnegative || !y.nonnegative {
            return Ok(Err(None));
        }
        if y.n_rows() > u32::MAX as usize {
            return Ok(Err(None));
        }
        let n_ranks = columns.len();
        let splits = SuffixIndex::suffix_starts::<T>(y, threshold, x.max_norm);
        let counted = SuffixCounts::of(y, &splits, n_ranks)?;
        let estimate = estimate(x, &counted, columns, within)?;
        if !force && !estimate.favours_pruning() {
            return Ok(Err(Some(estimate)));
        }
        let index = SuffixIndex::build(y, &splits, counted)?;
        drop(splits);
        let dense_width = if columns.tabulated() {
            y_matrix.n_columns
        } else {
            n_ranks
        };
        let scratches = (0..rayon::current_num_threads().max(1))
            .map(|_| Scratch::new(y.n_rows(), dense_width).map(Mutex::new))
            .collect::<Result<_, Error>>()?;
        Ok(Ok(PrunedSearch {
            y,
            y_matrix,
            columns,
            index,
            threshold,
            scratches,
        }))
    }

    /// Runs `work` with this thread's scratch (each pool thread has its own, so the lock is
    /// never contended).
    pub(crate) fn with_scratch<R>(&self, work: impl FnOnce(&mut Scratch<T>) -> R) -> R {
        let own = rayon::current_thread_index().unwrap_or(0) % self.scratches.len();
        let mut scratch = self.scratches[own]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        work(&mut scratch)
    }

    /// Hands `found` every row `j` of Y (below `below`, when given: X is Y) whose cosine with
    /// row `i` of X (`x`, the ranked rows of `x_matrix`) reaches the threshold, with the full
    /// kernel's score, in no particular order.
    pub(crate) fn query(
        &self,
        x: &RankedRows,
        x_matrix: &CsrView<'_, T, I>,
        i: usize,
        below: Option<usize>,
        found: impl FnMut(u32, T),
    ) {
        self.with_scratch(|scratch| self.query_with(x, x_matrix, i, below, scratch, found))
    }

    pub(crate) fn query_with(
        &self,
        x: &RankedRows,
        x_matrix: &CsrView<'_, T, I>,
        i: usize,
        below: Option<usize>,
        scratch: &mut Scratch<T>,
        mut found: impl FnMut(u32, T),
    ) {
        let span = x.span(i);
        if span.is_empty() {
            return;
        }
        let ranks = &x.ranks[span.clone()];
        let values = &x.values[span.clone()];
        let max_norm = x.max_norm.max(self.y.max_norm);
        let limit = self.threshold - slack::<T>(span.len(), max_norm);
        // Partial scores and their bounds are summed in f32: compared with a limit lowered by
        // what that rounding can lose.
        let limit = limit - f32_sum_slack(span.len(), 2.0 * max_norm * max_norm);
        let limit32 = f32_at_most(limit);
        let index = &self.index;
        scratch.norms_before.clear();
        let mut square = 0.0;
        scratch.norms_before.push(0.0);
        for &value in values {
            square += value as f64 * value as f64;
            scratch.norms_before.push(square.sqrt());
        }
        let (below, share_below) = match below {
            Some(below) => (below, below as f64 / self.y.n_rows() as f64),
            None => (usize::MAX, 1.0),
        };
        let y_max_norm = self.y.max_norm;
        let Scratch {
            partial,
            touched,
            norms_before: before,
            ..
        } = scratch;
        let mut n_touched = 0usize;
        // From the rarest term of the row to the most frequent: while what is left of the row
        // could reach the threshold with a row not met yet, rows met are admitted...
        let mut q = ranks.len();
        while q > 0 {
            if before[q] * y_max_norm < limit {
                break;
            }
            q -= 1;
            // The terms' postings lie far apart (a rare term's are a few): ask for the next
            // terms' before they are walked.
            // (Only those phase one will reach: past it, a wasted fetch costs more than it saves.)
            if q >= 2 && before[q - 1] * y_max_norm >= limit {
                index.prefetch_postings(ranks[q - 2]);
                if q >= 4 && before[q - 3] * y_max_norm >= limit {
                    index.prefetch_start(ranks[q - 4]);
                }
            }
            let weight = values[q];
            let rest = f32_at_least(before[q]);
            for posting in index.postings(ranks[q]) {
                let j = posting.row as usize;
                if j >= below {
                    break;
                }
                let seen = partial[j];
                touched[n_touched] = j as u32;
                n_touched += (seen == 0.0) as usize;
                let score = seen + (weight * posting.value).max(MET);
                let bound = score + rest * posting.norm_before;
                partial[j] = if bound >= limit32 {
                    score
                } else {
                    f32::NEG_INFINITY
                };
            }
        }
        if n_touched == 0 {
            return;
        }
        // ... then only the rows met are followed, and dropped once they cannot reach it, until
        // verifying the few left outright is cheaper than walking on.
        let mut live = touched[..n_touched]
            .iter()
            .filter(|&&j| partial[j as usize] > 0.0)
            .count();
        // Greedily, term by term: walking the next term's postings (a random read of where
        // they start, then its postings; each step may drop candidates) or verifying every
        // candidate left now (a read of its row, a division a value), in steps of the walk.
        let row_cost = (self.y.n_entries() / self.y.n_rows().max(1) + 8) as f64 * 2.0;
        let mut verify_outright = false;
        while q > 0 && live > 0 {
            let next = 16.0 + index.n_postings(ranks[q - 1]) as f64 * share_below;
            if live as f64 * row_cost <= next {
                verify_outright = true;
                break;
            }
            q -= 1;
            let weight = values[q];
            let rest = f32_at_least(before[q]);
            for posting in index.postings(ranks[q]) {
                let j = posting.row as usize;
                if j >= below {
                    break;
                }
                let seen = partial[j];
                if seen > 0.0 {
                    let score = seen + weight * posting.value;
                    let bound = score + rest * posting.norm_before;
                    let keep = bound >= limit32;
                    live -= !keep as usize;
                    partial[j] = if keep { score } else { f32::NEG_INFINITY };
                }
            }
        }
        if live == 0 {
            // Every row met was dropped.
            for &j in &touched[..n_touched] {
                partial[j as usize] = 0.0;
            }
            return;
        }
        // The row of X as the full kernel weighs it, scattered for verification once a
        // candidate needs it.
        let (x_columns, x_data) = x_matrix.row(i);
        let x_norm = x.norms[i];
        let slot_of = |c: usize| {
            if self.columns.tabulated() {
                Some(c)
            } else {
                let rank = self.columns.rank(c);
                (rank != ABSENT).then_some(rank as usize)
            }
        };
        let mut scattered = false;
        for &j in &scratch.touched[..n_touched] {
            let j = j as usize;
            let partial = std::mem::take(&mut scratch.partial[j]) as f64;
            if partial <= 0.0 {
                continue;
            }
            if !verify_outright {
                // What the prefix of row j (never indexed) can still add.
                let prefix = ranks.partition_point(|&rank| rank < index.suffix_rank[j]);
                let bound = partial + scratch.norms_before[prefix] * index.prefix_norm[j];
                if bound < limit {
                    continue;
                }
            }
            if !scattered {
                for (&c, &v) in x_columns.iter().zip(x_data) {
                    if let Some(slot) = slot_of(c.index()) {
                        scratch.dense[slot] = T::from_f64(v.to_f64() / x_norm);
                    }
                }
                scattered = true;
            }
            let score = self.verify(&scratch.dense, j);
            if score.to_f64() >= self.threshold {
                found(j as u32, score);
            }
        }
        if scattered {
            for &c in x_columns {
                if let Some(slot) = slot_of(c.index()) {
                    scratch.dense[slot] = T::default();
                }
            }
        }
    }
}

impl<T: Real, I: Index> PrunedSearch<'_, T, I> {
    /// The full kernel's score of the row of X in `dense` with row `j` of Y: its products, in
    /// its order (the columns of row `j` ascending), at its precision. The columns the row of X
    /// lacks add zero products, which change no sum of finite values.
    pub(crate) fn verify(&self, dense: &[T], j: usize) -> T {
        let (columns, data) = self.y_matrix.row(j);
        let norm = self.y.norms[j];
        let mut score = T::default();
        if self.columns.tabulated() {
            for (&c, &v) in columns.iter().zip(data) {
                let w = T::from_f64(v.to_f64() / norm);
                score = score.add_product(dense[c.index()], w);
            }
        } else {
            for (&c, &v) in columns.iter().zip(data) {
                let rank = self.columns.rank(c.index());
                if rank != ABSENT {
                    let w = T::from_f64(v.to_f64() / norm);
                    score = score.add_product(dense[rank as usize], w);
                }
            }
        }
        score
    }
}

pub(crate) fn estimate(
    x: &RankedRows,
    counted: &SuffixCounts,
    columns: &ColumnRanks,
    within: bool,
) -> Result<WorkEstimate, Error> {
    let n_ranks = columns.len();
    let indexed: Vec<u64> = (0..n_ranks).map(|rank| counted.postings(rank)).collect();
    let (full, pruned) = if within {
        let full = columns
            .frequencies
            .iter()
            .map(|&n| n as f64 * (n as f64 - 1.0) / 2.0)
            .sum();
        let pruned = columns
            .frequencies
            .iter()
            .zip(&indexed)
            .map(|(&n, &m)| n as f64 * m as f64 / 2.0)
            .sum();
        (full, pruned)
    } else {
        let mut in_x = try_zeroed::<u64>(n_ranks, "the work estimate")?;
        for &rank in &x.ranks {
            in_x[rank as usize] += 1;
        }
        let full = in_x
            .iter()
            .zip(&columns.frequencies)
            .map(|(&a, &b)| a as f64 * b as f64)
            .sum();
        let pruned = in_x
            .iter()
            .zip(&indexed)
            .map(|(&a, &b)| a as f64 * b as f64)
            .sum();
        (full, pruned)
    };
    Ok(WorkEstimate { full, pruned })
}

/// Which way a thresholded similarity is computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// The work estimate chooses.
    Auto,
    /// The full product, whatever the estimate.
    Full,
    /// The pruned search whenever it applies (a threshold above 0, values of one sign).
    Pruned,
}

/// The pruned search of X within itself (`x_rows` ranked by their own `columns`).
pub(crate) struct Within {
    pub columns: ColumnRanks,
    pub rows: RankedRows,
}

impl Within {
    pub(crate) fn new<T: Real, I: Index>(x: &CsrView<'_, T, I>) -> Result<Self, Error> {
        let columns = ColumnRanks::of(x.indices, x.n_columns)?;
        let rows = RankedRows::new(x, &columns, true)?;
        Ok(Within { columns, rows })
    }
}

/// Every pair `i < j` of rows of X whose cosine reaches `threshold`, handed to `found(i, j,
/// score)` from parallel workers as each row `j` finishes (for each `j`, the `i` in no
/// particular order); `Ok(false)` when `method` and the work estimate choose the full product
/// (nothing was called then).
pub(crate) fn for_each_pair_within<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    threshold: f64,
    method: Method,
    found: impl Fn(usize, &[(u32, T)]) + Sync,
) -> Result<bool, Error> {
    if method == Method::Full {
        return Ok(false);
    }
    let within = Within::new(x)?;
    let search = match PrunedSearch::new(
        &within.rows,
        &within.rows,
        *x,
        &within.columns,
        threshold,
        true,
        method == Method::Pruned,
    )? {
        Ok(search) => search,
        Err(_) => return Ok(false),
    };
    let n = within.rows.n_rows();
    // Row j meets the rows before it: each pair once, from its later row.
    (0..n)
        .into_par_iter()
        .with_min_len(8)
        .for_each_init(Vec::new, |pairs, j| {
            if crate::runtime::cancel::is_cancelled() {
                return;
            }
            pairs.clear();
            search.query(&within.rows, x, j, Some(j), |i, score| {
                pairs.push((i, score))
            });
            crate::runtime::cancel::advance(1);
            if !pairs.is_empty() {
                found(j, pairs);
            }
        });
    Ok(true)
}

/// `triangle::similar_pairs_within` by the pruned search, or `None` when `method` and the work
/// estimate choose the full product.
pub(crate) fn pairs_within<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    threshold: f64,
    method: Method,
) -> Result<Option<CsrParts>, Error> {
    let n = x.n_rows;
    let rows: Mutex<Vec<LaterRow>> = Mutex::new(Vec::new());
    let searched = for_each_pair_within(x, threshold, method, |j, pairs| {
        let pairs = pairs.iter().map(|&(i, s)| (i, s.to_f64())).collect();
        rows.lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push((j, pairs));
    })?;
    crate::runtime::cancel::checkpoint()?;
    if !searched {
        return Ok(None);
    }
    let rows = rows.into_inner().unwrap_or_else(|p| p.into_inner());
    transpose_pairs(n, rows).map(Some)
}

/// The pruned search of the rows of X against another matrix Y (ranked by Y's columns).
pub(crate) struct Across {
    pub columns: ColumnRanks,
    pub x_rows: RankedRows,
    pub y_rows: RankedRows,
}

impl Across {
    pub(crate) fn new<T: Real, I: Index>(
        x: &CsrView<'_, T, I>,
        y: &CsrView<'_, T, I>,
    ) -> Result<Self, Error> {
        let columns = ColumnRanks::of(y.indices, y.n_columns)?;
        let y_rows = RankedRows::new(y, &columns, true)?;
        let x_rows = RankedRows::new(x, &columns, false)?;
        Ok(Across {
            columns,
            x_rows,
            y_rows,
        })
    }
}

/// For every row `i` of X, the rows of Y whose cosine with it reaches `threshold`, handed to
/// `found(i, pairs)` from parallel workers (the pairs in no particular order, and only rows
/// with some); `Ok(false)` when `method` and the work estimate choose the full product.
pub(crate) fn for_each_pair<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    y: &CsrView<'_, T, I>,
    threshold: f64,
    method: Method,
    found: impl Fn(usize, &mut Vec<(u32, T)>) + Sync,
) -> Result<bool, Error> {
    if method == Method::Full {
        return Ok(false);
    }
    let across = Across::new(x, y)?;
    let search = match PrunedSearch::new(
        &across.x_rows,
        &across.y_rows,
        *y,
        &across.columns,
        threshold,
        false,
        method == Method::Pruned,
    )? {
        Ok(search) => search,
        Err(_) => return Ok(false),
    };
    (0..across.x_rows.n_rows())
        .into_par_iter()
        .with_min_len(8)
        .for_each_init(Vec::new, |pairs, i| {
            if crate::runtime::cancel::is_cancelled() {
                return;
            }
            pairs.clear();
            search.query(&across.x_rows, x, i, None, |j, score| {
                pairs.push((j, score))
            });
            crate::runtime::cancel::advance(1);
            if !pairs.is_empty() {
                found(i, pairs);
            }
        });
    Ok(true)
}

/// `similarity::similar_pairs` of X with another matrix Y by the pruned search, or `None` when
/// `method` and the work estimate choose the full product.
pub(crate) fn pairs<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    y: &CsrView<'_, T, I>,
    threshold: f64,
    method: Method,
) -> Result<Option<CsrParts>, Error> {
    let rows: Vec<Mutex<Vec<(u32, f64)>>> = (0..x.n_rows).map(|_| Mutex::new(Vec::new())).collect();
    let searched = for_each_pair(x, y, threshold, method, |i, pairs| {
        pairs.sort_unstable_by_key(|&(j, _)| j);
        *lock(&rows[i]) = pairs.iter().map(|&(j, s)| (j, s.to_f64())).collect();
    })?;
    crate::runtime::cancel::checkpoint()?;
    if !searched {
        return Ok(None);
    }
    let rows = rows
        .into_iter()
        .map(|row| row.into_inner().unwrap_or_else(|p| p.into_inner()))
        .collect();
    assemble_rows(rows).map(Some)
}

pub(crate) fn lock<V>(mutex: &Mutex<V>) -> std::sync::MutexGuard<'_, V> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `(indices, scores)`, `n_rows × k`, as the full kernels' top-k gives them.
pub(crate) type Neighbours = (Vec<i64>, Vec<f64>);

/// Ranks candidates as the full kernel's top-k does: higher score first, then lower index.
pub(crate) fn better<T: Real>(a: &(T, u32), b: &(T, u32)) -> std::cmp::Ordering {
    b.0.to_f64().total_cmp(&a.0.to_f64()).then(a.1.cmp(&b.1))
}

/// The best `k` of `candidates` written into a row of the answer (padded with -1 and 0).
pub(crate) fn write_best<T: Real>(
    candidates: &mut Vec<(T, u32)>,
    k: usize,
    row_indices: &mut [i64],
    row_scores: &mut [f64],
) {
    if candidates.len() > k {
        candidates.select_nth_unstable_by(k - 1, better);
        candidates.truncate(k);
    }
    candidates.sort_unstable_by(better);
    for (slot, &(score, j)) in candidates.iter().enumerate() {
        row_indices[slot] = j as i64;
        row_scores[slot] = score.to_f64();
    }
}

/// `similarity::most_similar` above a threshold by the pruned search: for each row of X its
/// `k` most similar rows of Y (of X itself, the row excluded, when `y` is `None`), or `None`
/// when `method` and the work estimate choose the full product.
pub(crate) fn most_similar<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    y: Option<&CsrView<'_, T, I>>,
    k: usize,
    threshold: f64,
    method: Method,
) -> Result<Option<Neighbours>, Error> {
    if k == 0 || method == Method::Full {
        return Ok(None);
    }
    let n = x.n_rows;
    let what = "the neighbours found";
    let rows: Vec<Mutex<Vec<(T, u32)>>> = (0..n).map(|_| Mutex::new(Vec::new())).collect();
    let keep = |row: usize, offered: &mut dyn Iterator<Item = (T, u32)>| {
        let mut list = lock(&rows[row]);
        list.extend(offered);
        if list.len() >= 2 * k.max(8) {
            // Keep the lists short: only the best k can ever be the answer.
            list.select_nth_unstable_by(k - 1, better);
            list.truncate(k);
        }
    };
    let searched = match y {
        Some(y) => for_each_pair(x, y, threshold, method, |i, pairs| {
            keep(i, &mut pairs.iter().map(|&(j, s)| (s, j)));
        })?,
        // Each pair is found once, from its later row, and offered to both.
        None => for_each_pair_within(x, threshold, method, |j, pairs| {
            keep(j, &mut pairs.iter().map(|&(i, s)| (s, i)));
            for &(i, s) in pairs {
                keep(i as usize, &mut std::iter::once((s, j as u32)));
            }
        })?,
    };
    crate::runtime::cancel::checkpoint()?;
    if !searched {
        return Ok(None);
    }
    let mut indices = try_filled(n.saturating_mul(k), -1i64, what)?;
    let mut scores = try_zeroed::<f64>(n.saturating_mul(k), what)?;
    indices
        .par_chunks_mut(k)
        .zip(scores.par_chunks_mut(k))
        .zip(rows.into_par_iter())
        .for_each(|((row_indices, row_scores), row)| {
            let mut row = row.into_inner().unwrap_or_else(|p| p.into_inner());
            write_best(&mut row, k, row_indices, row_scores);
        });
    Ok(Some((indices, scores)))
}

/// A row `j` and its pairs `(i, score)` with the rows `i < j` before it.
type LaterRow = (usize, Vec<(u32, f64)>);

/// Pairs listed under their later row `j` as CSR rows of their earlier row, columns ascending.
fn transpose_pairs(n: usize, found: Vec<LaterRow>) -> Result<CsrParts, Error> {
    let what = "the pairs found";
    let total: usize = found.iter().map(|(_, pairs)| pairs.len()).sum();
    let mut indptr = try_zeroed::<usize>(n + 1, what)?;
    for (_, pairs) in &found {
        for &(i, _) in pairs {
            indptr[i as usize + 1] += 1;
        }
    }
    for r in 0..n {
        indptr[r + 1] += indptr[r];
    }
    let mut columns = try_zeroed::<u32>(total, what)?;
    let mut scores = try_zeroed::<f64>(total, what)?;
    let mut next = indptr.clone();
    let mut found = found;
    // Later rows in order, so that each earlier row's columns come out ascending.
    found.sort_unstable_by_key(|(j, _)| *j);
    for (j, pairs) in found {
        for (i, score) in pairs {
            let slot = &mut next[i as usize];
            columns[*slot] = j as u32;
            scores[*slot] = score;
            *slot += 1;
        }
    }
    Ok((indptr, columns, scores))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::columns::NormalizedColumns;
    use crate::matrix::similarity::{self, Threshold};
    use crate::matrix::triangle;

    /// A random CSR matrix whose column frequencies are skewed (Zipf-like: column `c` is
    /// drawn with weight 1/(c+1)), with some rows planted as near-copies of earlier ones
    /// (values nudged, a term dropped or added) and some exact copies, so that pairs land on
    /// both sides of every threshold and exactly at 1.
    struct Random {
        state: u64,
    }

    impl Random {
        fn next(&mut self) -> f64 {
            self.state = self
                .state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.state >> 11) as f64 / (1u64 << 53) as f64
        }

        fn below(&mut self, n: usize) -> usize {
            ((self.next() * n as f64) as usize).min(n - 1)
        }
    }

    type Csr = (Vec<usize>, Vec<i64>, Vec<f64>, usize);

    pub(crate) fn skewed(n: usize, m: usize, terms: usize, copies: f64, seed: u64) -> Csr {
        let mut random = Random { state: seed };
        let harmonic: f64 = (1..=m).map(|c| 1.0 / c as f64).sum();
        let mut rows: Vec<Vec<(i64, f64)>> = Vec::new();
        for r in 0..n {
            let mut row: Vec<(i64, f64)> = if r > 0 && random.next() < copies {
                let mut row = rows[random.below(r)].clone();
                match random.below(4) {
                    0 => {}
                    1 => row
                        .iter_mut()
                        .for_each(|e| e.1 *= 1.0 + 0.1 * random.next()),
                    2 if row.len() > 1 => {
                        let drop = random.below(row.len());
                        row.remove(drop);
                    }
                    _ => row.push((random.below(m) as i64, 1.0 + random.next())),
                }
                row
            } else {
                let length = 1 + random.below(terms);
                (0..length)
                    .map(|_| {
                        // Inverse transform of the Zipf-like weights.
                        let mut goal = random.next() * harmonic;
                        let mut c = 0;
                        while c + 1 < m && goal > 1.0 / (c + 1) as f64 {
                            goal -= 1.0 / (c + 1) as f64;
                            c += 1;
                        }
                        let value = (random.next() * 4.0).ceil().max(1.0) / 4.0;
                        (c as i64, value * (1.0 + ((c + 1) as f64).ln()))
                    })
                    .collect()
            };
            row.sort_by_key(|e| e.0);
            row.dedup_by_key(|e| e.0);
            rows.push(row);
        }
        let (mut indptr, mut indices, mut data) = (vec![0], Vec::new(), Vec::new());
        for row in rows {
            for (c, v) in row {
                indices.push(c);
                data.push(v);
            }
            indptr.push(indices.len());
        }
        (indptr, indices, data, m)
    }

    pub(crate) fn view<'a, T>(csr: &'a Csr, values: &'a [T]) -> CsrView<'a, T, i64> {
        CsrView {
            n_rows: csr.0.len() - 1,
            n_columns: csr.3,
            indptr: unsafe_indptr(&csr.0),
            indices: &csr.1,
            data: values,
        }
    }

    /// usize and i64 have the same size here; the views want one index type.
    pub(crate) fn unsafe_indptr(indptr: &[usize]) -> &[i64] {
        let converted: Vec<i64> = indptr.iter().map(|&p| p as i64).collect();
        Box::leak(converted.into_boxed_slice())
    }

    pub(crate) fn in_pool<R: Send>(threads: usize, work: impl FnOnce() -> R + Send) -> R {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(work)
    }

    pub(crate) fn full_pairs_within<T: Real>(x: &CsrView<'_, T, i64>, threshold: f64) -> CsrParts {
        triangle::similar_pairs_within(x, Threshold::AtLeast(threshold)).unwrap()
    }

    /// Every score the full kernel gives a pair of rows (above 0), for thresholds at exactly
    /// those values.
    pub(crate) fn some_scores<T: Real>(x: &CsrView<'_, T, i64>, count: usize) -> Vec<f64> {
        let (_, _, scores) = full_pairs_within(x, f64::MIN_POSITIVE);
        let mut scores: Vec<f64> = scores.into_iter().filter(|&s| s > 0.05).collect();
        scores.sort_by(f64::total_cmp);
        let step = (scores.len() / count).max(1);
        scores.into_iter().step_by(step).collect()
    }

    pub(crate) fn check_within<T: Real>(csr: &Csr, thresholds: &[f64]) {
        let values: Vec<T> = csr.2.iter().map(|&v| T::from_f64(v)).collect();
        let x = view(csr, &values);
        x.validate().unwrap();
        let mut thresholds = thresholds.to_vec();
        thresholds.extend(some_scores(&x, 6));
        for &t in &thresholds {
            let expected = full_pairs_within(&x, t);
            for threads in [1, 2, 5] {
                let got = in_pool(threads, || pairs_within(&x, t, Method::Pruned).unwrap());
                assert_eq!(got.as_ref(), Some(&expected), "t={t} threads={threads}");
            }
            // Just above a score that is found, it is not.
            let above = t + t * f64::EPSILON * 4.0 + 1e-300;
            assert_eq!(
                pairs_within(&x, above, Method::Pruned).unwrap(),
                Some(full_pairs_within(&x, above)),
                "t just above {t}"
            );
        }
    }

    #[test]
    pub(crate) fn pruned_pairs_are_the_full_products_bit_for_bit() {
        let thresholds = [0.05, 0.2, 0.5, 0.7, 0.9, 0.99, 1.0];
        for (n, m, terms, copies, seed) in [
            (200, 300, 30, 0.2, 1),
            (300, 60, 12, 0.3, 2),
            (150, 2000, 80, 0.1, 3),
            (50, 10, 4, 0.5, 4),
            (1, 5, 3, 0.0, 5),
            (120, 40, 40, 0.6, 6),
        ] {
            let csr = skewed(n, m, terms, copies, seed);
            check_within::<f64>(&csr, &thresholds);
            check_within::<f32>(&csr, &thresholds);
        }
    }

    pub(crate) fn check_across<T: Real>(csr_x: &Csr, csr_y: &Csr, thresholds: &[f64]) {
        let (xv, yv): (Vec<T>, Vec<T>) = (
            csr_x.2.iter().map(|&v| T::from_f64(v)).collect(),
            csr_y.2.iter().map(|&v| T::from_f64(v)).collect(),
        );
        let (x, y) = (view(csr_x, &xv), view(csr_y, &yv));
        let columns = NormalizedColumns::new(&y).unwrap();
        for &t in thresholds {
            let expected =
                similarity::similar_pairs(&x, &columns, Threshold::AtLeast(t), false).unwrap();
            for threads in [1, 3] {
                let got = in_pool(threads, || pairs(&x, &y, t, Method::Pruned).unwrap());
                assert_eq!(
                    got.as_ref(),
                    Some(&expected),
                    "across t={t} threads={threads}"
                );
            }
            for k in [1, 4, 50] {
                let expected =
                    similarity::most_similar(&x, &columns, k, Threshold::AtLeast(t), false)
                        .unwrap();
                let got = in_pool(2, || {
                    most_similar(&x, Some(&y), k, t, Method::Pruned).unwrap()
                });
                assert_eq!(
                    got.as_ref(),
                    Some(&expected),
                    "most_similar across t={t} k={k}"
                );
            }
        }
    }

    #[test]
    pub(crate) fn pruned_pairs_of_x_with_y_and_top_k_are_the_full_products() {
        let thresholds = [0.1, 0.3, 0.6, 0.8, 0.95, 1.0];
        for seed in 0..4 {
            let y = skewed(200, 300, 25, 0.3, 10 + seed);
            // Queries: other rows over the same columns, and near-copies of rows of y.
            let mut x = skewed(60, 300, 25, 0.0, 20 + seed);
            let (mut indptr, mut indices, mut data) = (x.0.clone(), x.1.clone(), x.2.clone());
            for r in (0..200).step_by(7) {
                let (a, b) = (y.0[r], y.0[r + 1]);
                indices.extend_from_slice(&y.1[a..b]);
                data.extend(y.2[a..b].iter().map(|v| v * 1.5));
                indptr.push(indices.len());
            }
            x = (indptr, indices, data, 300);
            check_across::<f64>(&x, &y, &thresholds);
            check_across::<f32>(&x, &y, &thresholds);
        }
    }

    #[test]
    pub(crate) fn pruned_top_k_within_is_the_full_products() {
        for seed in 0..3 {
            let csr = skewed(250, 200, 20, 0.4, 30 + seed);
            let values: Vec<f32> = csr.2.iter().map(|&v| v as f32).collect();
            let x = view(&csr, &values);
            for t in [0.2, 0.5, 0.9] {
                for k in [1, 3, 10] {
                    let expected =
                        triangle::most_similar_within(&x, k, Threshold::AtLeast(t)).unwrap();
                    for threads in [1, 4] {
                        let got = in_pool(threads, || {
                            most_similar(&x, None, k, t, Method::Pruned).unwrap()
                        });
                        assert_eq!(
                            got.as_ref(),
                            Some(&expected),
                            "t={t} k={k} threads={threads}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    pub(crate) fn unnormalised_rows_and_empty_rows_and_explicit_zeros() {
        // Rows of very different norms, an empty row, a stored zero, duplicates scoring 1.
        let indptr = vec![0usize, 2, 2, 4, 6, 8, 9];
        let indices: Vec<i64> = vec![0, 3, 0, 3, 0, 3, 1, 2, 2];
        let data = vec![1e-3, 2e-3, 300.0, 600.0, 5.0, 0.0, 1.0, 1.0, 7.0];
        let csr: Csr = (indptr, indices, data, 4);
        check_within::<f64>(&csr, &[0.1, 0.5, 0.999, 1.0]);
        check_within::<f32>(&csr, &[0.1, 0.5, 0.999, 1.0]);
    }

    #[test]
    pub(crate) fn a_huge_declared_width_costs_nothing() {
        // Two rows, two entries, 10^11 columns: the column table would be 800 GB.
        let csr: Csr = (
            vec![0, 1, 2],
            vec![99_999_999_999, 99_999_999_999],
            vec![1.0, 2.0],
            100_000_000_000,
        );
        let values: Vec<f64> = csr.2.clone();
        let x = view(&csr, &values);
        let (indptr, columns, scores) = pairs_within(&x, 0.5, Method::Pruned).unwrap().unwrap();
        assert_eq!((indptr, columns), (vec![0, 1, 1], vec![1]));
        assert_eq!(scores, vec![1.0]);
    }

    #[test]
    pub(crate) fn negative_values_and_low_thresholds_take_the_full_product() {
        let csr: Csr = (
            vec![0, 2, 4],
            vec![0, 1, 0, 1],
            vec![1.0, -1.0, 1.0, 1.0],
            2,
        );
        let x = view(&csr, &csr.2);
        assert_eq!(pairs_within(&x, 0.5, Method::Pruned).unwrap(), None);
        let csr = skewed(100, 50, 10, 0.1, 9);
        let x = view(&csr, &csr.2);
        assert_eq!(pairs_within(&x, 0.0, Method::Pruned).unwrap(), None);
        assert_eq!(pairs_within(&x, 0.5, Method::Full).unwrap(), None);
        // The estimate: at a low threshold most of the walk remains.
        assert_eq!(pairs_within(&x, 0.01, Method::Auto).unwrap(), None);
    }
}
