//! The imported column: the arrays (chunks) of a string or binary column, taken over from a
//! single array or from a stream, lending out views of every document's bytes.

use std::ffi::{c_int, CStr};

use rayon::prelude::*;

use crate::arrow::buffers::Chunk;
use crate::arrow::ffi::{ArrowArray, ArrowArrayStream, ArrowSchema};
use crate::arrow::format::Kind;
use crate::error::{ArrowError, DocumentProblem};
use crate::text::decode::RawText;

/// An Arrow column of strings or binaries imported without copying: the arrays (chunks) it owns,
/// checked, from which views of every document's text are lent.
///
/// Dropping it releases each array exactly once. It is `Send + Sync` (see `Chunk`), so its
/// views can be read on other threads while the interpreter lock is released.
#[derive(Debug)]
pub struct ImportedStrings {
    chunks: Vec<Chunk>,
    format: String,
    binary: bool,
    len: usize,
    null_count: usize,
}

impl ImportedStrings {
    /// Imports one array of type `schema`, taking ownership of both (released on error too; the
    /// schema is released before this returns, as nothing is kept from it but its format).
    ///
    /// # Safety
    ///
    /// `schema` and `array` must be valid per the C data interface (as moved out of a producer's
    /// PyCapsules): the buffers as long as the array's `length` and `offset` (and last offset)
    /// say, and not written to until the array is released.
    pub unsafe fn from_array(schema: ArrowSchema, array: ArrowArray) -> Result<Self, ArrowError> {
        // SAFETY: the caller vouches for the schema.
        let (kind, format) = unsafe { Kind::of(&schema) }?;
        drop(schema);
        // SAFETY: the caller vouches for the array.
        let chunk = unsafe { Chunk::import(array, kind, 0) }?;
        Ok(Self::new(vec![chunk], format, kind))
    }

    /// Imports every array of a stream, taking ownership of it (it is released before this
    /// returns, the arrays being independent of it; on error everything is released).
    ///
    /// # Safety
    ///
    /// `stream` must be a valid C stream interface stream whose schema and arrays are valid per
    /// the C data interface (see [`ImportedStrings::from_array`]).
    pub unsafe fn from_stream(mut stream: ArrowArrayStream) -> Result<Self, ArrowError> {
        if stream.is_released() {
            return Err(ArrowError::malformed("the stream was already released"));
        }
        let (Some(get_schema), Some(get_next)) = (stream.get_schema, stream.get_next) else {
            return Err(ArrowError::malformed(
                "the stream lacks get_schema or get_next",
            ));
        };
        let mut schema = ArrowSchema::empty();
        // SAFETY: a live stream's callbacks take the stream and a struct to fill.
        let code = unsafe { get_schema(&mut stream, &mut schema) };
        if code != 0 {
            // SAFETY: the stream is live.
            return Err(unsafe { stream_error(&mut stream, code) });
        }
        // SAFETY: get_schema succeeded, so `schema` is a valid schema (or released: checked).
        let (kind, format) = unsafe { Kind::of(&schema) }?;
        drop(schema);
        let mut chunks = Vec::new();
        let mut rows = 0usize;
        loop {
            let mut array = ArrowArray::empty();
            // SAFETY: as above.
            let code = unsafe { get_next(&mut stream, &mut array) };
            if code != 0 {
                // SAFETY: the stream is live.
                return Err(unsafe { stream_error(&mut stream, code) });
            }
            if array.is_released() {
                break; // the end of the stream
            }
            // SAFETY: get_next succeeded, so `array` is a valid array of the stream's type.
            let chunk = unsafe { Chunk::import(array, kind, rows) }?;
            if chunk.len == 0 {
                continue; // released now
            }
            rows += chunk.len;
            chunks.push(chunk);
        }
        drop(stream);
        Ok(Self::new(chunks, format, kind))
    }

    fn new(chunks: Vec<Chunk>, format: String, kind: Kind) -> Self {
        ImportedStrings {
            len: chunks.iter().map(|c| c.len).sum(),
            null_count: chunks.iter().map(|c| c.null_count).sum(),
            chunks,
            format,
            binary: kind.binary,
        }
    }

    /// The number of documents (rows), across all chunks.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of null rows.
    pub fn null_count(&self) -> usize {
        self.null_count
    }

    /// The number of (non-empty) chunks.
    pub fn num_chunks(&self) -> usize {
        self.chunks.len()
    }

    /// The C data interface format string: "u", "U", "vu", "z", "Z" or "vz".
    pub fn format(&self) -> &str {
        &self.format
    }

    /// Whether the documents are bytes (binary formats) rather than text.
    pub fn is_binary(&self) -> bool {
        self.binary
    }

    /// Every document, borrowed from the Arrow buffers: `RawText::Str` for string columns
    /// (checked to be UTF-8), `RawText::Utf8Bytes` for binary ones. The first null row, or the
    /// first string row that is not UTF-8, is an error naming its index across all chunks.
    ///
    /// The UTF-8 check runs in parallel on rayon's current pool (call it inside the pool the
    /// work runs on); which error is reported does not depend on the scheduling.
    pub fn texts(&self) -> Result<Vec<RawText<'_>>, ArrowError> {
        let mut texts = Vec::with_capacity(self.len);
        let mut first_row = 0;
        for chunk in &self.chunks {
            let part: Result<Vec<RawText<'_>>, ArrowError> = (0..chunk.len)
                .into_par_iter()
                .with_min_len(4096)
                .map(|row| {
                    let index = first_row + row;
                    self.text(chunk, row, index)?
                        .ok_or(ArrowError::Null { index })
                })
                .collect();
            match part {
                Ok(mut part) => texts.append(&mut part),
                // Some error, not necessarily the first: find the first, in order.
                Err(error) => return Err(self.first_error().unwrap_or(error)),
            }
            first_row += chunk.len;
        }
        Ok(texts)
    }

    /// The first row, in order, that `texts` refuses.
    fn first_error(&self) -> Option<ArrowError> {
        self.visit(|index, text| match text {
            Some(_) => Ok(()),
            None => Err(ArrowError::Null { index }),
        })
        .err()
    }

    /// Every document, `None` for nulls; an error only for a string row that is not UTF-8.
    pub fn texts_or_nulls(&self) -> Result<Vec<Option<RawText<'_>>>, ArrowError> {
        let mut texts = Vec::with_capacity(self.len);
        self.visit(|_, text| {
            texts.push(text);
            Ok(())
        })?;
        Ok(texts)
    }

    /// The index of the first null row, across all chunks.
    pub fn first_null(&self) -> Option<usize> {
        if self.null_count == 0 {
            return None;
        }
        let mut start = 0;
        for chunk in &self.chunks {
            if chunk.null_count > 0 {
                return (0..chunk.len)
                    .find(|&row| chunk.is_null(row))
                    .map(|row| start + row);
            }
            start += chunk.len;
        }
        None
    }

    fn visit<'a>(
        &'a self,
        mut f: impl FnMut(usize, Option<RawText<'a>>) -> Result<(), ArrowError>,
    ) -> Result<(), ArrowError> {
        let mut index = 0;
        for chunk in &self.chunks {
            for row in 0..chunk.len {
                f(index, self.text(chunk, row, index)?)?;
                index += 1;
            }
        }
        Ok(())
    }

    /// Row `row` of `chunk` (document `index`) as text, `None` when null.
    fn text<'a>(
        &self,
        chunk: &'a Chunk,
        row: usize,
        index: usize,
    ) -> Result<Option<RawText<'a>>, ArrowError> {
        // Checked at import; an error here would be a bug, reported rather than trusted.
        let slot = chunk
            .slot(row)
            .map_err(|message| ArrowError::malformed(format!("document {index}: {message}")))?;
        Ok(match slot {
            None => None,
            Some(bytes) if self.binary => Some(RawText::Utf8Bytes(bytes)),
            Some(bytes) => Some(RawText::Str(utf8(bytes, index)?)),
        })
    }
}

fn utf8(bytes: &[u8], index: usize) -> Result<&str, ArrowError> {
    std::str::from_utf8(bytes).map_err(|error| {
        let offset = error.valid_up_to();
        let end = offset + error.error_len().unwrap_or(bytes.len() - offset);
        ArrowError::InvalidUtf8 {
            index,
            problem: DocumentProblem::InvalidUtf8 {
                offset,
                bytes: bytes[offset..end].to_vec(),
            },
        }
    })
}

/// The stream's error, read before the stream is released.
///
/// # Safety
/// `stream` must be live.
unsafe fn stream_error(stream: &mut ArrowArrayStream, code: c_int) -> ArrowError {
    let message = match stream.get_last_error {
        // SAFETY: a live stream's get_last_error returns null or a string valid until the next
        // call on the stream; it is copied at once.
        Some(get_last_error) => unsafe {
            let text = get_last_error(stream);
            if text.is_null() {
                None
            } else {
                Some(CStr::from_ptr(text).to_string_lossy().into_owned())
            }
        },
        None => None,
    };
    ArrowError::Stream {
        code,
        message: message.unwrap_or_else(|| "no message".into()),
    }
}

#[cfg(test)]
impl ImportedStrings {
    /// Buffer `i` of the first chunk's array, for tests that check that views point into it.
    pub(crate) fn first_chunk_buffer(&self, i: usize) -> *const u8 {
        self.chunks[0].buffer(i)
    }
}
