//! The features layer: from documents to counted features. Feature sources (analyzed text,
//! decoded documents, features made elsewhere), word and character n-grams, string interning
//! and the queue that prefetches lookups, the vocabulary and the options it is fitted with, the
//! fit and the transform, the rule for which terms a fit keeps, mergeable corpus statistics,
//! and the hashing trick.
//!
//! May use: `error`, `runtime`, `text`.

pub(crate) mod analyzer;
pub(crate) mod counts;
pub(crate) mod fit;
pub(crate) mod hashing;
pub(crate) mod intern;
pub(crate) mod lookahead;
pub(crate) mod prune;
pub(crate) mod source;
pub(crate) mod stats;
pub(crate) mod transform;
pub(crate) mod vocabulary;
