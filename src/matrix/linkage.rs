//! Story groups: agglomerative clustering (average or complete linkage) over the graph of the
//! pairs at or above a threshold, the rows' groups cut where the linkage falls below it.
//!
//! Single linkage (`groups.rs`) joins any chain of pairs, so one common topic can glue a
//! hundred articles together. Here two groups merge only when the pairs between them are
//! strong as a whole:
//!
//! - average linkage (UPGMA): the mean score of all pairs across the two groups reaches the
//!   threshold `t`, where a pair below `t` counts as 0;
//! - complete linkage: every pair across them reaches `t`.
//!
//! The merges are made in scipy's order: the two groups with the highest linkage first. Both
//! linkages are reducible (a merge never makes a group nearer to a third than either part was),
//! so cutting the dendrogram at `t` is the same as merging while the best linkage is at least
//! `t`; for complete linkage the groups are then exactly those of
//! `fcluster(linkage(1 - S, "complete"), 1 - t, "distance")` on the full similarity matrix `S`,
//! and for average linkage those of `"average"` on `S` with the scores below `t` set to 0. Only
//! the pairs at or above `t` are needed: a pair of groups with no such pair between them has a
//! linkage below `t` (average and minimum are at most the maximum).
//!
//! Each group keeps, for every group it has a pair with, the sum of the scores across them
//! (average) or the smallest (complete); a merge adds (or takes the smaller of) the two parts'
//! entries, so memory stays O(pairs) and the work is O(pairs · log pairs) plus the merges of
//! the entries. Ties between equal linkages go to the pair of groups with the lower first rows:
//! the answer is fixed by the pairs alone, not by threads or timing.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rustc_hash::FxHashMap;

use crate::error::Error;
use crate::matrix::groups::UnionFind;
use crate::runtime::alloc::{try_filled, try_with_capacity};
use crate::runtime::cancel::checkpoint;

/// How the linkage of two groups is made from the scores of the pairs across them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Linkage {
    /// The mean score over all pairs across them (pairs below the threshold count as 0).
    Average,
    /// The smallest score across them (a pair below the threshold: below it).
    Complete,
}

/// A merge that may be made: groups `a < b` (their first rows) with their linkage, as of the
/// merges each had had (`merged_a`, `merged_b`), so that an entry made stale by a later merge
/// is recognised and skipped.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    linkage: f64,
    a: u32,
    b: u32,
    merged_a: u32,
    merged_b: u32,
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Candidate {}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Candidate {
    /// The heap's greatest is the highest linkage, then the lowest rows.
    fn cmp(&self, other: &Self) -> Ordering {
        self.linkage
            .total_cmp(&other.linkage)
            .then_with(|| other.a.cmp(&self.a))
            .then_with(|| other.b.cmp(&self.b))
    }
}

/// The groups being merged, each named by its first row.
struct Clusters {
    linkage: Linkage,
    threshold: f64,
    /// For each live group, what it has with each group it has a pair with: the sum of the
    /// scores (average) or the smallest (complete).
    across: Vec<FxHashMap<u32, f64>>,
    size: Vec<u32>,
    /// How many merges each group has had.
    merges: Vec<u32>,
    heap: BinaryHeap<Candidate>,
    rows: UnionFind,
}

impl Clusters {
    fn linkage_of(&self, a: u32, b: u32, value: f64) -> f64 {
        match self.linkage {
            Linkage::Average => {
                value / (f64::from(self.size[a as usize]) * f64::from(self.size[b as usize]))
            }
            Linkage::Complete => value,
        }
    }

    fn offer(&mut self, a: u32, b: u32, value: f64) {
        let (a, b) = (a.min(b), a.max(b));
        let linkage = self.linkage_of(a, b, value);
        if linkage >= self.threshold {
            self.heap.push(Candidate {
                linkage,
                a,
                b,
                merged_a: self.merges[a as usize],
                merged_b: self.merges[b as usize],
            });
        }
    }

    fn is_current(&self, candidate: &Candidate) -> bool {
        self.size[candidate.a as usize] > 0
            && self.size[candidate.b as usize] > 0
            && self.merges[candidate.a as usize] == candidate.merged_a
            && self.merges[candidate.b as usize] == candidate.merged_b
    }

    /// Merges group `b` into group `a` (`a < b`, so `a` stays the first row).
    fn merge(&mut self, a: u32, b: u32) {
        let (ai, bi) = (a as usize, b as usize);
        let mut kept = std::mem::take(&mut self.across[ai]);
        let mut other = std::mem::take(&mut self.across[bi]);
        kept.remove(&b);
        other.remove(&a);
        let neighbours: Vec<u32> = kept.keys().chain(other.keys()).copied().collect();
        let merged: FxHashMap<u32, f64> = match self.linkage {
            Linkage::Average => {
                if kept.len() < other.len() {
                    std::mem::swap(&mut kept, &mut other);
                }
                for (c, value) in other {
                    *kept.entry(c).or_insert(0.0) += value;
                }
                kept
            }
            // A group with a pair to only one part has a pair below the threshold with the
            // other: it is no longer a candidate, and never will be.
            Linkage::Complete => kept
                .into_iter()
                .filter_map(|(c, value)| other.get(&c).map(|&o| (c, value.min(o))))
                .collect(),
        };
        self.size[ai] += self.size[bi];
        self.size[bi] = 0;
        self.merges[ai] += 1;
        self.rows.union(ai, bi);
        for c in neighbours {
            let entries = &mut self.across[c as usize];
            entries.remove(&a);
            entries.remove(&b);
            if let Some(&value) = merged.get(&c) {
                entries.insert(a, value);
            }
        }
        let offers: Vec<(u32, f64)> = merged.iter().map(|(&c, &v)| (c, v)).collect();
        self.across[ai] = merged;
        for (c, value) in offers {
            self.offer(a, c, value);
        }
    }
}

/// Group labels of `n` rows: the groups of the linkage over the pairs (CSR rows of `n` nodes,
/// each pair once or both ways, scores at or above `threshold`), numbered in the order of
/// their first rows.
pub fn agglomerate(
    n: usize,
    indptr: &[usize],
    columns: &[u32],
    scores: &[f64],
    linkage: Linkage,
    threshold: f64,
) -> Result<Vec<i64>, Error> {
    let malformed = |message: &str| Error::Parameter {
        name: "pairs",
        message: message.to_owned(),
    };
    if n > u32::MAX as usize {
        return Err(malformed("more rows than the groups can number"));
    }
    if indptr.len() != n + 1
        || indptr.windows(2).any(|w| w[0] > w[1])
        || indptr.last() != Some(&columns.len())
        || scores.len() != columns.len()
        || columns.iter().any(|&c| c as usize >= n)
    {
        return Err(malformed("not an n x n CSR matrix"));
    }
    if scores.iter().any(|s| !s.is_finite()) {
        return Err(malformed("scores must be finite"));
    }
    let mut across: Vec<FxHashMap<u32, f64>> = try_with_capacity(n, "the story groups")?;
    across.resize_with(n, FxHashMap::default);
    for i in 0..n {
        for at in indptr[i]..indptr[i + 1] {
            let (j, score) = (columns[at] as usize, scores[at]);
            if j == i || score < threshold {
                continue;
            }
            // A pair given both ways, or twice, is one pair: its score once.
            across[i].insert(j as u32, score);
            across[j].insert(i as u32, score);
        }
    }
    let mut clusters = Clusters {
        linkage,
        threshold,
        across,
        size: try_filled(n, 1, "the story groups")?,
        merges: try_filled(n, 0, "the story groups")?,
        heap: BinaryHeap::new(),
        rows: UnionFind::new(n)?,
    };
    for i in 0..n {
        let upper: Vec<(u32, f64)> = clusters.across[i]
            .iter()
            .filter(|(&j, _)| j as usize > i)
            .map(|(&j, &s)| (j, s))
            .collect();
        for (j, score) in upper {
            clusters.offer(i as u32, j, score);
        }
    }
    let mut merged = 0usize;
    while let Some(candidate) = clusters.heap.pop() {
        if !clusters.is_current(&candidate) {
            continue;
        }
        clusters.merge(candidate.a, candidate.b);
        merged += 1;
        if merged % 4096 == 0 {
            checkpoint()?;
        }
    }
    clusters.rows.labels()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pairs of a dense symmetric matrix at or above `t`, as CSR (both ways).
    fn pairs(scores: &[&[f64]], t: f64) -> (Vec<usize>, Vec<u32>, Vec<f64>) {
        let mut indptr = vec![0];
        let (mut columns, mut values) = (Vec::new(), Vec::new());
        for (i, row) in scores.iter().enumerate() {
            for (j, &s) in row.iter().enumerate() {
                if i != j && s >= t {
                    columns.push(j as u32);
                    values.push(s);
                }
            }
            indptr.push(columns.len());
        }
        (indptr, columns, values)
    }

    fn groups(scores: &[&[f64]], linkage: Linkage, t: f64) -> Vec<i64> {
        let (indptr, columns, values) = pairs(scores, t);
        agglomerate(scores.len(), &indptr, &columns, &values, linkage, t).unwrap()
    }

    /// A chain: 0-1 and 1-2 strong, 0-2 weak; 3 alone.
    const CHAIN: [&[f64]; 4] = [
        &[1.0, 0.8, 0.1, 0.0],
        &[0.8, 1.0, 0.7, 0.0],
        &[0.1, 0.7, 1.0, 0.0],
        &[0.0, 0.0, 0.0, 1.0],
    ];

    #[test]
    fn a_chain_does_not_make_one_group() {
        assert_eq!(groups(&CHAIN, Linkage::Average, 0.5), [0, 0, 1, 2]);
        assert_eq!(groups(&CHAIN, Linkage::Complete, 0.5), [0, 0, 1, 2]);
        // Average linkage of {0, 1} and 2 is (0 + 0.7) / 2 (0.1 is below the threshold).
        assert_eq!(groups(&CHAIN, Linkage::Average, 0.3), [0, 0, 0, 1]);
        assert_eq!(groups(&CHAIN, Linkage::Complete, 0.3), [0, 0, 1, 2]);
    }

    #[test]
    fn a_tight_story_is_one_group() {
        let tight: [&[f64]; 3] = [&[1.0, 0.6, 0.5], &[0.6, 1.0, 0.55], &[0.5, 0.55, 1.0]];
        assert_eq!(groups(&tight, Linkage::Average, 0.5), [0, 0, 0]);
        assert_eq!(groups(&tight, Linkage::Complete, 0.5), [0, 0, 0]);
        assert_eq!(groups(&tight, Linkage::Complete, 0.52), [0, 0, 1]);
    }

    #[test]
    fn ties_go_to_the_lower_rows() {
        let tie: [&[f64]; 3] = [&[1.0, 0.5, 0.0], &[0.5, 1.0, 0.5], &[0.0, 0.5, 1.0]];
        assert_eq!(groups(&tie, Linkage::Complete, 0.5), [0, 0, 1]);
    }

    #[test]
    fn pairs_given_once_or_twice_are_the_same() {
        let (indptr, columns, values) = pairs(&CHAIN, 0.3);
        // The upper triangle only.
        let mut up = (vec![0], Vec::new(), Vec::new());
        for i in 0..4 {
            for at in indptr[i]..indptr[i + 1] {
                if columns[at] as usize > i {
                    up.1.push(columns[at]);
                    up.2.push(values[at]);
                }
            }
            up.0.push(up.1.len());
        }
        for linkage in [Linkage::Average, Linkage::Complete] {
            assert_eq!(
                agglomerate(4, &indptr, &columns, &values, linkage, 0.3).unwrap(),
                agglomerate(4, &up.0, &up.1, &up.2, linkage, 0.3).unwrap()
            );
        }
    }

    #[test]
    fn malformed_pairs_are_refused() {
        assert!(agglomerate(2, &[0, 1], &[1], &[0.5], Linkage::Average, 0.1).is_err());
        assert!(agglomerate(2, &[0, 1, 1], &[2], &[0.5], Linkage::Average, 0.1).is_err());
        assert!(agglomerate(2, &[0, 1, 1], &[1], &[f64::NAN], Linkage::Average, 0.1).is_err());
        assert_eq!(
            agglomerate(0, &[0], &[], &[], Linkage::Complete, 0.5).unwrap(),
            Vec::<i64>::new()
        );
    }
}
