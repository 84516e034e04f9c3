//! Interning terms a few dozen at a time, each one's table slot asked for ahead of its lookup.
//!
//! On a large corpus the interner's table is far larger than the caches, and a lookup waits
//! on memory for its slot before it can compare anything. The tokenizer takes about as long to
//! produce a few dozen terms as memory takes to answer, so a term's slot is prefetched as soon
//! as the term is made and looked up only when `DEPTH` terms are waiting: by then the slot has
//! usually arrived. Terms are looked up in the order they came, so the numbers they get are
//! exactly those of interning them one by one.

use crate::error::Result;
use crate::features::intern::Interner;
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

    /// Queues `term` for `interner`, whose slot for it is prefetched; true when `DEPTH` terms
    /// are waiting and it is time to [`Lookahead::intern_waiting`].
    #[inline]
    pub(crate) fn push(&mut self, interner: &Interner, term: &str) -> Result<bool> {
        let hash = Interner::hash(term);
        interner.prefetch(hash);
        try_push_str(&mut self.text, term, WHAT)?;
        try_push(&mut self.ends, self.text.len(), WHAT)?;
        try_push(&mut self.hashes, hash, WHAT)?;
        Ok(self.hashes.len() >= Self::DEPTH)
    }

    /// Interns the waiting terms in the order they came, handing each one's number to `each`,
    /// and empties the queue (also when a term or `each` fails). First, with their slots in
    /// the cache by now, the bytes of the likely match of each are asked for, and `hint` is
    /// told its likely number (to prefetch what `each` will touch).
    #[inline]
    pub(crate) fn intern_waiting(
        &mut self,
        interner: &mut Interner,
        hint: impl Fn(u32),
        mut each: impl FnMut(u32) -> Result<()>,
    ) -> Result<()> {
        let mut start = 0;
        for (&end, &hash) in self.ends.iter().zip(&self.hashes) {
            if let Some(id) = interner.prefetch_candidate(hash, end - start) {
                hint(id);
            }
            start = end;
        }
        let mut start = 0;
        let mut result = Ok(());
        for (&end, &hash) in self.ends.iter().zip(&self.hashes) {
            result = interner
                .intern_hashed(&self.text[start..end], hash)
                .and_then(&mut each);
            if result.is_err() {
                break;
            }
            start = end;
        }
        self.clear();
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_terms_as_interning_them_one_by_one_does() {
        let words: Vec<String> = (0..1000)
            .map(|i| format!("w{}", i % 97 * 31 % 211))
            .collect();
        let mut one_by_one = Interner::default();
        let expected: Vec<u32> = words
            .iter()
            .map(|w| one_by_one.intern(w).unwrap())
            .collect();
        let mut interner = Interner::default();
        let mut lookahead = Lookahead::default();
        let mut ids = Vec::new();
        let mut intern_waiting = |lookahead: &mut Lookahead, interner: &mut Interner| {
            let each = |id| {
                ids.push(id);
                Ok(())
            };
            lookahead.intern_waiting(interner, |_| {}, each).unwrap();
        };
        for word in &words {
            if lookahead.push(&interner, word).unwrap() {
                intern_waiting(&mut lookahead, &mut interner);
            }
        }
        intern_waiting(&mut lookahead, &mut interner);
        assert_eq!(ids, expected);
    }

    #[test]
    fn a_failure_empties_the_queue() {
        let mut interner = Interner::default();
        let mut lookahead = Lookahead::default();
        for word in ["a", "b", "c"] {
            lookahead.push(&interner, word).unwrap();
        }
        let mut seen = 0;
        let failed = lookahead.intern_waiting(
            &mut interner,
            |_| {},
            |_| {
                seen += 1;
                Err(crate::error::Error::Cancelled)
            },
        );
        assert!(failed.is_err());
        assert_eq!(seen, 1);
        lookahead
            .intern_waiting(&mut interner, |_| {}, |_| panic!("queue not emptied"))
            .unwrap();
    }
}
