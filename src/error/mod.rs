//! The core's errors: one enum for every layer. The Python layer maps each variant to an exception
//! class; the messages are written for the person who will read them, and say what to do.
//!
//! May use: nothing else in the crate (it is the bottom, and every layer may use it).

use std::fmt;

mod arrow;
mod document;

pub use arrow::ArrowError;
pub use document::DocumentProblem;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// A document that cannot be read; `index` is its place in the input, when there are several.
    Document {
        index: Option<usize>,
        problem: DocumentProblem,
    },
    /// A `token_pattern` the regex engine cannot compile.
    TokenPattern { pattern: String, reason: String },
    /// A `token_pattern` with more than one capturing group (scikit-learn's rule and message).
    TooManyCaptureGroups { pattern: String },
    /// An option with a value outside its domain.
    Parameter { name: &'static str, message: String },
    /// CSR buffers that do not describe a matrix (or not one the call can read), named X as
    /// scikit-learn names its input.
    MalformedMatrix(String),
    /// Fitting found no feature at all (scikit-learn's message).
    EmptyVocabulary,
    /// Pruning by document frequency left no feature (scikit-learn's message).
    NothingLeftAfterPruning,
    /// The caller asked the work to stop (Ctrl-C); its partial result is thrown away.
    Cancelled,
    /// A result too big for the memory there is (Python's MemoryError).
    OutOfMemory { what: &'static str, bytes: usize },
    /// An Arrow input that cannot be read as documents.
    Arrow(ArrowError),
}

impl Error {
    /// The number of the document the error is about (counted in the whole input, across
    /// batches), when it is about one.
    pub fn document(&self) -> Option<usize> {
        match self {
            Error::Document { index, .. } => *index,
            Error::Arrow(error) => error.document(),
            _ => None,
        }
    }
}

impl From<ArrowError> for Error {
    fn from(error: ArrowError) -> Self {
        Error::Arrow(error)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Documents that are not text at all: scikit-learn's message, then which one.
            Error::Document {
                index,
                problem: problem @ (DocumentProblem::NotANumber | DocumentProblem::NotText { .. }),
            } => match index {
                Some(index) => write!(f, "{problem} (document {index})"),
                None => write!(f, "{problem}"),
            },
            Error::Document {
                index: Some(index),
                problem,
            } => write!(f, "document {index} {problem}"),
            Error::Document {
                index: None,
                problem,
            } => write!(f, "the document {problem}"),
            Error::TokenPattern { pattern, reason } => write!(
                f,
                "token_pattern {pattern:?} cannot be compiled: {reason}. textsim compiles patterns \
                 with Rust's linear-time regex engine (never slow on any input), whose syntax is close to \
                 Python's but has no look-around and no back-references; rewrite the \
                 pattern, or pass tokenizer= a Python callable (for example \
                 tokenizer=re.compile(pattern).findall), which is slower"
            ),
            Error::TooManyCaptureGroups { pattern } => write!(
                f,
                "More than 1 capturing group in token pattern. Only a single group should be \
                 captured. (token_pattern={pattern:?})"
            ),
            Error::Parameter { name, message } => {
                // scikit-learn's messages are kept verbatim; ours name the option first.
                if message.contains(name) {
                    write!(f, "{message}")
                } else {
                    write!(f, "{name}: {message}")
                }
            }
            Error::EmptyVocabulary => write!(
                f,
                "empty vocabulary; perhaps the documents only contain stop words"
            ),
            Error::NothingLeftAfterPruning => write!(
                f,
                "After pruning, no terms remain. Try a lower min_df or a higher max_df."
            ),
            Error::MalformedMatrix(message) => write!(f, "X: {message}"),
            Error::Cancelled => write!(f, "interrupted"),
            Error::OutOfMemory { what, bytes } => write!(
                f,
                "{what} needs {:.1} GB more memory than there is; ask for fewer results (a \
                 higher min_score, a smaller k, a narrower ngram_range, a min_df or \
                 max_features) or work in blocks of rows or batches of documents",
                *bytes as f64 / 1e9
            ),
            Error::Arrow(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
