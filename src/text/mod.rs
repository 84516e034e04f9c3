//! The text layer: everything about one document's characters. Character facts (one table),
//! Unicode normalization, Bengali folding, accent stripping, the preprocessing pass that runs
//! them in scikit-learn's order, decoding documents as their owners store them, the tokenizers
//! (the default pattern's scanner, any regex, UAX#29 words), sentences and stop words; cleaning
//! of scraped text and a Bengali stemmer, both off by default.
//!
//! May use: `error`. Knows nothing of vocabularies, matrices or threads beyond rayon itself.

pub(crate) mod accents;
pub(crate) mod bengali;
pub(crate) mod char_maps;
pub(crate) mod chars;
pub(crate) mod clean;
pub(crate) mod decode;
pub(crate) mod fused;
pub(crate) mod normalize;
pub(crate) mod preprocess;
pub(crate) mod sentences;
pub(crate) mod stem;
pub(crate) mod stop_words;
pub(crate) mod tokenize;
pub(crate) mod word_runs;
