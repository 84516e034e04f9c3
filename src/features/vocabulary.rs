//! A fit's vocabulary (terms and their columns) and the options a vocabulary is fitted with:
//! scikit-learn's `min_df`, `max_df`, `max_features` and `binary`.

use crate::error::{Error, Result};
use crate::features::intern::{Interner, CACHE_BYTES};
use crate::runtime::alloc::try_collect;
use crate::runtime::prefetch::prefetch_address;

/// What a vocabulary's tables report themselves as when they cannot be had.
const WHAT: &str = "the vocabulary";

/// A bound on document frequency: a number of documents, or a fraction of them (scikit-learn's
/// int-vs-float `min_df` and `max_df`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DocumentBound {
    Count(u64),
    Fraction(f64),
}

impl DocumentBound {
    /// scikit-learn's `max_df if isinstance(max_df, Integral) else max_df * n_doc`.
    pub(crate) fn resolve(self, n_documents: usize) -> f64 {
        match self {
            DocumentBound::Count(count) => count as f64,
            DocumentBound::Fraction(fraction) => fraction * n_documents as f64,
        }
    }
}

/// How a vocabulary is fitted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FitOptions {
    pub min_df: DocumentBound,
    pub max_df: DocumentBound,
    pub max_features: Option<usize>,
    /// Counts are 1 or 0: `max_features` then keeps the terms in the most documents (scikit-learn
    /// sets the counts to 1 before choosing).
    pub binary: bool,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            min_df: DocumentBound::Count(1),
            max_df: DocumentBound::Fraction(1.0),
            max_features: None,
            binary: false,
        }
    }
}

/// Terms and their columns.
#[derive(Default)]
pub struct Vocabulary {
    /// The terms, spread over shards by hash (one shard unless made by a parallel fit, whose
    /// merged shards become the vocabulary as they are). A fit may leave terms that pruning
    /// dropped in them, without a column.
    shards: Vec<Interner>,
    /// The column of each term of each shard (`u32::MAX`: none).
    column_of: Vec<Vec<u32>>,
    /// (shard, number in the shard) of each column's term.
    term_at: Vec<(u32, u32)>,
}

impl std::fmt::Debug for Vocabulary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vocabulary({} terms)", self.len())
    }
}

impl Vocabulary {
    /// A vocabulary whose term `i` is column `i`. Repeated terms are an error.
    pub fn from_terms<S: AsRef<str>>(terms: impl IntoIterator<Item = S>) -> Result<Self> {
        let terms = terms.into_iter();
        // Sized up front: growing the table one doubling at a time rehashes every term again.
        let mut interned = Interner::with_capacity(terms.size_hint().0, 0)?;
        for (i, term) in terms.enumerate() {
            if interned.intern(term.as_ref())? as usize != i {
                return Err(Error::Parameter {
                    name: "vocabulary",
                    message: format!("Duplicate term in vocabulary: {:?}", term.as_ref()),
                });
            }
        }
        let n = interned.len() as u32;
        Ok(Vocabulary {
            shards: vec![interned],
            column_of: vec![try_collect(0..n, WHAT)?],
            term_at: try_collect((0..n).map(|id| (0, id)), WHAT)?,
        })
    }

    /// The vocabulary of a parallel fit's merged shards, as they stand: `column_of[s][id]` is
    /// the column of term `id` of shard `s` (`u32::MAX`: pruned), `term_at[c]` the (shard, id)
    /// of column `c`'s term.
    pub(crate) fn from_shards(
        shards: Vec<Interner>,
        column_of: Vec<Vec<u32>>,
        term_at: Vec<(u32, u32)>,
    ) -> Self {
        Vocabulary {
            shards,
            column_of,
            term_at,
        }
    }

    /// The terms, in column order.
    pub fn terms(&self) -> impl Iterator<Item = &str> + '_ {
        self.term_at
            .iter()
            .map(|&(shard, id)| self.shards[shard as usize].get(id))
    }

    pub fn len(&self) -> usize {
        self.term_at.len()
    }

    pub fn is_empty(&self) -> bool {
        self.term_at.is_empty()
    }

    pub fn get(&self, term: &str) -> Option<u32> {
        self.get_hashed(term, Interner::hash(term))
    }

    /// `get` for a term whose [`Interner::hash`] is known.
    #[inline]
    pub(crate) fn get_hashed(&self, term: &str, hash: u64) -> Option<u32> {
        if self.shards.is_empty() {
            return None;
        }
        let shard = Interner::shard_of(hash, self.shards.len());
        let id = self.shards[shard].find_hashed(term, hash)?;
        let column = self.column_of[shard][id as usize];
        (column != u32::MAX).then_some(column)
    }

    /// Whether the tables a lookup reads are larger than a core's cache holds, so that
    /// lookups are worth queueing to prefetch (`features::lookahead`).
    pub(crate) fn outgrows_cache(&self) -> bool {
        // A lookup may go to any shard: what counts is their tables together.
        self.shards.iter().map(Interner::table_bytes).sum::<usize>() > CACHE_BYTES
    }

    /// The hash of `term`, with the slot it is looked up in asked for into the cache.
    #[inline]
    pub(crate) fn prefetch(&self, term: &str) -> u64 {
        let hash = Interner::hash(term);
        if !self.shards.is_empty() {
            self.shards[Interner::shard_of(hash, self.shards.len())].prefetch_hashed(hash);
        }
        hash
    }

    /// Once a term's slot is in the cache: asks for the bytes and the column of its likely
    /// match too (only a hint).
    #[inline]
    pub(crate) fn prefetch_match(&self, term: &str, hash: u64) {
        if self.shards.is_empty() {
            return;
        }
        let shard = Interner::shard_of(hash, self.shards.len());
        if let Some(column) = self.shards[shard]
            .prefetch_candidate(hash, term.len())
            .and_then(|id| self.column_of[shard].get(id as usize))
        {
            prefetch_address(column);
        }
    }
}
