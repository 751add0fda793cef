//! The accept loop: the connection cap, hyper's HTTP/1.1 settings (timer, header timeout,
//! parser limits), and a graceful stop that lets in-flight requests finish.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use super::{Refused, ServerEvent, Shared, service};

/// How long a stop waits for open connections to finish their current request.
pub const GRACE: Duration = Duration::from_secs(3);

/// Serves `listener` until `stop` resolves, then closes idle connections, waits up to [`GRACE`]
/// for busy ones and returns (the runtime's drop cancels whatever is left).
pub(crate) async fn run(listener: TcpListener, shared: Arc<Shared>, stop: impl Future<Output = ()>) {
    let max = shared.limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let permits = Arc::new(Semaphore::new(max));
    let (closing_tx, closing_rx) = watch::channel(false);
    let mut builder = http1::Builder::new();
    // hyper's header timeout is inert without a timer; with one, it also bounds how long an
    // idle keep-alive connection may wait before its next request.
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(shared.limits.header_read_timeout)
        .max_headers(shared.limits.hyper_max_headers())
        .max_header_size(shared.limits.hyper_max_header_bytes())
        .max_buf_size(shared.limits.hyper_max_buf());
    let builder = Arc::new(builder);

    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(_) => {
                    // Out of file descriptors or a connection reset before accept: back off
                    // briefly instead of spinning.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            drop(stream);
            shared.notify(|| {
                ServerEvent::Refused(Refused {
                    peer,
                    method: String::new(),
                    target: String::new(),
                    status: None,
                    reason: format!("connection closed: already {max} open (the sandbox's connection cap)"),
                })
            });
            continue;
        };
        // Responses are small and written whole; Nagle would only add latency.
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        let builder = Arc::clone(&builder);
        let mut closing = closing_rx.clone();
        // Formatted once per connection rather than once per request.
        let peer_ip: Arc<str> = peer.ip().to_string().into();
        tokio::spawn(async move {
            let _permit = permit;
            let svc = service_fn(move |req| service::serve(Arc::clone(&shared), peer, Arc::clone(&peer_ip), req));
            let conn = builder.serve_connection(TokioIo::new(stream), svc);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = closing.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
    drop(listener);
    let _ = closing_tx.send(true);
    // Every permit back means every connection task has ended.
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(GRACE, permits.acquire_many(all)).await;
}
