//! Interning strings: each distinct string stored once, in one buffer, and numbered in the
//! order first seen. Counting meets each term of a chunk of documents thousands of times and
//! a new term only once; keeping every term in one buffer instead of an allocation each takes
//! the allocator out of the counting loop.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

#[derive(Clone, Default)]
pub(crate) struct Interner {
    /// The strings, one after another.
    bytes: String,
    /// Where string `id` ends in `bytes` (it starts where `id - 1` ends).
    ends: Vec<usize>,
    table: HashTable<u32>,
    hasher: FxBuildHasher,
}

impl Interner {
    /// An interner with room for `strings` strings of `bytes` bytes in all before it grows.
    pub(crate) fn with_capacity(strings: usize, bytes: usize) -> Self {
        Interner {
            bytes: String::with_capacity(bytes),
            ends: Vec::with_capacity(strings),
            table: HashTable::with_capacity(strings),
            hasher: FxBuildHasher,
        }
    }

    /// An interner with room for the distinct terms that `documents` documents of real text
    /// have (judged by their number alone), so that counting them rarely grows the table.
    pub(crate) fn for_documents(documents: usize) -> Self {
        let expected_terms = (documents * 32).clamp(1024, 1 << 20);
        Interner::with_capacity(expected_terms, expected_terms * 12)
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// String number `id`.
    #[inline]
    pub(crate) fn get(&self, id: u32) -> &str {
        let id = id as usize;
        let start = if id == 0 { 0 } else { self.ends[id - 1] };
        &self.bytes[start..self.ends[id]]
    }

    /// The number of `s`, if it has one.
    #[inline]
    pub(crate) fn find(&self, s: &str) -> Option<u32> {
        self.find_hashed(s, Self::hash(s))
    }

    /// `find` for a string whose [`Interner::hash`] is known.
    #[inline]
    pub(crate) fn find_hashed(&self, s: &str, hash: u64) -> Option<u32> {
        self.table
            .find(hash, |&id| {
                same_bytes(self.get(id).as_bytes(), s.as_bytes())
            })
            .copied()
    }

    /// The hash every interner files `s` under (the same in every interner and every run, so
    /// that it can also pick the shard of a term).
    #[inline]
    pub(crate) fn hash(s: &str) -> u64 {
        FxBuildHasher.hash_one(s)
    }

    /// Which of `n_shards` (a power of two) holds `hash`: bits that the table itself does not
    /// use to place entries.
    #[inline]
    pub(crate) fn shard_of(hash: u64, n_shards: usize) -> usize {
        debug_assert!(n_shards.is_power_of_two());
        (hash >> 32) as usize & (n_shards - 1)
    }

    /// The number of `s`, giving it the next one if it is new.
    #[inline]
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        let hash = self.hasher.hash_one(s);
        let Interner {
            bytes,
            ends,
            table,
            hasher,
        } = self;
        let text_of = |id: u32| {
            let id = id as usize;
            let start = if id == 0 { 0 } else { ends[id - 1] };
            &bytes[start..ends[id]]
        };
        if let Some(&id) = table.find(hash, |&id| same_bytes(text_of(id).as_bytes(), s.as_bytes()))
        {
            return id;
        }
        let id = ends.len() as u32;
        table.insert_unique(hash, id, |&other| hasher.hash_one(text_of(other)));
        bytes.push_str(s);
        ends.push(bytes.len());
        id
    }

    /// The strings in the order they were numbered.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.ends.len() as u32).map(|id| self.get(id))
    }
}

/// `a == b`, with short strings (most terms) compared as two overlapping words in place of a
/// call to `memcmp`, which costs more than the comparison itself at these lengths.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let u64_at =
        |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or_default());
    let u32_at =
        |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().unwrap_or_default());
    match n {
        8..=16 => u64_at(a, 0) == u64_at(b, 0) && u64_at(a, n - 8) == u64_at(b, n - 8),
        4..=7 => u32_at(a, 0) == u32_at(b, 0) && u32_at(a, n - 4) == u32_at(b, n - 4),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_strings_in_order_first_seen() {
        let mut interner = Interner::default();
        let words = ["কিম", "a", "", "কিম", "bb", "a"];
        let ids: Vec<u32> = words.iter().map(|w| interner.intern(w)).collect();
        assert_eq!(ids, [0, 1, 2, 0, 3, 1]);
        assert_eq!(interner.iter().collect::<Vec<_>>(), ["কিম", "a", "", "bb"]);
        assert_eq!(interner.find("bb"), Some(3));
        assert_eq!(interner.find("c"), None);
    }

    #[test]
    fn survives_growth() {
        let mut interner = Interner::default();
        for i in 0..10_000 {
            assert_eq!(interner.intern(&format!("w{i}")), i);
        }
        for i in 0..10_000 {
            assert_eq!(interner.find(&format!("w{i}")), Some(i));
        }
    }

    #[test]
    fn short_and_long_strings_compare_as_equality_does() {
        let samples = [
            "",
            "a",
            "abcdefg",
            "abcdefgh",
            "abcdefgi",
            "abcdefghijklmnop",
            "abcdefghijklmnoq",
            "bbcdefghijklmnop",
            "abcdefghijklmnopq",
            "রাশিয়ার",
            "রাশিয়াক",
        ];
        for a in samples {
            for b in samples {
                assert_eq!(
                    same_bytes(a.as_bytes(), b.as_bytes()),
                    a == b,
                    "{a:?} {b:?}"
                );
            }
        }
    }
}
