//! Allocations whose size comes from the input: a size the memory cannot hold becomes
//! `Error::OutOfMemory` (Python's `MemoryError`) instead of aborting the process.

use std::alloc::{alloc_zeroed, Layout};

#[cfg(any(feature = "python", test))]
use rayon::prelude::*;

use crate::error::Error;

/// Plain numbers whose all-zero bytes are the value 0.
///
/// # Safety
/// Implement only for types for which every all-zero bit pattern is a valid value.
pub unsafe trait Zeroable: Copy {}

// SAFETY: zero bytes are 0 (or 0.0) for each of these.
unsafe impl Zeroable for u8 {}
unsafe impl Zeroable for u32 {}
unsafe impl Zeroable for i32 {}
unsafe impl Zeroable for u64 {}
unsafe impl Zeroable for usize {}
unsafe impl Zeroable for i64 {}
unsafe impl Zeroable for f32 {}
unsafe impl Zeroable for f64 {}

fn out_of_memory<V>(len: usize, what: &'static str) -> Error {
    Error::OutOfMemory {
        what,
        bytes: len.saturating_mul(std::mem::size_of::<V>()),
    }
}

/// An empty vector with room for `len` values.
pub(crate) fn try_with_capacity<V>(len: usize, what: &'static str) -> Result<Vec<V>, Error> {
    let mut vec = Vec::new();
    vec.try_reserve_exact(len)
        .map_err(|_| out_of_memory::<V>(len, what))?;
    Ok(vec)
}

/// `len` zeros. The memory comes zeroed from the allocator (for large sizes, pages the
/// system maps on first touch), so a table that is mostly written by worker threads is never
/// cleared by one thread first.
pub(crate) fn try_zeroed<V: Zeroable>(len: usize, what: &'static str) -> Result<Vec<V>, Error> {
    if len == 0 || std::mem::size_of::<V>() == 0 {
        return Ok(Vec::new());
    }
    let layout = Layout::array::<V>(len).map_err(|_| out_of_memory::<V>(len, what))?;
    // SAFETY: the layout has a non-zero size (checked above).
    let pointer = unsafe { alloc_zeroed(layout) } as *mut V;
    if pointer.is_null() {
        return Err(out_of_memory::<V>(len, what));
    }
    // SAFETY: the pointer comes from the global allocator with the layout of `len` values of
    // `V` (what a `Vec<V>` of capacity `len` owns), and all `len` values are initialised: zero
    // bytes are a valid `V` (`Zeroable`).
    Ok(unsafe { Vec::from_raw_parts(pointer, len, len) })
}

/// Room in `vec` for `additional` more values (growing as `Vec::reserve` does, so that pushing
/// one at a time stays amortised).
#[inline]
pub(crate) fn try_reserve<V>(
    vec: &mut Vec<V>,
    additional: usize,
    what: &'static str,
) -> Result<(), Error> {
    if vec.capacity() - vec.len() >= additional {
        return Ok(());
    }
    vec.try_reserve(additional)
        .map_err(|_| out_of_memory::<V>(vec.len().saturating_add(additional), what))
}

/// `vec.push(value)`, an error instead of an abort when it cannot grow.
#[inline]
pub(crate) fn try_push<V>(vec: &mut Vec<V>, value: V, what: &'static str) -> Result<(), Error> {
    try_reserve(vec, 1, what)?;
    vec.push(value);
    Ok(())
}

/// `vec.resize(len, value)`, an error instead of an abort when it cannot grow.
#[inline]
pub(crate) fn try_resize<V: Clone>(
    vec: &mut Vec<V>,
    len: usize,
    value: V,
    what: &'static str,
) -> Result<(), Error> {
    try_reserve(vec, len.saturating_sub(vec.len()), what)?;
    vec.resize(len, value);
    Ok(())
}

/// `string.push_str(s)`, an error instead of an abort when it cannot grow.
#[inline]
pub(crate) fn try_push_str(string: &mut String, s: &str, what: &'static str) -> Result<(), Error> {
    if string.capacity() - string.len() < s.len() {
        string
            .try_reserve(s.len())
            .map_err(|_| out_of_memory::<u8>(string.len().saturating_add(s.len()), what))?;
    }
    string.push_str(s);
    Ok(())
}

/// The values of `iter` collected, room for them reserved fallibly first (`iter` tells its
/// length exactly).
pub(crate) fn try_collect<V>(
    iter: impl ExactSizeIterator<Item = V>,
    what: &'static str,
) -> Result<Vec<V>, Error> {
    let mut vec = try_with_capacity(iter.len(), what)?;
    vec.extend(iter);
    Ok(vec)
}

/// `len` copies of `value`.
pub(crate) fn try_filled<V: Clone>(
    len: usize,
    value: V,
    what: &'static str,
) -> Result<Vec<V>, Error> {
    let mut vec = try_with_capacity(len, what)?;
    vec.resize(len, value);
    Ok(vec)
}

/// Shortens `vec` to `len` and gives the memory past it back. A large vector is a mapping of
/// its own (glibc maps every block above its threshold, at most 32 MiB, separately), which
/// shrinking remaps in place: the pages past `len` return to the system at once, so a table
/// that is read from its end can be let go of as it is read.
pub(crate) fn release_tail<V>(vec: &mut Vec<V>, len: usize) {
    vec.truncate(len);
    // Shrinking never asks for memory (glibc keeps the block when it cannot remap it).
    vec.shrink_to_fit();
}

/// Values read from the end of a table that is let go of as it is read: each step of the
/// conversions below frees about this many of them.
pub(crate) const RELEASE_STEP: usize = 1 << 18;

/// `source` converted value by value into a new vector, `source` read from its end a step at a
/// time and released behind the reading ([`release_tail`]), while the new vector's zeroed pages
/// are touched only as they are written: the peak is the larger of the two vectors (plus a step),
/// not their sum. (The bindings turn counts into a matrix's values with it.)
#[cfg(any(feature = "python", test))]
pub(crate) fn try_convert_releasing<A, B>(
    mut source: Vec<A>,
    convert: impl Fn(A) -> B + Sync,
    what: &'static str,
) -> Result<Vec<B>, Error>
where
    A: Copy + Sync,
    B: Zeroable + Send,
{
    let mut converted: Vec<B> = try_zeroed(source.len(), what)?;
    let mut end = source.len();
    while end > 0 {
        let start = end.saturating_sub(RELEASE_STEP);
        converted[start..end]
            .par_iter_mut()
            .zip(&source[start..end])
            .with_min_len(4096)
            .for_each(|(to, &from)| *to = convert(from));
        release_tail(&mut source, start);
        end = start;
    }
    Ok(converted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeroed_vectors_are_zero_and_growable() {
        let mut v: Vec<f64> = try_zeroed(1000, "test").unwrap();
        assert!(v.iter().all(|&x| x == 0.0));
        v.push(1.0);
        assert_eq!(v.len(), 1001);
        assert!(try_zeroed::<u32>(0, "test").unwrap().is_empty());
    }

    #[test]
    fn impossible_sizes_are_errors_not_aborts() {
        let huge = usize::MAX / 4;
        assert!(matches!(
            try_zeroed::<u64>(huge, "the table"),
            Err(Error::OutOfMemory {
                what: "the table",
                ..
            })
        ));
        assert!(try_with_capacity::<u64>(huge, "x").is_err());
        assert!(try_filled(huge, 0u64, "x").is_err());
        let mut v = vec![1u64];
        assert!(try_reserve(&mut v, huge, "x").is_err());
        assert!(try_resize(&mut v, huge, 0, "x").is_err());
        assert_eq!(v, [1], "a failed growth leaves the vector as it was");
        let mut s = String::from("a");
        let long = "b".repeat(100);
        try_push_str(&mut s, &long, "x").unwrap();
        assert_eq!(s.len(), 101);
        try_push(&mut v, 2, "x").unwrap();
        assert_eq!(v, [1, 2]);
        assert_eq!(try_collect(0..5u32, "x").unwrap(), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn conversions_keep_every_value_in_place() {
        for n in [0, 1, RELEASE_STEP - 1, RELEASE_STEP, 3 * RELEASE_STEP + 7] {
            let source: Vec<u32> = (0..n as u32).collect();
            let converted = try_convert_releasing(source, |v| v as f64 * 0.5, "x").unwrap();
            assert_eq!(converted.len(), n);
            assert!(converted
                .iter()
                .enumerate()
                .all(|(i, &v)| v == i as f64 * 0.5));
        }
        let mut v: Vec<u32> = (0..100).collect();
        release_tail(&mut v, 10);
        assert_eq!(v, (0..10).collect::<Vec<_>>());
        assert_eq!(v.capacity(), 10);
    }
}
