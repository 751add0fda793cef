//! The accept loop: the connection cap and each client's share of it, hyper's HTTP/1.1
//! settings (parser limits and the slow-client timeout, shorter under load), the log's flushing,
//! and a graceful stop that lets in-flight requests finish.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use super::case::{CaseNotes, CaseStream};
use super::service::Peer;
use super::{Refused, ServerEvent, Shared, service};

/// How long a stop waits for open connections to finish their current request.
pub const GRACE: Duration = Duration::from_secs(3);

/// Serves `listener` until `stop` resolves, then closes idle connections, waits up to [`GRACE`]
/// for busy ones, flushes the log and returns (the runtime's drop cancels whatever is left).
pub(crate) async fn run(listener: TcpListener, shared: Arc<Shared>, stop: impl Future<Output = ()>) {
    let max = shared.limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let per_client = shared.limits.max_connections_per_client.max(1);
    let permits = Arc::new(Semaphore::new(max));
    let clients: Arc<Mutex<HashMap<IpAddr, usize>>> = Arc::default();
    let builder = Arc::new(http1_builder(&shared, shared.limits.header_read_timeout));
    let busy_builder =
        Arc::new(http1_builder(&shared, shared.limits.busy_header_timeout.min(shared.limits.header_read_timeout)));
    let (closing_tx, closing_rx) = watch::channel(false);
    // Bumped when the server gets busy: every idle keep-alive connection then closes.
    let (pressure_tx, _) = watch::channel(0u64);
    let flusher = tokio::spawn({
        let shared = Arc::clone(&shared);
        async move {
            if let Some(log) = &shared.log {
                log.flush_periodically().await;
            }
        }
    });

    tokio::pin!(stop);
    loop {
        let (stream, addr) = tokio::select! {
            () = &mut stop => break,
            pair = super::accept_with_backoff(&listener) => pair,
        };
        let Some(share) = ClientShare::take(&clients, addr.ip(), per_client) else {
            drop(stream);
            shared.notify(|| {
                refused(
                    addr,
                    format!(
                        "connection closed: {} already has {per_client} open (the sandbox's per-client share of {max})",
                        addr.ip()
                    ),
                )
            });
            continue;
        };
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            drop(stream);
            shared.notify(|| {
                refused(addr, format!("connection closed: already {max} open (the sandbox's connection cap)"))
            });
            continue;
        };
        // Over three quarters of the slots taken: idle keep-alive connections make room, and
        // this one gets the short header deadline.
        let in_use = max - permits.available_permits();
        let busy = in_use * 4 > max * 3;
        if busy {
            pressure_tx.send_modify(|n| *n += 1);
        }
        let mut pressure = pressure_tx.subscribe();
        let builder = Arc::clone(if busy { &busy_builder } else { &builder });
        let header_note = if busy {
            format!(
                "{} ms, shortened because the sandbox is near its connection cap",
                shared.limits.busy_header_timeout.min(shared.limits.header_read_timeout).as_millis()
            )
        } else {
            format!("{} ms", shared.limits.header_read_timeout.as_millis())
        };
        // Responses are small and written whole; Nagle would only add latency.
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        let mut closing = closing_rx.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let _share = share;
            let case = Arc::new(CaseNotes::default());
            let served = Arc::new(AtomicBool::new(false));
            let peer = Peer { addr, ip: addr.ip().to_string(), case: Arc::clone(&case), served: Arc::clone(&served) };
            let svc_shared = Arc::clone(&shared);
            let svc = service_fn(move |req| service::call(&svc_shared, &peer, req));
            // A client that stops reading would hold its slot for ever; writes time out instead.
            let mut stream = tokio_io_timeout::TimeoutStream::new(stream);
            stream.set_write_timeout(Some(shared.limits.write_timeout));
            let stream = CaseStream::new(Box::pin(stream), case);
            let conn = builder.serve_connection(TokioIo::new(stream), svc);
            tokio::pin!(conn);
            let result = loop {
                tokio::select! {
                    result = conn.as_mut() => break result,
                    _ = closing.changed() => {
                        conn.as_mut().graceful_shutdown();
                        break conn.await;
                    }
                    // Under load, a keep-alive connection that has had its answers makes room:
                    // at once when idle, after its response when busy. A new one has the short
                    // header deadline instead.
                    changed = pressure.changed() => {
                        if changed.is_err() || served.load(Ordering::Relaxed) {
                            conn.as_mut().graceful_shutdown();
                            break conn.await;
                        }
                    }
                }
            };
            if let Err(e) = &result
                && std::error::Error::source(e)
                    .and_then(|s| s.downcast_ref::<std::io::Error>())
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
            {
                let ms = shared.limits.write_timeout.as_millis();
                shared.notify(|| {
                    refused(
                        addr,
                        format!("connection closed: the client read nothing for {ms} ms (slow-reader protection)"),
                    )
                });
            } else if result.is_err_and(|e| e.is_timeout()) {
                shared.notify(|| {
                    refused(
                        addr,
                        format!(
                            "connection closed: no complete request headers within {header_note} (slow-client protection)"
                        ),
                    )
                });
            }
        });
    }
    drop(listener);
    let _ = closing_tx.send(true);
    // Every permit back means every connection task has ended.
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(GRACE, permits.acquire_many(all)).await;
    flusher.abort();
    if let Some(log) = &shared.log {
        log.flush();
    }
}

/// hyper's HTTP/1.1 settings with the given header deadline.
fn http1_builder(shared: &Shared, header_timeout: Duration) -> http1::Builder {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        // Also bounds an idle keep-alive connection: hyper starts the timer when it waits for
        // the next request's head.
        .header_read_timeout(header_timeout)
        // hyper copies each body after the head and writes once, instead of queueing both for
        // `writev`: one system call per response.
        .writev(false)
        .max_headers(shared.limits.hyper_max_headers())
        .max_header_size(shared.limits.hyper_max_header_bytes())
        .max_buf_size(shared.limits.hyper_max_buf());
    builder
}

/// One open connection counted against its client address; dropping it gives the slot back.
struct ClientShare {
    clients: Arc<Mutex<HashMap<IpAddr, usize>>>,
    ip: IpAddr,
}

impl ClientShare {
    /// Counts a connection from `ip`, or `None` when `ip` already has `max` open.
    fn take(clients: &Arc<Mutex<HashMap<IpAddr, usize>>>, ip: IpAddr, max: usize) -> Option<Self> {
        let mut map = clients.lock().unwrap_or_else(PoisonError::into_inner);
        let n = map.entry(ip).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(Self { clients: Arc::clone(clients), ip })
    }
}

impl Drop for ClientShare {
    fn drop(&mut self) {
        let mut map = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// A connection closed without an answer.
fn refused(peer: SocketAddr, reason: String) -> ServerEvent {
    ServerEvent::Refused(Refused { peer, method: String::new(), target: String::new(), status: None, reason })
}
