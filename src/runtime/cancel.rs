//! Cooperative cancellation and progress: a long call stops early when its caller asks (Ctrl-C
//! in Python), and tells the waiting caller how much of it is done.
//!
//! Every thread pool has one stop flag, and each of its threads can read it through a
//! thread-local, so the core checks it without being handed a token: `checkpoint()` at cheap
//! boundaries (per document, per row, per merged chunk). The caller that owns the pool sets the
//! flag, waits for the workers to reach their next checkpoint and throws the partial result
//! away; nothing a cancelled call made is ever returned, so no result is silently wrong.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use crate::error::{Error, Result};

/// A stop flag shared by the caller and the workers of one pool, and a count of the work done
/// (rows, say), which the waiting caller can report as progress while the work runs.
#[derive(Clone, Debug, Default)]
pub(crate) struct StopFlag {
    stop: Arc<AtomicBool>,
    done: Arc<AtomicUsize>,
}

impl StopFlag {
    pub(crate) fn request_stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Lowers the flag and zeroes the count, for the pool's next piece of work.
    pub(crate) fn reset(&self) {
        self.stop.store(false, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
    }

    pub(crate) fn is_raised(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// How much work the pool's threads have reported done since the last reset.
    pub(crate) fn done(&self) -> usize {
        self.done.load(Ordering::Relaxed)
    }
}

thread_local! {
    static CURRENT: RefCell<Option<StopFlag>> = const { RefCell::new(None) };
}

/// Makes `flag` the one this thread's checkpoints read (a pool's threads call it when they
/// start; it lasts as long as the thread).
pub(crate) fn watch_on_this_thread(flag: StopFlag) {
    CURRENT.with(|current| *current.borrow_mut() = Some(flag));
}

/// Whether the work running on this thread has been asked to stop.
#[inline]
pub(crate) fn is_cancelled() -> bool {
    CURRENT.with(|current| current.borrow().as_ref().is_some_and(StopFlag::is_raised))
}

/// Reports `amount` more work done by this thread (read by a caller showing progress; free of
/// effect on a thread outside textsim's pools).
#[inline]
pub(crate) fn advance(amount: usize) {
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
