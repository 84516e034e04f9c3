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
//!
//! The structs (`ffi.rs`), what a format string says (`format.rs`), the checked buffers of one
//! array (`buffers.rs`) and the imported column (`column.rs`).
//!
//! May use: `error`, `text` (documents become its raw text views).

pub(crate) mod buffers;
pub(crate) mod column;
pub(crate) mod ffi;
pub(crate) mod format;

#[cfg(test)]
mod tests;
