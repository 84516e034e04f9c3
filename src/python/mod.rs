//! The Python binding: every pyo3 type and call is in this file.
//!
//! Documents cross as borrowed views of the Python objects' own buffers (CPython stores Bengali
//! text two bytes per character; asking it for UTF-8 would convert every document serially
//! while the interpreter lock is held). The lock is released once, all the text work runs in
//! parallel on the views, and the results come back as a few buffers from which Python objects
//! are made quickly.
//!
//! May use: `error`, `runtime`, `text`, `features`, `matrix`, `arrow` (it is the top).

mod arrow;

use std::borrow::Cow;
use std::panic::{catch_unwind, AssertUnwindSafe};

use numpy::{PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::string::PyStringData;
use pyo3::types::{PyBytes, PyDict, PyFloat, PyList, PyString, PyTuple};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::error::{DocumentProblem, Error};
use crate::features::analyzer::{Analyzer, AnalyzerKind};
use crate::features::counts::Counts;
use crate::features::fit::Fitter;
use crate::features::hashing::{self, hash_features};
use crate::features::source::{Cancellable, FeatureSource, GivenFeatures, RawDocuments};
use crate::features::stats::{CorpusStats, StatsParts};
use crate::features::transform::transform as count_with_vocabulary;
use crate::features::vocabulary::{DocumentBound, FitOptions, Vocabulary};
use crate::matrix::columns::NormalizedColumns;
use crate::matrix::components::connected_components as components_of;
use crate::matrix::csr::CsrView;
use crate::matrix::numeric::{Index, Real};
use crate::matrix::similarity::{self, Threshold};
use crate::matrix::triangle::{most_similar_within, similar_pairs_within};
use crate::matrix::weight::{self, Norm, Weighting};
use crate::runtime::cancel::checkpoint;
use crate::runtime::pools;
use crate::text::accents::StripAccents;
use crate::text::decode::{decode, DecodeErrors, RawText};
use crate::text::normalize::NormalizationForm;
use crate::text::preprocess::Preprocessor;
use crate::text::tokenize::{Segmentation, StopWords, Tokenizer, TokenizerOptions};

// ---------------------------------------------------------------------------------------------
// Errors and the one place the interpreter lock is released.

/// An exception class defined in `textsim/_exceptions.py`, with `message`.
fn textsim_error(py: Python<'_>, class: &str, message: String) -> PyErr {
    match py
        .import("textsim._exceptions")
        .and_then(|module| module.getattr(class))
    {
        Ok(class) => PyErr::from_type(
            class.cast_into().expect("exception classes are types"),
            message,
        ),
        Err(error) => error,
    }
}

fn to_py_err(py: Python<'_>, error: Error) -> PyErr {
    if let Error::Document {
        problem: DocumentProblem::InvalidUtf8 { bytes, .. },
        ..
    } = &error
    {
        // Also a UnicodeDecodeError, as scikit-learn raises.
        let args = (
            error.to_string(),
            "utf-8",
            PyBytes::new(py, bytes),
            0usize,
            bytes.len(),
            "invalid UTF-8",
        );
        return match py
            .import("textsim._exceptions")
            .and_then(|module| module.getattr("DocumentDecodeError"))
            .and_then(|class| class.call1(args))
        {
            Ok(exception) => PyErr::from_value(exception),
            Err(error) => error,
        };
    }
    let class = match &error {
        Error::Document { .. } => "DocumentError",
        Error::TokenPattern { .. } | Error::TooManyCaptureGroups { .. } => "TokenPatternError",
        Error::Parameter { .. } => "ParameterError",
        Error::EmptyVocabulary | Error::NothingLeftAfterPruning => "VocabularyError",
        // Only reached if work stopped without a signal handler raising (it never should).
        Error::Cancelled => return pyo3::exceptions::PyKeyboardInterrupt::new_err("interrupted"),
        Error::OutOfMemory { .. } => {
            return pyo3::exceptions::PyMemoryError::new_err(error.to_string())
        }
    };
    textsim_error(py, class, error.to_string())
}

/// Why a document was refused before any text work: its Python type.
enum Refusal {
    NotANumber,
    WrongType(String),
}

fn refusal_error(py: Python<'_>, index: Option<usize>, refusal: Refusal) -> PyErr {
    let which = index.map_or(String::new(), |i| format!(" (document {i})"));
    match refusal {
        Refusal::NotANumber => textsim_error(
            py,
            "DocumentError",
            format!("np.nan is an invalid document, expected byte or unicode string.{which}"),
        ),
        Refusal::WrongType(name) => textsim_error(
            py,
            "DocumentTypeError",
            format!("expected a str or bytes document, got {name}{which}"),
        ),
    }
}

/// Whether this thread is Python's main thread, the one signal handlers run on (only its
/// calls can be interrupted; elsewhere `check_signals` never reports anything).
fn on_main_thread(py: Python<'_>) -> bool {
    static MAIN_THREAD: pyo3::sync::PyOnceLock<Option<u64>> = pyo3::sync::PyOnceLock::new();
    let main = MAIN_THREAD.get_or_init(py, || {
        py.import("threading")
            .and_then(|threading| threading.call_method0("main_thread"))
            .and_then(|thread| thread.getattr("ident"))
            .and_then(|ident| ident.extract::<u64>())
            .ok()
    });
    // SAFETY: PyThread_get_thread_ident only reads the calling thread's identity.
    let current = unsafe { pyo3::ffi::PyThread_get_thread_ident() } as u64;
    *main == Some(current)
}

/// Runs `work` with the interpreter lock released, on a pool of `n_jobs` threads. A panic in the
/// core becomes a Python exception, never an abort. On the main thread the caller wakes every
/// 50 ms to run Python's signal handlers: a Ctrl-C stops the work at its next checkpoint and is
/// raised as KeyboardInterrupt, and nothing the work had made is kept.
fn detached<T: Send>(
    py: Python<'_>,
    n_jobs: Option<usize>,
    work: impl FnOnce() -> Result<T, Error> + Send,
) -> PyResult<T> {
    detached_reporting(py, n_jobs, None, work)
}

/// [`detached`], calling `progress(done)` at each wake-up on the main thread with the work
/// the core has reported done (`cancel::advance`), so that a progress bar moves while the
/// work runs without the work itself being cut up. An exception from `progress` stops the
/// work and is raised.
fn detached_reporting<T: Send>(
    py: Python<'_>,
    n_jobs: Option<usize>,
    progress: Option<Py<PyAny>>,
    work: impl FnOnce() -> Result<T, Error> + Send,
) -> PyResult<T> {
    let interruptible = on_main_thread(py);
    let mut interrupt: Option<PyErr> = None;
    let outcome = py.detach(|| {
        catch_unwind(AssertUnwindSafe(|| {
            if !interruptible {
                return Some(pools::run(n_jobs, work));
            }
            pools::run_interruptible(n_jobs, work, |done| {
                let checked = Python::attach(|py| {
                    if let Some(progress) = &progress {
                        progress.call1(py, (done,))?;
                    }
                    py.check_signals()
                });
                match checked {
                    Ok(()) => false,
                    Err(error) => {
                        interrupt = Some(error);
                        true
                    }
                }
            })
        }))
    });
    if let Some(error) = interrupt {
        return Err(error);
    }
    py.check_signals()?;
    let outcome = match outcome {
        Ok(Some(result)) => Ok(result),
        Ok(None) => Ok(Err(Error::Cancelled)),
        Err(panic) => Err(panic),
    };
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(to_py_err(py, error)),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(textsim_error(
                py,
                "TextsimError",
                format!("internal error in textsim's core (please report it): {what}"),
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reading documents.

/// Documents held by strong references while their buffers are read without the lock: Python
/// objects, or an Arrow string column imported without a copy (through the Arrow PyCapsule
/// interface: pyarrow, pandas with Arrow strings, polars).
struct Documents<'py> {
    py: Python<'py>,
    owners: Vec<Bound<'py, PyAny>>,
    arrow: Option<crate::arrow::column::ImportedStrings>,
}

impl<'py> Documents<'py> {
    fn collect(docs: &Bound<'py, PyAny>) -> PyResult<Self> {
        let py = docs.py();
        if !docs.is_instance_of::<PyList>() {
            if let Some(imported) = arrow::arrow_strings(docs)? {
                return Ok(Documents {
                    py,
                    owners: Vec::new(),
                    arrow: Some(imported),
                });
            }
        }
        let owners = match docs.cast::<PyList>() {
            Ok(list) => list.iter().collect(),
            Err(_) => docs.try_iter()?.collect::<PyResult<Vec<_>>>()?,
        };
        Ok(Documents {
            py,
            owners,
            arrow: None,
        })
    }

    fn one(doc: &Bound<'py, PyAny>) -> Self {
        Documents {
            py: doc.py(),
            owners: vec![doc.clone()],
            arrow: None,
        }
    }

    /// Views of every document's text; `index_errors` names documents by position.
    fn texts(&self, index_errors: bool) -> PyResult<Vec<RawText<'_>>> {
        if let Some(imported) = &self.arrow {
            return imported
                .texts()
                .map_err(|error| arrow::arrow_error(self.py, &error));
        }
        self.owners
            .iter()
            .enumerate()
            .map(|(i, doc)| {
                raw_text(doc)
                    .map_err(|refusal| refusal_error(doc.py(), index_errors.then_some(i), refusal))
            })
            .collect()
    }
}

fn raw_text<'a>(doc: &'a Bound<'_, PyAny>) -> Result<RawText<'a>, Refusal> {
    if let Ok(text) = doc.cast::<PyString>() {
        // SAFETY: the view borrows `doc`, which the caller keeps alive (a strong reference in
        // `Documents`) until the view is dropped; Python strings are immutable. CPython on
        // little-endian x86_64 and aarch64 is what this is built and tested for.
        return match unsafe { text.data() } {
            Ok(PyStringData::Ucs1(bytes)) => Ok(RawText::Latin1(bytes)),
            Ok(PyStringData::Ucs2(units)) => Ok(RawText::Ucs2(units)),
            Ok(PyStringData::Ucs4(points)) => Ok(RawText::Ucs4(points)),
            Err(_) => Err(Refusal::WrongType("an unreadable str".into())),
        };
    }
    if let Ok(bytes) = doc.cast::<PyBytes>() {
        return Ok(RawText::Utf8Bytes(bytes.as_bytes()));
    }
    if let Ok(number) = doc.cast::<PyFloat>() {
        if number.value().is_nan() {
            return Err(Refusal::NotANumber);
        }
    }
    let name = doc
        .get_type()
        .name()
        .map_or_else(|_| "an object".to_owned(), |n| n.to_string());
    Err(Refusal::WrongType(name))
}

// ---------------------------------------------------------------------------------------------
// Making Python strings fast.

/// Tokens ready to become Python strings: each distinct token of the whole batch once, stored
/// as CPython will store it (1, 2 or 4 bytes per character), and each document's tokens as
/// indices into them. A batch of Bengali blog posts has about twelve tokens for each distinct
/// one, so interning across the batch makes a twelfth of the Python strings that splitting
/// does; equal tokens are the same (immutable) object.
#[derive(Default)]
struct PreparedTokens {
    storage: Vec<u8>,
    /// (byte offset in `storage`, length in characters, largest character)
    distinct: Vec<(usize, usize, u32)>,
    documents: Vec<Vec<u32>>,
}

/// One document's tokens after the parallel step: the text they are cut from, the spans of its
/// distinct tokens, and its tokens as indices into those.
struct DocumentTokens<'a> {
    text: Cow<'a, str>,
    distinct: Vec<(usize, usize)>,
    order: Vec<u32>,
}

impl<'a> DocumentTokens<'a> {
    fn new(text: Cow<'a, str>, spans: &[(usize, usize)]) -> Self {
        let mut seen: FxHashMap<&str, u32> = FxHashMap::default();
        let mut distinct = Vec::new();
        let order = spans
            .iter()
            .map(|&(start, end)| {
                let next = seen.len() as u32;
                *seen.entry(&text[start..end]).or_insert_with(|| {
                    distinct.push((start, end));
                    next
                })
            })
            .collect();
        DocumentTokens {
            text,
            distinct,
            order,
        }
    }
}

impl PreparedTokens {
    /// Interns the documents' tokens (sequential: one hash look-up per distinct token of each
    /// document, a small part of the work).
    fn intern(documents: Vec<DocumentTokens<'_>>) -> Self {
        let mut prepared = PreparedTokens::default();
        let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
        for doc in &documents {
            let global: Vec<u32> = doc
                .distinct
                .iter()
                .map(|&(start, end)| {
                    let token = &doc.text[start..end];
                    let next = ids.len() as u32;
                    *ids.entry(token).or_insert_with(|| {
                        prepared.push_distinct(token);
                        next
                    })
                })
                .collect();
            prepared.documents.push(
                doc.order
                    .iter()
                    .map(|&local| global[local as usize])
                    .collect(),
            );
        }
        prepared
    }

    fn push_distinct(&mut self, token: &str) {
        let (count, max) = token
            .chars()
            .fold((0usize, 0u32), |(n, max), c| (n + 1, max.max(c as u32)));
        let offset = self.storage.len();
        match max {
            0..=0x7F => self.storage.extend_from_slice(token.as_bytes()),
            0x80..=0xFF => self.storage.extend(token.chars().map(|c| c as u8)),
            0x100..=0xFFFF => {
                for c in token.chars() {
                    self.storage.extend_from_slice(&(c as u16).to_ne_bytes());
                }
            }
            _ => {
                for c in token.chars() {
                    self.storage.extend_from_slice(&(c as u32).to_ne_bytes());
                }
            }
        }
        self.distinct.push((offset, count, max));
    }

    /// The Python strings, then one list per document.
    fn into_lists<'py>(self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyList>>> {
        let mut strings = Vec::with_capacity(self.distinct.len());
        for &(offset, count, max) in &self.distinct {
            let width = match max {
                0..=0xFF => 1,
                0x100..=0xFFFF => 2,
                _ => 4,
            };
            let bytes = &self.storage[offset..offset + count * width];
            strings.push(new_string(py, count, max, bytes)?);
        }
        self.documents
            .iter()
            .map(|order| PyList::new(py, order.iter().map(|&i| &strings[i as usize])))
            .collect()
    }
}

/// A new `str` of `count` characters whose largest is `max`, from its storage in CPython's form.
fn new_string<'py>(
    py: Python<'py>,
    count: usize,
    max: u32,
    bytes: &[u8],
) -> PyResult<Bound<'py, PyAny>> {
    // SAFETY: PyUnicode_New makes a string of `count` characters whose storage width follows
    // from `max` (1 byte up to U+00FF, 2 up to U+FFFF, else 4); `bytes` holds exactly the
    // characters at that width, and `max` is the true largest character, as CPython requires
    // of canonical strings. A null result is an exception, which from_owned_ptr_or_err raises.
    unsafe {
        let object = pyo3::ffi::PyUnicode_New(count as pyo3::ffi::Py_ssize_t, max);
        if !object.is_null() {
            let data = pyo3::ffi::PyUnicode_DATA(object) as *mut u8;
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), data, bytes.len());
        }
        Bound::from_owned_ptr_or_err(py, object)
    }
}

// ---------------------------------------------------------------------------------------------
// The tokenizer.

/// `value` read by `parse`, or an error naming the option and what it takes.
fn parse_option<V: ParsedOption, T>(
    name: &'static str,
    value: V,
    parse: impl Fn(&str) -> Option<T>,
    expected: &str,
) -> Result<V::Output<T>, Error> {
    value.parse_with(|v| {
        parse(v).ok_or_else(|| Error::Parameter {
            name,
            message: format!("expected {expected}, got {v:?}"),
        })
    })
}

/// A required (`&str`) or optional (`Option<&str>`) option value.
trait ParsedOption {
    type Output<T>;
    fn parse_with<T>(
        self,
        parse: impl Fn(&str) -> Result<T, Error>,
    ) -> Result<Self::Output<T>, Error>;
}

impl ParsedOption for &str {
    type Output<T> = T;
    fn parse_with<T>(self, parse: impl Fn(&str) -> Result<T, Error>) -> Result<T, Error> {
        parse(self)
    }
}

impl ParsedOption for Option<&str> {
    type Output<T> = Option<T>;
    fn parse_with<T>(self, parse: impl Fn(&str) -> Result<T, Error>) -> Result<Option<T>, Error> {
        self.map(parse).transpose()
    }
}

/// The Rust half of `textsim.Tokenizer`; the Python class validates and documents the options.
#[pyclass(name = "TokenizerCore", module = "textsim._core", frozen)]
struct PyTokenizer {
    tokenizer: Tokenizer,
    decode_errors: DecodeErrors,
    n_jobs: Option<usize>,
}

#[pymethods]
impl PyTokenizer {
    #[new]
    #[pyo3(signature = (*, lowercase, token_pattern, segmentation, unicode_normalization, bengali_folding, fold_digits, strip_accents, stop_words, decode_error, n_jobs))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
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
    ) -> PyResult<Self> {
        let stop_words = match stop_words {
            None => None,
            Some(value) => match value.extract::<String>() {
                Ok(name) => Some(match name.as_str() {
                    "english" => StopWords::English,
                    "bengali" => StopWords::Bengali,
                    _ => {
                        return Err(to_py_err(py, Error::Parameter {
                            name: "stop_words",
                            message: format!(
                                "expected 'english', 'bengali', a list of words or None, got {name:?}"
                            ),
                        }))
                    }
                }),
                Err(_) => Some(StopWords::List(value.extract::<Vec<String>>()?)),
            },
        };
        let build = || -> Result<(Tokenizer, DecodeErrors), Error> {
            let segmentation = parse_option(
                "tokenizer",
                segmentation,
                |v| match v {
                    "pattern" => Some(Segmentation::Pattern),
                    "unicode" => Some(Segmentation::Unicode),
                    _ => None,
                },
                "'pattern', 'unicode' or a callable",
            )?;
            let normalization = parse_option(
                "unicode_normalization",
                unicode_normalization,
                |v| match v {
                    "NFC" => Some(NormalizationForm::Nfc),
                    "NFKC" => Some(NormalizationForm::Nfkc),
                    _ => None,
                },
                "'NFC', 'NFKC' or None",
            )?;
            let strip_accents = parse_option(
                "strip_accents",
                strip_accents,
                |v| match v {
                    "unicode" => Some(StripAccents::Unicode),
                    "ascii" => Some(StripAccents::Ascii),
                    _ => None,
                },
                "'ascii', 'unicode' or None",
            )?;
            let decode_errors = parse_option(
                "decode_error",
                decode_error,
                |v| match v {
                    "strict" => Some(DecodeErrors::Strict),
                    "ignore" => Some(DecodeErrors::Ignore),
                    "replace" => Some(DecodeErrors::Replace),
                    _ => None,
                },
                "'strict', 'ignore' or 'replace'",
            )?;
            let options = TokenizerOptions {
                preprocessor: Preprocessor {
                    normalization,
                    bengali_folding,
                    fold_digits,
                    lowercase,
                    strip_accents,
                },
                segmentation,
                token_pattern,
                stop_words,
            };
            Ok((Tokenizer::new(options)?, decode_errors))
        };
        let (tokenizer, decode_errors) = build().map_err(|e| to_py_err(py, e))?;
        Ok(PyTokenizer {
            tokenizer,
            decode_errors,
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
        let raws = docs.texts(false)?;
        let (tokenizer, errors) = (&self.tokenizer, self.decode_errors);
        let text = detached(py, Some(1), || {
            let text = decode(raws[0], errors).map_err(document_error(None))?;
            Ok(tokenizer.preprocess(&text).into_owned())
        })?;
        Ok(PyString::new(py, &text))
    }

    /// The preprocessed text of every document (for the Python-callable tokenizer).
    fn normalize_many<'py>(
        &self,
        py: Python<'py>,
        docs: &Bound<'py, PyAny>,
    ) -> PyResult<Vec<String>> {
        let docs = Documents::collect(docs)?;
        let raws = docs.texts(true)?;
        let (tokenizer, errors) = (&self.tokenizer, self.decode_errors);
        detached(py, self.n_jobs, || {
            raws.par_iter()
                .enumerate()
                .map(|(i, &raw)| {
                    checkpoint()?;
                    let text = decode(raw, errors).map_err(document_error(Some(i)))?;
                    Ok(tokenizer.preprocess(&text).into_owned())
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
        let raws = docs.texts(false)?;
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
        let raws = docs.texts(true)?;
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
        let raws = docs.texts(true)?;
        let (tokenizer, errors) = (&self.tokenizer, self.decode_errors);
        let counts: Vec<i64> = detached(py, self.n_jobs, || {
            raws.par_iter()
                .enumerate()
                .map(|(i, &raw)| {
                    checkpoint()?;
                    let text = decode(raw, errors).map_err(document_error(Some(i)))?;
                    Ok(tokenizer.count(&text) as i64)
                })
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

fn document_error(index: Option<usize>) -> impl Fn(DocumentProblem) -> Error {
    move |problem| Error::Document { index, problem }
}

impl PyTokenizer {
    /// Decodes, preprocesses and tokenizes one document (runs on the pool, without the lock).
    fn prepare<'a>(
        &self,
        raw: RawText<'a>,
        index: Option<usize>,
    ) -> Result<DocumentTokens<'a>, Error> {
        let text = decode(raw, self.decode_errors).map_err(document_error(index))?;
        let text = match text {
            Cow::Borrowed(text) => self.tokenizer.preprocess(text),
            Cow::Owned(text) => {
                let changed = match self.tokenizer.preprocess(&text) {
                    Cow::Owned(changed) => Some(changed),
                    Cow::Borrowed(_) => None,
                };
                Cow::Owned(changed.unwrap_or(text))
            }
        };
        let mut spans = Vec::new();
        self.tokenizer.spans(&text, &mut spans);
        Ok(DocumentTokens::new(text, &spans))
    }
}

// ---------------------------------------------------------------------------------------------
// The vectorizers' core: analyzing, counting, weighting, hashing.

/// Matrix values' type, by numpy's name for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ValueType {
    I32,
    I64,
    F32,
    F64,
}

fn value_type(name: &str) -> Result<ValueType, Error> {
    match name {
        "int32" => Ok(ValueType::I32),
        "int64" => Ok(ValueType::I64),
        "float32" => Ok(ValueType::F32),
        "float64" => Ok(ValueType::F64),
        other => Err(Error::Parameter {
            name: "dtype",
            message: format!("expected int32, int64, float32 or float64, got {other}"),
        }),
    }
}

/// A CSR matrix for scipy: `(data, indices, indptr, shape)`, numpy arrays that take over the
/// buffers made here (no copy). Indices are int32 unless the matrix needs int64.
fn csr_for_python<'py>(
    py: Python<'py>,
    indptr: Vec<usize>,
    columns: Vec<u32>,
    data: Bound<'py, PyAny>,
    n_columns: usize,
) -> PyResult<Bound<'py, PyTuple>> {
    let n_rows = indptr.len() - 1;
    let small = columns.len() <= i32::MAX as usize && n_columns <= i32::MAX as usize;
    let (indices, indptr): (Bound<'py, PyAny>, Bound<'py, PyAny>) = if small {
        (
            PyArray1::from_vec(py, columns.into_iter().map(|c| c as i32).collect()).into_any(),
            PyArray1::from_vec(py, indptr.into_iter().map(|p| p as i32).collect()).into_any(),
        )
    } else {
        (
            PyArray1::from_vec(py, columns.into_iter().map(|c| c as i64).collect()).into_any(),
            PyArray1::from_vec(py, indptr.into_iter().map(|p| p as i64).collect()).into_any(),
        )
    };
    PyTuple::new(
        py,
        [
            data,
            indices,
            indptr,
            (n_rows, n_columns).into_pyobject(py)?.into_any(),
        ],
    )
}

/// `weight::apply` on the thread pool for `n_jobs`, without the lock.
fn weigh<T: Real, P: Index, I: Index>(
    py: Python<'_>,
    n_jobs: Option<usize>,
    indptr: &[P],
    indices: &[I],
    data: &mut [T],
    weighting: Weighting<'_>,
) -> PyResult<()> {
    detached(py, n_jobs, || {
        weight::weigh(indptr, indices, data, weighting)
            .map_err(|message| Error::Parameter { name: "X", message })
    })
}

/// Counts as values of `value_type`, weighted by `weighting` when they are floating point.
fn weighted_values<'py>(
    py: Python<'py>,
    n_jobs: Option<usize>,
    counts: &Counts,
    value_type: ValueType,
    weighting: Weighting<'_>,
) -> PyResult<Bound<'py, PyAny>> {
    let binary = weighting.binary;
    let as_int = |n: u32| if binary { 1 } else { n };
    Ok(match value_type {
        ValueType::I32 => PyArray1::from_vec(
            py,
            counts.counts.iter().map(|&n| as_int(n) as i32).collect(),
        )
        .into_any(),
        ValueType::I64 => PyArray1::from_vec(
            py,
            counts.counts.iter().map(|&n| as_int(n) as i64).collect(),
        )
        .into_any(),
        ValueType::F32 => {
            let mut data: Vec<f32> = counts.counts.iter().map(|&n| n as f32).collect();
            weigh(
                py,
                n_jobs,
                &counts.indptr,
                &counts.columns,
                &mut data,
                weighting,
            )?;
            PyArray1::from_vec(py, data).into_any()
        }
        ValueType::F64 => {
            let mut data: Vec<f64> = counts.counts.iter().map(|&n| n as f64).collect();
            weigh(
                py,
                n_jobs,
                &counts.indptr,
                &counts.columns,
                &mut data,
                weighting,
            )?;
            PyArray1::from_vec(py, data).into_any()
        }
    })
}

fn norm_of(name: Option<&str>) -> Result<Option<Norm>, Error> {
    match name {
        None => Ok(None),
        Some("l1") => Ok(Some(Norm::L1)),
        Some("l2") => Ok(Some(Norm::L2)),
        Some(other) => Err(Error::Parameter {
            name: "norm",
            message: format!("expected 'l1', 'l2' or None, got {other:?}"),
        }),
    }
}

/// The pruning parameters as the core takes them.
fn fit_options(
    min_df: &Bound<'_, PyAny>,
    max_df: &Bound<'_, PyAny>,
    max_features: Option<usize>,
    binary: bool,
) -> PyResult<FitOptions> {
    Ok(FitOptions {
        min_df: document_bound("min_df", min_df)?,
        max_df: document_bound("max_df", max_df)?,
        max_features,
        binary,
    })
}

fn document_bound(name: &'static str, value: &Bound<'_, PyAny>) -> PyResult<DocumentBound> {
    if let Ok(count) = value.extract::<u64>() {
        return Ok(DocumentBound::Count(count));
    }
    match value.extract::<f64>() {
        Ok(fraction) => Ok(DocumentBound::Fraction(fraction)),
        Err(_) => Err(to_py_err(
            value.py(),
            Error::Parameter {
                name,
                message: format!("expected an int or a float, got {value}"),
            },
        )),
    }
}

/// What `fit` returns to Python: `(vocabulary, document frequencies, idf or None, matrix)`;
/// with `tfidf` settings the matrix is weighted, otherwise it holds counts.
fn fitted_for_python<'py>(
    py: Python<'py>,
    n_jobs: Option<usize>,
    vocabulary: Vocabulary,
    counts: Counts,
    binary: bool,
    value_type: ValueType,
    tfidf: Option<(bool, bool, bool, Option<String>)>,
) -> PyResult<Bound<'py, PyTuple>> {
    // Counted here, on the calling thread, after the fit's chunks are freed: done on a pool
    // thread or from the merge's own numbers, the fit's measured peak grew by about 1 MB.
    let df = counts.document_frequency();
    let mut weighting = Weighting {
        binary,
        ..Weighting::default()
    };
    let mut idf = None;
    if let Some((use_idf, smooth_idf, sublinear_tf, norm)) = tfidf {
        weighting.sublinear_tf = sublinear_tf;
        weighting.norm = norm_of(norm.as_deref()).map_err(|e| to_py_err(py, e))?;
        if use_idf {
            // scikit-learn computes idf from the matrix after `binary` (which does not change
            // document frequencies).
            idf = Some(weight::inverse_document_frequency(
                &df,
                counts.n_rows(),
                smooth_idf,
            ));
        }
    }
    weighting.idf = idf.as_deref();
    let data = weighted_values(py, n_jobs, &counts, value_type, weighting)?;
    let n_columns = counts.n_columns;
    let Counts {
        indptr, columns, ..
    } = counts;
    let matrix = csr_for_python(py, indptr, columns, data, n_columns)?;
    let vocabulary = Bound::new(py, PyVocabulary { vocabulary })?;
    let df = PyArray1::from_vec(py, df.into_iter().map(|d| d as i64).collect::<Vec<i64>>());
    let idf = idf.map(|idf| PyArray1::from_vec(py, idf));
    PyTuple::new(
        py,
        [
            vocabulary.into_any(),
            df.into_any(),
            idf.into_pyobject(py)?.into_any(),
            matrix.into_any(),
        ],
    )
}

/// A fit over documents that arrive in batches (from a generator): each batch is counted as it
/// comes, so its Python strings can be freed before the next.
#[pyclass(name = "FitterCore", module = "textsim._core", frozen)]
struct PyFitter {
    analyzer: Py<PyAnalyzer>,
    fitter: std::sync::Mutex<Option<Fitter>>,
}

#[pymethods]
impl PyFitter {
    #[new]
    fn new(analyzer: Py<PyAnalyzer>) -> Self {
        PyFitter {
            analyzer,
            fitter: std::sync::Mutex::new(Some(Fitter::default())),
        }
    }

    /// Counts one batch of documents.
    #[pyo3(signature = (docs, *, analyzed))]
    fn add(&self, py: Python<'_>, docs: &Bound<'_, PyAny>, analyzed: bool) -> PyResult<()> {
        // Waiting for another thread's batch could deadlock: it released the interpreter lock
        // and needs it back to finish.
        let mut guard = match self.fitter.try_lock() {
            Ok(guard) => guard,
            Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => {
                return Err(textsim_error(
                    py,
                    "TextsimError",
                    "this fit is counting a batch in another thread".into(),
                ))
            }
        };
        let Some(fitter) = guard.as_mut() else {
            return Err(textsim_error(
                py,
                "TextsimError",
                "this fit is finished".into(),
            ));
        };
        let corpus = Corpus::new(docs, analyzed)?;
        let analyzer = self.analyzer.get();
        analyzer.with_source(py, &corpus, |source| fitter.add(source))
    }

    /// The fit of every batch added, as `AnalyzerCore.fit` returns it.
    #[pyo3(signature = (*, min_df, max_df, max_features, binary, dtype, tfidf))]
    #[allow(clippy::too_many_arguments)]
    fn finish<'py>(
        &self,
        py: Python<'py>,
        min_df: &Bound<'py, PyAny>,
        max_df: &Bound<'py, PyAny>,
        max_features: Option<usize>,
        binary: bool,
        dtype: &str,
        tfidf: Option<(bool, bool, bool, Option<String>)>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let options = fit_options(min_df, max_df, max_features, binary)?;
        let value_type = value_type(dtype).map_err(|e| to_py_err(py, e))?;
        let fitter = self
            .fitter
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| textsim_error(py, "TextsimError", "this fit is finished".into()))?;
        let n_jobs = self.analyzer.get().n_jobs;
        let (vocabulary, counts) = detached(py, n_jobs, || fitter.finish(options))?;
        fitted_for_python(py, n_jobs, vocabulary, counts, binary, value_type, tfidf)
    }
}

/// Mergeable corpus statistics (`stats::CorpusStats`): the state of `textsim.CorpusStats`.
#[pyclass(name = "StatsCore", module = "textsim._core", frozen)]
struct PyStats {
    stats: std::sync::Mutex<CorpusStats>,
}

impl PyStats {
    /// The statistics, or an error when another thread is using them: waiting could deadlock,
    /// since the holder may have released the interpreter lock and need it back to finish.
    fn lock(&self, py: Python<'_>) -> PyResult<std::sync::MutexGuard<'_, CorpusStats>> {
        match self.stats.try_lock() {
            Ok(guard) => Ok(guard),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => Ok(poisoned.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => Err(textsim_error(
                py,
                "TextsimError",
                "these CorpusStats are being changed by another thread".into(),
            )),
        }
    }
}

#[pymethods]
impl PyStats {
    /// Empty statistics.
    #[new]
    fn new() -> Self {
        PyStats {
            stats: std::sync::Mutex::new(CorpusStats::default()),
        }
    }

    /// Adds one batch of documents, analyzed by `analyzer` (or lists of features).
    #[pyo3(signature = (analyzer, docs, *, analyzed))]
    fn update(
        &self,
        py: Python<'_>,
        analyzer: &PyAnalyzer,
        docs: &Bound<'_, PyAny>,
        analyzed: bool,
    ) -> PyResult<()> {
        let corpus = Corpus::new(docs, analyzed)?;
        let batch = analyzer.with_source(py, &corpus, CorpusStats::of)?;
        let mut stats = self.lock(py)?;
        let stats: &mut CorpusStats = &mut stats;
        detached(py, analyzer.n_jobs, || {
            stats.merge(batch);
            Ok(())
        })
    }

    /// Adds `other`'s statistics to these. `other` is copied first, so that no two locks are
    /// held at once (two threads merging a into b and b into a cannot deadlock).
    fn merge(&self, py: Python<'_>, other: &PyStats) -> PyResult<()> {
        let addition = other.lock(py)?.clone();
        let mut stats = self.lock(py)?;
        let stats: &mut CorpusStats = &mut stats;
        detached(py, Some(1), || {
            stats.merge(addition);
            Ok(())
        })
    }

    fn copy(&self, py: Python<'_>) -> PyResult<Self> {
        Ok(PyStats {
            stats: std::sync::Mutex::new(self.lock(py)?.clone()),
        })
    }

    fn equals(&self, py: Python<'_>, other: &PyStats) -> PyResult<bool> {
        if std::ptr::eq(self, other) {
            return Ok(true);
        }
        Ok(*self.lock(py)? == *other.lock(py)?)
    }

    #[getter]
    fn n_documents(&self, py: Python<'_>) -> PyResult<u64> {
        Ok(self.lock(py)?.n_documents())
    }

    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        Ok(self.lock(py)?.len())
    }

    /// `(text, ends, document_frequency, total_count, n_documents)`, terms in code point order:
    /// the terms' UTF-8 bytes one after the other, term `i` ending at `ends[i]`.
    fn to_parts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let stats = self.lock(py)?;
        let parts = detached(py, None, || Ok(stats.to_parts()))?;
        drop(stats);
        let ends: Vec<i64> = parts.ends.iter().map(|&e| e as i64).collect();
        PyTuple::new(
            py,
            [
                PyBytes::new(py, parts.text.as_bytes()).into_any(),
                PyArray1::from_vec(py, ends).into_any(),
                PyArray1::from_vec(py, parts.document_frequency).into_any(),
                PyArray1::from_vec(py, parts.total_count).into_any(),
                parts.n_documents.into_pyobject(py)?.into_any(),
            ],
        )
    }

    /// Statistics from `to_parts`' form, checked to be consistent.
    #[staticmethod]
    fn from_parts(
        py: Python<'_>,
        text: &[u8],
        ends: PyReadonlyArray1<'_, i64>,
        document_frequency: PyReadonlyArray1<'_, u64>,
        total_count: PyReadonlyArray1<'_, u64>,
        n_documents: u64,
    ) -> PyResult<Self> {
        let invalid = |message: String| {
            to_py_err(
                py,
                Error::Parameter {
                    name: "stats",
                    message,
                },
            )
        };
        let text = std::str::from_utf8(text)
            .map_err(|e| invalid(format!("the terms are not UTF-8: {e}")))?;
        let ends = ends
            .as_slice()?
            .iter()
            .map(|&e| usize::try_from(e).map_err(|_| invalid(format!("negative term end {e}"))))
            .collect::<PyResult<Vec<usize>>>()?;
        let parts = StatsParts {
            text: text.to_owned(),
            ends,
            document_frequency: document_frequency.as_slice()?.to_vec(),
            total_count: total_count.as_slice()?.to_vec(),
            n_documents,
        };
        let stats = detached(py, None, || CorpusStats::from_parts(&parts))?;
        Ok(PyStats {
            stats: std::sync::Mutex::new(stats),
        })
    }

    /// The document frequency of each term of `vocabulary`, in column order (0 for a term
    /// these statistics never saw): what a fixed vocabulary's idf needs.
    fn document_frequencies<'py>(
        &self,
        py: Python<'py>,
        vocabulary: &PyVocabulary,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let stats = self.lock(py)?;
        let df: Vec<i64> = vocabulary
            .vocabulary
            .terms()
            .map(|term| stats.document_frequency_of(term) as i64)
            .collect();
        Ok(PyArray1::from_vec(py, df))
    }

    /// The vocabulary a fit over the whole corpus would choose: `(vocabulary, document
    /// frequency per column, idf or None, n_documents)`; `smooth_idf` None computes no idf.
    #[pyo3(signature = (*, min_df, max_df, max_features, binary, smooth_idf))]
    fn finish<'py>(
        &self,
        py: Python<'py>,
        min_df: &Bound<'py, PyAny>,
        max_df: &Bound<'py, PyAny>,
        max_features: Option<usize>,
        binary: bool,
        smooth_idf: Option<bool>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let options = fit_options(min_df, max_df, max_features, binary)?;
        let stats = self.lock(py)?;
        let fitted = detached(py, None, || stats.vocabulary(options))?;
        drop(stats);
        let idf = smooth_idf.map(|smooth| {
            weight::inverse_document_frequency(
                &fitted.document_frequency,
                fitted.n_documents,
                smooth,
            )
        });
        let df: Vec<i64> = fitted
            .document_frequency
            .iter()
            .map(|&d| d as i64)
            .collect();
        let vocabulary = Bound::new(
            py,
            PyVocabulary {
                vocabulary: fitted.vocabulary,
            },
        )?;
        PyTuple::new(
            py,
            [
                vocabulary.into_any(),
                PyArray1::from_vec(py, df).into_any(),
                idf.map(|idf| PyArray1::from_vec(py, idf))
                    .into_pyobject(py)?
                    .into_any(),
                fitted.n_documents.into_pyobject(py)?.into_any(),
            ],
        )
    }
}

/// A fitted vocabulary: terms and the column of each.
#[pyclass(name = "VocabularyCore", module = "textsim._core", frozen)]
struct PyVocabulary {
    vocabulary: Vocabulary,
}

#[pymethods]
impl PyVocabulary {
    /// The vocabulary whose term `i` is column `i`.
    #[new]
    fn new(py: Python<'_>, terms: Vec<String>) -> PyResult<Self> {
        let vocabulary = Vocabulary::from_terms(terms).map_err(|e| to_py_err(py, e))?;
        Ok(PyVocabulary { vocabulary })
    }

    fn terms(&self) -> Vec<&str> {
        self.vocabulary.terms().collect()
    }

    /// `{term: column}`, scikit-learn's `vocabulary_`.
    fn as_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (column, term) in self.vocabulary.terms().enumerate() {
            dict.set_item(term, column)?;
        }
        Ok(dict)
    }

    fn __len__(&self) -> usize {
        self.vocabulary.len()
    }
}

/// Documents for the analyzer: raw (str/bytes, analyzed in Rust) or already lists of features.
enum Corpus<'py> {
    Raw(Documents<'py>),
    Analyzed(Vec<Vec<String>>),
}

impl<'py> Corpus<'py> {
    fn new(docs: &Bound<'py, PyAny>, analyzed: bool) -> PyResult<Self> {
        if analyzed {
            Ok(Corpus::Analyzed(docs.extract()?))
        } else {
            Ok(Corpus::Raw(Documents::collect(docs)?))
        }
    }
}

/// The Rust half of the vectorizers: one analyzer (tokenizer, word/char/char_wb, n-gram range).
#[pyclass(name = "AnalyzerCore", module = "textsim._core", frozen)]
struct PyAnalyzer {
    analyzer: Analyzer,
    decode_errors: DecodeErrors,
    n_jobs: Option<usize>,
}

impl PyAnalyzer {
    /// Runs `work` on the documents' features, without the lock, on the pool.
    fn with_source<'py, T: Send>(
        &self,
        py: Python<'py>,
        corpus: &Corpus<'py>,
        work: impl FnOnce(&dyn FeatureSource) -> Result<T, Error> + Send,
    ) -> PyResult<T> {
        match corpus {
            Corpus::Raw(documents) => {
                let texts = documents.texts(true)?;
                let source = RawDocuments {
                    analyzer: &self.analyzer,
                    texts: &texts,
                    errors: self.decode_errors,
                };
                let source = Cancellable { source: &source };
                detached(py, self.n_jobs, || work(&source))
            }
            Corpus::Analyzed(documents) => {
                let source = GivenFeatures { documents };
                let source = Cancellable { source: &source };
                detached(py, self.n_jobs, || work(&source))
            }
        }
    }
}

#[pymethods]
impl PyAnalyzer {
    #[new]
    fn new(
        py: Python<'_>,
        tokenizer: &PyTokenizer,
        analyzer: &str,
        ngram_range: (usize, usize),
    ) -> PyResult<Self> {
        let kind = match analyzer {
            "word" => AnalyzerKind::Word,
            "char" => AnalyzerKind::Char,
            "char_wb" => AnalyzerKind::CharWb,
            other => {
                return Err(to_py_err(
                    py,
                    Error::Parameter {
                        name: "analyzer",
                        message: format!("{other} is not a valid tokenization scheme/analyzer"),
                    },
                ))
            }
        };
        let analyzer = Analyzer::new(tokenizer.tokenizer.clone(), kind, ngram_range)
            .map_err(|e| to_py_err(py, e))?;
        Ok(PyAnalyzer {
            analyzer,
            decode_errors: tokenizer.decode_errors,
            n_jobs: tokenizer.n_jobs,
        })
    }

    /// The features of one document (scikit-learn's `build_analyzer()(doc)`).
    fn analyze(&self, py: Python<'_>, doc: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
        let docs = Documents::one(doc);
        let raws = docs.texts(false)?;
        let errors = self.decode_errors;
        detached(py, Some(1), || {
            let text = decode(raws[0], errors).map_err(document_error(None))?;
            Ok(self.analyzer.features(&text))
        })
    }

    /// Counts (and, with `tfidf`, weights) the documents with a fitted vocabulary.
    #[pyo3(signature = (docs, *, analyzed, vocabulary, binary, dtype, tfidf))]
    #[allow(clippy::too_many_arguments)]
    fn transform<'py>(
        &self,
        py: Python<'py>,
        docs: &Bound<'py, PyAny>,
        analyzed: bool,
        vocabulary: &PyVocabulary,
        binary: bool,
        dtype: &str,
        tfidf: Option<(Option<PyReadonlyArray1<'py, f64>>, bool, Option<String>)>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let value_type = value_type(dtype).map_err(|e| to_py_err(py, e))?;
        let corpus = Corpus::new(docs, analyzed)?;
        let counts = self.with_source(py, &corpus, |source| {
            count_with_vocabulary(source, &vocabulary.vocabulary)
        })?;
        let mut weighting = Weighting {
            binary,
            ..Weighting::default()
        };
        let idf_view;
        if let Some((idf, sublinear_tf, norm)) = &tfidf {
            weighting.sublinear_tf = *sublinear_tf;
            weighting.norm = norm_of(norm.as_deref()).map_err(|e| to_py_err(py, e))?;
            if let Some(idf) = idf {
                idf_view = idf.as_slice()?;
                if idf_view.len() != counts.n_columns {
                    return Err(to_py_err(
                        py,
                        Error::Parameter {
                            name: "idf_",
                            message: format!(
                                "idf length = {} must be equal to vocabulary size = {}",
                                idf_view.len(),
                                counts.n_columns
                            ),
                        },
                    ));
                }
                weighting.idf = Some(idf_view);
            }
        }
        let data = weighted_values(py, self.n_jobs, &counts, value_type, weighting)?;
        let n_columns = counts.n_columns;
        let Counts {
            indptr, columns, ..
        } = counts;
        csr_for_python(py, indptr, columns, data, n_columns)
    }

    /// scikit-learn's HashingVectorizer.transform.
    #[pyo3(signature = (docs, *, analyzed, n_features, alternate_sign, binary, norm, dtype))]
    #[allow(clippy::too_many_arguments)]
    fn hash<'py>(
        &self,
        py: Python<'py>,
        docs: &Bound<'py, PyAny>,
        analyzed: bool,
        n_features: u32,
        alternate_sign: bool,
        binary: bool,
        norm: Option<&str>,
        dtype: &str,
    ) -> PyResult<Bound<'py, PyTuple>> {
        if n_features == 0 {
            return Err(to_py_err(
                py,
                Error::Parameter {
                    name: "n_features",
                    message: "must be at least 1".into(),
                },
            ));
        }
        let norm = norm_of(norm).map_err(|e| to_py_err(py, e))?;
        let value_type = value_type(dtype).map_err(|e| to_py_err(py, e))?;
        let corpus = Corpus::new(docs, analyzed)?;
        let hashed = self.with_source(py, &corpus, |source| {
            hash_features(source, n_features, alternate_sign)
        })?;
        let weighting = Weighting {
            binary,
            norm,
            ..Weighting::default()
        };
        let hashing::Hashed {
            indptr,
            columns,
            values,
        } = hashed;
        let data = match value_type {
            ValueType::F32 => {
                let mut data: Vec<f32> = values.iter().map(|&v| v as f32).collect();
                weigh(py, self.n_jobs, &indptr, &columns, &mut data, weighting)?;
                PyArray1::from_vec(py, data).into_any()
            }
            _ => {
                let mut data = values;
                weigh(py, self.n_jobs, &indptr, &columns, &mut data, weighting)?;
                PyArray1::from_vec(py, data).into_any()
            }
        };
        csr_for_python(py, indptr, columns, data, n_features as usize)
    }
}

/// TF-IDF weighting of a scipy CSR matrix's buffers, in place and in parallel over rows.
#[pyfunction]
#[pyo3(signature = (data, indices, indptr, *, idf, sublinear_tf, norm))]
fn weigh_csr(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    indices: &Bound<'_, PyAny>,
    indptr: &Bound<'_, PyAny>,
    idf: Option<PyReadonlyArray1<'_, f64>>,
    sublinear_tf: bool,
    norm: Option<&str>,
) -> PyResult<()> {
    let norm = norm_of(norm).map_err(|e| to_py_err(py, e))?;
    let idf_view = match &idf {
        Some(idf) => Some(idf.as_slice()?),
        None => None,
    };
    let weighting = Weighting {
        binary: false,
        sublinear_tf,
        idf: idf_view,
        norm,
    };
    macro_rules! run {
        ($t:ty, $p:ty) => {{
            let mut data = data.cast::<PyArray1<$t>>()?.readwrite();
            let indices = indices.cast::<PyArray1<$p>>()?.readonly();
            let indptr = indptr.cast::<PyArray1<$p>>()?.readonly();
            let (data, indices, indptr) = (
                data.as_slice_mut()?,
                indices.as_slice()?,
                indptr.as_slice()?,
            );
            weigh(py, None, indptr, indices, data, weighting)
        }};
    }
    let float64 = data.cast::<PyArray1<f64>>().is_ok();
    let index64 = indices.cast::<PyArray1<i64>>().is_ok();
    match (float64, index64) {
        (true, false) => run!(f64, i32),
        (true, true) => run!(f64, i64),
        (false, false) => run!(f32, i32),
        (false, true) => run!(f32, i64),
    }
}

// ---------------------------------------------------------------------------------------------
// Similarity.

/// `(indices, scores)` of `most_similar`.
type Neighbours<'py> = (Bound<'py, PyArray1<i64>>, Bound<'py, PyArray1<f64>>);

/// `(data, indices, indptr, (n_rows, n_columns))` of a scipy CSR matrix, as Python passes it.
type CsrParts<'py> = (
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    (usize, usize),
);

/// Runs `$body` with `$x` and `$y` as `CsrView`s of the right element and index types (Python
/// gives both matrices the same ones: float32 or float64 data, int32 or int64 indices).
macro_rules! with_csr_views {
    ($py:expr, $x:expr, $y:expr, |$xv:ident, $yv:ident| $body:expr) => {{
        let float64 = $x.0.cast::<PyArray1<f64>>().is_ok();
        let index64 = $x.1.cast::<PyArray1<i64>>().is_ok();
        macro_rules! run {
            ($t:ty, $i:ty) => {{
                let xd = $x.0.cast::<PyArray1<$t>>()?.readonly();
                let xi = $x.1.cast::<PyArray1<$i>>()?.readonly();
                let xp = $x.2.cast::<PyArray1<$i>>()?.readonly();
                let $xv = CsrView {
                    n_rows: $x.3 .0,
                    n_columns: $x.3 .1,
                    indptr: xp.as_slice()?,
                    indices: xi.as_slice()?,
                    data: xd.as_slice()?,
                };
                let yd = $y.0.cast::<PyArray1<$t>>()?.readonly();
                let yi = $y.1.cast::<PyArray1<$i>>()?.readonly();
                let yp = $y.2.cast::<PyArray1<$i>>()?.readonly();
                let $yv = CsrView {
                    n_rows: $y.3 .0,
                    n_columns: $y.3 .1,
                    indptr: yp.as_slice()?,
                    indices: yi.as_slice()?,
                    data: yd.as_slice()?,
                };
                for view_check in [$xv.validate(), $yv.validate()] {
                    view_check.map_err(|message| {
                        to_py_err($py, Error::Parameter { name: "X", message })
                    })?;
                }
                $body
            }};
        }
        match (float64, index64) {
            (true, false) => run!(f64, i32),
            (true, true) => run!(f64, i64),
            (false, false) => run!(f32, i32),
            (false, true) => run!(f32, i64),
        }
    }};
}

fn threshold_of(min_score: Option<f64>) -> Threshold {
    min_score.map_or(Threshold::Positive, Threshold::AtLeast)
}

/// For each row of X, its `k` most similar rows of Y (of X itself, excluding the row, when
/// `exclude_self`): `(indices, scores)` flat, `n_rows * k` long.
#[pyfunction]
#[pyo3(signature = (x, y, *, k, min_score, exclude_self, n_jobs, progress=None))]
#[allow(clippy::too_many_arguments)]
fn most_similar<'py>(
    py: Python<'py>,
    x: CsrParts<'py>,
    y: CsrParts<'py>,
    k: usize,
    min_score: Option<f64>,
    exclude_self: bool,
    n_jobs: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Neighbours<'py>> {
    // The answer is allocated in the core, where running out of memory would abort the
    // interpreter: refuse, as a MemoryError, an answer that cannot be allocated.
    let answer_fits =
        x.3 .0
            .checked_mul(k)
            .and_then(|slots| slots.checked_mul(16))
            .is_some_and(|bytes| Vec::<u8>::new().try_reserve_exact(bytes).is_ok());
    if !answer_fits {
        return Err(pyo3::exceptions::PyMemoryError::new_err(format!(
            "most_similar: {} rows x k={k} neighbours do not fit in memory",
            x.3 .0
        )));
    }
    let (indices, scores) = with_csr_views!(py, x, y, |xv, yv| {
        detached_reporting(
            py,
            n_jobs,
            progress.as_ref().map(|p| p.clone_ref(py)),
            || {
                let threshold = threshold_of(min_score);
                if exclude_self {
                    return Ok(most_similar_within(&xv, k, threshold));
                }
                let columns = NormalizedColumns::new(&yv);
                Ok(similarity::most_similar(&xv, &columns, k, threshold, false))
            },
        )?
    });
    Ok((
        PyArray1::from_vec(py, indices),
        PyArray1::from_vec(py, scores),
    ))
}

/// Every pair of rows (row of X, row of Y) that share a term and whose cosine passes
/// `min_score` (None: every such pair), as CSR parts; with `upper_only`, only pairs i < j.
#[pyfunction]
#[pyo3(signature = (x, y, *, min_score, upper_only, n_jobs, progress=None))]
fn similar_pairs<'py>(
    py: Python<'py>,
    x: CsrParts<'py>,
    y: CsrParts<'py>,
    min_score: Option<f64>,
    upper_only: bool,
    n_jobs: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let n_columns = y.3 .0;
    let (indptr, columns, values) = with_csr_views!(py, x, y, |xv, yv| {
        detached_reporting(
            py,
            n_jobs,
            progress.as_ref().map(|p| p.clone_ref(py)),
            || {
                let threshold = threshold_of(min_score);
                if upper_only {
                    return similar_pairs_within(&xv, threshold);
                }
                let normalized = NormalizedColumns::new(&yv);
                similarity::similar_pairs(&xv, &normalized, threshold, false)
            },
        )?
    });
    let data = PyArray1::from_vec(py, values).into_any();
    csr_for_python(py, indptr, columns, data, n_columns)
}

/// scikit-learn's `cosine_similarity` with dense output: the cosines written into `out`, a
/// C-contiguous `(n_rows of X, n_rows of Y)` array of zeros of the matrices' value type.
#[pyfunction]
#[pyo3(signature = (x, y, out, *, n_jobs))]
fn cosine_dense<'py>(
    py: Python<'py>,
    x: CsrParts<'py>,
    y: CsrParts<'py>,
    out: &Bound<'py, PyAny>,
    n_jobs: Option<usize>,
) -> PyResult<()> {
    with_csr_views!(py, x, y, |xv, yv| fill_dense(py, n_jobs, &xv, &yv, out)?);
    Ok(())
}

/// Writes the cosines of X and Y into `out`, which must hold their value type.
fn fill_dense<T: Real + numpy::Element, I: Index>(
    py: Python<'_>,
    n_jobs: Option<usize>,
    x: &CsrView<'_, T, I>,
    y: &CsrView<'_, T, I>,
    out: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let mut out = out.cast::<PyArray2<T>>()?.readwrite();
    let out = out.as_slice_mut()?;
    if out.len() != x.n_rows * y.n_rows {
        return Err(to_py_err(
            py,
            Error::Parameter {
                name: "out",
                message: "has the wrong shape".into(),
            },
        ));
    }
    detached(py, n_jobs, || {
        let columns = NormalizedColumns::new(y);
        similarity::dense_cosines(x, &columns, out);
        Ok(())
    })
}

/// Group labels: the connected components of the graph whose edges are a CSR matrix's entries.
#[pyfunction]
fn connected_components<'py>(
    py: Python<'py>,
    n: usize,
    indptr: PyReadonlyArray1<'py, i64>,
    indices: PyReadonlyArray1<'py, i64>,
) -> PyResult<Bound<'py, PyArray1<i64>>> {
    let indptr: Vec<usize> = indptr.as_slice()?.iter().map(|&p| p as usize).collect();
    let columns: Vec<u32> = indices.as_slice()?.iter().map(|&c| c as u32).collect();
    if indptr.len() != n + 1
        || indptr.windows(2).any(|w| w[0] > w[1])
        || indptr.last().is_some_and(|&last| last != columns.len())
        || columns.iter().any(|&c| c as usize >= n)
    {
        return Err(to_py_err(
            py,
            Error::Parameter {
                name: "pairs",
                message: "not an n x n CSR matrix".into(),
            },
        ));
    }
    Ok(PyArray1::from_vec(py, components_of(n, &indptr, &columns)))
}

/// UAX#29 sentences of `text`, stripped, with `।` and `৷` ending Bengali sentences.
#[pyfunction]
fn sentences(text: &str) -> Vec<&str> {
    crate::text::sentences::sentences(text)
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyTokenizer>()?;
    m.add_class::<PyAnalyzer>()?;
    m.add_class::<PyVocabulary>()?;
    m.add_class::<PyFitter>()?;
    m.add_class::<PyStats>()?;
    m.add_function(wrap_pyfunction!(weigh_csr, m)?)?;
    m.add_function(wrap_pyfunction!(most_similar, m)?)?;
    m.add_function(wrap_pyfunction!(similar_pairs, m)?)?;
    m.add_function(wrap_pyfunction!(cosine_dense, m)?)?;
    m.add_function(wrap_pyfunction!(connected_components, m)?)?;
    m.add_function(wrap_pyfunction!(sentences, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
