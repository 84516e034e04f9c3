//! Option values as the core takes them, from the spellings the Python face passes.
//!
//! The face checks every parameter and writes the messages users see (`textsim/_params.py`);
//! here a spelling is only looked up, and one the face would never pass is refused with one
//! plain message.

use pyo3::prelude::*;

use crate::error::Error;
use crate::features::analyzer::AnalyzerKind;
use crate::features::vocabulary::{DocumentBound, FitOptions};
use crate::matrix::linkage::Linkage;
use crate::matrix::pruned::Method;
use crate::matrix::weight::Norm;
use crate::text::accents::StripAccents;
use crate::text::decode::DecodeErrors;
use crate::text::normalize::NormalizationForm;
use crate::text::stem::Stemmer;
use crate::text::tokenize::{Segmentation, StopWords};

/// Matrix values' type, by numpy's name for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ValueType {
    I32,
    I64,
    F32,
    F64,
}

pub(crate) const SEGMENTATIONS: &[(&str, Segmentation)] = &[
    ("pattern", Segmentation::Pattern),
    ("unicode", Segmentation::Unicode),
];
pub(crate) const NORMALIZATION_FORMS: &[(&str, NormalizationForm)] = &[
    ("NFC", NormalizationForm::Nfc),
    ("NFKC", NormalizationForm::Nfkc),
];
pub(crate) const ACCENT_STRIPPING: &[(&str, StripAccents)] = &[
    ("unicode", StripAccents::Unicode),
    ("ascii", StripAccents::Ascii),
];
pub(crate) const DECODE_ERRORS: &[(&str, DecodeErrors)] = &[
    ("strict", DecodeErrors::Strict),
    ("ignore", DecodeErrors::Ignore),
    ("replace", DecodeErrors::Replace),
];
pub(crate) const ANALYZERS: &[(&str, AnalyzerKind)] = &[
    ("word", AnalyzerKind::Word),
    ("char", AnalyzerKind::Char),
    ("char_wb", AnalyzerKind::CharWb),
];
pub(crate) const METHODS: &[(&str, Method)] = &[
    ("auto", Method::Auto),
    ("full", Method::Full),
    ("pruned", Method::Pruned),
];
pub(crate) const LINKAGES: &[(&str, Linkage)] = &[
    ("average", Linkage::Average),
    ("complete", Linkage::Complete),
];
pub(crate) const STEMMERS: &[(&str, Stemmer)] = &[("bengali", Stemmer::Bengali)];
pub(crate) const NORMS: &[(&str, Norm)] = &[("l1", Norm::L1), ("l2", Norm::L2)];
pub(crate) const VALUE_TYPES: &[(&str, ValueType)] = &[
    ("int32", ValueType::I32),
    ("int64", ValueType::I64),
    ("float32", ValueType::F32),
    ("float64", ValueType::F64),
];

/// The value `spelling` names among `known`.
pub(crate) fn choice<T: Copy>(
    name: &'static str,
    spelling: &str,
    known: &[(&str, T)],
) -> Result<T, Error> {
    known
        .iter()
        .find(|(candidate, _)| *candidate == spelling)
        .map(|&(_, value)| value)
        .ok_or_else(|| {
            let names: Vec<String> = known.iter().map(|(s, _)| format!("'{s}'")).collect();
            Error::Parameter {
                name,
                message: format!("expected one of {}, got {spelling:?}", names.join(", ")),
            }
        })
}

/// [`choice`] of an optional value (`None` stays `None`).
pub(crate) fn optional_choice<T: Copy>(
    name: &'static str,
    spelling: Option<&str>,
    known: &[(&str, T)],
) -> Result<Option<T>, Error> {
    spelling.map(|s| choice(name, s, known)).transpose()
}

/// `stop_words`: a built-in list's name, or the words.
pub(crate) fn stop_words(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<StopWords>> {
    let Some(value) = value else {
        return Ok(None);
    };
    let lists = [
        ("english", StopWords::English),
        ("bengali", StopWords::Bengali),
    ];
    Ok(Some(match value.extract::<String>() {
        Ok(name) => lists
            .into_iter()
            .find(|(candidate, _)| *candidate == name)
            .map(|(_, list)| list)
            .ok_or_else(|| Error::Parameter {
                name: "stop_words",
                message: format!("expected one of 'english', 'bengali' or a list, got {name:?}"),
            })?,
        Err(_) => StopWords::List(value.extract::<Vec<String>>()?),
    }))
}

/// The pruning parameters as the core takes them; `min_df` and `max_df` are an int (a number
/// of documents) or a float (a fraction of them), as scikit-learn's.
pub(crate) fn fit_options(
    min_df: &Bound<'_, PyAny>,
    max_df: &Bound<'_, PyAny>,
    max_features: Option<usize>,
    binary: bool,
) -> Result<FitOptions, Error> {
    Ok(FitOptions {
        min_df: document_bound("min_df", min_df)?,
        max_df: document_bound("max_df", max_df)?,
        max_features,
        binary,
    })
}

fn document_bound(name: &'static str, value: &Bound<'_, PyAny>) -> Result<DocumentBound, Error> {
    if let Ok(count) = value.extract::<u64>() {
        return Ok(DocumentBound::Count(count));
    }
    value
        .extract::<f64>()
        .map(DocumentBound::Fraction)
        .map_err(|_| Error::Parameter {
            name,
            message: format!("expected an int or a float, got {value}"),
        })
}
