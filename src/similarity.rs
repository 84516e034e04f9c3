//! Cosine similarity between the rows of sparse matrices, at scale: every row's k most similar
//! rows, every pair above a threshold, groups of near-duplicates.
//!
//! The products X·Yᵀ are computed row by row of X (Gustavson's algorithm: for each term of the
//! row, walk that term's column of Y), in parallel over rows, each worker with a dense
//! accumulator the width of Y and a list of the entries it touched. Memory is the answer plus
//! one accumulator per thread: an n × m matrix is never made.
//!
//! Within one matrix (X·Xᵀ, the "similar articles" case) the product is symmetric, so each row
//! meets only the rows below it and each pair is computed once, for both rows: half the work.
//! Those scores are bit for bit the full product's, so both paths give the same answers.

use std::sync::Mutex;

use rayon::prelude::*;

use crate::error::Error;
use crate::top_k::{merge_into, TopKLists};
use crate::weight::{Index, Real};

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
    pub fn validate(&self) -> Result<(), String> {
        if self.indptr.len() != self.n_rows + 1 {
            return Err(format!(
                "indptr has {} entries for {} rows",
                self.indptr.len(),
                self.n_rows
            ));
        }
        if self.indices.len() != self.data.len() {
            return Err("indices and data differ in length".into());
        }
        let mut previous = 0;
        for &p in self.indptr {
            let p = p.index();
            if p < previous || p > self.data.len() {
                return Err("indptr decreases or runs past the data".into());
            }
            previous = p;
        }
        if self.indices.iter().any(|c| c.index() >= self.n_columns) {
            return Err(format!(
                "a column index is out of range for {} columns",
                self.n_columns
            ));
        }
        // The triangle kernels meet each pair of rows once per shared column, which needs each
        // row's columns sorted and distinct (scipy's canonical format).
        for r in 0..self.n_rows {
            let (columns, _) = self.row(r);
            if columns.windows(2).any(|w| w[0].index() >= w[1].index()) {
                return Err(format!(
                    "row {r} has unsorted or repeated column indices (use sum_duplicates())"
                ));
            }
        }
        Ok(())
    }

    fn row(&self, r: usize) -> (&[I], &[T]) {
        let (start, end) = (self.indptr[r].index(), self.indptr[r + 1].index());
        (&self.indices[start..end], &self.data[start..end])
    }

    /// Euclidean norm of every row.
    pub fn row_norms(&self) -> Vec<f64> {
        (0..self.n_rows)
            .into_par_iter()
            .map(|r| {
                let (_, values) = self.row(r);
                values
                    .iter()
                    .map(|v| v.to_f64() * v.to_f64())
                    .sum::<f64>()
                    .sqrt()
            })
            .collect()
    }
}

/// Y transposed (one list per column of Y), with every value divided by its row's norm, so that
/// walking a column gives the normalized entries of the rows that contain that term.
pub struct NormalizedColumns<T> {
    indptr: Vec<usize>,
    rows: Vec<u32>,
    /// Stored at the input's precision: walking the columns is what the time goes into.
    values: Vec<T>,
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

    fn column(&self, c: usize) -> (&[u32], &[T]) {
        let (start, end) = (self.indptr[c], self.indptr[c + 1]);
        (&self.rows[start..end], &self.values[start..end])
    }
}

/// One worker's accumulator: a dense row of scores and the entries touched. Each slot carries
/// the number of the row it was last touched for, so a slot is read and written in one place
/// and nothing needs clearing between rows. Scores add up in the input's precision (float32
/// input: float32, as scikit-learn and sparse_dot_topn do), which keeps the row small enough to
/// stay in cache.
struct Accumulator<T> {
    slots: Vec<Slot<T>>,
    touched: Vec<u32>,
    /// The current row's stamp (never 0, the stamp of untouched slots).
    stamp: u32,
}

#[derive(Clone, Copy, Default)]
struct Slot<T> {
    score: T,
    stamp: u32,
}

impl<T: Real> Accumulator<T> {
    fn new(width: usize) -> Self {
        Accumulator {
            slots: vec![Slot::default(); width],
            touched: Vec::new(),
            stamp: 0,
        }
    }

    /// Whether row `j` of Y was touched for the current row of X.
    #[inline]
    fn touched(&self, j: usize) -> bool {
        self.slots[j].stamp == self.stamp
    }

    /// Accumulates the cosine of row `r` of X with every row of Y that shares a term with it.
    fn accumulate<I: Index>(
        &mut self,
        x: &CsrView<'_, T, I>,
        norm: f64,
        r: usize,
        y: &NormalizedColumns<T>,
    ) {
        self.touched.clear();
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            // After 2^32 rows, start the stamps again from clean slots.
            self.slots.iter_mut().for_each(|slot| slot.stamp = 0);
            self.stamp = 1;
        }
        if norm == 0.0 {
            return;
        }
        let stamp = self.stamp;
        let (columns, values) = x.row(r);
        for (&c, &v) in columns.iter().zip(values) {
            let weight = T::from_f64(v.to_f64() / norm);
            let (rows, y_values) = y.column(c.index());
            for (&j, &w) in rows.iter().zip(y_values) {
                let slot = &mut self.slots[j as usize];
                if slot.stamp != stamp {
                    *slot = Slot {
                        score: T::default(),
                        stamp,
                    };
                    self.touched.push(j);
                }
                slot.score = slot.score.add_product(weight, w);
            }
        }
    }

    /// Hands each touched (row, score) of the current row to `visit`.
    fn drain(&mut self, mut visit: impl FnMut(u32, f64)) {
        for &j in &self.touched {
            visit(j, self.slots[j as usize].score.to_f64());
        }
    }
}

/// Which scores count as a neighbour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Threshold {
    /// Scores above zero.
    Positive,
    /// Scores at or above this value (rows that share no term have score 0).
    AtLeast(f64),
    /// Every row that shares a term, whatever the score (the structure of X·Yᵀ).
    SharesATerm,
}

impl Threshold {
    #[inline]
    fn accepts(self, score: f64) -> bool {
        match self {
            Threshold::Positive => score > 0.0,
            Threshold::AtLeast(min) => score >= min,
            Threshold::SharesATerm => true,
        }
    }

    /// Whether rows that share no term (score 0) qualify too.
    fn accepts_disjoint(self) -> bool {
        matches!(self, Threshold::AtLeast(min) if min <= 0.0)
    }
}

/// Whether row `r` of X meets so many rows of Y that a dense sweep is the quicker way to its
/// scores. Only for thresholds that refuse a score of 0, since a sweep cannot tell a row that
/// shares no term from one whose products cancel.
fn sweeps_densely<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    r: usize,
    norm: f64,
    y: &NormalizedColumns<T>,
    threshold: Threshold,
) -> bool {
    let refuses_zero = match threshold {
        Threshold::Positive => true,
        Threshold::AtLeast(min) => min > 0.0,
        Threshold::SharesATerm => false,
    };
    if !refuses_zero || norm == 0.0 {
        return false;
    }
    let (columns, _) = x.row(r);
    let work: usize = columns.iter().map(|&c| y.column(c.index()).0.len()).sum();
    y.n_rows <= 2 * work
}

/// The cosine of row `r` of X with every row of Y, added into `scores` (zeros on entry), in
/// the order the accumulator adds them.
fn accumulate_dense<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    norm: f64,
    r: usize,
    y: &NormalizedColumns<T>,
    scores: &mut [T],
) {
    let (columns, values) = x.row(r);
    for (&c, &v) in columns.iter().zip(values) {
        let weight = T::from_f64(v.to_f64() / norm);
        let (rows, y_values) = y.column(c.index());
        for (&j, &w) in rows.iter().zip(y_values) {
            let slot = &mut scores[j as usize];
            *slot = slot.add_product(weight, w);
        }
    }
}

/// For each row of X, its `k` most similar rows of Y: `(indices, scores)`, `n_rows × k` in row
/// order, best first, ties to the lower index, padded with -1 and 0. With `exclude_self`, row
/// `i` of X is not its own neighbour (X and Y are the same matrix).
pub fn most_similar<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    y: &NormalizedColumns<T>,
    k: usize,
    threshold: Threshold,
    exclude_self: bool,
) -> (Vec<i64>, Vec<f64>) {
    let norms = x.row_norms();
    let mut indices = vec![-1i64; x.n_rows * k];
    let mut scores = vec![0f64; x.n_rows * k];
    if k == 0 {
        return (indices, scores);
    }
    indices
        .par_chunks_mut(k)
        .zip(scores.par_chunks_mut(k))
        .enumerate()
        .with_min_len(16)
        .for_each_init(
            || {
                (
                    Accumulator::<T>::new(y.n_rows),
                    Vec::<(f64, u32)>::new(),
                    Vec::<T>::new(),
                )
            },
            |(accumulator, candidates, dense), (r, (row_indices, row_scores))| {
                if crate::cancel::is_cancelled() {
                    return; // the caller drops the whole result
                }
                candidates.clear();
                if sweeps_densely(x, r, norms[r], y, threshold) {
                    // Most rows of Y are met: a plain row of sums and one sweep over it beat
                    // stamping each slot and listing the rows touched. Same sums, same order.
                    dense.resize(y.n_rows, T::default());
                    accumulate_dense(x, norms[r], r, y, dense);
                    crate::cancel::advance(1);
                    for (j, slot) in dense.iter_mut().enumerate() {
                        let score = std::mem::take(slot).to_f64();
                        if threshold.accepts(score) && !(exclude_self && j == r) {
                            candidates.push((score, j as u32));
                        }
                    }
                } else {
                    accumulator.accumulate(x, norms[r], r, y);
                    crate::cancel::advance(1);
                    accumulator.drain(|j, score| {
                        if !(exclude_self && j as usize == r) && threshold.accepts(score) {
                            candidates.push((score, j));
                        }
                    });
                }
                if threshold.accepts_disjoint() {
                    // Rows that share no term score 0 and qualify: the first k of them (ties go
                    // to the lower index) compete with the rest.
                    let untouched = (0..y.n_rows as u32)
                        .filter(|&j| {
                            let is_self = exclude_self && j as usize == r;
                            !(accumulator.touched(j as usize) || is_self)
                        })
                        .take(k);
                    candidates.extend(untouched.map(|j| (0.0, j)));
                }
                let better = |a: &(f64, u32), b: &(f64, u32)| {
                    b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1))
                };
                if candidates.len() > k {
                    candidates.select_nth_unstable_by(k - 1, better);
                    candidates.truncate(k);
                }
                candidates.sort_unstable_by(better);
                for (slot, &(score, j)) in candidates.iter().enumerate() {
                    row_indices[slot] = j as i64;
                    row_scores[slot] = score;
                }
            },
        );
    (indices, scores)
}

/// Every pair `(i, j, score)` with `score` accepted by `threshold`, rows of X in order and,
/// within a row, columns ascending. With `upper_only` (X and Y the same), only `i < j`.
pub fn pairs<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    y: &NormalizedColumns<T>,
    threshold: Threshold,
    upper_only: bool,
) -> Result<CsrParts, Error> {
    let norms = x.row_norms();
    let rows: Vec<Vec<(u32, f64)>> = (0..x.n_rows)
        .into_par_iter()
        .with_min_len(16)
        .map_init(
            || (Accumulator::<T>::new(y.n_rows), Vec::<T>::new()),
            |(accumulator, dense), r| {
                let mut row = Vec::new();
                if crate::cancel::is_cancelled() {
                    return row; // the caller drops the whole result
                }
                if sweeps_densely(x, r, norms[r], y, threshold) {
                    // As in `most_similar`: the sweep meets the rows in order, no sort needed.
                    dense.resize(y.n_rows, T::default());
                    accumulate_dense(x, norms[r], r, y, dense);
                    crate::cancel::advance(1);
                    let first = if upper_only { r + 1 } else { 0 };
                    for (j, slot) in dense.iter_mut().enumerate() {
                        let score = std::mem::take(slot).to_f64();
                        if j >= first && threshold.accepts(score) {
                            row.push((j as u32, score));
                        }
                    }
                    return row;
                }
                accumulator.accumulate(x, norms[r], r, y);
                crate::cancel::advance(1);
                accumulator.drain(|j, score| {
                    if (!upper_only || j as usize > r) && threshold.accepts(score) {
                        row.push((j, score));
                    }
                });
                row.sort_unstable_by_key(|&(j, _)| j);
                row
            },
        )
        .collect();
    assemble_rows(rows)
}

/// CSR parts from rows of (column, value), columns ascending within each row.
/// A result too big to allocate is an error, not an abort of the whole process.
fn assemble_rows(rows: Vec<Vec<(u32, f64)>>) -> Result<CsrParts, Error> {
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

/// One worker's accumulator for the upper triangle of X·Xᵀ: row `i` meets only the rows `j > i`
/// (the entries after its own in each of its columns), so each pair is computed once. The
/// score of a pair is bit for bit that of the full product: the same products, added in the
/// same order (the pair's shared terms, ascending).
struct UpperAccumulator<T> {
    scores: Vec<T>,
    marked: Vec<bool>,
    touched: Vec<u32>,
}

impl<T: Real> UpperAccumulator<T> {
    fn new(width: usize) -> Self {
        UpperAccumulator {
            scores: vec![T::default(); width],
            marked: vec![false; width],
            touched: Vec::new(),
        }
    }

    /// Hands `visit` the score of row `i` with every row `j > i` that shares a term with it
    /// and, when the row is dense, with every other row `j > i` too (with score 0).
    fn upper_row<I: Index>(
        &mut self,
        x: &CsrView<'_, T, I>,
        columns: &NormalizedColumns<T>,
        slots: &[u32],
        i: usize,
        mut visit: impl FnMut(u32, T),
    ) {
        let (start, end) = (x.indptr[i].index(), x.indptr[i + 1].index());
        // Each term of row i: its weight, and where the rows below i sit in its column.
        let terms = || {
            x.indices[start..end]
                .iter()
                .zip(&slots[start..end])
                .map(|(&c, &slot)| {
                    let slot = slot as usize;
                    let below = (slot + 1)..columns.indptr[c.index() + 1];
                    (
                        columns.values[slot],
                        &columns.rows[below.clone()],
                        &columns.values[below],
                    )
                })
        };
        let work: usize = terms().map(|(_, rows, _)| rows.len()).sum();
        if work == 0 {
            return;
        }
        if x.n_rows - i - 1 <= 2 * work {
            // Dense: most rows below are met anyway, so a plain row of sums and one sweep
            // beat keeping a list of the rows touched.
            let scores = &mut self.scores[..x.n_rows];
            for (weight, rows, values) in terms() {
                for (&j, &w) in rows.iter().zip(values) {
                    debug_assert!((j as usize) < scores.len());
                    // SAFETY: `rows` holds row numbers of X (`transpose` wrote them), all below
                    // `x.n_rows`, the length of `scores`. This loop is where the time goes.
                    let slot = unsafe { scores.get_unchecked_mut(j as usize) };
                    *slot = slot.add_product(weight, w);
                }
            }
            for (j, slot) in self.scores.iter_mut().enumerate().skip(i + 1) {
                visit(j as u32, std::mem::take(slot));
            }
        } else {
            for (weight, rows, values) in terms() {
                for (&j, &w) in rows.iter().zip(values) {
                    let j = j as usize;
                    if !self.marked[j] {
                        self.marked[j] = true;
                        self.touched.push(j as u32);
                    }
                    self.scores[j] = self.scores[j].add_product(weight, w);
                }
            }
            for &j in &self.touched {
                self.marked[j as usize] = false;
                visit(j, std::mem::take(&mut self.scores[j as usize]));
            }
            self.touched.clear();
        }
    }
}

/// `most_similar` of X with itself, excluding each row: each pair's score is computed once and
/// offered to both rows' lists. Every worker thread keeps its own best-k lists of all rows
/// (memory O(threads·n·k)), merged at the end; the answer is the one `most_similar` gives, for
/// any number of threads. Thresholds that admit a score of 0 take the general path (a dense
/// sweep cannot tell a row that shares no term from one whose products cancel).
pub fn most_similar_within<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    k: usize,
    threshold: Threshold,
) -> (Vec<i64>, Vec<f64>) {
    let n = x.n_rows;
    let threads = rayon::current_num_threads().max(1);
    // Beyond this the per-thread lists would cost more memory than the general path saves time.
    const MAX_LIST_BYTES: usize = 1 << 30;
    let list_bytes = threads
        .saturating_mul(n)
        .saturating_mul(k)
        .saturating_mul(8);
    let slots_fit = x.data.len() <= u32::MAX as usize;
    if k == 0 || threshold.accepts(0.0) || list_bytes > MAX_LIST_BYTES || !slots_fit {
        return most_similar(x, &NormalizedColumns::new(x), k, threshold, true);
    }
    let (columns, slots) = NormalizedColumns::with_slots(x);
    let workers: Vec<Mutex<(UpperAccumulator<T>, TopKLists<T>)>> = (0..threads)
        .map(|_| Mutex::new((UpperAccumulator::new(n), TopKLists::new(n, k))))
        .collect();
    (0..n).into_par_iter().with_min_len(4).for_each(|i| {
        if crate::cancel::is_cancelled() {
            return; // the caller drops the whole result
        }
        // Each pool thread has its own state, so the lock is never contended.
        let worker = rayon::current_thread_index().unwrap_or(0) % threads;
        let mut state = workers[worker]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (accumulator, lists) = &mut *state;
        accumulator.upper_row(x, &columns, &slots, i, |j, score| {
            if threshold.accepts(score.to_f64()) {
                lists.offer(i, score, j);
                lists.offer(j as usize, score, i as u32);
            }
        });
        crate::cancel::advance(1);
    });
    let lists: Vec<TopKLists<T>> = workers
        .into_iter()
        .map(|state| state.into_inner().unwrap_or_else(|p| p.into_inner()).1)
        .collect();
    let mut indices = vec![-1i64; n * k];
    let mut scores = vec![0f64; n * k];
    indices
        .par_chunks_mut(k)
        .zip(scores.par_chunks_mut(k))
        .enumerate()
        .with_min_len(64)
        .for_each_init(Vec::new, |candidates, (r, (row_indices, row_scores))| {
            candidates.clear();
            for list in &lists {
                candidates.extend(list.entries(r));
            }
            merge_into(candidates, row_indices, row_scores);
        });
    (indices, scores)
}

/// `pairs` of X with itself, upper triangle only (`i < j`), each pair computed once.
/// Thresholds that admit a score of 0 take the general path, as in `most_similar_within`.
pub fn pairs_within<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    threshold: Threshold,
) -> Result<CsrParts, Error> {
    if threshold.accepts(0.0) || x.data.len() > u32::MAX as usize {
        return pairs(x, &NormalizedColumns::new(x), threshold, true);
    }
    let (columns, slots) = NormalizedColumns::with_slots(x);
    let rows: Vec<Vec<(u32, f64)>> = (0..x.n_rows)
        .into_par_iter()
        .with_min_len(16)
        .map_init(
            || UpperAccumulator::<T>::new(x.n_rows),
            |accumulator, i| {
                let mut row = Vec::new();
                if crate::cancel::is_cancelled() {
                    return row; // the caller drops the whole result
                }
                accumulator.upper_row(x, &columns, &slots, i, |j, score| {
                    if threshold.accepts(score.to_f64()) {
                        row.push((j, score.to_f64()));
                    }
                });
                crate::cancel::advance(1);
                row.sort_unstable_by_key(|&(j, _)| j);
                row
            },
        )
        .collect();
    assemble_rows(rows)
}

/// The cosine of every row of X with every row of Y, written into `out` (`n_rows × m`, zeros on
/// entry), in parallel over rows: scikit-learn's `cosine_similarity` with dense output.
pub fn dense<T: Real, I: Index>(x: &CsrView<'_, T, I>, y: &NormalizedColumns<T>, out: &mut [T]) {
    let norms = x.row_norms();
    let width = y.n_rows;
    if width == 0 {
        return;
    }
    out.par_chunks_mut(width)
        .enumerate()
        .with_min_len(4)
        .for_each(|(r, row_out)| {
            let norm = norms[r];
            if norm == 0.0 || crate::cancel::is_cancelled() {
                return;
            }
            let (columns, values) = x.row(r);
            for (&c, &v) in columns.iter().zip(values) {
                let weight = T::from_f64(v.to_f64() / norm);
                let (rows, y_values) = y.column(c.index());
                for (&j, &w) in rows.iter().zip(y_values) {
                    let slot = &mut row_out[j as usize];
                    *slot = slot.add_product(weight, w);
                }
            }
        });
}

/// Connected components of the graph whose edges are the pairs: a label per node, numbered
/// in the order of each component's first node.
pub fn components(n: usize, indptr: &[usize], columns: &[u32]) -> Vec<i64> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut a: usize) -> usize {
        while parent[a] != a {
            parent[a] = parent[parent[a]];
            a = parent[a];
        }
        a
    }
    for i in 0..n {
        for &j in &columns[indptr[i]..indptr[i + 1]] {
            let (a, b) = (find(&mut parent, i), find(&mut parent, j as usize));
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut label_of_root = vec![-1i64; n];
    let mut next = 0;
    (0..n)
        .map(|i| {
            let root = find(&mut parent, i);
            if label_of_root[root] < 0 {
                label_of_root[root] = next;
                next += 1;
            }
            label_of_root[root]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small CSR matrix from dense rows.
    fn csr(rows: &[&[f64]]) -> (Vec<usize>, Vec<usize>, Vec<f64>, usize) {
        let mut indptr = vec![0];
        let mut indices = Vec::new();
        let mut data = Vec::new();
        for row in rows {
            for (c, &v) in row.iter().enumerate() {
                if v != 0.0 {
                    indices.push(c);
                    data.push(v);
                }
            }
            indptr.push(indices.len());
        }
        (indptr, indices, data, rows[0].len())
    }

    fn brute_cosine(a: &[f64], b: &[f64]) -> f64 {
        let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
        let na = a.iter().map(|x| x * x).sum::<f64>().sqrt();
        let nb = b.iter().map(|x| x * x).sum::<f64>().sqrt();
        if na == 0.0 || nb == 0.0 {
            0.0
        } else {
            dot / (na * nb)
        }
    }

    #[test]
    fn top_k_matches_brute_force() {
        let dense: Vec<Vec<f64>> = (0..40)
            .map(|i| {
                (0..12)
                    .map(|c| {
                        if (i * 7 + c * 3) % 5 < 2 {
                            ((i + c) % 4) as f64
                        } else {
                            0.0
                        }
                    })
                    .collect()
            })
            .collect();
        let rows: Vec<&[f64]> = dense.iter().map(Vec::as_slice).collect();
        let (indptr, indices, data, width) = csr(&rows);
        let view = CsrView {
            n_rows: rows.len(),
            n_columns: width,
            indptr: &indptr,
            indices: &indices,
            data: &data,
        };
        view.validate().unwrap();
        let columns = NormalizedColumns::new(&view);
        let k = 5;
        let (found, scores) = most_similar(&view, &columns, k, Threshold::Positive, true);
        for i in 0..rows.len() {
            let mut expected: Vec<(f64, usize)> = (0..rows.len())
                .filter(|&j| j != i)
                .map(|j| (brute_cosine(rows[i], rows[j]), j))
                .filter(|&(s, _)| s > 0.0)
                .collect();
            expected.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            expected.truncate(k);
            for slot in 0..k {
                match expected.get(slot) {
                    Some(&(s, j)) => {
                        assert!(
                            (scores[i * k + slot] - s).abs() < 1e-12,
                            "row {i} slot {slot}"
                        );
                        // Equal scores may be found in either order only if they are equal to
                        // rounding; compare the scores, and the index where the score is unique.
                        let unique =
                            expected.iter().filter(|e| (e.0 - s).abs() < 1e-12).count() == 1;
                        if unique {
                            assert_eq!(found[i * k + slot], j as i64);
                        }
                    }
                    None => {
                        assert_eq!(found[i * k + slot], -1);
                        assert_eq!(scores[i * k + slot], 0.0);
                    }
                }
            }
        }
    }

    #[test]
    fn zero_rows_have_no_neighbours_and_pairs_are_upper_triangular() {
        let rows: [&[f64]; 4] = [&[1.0, 0.0], &[0.0, 0.0], &[2.0, 0.0], &[1.0, 1.0]];
        let (indptr, indices, data, width) = csr(&rows);
        let view = CsrView {
            n_rows: 4,
            n_columns: width,
            indptr: &indptr,
            indices: &indices,
            data: &data,
        };
        let columns = NormalizedColumns::new(&view);
        let (found, _) = most_similar(&view, &columns, 3, Threshold::Positive, true);
        assert_eq!(&found[3..6], &[-1, -1, -1]);
        assert_eq!(&found[0..3], &[2, 3, -1]);
        let (p, c, v) = pairs(&view, &columns, Threshold::AtLeast(0.9), true).unwrap();
        assert_eq!(p, [0, 1, 1, 1, 1]);
        assert_eq!(c, [2]);
        assert!((v[0] - 1.0).abs() < 1e-12);
        assert_eq!(components(4, &p, &c), [0, 1, 0, 2]);
        let mut out = vec![0.0; 16];
        dense(&view, &columns, &mut out);
        assert!((out[2] - 1.0).abs() < 1e-12 && out[1] == 0.0 && out[4..8] == [0.0; 4]);
        assert!((out[3] - 0.5f64.sqrt()).abs() < 1e-12);
    }

    /// A random sparse matrix: `n` rows over `m` columns, each entry present with probability
    /// `density`, values multiples of 1/4 in (0, 1] (so that sums tie and cancel), some
    /// negative when `signed`.
    fn random_csr(n: usize, m: usize, density: f64, signed: bool, seed: u64) -> Csr {
        let mut state = seed;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let (mut indptr, mut indices, mut data) = (vec![0], Vec::new(), Vec::new());
        for _ in 0..n {
            for c in 0..m {
                if next() < density {
                    indices.push(c);
                    let v = (next() * 4.0).ceil().max(1.0) / 4.0;
                    data.push(if signed && next() < 0.3 { -v } else { v });
                }
            }
            indptr.push(indices.len());
        }
        (indptr, indices, data, m)
    }

    type Csr = (Vec<usize>, Vec<usize>, Vec<f64>, usize);

    fn in_pool<R: Send>(threads: usize, work: impl FnOnce() -> R + Send) -> R {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(work)
    }

    fn check_triangle_kernels<T: Real>(n: usize, csr: &Csr) {
        let (indptr, indices, data, m) = csr;
        let values: Vec<T> = data.iter().map(|&v| T::from_f64(v)).collect();
        let view = CsrView {
            n_rows: n,
            n_columns: *m,
            indptr,
            indices,
            data: &values,
        };
        view.validate().unwrap();
        let columns = NormalizedColumns::new(&view);
        for threshold in [
            Threshold::Positive,
            Threshold::AtLeast(0.3),
            Threshold::AtLeast(0.0),
            Threshold::AtLeast(-0.5),
        ] {
            for k in [1, 3, 7, 200] {
                let expected = most_similar(&view, &columns, k, threshold, true);
                for threads in [1, 2, 5] {
                    let got = in_pool(threads, || most_similar_within(&view, k, threshold));
                    assert_eq!(got, expected, "n={n} k={k} {threshold:?} threads={threads}");
                }
            }
            let expected = pairs(&view, &columns, threshold, true);
            for threads in [1, 3] {
                let got = in_pool(threads, || pairs_within(&view, threshold));
                assert_eq!(got, expected, "pairs n={n} {threshold:?} threads={threads}");
            }
        }
    }

    #[test]
    fn triangle_kernels_equal_the_full_product_bit_for_bit() {
        // Sparse rows (the touched-list path), dense rows (the sweep), signed values (scores
        // that cancel to 0 or below), empty rows, thresholds on both sides of 0.
        for (n, m, density, signed, seed) in [
            (60, 400, 0.01, false, 1),
            (80, 30, 0.3, false, 2),
            (70, 20, 0.25, true, 3),
            (3, 5, 0.0, false, 4),
            (50, 10, 0.5, false, 5),
            (1, 4, 1.0, false, 6),
        ] {
            let csr = random_csr(n, m, density, signed, seed);
            check_triangle_kernels::<f64>(n, &csr);
            check_triangle_kernels::<f32>(n, &csr);
        }
    }

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
            assert!(view.validate().unwrap_err().contains("row 0"));
        }
    }
}
