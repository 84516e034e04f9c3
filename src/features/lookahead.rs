//! Looking terms up a few dozen at a time, each one's table slot asked for ahead of its lookup.
//!
//! On a large corpus a term table (a fit's interner, a fitted vocabulary) is far larger than
//! the caches, and a lookup waits on memory for its slot before it can compare anything. The
//! tokenizer takes about as long to produce a few dozen terms as memory takes to answer, so a
//! term's slot is prefetched as soon as the term is made (by the caller, which knows the
//! table) and looked up only when `DEPTH` terms are waiting: by then the slot has usually
//! arrived, and the caller can ask for what the slots point to before the lookups proper.
//! Terms are taken in the order they came, so a fit numbers them exactly as interning them one
//! by one does.

use crate::error::Result;
use crate::runtime::alloc::{try_push, try_push_str};

const WHAT: &str = "the terms waiting to be counted";

/// Terms made but not yet looked up, with their hashes.
#[derive(Default)]
pub(crate) struct Lookahead {
    text: String,
    ends: Vec<usize>,
    hashes: Vec<u64>,
}

impl Lookahead {
    /// How many terms wait before they are looked up: enough that the first one's slot has
    /// arrived when its turn comes, few enough that they stay in the nearest cache.
    pub(crate) const DEPTH: usize = 32;

    /// Forgets the waiting terms (after a failure, they belong to a document that is dropped).
    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.hashes.clear();
    }

    /// Queues `term`, whose hash is `hash` (its slot prefetched by the caller); true when
    /// `DEPTH` terms are waiting and it is time to [`Lookahead::take_waiting`].
    #[inline]
    pub(crate) fn push(&mut self, term: &str, hash: u64) -> Result<bool> {
        try_push_str(&mut self.text, term, WHAT)?;
        try_push(&mut self.ends, self.text.len(), WHAT)?;
        try_push(&mut self.hashes, hash, WHAT)?;
        Ok(self.hashes.len() >= Self::DEPTH)
    }

    /// The waiting terms with their hashes, in the order they came.
    #[inline]
    pub(crate) fn waiting(&self) -> impl Iterator<Item = (&str, u64)> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .zip(&self.hashes)
            .map(|((start, &end), &hash)| (&self.text[start..end], hash))
    }

    /// Hands the waiting terms to `each` in the order they came and empties the queue (also
    /// when `each` fails, at the first failure).
    #[inline]
    pub(crate) fn take_waiting(
        &mut self,
        mut each: impl FnMut(&str, u64) -> Result<()>,
    ) -> Result<()> {
        let result = self.waiting().try_for_each(|(term, hash)| each(term, hash));
        self.clear();
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn hands_out_terms_in_the_order_they_came_in_batches() {
        let words: Vec<String> = (0..100).map(|i| format!("w{}", i * 7 % 13)).collect();
        let mut lookahead = Lookahead::default();
        let mut taken = Vec::new();
        let mut batches = 0;
        for (i, word) in words.iter().enumerate() {
            if lookahead.push(word, i as u64).unwrap() {
                batches += 1;
                let waiting: Vec<(String, u64)> = lookahead
                    .waiting()
                    .map(|(t, h)| (t.to_string(), h))
                    .collect();
                assert_eq!(waiting.len(), Lookahead::DEPTH);
                lookahead
                    .take_waiting(|term, hash| {
                        taken.push((term.to_string(), hash));
                        Ok(())
                    })
                    .unwrap();
            }
        }
        lookahead
            .take_waiting(|term, hash| {
                taken.push((term.to_string(), hash));
                Ok(())
            })
            .unwrap();
        assert_eq!(batches, 100 / Lookahead::DEPTH);
        let expected: Vec<(String, u64)> = words
            .into_iter()
            .enumerate()
            .map(|(i, w)| (w, i as u64))
            .collect();
        assert_eq!(taken, expected);
    }

    #[test]
    fn a_failure_empties_the_queue() {
        let mut lookahead = Lookahead::default();
        for word in ["a", "b", "c"] {
            lookahead.push(word, 0).unwrap();
        }
        let mut seen = 0;
        let failed = lookahead.take_waiting(|_, _| {
            seen += 1;
            Err(Error::Cancelled)
        });
        assert!(failed.is_err());
        assert_eq!(seen, 1);
        assert_eq!(lookahead.waiting().count(), 0);
    }
}
