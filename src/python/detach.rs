//! The one place the interpreter lock is released: core work runs on a pool of `n_jobs`
//! threads without it, a panic becomes an exception, and on Python's main thread the caller
//! wakes every 50 ms to run signal handlers (Ctrl-C stops the work at its next checkpoint and
//! nothing it made is kept) and to move a progress bar by the work the core reports done.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::prelude::*;

use crate::error::Error;
use crate::python::errors::internal_error;
use crate::runtime::pools;

/// Whether this thread is Python's main thread, the one signal handlers run on (only its
/// calls can be interrupted; elsewhere `check_signals` never reports anything).
fn on_main_thread(py: Python<'_>) -> bool {
    static MAIN_THREAD: pyo3::sync::PyOnceLock<Option<u64>> = pyo3::sync::PyOnceLock::new();
    let main = MAIN_THREAD.get_or_init(py, || {
        py.import("threading")
            .and_then(|threading| threading.call_method0("main_thread"))
            .and_then(|thread| thread.getattr("ident"))
            .and_then(|ident| ident.extract::<u64>())
            .ok()
    });
    // SAFETY: PyThread_get_thread_ident only reads the calling thread's identity.
    let current = unsafe { pyo3::ffi::PyThread_get_thread_ident() } as u64;
    *main == Some(current)
}

/// Runs `work` with the interpreter lock released, on a pool of `n_jobs` threads.
pub(crate) fn detached<T: Send>(
    py: Python<'_>,
    n_jobs: Option<usize>,
    work: impl FnOnce() -> Result<T, Error> + Send,
) -> PyResult<T> {
    detached_reporting(py, n_jobs, None, work)
}

/// [`detached`], calling `progress(done)` at each wake-up on the main thread with the work
/// the core has reported done (`runtime::cancel::advance`), so that a progress bar moves while
/// the work runs without the work itself being cut up. An exception from `progress` stops the
/// work and is raised.
pub(crate) fn detached_reporting<T: Send>(
    py: Python<'_>,
    n_jobs: Option<usize>,
    progress: Option<Py<PyAny>>,
    work: impl FnOnce() -> Result<T, Error> + Send,
) -> PyResult<T> {
    let interruptible = on_main_thread(py);
    let mut interrupt: Option<PyErr> = None;
    let outcome = py.detach(|| {
        catch_unwind(AssertUnwindSafe(|| {
            if !interruptible {
                return Some(pools::run(n_jobs, work));
            }
            pools::run_interruptible(n_jobs, work, |done| {
                let checked = Python::attach(|py| {
                    if let Some(progress) = &progress {
                        progress.call1(py, (done,))?;
                    }
                    py.check_signals()
                });
                match checked {
                    Ok(()) => false,
                    Err(error) => {
                        interrupt = Some(error);
                        true
                    }
                }
            })
        }))
    });
    if let Some(error) = interrupt {
        return Err(error);
    }
    py.check_signals()?;
    match outcome {
        Ok(Some(result)) => Ok(result?),
        Ok(None) => Err(Error::Cancelled.into()),
        Err(panic) => Err(internal_error(panic)),
    }
}
