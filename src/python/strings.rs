//! Making Python strings fast: each distinct token of a batch becomes one Python string, built
//! straight in CPython's own storage form, and each document's list refers to those.

use std::borrow::Cow;

use pyo3::prelude::*;
use pyo3::types::PyList;
use rustc_hash::FxHashMap;

/// Tokens ready to become Python strings: each distinct token of the whole batch once, stored
/// as CPython will store it (1, 2 or 4 bytes per character), and each document's tokens as
/// indices into them. A batch of Bengali blog posts has about twelve tokens for each distinct
/// one, so interning across the batch makes a twelfth of the Python strings that splitting
/// does; equal tokens are the same (immutable) object.
#[derive(Default)]
pub(crate) struct PreparedTokens {
    storage: Vec<u8>,
    /// (byte offset in `storage`, length in characters, largest character)
    distinct: Vec<(usize, usize, u32)>,
    documents: Vec<Vec<u32>>,
}

/// One document's tokens after the parallel step: the text they are cut from, the spans of its
/// distinct tokens, and its tokens as indices into those.
pub(crate) struct DocumentTokens<'a> {
    text: Cow<'a, str>,
    distinct: Vec<(usize, usize)>,
    order: Vec<u32>,
}

impl<'a> DocumentTokens<'a> {
    pub(crate) fn new(text: Cow<'a, str>, spans: &[(usize, usize)]) -> Self {
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
    pub(crate) fn intern(documents: Vec<DocumentTokens<'_>>) -> Self {
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
    pub(crate) fn into_lists<'py>(self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyList>>> {
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
