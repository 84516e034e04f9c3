//! Groups of near-duplicate rows: the connected components of the graph whose edges are the
//! pairs at or above a threshold, built with union-find as the pairs stream out of the
//! similarity kernels, so that memory is O(rows) whatever the number of pairs.
//!
//! Rows that are exact copies of each other (the same columns and values: boilerplate, reposts)
//! are searched once: the pairs of a copy are those of its first occurrence, and the copies of
//! a row join it when the row's score with itself (the full kernel's) reaches the threshold.
//! So de-duplicating many copies of one article costs one row, not the square of the copies.

use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use rayon::prelude::*;
use rustc_hash::FxHasher;

use crate::error::Error;
use crate::matrix::columns::NormalizedColumns;
use crate::matrix::csr::CsrView;
use crate::matrix::numeric::{Index, Real};
use crate::matrix::pruned::{self, Method};
use crate::matrix::similarity::{for_each_row_of_pairs, Threshold};
use crate::matrix::triangle::for_each_row_of_pairs_within;
use crate::runtime::alloc::{try_with_capacity, try_zeroed};
use crate::runtime::cancel::checkpoint;

/// Disjoint sets of `0..n`, merged by `union`.
pub(crate) struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    pub(crate) fn new(n: usize) -> Result<Self, Error> {
        let mut parent = try_with_capacity(n, "the groups")?;
        parent.extend(0..n);
        Ok(UnionFind { parent })
    }

    pub(crate) fn find(&mut self, mut a: usize) -> usize {
        while self.parent[a] != a {
            // Path halving: every other node on the way points to its grandparent.
            self.parent[a] = self.parent[self.parent[a]];
            a = self.parent[a];
        }
        a
    }

    pub(crate) fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            // The lower root wins, so that every set's root is its first member.
            self.parent[a.max(b)] = a.min(b);
        }
    }

    /// A label per element, the sets numbered in the order of their first elements.
    pub(crate) fn labels(mut self) -> Result<Vec<i64>, Error> {
        let n = self.parent.len();
        let mut label_of_root = try_zeroed::<i64>(n, "the groups")?;
        let mut labels = try_with_capacity(n, "the groups")?;
        let mut next = 1;
        for i in 0..n {
            let root = self.find(i);
            if label_of_root[root] == 0 {
                label_of_root[root] = next;
                next += 1;
            }
            labels.push(label_of_root[root] - 1);
        }
        Ok(labels)
    }
}

/// For each row, the first row with exactly its columns and values (itself if none).
fn first_copies<T: Real, I: Index>(x: &CsrView<'_, T, I>) -> Result<Vec<usize>, Error> {
    let same = |a: usize, b: usize| {
        let ((ca, va), (cb, vb)) = (x.row(a), x.row(b));
        ca.len() == cb.len()
            && ca.iter().zip(cb).all(|(p, q)| p.index() == q.index())
            && va
                .iter()
                .zip(vb)
                .all(|(p, q)| p.to_f64().to_bits() == q.to_f64().to_bits())
    };
    let mut by_content: Vec<(u64, usize)> = try_with_capacity(x.n_rows, "the groups")?;
    by_content.par_extend((0..x.n_rows).into_par_iter().map(|r| {
        let mut hasher = FxHasher::default();
        let (columns, values) = x.row(r);
        columns.len().hash(&mut hasher);
        for (c, v) in columns.iter().zip(values) {
            c.index().hash(&mut hasher);
            v.to_f64().to_bits().hash(&mut hasher);
        }
        (hasher.finish(), r)
    }));
    by_content.par_sort_unstable();
    let mut first = try_with_capacity(x.n_rows, "the groups")?;
    first.extend(0..x.n_rows);
    let mut start = 0;
    while start < by_content.len() {
        let hash = by_content[start].0;
        let end = start + by_content[start..].partition_point(|&(h, _)| h == hash);
        // Rows with one hash, in row order: each joins the first earlier row equal to it.
        for at in start + 1..end {
            let r = by_content[at].1;
            if let Some(&(_, earlier)) = by_content[start..at]
                .iter()
                .find(|&&(_, e)| first[e] == e && same(e, r))
            {
                first[r] = earlier;
            }
        }
        start = end;
    }
    Ok(first)
}

/// The full kernel's score of row `r` with an exact copy of itself.
fn score_with_copy<T: Real, I: Index>(x: &CsrView<'_, T, I>, r: usize) -> f64 {
    let (_, values) = x.row(r);
    let norm = values
        .iter()
        .map(|v| v.to_f64() * v.to_f64())
        .sum::<f64>()
        .sqrt();
    if norm == 0.0 {
        return 0.0;
    }
    let mut score = T::default();
    for v in values {
        let w = T::from_f64(v.to_f64() / norm);
        score = score.add_product(w, w);
    }
    score.to_f64()
}

/// Connected components of the graph whose edges are the pairs (CSR rows of `n` nodes): a
/// label per node, numbered in the order of each component's first node.
pub fn connected_components(
    n: usize,
    indptr: &[usize],
    columns: &[u32],
) -> Result<Vec<i64>, Error> {
    let mut groups = UnionFind::new(n)?;
    for i in 0..n {
        for &j in &columns[indptr[i]..indptr[i + 1]] {
            groups.union(i, j as usize);
        }
    }
    groups.labels()
}

/// A group label per row of X: rows joined by pairs whose cosine is at or above `threshold`,
/// numbered in the order of each group's first row (the labels `similar_pairs` and connected
/// components would give, without holding the pairs).
pub fn near_duplicates<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    threshold: f64,
    method: Method,
) -> Result<Vec<i64>, Error> {
    let n = x.n_rows;
    let first = first_copies(x)?;
    let distinct: Vec<usize> = (0..n).filter(|&r| first[r] == r).collect();
    let mut groups = UnionFind::new(n)?;
    for (r, &original) in first.iter().enumerate() {
        if original != r && score_with_copy(x, original) >= threshold {
            groups.union(original, r);
        }
    }
    if distinct.len() == n {
        return join_pairs(x, &distinct, groups, threshold, method);
    }
    // The distinct rows, as a matrix of their own.
    let what = "the distinct rows";
    let total: usize = distinct.iter().map(|&r| x.row(r).0.len()).sum();
    let mut indptr = try_with_capacity(distinct.len() + 1, what)?;
    let mut indices = try_with_capacity(total, what)?;
    let mut data = try_with_capacity(total, what)?;
    indptr.push(0usize);
    for &r in &distinct {
        let (columns, values) = x.row(r);
        indices.extend(columns.iter().map(|c| c.index()));
        data.extend_from_slice(values);
        indptr.push(indices.len());
    }
    let distinct_rows = CsrView {
        n_rows: distinct.len(),
        n_columns: x.n_columns,
        indptr: &indptr,
        indices: &indices,
        data: &data,
    };
    join_pairs(&distinct_rows, &distinct, groups, threshold, method)
}

/// Groups across two matrices: labels of the rows of X (first) and of Y (after them), joined
/// only by pairs of a row of X and a row of Y at or above `threshold` (pairs within X or within
/// Y are not searched). What a distributed grouping needs of a tile of two row blocks: the
/// tile's groups, in memory of its rows.
pub fn near_duplicates_across<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    y: &CsrView<'_, T, I>,
    threshold: f64,
    method: Method,
) -> Result<Vec<i64>, Error> {
    let offset = x.n_rows;
    let groups = Mutex::new(UnionFind::new(x.n_rows + y.n_rows)?);
    let join = |i: usize, partners: &mut dyn Iterator<Item = u32>| {
        let mut groups = groups.lock().unwrap_or_else(|p| p.into_inner());
        for j in partners {
            groups.union(i, offset + j as usize);
        }
    };
    let searched = pruned::for_each_pair(x, y, threshold, method, |i, pairs| {
        join(i, &mut pairs.iter().map(|&(j, _)| j));
    })?;
    if !searched {
        let columns = NormalizedColumns::new(y)?;
        for_each_row_of_pairs(
            x,
            &columns,
            Threshold::AtLeast(threshold),
            false,
            |i, pairs| {
                if !pairs.is_empty() {
                    join(i, &mut pairs.iter().map(|&(j, _)| j));
                }
            },
        );
    }
    checkpoint()?;
    groups
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .labels()
}

/// Joins, in `groups`, the rows `rows[i]` and `rows[j]` for every pair `(i, j)` of rows of
/// `x` at or above `threshold`, as the pairs stream, and labels the groups.
fn join_pairs<T: Real, I: Index>(
    x: &CsrView<'_, T, I>,
    rows: &[usize],
    groups: UnionFind,
    threshold: f64,
    method: Method,
) -> Result<Vec<i64>, Error> {
    let groups = Mutex::new(groups);
    let join = |i: usize, partners: &mut dyn Iterator<Item = u32>| {
        let mut groups = groups.lock().unwrap_or_else(|p| p.into_inner());
        for j in partners {
            groups.union(rows[i], rows[j as usize]);
        }
    };
    let searched = pruned::for_each_pair_within(x, threshold, method, |j, pairs| {
        join(j, &mut pairs.iter().map(|&(i, _)| i));
    })?;
    if !searched {
        for_each_row_of_pairs_within(x, Threshold::AtLeast(threshold), |i, pairs| {
            if !pairs.is_empty() {
                join(i, &mut pairs.iter().map(|&(j, _)| j));
            }
        })?;
    }
    checkpoint()?;
    groups
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .labels()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels_by_components<T: Real>(x: &CsrView<'_, T, usize>, threshold: f64) -> Vec<i64> {
        let (indptr, columns, _) =
            crate::matrix::triangle::similar_pairs_within(x, Threshold::AtLeast(threshold))
                .unwrap();
        connected_components(x.n_rows, &indptr, &columns).unwrap()
    }

    #[test]
    fn groups_are_the_components_of_the_pairs() {
        // Rows: a, a copy of a, b (close to a), c, a copy of c, d (empty), another copy of a.
        let rows: Vec<Vec<(usize, f64)>> = vec![
            vec![(0, 1.0), (1, 2.0)],
            vec![(0, 1.0), (1, 2.0)],
            vec![(0, 1.0), (1, 2.1), (5, 0.1)],
            vec![(3, 1.0), (4, 1.0)],
            vec![(3, 1.0), (4, 1.0)],
            vec![],
            vec![(0, 1.0), (1, 2.0)],
        ];
        let (mut indptr, mut indices, mut data) = (vec![0], Vec::new(), Vec::new());
        for row in &rows {
            for &(c, v) in row {
                indices.push(c);
                data.push(v);
            }
            indptr.push(indices.len());
        }
        let x = CsrView {
            n_rows: rows.len(),
            n_columns: 6,
            indptr: &indptr,
            indices: &indices,
            data: &data,
        };
        for t in [-0.5, 0.0, 0.3, 0.9, 0.999, 1.0, 1.5] {
            let expected = labels_by_components(&x, t);
            for method in [Method::Auto, Method::Full, Method::Pruned] {
                assert_eq!(
                    near_duplicates(&x, t, method).unwrap(),
                    expected,
                    "t={t} {method:?}"
                );
            }
        }
        assert_eq!(
            near_duplicates(&x, 0.9, Method::Auto).unwrap(),
            [0, 0, 0, 1, 1, 2, 0]
        );
    }

    #[test]
    fn groups_across_two_matrices_join_only_their_pairs() {
        let (xp, xi, xd) = (vec![0usize, 1, 2], vec![0usize, 1], vec![1.0f64, 1.0]);
        let (yp, yi, yd) = (
            vec![0usize, 1, 2, 3],
            vec![1usize, 2, 0],
            vec![2.0f64, 1.0, 3.0],
        );
        let x = CsrView {
            n_rows: 2,
            n_columns: 3,
            indptr: &xp,
            indices: &xi,
            data: &xd,
        };
        let y = CsrView {
            n_rows: 3,
            n_columns: 3,
            indptr: &yp,
            indices: &yi,
            data: &yd,
        };
        for method in [Method::Auto, Method::Full, Method::Pruned] {
            // x0 ~ y2 (column 0), x1 ~ y0 (column 1); y1 alone.
            assert_eq!(
                near_duplicates_across(&x, &y, 0.9, method).unwrap(),
                [0, 1, 1, 2, 0]
            );
        }
    }

    #[test]
    fn many_copies_of_one_row_are_one_group_in_little_memory() {
        let n = 30_000;
        let indptr: Vec<usize> = (0..=n).map(|r| r * 3).collect();
        let indices: Vec<usize> = (0..n).flat_map(|_| [1, 5, 9]).collect();
        let data: Vec<f32> = (0..n).flat_map(|_| [0.5f32, 0.25, 2.0]).collect();
        let x = CsrView {
            n_rows: n,
            n_columns: 10,
            indptr: &indptr,
            indices: &indices,
            data: &data,
        };
        let labels = near_duplicates(&x, 0.9, Method::Auto).unwrap();
        assert!(labels.iter().all(|&l| l == 0));
    }

    #[test]
    fn components_of_a_pair_matrix() {
        // Pairs 0-2 of four nodes (as `similar_pairs` gives them for rows 0 and 2 alike).
        let labels = connected_components(4, &[0, 1, 1, 1, 1], &[2]).unwrap();
        assert_eq!(labels, [0, 1, 0, 2]);
    }

    #[test]
    fn union_find_labels_follow_first_members() {
        let mut groups = UnionFind::new(6).unwrap();
        groups.union(4, 2);
        groups.union(5, 0);
        groups.union(2, 5);
        assert_eq!(groups.labels().unwrap(), [0, 1, 0, 2, 0, 0]);
    }
}
