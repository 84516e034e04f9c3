//! textsim's core: Unicode-correct tokenizing (Bengali first), TF-IDF and cosine similarity, in
//! parallel. Pure Rust: `cargo test` builds and runs it without Python.
//!
//! The crate is in layers, one folder each; a layer uses only the layers above it in this list
//! (`tests/test_layering.py` fails on an import the other way and on any import cycle):
//!
//! - `error`: the one error enum that every layer reports with;
//! - `runtime`: thread pools, work shared out per worker, cancellation and progress counts;
//! - `text`: character facts, normalization, Bengali folding, decoding, tokenizers;
//! - `features`: feature sources, n-grams, vocabulary, fitting, counting, statistics, hashing;
//! - `matrix`: the CSR view, weighting, the similarity kernels, best-k lists, groups;
//! - `arrow`: Arrow string columns read in place (the C data and stream interfaces);
//! - `python`: the pyo3 binding (feature "python"), one file per area it wraps.
//!
//! What follows is the crate's public surface; everything else is `pub(crate)`.

#![warn(unreachable_pub)]

mod arrow;
mod error;
mod features;
mod matrix;
mod runtime;
mod text;

#[doc(hidden)]
pub mod invariants;
#[cfg(feature = "python")]
mod python;

pub use arrow::column::ImportedStrings;
pub use arrow::ffi::{ArrowArray, ArrowArrayStream, ArrowSchema};
pub use error::{ArrowError, DocumentProblem, Error, Result};
pub use features::analyzer::{Analyzer, AnalyzerKind, Scratch};
pub use features::counts::Counts;
pub use features::fit::{fit, Fitter};
pub use features::hashing::{column_and_sign, hash_features, murmurhash3_32, Hashed};
pub use features::source::{
    AnalyzedTexts, Cancellable, FeatureSource, GivenFeatures, RawDocuments,
};
pub use features::stats::{CorpusStats, FittedVocabulary, StatsParts};
pub use features::transform::transform;
pub use features::vocabulary::{DocumentBound, FitOptions, Vocabulary};
pub use matrix::columns::NormalizedColumns;
pub use matrix::csr::{CsrParts, CsrView};
pub use matrix::groups::{connected_components, near_duplicates, near_duplicates_across};
pub use matrix::linkage::{agglomerate, Linkage};
pub use matrix::numeric::{Index, Real};
pub use matrix::pruned::Method;
pub use matrix::similarity::{dense_cosines, most_similar, similar_pairs, Threshold};
pub use matrix::thresholded::{most_similar_above, similar_pairs_above};
pub use matrix::triangle::{most_similar_within, similar_pairs_within};
pub use matrix::weight::{inverse_document_frequency, weigh, Norm, Weighting};
pub use runtime::cancel::checkpoint;
pub use runtime::pools::{run, run_interruptible, thread_count};
pub use text::accents::StripAccents;
pub use text::char_maps::lowercase;
pub use text::clean::clean_scraped;
pub use text::decode::{decode, decode_document, DecodeErrors, RawText};
pub use text::fused::FusedScratch;
pub use text::normalize::{normalize, NormalizationForm};
pub use text::preprocess::Preprocessor;
pub use text::sentences::sentences;
pub use text::stem::Stemmer;
pub use text::tokenize::{
    Segmentation, StopWords, Tokenizer, TokenizerOptions, DEFAULT_TOKEN_PATTERN,
};
pub use text::word_runs::Span;
