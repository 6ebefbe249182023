//! Page data read under `<Suspense>`, run by the async runtime itself rather than by the page render.
//!
//! Leptos renders a page by polling each `Suspense` future once with a waker that does nothing, and only
//! later awaits it. A database read polled that way can start waiting for a pool connection with the
//! do-nothing waker registered; when the pool is busy, the wake-up that would hand it the connection is
//! lost, and the request keeps the connections it already holds until the client gives up. Measured
//! with `scripts/bench.sh` before this module: the home page (two reads in its content, the hotlines in
//! the footer) fell from about 2,000 to 0.2 requests per second between 4 and 32 connections, with every
//! thread idle and "time to acquire exceeded slow threshold" in the log. A deferred read is spawned as a
//! task of its own as soon as the page asks for it: the runtime polls it with real wakers, and what the
//! render holds is only the task's handle, which takes whatever waker it is polled with.

use leptos::prelude::Suspend;
use std::future::Future;

/// `Suspend::new` for a read that runs on its own (see the module). In the browser it is `Suspend::new`.
pub fn deferred<T, F>(read: F) -> Suspend<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    #[cfg(feature = "ssr")]
    {
        // The task keeps the page's reactive owner, so `use_context` works inside the read.
        let task = tokio::spawn(leptos::reactive::computed::ScopedFuture::new(read));
        Suspend::new(async move {
            match task.await {
                Ok(value) => value,
                Err(failed) => std::panic::resume_unwind(failed.into_panic()),
            }
        })
    }
    #[cfg(not(feature = "ssr"))]
    Suspend::new(read)
}
