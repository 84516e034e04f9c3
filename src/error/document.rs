//! What can be wrong with one document's text.

use std::fmt;

/// What is wrong with one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocumentProblem {
    /// Not text but a float NaN (a missing value in a pandas column, say).
    NotANumber,
    /// Not text: an object of another type (`None`, a number, ...), by its type's name.
    NotText { type_name: String },
    /// A UTF-16 surrogate code point on its own, which is not text (Python allows it in `str`).
    LoneSurrogate { code: u32, position: usize },
    /// Bytes that are not UTF-8, with `decode_error="strict"`.
    InvalidUtf8 { offset: usize, bytes: Vec<u8> },
}

impl fmt::Display for DocumentProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // scikit-learn's message.
            DocumentProblem::NotANumber => write!(
                f,
                "np.nan is an invalid document, expected byte or unicode string."
            ),
            DocumentProblem::NotText { type_name } => {
                write!(f, "expected a str or bytes document, got {type_name}")
            }
            DocumentProblem::LoneSurrogate { code, position } => write!(
                f,
                "contains a lone surrogate U+{code:04X} at character {position}, which is not valid \
                 Unicode text; fix the text where it was decoded (for example decode bytes with \
                 errors='replace')"
            ),
            DocumentProblem::InvalidUtf8 { offset, bytes } => {
                let shown: Vec<String> = bytes.iter().map(|b| format!("0x{b:02x}")).collect();
                write!(
                    f,
                    "is not valid UTF-8: byte(s) {} at offset {offset}; pass decode_error='replace' \
                     or 'ignore', or give the right encoding=",
                    shown.join(" ")
                )
            }
        }
    }
}
