//! The runtime layer: allocation that fails with an error instead of aborting, thread pools
//! sized by `n_jobs`, work shared out per worker thread, and the stop flag and progress count
//! through which a waiting caller cancels and follows work, and prefetch hints for lookups in
//! tables larger than the caches.
//!
//! May use: `error`. Knows nothing of text, features or matrices.

pub(crate) mod alloc;
pub(crate) mod cancel;
pub(crate) mod per_worker;
pub(crate) mod pools;
pub(crate) mod prefetch;
