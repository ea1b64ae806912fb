//! The accept loop of `rantevou serve`, bounded: at most [`MAX_CONNECTIONS`] open at once and
//! [`PER_CLIENT`] from one address; a connection that does not deliver a complete request head
//! within [`HEADER_TIMEOUT`] (the first, or the next one on a kept-alive connection) is closed,
//! and one that stops reading what it is sent for [`crate::timed_io::WRITE_TIMEOUT`] too, with
//! at most [`MAX_BUFFER`] of its requests and answers buffered, so slow, idle or never-reading
//! clients cannot hold the server. Ctrl-C stops accepting and waits for the
//! requests in flight (at most [`DRAIN`]).

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// Longest wait for a request head, and for the next one between requests.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Open connections at most.
pub const MAX_CONNECTIONS: usize = 512;
/// Open connections from one address at most (a browser opens six).
pub const PER_CLIENT: usize = 32;
/// Most a connection may have buffered (pipelined requests read ahead, an answer not yet
/// taken by the client).
pub const MAX_BUFFER: usize = 64 * 1024;
/// How long a stop waits for the requests in flight.
pub const DRAIN: Duration = Duration::from_secs(10);

/// The connections open per client address.
struct Clients {
    cap: usize,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One connection's place among its address's; given back when dropped.
struct Place {
    clients: Arc<Clients>,
    ip: IpAddr,
}

impl Clients {
    fn take(self: &Arc<Self>, ip: IpAddr) -> Option<Place> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let n = open.entry(ip).or_default();
        if *n >= self.cap {
            return None;
        }
        *n += 1;
        Some(Place {
            clients: Arc::clone(self),
            ip,
        })
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut open = self.clients.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// Serves `router` on `listener` until `stop` completes; each request carries its client's
/// address (`ConnectInfo`). `per_client` false lifts the [`PER_CLIENT`] cap (load tests send
/// everything from one address); the overall cap stays.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    per_client: bool,
    stop: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let clients = Arc::new(Clients {
        cap: if per_client {
            PER_CLIENT
        } else {
            MAX_CONNECTIONS
        },
        open: Mutex::default(),
    });
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&slots).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let Some(place) = clients.take(remote.ip()) else {
            continue; // dropping the stream closes it
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(remote));
            router.clone().oneshot(req)
        });
        // A client that stops reading our answers is dropped after WRITE_TIMEOUT, and what it
        // may have us buffer is bounded: no more of its pipelined requests are read than fit.
        let stream = crate::timed_io::WriteTimeout::new(stream, crate::timed_io::WRITE_TIMEOUT);
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT)
            .max_buf_size(MAX_BUFFER)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended");
            }
            drop((permit, place));
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN) => {}
    }
    Ok(())
}
