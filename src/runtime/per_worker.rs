//! Work shared out per worker thread: each worker takes the next few items until none are left,
//! keeping one state of its own, so that unequal items even out over the threads and state that
//! grows with what a worker has seen (a vocabulary) exists once per worker.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

/// Documents a worker takes at a time in [`per_worker`]: few enough that the workers finish
/// together however unequal the documents are (blog posts differ in length a hundredfold), enough
/// that taking them costs nothing next to the work on them.
pub(crate) fn claim_size(n_items: usize) -> usize {
    (n_items / (rayon::current_num_threads() * 64)).clamp(1, 64)
}

/// Runs `work` over the items `0..n_items` with one state per worker thread of the current
/// pool (made by `init`): each worker takes the next [`claim_size`] items until none are left,
/// so the work is balanced, and state that grows with what a worker has seen (a vocabulary)
/// exists once per worker rather than once per piece of work. Which items land in which state
/// depends on timing: callers combine the states so that it does not matter.
///
/// `work` fails with the item that failed. Every item before the first failing one is still
/// worked on, so the error returned is the first failing item's for any number of threads.
pub(crate) fn per_worker<S: Send, E: Send>(
    n_items: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, std::ops::Range<usize>) -> Result<(), (usize, E)> + Sync,
) -> Result<Vec<S>, E> {
    let size = claim_size(n_items);
    let workers = rayon::current_num_threads().clamp(1, n_items.max(1));
    let next = AtomicUsize::new(0);
    let failed_at = AtomicUsize::new(usize::MAX);
    let outcomes: Vec<Result<S, (usize, E)>> = (0..workers)
        .into_par_iter()
        .map(|_| {
            let mut state = init();
            loop {
                let start = next.fetch_add(size, Ordering::Relaxed);
                if start >= n_items || start >= failed_at.load(Ordering::Relaxed) {
                    return Ok(state);
                }
                if let Err((item, error)) = work(&mut state, start..(start + size).min(n_items)) {
                    failed_at.fetch_min(item, Ordering::Relaxed);
                    return Err((item, error));
                }
            }
        })
        .collect();
    let mut states = Vec::with_capacity(workers);
    let mut first_failure: Option<(usize, E)> = None;
    for outcome in outcomes {
        match outcome {
            Ok(state) => states.push(state),
            Err((item, error)) => {
                if first_failure
                    .as_ref()
                    .is_none_or(|(first, _)| item < *first)
                {
                    first_failure = Some((item, error));
                }
            }
        }
    }
    match first_failure {
        Some((_, error)) => Err(error),
        None => Ok(states),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::pools::run;

    #[test]
    fn per_worker_sees_every_item_once_and_reports_the_first_failure() {
        for threads in [1, 2, 3, 8] {
            let states = run(Some(threads), || {
                per_worker(
                    1000,
                    Vec::new,
                    |seen: &mut Vec<usize>, items| -> Result<(), (usize, ())> {
                        seen.extend(items);
                        Ok(())
                    },
                )
            })
            .unwrap();
            let mut all: Vec<usize> = states.into_iter().flatten().collect();
            all.sort_unstable();
            assert_eq!(all, (0..1000).collect::<Vec<_>>(), "{threads} threads");

            let failure = run(Some(threads), || {
                per_worker(
                    1000,
                    || (),
                    |_, items| match items.clone().find(|&i| i == 417 || i == 903) {
                        Some(i) => Err((i, i)),
                        None => Ok(()),
                    },
                )
            });
            assert_eq!(failure.unwrap_err(), 417, "{threads} threads");
        }
        let none = per_worker(0, || 0u8, |_, _| -> Result<(), (usize, ())> { Ok(()) });
        assert_eq!(none.unwrap().len(), 1);
    }
}
