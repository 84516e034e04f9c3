//! The symmetric case, X·Xᵀ (the "similar articles" of one collection): each row meets only the
//! rows below it and each pair is computed once, for both rows, which is half the work. Those
//! scores are bit for bit the full product's (`similarity.rs`), so both give the same answers.

use std::sync::Mutex;

use rayon::prelude::*;

use crate::error::Error;
use crate::matrix::columns::NormalizedColumns;
use crate::matrix::csr::{CsrParts, CsrView};
use crate::matrix::numeric::{Index, Real};
use crate::matrix::similarity::{
    answer, collect_rows, for_each_row_of_pairs, most_similar, Threshold,
};
use crate::matrix::top_k::{merge_into, TopKLists};
use crate::runtime::cancel::{advance, is_cancelled};

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
                    let below = (slot + 1)..columns.span(c.index()).end;
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
) -> Result<(Vec<i64>, Vec<f64>), Error> {
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
        return most_similar(x, &NormalizedColumns::new(x)?, k, threshold, true);
    }
    let (columns, slots) = NormalizedColumns::with_slots(x)?;
    let workers: Vec<Mutex<(UpperAccumulator<T>, TopKLists<T>)>> = (0..threads)
        .map(|_| {
            Ok(Mutex::new((
                UpperAccumulator::new(n),
                TopKLists::new(n, k)?,
            )))
        })
        .collect::<Result<_, Error>>()?;
    (0..n).into_par_iter().with_min_len(4).for_each(|i| {
        if is_cancelled() {
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
        advance(1);
    });
    let lists: Vec<TopKLists<T>> = workers
        .into_iter()
        .map(|state| state.into_inner().unwrap_or_else(|p| p.into_inner()).1)
        .collect();
    let (mut indices, mut scores) = answer(n, k)?;
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
    Ok((indices, scores))
}

/// `similar_pairs` of X with itself, upper triangle only (`i < j`), each pair computed once.
/// Thresholds that admit a score of 0 take the general path, as in `most_similar_within`.
pub fn similar_pairs_within<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    threshold: Threshold,
) -> Result<CsrParts, Error> {
    collect_rows(x.n_rows, |visit| {
        for_each_row_of_pairs_within(x, threshold, visit)
    })
}

/// `similar_pairs_within`, handed row by row to `visit` (as `for_each_row_of_pairs` does).
pub(crate) fn for_each_row_of_pairs_within<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    threshold: Threshold,
    visit: impl Fn(usize, &mut Vec<(u32, f64)>) + Sync,
) -> Result<(), Error> {
    if threshold.accepts(0.0) || x.data.len() > u32::MAX as usize {
        let columns = NormalizedColumns::new(x)?;
        for_each_row_of_pairs(x, &columns, threshold, true, visit);
        return Ok(());
    }
    let (columns, slots) = NormalizedColumns::with_slots(x)?;
    (0..x.n_rows)
        .into_par_iter()
        .with_min_len(16)
        .for_each_init(
            || (UpperAccumulator::<T>::new(x.n_rows), Vec::new()),
            |(accumulator, row), i| {
                if is_cancelled() {
                    return; // the caller drops the whole result
                }
                row.clear();
                accumulator.upper_row(x, &columns, &slots, i, |j, score| {
                    if threshold.accepts(score.to_f64()) {
                        row.push((j, score.to_f64()));
                    }
                });
                advance(1);
                row.sort_unstable_by_key(|&(j, _)| j);
                visit(i, row);
            },
        );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let columns = NormalizedColumns::new(&view).unwrap();
        for threshold in [
            Threshold::Positive,
            Threshold::AtLeast(0.3),
            Threshold::AtLeast(0.0),
            Threshold::AtLeast(-0.5),
        ] {
            for k in [1, 3, 7, 200] {
                let expected = most_similar(&view, &columns, k, threshold, true).unwrap();
                for threads in [1, 2, 5] {
                    let got = in_pool(threads, || {
                        most_similar_within(&view, k, threshold).unwrap()
                    });
                    assert_eq!(got, expected, "n={n} k={k} {threshold:?} threads={threads}");
                }
            }
            let expected =
                crate::matrix::similarity::similar_pairs(&view, &columns, threshold, true);
            for threads in [1, 3] {
                let got = in_pool(threads, || similar_pairs_within(&view, threshold));
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
}
