//! Core errors become Python exceptions here, and only here: `From<Error> for PyErr` lets `?`
//! carry any core error across the boundary. The classes are textsim's own
//! (`textsim/_exceptions.py`), imported once each; errors about a document pass its number,
//! which the exception keeps as its `document` attribute.

use pyo3::exceptions::{PyKeyboardInterrupt, PyMemoryError};
use pyo3::PyErr;

use crate::error::{ArrowError, DocumentProblem, Error};

pyo3::import_exception!(textsim._exceptions, TextsimError);
pyo3::import_exception!(textsim._exceptions, DocumentError);
pyo3::import_exception!(textsim._exceptions, DocumentDecodeError);
pyo3::import_exception!(textsim._exceptions, DocumentTypeError);
pyo3::import_exception!(textsim._exceptions, TokenPatternError);
pyo3::import_exception!(textsim._exceptions, ParameterError);
pyo3::import_exception!(textsim._exceptions, VocabularyError);

impl From<Error> for PyErr {
    fn from(error: Error) -> PyErr {
        let message = error.to_string();
        let document = error.document();
        match error {
            Error::Document {
                problem: DocumentProblem::InvalidUtf8 { bytes, .. },
                ..
            } => {
                // Also a UnicodeDecodeError, as scikit-learn raises: its `object` is the bytes
                // that failed to decode.
                let end = bytes.len();
                DocumentDecodeError::new_err((
                    message,
                    "utf-8",
                    bytes,
                    0usize,
                    end,
                    "invalid UTF-8",
                    document,
                ))
            }
            Error::Document {
                problem: DocumentProblem::NotText { .. },
                ..
            }
            | Error::Arrow(ArrowError::Null { .. } | ArrowError::UnsupportedType { .. }) => {
                DocumentTypeError::new_err((message, document))
            }
            Error::Document { .. } | Error::Arrow(_) => DocumentError::new_err((message, document)),
            Error::TokenPattern { .. } | Error::TooManyCaptureGroups { .. } => {
                TokenPatternError::new_err(message)
            }
            Error::Parameter { .. } | Error::MalformedMatrix(_) => ParameterError::new_err(message),
            Error::EmptyVocabulary | Error::NothingLeftAfterPruning => {
                VocabularyError::new_err(message)
            }
            // Only reached if work stopped without a signal handler raising (it never should).
            Error::Cancelled => PyKeyboardInterrupt::new_err(message),
            Error::OutOfMemory { .. } => PyMemoryError::new_err(message),
        }
    }
}

/// A binding object used in a way it does not allow (a finished fit asked to count again, one
/// changed from two threads at once): textsim's base exception.
pub(crate) fn misuse(message: &str) -> PyErr {
    TextsimError::new_err(message.to_owned())
}

/// A panic in the core, which is a bug: an exception that says so, never an abort.
pub(crate) fn internal_error(panic: Box<dyn std::any::Any + Send>) -> PyErr {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    TextsimError::new_err(format!(
        "internal error in textsim's core (please report it): {what}"
    ))
}
