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
use std::{convert::Infallible, future::Future, pin::pin, time::Duration};
use tokio::net::TcpListener;
use tower::{Service, ServiceExt};

/// How long connections may take.
pub struct ConnectionLimits {
    /// To send a whole request head, counted from the connection's start or the previous answer.
    pub idle: Duration,
    /// To finish once stopping has begun; connections still open then are closed.
    pub shutdown_grace: Duration,
}

/// Serves `site` on every connection `listener` accepts until `shutdown` completes, then lets the
/// connections finish their requests for at most the grace period. Requests carry the client's
/// address as `ConnectInfo`, as `axum::serve` gives it.
pub async fn serve<S>(
    listener: TcpListener,
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
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = connections.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!("connections still open after the grace period: closed");
        }
    }
}
