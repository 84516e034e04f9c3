//! What a schema's format string says: which of the six layouts a column of documents comes in,
//! and, for the types that are not one, their names in words for the error message.

use std::ffi::CStr;

use crate::arrow::ffi::ArrowSchema;
use crate::error::ArrowError;

/// The physical layouts read here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Layout {
    /// Validity, int32 offsets, data ("u", "z").
    Offsets32,
    /// Validity, int64 offsets, data ("U", "Z").
    Offsets64,
    /// Validity, 16-byte views, variadic data buffers, their int64 sizes ("vu", "vz").
    Views,
}

/// What a schema's format string says, for a column of documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Kind {
    pub(crate) layout: Layout,
    /// Binary (documents are bytes), not string (documents are UTF-8 text).
    pub(crate) binary: bool,
}

impl Kind {
    /// # Safety
    /// `schema` must be a valid, unreleased schema.
    pub(crate) unsafe fn of(schema: &ArrowSchema) -> Result<(Kind, String), ArrowError> {
        if schema.is_released() {
            return Err(ArrowError::malformed("the schema was already released"));
        }
        if schema.format.is_null() {
            return Err(ArrowError::malformed("the schema has no format string"));
        }
        // SAFETY: a valid schema's format is a null-terminated string.
        let format = unsafe { CStr::from_ptr(schema.format) }
            .to_string_lossy()
            .into_owned();
        let kind = match format.as_str() {
            _ if !schema.dictionary.is_null() => None,
            "u" => Some((Layout::Offsets32, false)),
            "U" => Some((Layout::Offsets64, false)),
            "vu" => Some((Layout::Views, false)),
            "z" => Some((Layout::Offsets32, true)),
            "Z" => Some((Layout::Offsets64, true)),
            "vz" => Some((Layout::Views, true)),
            _ => None,
        };
        match kind {
            Some((layout, binary)) => Ok((Kind { layout, binary }, format)),
            None => Err(ArrowError::UnsupportedType {
                // SAFETY: the caller vouches for the schema and its children.
                description: unsafe { describe(schema, 0) },
                format,
            }),
        }
    }
}

/// The type `schema` describes, in words (pyarrow's names), for error messages.
///
/// # Safety
/// `schema` must be a valid schema, children and dictionary included.
unsafe fn describe(schema: &ArrowSchema, depth: usize) -> String {
    if schema.format.is_null() {
        return "a type without a format string".into();
    }
    // SAFETY: the caller vouches for the schema.
    let format = unsafe { CStr::from_ptr(schema.format) }.to_string_lossy();
    if !schema.dictionary.is_null() {
        // SAFETY: a valid schema's dictionary is a valid schema.
        let values = unsafe { describe(&*schema.dictionary, depth + 1) };
        return format!(
            "dictionary<values={values}, indices={}>",
            scalar_name(&format).unwrap_or(&format)
        );
    }
    if let Some(name) = scalar_name(&format) {
        return name.to_owned();
    }
    let children = || -> String {
        if depth >= 3 {
            return "...".into();
        }
        let count = usize::try_from(schema.n_children).unwrap_or(0);
        if schema.children.is_null() || count == 0 {
            return String::new();
        }
        let mut parts = Vec::new();
        for i in 0..count.min(8) {
            // SAFETY: a valid schema has `n_children` valid child pointers.
            let child = unsafe { &**schema.children.add(i) };
            let name = if child.name.is_null() {
                String::new()
            } else {
                // SAFETY: a child's name, when present, is a null-terminated string.
                unsafe { CStr::from_ptr(child.name) }
                    .to_string_lossy()
                    .into_owned()
            };
            // SAFETY: as above.
            let type_ = unsafe { describe(child, depth + 1) };
            parts.push(if format.starts_with("+s") && !name.is_empty() {
                format!("{name}: {type_}")
            } else {
                type_
            });
        }
        if count > 8 {
            parts.push(format!("... ({count} in all)"));
        }
        parts.join(", ")
    };
    let (prefix, rest) = match format.split_once(':') {
        Some((prefix, rest)) => (prefix, rest),
        None => (&*format, ""),
    };
    match prefix {
        "d" => format!("decimal({rest})"),
        "w" => format!("fixed_size_binary[{rest}]"),
        "+l" => format!("list<{}>", children()),
        "+L" => format!("large_list<{}>", children()),
        "+vl" => format!("list_view<{}>", children()),
        "+vL" => format!("large_list_view<{}>", children()),
        "+w" => format!("fixed_size_list<{}>[{rest}]", children()),
        "+s" => format!("struct<{}>", children()),
        "+m" => format!("map<{}>", children()),
        "+ud" | "+us" => format!("union<{}>", children()),
        "+r" => format!("run_end_encoded<{}>", children()),
        _ if format.starts_with("tdD") => "date32".into(),
        _ if format.starts_with("tdm") => "date64".into(),
        _ if format.starts_with("tt") => "time".into(),
        _ if format.starts_with("ts") => "timestamp".into(),
        _ if format.starts_with("tD") => "duration".into(),
        _ if format.starts_with("ti") => "interval".into(),
        _ => format!("an Arrow type with format {format:?}"),
    }
}

fn scalar_name(format: &str) -> Option<&'static str> {
    Some(match format {
        "n" => "null",
        "b" => "bool",
        "c" => "int8",
        "C" => "uint8",
        "s" => "int16",
        "S" => "uint16",
        "i" => "int32",
        "I" => "uint32",
        "l" => "int64",
        "L" => "uint64",
        "e" => "float16",
        "f" => "float32",
        "g" => "float64",
        "z" => "binary",
        "Z" => "large_binary",
        "vz" => "binary_view",
        "u" => "string",
        "U" => "large_string",
        "vu" => "string_view",
        _ => return None,
    })
}
