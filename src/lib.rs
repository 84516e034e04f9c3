//! textsim's core: Unicode-correct tokenizing (Bengali first) and, in later layers, TF-IDF and
//! similarity, in parallel. Pure Rust; the Python bindings live in `python` behind the `python`
//! feature, so `cargo test` builds and runs everything here without Python.

pub mod accents;
pub mod analyze;
pub mod arrow;
pub mod bengali;
pub mod cancel;
pub mod chars;
pub mod count;
pub mod decode;
pub mod error;
pub mod hashing;
pub mod intern;
#[doc(hidden)]
pub mod invariants;
pub mod normalize;
pub mod parallel;
pub mod preprocess;
pub mod prune;
pub mod sentences;
pub mod similarity;
pub mod stats;
pub mod stop_words;
pub mod tokenize;
pub mod top_k;
pub mod weight;

#[cfg(feature = "python")]
mod python;

pub use accents::StripAccents;
pub use decode::{DecodeErrors, RawText};
pub use error::{DocumentProblem, Error, Result};
pub use normalize::NormalizationForm;
pub use preprocess::Preprocessor;
pub use sentences::sentences;
pub use tokenize::{Segmentation, StopWords, Tokenizer, TokenizerOptions, DEFAULT_TOKEN_PATTERN};
