//! Work spread over every core: how many threads a run uses, and an
//! order-keeping parallel map. The pipeline runs department-years with it;
//! the folder search and the site's comparison pages use it too.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many worker threads: `GONGKAI_THREADS`, else the machine's cores.
pub fn threads() -> usize {
    threads_asked().unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `GONGKAI_THREADS`, when set to a positive number.
fn threads_asked() -> Option<usize> {
    std::env::var("GONGKAI_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
}

/// Threads for work that mostly waits on the disk (listing folders, reading
/// small files): a few per core, so more requests are in flight when the
/// files are not in the page cache. `GONGKAI_THREADS` sets it too.
pub fn io_threads() -> usize {
    threads_asked().unwrap_or_else(|| (threads() * 4).clamp(4, 16))
}

/// Runs `work` over `items` on every core, each thread taking the next item
/// when it is free; results in the order of `items`, whatever the order they
/// finish in. Stops at the first error. `progress(done, total)` is called
/// after each item.
pub fn map<T: Sync, R: Send, E: Send>(
    items: &[T],
    progress: &(dyn Fn(usize, usize) + Sync),
    work: impl Fn(&T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E> {
    map_on(threads(), items, progress, work)
}

/// [`map`] on `threads` threads (see [`io_threads`]).
pub fn map_on<T: Sync, R: Send, E: Send>(
    threads: usize,
    items: &[T],
    progress: &(dyn Fn(usize, usize) + Sync),
    work: impl Fn(&T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E> {
    let next = AtomicUsize::new(0);
    let finished = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    let failure: Mutex<Option<E>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1).min(items.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    match work(item) {
                        Ok(r) => results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r),
                        Err(e) => {
                            *failure.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
                            next.store(usize::MAX / 2, Ordering::Relaxed);
                        }
                    }
                    progress(finished.fetch_add(1, Ordering::Relaxed) + 1, items.len());
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    Ok(results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .flatten()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_order_and_stops_at_an_error() {
        let items: Vec<u32> = (0..1000).collect();
        let done = AtomicUsize::new(0);
        let squares = map(
            &items,
            &|_, total| {
                assert_eq!(total, 1000);
                done.fetch_add(1, Ordering::Relaxed);
            },
            |n| Ok::<_, String>(n * n),
        )
        .unwrap();
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
        assert_eq!(done.load(Ordering::Relaxed), 1000);
        let failed = map(&items, &|_, _| {}, |n| {
            if *n == 500 { Err(format!("item {n}")) } else { Ok(*n) }
        });
        assert_eq!(failed, Err("item 500".to_string()));
    }
}
