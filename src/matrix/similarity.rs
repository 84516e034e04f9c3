//! Cosine similarity between the rows of sparse matrices, at scale: every row's k most similar
//! rows, every pair above a threshold, the dense matrix when it is asked for.
//!
//! The products X·Yᵀ are computed row by row of X (Gustavson's algorithm: for each term of the
//! row, walk that term's column of Y), in parallel over rows, each worker with a dense
//! accumulator the width of Y and a list of the entries it touched. Memory is the answer plus
//! one accumulator per thread: an n × m matrix is never made. Within one matrix the triangle
//! kernels (`triangle.rs`) do half the work and give these kernels' answers bit for bit.

use std::sync::Mutex;

use rayon::prelude::*;

use crate::error::Error;
use crate::matrix::columns::NormalizedColumns;
use crate::matrix::csr::{assemble_rows, CsrParts, CsrView};
use crate::matrix::numeric::{Index, Real};
use crate::runtime::alloc::{try_filled, try_zeroed};
use crate::runtime::cancel::{advance, checkpoint, is_cancelled};

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
    pub(crate) fn accepts(self, score: f64) -> bool {
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

/// The arrays of a top-k answer: `n_rows × k` indices of -1 and scores of 0, or the error
/// that they do not fit in memory.
pub(crate) fn answer(n_rows: usize, k: usize) -> Result<(Vec<i64>, Vec<f64>), Error> {
    let what = "the neighbours found";
    let slots = n_rows.checked_mul(k).ok_or(Error::OutOfMemory {
        what,
        bytes: usize::MAX,
    })?;
    Ok((
        try_filled(slots, -1i64, what)?,
        try_zeroed::<f64>(slots, what)?,
    ))
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
) -> Result<(Vec<i64>, Vec<f64>), Error> {
    let norms = x.row_norms();
    let (mut indices, mut scores) = answer(x.n_rows, k)?;
    if k == 0 {
        return Ok((indices, scores));
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
                if is_cancelled() {
                    return; // the caller drops the whole result
                }
                candidates.clear();
                if sweeps_densely(x, r, norms[r], y, threshold) {
                    // Most rows of Y are met: a plain row of sums and one sweep over it beat
                    // stamping each slot and listing the rows touched. Same sums, same order.
                    dense.resize(y.n_rows, T::default());
                    accumulate_dense(x, norms[r], r, y, dense);
                    advance(1);
                    for (j, slot) in dense.iter_mut().enumerate() {
                        let score = std::mem::take(slot).to_f64();
                        if threshold.accepts(score) && !(exclude_self && j == r) {
                            candidates.push((score, j as u32));
                        }
                    }
                } else {
                    accumulator.accumulate(x, norms[r], r, y);
                    advance(1);
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
    Ok((indices, scores))
}

/// Every pair `(i, j, score)` with `score` accepted by `threshold`, rows of X in order and,
/// within a row, columns ascending. With `upper_only` (X and Y the same), only `i < j`.
pub fn similar_pairs<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    y: &NormalizedColumns<T>,
    threshold: Threshold,
    upper_only: bool,
) -> Result<CsrParts, Error> {
    collect_rows(x.n_rows, |visit| {
        for_each_row_of_pairs(x, y, threshold, upper_only, visit);
        Ok(())
    })
}

/// `similar_pairs`, handed row by row to `visit(i, pairs of row i, columns ascending)` from
/// parallel workers as each row finishes, instead of gathered (groups are built this way,
/// without holding the pairs).
pub(crate) fn for_each_row_of_pairs<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    y: &NormalizedColumns<T>,
    threshold: Threshold,
    upper_only: bool,
    visit: impl Fn(usize, &mut Vec<(u32, f64)>) + Sync,
) {
    let norms = x.row_norms();
    (0..x.n_rows)
        .into_par_iter()
        .with_min_len(16)
        .for_each_init(
            || (Accumulator::<T>::new(y.n_rows), Vec::<T>::new(), Vec::new()),
            |(accumulator, dense, row), r| {
                if is_cancelled() {
                    return; // the caller drops the whole result
                }
                row.clear();
                if sweeps_densely(x, r, norms[r], y, threshold) {
                    // As in `most_similar`: the sweep meets the rows in order, no sort needed.
                    dense.resize(y.n_rows, T::default());
                    accumulate_dense(x, norms[r], r, y, dense);
                    advance(1);
                    let first = if upper_only { r + 1 } else { 0 };
                    for (j, slot) in dense.iter_mut().enumerate() {
                        let score = std::mem::take(slot).to_f64();
                        if j >= first && threshold.accepts(score) {
                            row.push((j as u32, score));
                        }
                    }
                } else {
                    accumulator.accumulate(x, norms[r], r, y);
                    advance(1);
                    accumulator.drain(|j, score| {
                        if (!upper_only || j as usize > r) && threshold.accepts(score) {
                            row.push((j, score));
                        }
                    });
                    row.sort_unstable_by_key(|&(j, _)| j);
                }
                visit(r, row);
            },
        );
}

/// The rows a row visitor hands out, gathered into CSR parts.
pub(crate) fn collect_rows(
    n_rows: usize,
    walk: impl FnOnce(&(dyn Fn(usize, &mut Vec<(u32, f64)>) + Sync)) -> Result<(), Error>,
) -> Result<CsrParts, Error> {
    let rows: Vec<Mutex<Vec<(u32, f64)>>> = (0..n_rows).map(|_| Mutex::new(Vec::new())).collect();
    walk(&|r, row| {
        *rows[r]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = std::mem::take(row);
    })?;
    checkpoint()?;
    assemble_rows(
        rows.into_iter()
            .map(|row| {
                row.into_inner()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
            })
            .collect(),
    )
}

/// The cosine of every row of X with every row of Y, written into `out` (`n_rows × m`, zeros on
/// entry), in parallel over rows: scikit-learn's `cosine_similarity` with dense output.
pub fn dense_cosines<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    y: &NormalizedColumns<T>,
    out: &mut [T],
) {
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
            if norm == 0.0 || is_cancelled() {
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
        let columns = NormalizedColumns::new(&view).unwrap();
        let k = 5;
        let (found, scores) = most_similar(&view, &columns, k, Threshold::Positive, true).unwrap();
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
        let columns = NormalizedColumns::new(&view).unwrap();
        let (found, _) = most_similar(&view, &columns, 3, Threshold::Positive, true).unwrap();
        assert_eq!(&found[3..6], &[-1, -1, -1]);
        assert_eq!(&found[0..3], &[2, 3, -1]);
        let (p, c, v) = similar_pairs(&view, &columns, Threshold::AtLeast(0.9), true).unwrap();
        assert_eq!(p, [0, 1, 1, 1, 1]);
        assert_eq!(c, [2]);
        assert!((v[0] - 1.0).abs() < 1e-12);
        let mut out = vec![0.0; 16];
        dense_cosines(&view, &columns, &mut out);
        assert!((out[2] - 1.0).abs() < 1e-12 && out[1] == 0.0 && out[4..8] == [0.0; 4]);
        assert!((out[3] - 0.5f64.sqrt()).abs() < 1e-12);
    }
}
