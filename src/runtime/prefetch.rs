//! Asking the processor for memory ahead of its use: a loop of lookups in a table larger than
//! the caches can name the places it will read a few dozen steps early, so that its misses
//! overlap instead of following one another.

/// Asks the processor to bring the cache line at `address` in; nothing where there is no such
/// instruction to ask with.
#[inline(always)]
pub(crate) fn prefetch_address<T>(address: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch only hints the cache; it dereferences nothing and cannot fault, whatever
    // the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(address.cast::<i8>())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = address;
}
