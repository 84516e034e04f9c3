//! Cosine similarity between the rows of sparse matrices, at scale: every row's k most similar
//! rows, every pair above a threshold, groups of near-duplicates.
//!
//! The products X·Yᵀ are computed row by row of X (Gustavson's algorithm: for each term of the
//! row, walk that term's column of Y), in parallel over rows, each worker with a dense
//! accumulator the width of Y and a list of the entries it touched. Memory is the answer plus
//! one accumulator per thread: an n × m matrix is never made.

use rayon::prelude::*;

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
        for (r, &norm) in norms.iter().enumerate() {
            let (columns, data) = y.row(r);
            for (&c, &v) in columns.iter().zip(data) {
                let slot = &mut next[c.index()];
                rows[*slot] = r as u32;
                values[*slot] = T::from_f64(if norm > 0.0 { v.to_f64() / norm } else { 0.0 });
                *slot += 1;
            }
        }
        NormalizedColumns {
            indptr,
            rows,
            values,
            n_rows: y.n_rows,
        }
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
            || (Accumulator::<T>::new(y.n_rows), Vec::<(f64, u32)>::new()),
            |(accumulator, candidates), (r, (row_indices, row_scores))| {
                if crate::cancel::is_cancelled() {
                    return; // the caller drops the whole result
                }
                accumulator.accumulate(x, norms[r], r, y);
                candidates.clear();
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
                accumulator.drain(|j, score| {
                    if !(exclude_self && j as usize == r) && threshold.accepts(score) {
                        candidates.push((score, j));
                    }
                });
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
) -> (Vec<usize>, Vec<u32>, Vec<f64>) {
    let norms = x.row_norms();
    let rows: Vec<Vec<(u32, f64)>> = (0..x.n_rows)
        .into_par_iter()
        .with_min_len(16)
        .map_init(
            || Accumulator::<T>::new(y.n_rows),
            |accumulator, r| {
                let mut row = Vec::new();
                if crate::cancel::is_cancelled() {
                    return row; // the caller drops the whole result
                }
                accumulator.accumulate(x, norms[r], r, y);
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
    let mut indptr = Vec::with_capacity(rows.len() + 1);
    indptr.push(0);
    let nnz = rows.iter().map(Vec::len).sum();
    let mut columns = Vec::with_capacity(nnz);
    let mut values = Vec::with_capacity(nnz);
    for row in rows {
        columns.extend(row.iter().map(|&(j, _)| j));
        values.extend(row.iter().map(|&(_, s)| s));
        indptr.push(columns.len());
    }
    (indptr, columns, values)
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
        let (p, c, v) = pairs(&view, &columns, Threshold::AtLeast(0.9), true);
        assert_eq!(p, [0, 1, 1, 1, 1]);
        assert_eq!(c, [2]);
        assert!((v[0] - 1.0).abs() < 1e-12);
        assert_eq!(components(4, &p, &c), [0, 1, 0, 2]);
        let mut out = vec![0.0; 16];
        dense(&view, &columns, &mut out);
        assert!((out[2] - 1.0).abs() < 1e-12 && out[1] == 0.0 && out[4..8] == [0.0; 4]);
        assert!((out[3] - 0.5f64.sqrt()).abs() < 1e-12);
    }
}
