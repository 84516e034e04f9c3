//! The three `#[repr(C)]` structs of the Arrow C data interface and C stream interface, each
//! owning what it describes: dropping one calls its producer's `release` exactly once.

use std::ffi::{c_char, c_int, c_void};
use std::ptr;

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
