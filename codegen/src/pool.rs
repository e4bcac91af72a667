//! Pool: independent, CPU-bound pieces of generation spread over the available cores.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Stack for the pool's threads: the size of a main thread's, since emitting deeply nested
/// shapes recurses as it would on the main thread.
const STACK: usize = 8 << 20;

/// `f` applied to every item, by the calling thread and up to `available_parallelism - 1`
/// scoped threads, each taking the next item as it finishes one (so put the largest items
/// first). Results come back in the items' order; an item on which `f` panicked comes back as
/// `None` (the panic hook has already printed its message and location).
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<Option<R>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(index) else {
                break;
            };
            if let Ok(result) = catch_unwind(AssertUnwindSafe(|| f(item))) {
                done.push((index, result));
            }
        }
        done
    };
    let done: Vec<Vec<(usize, R)>> = std::thread::scope(|scope| {
        // A thread that cannot be started leaves its share to the others and to this one.
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(STACK)
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        let mut done = vec![work()];
        done.extend(helpers.into_iter().map(|h| h.join().unwrap_or_default()));
        done
    });
    let mut results: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    for (index, result) in done.into_iter().flatten() {
        results[index] = Some(result);
    }
    results
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_items_order() {
        let items: Vec<u64> = (0..100).collect();
        let squares = super::map(&items, |n| n * n);
        assert_eq!(
            squares,
            items.iter().map(|n| Some(n * n)).collect::<Vec<_>>()
        );
        assert!(super::map(&[] as &[u8], |b| *b).is_empty());
    }

    #[test]
    fn a_panic_loses_only_its_own_item() {
        let items: Vec<u64> = (0..50).collect();
        let results = super::map(&items, |&n| {
            assert!(n != 7, "seven");
            n
        });
        for (n, result) in (0..50).zip(&results) {
            assert_eq!(*result, (n != 7).then_some(n), "item {n}");
        }
    }
}
