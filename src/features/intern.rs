//! Interning strings: each distinct string stored once, in one buffer, and numbered in the
//! order first seen. Counting meets each term of a chunk of documents thousands of times and
//! a new term only once; keeping every term in one buffer instead of an allocation each takes
//! the allocator out of the counting loop.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use crate::error::{Error, Result};
use crate::runtime::alloc::{try_push, try_push_str, try_reserve, try_with_capacity};

/// What an interner that cannot grow reports itself as.
const WHAT: &str = "the table of distinct terms";

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
    pub(crate) fn with_capacity(strings: usize, bytes: usize) -> Result<Self> {
        let mut text = String::new();
        text.try_reserve_exact(bytes)
            .map_err(|_| Error::OutOfMemory { what: WHAT, bytes })?;
        let mut table = HashTable::new();
        table
            .try_reserve(strings, |_: &u32| 0)
            .map_err(|_| Error::OutOfMemory {
                what: WHAT,
                bytes: strings.saturating_mul(std::mem::size_of::<u32>() + 1),
            })?;
        Ok(Interner {
            bytes: text,
            ends: try_with_capacity(strings, WHAT)?,
            table,
            hasher: FxBuildHasher,
        })
    }

    /// An interner with room for the distinct terms that `documents` documents of real text
    /// have (judged by their number alone), so that counting them rarely grows the table.
    pub(crate) fn for_documents(documents: usize) -> Result<Self> {
        let expected_terms = documents.saturating_mul(32).clamp(1024, 1 << 20);
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

    /// The number of `s`, giving it the next one if it is new. A new string that the memory
    /// cannot hold is `Error::OutOfMemory`, and the interner stays as it was.
    #[inline]
    pub(crate) fn intern(&mut self, s: &str) -> Result<u32> {
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
            return Ok(id);
        }
        let id = ends.len() as u32;
        // Every growth is reserved before anything is added, so a failure changes nothing.
        table
            .try_reserve(1, |&other| hasher.hash_one(text_of(other)))
            .map_err(|_| Error::OutOfMemory {
                what: WHAT,
                bytes: table
                    .capacity()
                    .saturating_mul(2 * (std::mem::size_of::<u32>() + 1)),
            })?;
        try_push(ends, bytes.len() + s.len(), WHAT)?;
        if let Err(error) = try_push_str(bytes, s, WHAT) {
            ends.pop();
            return Err(error);
        }
        // (Room was reserved: the table does not rehash here.)
        table.insert_unique(hash, id, |&other| {
            let other = other as usize;
            let start = if other == 0 { 0 } else { ends[other - 1] };
            hasher.hash_one(&bytes[start..ends[other]])
        });
        Ok(id)
    }

    /// Room for `strings` more strings of `bytes` bytes in all, so that interning them cannot
    /// fail. Nothing changes when the room cannot be had.
    pub(crate) fn reserve(&mut self, strings: usize, bytes: usize) -> Result<()> {
        let Interner {
            bytes: text,
            ends,
            table,
            hasher,
        } = self;
        if text.capacity() - text.len() < bytes {
            text.try_reserve(bytes).map_err(|_| Error::OutOfMemory {
                what: WHAT,
                bytes: text.len().saturating_add(bytes),
            })?;
        }
        try_reserve(ends, strings, WHAT)?;
        table
            .try_reserve(strings, |&id| {
                let id = id as usize;
                let start = if id == 0 { 0 } else { ends[id - 1] };
                hasher.hash_one(&text[start..ends[id]])
            })
            .map_err(|_| Error::OutOfMemory {
                what: WHAT,
                bytes: (table.len().saturating_add(strings))
                    .saturating_mul(std::mem::size_of::<u32>() + 1),
            })
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
        let ids: Vec<u32> = words.iter().map(|w| interner.intern(w).unwrap()).collect();
        assert_eq!(ids, [0, 1, 2, 0, 3, 1]);
        assert_eq!(interner.iter().collect::<Vec<_>>(), ["কিম", "a", "", "bb"]);
        assert_eq!(interner.find("bb"), Some(3));
        assert_eq!(interner.find("c"), None);
    }

    #[test]
    fn survives_growth() {
        let mut interner = Interner::default();
        for i in 0..10_000 {
            assert_eq!(interner.intern(&format!("w{i}")).unwrap(), i);
        }
        for i in 0..10_000 {
            assert_eq!(interner.find(&format!("w{i}")), Some(i));
        }
    }

    #[test]
    fn impossible_sizes_are_errors_and_change_nothing() {
        assert!(matches!(
            Interner::with_capacity(usize::MAX / 8, 0),
            Err(Error::OutOfMemory { what: WHAT, .. })
        ));
        assert!(Interner::with_capacity(0, usize::MAX / 2).is_err());
        let mut interner = Interner::with_capacity(4, 4).unwrap();
        assert_eq!(interner.intern("ab").unwrap(), 0);
        assert_eq!(interner.len(), 1);
        assert_eq!(interner.find("ab"), Some(0));
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
