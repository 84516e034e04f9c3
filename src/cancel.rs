//! Cooperative cancellation: a long call stops early when its caller asks (Ctrl-C in Python).
//!
//! Every thread pool has one stop flag, and each of its threads can read it through a
//! thread-local, so the core checks it without being handed a token: `checkpoint()` at cheap
//! boundaries (per document, per row, per merged chunk). The caller that owns the pool sets the
//! flag, waits for the workers to reach their next checkpoint and throws the partial result
//! away; nothing a cancelled call made is ever returned, so no result is silently wrong.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use crate::analyze::Scratch;
use crate::count::FeatureSource;
use crate::error::{Error, Result};

/// A stop flag shared by the caller and the workers of one pool, and a count of the work done
/// (rows, say), which the waiting caller can report as progress while the work runs.
#[derive(Clone, Debug, Default)]
pub struct StopFlag {
    stop: Arc<AtomicBool>,
    done: Arc<AtomicUsize>,
}

impl StopFlag {
    pub fn request_stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Lowers the flag and zeroes the count, for the pool's next piece of work.
    pub fn reset(&self) {
        self.stop.store(false, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
    }

    pub fn is_raised(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// How much work the pool's threads have reported done since the last reset.
    pub fn done(&self) -> usize {
        self.done.load(Ordering::Relaxed)
    }
}

thread_local! {
    static CURRENT: RefCell<Option<StopFlag>> = const { RefCell::new(None) };
}

/// Makes `flag` the one this thread's checkpoints read (a pool's threads call it when they
/// start; it lasts as long as the thread).
pub fn watch_on_this_thread(flag: StopFlag) {
    CURRENT.with(|current| *current.borrow_mut() = Some(flag));
}

/// Whether the work running on this thread has been asked to stop.
#[inline]
pub fn is_cancelled() -> bool {
    CURRENT.with(|current| current.borrow().as_ref().is_some_and(StopFlag::is_raised))
}

/// Reports `amount` more work done by this thread (read by a caller showing progress; free of
/// effect on a thread outside textsim's pools).
#[inline]
pub fn advance(amount: usize) {
    CURRENT.with(|current| {
        if let Some(flag) = current.borrow().as_ref() {
            flag.done.fetch_add(amount, Ordering::Relaxed);
        }
    });
}

/// `Err(Error::Cancelled)` once the work running on this thread has been asked to stop.
#[inline]
pub fn checkpoint() -> Result<()> {
    if is_cancelled() {
        Err(Error::Cancelled)
    } else {
        Ok(())
    }
}

/// A feature source that stops before each document once its work is cancelled: a fit or
/// transform of many documents ends within one document's time of the request.
pub struct Cancellable<'a> {
    pub source: &'a dyn FeatureSource,
}

impl FeatureSource for Cancellable<'_> {
    fn n_documents(&self) -> usize {
        self.source.n_documents()
    }

    fn for_each_feature(
        &self,
        i: usize,
        scratch: &mut Scratch,
        feature: &mut dyn FnMut(&str),
    ) -> Result<()> {
        checkpoint()?;
        self.source.for_each_feature(i, scratch, feature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_without_a_flag_is_never_cancelled() {
        std::thread::spawn(|| assert_eq!(checkpoint(), Ok(())))
            .join()
            .unwrap();
    }

    #[test]
    fn checkpoints_follow_the_flag_of_their_thread() {
        let flag = StopFlag::default();
        let watched = flag.clone();
        std::thread::spawn(move || {
            watch_on_this_thread(watched.clone());
            assert!(!is_cancelled());
            watched.request_stop();
            assert_eq!(checkpoint(), Err(Error::Cancelled));
            watched.reset();
            assert_eq!(checkpoint(), Ok(()));
        })
        .join()
        .unwrap();
        assert!(!flag.is_raised());
    }
}
