//! Bounded lists of the best `k` candidates of many rows at once, in flat arrays: what the
//! symmetric top-k kernel offers each score to, for the row on the other side of the pair.
//!
//! "Best" is a total order: higher score first, then lower index, so the lists (and their
//! merge) are the same whatever order the candidates arrive in. Each list is a binary heap
//! whose root is its worst entry, and a compact array holds every full list's worst score, so
//! that a candidate that cannot get in (nearly all of them, once the lists are full) is
//! rejected by one read of a small array.

use crate::error::Error;
use crate::matrix::numeric::Real;
use crate::runtime::alloc::{try_filled, try_zeroed};

/// Whether candidate `a` ranks before candidate `b`.
#[inline]
fn better<T: Real>(a: (T, u32), b: (T, u32)) -> bool {
    let (sa, sb) = (a.0.to_f64(), b.0.to_f64());
    sa > sb || (sa == sb && a.1 < b.1)
}

/// The best `k` candidates of each of `n` rows.
pub(crate) struct TopKLists<T> {
    k: usize,
    scores: Vec<T>,
    indices: Vec<u32>,
    lengths: Vec<u32>,
    /// The worst score of each full list; minus infinity while a list has room.
    cutoff: Vec<T>,
}

impl<T: Real> TopKLists<T> {
    pub(crate) fn new(n: usize, k: usize) -> Result<Self, Error> {
        let what = "the best-k lists";
        let slots = n.checked_mul(k).ok_or(Error::OutOfMemory {
            what,
            bytes: usize::MAX,
        })?;
        Ok(TopKLists {
            k,
            scores: try_zeroed(slots, what)?,
            indices: try_zeroed(slots, what)?,
            lengths: try_zeroed(n, what)?,
            cutoff: try_filled(n, T::from_f64(f64::NEG_INFINITY), what)?,
        })
    }

    /// Offers `(score, index)` to row `row`'s list.
    #[inline]
    pub(crate) fn offer(&mut self, row: usize, score: T, index: u32) {
        if score.to_f64() < self.cutoff[row].to_f64() {
            return;
        }
        self.insert(row, score, index);
    }

    #[inline(never)]
    fn insert(&mut self, row: usize, score: T, index: u32) {
        let k = self.k;
        let base = row * k;
        let scores = &mut self.scores[base..base + k];
        let indices = &mut self.indices[base..base + k];
        let length = self.lengths[row] as usize;
        let candidate = (score, index);
        if length < k {
            // Sift up from the new leaf: parents are worse than their children.
            let mut child = length;
            while child > 0 {
                let parent = (child - 1) / 2;
                if better((scores[parent], indices[parent]), candidate) {
                    scores[child] = scores[parent];
                    indices[child] = indices[parent];
                    child = parent;
                } else {
                    break;
                }
            }
            scores[child] = score;
            indices[child] = index;
            self.lengths[row] += 1;
            if length + 1 == k {
                self.cutoff[row] = scores[0];
            }
            return;
        }
        if !better(candidate, (scores[0], indices[0])) {
            return;
        }
        // Replace the worst (the root) and sift down.
        let mut parent = 0;
        loop {
            let left = 2 * parent + 1;
            if left >= k {
                break;
            }
            let right = left + 1;
            let worse_child = if right < k
                && better(
                    (scores[left], indices[left]),
                    (scores[right], indices[right]),
                ) {
                right
            } else {
                left
            };
            if better(candidate, (scores[worse_child], indices[worse_child])) {
                scores[parent] = scores[worse_child];
                indices[parent] = indices[worse_child];
                parent = worse_child;
            } else {
                break;
            }
        }
        scores[parent] = score;
        indices[parent] = index;
        self.cutoff[row] = scores[0];
    }

    /// Row `row`'s entries, in no particular order.
    pub(crate) fn entries(&self, row: usize) -> impl Iterator<Item = (T, u32)> + '_ {
        let base = row * self.k;
        let length = self.lengths[row] as usize;
        self.scores[base..base + length]
            .iter()
            .copied()
            .zip(self.indices[base..base + length].iter().copied())
    }
}

/// The best `k` of several lists of one row, best first, written into `out_indices` and
/// `out_scores` (which are `k` long and hold -1 and 0 where there are fewer candidates).
pub(crate) fn merge_into<T: Real>(
    candidates: &mut [(T, u32)],
    out_indices: &mut [i64],
    out_scores: &mut [f64],
) {
    candidates.sort_unstable_by(|&a, &b| {
        if better(a, b) {
            std::cmp::Ordering::Less
        } else if better(b, a) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
    for (slot, &(score, j)) in candidates.iter().take(out_indices.len()).enumerate() {
        out_indices[slot] = j as i64;
        out_scores[slot] = score.to_f64();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_best_k_in_any_arrival_order() {
        let candidates: Vec<(f64, u32)> = (0..200u32)
            .map(|i| (((i * 37) % 23) as f64 / 7.0, i))
            .collect();
        let mut expected = candidates.clone();
        expected.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        expected.truncate(7);
        for rotation in [0, 13, 101] {
            let mut lists = TopKLists::<f64>::new(2, 7).unwrap();
            let mut order = candidates.clone();
            order.rotate_left(rotation);
            order.reverse();
            for &(s, i) in &order {
                lists.offer(1, s, i);
            }
            let mut got: Vec<(f64, u32)> = lists.entries(1).collect();
            let (mut indices, mut scores) = (vec![-1i64; 7], vec![0.0; 7]);
            merge_into(&mut got, &mut indices, &mut scores);
            let want: Vec<i64> = expected.iter().map(|e| e.1 as i64).collect();
            assert_eq!(indices, want);
            assert_eq!(lists.entries(0).count(), 0);
        }
    }
}
