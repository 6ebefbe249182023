//! Accepts connections and serves HTTP/1.1 on them. Written here rather than using `axum::serve`, for two
//! limits it cannot set:
//! - hyper closes a connection that has not sent a whole request head in time only if given a timer,
//!   and `axum::serve` gives it none: a client idle between requests, or sending its head a byte at a
//!   time, held a connection (a task, a file descriptor) for ever, which is how slow-loris attacks use
//!   up a server;
//! - a graceful shutdown waited for every connection to close, however long: such a client kept a
//!   stopping server alive for ever (and once, after a load run, a connection left in CLOSE-WAIT did).
//!
//! HTTP/1.1 only: browsers speak HTTP/2 only over TLS, which the reverse proxy in front of the portal ends.
//!
//! Connections are served on the shared runtime, or with `PORTAL_SERVING_THREADS` set (SQLite only), each
//! on one thread for its whole life: a number of threads, each with a runtime of its own, the connections
//! dealt to them in turn. On tokio's shared runtime a request's task moves between the workers (work
//! stealing, wake-ups from the database's threads), and in about one 3-second load round in ten the
//! server fell into a mode where every request cost 1.7 times the CPU time (a status page's first views
//! at 256 connections: 10,000 a second instead of 16,000; never with a single worker). On threads of
//! their own: no slow round in 50, pages rendered per request and kept pages 10 to 20 % faster, but
//! complete applications 12 % slower and 30 MB more memory at 1 M applications (README, fourteenth run).

use axum::{
    body::Body,
    extract::{ConnectInfo, Request},
    response::Response,
};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
    service::TowerToHyperService,
};
use std::{cell::Cell, convert::Infallible, future::Future, io, pin::pin, time::Duration};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::{Builder, Handle};
use tokio::sync::watch;
use tower::{Service, ServiceExt};

/// How long connections may take.
pub struct ConnectionLimits {
    /// To send a whole request head, counted from the connection's start or the previous answer.
    pub idle: Duration,
    /// To finish once stopping has begun; connections still open then are closed.
    pub shutdown_grace: Duration,
}

/// Serves `site` on every connection `listener` accepts, each on one of `threads`, until `shutdown`
/// completes, then lets the connections finish their requests for at most the grace period. Requests
/// carry the client's address as `ConnectInfo`, as `axum::serve` gives it.
pub async fn serve<S>(
    listener: TcpListener,
    threads: ServingThreads,
    site: S,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send,
{
    let connections = GracefulShutdown::new();
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, client) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, most likely: wait for some to close rather than spin.
                    tracing::error!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let runtime = threads.next();
        let moved = match &runtime {
            Some(runtime) => move_to(stream, runtime),
            None => Some(stream),
        };
        let Some(stream) = moved else { continue };
        let service = site.clone().map_request(move |request: hyper::Request<Incoming>| {
            let mut request = request.map(Body::new);
            request.extensions_mut().insert(ConnectInfo(client));
            request
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.idle)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = connections.watch(connection);
        let served = async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended");
            }
        };
        match runtime {
            Some(runtime) => drop(runtime.spawn(served)),
            None => drop(tokio::spawn(served)),
        }
    }
    drop(listener);
    tokio::select! {
        () = connections.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!("connections still open after the grace period: closed");
        }
    }
}

/// How many tasks a serving thread of its own runs between two looks at the network (tokio's default
/// is 61). Rarer looks find more requests each and serve them in a row while the code is warm in the
/// CPU's caches: a status page's first views at 256 connections, 16,700 a second with 61 and 19,100
/// with 200, the p99 21.3 and 20.0 ms (medians of 16 rounds of 3 s each); with 400 or more, about 1
/// round in 5 fell to 13,000 to 15,000 a second.
const EVENT_INTERVAL: u32 = 200;

/// The threads connections are served on, each running a single-threaded runtime until this is dropped
/// (their connections still open then are closed with it); or none, and connections are served on the
/// runtime that accepts them.
pub struct ServingThreads {
    runtimes: Vec<Handle>,
    turn: Cell<usize>,
    _stop: watch::Sender<()>,
}

impl ServingThreads {
    /// `count` threads. For SQLite, whose connections are threads of their own that hand answers back
    /// through channels any runtime can wait on.
    pub fn start(count: usize) -> io::Result<Self> {
        let (stop, _) = watch::channel(());
        let mut runtimes = Vec::with_capacity(count);
        for i in 0..count {
            let runtime =
                Builder::new_current_thread().event_interval(EVENT_INTERVAL).enable_all().build()?;
            runtimes.push(runtime.handle().clone());
            let mut stopped = stop.subscribe();
            std::thread::Builder::new().name(format!("serving-{i}")).spawn(move || {
                // Ends when the sender is dropped; the runtime, and every connection on it, with it.
                runtime.block_on(async move { while stopped.changed().await.is_ok() {} });
            })?;
        }
        Ok(Self { runtimes, turn: Cell::new(0), _stop: stop })
    }

    /// None: connections served on the shared runtime. For PostgreSQL, whose connections are sockets
    /// that only the event loop of the runtime that opened them watches: on per-thread runtimes, a
    /// query's answer would wait until that thread next looked at the network, up to `EVENT_INTERVAL`
    /// renders later.
    pub fn shared() -> Self {
        Self { runtimes: Vec::new(), turn: Cell::new(0), _stop: watch::channel(()).0 }
    }

    /// The runtime whose turn it is to take a connection; none when they are served on the shared one.
    fn next(&self) -> Option<Handle> {
        let turn = self.turn.get();
        self.turn.set(turn.wrapping_add(1));
        let count = self.runtimes.len();
        (count > 0).then(|| self.runtimes[turn % count].clone())
    }
}

/// The connection registered with `runtime`'s event loop instead of the one that accepted it.
fn move_to(stream: TcpStream, runtime: &Handle) -> Option<TcpStream> {
    let moved = stream.into_std().and_then(|stream| {
        let _entered = runtime.enter();
        TcpStream::from_std(stream)
    });
    moved.inspect_err(|e| tracing::debug!(error = %e, "connection lost while moving it")).ok()
}

#[cfg(test)]
mod tests {
    use super::ServingThreads;
    use std::collections::BTreeSet;

    fn thread_name() -> String {
        std::thread::current().name().unwrap_or_default().to_string()
    }

    #[tokio::test]
    async fn connections_are_dealt_to_every_serving_thread_in_turn() {
        let count = 2;
        let threads = ServingThreads::start(count).unwrap();
        let mut names = Vec::new();
        for _ in 0..2 * count {
            names.push(threads.next().unwrap().spawn(async { thread_name() }).await.unwrap());
        }
        let distinct: BTreeSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), count, "{names:?}");
        assert!(names.iter().all(|name| name.starts_with("serving-")), "{names:?}");
        assert_eq!(names[..count], names[count..], "the same order each turn: {names:?}");
    }

    #[tokio::test]
    async fn what_runs_on_the_serving_threads_ends_when_they_are_dropped() {
        let threads = ServingThreads::start(1).unwrap();
        let (still_open, closed) = tokio::sync::oneshot::channel::<()>();
        threads.next().unwrap().spawn(async move {
            let _still_open = still_open;
            std::future::pending::<()>().await;
        });
        drop(threads);
        let ended = tokio::time::timeout(std::time::Duration::from_secs(5), closed).await;
        assert!(matches!(ended, Ok(Err(_))), "the task was not dropped: {ended:?}");
    }

    #[test]
    fn shared_serving_deals_to_no_thread_of_its_own() {
        let shared = ServingThreads::shared();
        assert!(shared.next().is_none());
        assert!(shared.next().is_none());
    }
}
