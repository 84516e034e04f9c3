//! `TokenizerCore`, the Rust half of `textsim.Tokenizer`, and `sentences`.

use std::borrow::Cow;

use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};
use rayon::prelude::*;

use crate::error::Error;
use crate::python::detach::detached;
use crate::python::documents::Documents;
use crate::python::options::{
    self, choice, optional_choice, ACCENT_STRIPPING, DECODE_ERRORS, NORMALIZATION_FORMS,
    SEGMENTATIONS, STEMMERS,
};
use crate::python::strings::{DocumentTokens, PreparedTokens};
use crate::runtime::cancel::checkpoint;
use crate::text::decode::{decode_document, DecodeErrors, RawText};
use crate::text::fused::FusedScratch;
use crate::text::preprocess::Preprocessor;
use crate::text::tokenize::{Tokenizer, TokenizerOptions};

/// The Rust half of `textsim.Tokenizer`; the Python class checks and documents the options.
#[pyclass(name = "TokenizerCore", module = "textsim._core", frozen)]
pub(crate) struct PyTokenizer {
    pub(crate) tokenizer: Tokenizer,
    pub(crate) decode_errors: DecodeErrors,
    pub(crate) n_jobs: Option<usize>,
}

#[pymethods]
impl PyTokenizer {
    #[new]
    #[pyo3(signature = (*, lowercase, token_pattern, segmentation, unicode_normalization, bengali_folding, fold_digits, strip_accents, stop_words, decode_error, n_jobs, clean_scraped=false, stemmer=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        lowercase: bool,
        token_pattern: String,
        segmentation: &str,
        unicode_normalization: Option<&str>,
        bengali_folding: bool,
        fold_digits: bool,
        strip_accents: Option<&str>,
        stop_words: Option<&Bound<'_, PyAny>>,
        decode_error: &str,
        n_jobs: Option<usize>,
        clean_scraped: bool,
        stemmer: Option<&str>,
    ) -> PyResult<Self> {
        let options = TokenizerOptions {
            preprocessor: Preprocessor {
                normalization: optional_choice(
                    "unicode_normalization",
                    unicode_normalization,
                    NORMALIZATION_FORMS,
                )?,
                bengali_folding,
                fold_digits,
                lowercase,
                strip_accents: optional_choice("strip_accents", strip_accents, ACCENT_STRIPPING)?,
                clean_scraped,
            },
            segmentation: choice("tokenizer", segmentation, SEGMENTATIONS)?,
            token_pattern,
            stop_words: options::stop_words(stop_words)?,
            stemmer: optional_choice("stemmer", stemmer, STEMMERS)?,
        };
        Ok(PyTokenizer {
            tokenizer: Tokenizer::new(options)?,
            decode_errors: choice("decode_error", decode_error, DECODE_ERRORS)?,
            n_jobs,
        })
    }

    /// The preprocessed text of one document.
    fn normalize<'py>(
        &self,
        py: Python<'py>,
        doc: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyString>> {
        let docs = Documents::one(doc);
        let raws = docs.texts(None)?;
        let text = detached(py, Some(1), || self.preprocessed(raws[0], None))?;
        Ok(PyString::new(py, &text))
    }

    /// The preprocessed text of every document (for the Python-callable tokenizer).
    fn normalize_many<'py>(
        &self,
        py: Python<'py>,
        docs: &Bound<'py, PyAny>,
    ) -> PyResult<Vec<String>> {
        let docs = Documents::collect(docs)?;
        let raws = docs.texts(Some(0))?;
        detached(py, self.n_jobs, || {
            raws.par_iter()
                .enumerate()
                .map(|(i, &raw)| {
                    checkpoint()?;
                    self.preprocessed(raw, Some(i))
                })
                .collect()
        })
    }

    /// The tokens of one document.
    fn tokenize<'py>(
        &self,
        py: Python<'py>,
        doc: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let docs = Documents::one(doc);
        let raws = docs.texts(None)?;
        let prepared = detached(py, Some(1), || {
            Ok(PreparedTokens::intern(vec![self.prepare(raws[0], None)?]))
        })?;
        let mut lists = prepared.into_lists(py)?;
        Ok(lists.pop().unwrap_or_else(|| PyList::empty(py)))
    }

    /// The tokens of every document, in parallel.
    fn tokenize_many<'py>(
        &self,
        py: Python<'py>,
        docs: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let docs = Documents::collect(docs)?;
        let raws = docs.texts(Some(0))?;
        let prepared = detached(py, self.n_jobs, || {
            let documents = raws
                .par_iter()
                .enumerate()
                .map(|(i, &raw)| {
                    checkpoint()?;
                    self.prepare(raw, Some(i))
                })
                .collect::<Result<Vec<_>, Error>>()?;
            Ok(PreparedTokens::intern(documents))
        })?;
        PyList::new(py, prepared.into_lists(py)?)
    }

    /// Tokens per document, counted in parallel without making any Python object per token.
    fn count_tokens<'py>(
        &self,
        py: Python<'py>,
        docs: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let docs = Documents::collect(docs)?;
        let raws = docs.texts(Some(0))?;
        let counts: Vec<i64> = detached(py, self.n_jobs, || {
            raws.par_iter()
                .enumerate()
                .map_init(
                    || (Vec::new(), FusedScratch::default()),
                    |(spans, scratch), (i, &raw)| {
                        checkpoint()?;
                        self.tokenizer
                            .prepare(raw, self.decode_errors, Some(i), spans, scratch)?;
                        Ok(spans.len() as i64)
                    },
                )
                .collect()
        })?;
        Ok(PyArray1::from_vec(py, counts))
    }

    /// The stop words, spelled as tokens are.
    fn stop_words(&self) -> Vec<String> {
        self.tokenizer
            .stop_words()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    fn is_stop_word(&self, token: &str) -> bool {
        self.tokenizer.is_stop_word(token)
    }
}

impl PyTokenizer {
    /// One document's text as UTF-8; `index` names it in errors.
    fn decoded<'a>(&self, raw: RawText<'a>, index: Option<usize>) -> Result<Cow<'a, str>, Error> {
        decode_document(raw, self.decode_errors, index)
    }

    /// One document's preprocessed text.
    fn preprocessed(&self, raw: RawText<'_>, index: Option<usize>) -> Result<String, Error> {
        let text = self.decoded(raw, index)?;
        Ok(self.tokenizer.preprocess(&text).into_owned())
    }

    /// Decodes, preprocesses and tokenizes one document (runs on the pool, without the lock).
    fn prepare<'a>(
        &self,
        raw: RawText<'a>,
        index: Option<usize>,
    ) -> Result<DocumentTokens<'a>, Error> {
        let mut spans = Vec::new();
        let text = self.tokenizer.prepare(
            raw,
            self.decode_errors,
            index,
            &mut spans,
            &mut FusedScratch::default(),
        )?;
        Ok(DocumentTokens::new(text, &spans))
    }
}

/// UAX#29 sentences of `text`, stripped, with `।` and `৷` ending Bengali sentences.
#[pyfunction]
pub(crate) fn sentences(text: &str) -> Vec<&str> {
    crate::text::sentences::sentences(text)
}
