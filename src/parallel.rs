//! Thread pools by size, so that `n_jobs` is honoured and results can be checked to be the same
//! for any number of threads.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::{ThreadPool, ThreadPoolBuilder};

/// The number of threads for `n_jobs`: the value itself, else `TEXTSIM_NUM_THREADS`, else every core.
pub fn thread_count(n_jobs: Option<usize>) -> usize {
    if let Some(n) = n_jobs.filter(|&n| n > 0) {
        return n;
    }
    if let Some(n) = std::env::var("TEXTSIM_NUM_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
    {
        return n;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn pool(threads: usize) -> Option<Arc<ThreadPool>> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<ThreadPool>>>> = OnceLock::new();
    let mut pools = POOLS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(pool) = pools.get(&threads) {
        return Some(pool.clone());
    }
    let pool = ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("textsim-{i}"))
        .build()
        .ok()?;
    let pool = Arc::new(pool);
    pools.insert(threads, pool.clone());
    Some(pool)
}

/// Runs `work` on a pool of `thread_count(n_jobs)` threads (on the caller's thread if a pool
/// cannot be made, which gives the same result, only slower).
pub fn run<R: Send>(n_jobs: Option<usize>, work: impl FnOnce() -> R + Send) -> R {
    match pool(thread_count(n_jobs)) {
        Some(pool) => pool.install(work),
        None => work(),
    }
}
