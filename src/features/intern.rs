//! Interning strings: each distinct string stored once, in one buffer, and numbered in the
//! order first seen. Counting meets each term of a chunk of documents thousands of times and
//! a new term only once; keeping every term in one buffer instead of an allocation each takes
//! the allocator out of the counting loop.
//!
//! The table is open addressing with linear probing, and each slot holds what a lookup needs
//! to decide (a fingerprint of the hash, where the string starts, its length and its number),
//! so that finding a term reads its slot and its bytes and nothing else. With hashbrown's
//! table of numbers, a lookup went from the table to the number, from the number to the
//! string's end in a second array, and only then to the bytes: on the 459 MB blog corpus
//! (728 k terms, tables far larger than the caches) those dependent misses were 46% of a
//! one-thread fit and the comparison alone 33%.

use std::hash::BuildHasher;

use rustc_hash::FxBuildHasher;

use crate::error::{Error, Result};
use crate::runtime::alloc::{try_push, try_push_str, try_reserve, try_zeroed, Zeroable};
use crate::runtime::prefetch::prefetch_address;

/// What an interner that cannot grow reports itself as.
const WHAT: &str = "the table of distinct terms";

/// The bits of a slot's `key` that hold where its string starts (plus one: 0 is an empty
/// slot); the bits above them hold the top of the string's hash. 2^40 bytes of strings (1 TB)
/// is more than any interner is asked to hold; more is an error, never a wrong answer.
const START_BITS: u32 = 40;
const START_MASK: u64 = (1 << START_BITS) - 1;

/// What a core's own cache is taken to hold: tables beyond it are worth prefetching from.
pub(crate) const CACHE_BYTES: usize = 1 << 20;

/// One place in the table.
#[derive(Clone, Copy, Default)]
struct Slot {
    /// 0: empty. Otherwise the top bits of the string's hash above `START_BITS` and its start
    /// in `bytes` plus one below.
    key: u64,
    id: u32,
    len: u32,
}

// SAFETY: all-zero bytes are an empty slot (every field a plain integer).
unsafe impl Zeroable for Slot {}

#[derive(Clone, Default)]
pub(crate) struct Interner {
    /// The strings, one after another.
    bytes: String,
    /// Where string `id` ends in `bytes` (it starts where `id - 1` ends).
    ends: Vec<usize>,
    /// A power of two long (or empty), never more than 3/4 full.
    slots: Vec<Slot>,
}

/// The fingerprint part of a slot's key for a string whose hash is `hash`.
#[inline]
fn fingerprint(hash: u64) -> u64 {
    hash >> START_BITS << START_BITS
}

/// The number of slots for `strings` strings: a power of two, at most 3/4 full.
fn slots_for(strings: usize) -> Option<usize> {
    strings
        .checked_mul(4)
        .map(|n| (n / 3 + 1).max(16))
        .and_then(usize::checked_next_power_of_two)
}

impl Interner {
    /// An interner with room for `strings` strings of `bytes` bytes in all before it grows.
    pub(crate) fn with_capacity(strings: usize, bytes: usize) -> Result<Self> {
        let mut interner = Interner::default();
        interner.reserve(strings, bytes)?;
        Ok(interner)
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
        self.probe(s, hash).ok()
    }

    /// The hash every interner files `s` under (the same in every interner and every run, so
    /// that it can also pick the shard of a term).
    #[inline]
    pub(crate) fn hash(s: &str) -> u64 {
        FxBuildHasher.hash_one(s)
    }

    /// Which of `n_shards` (a power of two) holds `hash`: bits that the table itself does not
    /// use to place entries (the fingerprint in a slot's key uses bits 40 and up, so even 1024
    /// shards leave it 22 bits that differ).
    #[inline]
    pub(crate) fn shard_of(hash: u64, n_shards: usize) -> usize {
        debug_assert!(n_shards.is_power_of_two());
        (hash >> 32) as usize & (n_shards - 1)
    }

    /// The number of `s` (`Ok`), or the empty slot where it would go (`Err`; `usize::MAX` when
    /// the table has no slots).
    #[inline]
    fn probe(&self, s: &str, hash: u64) -> std::result::Result<u32, usize> {
        if self.slots.is_empty() {
            return Err(usize::MAX);
        }
        let mask = self.slots.len() - 1;
        let wanted = fingerprint(hash);
        let mut at = hash as usize & mask;
        loop {
            let slot = self.slots[at];
            if slot.key == 0 {
                return Err(at);
            }
            if slot.key & !START_MASK == wanted && slot.len as usize == s.len() {
                let start = ((slot.key & START_MASK) - 1) as usize;
                if same_bytes(&self.bytes.as_bytes()[start..start + s.len()], s.as_bytes()) {
                    return Ok(slot.id);
                }
            }
            at = (at + 1) & mask;
        }
    }

    /// The number of `s`, giving it the next one if it is new. A new string that the memory
    /// cannot hold is `Error::OutOfMemory`, and the interner stays as it was.
    #[inline]
    pub(crate) fn intern(&mut self, s: &str) -> Result<u32> {
        self.intern_hashed(s, Self::hash(s))
    }

    /// Whether the table is larger than a core's own cache holds, so that a lookup would
    /// wait on memory unless its slot is prefetched (below that size, queueing terms to
    /// prefetch them costs more than it saves: English news, 29 k terms, ran 10% slower so).
    #[inline]
    pub(crate) fn outgrows_cache(&self) -> bool {
        self.table_bytes() > CACHE_BYTES
    }

    /// The bytes of the table's slots.
    #[inline]
    pub(crate) fn table_bytes(&self) -> usize {
        self.slots.len() * std::mem::size_of::<Slot>()
    }

    /// The hash of `s`, with the slot where `s` is looked up first asked for into the cache,
    /// so that a lookup of it a few dozen strings later does not wait on memory (see
    /// `features::lookahead`). The prefetch is only a hint: it reads nothing.
    #[inline]
    pub(crate) fn prefetch(&self, s: &str) -> u64 {
        let hash = Self::hash(s);
        self.prefetch_hashed(hash);
        hash
    }

    /// [`Interner::prefetch`] for a string whose hash is known.
    #[inline]
    pub(crate) fn prefetch_hashed(&self, hash: u64) {
        if !self.slots.is_empty() {
            let at = hash as usize & (self.slots.len() - 1);
            prefetch_address(self.slots.as_ptr().wrapping_add(at));
        }
    }

    /// When the slot where a string of hash `hash` and `len` bytes is looked up first (already
    /// in the cache, see [`Interner::prefetch`]) holds a string that may be it: its number,
    /// with its bytes asked for into the cache too, so that the comparison does not wait on
    /// memory either. Only a hint: `None` says nothing about whether the string is there.
    #[inline]
    pub(crate) fn prefetch_candidate(&self, hash: u64, len: usize) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let slot = self.slots[hash as usize & (self.slots.len() - 1)];
        if slot.key & !START_MASK != fingerprint(hash) || slot.len as usize != len {
            return None;
        }
        prefetch_address(
            self.bytes
                .as_ptr()
                .wrapping_add(((slot.key & START_MASK) - 1) as usize),
        );
        Some(slot.id)
    }

    /// `intern` for a string whose [`Interner::hash`] is known.
    #[inline]
    pub(crate) fn intern_hashed(&mut self, s: &str, hash: u64) -> Result<u32> {
        let free = match self.probe(s, hash) {
            Ok(id) => return Ok(id),
            Err(free) if (self.len() + 1) * 4 <= self.slots.len() * 3 => free,
            Err(_) => {
                // Every growth is reserved before anything is added, so a failure changes
                // nothing.
                self.reserve(1, s.len())?;
                match self.probe(s, hash) {
                    Err(free) => free,
                    Ok(id) => return Ok(id),
                }
            }
        };
        self.insert_at(free, s, hash)
    }

    /// Adds `s` (new) as the next string, its slot at `free`.
    fn insert_at(&mut self, free: usize, s: &str, hash: u64) -> Result<u32> {
        let start = self.bytes.len();
        // Numbers and lengths are 32 bits: a table past that is reported by what it would hold.
        let (Ok(id), Ok(len)) = (u32::try_from(self.len()), u32::try_from(s.len())) else {
            return Err(Error::OutOfMemory {
                what: WHAT,
                bytes: start
                    .saturating_add(s.len())
                    .saturating_add(self.len().saturating_mul(std::mem::size_of::<Slot>() + 8)),
            });
        };
        if start as u64 + 1 > START_MASK {
            return Err(Error::OutOfMemory {
                what: WHAT,
                bytes: start.saturating_add(s.len()),
            });
        }
        try_push(&mut self.ends, start + s.len(), WHAT)?;
        if let Err(error) = try_push_str(&mut self.bytes, s, WHAT) {
            self.ends.pop();
            return Err(error);
        }
        self.slots[free] = Slot {
            key: fingerprint(hash) | (start as u64 + 1),
            id,
            len,
        };
        Ok(id)
    }

    /// Room for `strings` more strings of `bytes` bytes in all, so that interning them cannot
    /// fail. Nothing changes when the room cannot be had.
    pub(crate) fn reserve(&mut self, strings: usize, bytes: usize) -> Result<()> {
        let wanted = self.len().saturating_add(strings);
        let too_many = || Error::OutOfMemory {
            what: WHAT,
            bytes: wanted.saturating_mul(std::mem::size_of::<Slot>() * 2),
        };
        let n_slots = slots_for(wanted).ok_or_else(too_many)?;
        let mut grown = None;
        if n_slots > self.slots.len() {
            let mut slots: Vec<Slot> = try_zeroed(n_slots, WHAT).map_err(|_| too_many())?;
            self.place_all(&mut slots);
            grown = Some(slots);
        }
        if self.bytes.capacity() - self.bytes.len() < bytes {
            self.bytes
                .try_reserve(bytes)
                .map_err(|_| Error::OutOfMemory {
                    what: WHAT,
                    bytes: self.bytes.len().saturating_add(bytes),
                })?;
        }
        try_reserve(&mut self.ends, strings, WHAT)?;
        if let Some(slots) = grown {
            self.slots = slots;
        }
        Ok(())
    }

    /// Lets go of room that no string uses: the table shrinks to what its strings need (it
    /// was sized for as many strings as might come). Nothing changes when the smaller table
    /// cannot be had.
    pub(crate) fn shrink_to_fit(&mut self) {
        let Some(n_slots) = slots_for(self.len()) else {
            return;
        };
        if n_slots < self.slots.len() {
            let Ok(mut slots) = try_zeroed::<Slot>(n_slots, WHAT) else {
                return;
            };
            self.place_all(&mut slots);
            self.slots = slots;
        }
        self.bytes.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    /// Puts every string's slot into `slots` (empty, a power of two long, room for them all).
    fn place_all(&self, slots: &mut [Slot]) {
        let mask = slots.len() - 1;
        for old in self.slots.iter().filter(|slot| slot.key != 0) {
            let hash = Self::hash(self.get(old.id));
            let mut at = hash as usize & mask;
            while slots[at].key != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = *old;
        }
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
    let u128_at =
        |s: &[u8], at: usize| u128::from_le_bytes(s[at..at + 16].try_into().unwrap_or_default());
    match n {
        // (Bengali words are mostly 12-30 bytes: three to a letter.)
        17..=32 => u128_at(a, 0) == u128_at(b, 0) && u128_at(a, n - 16) == u128_at(b, n - 16),
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
    fn agrees_with_a_hash_map_through_growth_and_reserves() {
        // Short strings over a small alphabet: many repeats, many shared prefixes and lengths.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut interner = Interner::default();
        let mut oracle = std::collections::HashMap::new();
        for round in 0..60_000 {
            let len = (next() % 12) as usize;
            let s: String = (0..len)
                .map(|_| ['a', 'b', 'ক', 'ি'][(next() % 4) as usize])
                .collect();
            if round % 5_000 == 0 {
                interner.reserve(1_000, 10_000).unwrap();
            }
            let fresh = oracle.len() as u32;
            let expected = *oracle.entry(s.clone()).or_insert(fresh);
            assert_eq!(interner.intern(&s).unwrap(), expected, "{s:?}");
        }
        assert_eq!(interner.len(), oracle.len());
        for (s, &id) in &oracle {
            assert_eq!(interner.find(s), Some(id));
            assert_eq!(interner.get(id), s);
        }
        assert_eq!(interner.find("not there"), None);
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
