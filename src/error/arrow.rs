//! What can be wrong with an Arrow input read as documents.

use std::fmt;

use crate::error::DocumentProblem;

/// Why an Arrow input cannot be read as documents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArrowError {
    /// Not a string or binary column; `format` is the C data interface's format string and
    /// `description` the type in words (`struct<text: string, id: int64>`).
    UnsupportedType { format: String, description: String },
    /// The producer handed over something the specification does not allow (a released struct,
    /// offsets that decrease or point outside the data, ...).
    Malformed(String),
    /// A stream's `get_schema` or `get_next` failed.
    Stream { code: i32, message: String },
    /// Document `index` (counted across all chunks) is null.
    Null { index: usize },
    /// Document `index` of a string (not binary) column is not UTF-8, which Arrow requires.
    InvalidUtf8 {
        index: usize,
        problem: DocumentProblem,
    },
}

impl ArrowError {
    /// [`ArrowError::Malformed`] with `message`.
    pub(crate) fn malformed(message: impl Into<String>) -> ArrowError {
        ArrowError::Malformed(message.into())
    }

    /// The document the error is about, when it is about one.
    pub fn document(&self) -> Option<usize> {
        match self {
            ArrowError::Null { index } | ArrowError::InvalidUtf8 { index, .. } => Some(*index),
            _ => None,
        }
    }
}

impl fmt::Display for ArrowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArrowError::UnsupportedType {
                format,
                description,
            } => {
                write!(
                    f,
                    "expected an Arrow column of strings (string, large_string, string_view, \
                     binary, large_binary or binary_view), got {description} (format {format:?})"
                )?;
                if format == "+s" {
                    write!(
                        f,
                        "; a table or record batch is not a column of documents: pass the column \
                         of text, e.g. table['text'] or df['text']"
                    )?;
                } else if description.starts_with("dictionary") {
                    write!(
                        f,
                        "; decode the dictionary first (pyarrow: column.dictionary_decode(); \
                         polars: series.cast(pl.String))"
                    )?;
                }
                Ok(())
            }
            ArrowError::Malformed(message) => {
                write!(f, "malformed Arrow data from the producer: {message}")
            }
            ArrowError::Stream { code, message } => {
                write!(f, "the Arrow stream failed (error {code}): {message}")
            }
            ArrowError::Null { index } => write!(
                f,
                "document {index} is null (a missing value in the Arrow column); drop or fill the \
                 nulls first, e.g. column.fill_null('')"
            ),
            ArrowError::InvalidUtf8 { index, problem } => match problem {
                DocumentProblem::InvalidUtf8 { offset, bytes } => {
                    let shown: Vec<String> = bytes.iter().map(|b| format!("0x{b:02x}")).collect();
                    write!(
                        f,
                        "document {index} of the Arrow string column is not valid UTF-8 (byte(s) \
                         {} at offset {offset}), which Arrow requires of strings: the producer \
                         wrote invalid data (cast the column to binary to choose a decode_error=)",
                        shown.join(" ")
                    )
                }
                other => write!(f, "document {index} {other}"),
            },
        }
    }
}

impl std::error::Error for ArrowError {}
