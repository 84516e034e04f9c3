//! Thread pools by size, so that `n_jobs` is honoured and results can be checked to be the same
//! for any number of threads; and running work on them so that the caller can stop it.
//!
//! Pools come in two lanes. Work from a caller that can be interrupted (Python's main thread,
//! where signals arrive) runs on its own pools, whose stop flag it alone raises; everyone else
//! shares pools whose flag is never raised, so one caller's Ctrl-C never cancels another's call.
//!
//! Pools are cached, but only so many threads' worth of them: a caller looping over `n_jobs`
//! 1..64 would otherwise keep 64 pools (2,000 idle threads, gigabytes of address space). When a
//! new pool would take the cached ones past [`thread_budget`], the least recently used are let
//! go (a pool still running a call lives on until that call ends, then its threads exit).
//!
//! A forked child inherits the pools' bookkeeping but not their threads (only the forking thread
//! survives a fork): work sent to them would wait forever. The pools' registry remembers the
//! process that made it, and a child makes its own (without touching the parent's lock, which
//! a thread that no longer exists may have held at the fork).

use std::collections::HashMap;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::runtime::cancel::{self, StopFlag};

/// The number of threads for `n_jobs`: the value itself, else `TEXTSIM_NUM_THREADS`, else every
/// core; never more than [`max_threads`].
pub fn thread_count(n_jobs: Option<usize>) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let wanted = n_jobs.filter(|&n| n > 0).or_else(|| {
        std::env::var("TEXTSIM_NUM_THREADS")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
    });
    wanted.unwrap_or(cores).min(max_threads(cores))
}

/// The most threads a pool gets: far more than the cores only costs (starting 3,000 threads
/// takes seconds on two cores, 10,000 minutes), and results do not depend on the number.
pub(crate) fn max_threads(cores: usize) -> usize {
    (cores * 8).max(64)
}

/// How many threads the cached pools may hold together: twice the largest pool, so that the
/// usual sizes (every core, one, `n_jobs` of a few) stay cached in both lanes.
pub(crate) fn thread_budget(cores: usize) -> usize {
    2 * max_threads(cores)
}

/// Who a pool's work belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Lane {
    /// A caller that may stop its work (one at a time: the interruptible thread).
    Interruptible,
    /// Everyone else; never stopped.
    Shared,
}

struct Pool {
    threads: ThreadPool,
    stop: StopFlag,
}

/// The pools of one process. Never freed: a forked child leaves its parent's behind, because
/// their threads do not exist there and their lock may have been held by one of them.
struct Registry {
    owner: u32,
    pools: Mutex<Cache>,
}

/// The cached pools, each with the time it was last asked for.
#[derive(Default)]
struct Cache {
    pools: HashMap<(usize, Lane), (Arc<Pool>, u64)>,
    clock: u64,
}

impl Cache {
    fn threads(&self) -> usize {
        self.pools.keys().map(|&(threads, _)| threads).sum()
    }

    /// Lets the least recently used pools go until `wanted` more threads fit the budget.
    fn make_room(&mut self, wanted: usize, budget: usize) {
        while !self.pools.is_empty() && self.threads() + wanted > budget {
            let oldest = self
                .pools
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(&key, _)| key);
            if let Some(key) = oldest {
                self.pools.remove(&key);
            }
        }
    }
}

/// This process's registry (a new one after a fork).
fn registry() -> &'static Registry {
    static CURRENT: AtomicPtr<Registry> = AtomicPtr::new(std::ptr::null_mut());
    let me = std::process::id();
    let mut current = CURRENT.load(Ordering::Acquire);
    loop {
        // SAFETY: a non-null pointer in CURRENT came from Box::into_raw below and is never
        // freed, so it stays valid for the rest of the process.
        if let Some(registry) = unsafe { current.as_ref() } {
            if registry.owner == me {
                return registry;
            }
        }
        let fresh = Box::into_raw(Box::new(Registry {
            owner: me,
            pools: Mutex::new(Cache::default()),
        }));
        match CURRENT.compare_exchange(current, fresh, Ordering::AcqRel, Ordering::Acquire) {
            // SAFETY: just made, and from now on never freed (see above).
            Ok(_) => return unsafe { &*fresh },
            Err(winner) => {
                // Another thread installed one first: use it (checked on the next turn).
                // SAFETY: `fresh` was never shared; taking it back frees it once.
                drop(unsafe { Box::from_raw(fresh) });
                current = winner;
            }
        }
    }
}

fn pool(threads: usize, lane: Lane) -> Option<Arc<Pool>> {
    let mut pools = registry()
        .pools
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    pools.clock += 1;
    let now = pools.clock;
    if let Some((pool, used)) = pools.pools.get_mut(&(threads, lane)) {
        *used = now;
        return Some(pool.clone());
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    pools.make_room(threads, thread_budget(cores));
    let stop = StopFlag::default();
    let watched = stop.clone();
    let threads_of_pool = ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("textsim-{i}"))
        .start_handler(move |_| cancel::watch_on_this_thread(watched.clone()))
        .build()
        .ok()?;
    let pool = Arc::new(Pool {
        threads: threads_of_pool,
        stop,
    });
    pools.pools.insert((threads, lane), (pool.clone(), now));
    Some(pool)
}

/// Runs `work` on a pool of `thread_count(n_jobs)` threads (on the caller's thread if a pool
/// cannot be made, which gives the same result, only slower).
pub fn run<R: Send>(n_jobs: Option<usize>, work: impl FnOnce() -> R + Send) -> R {
    match pool(thread_count(n_jobs), Lane::Shared) {
        Some(pool) => pool.threads.install(work),
        None => work(),
    }
}

/// How often a waiting caller asks whether to stop.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// Runs `work` like [`run`] while the calling thread waits, calling `should_stop` every
/// [`POLL_INTERVAL`] with the work done so far (what the work's threads reported with
/// [`cancel::advance`]). When it says yes, the work's checkpoints fail from then on; once the
/// workers have stopped, the result is dropped and `None` returned. Only one thread may call
/// this at a time (the one where interrupts arrive); others use [`run`].
pub fn run_interruptible<R: Send>(
    n_jobs: Option<usize>,
    work: impl FnOnce() -> R + Send,
    mut should_stop: impl FnMut(usize) -> bool,
) -> Option<R> {
    let Some(pool) = pool(thread_count(n_jobs), Lane::Interruptible) else {
        return Some(work());
    };
    pool.stop.reset();
    let (sender, receiver) = mpsc::channel();
    let result = pool.threads.in_place_scope(|scope| {
        scope.spawn(move |_| {
            // The receiver outlives the scope; a failed send cannot happen.
            let _ = sender.send(work());
        });
        loop {
            match receiver.recv_timeout(POLL_INTERVAL) {
                Ok(result) => return Some(result),
                // The work panicked: the scope re-raises the panic as it ends.
                Err(mpsc::RecvTimeoutError::Disconnected) => return None,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if !pool.stop.is_raised() && should_stop(pool.stop.done()) {
                        pool.stop.request_stop();
                    }
                }
            }
        }
    });
    let stopped = pool.stop.is_raised();
    pool.stop.reset();
    result.filter(|_| !stopped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;
    use std::time::Instant;

    #[test]
    fn the_waiting_caller_sees_the_work_reported_done() {
        let mut seen = Vec::new();
        // A pool of its own: an interruptible pool serves one caller at a time.
        let result = run_interruptible(
            Some(3),
            || {
                (0..40u64).into_par_iter().for_each(|_| {
                    std::thread::sleep(Duration::from_millis(10));
                    cancel::advance(1);
                })
            },
            |done| {
                seen.push(done);
                false
            },
        );
        assert_eq!(result, Some(()));
        assert!(!seen.is_empty() && seen.windows(2).all(|w| w[0] <= w[1]));
        assert!(seen.iter().all(|&done| done <= 40), "{seen:?}");
    }

    #[test]
    fn a_stop_request_ends_the_work_early_and_drops_its_result() {
        let started = Instant::now();
        let result = run_interruptible(
            Some(2),
            || {
                (0..u64::MAX)
                    .into_par_iter()
                    .try_for_each(|_| cancel::checkpoint())
            },
            |_| started.elapsed() > Duration::from_millis(120),
        );
        assert!(result.is_none());
        // The pool is usable again, and not stopped.
        let sum = run_interruptible(
            Some(2),
            || (0..1000u64).into_par_iter().sum::<u64>(),
            |_| false,
        );
        assert_eq!(sum, Some(499_500));
    }

    #[test]
    fn absurd_thread_counts_are_capped() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(thread_count(Some(3)), 3);
        assert_eq!(thread_count(Some(1_000_000)), max_threads(cores));
        assert_eq!(
            run(Some(1_000_000), rayon::current_num_threads),
            max_threads(cores)
        );
    }

    #[test]
    fn the_cached_pools_hold_at_most_the_thread_budget() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        for threads in 1..=40 {
            assert_eq!(run(Some(threads), rayon::current_num_threads), threads);
        }
        let cache = registry()
            .pools
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        assert!(
            cache.threads() <= thread_budget(cores),
            "{}",
            cache.threads()
        );
    }

    #[test]
    fn shared_pools_are_never_stopped() {
        assert_eq!(run(Some(2), cancel::checkpoint), Ok(()));
    }
}
