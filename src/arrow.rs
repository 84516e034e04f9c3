//! Arrow string columns read in place, through the Arrow C data interface and C stream interface,
//! without the `arrow` crate: the three `#[repr(C)]` structs of the specification and a reader
//! for the six layouts a text column comes in (string, large_string, string_view and their
//! binary twins).
//!
//! [`ImportedStrings`] takes ownership of the imported arrays (it calls each one's `release`
//! exactly once, when it is dropped) and lends out views of the Arrow buffers themselves: no
//! document is copied. The layout is checked when the column is imported (offsets increasing and
//! inside the data buffer, views inside their variadic buffers), so a malformed array is an error
//! rather than a read out of bounds; what cannot be checked is that the producer's buffers are as
//! long as the array's `length`, `offset` and last offset say, which the specification makes the
//! producer's duty.
//!
//! Pure Rust: the Python layer (`python/arrow.rs`) moves the structs out of the PyCapsules.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::fmt;
use std::ptr;

use rayon::prelude::*;

use crate::decode::RawText;
use crate::error::DocumentProblem;

// ---------------------------------------------------------------------------------------------
// The C data interface and C stream interface structs.

/// `struct ArrowSchema` of the Arrow C data interface: a data type.
///
/// A value of this type owns what it describes: dropping it calls its `release` callback if it
/// has one (a released or empty struct has none).
#[repr(C)]
#[derive(Debug)]
pub struct ArrowSchema {
    pub format: *const c_char,
    pub name: *const c_char,
    pub metadata: *const c_char,
    pub flags: i64,
    pub n_children: i64,
    pub children: *mut *mut ArrowSchema,
    pub dictionary: *mut ArrowSchema,
    pub release: Option<unsafe extern "C" fn(*mut ArrowSchema)>,
    pub private_data: *mut c_void,
}

/// `struct ArrowArray` of the Arrow C data interface: the buffers of one array (one chunk).
///
/// A value of this type owns the array: dropping it calls its `release` callback if it has one.
#[repr(C)]
#[derive(Debug)]
pub struct ArrowArray {
    pub length: i64,
    pub null_count: i64,
    pub offset: i64,
    pub n_buffers: i64,
    pub n_children: i64,
    pub buffers: *mut *const c_void,
    pub children: *mut *mut ArrowArray,
    pub dictionary: *mut ArrowArray,
    pub release: Option<unsafe extern "C" fn(*mut ArrowArray)>,
    pub private_data: *mut c_void,
}

/// `struct ArrowArrayStream` of the Arrow C stream interface: a source of arrays of one type.
///
/// A value of this type owns the stream: dropping it calls its `release` callback if it has one.
#[repr(C)]
#[derive(Debug)]
pub struct ArrowArrayStream {
    pub get_schema: Option<unsafe extern "C" fn(*mut ArrowArrayStream, *mut ArrowSchema) -> c_int>,
    pub get_next: Option<unsafe extern "C" fn(*mut ArrowArrayStream, *mut ArrowArray) -> c_int>,
    pub get_last_error: Option<unsafe extern "C" fn(*mut ArrowArrayStream) -> *const c_char>,
    pub release: Option<unsafe extern "C" fn(*mut ArrowArrayStream)>,
    pub private_data: *mut c_void,
}

macro_rules! owned_struct {
    ($name:ident, $empty:expr) => {
        impl $name {
            /// A released struct, for a producer to fill in (`get_schema`, `get_next`).
            pub fn empty() -> Self {
                $empty
            }

            /// Whether the struct has been released (or never filled in).
            pub fn is_released(&self) -> bool {
                self.release.is_none()
            }

            /// Moves the struct out of `source` (memory the producer gave, such as a PyCapsule's)
            /// and marks `source` released, as the C data interface's "moving" rule says: from
            /// then on only the returned value is live, and it alone will be released.
            ///
            /// # Safety
            ///
            /// `source` must point to a valid, initialized struct of this type that no one else
            /// is reading or writing meanwhile.
            pub unsafe fn take(source: *mut Self) -> Self {
                // SAFETY: the caller vouches for `source`; the bitwise copy becomes the one live
                // copy because the source is marked released right away, without releasing it.
                unsafe {
                    let moved = ptr::read(source);
                    (*source).release = None;
                    moved
                }
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                if let Some(release) = self.release {
                    // SAFETY: a struct with a release callback is live and owned by this value;
                    // the callback marks it released (sets `release` to null), so it runs once.
                    unsafe { release(self) };
                    // A producer that forgot to mark it released must still not be called twice.
                    self.release = None;
                }
            }
        }
    };
}

owned_struct!(
    ArrowSchema,
    ArrowSchema {
        format: ptr::null(),
        name: ptr::null(),
        metadata: ptr::null(),
        flags: 0,
        n_children: 0,
        children: ptr::null_mut(),
        dictionary: ptr::null_mut(),
        release: None,
        private_data: ptr::null_mut(),
    }
);
owned_struct!(
    ArrowArray,
    ArrowArray {
        length: 0,
        null_count: 0,
        offset: 0,
        n_buffers: 0,
        n_children: 0,
        buffers: ptr::null_mut(),
        children: ptr::null_mut(),
        dictionary: ptr::null_mut(),
        release: None,
        private_data: ptr::null_mut(),
    }
);
owned_struct!(
    ArrowArrayStream,
    ArrowArrayStream {
        get_schema: None,
        get_next: None,
        get_last_error: None,
        release: None,
        private_data: ptr::null_mut(),
    }
);

// ---------------------------------------------------------------------------------------------
// Errors.

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
    /// The document the error is about, when it is about one.
    pub fn index(&self) -> Option<usize> {
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

fn malformed(message: impl Into<String>) -> ArrowError {
    ArrowError::Malformed(message.into())
}

// ---------------------------------------------------------------------------------------------
// Data types.

/// The physical layouts read here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// Validity, int32 offsets, data ("u", "z").
    Offsets32,
    /// Validity, int64 offsets, data ("U", "Z").
    Offsets64,
    /// Validity, 16-byte views, variadic data buffers, their int64 sizes ("vu", "vz").
    Views,
}

/// What a schema's format string says, for a column of documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Kind {
    layout: Layout,
    /// Binary (documents are bytes), not string (documents are UTF-8 text).
    binary: bool,
}

impl Kind {
    /// # Safety
    /// `schema` must be a valid, unreleased schema.
    unsafe fn of(schema: &ArrowSchema) -> Result<(Kind, String), ArrowError> {
        if schema.is_released() {
            return Err(malformed("the schema was already released"));
        }
        if schema.format.is_null() {
            return Err(malformed("the schema has no format string"));
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

// ---------------------------------------------------------------------------------------------
// Reading buffers. Every read of an offset or a view is unaligned: the specification only
// recommends aligned buffers, and an unaligned typed read would be undefined behaviour.

/// # Safety
/// `base` must be readable for `(index + 1) * 4` bytes.
unsafe fn read_i32(base: *const u8, index: usize) -> i32 {
    // SAFETY: as the caller vouches.
    unsafe { ptr::read_unaligned(base.add(index * 4).cast::<i32>()) }
}

/// # Safety
/// `base` must be readable for `(index + 1) * 8` bytes.
unsafe fn read_i64(base: *const u8, index: usize) -> i64 {
    // SAFETY: as the caller vouches.
    unsafe { ptr::read_unaligned(base.add(index * 8).cast::<i64>()) }
}

/// `len` bytes at `base + start`, borrowed for as long as the caller says.
///
/// # Safety
/// When `len > 0`, `base + start .. base + start + len` must be readable and unchanging for `'a`.
unsafe fn bytes<'a>(base: *const u8, start: usize, len: usize) -> &'a [u8] {
    if len == 0 {
        &[]
    } else {
        // SAFETY: as the caller vouches (and `base` is not null when `len > 0`, checked at import).
        unsafe { std::slice::from_raw_parts(base.add(start), len) }
    }
}

/// Where one chunk's values are.
#[derive(Debug)]
enum Values {
    /// `offsets` points at the entry for the array's first row (the `offset` field applied);
    /// `data` is the start of the data buffer, whose length the last offset gives.
    Offsets {
        wide: bool,
        offsets: *const u8,
        data: *const u8,
        data_len: usize,
    },
    /// `views` points at the view of the array's first row; `buffers` are the variadic data
    /// buffers with their sizes.
    Views {
        views: *const u8,
        buffers: Vec<(*const u8, usize)>,
    },
}

/// One imported array: its buffers, checked, and the struct that keeps them alive.
#[derive(Debug)]
struct Chunk {
    len: usize,
    /// The validity bitmap, and the bit of the array's first row; null when no row is null.
    validity: *const u8,
    validity_bit: usize,
    values: Values,
    null_count: usize,
    /// Released when the chunk is dropped; everything above points into it.
    _array: ArrowArray,
}

// SAFETY: the raw pointers point into Arrow buffers owned by the chunk's array, which the chunk
// owns and only reads (the C data interface makes exported data immutable), so sharing views
// across threads is sound. Sending a chunk moves its array's release to another thread; the C
// data interface lets the consumer move and release arrays freely, and the producers in use
// (Arrow C++/pyarrow, polars, nanoarrow) release from any thread, taking the interpreter lock
// themselves where they need it.
unsafe impl Send for Chunk {}
// SAFETY: `&Chunk` only reads immutable buffers.
unsafe impl Sync for Chunk {}

impl Chunk {
    /// Checks the array's layout and takes it over (on error it is released here).
    ///
    /// # Safety
    /// `array` must be a valid array of `kind` (its buffers as long as its `length`, `offset`
    /// and, for offsets, its last offset say), unchanged until it is released.
    unsafe fn import(array: ArrowArray, kind: Kind, first_row: usize) -> Result<Self, ArrowError> {
        if array.is_released() {
            return Err(malformed("an array was already released"));
        }
        let len = usize::try_from(array.length)
            .map_err(|_| malformed(format!("negative array length {}", array.length)))?;
        let offset = usize::try_from(array.offset)
            .map_err(|_| malformed(format!("negative array offset {}", array.offset)))?;
        // The largest byte offset computed from them (views of 16 bytes, offsets + 1 entry).
        offset
            .checked_add(len)
            .and_then(|end| end.checked_add(1))
            .and_then(|end| end.checked_mul(16))
            .filter(|&bytes| bytes <= isize::MAX as usize)
            .ok_or_else(|| malformed("the array's offset + length overflows"))?;
        let n_buffers = usize::try_from(array.n_buffers).unwrap_or(usize::MAX);
        let expected = match kind.layout {
            Layout::Offsets32 | Layout::Offsets64 => n_buffers == 3,
            Layout::Views => n_buffers >= 3 && n_buffers != usize::MAX,
        };
        if !expected {
            return Err(malformed(format!(
                "{} buffers for a {} array",
                array.n_buffers,
                match kind.layout {
                    Layout::Offsets32 | Layout::Offsets64 => "string or binary (3 expected)",
                    Layout::Views => "view (at least 3 expected)",
                }
            )));
        }
        if array.buffers.is_null() {
            return Err(malformed("the array has no buffer list"));
        }
        // SAFETY: a valid array has `n_buffers` buffer pointers.
        let buffer = |i: usize| unsafe { *array.buffers.add(i) }.cast::<u8>();

        let mut chunk = Chunk {
            len,
            validity: ptr::null(),
            validity_bit: offset,
            values: Values::Offsets {
                wide: false,
                offsets: ptr::null(),
                data: ptr::null(),
                data_len: 0,
            },
            null_count: 0,
            _array: ArrowArray::empty(),
        };
        if len > 0 {
            // Nulls: the bitmap may be omitted only when null_count is 0 (or -1, unknown, which
            // without a bitmap can only mean none).
            if array.null_count != 0 {
                chunk.validity = buffer(0);
                if chunk.validity.is_null() && array.null_count > 0 {
                    return Err(malformed(format!(
                        "null_count is {} but there is no validity bitmap",
                        array.null_count
                    )));
                }
            }
            chunk.values = match kind.layout {
                Layout::Offsets32 | Layout::Offsets64 => {
                    let wide = kind.layout == Layout::Offsets64;
                    let width = if wide { 8 } else { 4 };
                    let base = buffer(1);
                    if base.is_null() {
                        return Err(malformed("the offsets buffer is missing"));
                    }
                    // SAFETY: the offsets buffer holds `offset + length + 1` entries.
                    let offsets = unsafe { base.add(offset * width) };
                    // SAFETY: as above; entry `len` is the last.
                    let last = unsafe {
                        if wide {
                            read_i64(offsets, len)
                        } else {
                            read_i32(offsets, len) as i64
                        }
                    };
                    let data_len = usize::try_from(last)
                        .ok()
                        .filter(|&n| n <= isize::MAX as usize)
                        .ok_or_else(|| malformed(format!("the last offset is {last}")))?;
                    let data = buffer(2);
                    if data.is_null() && data_len > 0 {
                        return Err(malformed(format!(
                            "the data buffer is missing, although the last offset is {data_len}"
                        )));
                    }
                    Values::Offsets {
                        wide,
                        offsets,
                        data,
                        data_len,
                    }
                }
                Layout::Views => {
                    let base = buffer(1);
                    if base.is_null() {
                        return Err(malformed("the views buffer is missing"));
                    }
                    let n_data = n_buffers - 3;
                    let sizes = buffer(n_buffers - 1);
                    if sizes.is_null() && n_data > 0 {
                        return Err(malformed("the variadic buffer sizes are missing"));
                    }
                    let mut buffers = Vec::with_capacity(n_data);
                    for i in 0..n_data {
                        // SAFETY: the sizes buffer has one int64 per variadic buffer.
                        let size = unsafe { read_i64(sizes, i) };
                        let size = usize::try_from(size)
                            .ok()
                            .filter(|&n| n <= isize::MAX as usize)
                            .ok_or_else(|| {
                                malformed(format!("variadic buffer {i} has size {size}"))
                            })?;
                        let data = buffer(2 + i);
                        if data.is_null() && size > 0 {
                            return Err(malformed(format!(
                                "variadic buffer {i} is missing, although its size is {size}"
                            )));
                        }
                        buffers.push((data, size));
                    }
                    Values::Views {
                        // SAFETY: the views buffer holds `offset + length` views of 16 bytes.
                        views: unsafe { base.add(offset * 16) },
                        buffers,
                    }
                }
            };
        }
        chunk._array = array;
        // Check every row now, so that reading later cannot go out of bounds, and count nulls.
        let mut nulls = 0;
        for row in 0..len {
            match chunk.slot(row) {
                Ok(Some(_)) => {}
                Ok(None) => nulls += 1,
                Err(message) => {
                    return Err(malformed(format!(
                        "document {}: {message}",
                        first_row + row
                    )))
                }
            }
        }
        chunk.null_count = nulls;
        Ok(chunk)
    }

    fn is_null(&self, row: usize) -> bool {
        if self.validity.is_null() {
            return false;
        }
        let bit = self.validity_bit + row;
        // SAFETY: the bitmap holds `offset + length` bits (checked by the caller's `row < len`).
        let byte = unsafe { *self.validity.add(bit / 8) };
        byte & (1 << (bit % 8)) == 0
    }

    /// Row `row`'s bytes (`None` when null), or what is wrong with its offsets or view.
    /// `row < self.len`.
    fn slot(&self, row: usize) -> Result<Option<&[u8]>, String> {
        debug_assert!(row < self.len);
        match &self.values {
            &Values::Offsets {
                wide,
                offsets,
                data,
                data_len,
            } => {
                // Offsets must increase even under null rows, so they are checked first.
                // SAFETY: the offsets buffer holds `offset + length + 1` entries.
                let (start, end) = unsafe {
                    if wide {
                        (read_i64(offsets, row), read_i64(offsets, row + 1))
                    } else {
                        (
                            read_i32(offsets, row) as i64,
                            read_i32(offsets, row + 1) as i64,
                        )
                    }
                };
                if start < 0 || end < start || end as u64 > data_len as u64 {
                    return Err(format!(
                        "offsets {start}..{end} decrease or fall outside the data buffer (of \
                         {data_len} bytes by the last offset)"
                    ));
                }
                if self.is_null(row) {
                    return Ok(None);
                }
                // SAFETY: 0 <= start <= end <= data_len, and the data buffer is `data_len` long.
                Ok(Some(unsafe {
                    bytes(data, start as usize, (end - start) as usize)
                }))
            }
            Values::Views { views, buffers } => {
                // A null row's view is undefined, so it is not read.
                if self.is_null(row) {
                    return Ok(None);
                }
                // SAFETY: the views buffer holds `offset + length` views.
                let view = unsafe { views.add(row * 16) };
                // SAFETY: a view is 16 bytes: length, then 12 inline bytes or (prefix, buffer
                // index, offset).
                let len = unsafe { read_i32(view, 0) };
                if len < 0 {
                    return Err(format!("the view has a negative length {len}"));
                }
                let len = len as usize;
                if len <= 12 {
                    // SAFETY: inline strings are in the view's last 12 bytes.
                    return Ok(Some(unsafe { bytes(view, 4, len) }));
                }
                // SAFETY: as above.
                let (index, start) = unsafe { (read_i32(view, 2), read_i32(view, 3)) };
                let Some(&(data, size)) = usize::try_from(index).ok().and_then(|i| buffers.get(i))
                else {
                    return Err(format!(
                        "the view points into variadic buffer {index}, of {} buffers",
                        buffers.len()
                    ));
                };
                if start < 0 || start as usize + len > size {
                    return Err(format!(
                        "the view's {len} bytes at offset {start} fall outside variadic buffer \
                         {index} (of {size} bytes)"
                    ));
                }
                // SAFETY: checked just above against the buffer's size.
                Ok(Some(unsafe { bytes(data, start as usize, len) }))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The imported column.

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
            return Err(malformed("the stream was already released"));
        }
        let (Some(get_schema), Some(get_next)) = (stream.get_schema, stream.get_next) else {
            return Err(malformed("the stream lacks get_schema or get_next"));
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
            .map_err(|message| malformed(format!("document {index}: {message}")))?;
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
mod tests {
    use super::*;
    use std::collections::VecDeque;
    use std::ffi::CString;
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use std::sync::Arc;

    // -- Arrays built by hand: Rust-owned buffers, freed by the release callback, which counts.

    struct OwnedArray {
        _buffers: Vec<Option<Vec<u8>>>,
        pointers: Vec<*const c_void>,
        released: Arc<AtomicUsize>,
    }

    unsafe extern "C" fn release_array(array: *mut ArrowArray) {
        unsafe {
            assert!((*array).release.is_some(), "released twice");
            let owned = Box::from_raw((*array).private_data.cast::<OwnedArray>());
            owned.released.fetch_add(1, SeqCst);
            drop(owned);
            (*array).release = None;
        }
    }

    fn array(
        length: i64,
        offset: i64,
        null_count: i64,
        buffers: Vec<Option<Vec<u8>>>,
        released: &Arc<AtomicUsize>,
    ) -> ArrowArray {
        let pointers: Vec<*const c_void> = buffers
            .iter()
            .map(|b| b.as_ref().map_or(ptr::null(), |b| b.as_ptr().cast()))
            .collect();
        let mut owned = Box::new(OwnedArray {
            _buffers: buffers,
            pointers,
            released: released.clone(),
        });
        ArrowArray {
            length,
            null_count,
            offset,
            n_buffers: owned.pointers.len() as i64,
            n_children: 0,
            buffers: owned.pointers.as_mut_ptr(),
            children: ptr::null_mut(),
            dictionary: ptr::null_mut(),
            release: Some(release_array),
            private_data: Box::into_raw(owned).cast(),
        }
    }

    struct OwnedSchema {
        _strings: Vec<CString>,
        children: Vec<*mut ArrowSchema>,
        dictionary: *mut ArrowSchema,
        released: Arc<AtomicUsize>,
    }

    unsafe extern "C" fn release_schema(schema: *mut ArrowSchema) {
        unsafe {
            assert!((*schema).release.is_some(), "released twice");
            let owned = Box::from_raw((*schema).private_data.cast::<OwnedSchema>());
            for &child in &owned.children {
                drop(Box::from_raw(child)); // Drop releases it
            }
            if !owned.dictionary.is_null() {
                drop(Box::from_raw(owned.dictionary));
            }
            owned.released.fetch_add(1, SeqCst);
            drop(owned);
            (*schema).release = None;
        }
    }

    fn schema_with(
        format: &str,
        name: &str,
        children: Vec<ArrowSchema>,
        dictionary: Option<ArrowSchema>,
        released: &Arc<AtomicUsize>,
    ) -> ArrowSchema {
        let format = CString::new(format).unwrap();
        let name = CString::new(name).unwrap();
        let (format_ptr, name_ptr) = (format.as_ptr(), name.as_ptr());
        let mut owned = Box::new(OwnedSchema {
            _strings: vec![format, name],
            children: children
                .into_iter()
                .map(|c| Box::into_raw(Box::new(c)))
                .collect(),
            dictionary: dictionary.map_or(ptr::null_mut(), |d| Box::into_raw(Box::new(d))),
            released: released.clone(),
        });
        ArrowSchema {
            format: format_ptr,
            name: name_ptr,
            metadata: ptr::null(),
            flags: 0,
            n_children: owned.children.len() as i64,
            children: owned.children.as_mut_ptr(),
            dictionary: owned.dictionary,
            release: Some(release_schema),
            private_data: Box::into_raw(owned).cast(),
        }
    }

    fn schema(format: &str, released: &Arc<AtomicUsize>) -> ArrowSchema {
        schema_with(format, "", vec![], None, released)
    }

    fn counter() -> Arc<AtomicUsize> {
        Arc::new(AtomicUsize::new(0))
    }

    fn offsets32(values: &[i32]) -> Option<Vec<u8>> {
        Some(values.iter().flat_map(|v| v.to_ne_bytes()).collect())
    }

    fn offsets64(values: &[i64]) -> Option<Vec<u8>> {
        Some(values.iter().flat_map(|v| v.to_ne_bytes()).collect())
    }

    fn bitmap(valid: &[bool]) -> Option<Vec<u8>> {
        let mut bytes = vec![0u8; valid.len().div_ceil(8)];
        for (i, &v) in valid.iter().enumerate() {
            if v {
                bytes[i / 8] |= 1 << (i % 8);
            }
        }
        Some(bytes)
    }

    /// Offsets and data of `texts`, laid end to end.
    fn pack(texts: &[&str]) -> (Vec<i64>, Vec<u8>) {
        let mut offsets = vec![0i64];
        let mut data = Vec::new();
        for t in texts {
            data.extend_from_slice(t.as_bytes());
            offsets.push(data.len() as i64);
        }
        (offsets, data)
    }

    fn utf8_array(texts: &[&str], released: &Arc<AtomicUsize>) -> ArrowArray {
        let (offsets, data) = pack(texts);
        let offsets: Vec<i32> = offsets.iter().map(|&o| o as i32).collect();
        array(
            texts.len() as i64,
            0,
            0,
            vec![None, offsets32(&offsets), Some(data)],
            released,
        )
    }

    fn strs(imported: &ImportedStrings) -> Vec<String> {
        imported
            .texts()
            .unwrap()
            .into_iter()
            .map(|t| match t {
                RawText::Str(s) => s.to_owned(),
                RawText::Utf8Bytes(b) => format!("b{:?}", String::from_utf8_lossy(b)),
                other => panic!("unexpected {other:?}"),
            })
            .collect()
    }

    fn import(format: &str, array: ArrowArray) -> Result<ImportedStrings, ArrowError> {
        let released = counter();
        let result = unsafe { ImportedStrings::from_array(schema(format, &released), array) };
        assert_eq!(released.load(SeqCst), 1, "the schema is released at import");
        result
    }

    // -- Views.

    fn view_inline(text: &[u8]) -> [u8; 16] {
        assert!(text.len() <= 12);
        let mut view = [0u8; 16];
        view[..4].copy_from_slice(&(text.len() as i32).to_ne_bytes());
        view[4..4 + text.len()].copy_from_slice(text);
        view
    }

    fn view_ref(len: i32, buffer: i32, offset: i32, prefix: &[u8]) -> [u8; 16] {
        let mut view = [0u8; 16];
        view[..4].copy_from_slice(&len.to_ne_bytes());
        view[4..8].copy_from_slice(&prefix[..4]);
        view[8..12].copy_from_slice(&buffer.to_ne_bytes());
        view[12..].copy_from_slice(&offset.to_ne_bytes());
        view
    }

    /// A view array of `texts` with long ones in two variadic buffers (alternating).
    fn view_array(texts: &[Option<&str>], offset: i64, released: &Arc<AtomicUsize>) -> ArrowArray {
        let mut views = Vec::new();
        let mut data = [Vec::new(), Vec::new()];
        let mut long = 0;
        for t in texts {
            match t {
                None => views.extend_from_slice(&[0xAB; 16]), // garbage: undefined under a null
                Some(t) if t.len() <= 12 => views.extend_from_slice(&view_inline(t.as_bytes())),
                Some(t) => {
                    let b = long % 2;
                    long += 1;
                    let at = data[b].len();
                    data[b].extend_from_slice(b"--"); // something before, so offsets matter
                    let at = at + 2;
                    data[b].extend_from_slice(t.as_bytes());
                    views.extend_from_slice(&view_ref(
                        t.len() as i32,
                        b as i32,
                        at as i32,
                        t.as_bytes(),
                    ));
                }
            }
        }
        let valid: Vec<bool> = texts.iter().map(Option::is_some).collect();
        let nulls = valid.iter().filter(|v| !**v).count() as i64;
        let sizes = offsets64(&[data[0].len() as i64, data[1].len() as i64]);
        let [d0, d1] = data;
        array(
            texts.len() as i64 - offset,
            offset,
            if nulls > 0 { -1 } else { 0 },
            vec![
                if nulls > 0 { bitmap(&valid) } else { None },
                Some(views),
                Some(d0),
                Some(d1),
                sizes,
            ],
            released,
        )
    }

    // -- Streams built by hand.

    struct OwnedStream {
        format: String,
        chunks: VecDeque<ArrowArray>,
        fail_after: Option<usize>,
        served: usize,
        error: CString,
        released: Arc<AtomicUsize>,
        schemas_released: Arc<AtomicUsize>,
    }

    unsafe extern "C" fn stream_get_schema(
        stream: *mut ArrowArrayStream,
        out: *mut ArrowSchema,
    ) -> c_int {
        unsafe {
            let owned = &*(*stream).private_data.cast::<OwnedStream>();
            ptr::write(out, schema(&owned.format, &owned.schemas_released));
        }
        0
    }

    unsafe extern "C" fn stream_get_next(
        stream: *mut ArrowArrayStream,
        out: *mut ArrowArray,
    ) -> c_int {
        unsafe {
            let owned = &mut *(*stream).private_data.cast::<OwnedStream>();
            if owned.fail_after == Some(owned.served) {
                return 5; // EIO
            }
            owned.served += 1;
            match owned.chunks.pop_front() {
                Some(chunk) => ptr::write(out, chunk),
                None => ptr::write(out, ArrowArray::empty()),
            }
        }
        0
    }

    unsafe extern "C" fn stream_last_error(stream: *mut ArrowArrayStream) -> *const c_char {
        unsafe {
            (*(*stream).private_data.cast::<OwnedStream>())
                .error
                .as_ptr()
        }
    }

    unsafe extern "C" fn stream_release(stream: *mut ArrowArrayStream) {
        unsafe {
            assert!((*stream).release.is_some(), "released twice");
            let owned = Box::from_raw((*stream).private_data.cast::<OwnedStream>());
            owned.released.fetch_add(1, SeqCst);
            drop(owned); // releases the chunks not served
            (*stream).release = None;
        }
    }

    fn stream(
        format: &str,
        chunks: Vec<ArrowArray>,
        fail_after: Option<usize>,
        released: &Arc<AtomicUsize>,
        schemas_released: &Arc<AtomicUsize>,
    ) -> ArrowArrayStream {
        let owned = Box::new(OwnedStream {
            format: format.into(),
            chunks: chunks.into(),
            fail_after,
            served: 0,
            error: CString::new("the disk is on fire").unwrap(),
            released: released.clone(),
            schemas_released: schemas_released.clone(),
        });
        ArrowArrayStream {
            get_schema: Some(stream_get_schema),
            get_next: Some(stream_get_next),
            get_last_error: Some(stream_last_error),
            release: Some(stream_release),
            private_data: Box::into_raw(owned).cast(),
        }
    }

    // -- The tests.

    #[test]
    fn imported_strings_can_go_to_other_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<ImportedStrings>();
    }

    #[test]
    fn utf8_is_read_in_place_and_released_once() {
        let released = counter();
        let imported = import("u", utf8_array(&["a", "", "ভাষা", "zz"], &released)).unwrap();
        assert_eq!(strs(&imported), ["a", "", "ভাষা", "zz"]);
        assert_eq!(
            (imported.len(), imported.null_count(), imported.format()),
            (4, 0, "u")
        );
        assert!(!imported.is_binary());
        // Zero copy: the view is inside the array's data buffer.
        let data = imported.chunks[0]._array.buffers;
        let data = unsafe { *data.add(2) }.cast::<u8>();
        match imported.texts().unwrap()[2] {
            RawText::Str(s) => assert_eq!(s.as_ptr(), unsafe { data.add(1) }),
            _ => unreachable!(),
        }
        assert_eq!(released.load(SeqCst), 0);
        drop(imported);
        assert_eq!(released.load(SeqCst), 1);
    }

    #[test]
    fn large_utf8_and_slices() {
        let released = counter();
        let (offsets, data) = pack(&["skip", "αβ", "", "γ", "tail"]);
        // Rows 1..4 of the buffers.
        let arr = array(
            3,
            1,
            0,
            vec![None, offsets64(&offsets), Some(data)],
            &released,
        );
        let imported = import("U", arr).unwrap();
        assert_eq!(strs(&imported), ["αβ", "", "γ"]);
        drop(imported);
        assert_eq!(released.load(SeqCst), 1);

        // Sliced int32 offsets that do not start at 0, and a data buffer longer than needed.
        let released = counter();
        let arr = array(
            2,
            1,
            0,
            vec![
                None,
                offsets32(&[3, 5, 8, 9]),
                Some(b"xyzabcdefghij".to_vec()),
            ],
            &released,
        );
        let imported = import("u", arr).unwrap();
        assert_eq!(strs(&imported), ["cde", "f"]);
    }

    #[test]
    fn nulls_are_reported_with_their_index() {
        let released = counter();
        let (offsets, data) = pack(&["a", "", "c", "d", "e", "f", "g", "h", "i", "j"]);
        let offsets: Vec<i32> = offsets.iter().map(|&o| o as i32).collect();
        let valid = [true, true, true, true, true, true, true, true, true, false];
        let arr = array(
            9,
            1,
            1,
            vec![bitmap(&valid), offsets32(&offsets), Some(data)],
            &released,
        );
        let imported = import("u", arr).unwrap();
        assert_eq!(imported.null_count(), 1);
        assert_eq!(imported.first_null(), Some(8)); // bit 9 with offset 1
        assert_eq!(imported.texts().unwrap_err(), ArrowError::Null { index: 8 });
        let all = imported.texts_or_nulls().unwrap();
        assert_eq!(all.len(), 9);
        assert!(all[8].is_none() && all[0].is_some());
        assert!(ArrowError::Null { index: 8 }
            .to_string()
            .contains("document 8 is null"));
        drop(imported);
        assert_eq!(released.load(SeqCst), 1);
    }

    #[test]
    fn null_count_and_bitmap_rules() {
        // Unknown null count (-1) without a bitmap: no nulls.
        let released = counter();
        let arr = array(
            1,
            0,
            -1,
            vec![None, offsets32(&[0, 1]), Some(b"a".to_vec())],
            &released,
        );
        assert_eq!(strs(&import("u", arr).unwrap()), ["a"]);
        // A null count of 0 makes the bitmap irrelevant.
        let arr = array(
            1,
            0,
            0,
            vec![bitmap(&[false]), offsets32(&[0, 1]), Some(b"a".to_vec())],
            &released,
        );
        assert_eq!(strs(&import("u", arr).unwrap()), ["a"]);
        // Nulls without a bitmap are malformed (and the array is still released).
        let arr = array(
            1,
            0,
            1,
            vec![None, offsets32(&[0, 1]), Some(b"a".to_vec())],
            &released,
        );
        assert!(matches!(import("u", arr), Err(ArrowError::Malformed(m)) if m.contains("bitmap")));
        assert_eq!(released.load(SeqCst), 3);
    }

    #[test]
    fn empty_arrays_and_empty_strings() {
        let released = counter();
        // Length 0: no buffer is needed.
        let arr = array(0, 0, 0, vec![None, None, None], &released);
        let imported = import("u", arr).unwrap();
        assert!(imported.is_empty());
        assert_eq!(imported.texts().unwrap().len(), 0);
        drop(imported);
        // Only empty strings: the data buffer may be null.
        let arr = array(2, 0, 0, vec![None, offsets32(&[0, 0, 0]), None], &released);
        assert_eq!(strs(&import("u", arr).unwrap()), ["", ""]);
        // ... but not when the last offset says there is data.
        let arr = array(1, 0, 0, vec![None, offsets32(&[0, 2]), None], &released);
        assert!(matches!(import("u", arr), Err(ArrowError::Malformed(_))));
        assert_eq!(released.load(SeqCst), 3);
    }

    #[test]
    fn malformed_offsets_are_errors_not_reads() {
        let cases: Vec<(&str, Vec<i32>, &str)> = vec![
            ("decreasing", vec![0, 3, 2, 4], "document 1"),
            ("negative first", vec![-1, 2, 3, 4], "document 0"),
            ("past the last", vec![0, 9, 3, 4], "document 0"),
            ("negative last", vec![0, 1, 2, -4], "last offset"),
        ];
        for (what, offsets, expected) in cases {
            let released = counter();
            let arr = array(
                3,
                0,
                0,
                vec![None, offsets32(&offsets), Some(b"abcd".to_vec())],
                &released,
            );
            match import("u", arr) {
                Err(ArrowError::Malformed(m)) => assert!(m.contains(expected), "{what}: {m}"),
                other => panic!("{what}: {other:?}"),
            }
            assert_eq!(released.load(SeqCst), 1, "{what}");
        }
        // Offsets under a null row must increase too.
        let released = counter();
        let arr = array(
            3,
            0,
            1,
            vec![
                bitmap(&[true, false, true]),
                offsets32(&[0, 2, 1, 2]),
                Some(b"ab".to_vec()),
            ],
            &released,
        );
        assert!(
            matches!(import("u", arr), Err(ArrowError::Malformed(m)) if m.contains("document 1"))
        );
        // Wrong number of buffers, negative length.
        let arr = array(1, 0, 0, vec![None, offsets32(&[0, 1])], &released);
        assert!(matches!(import("u", arr), Err(ArrowError::Malformed(m)) if m.contains("buffers")));
        let arr = array(-1, 0, 0, vec![None, offsets32(&[0]), None], &released);
        assert!(matches!(import("u", arr), Err(ArrowError::Malformed(_))));
        let arr = array(1, 0, 0, vec![None, None, None], &released);
        assert!(matches!(import("u", arr), Err(ArrowError::Malformed(m)) if m.contains("offsets")));
        assert_eq!(released.load(SeqCst), 4);
    }

    #[test]
    fn invalid_utf8_names_the_row_but_binary_is_bytes() {
        let released = counter();
        let make = || {
            array(
                3,
                0,
                0,
                vec![
                    None,
                    offsets32(&[0, 1, 3, 4]),
                    Some(vec![b'a', 0xC3, 0x28, b'b']),
                ],
                &released,
            )
        };
        let imported = import("u", make()).unwrap();
        match imported.texts().unwrap_err() {
            ArrowError::InvalidUtf8 { index, problem } => {
                assert_eq!(index, 1);
                assert_eq!(
                    problem,
                    DocumentProblem::InvalidUtf8 {
                        offset: 0,
                        bytes: vec![0xC3]
                    }
                );
            }
            other => panic!("{other:?}"),
        }
        let imported = import("z", make()).unwrap();
        assert!(imported.is_binary());
        let texts = imported.texts().unwrap();
        assert!(matches!(texts[1], RawText::Utf8Bytes(&[0xC3, 0x28])));
        let imported = import("Z", {
            array(
                1,
                0,
                0,
                vec![None, offsets64(&[0, 2]), Some(vec![0xFF, 0xFE])],
                &released,
            )
        })
        .unwrap();
        assert!(matches!(
            imported.texts().unwrap()[0],
            RawText::Utf8Bytes(&[0xFF, 0xFE])
        ));
    }

    #[test]
    fn string_views_inline_and_in_variadic_buffers() {
        let released = counter();
        let texts = [
            Some("short"),
            Some("exactly12byt"),
            Some("a much longer string than twelve"),
            None,
            Some(""),
            Some("বাংলা ভাষা একটি ইন্দো-আর্য ভাষা"),
        ];
        let imported = import("vu", view_array(&texts, 0, &released)).unwrap();
        assert_eq!(imported.null_count(), 1);
        let all = imported.texts_or_nulls().unwrap();
        let got: Vec<Option<&str>> = all
            .iter()
            .map(|t| {
                t.map(|t| match t {
                    RawText::Str(s) => s,
                    _ => unreachable!(),
                })
            })
            .collect();
        assert_eq!(got, texts);
        assert_eq!(imported.texts().unwrap_err(), ArrowError::Null { index: 3 });
        // Inline strings borrow the views buffer; long ones their variadic buffer.
        let views = unsafe { *imported.chunks[0]._array.buffers.add(1) }.cast::<u8>();
        let d1 = unsafe { *imported.chunks[0]._array.buffers.add(3) }.cast::<u8>();
        match (all[0].unwrap(), all[5].unwrap()) {
            (RawText::Str(a), RawText::Str(b)) => {
                assert_eq!(a.as_ptr(), unsafe { views.add(4) });
                assert_eq!(b.as_ptr(), unsafe { d1.add(2) });
            }
            _ => unreachable!(),
        }
        drop(all);
        drop(imported);
        assert_eq!(released.load(SeqCst), 1);

        // Sliced: the offset skips views (and their nulls).
        let imported = import("vu", view_array(&texts, 4, &released)).unwrap();
        assert_eq!(strs(&imported), ["", "বাংলা ভাষা একটি ইন্দো-আর্য ভাষা"]);
        // Binary views.
        let imported = import("vz", view_array(&[Some("abc")], 0, &released)).unwrap();
        assert!(matches!(
            imported.texts().unwrap()[0],
            RawText::Utf8Bytes(b"abc")
        ));
    }

    #[test]
    fn malformed_views_are_errors() {
        let released = counter();
        let long = b"0123456789abcdef";
        let cases: Vec<([u8; 16], &str)> = vec![
            (view_ref(16, 2, 0, long), "variadic buffer 2"),
            (view_ref(16, -1, 0, long), "variadic buffer -1"),
            (view_ref(16, 0, 1, long), "outside"),
            (view_ref(16, 0, -1, long), "outside"),
            (view_ref(-3, 0, 0, long), "negative length"),
        ];
        for (view, expected) in cases {
            let arr = array(
                1,
                0,
                0,
                vec![
                    None,
                    Some(view.to_vec()),
                    Some(long.to_vec()),
                    None,
                    offsets64(&[16, 0]),
                ],
                &released,
            );
            match import("vu", arr) {
                Err(ArrowError::Malformed(m)) => assert!(m.contains(expected), "{m}"),
                other => panic!("{other:?}"),
            }
        }
        // A good one with the same buffers reads.
        let arr = array(
            1,
            0,
            0,
            vec![
                None,
                Some(view_ref(16, 0, 0, long).to_vec()),
                Some(long.to_vec()),
                None,
                offsets64(&[16, 0]),
            ],
            &released,
        );
        assert_eq!(strs(&import("vu", arr).unwrap()), ["0123456789abcdef"]);
        // A variadic buffer whose size says it has bytes must be there.
        let arr = array(0, 0, 0, vec![None, None, None, offsets64(&[4])], &released);
        assert!(import("vu", arr).is_ok(), "length 0 reads nothing");
        let arr = array(
            1,
            0,
            0,
            vec![
                None,
                Some(view_inline(b"x").to_vec()),
                None,
                offsets64(&[4]),
            ],
            &released,
        );
        assert!(
            matches!(import("vu", arr), Err(ArrowError::Malformed(m)) if m.contains("missing"))
        );
        assert_eq!(released.load(SeqCst), 8);
    }

    #[test]
    fn streams_of_chunks_count_rows_across_chunks() {
        let (released, stream_released, schemas) = (counter(), counter(), counter());
        let (offsets, data) = pack(&["c", "d", "e"]);
        let offsets: Vec<i32> = offsets.iter().map(|&o| o as i32).collect();
        let chunks = vec![
            utf8_array(&["a", "b"], &released),
            array(0, 0, 0, vec![None, None, None], &released),
            array(
                3,
                0,
                1,
                vec![
                    bitmap(&[true, false, true]),
                    offsets32(&offsets),
                    Some(data),
                ],
                &released,
            ),
        ];
        let s = stream("u", chunks, None, &stream_released, &schemas);
        let imported = unsafe { ImportedStrings::from_stream(s) }.unwrap();
        // The stream and its schema are released once imported; the empty chunk too.
        assert_eq!(stream_released.load(SeqCst), 1);
        assert_eq!(schemas.load(SeqCst), 1);
        assert_eq!(released.load(SeqCst), 1);
        assert_eq!((imported.len(), imported.num_chunks()), (5, 2));
        assert_eq!(imported.texts().unwrap_err(), ArrowError::Null { index: 3 });
        assert_eq!(imported.first_null(), Some(3));
        let all = imported.texts_or_nulls().unwrap();
        assert!(matches!(all[4], Some(RawText::Str("e"))));
        drop(all);
        drop(imported);
        assert_eq!(released.load(SeqCst), 3);
    }

    #[test]
    fn stream_errors_and_wrong_types_release_everything() {
        let (released, stream_released, schemas) = (counter(), counter(), counter());
        let chunks = vec![utf8_array(&["a"], &released), utf8_array(&["b"], &released)];
        let s = stream("u", chunks, Some(1), &stream_released, &schemas);
        let error = unsafe { ImportedStrings::from_stream(s) }.unwrap_err();
        assert_eq!(
            error,
            ArrowError::Stream {
                code: 5,
                message: "the disk is on fire".into()
            }
        );
        assert_eq!(
            released.load(SeqCst),
            2,
            "the served chunk, and the unserved one"
        );
        assert_eq!(stream_released.load(SeqCst), 1);

        let chunks = vec![utf8_array(&["a"], &released)];
        let s = stream("l", chunks, None, &stream_released, &schemas);
        let error = unsafe { ImportedStrings::from_stream(s) }.unwrap_err();
        assert!(
            error.to_string().contains("got int64 (format \"l\")"),
            "{error}"
        );
        assert_eq!(released.load(SeqCst), 3);
        assert_eq!(stream_released.load(SeqCst), 2);
        assert_eq!(schemas.load(SeqCst), 2);

        // A released stream is refused without calling anything.
        let empty = ArrowArrayStream::empty();
        assert!(matches!(
            unsafe { ImportedStrings::from_stream(empty) },
            Err(ArrowError::Malformed(_))
        ));
    }

    #[test]
    fn unsupported_types_are_named() {
        let released = counter();
        let arr = || utf8_array(&["a"], &released);
        let fields = vec![
            schema_with("u", "text", vec![], None, &released),
            schema_with("l", "id", vec![], None, &released),
        ];
        let table = schema_with("+s", "", fields, None, &released);
        let error = unsafe { ImportedStrings::from_array(table, arr()) }.unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("struct<text: string, id: int64>"),
            "{message}"
        );
        assert!(message.contains("table['text']"), "{message}");
        assert!(matches!(error, ArrowError::UnsupportedType { ref format, .. } if format == "+s"));

        let dict = schema_with("i", "", vec![], Some(schema("u", &released)), &released);
        let message = unsafe { ImportedStrings::from_array(dict, arr()) }
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("dictionary<values=string, indices=int32>"),
            "{message}"
        );
        assert!(message.contains("dictionary_decode"), "{message}");

        let list = schema_with("+l", "", vec![schema("u", &released)], None, &released);
        let message = unsafe { ImportedStrings::from_array(list, arr()) }
            .unwrap_err()
            .to_string();
        assert!(message.contains("list<string>"), "{message}");
        let ts = schema("tsu:UTC", &released);
        let message = unsafe { ImportedStrings::from_array(ts, arr()) }
            .unwrap_err()
            .to_string();
        assert!(message.contains("timestamp"), "{message}");
        // 4 arrays; schemas: 3 + 2 + 2 + 1.
        assert_eq!(released.load(SeqCst), 4 + 8);
    }

    #[test]
    fn texts_in_parallel_reports_the_first_problem() {
        let released = counter();
        let n = 100_000;
        let mut data = Vec::new();
        let mut offsets = vec![0i32];
        let mut valid = vec![true; n];
        for i in 0..n {
            if i == 50_000 || i == 70_000 {
                data.extend_from_slice(b"\xff");
            } else {
                data.extend_from_slice(format!("doc {i}").as_bytes());
            }
            offsets.push(data.len() as i32);
        }
        valid[60_000] = false;
        valid[90_000] = false;
        let make = |valid: &[bool], released: &Arc<AtomicUsize>| {
            array(
                n as i64,
                0,
                -1,
                vec![bitmap(valid), offsets32(&offsets), Some(data.clone())],
                released,
            )
        };
        for _ in 0..5 {
            let chunks = vec![utf8_array(&["first"], &released), make(&valid, &released)];
            let s = stream("u", chunks, None, &counter(), &counter());
            let imported = unsafe { ImportedStrings::from_stream(s) }.unwrap();
            match imported.texts().unwrap_err() {
                ArrowError::InvalidUtf8 { index, .. } => assert_eq!(index, 50_001),
                other => panic!("{other:?}"),
            }
            assert_eq!(imported.first_null(), Some(60_001));
            let imported = import("z", make(&valid, &released)).unwrap();
            assert_eq!(
                imported.texts().unwrap_err(),
                ArrowError::Null { index: 60_000 }
            );
            let imported = import("z", make(&vec![true; n], &released)).unwrap();
            let texts = imported.texts().unwrap();
            assert_eq!(texts.len(), n);
            assert!(matches!(texts[n - 1], RawText::Utf8Bytes(b"doc 99999")));
        }
    }

    #[test]
    fn take_moves_and_marks_the_source_released() {
        let released = counter();
        let mut source = utf8_array(&["a"], &released);
        let moved = unsafe { ArrowArray::take(&mut source) };
        assert!(source.is_released() && !moved.is_released());
        drop(source);
        assert_eq!(released.load(SeqCst), 0);
        drop(moved);
        assert_eq!(released.load(SeqCst), 1);
    }
}
