//! Run tasks concurrently and hand their results on in order, holding few of them at once.
//!
//! At most `concurrency` tasks run at a time, and no task starts more than `window` places
//! ahead of the next result to hand on, so a slow early task holds back at most `window`
//! finished results: memory stays bounded however many tasks there are, and the output order
//! is the input order whatever the completion order.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;

/// How far ahead of the next result to hand on a task may start, per unit of concurrency.
const WINDOW_PER_SLOT: usize = 4;

/// Run `task(0..n)` with at most `concurrency` at once; `sink(i, result)` is called for
/// `i = 0, 1, …, n-1` in that order, as soon as each result and all before it are in.
pub async fn ordered<T, F, Fut>(
    n: usize,
    concurrency: usize,
    task: F,
    mut sink: impl FnMut(usize, T),
) where
    T: Send + 'static,
    F: Fn(usize) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
{
    let concurrency = concurrency.max(1);
    let window = concurrency.saturating_mul(WINDOW_PER_SLOT);
    let limit = Arc::new(Semaphore::new(concurrency));
    let mut tasks = tokio::task::JoinSet::new();
    let mut waiting: BTreeMap<usize, T> = BTreeMap::new();
    let (mut started, mut next) = (0, 0);
    while next < n {
        while started < n && started < next + window {
            let limit = limit.clone();
            let work = task(started);
            let i = started;
            tasks.spawn(async move {
                let _permit = limit
                    .acquire_owned()
                    .await
                    .expect("the semaphore stays open");
                (i, work.await)
            });
            started += 1;
        }
        let (i, out) = tasks
            .join_next()
            .await
            .expect("a started task is pending")
            .expect("a task does not panic");
        waiting.insert(i, out);
        while let Some(out) = waiting.remove(&next) {
            sink(next, out);
            next += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn results_come_in_input_order_whatever_the_completion_order() {
        let mut seen = Vec::new();
        // Early tasks sleep longest, so they finish last.
        ordered(
            20,
            8,
            |i| async move {
                tokio::time::sleep(Duration::from_millis(((20 - i) * 2) as u64)).await;
                i * 10
            },
            |i, v| seen.push((i, v)),
        )
        .await;
        let want: Vec<(usize, usize)> = (0..20).map(|i| (i, i * 10)).collect();
        assert_eq!(seen, want);
    }

    #[tokio::test]
    async fn never_more_than_the_concurrency_at_once_nor_too_far_ahead() {
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let started = Arc::new(AtomicUsize::new(0));
        let handed = Arc::new(AtomicUsize::new(0));
        let (r, m, s, h) = (
            running.clone(),
            most.clone(),
            started.clone(),
            handed.clone(),
        );
        ordered(
            100,
            3,
            move |i| {
                let (r, m, s, h) = (r.clone(), m.clone(), s.clone(), h.clone());
                async move {
                    let now = r.fetch_add(1, Ordering::SeqCst) + 1;
                    m.fetch_max(now, Ordering::SeqCst);
                    // Started at most a window ahead of what was handed on.
                    let ahead = s.fetch_add(1, Ordering::SeqCst) - h.load(Ordering::SeqCst);
                    assert!(
                        ahead < 3 * WINDOW_PER_SLOT,
                        "task {i} started {ahead} ahead"
                    );
                    tokio::time::sleep(Duration::from_millis((i % 5) as u64)).await;
                    r.fetch_sub(1, Ordering::SeqCst);
                }
            },
            |_, ()| {
                handed.fetch_add(1, Ordering::SeqCst);
            },
        )
        .await;
        assert_eq!(handed.load(Ordering::SeqCst), 100);
        assert!(most.load(Ordering::SeqCst) <= 3);
    }
}
