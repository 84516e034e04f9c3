//! Documents as the core reads them: views of the Python objects' own buffers (held by strong
//! references while the lock is released), or of an Arrow string column imported without a
//! copy, or lists of features a Python analyzer made.
//!
//! CPython stores Bengali text two bytes per character; asking it for UTF-8 would convert every
//! document serially while the interpreter lock is held, so the buffers are read as they are and
//! decoded in parallel by the core.

use pyo3::prelude::*;
use pyo3::types::string::PyStringData;
use pyo3::types::{PyBytes, PyFloat, PyList, PyString};

use crate::arrow::column::ImportedStrings;
use crate::error::{DocumentProblem, Error};
use crate::python::arrow::arrow_strings;
use crate::text::decode::RawText;

/// Documents held by strong references while their buffers are read without the lock: Python
/// objects, or an Arrow string column (through the Arrow PyCapsule interface: pyarrow, pandas
/// with Arrow strings, polars).
pub(crate) struct Documents<'py> {
    owners: Vec<Bound<'py, PyAny>>,
    arrow: Option<ImportedStrings>,
}

impl<'py> Documents<'py> {
    pub(crate) fn collect(docs: &Bound<'py, PyAny>) -> PyResult<Self> {
        if !docs.is_instance_of::<PyList>() {
            if let Some(imported) = arrow_strings(docs)? {
                return Ok(Documents {
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
            owners,
            arrow: None,
        })
    }

    pub(crate) fn one(doc: &Bound<'py, PyAny>) -> Self {
        Documents {
            owners: vec![doc.clone()],
            arrow: None,
        }
    }

    /// Views of every document's text. With `first_document`, a document that is not text is
    /// named by its number in the whole input (the first of these is `first_document`); a
    /// single document is not numbered. (An Arrow column is always read whole, as one batch.)
    pub(crate) fn texts(&self, first_document: Option<usize>) -> Result<Vec<RawText<'_>>, Error> {
        if let Some(imported) = &self.arrow {
            return Ok(imported.texts()?);
        }
        self.owners
            .iter()
            .enumerate()
            .map(|(i, doc)| {
                raw_text(doc).map_err(|problem| Error::Document {
                    index: first_document.map(|first| first + i),
                    problem,
                })
            })
            .collect()
    }
}

fn raw_text<'a>(doc: &'a Bound<'_, PyAny>) -> Result<RawText<'a>, DocumentProblem> {
    if let Ok(text) = doc.cast::<PyString>() {
        // SAFETY: the view borrows `doc`, which the caller keeps alive (a strong reference in
        // `Documents`) until the view is dropped; Python strings are immutable. CPython on
        // little-endian x86_64 and aarch64 is what this is built and tested for.
        return match unsafe { text.data() } {
            Ok(PyStringData::Ucs1(bytes)) => Ok(RawText::Latin1(bytes)),
            Ok(PyStringData::Ucs2(units)) => Ok(RawText::Ucs2(units)),
            Ok(PyStringData::Ucs4(points)) => Ok(RawText::Ucs4(points)),
            Err(_) => Err(DocumentProblem::NotText {
                type_name: "an unreadable str".into(),
            }),
        };
    }
    if let Ok(bytes) = doc.cast::<PyBytes>() {
        return Ok(RawText::Utf8Bytes(bytes.as_bytes()));
    }
    if let Ok(number) = doc.cast::<PyFloat>() {
        if number.value().is_nan() {
            return Err(DocumentProblem::NotANumber);
        }
    }
    let type_name = doc
        .get_type()
        .name()
        .map_or_else(|_| "an object".to_owned(), |n| n.to_string());
    Err(DocumentProblem::NotText { type_name })
}

/// Documents for an analyzer: raw (str/bytes, analyzed in Rust) or already lists of features.
pub(crate) enum Corpus<'py> {
    Raw(Documents<'py>),
    Analyzed(Vec<Vec<String>>),
}

impl<'py> Corpus<'py> {
    pub(crate) fn new(docs: &Bound<'py, PyAny>, analyzed: bool) -> PyResult<Self> {
        if analyzed {
            Ok(Corpus::Analyzed(docs.extract()?))
        } else {
            Ok(Corpus::Raw(Documents::collect(docs)?))
        }
    }
}
