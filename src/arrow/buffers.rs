//! One imported array's buffers, checked when it is imported (offsets increasing and inside the
//! data buffer, views inside their variadic buffers), so that reading a row later cannot go out
//! of bounds.

use std::ptr;

use crate::arrow::ffi::ArrowArray;
use crate::arrow::format::{Kind, Layout};
use crate::error::ArrowError;

// Every read of an offset or a view is unaligned: the specification only
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
pub(crate) struct Chunk {
    pub(crate) len: usize,
    /// The validity bitmap, and the bit of the array's first row; null when no row is null.
    validity: *const u8,
    validity_bit: usize,
    values: Values,
    pub(crate) null_count: usize,
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
    pub(crate) unsafe fn import(
        array: ArrowArray,
        kind: Kind,
        first_row: usize,
    ) -> Result<Self, ArrowError> {
        if array.is_released() {
            return Err(ArrowError::malformed("an array was already released"));
        }
        let len = usize::try_from(array.length).map_err(|_| {
            ArrowError::malformed(format!("negative array length {}", array.length))
        })?;
        let offset = usize::try_from(array.offset).map_err(|_| {
            ArrowError::malformed(format!("negative array offset {}", array.offset))
        })?;
        // The largest byte offset computed from them (views of 16 bytes, offsets + 1 entry).
        offset
            .checked_add(len)
            .and_then(|end| end.checked_add(1))
            .and_then(|end| end.checked_mul(16))
            .filter(|&bytes| bytes <= isize::MAX as usize)
            .ok_or_else(|| ArrowError::malformed("the array's offset + length overflows"))?;
        let n_buffers = usize::try_from(array.n_buffers).unwrap_or(usize::MAX);
        let expected = match kind.layout {
            Layout::Offsets32 | Layout::Offsets64 => n_buffers == 3,
            Layout::Views => n_buffers >= 3 && n_buffers != usize::MAX,
        };
        if !expected {
            return Err(ArrowError::malformed(format!(
                "{} buffers for a {} array",
                array.n_buffers,
                match kind.layout {
                    Layout::Offsets32 | Layout::Offsets64 => "string or binary (3 expected)",
                    Layout::Views => "view (at least 3 expected)",
                }
            )));
        }
        if array.buffers.is_null() {
            return Err(ArrowError::malformed("the array has no buffer list"));
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
                    return Err(ArrowError::malformed(format!(
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
                        return Err(ArrowError::malformed("the offsets buffer is missing"));
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
                        .ok_or_else(|| {
                            ArrowError::malformed(format!("the last offset is {last}"))
                        })?;
                    let data = buffer(2);
                    if data.is_null() && data_len > 0 {
                        return Err(ArrowError::malformed(format!(
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
                        return Err(ArrowError::malformed("the views buffer is missing"));
                    }
                    let n_data = n_buffers - 3;
                    let sizes = buffer(n_buffers - 1);
                    if sizes.is_null() && n_data > 0 {
                        return Err(ArrowError::malformed(
                            "the variadic buffer sizes are missing",
                        ));
                    }
                    let mut buffers = Vec::with_capacity(n_data);
                    for i in 0..n_data {
                        // SAFETY: the sizes buffer has one int64 per variadic buffer.
                        let size = unsafe { read_i64(sizes, i) };
                        let size = usize::try_from(size)
                            .ok()
                            .filter(|&n| n <= isize::MAX as usize)
                            .ok_or_else(|| {
                                ArrowError::malformed(format!(
                                    "variadic buffer {i} has size {size}"
                                ))
                            })?;
                        let data = buffer(2 + i);
                        if data.is_null() && size > 0 {
                            return Err(ArrowError::malformed(format!(
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
                    return Err(ArrowError::malformed(format!(
                        "document {}: {message}",
                        first_row + row
                    )))
                }
            }
        }
        chunk.null_count = nulls;
        Ok(chunk)
    }

    /// Buffer `i` of the array (for tests that check where views point).
    #[cfg(test)]
    pub(crate) fn buffer(&self, i: usize) -> *const u8 {
        // SAFETY: tests ask for buffers the array has.
        unsafe { *self._array.buffers.add(i) }.cast()
    }

    pub(crate) fn is_null(&self, row: usize) -> bool {
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
    pub(crate) fn slot(&self, row: usize) -> Result<Option<&[u8]>, String> {
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
