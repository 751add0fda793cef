//! The accept loop: the connection cap, hyper's HTTP/1.1 settings (parser limits and the
//! slow-client timeout), the log's flushing, and a graceful stop that lets in-flight requests
//! finish.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
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
    let permits = Arc::new(Semaphore::new(max));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        // Also bounds an idle keep-alive connection: hyper starts the timer when it waits for
        // the next request's head.
        .header_read_timeout(shared.limits.header_read_timeout)
        // hyper copies each body after the head and writes once, instead of queueing both for
        // `writev`: one system call per response.
        .writev(false)
        .max_headers(shared.limits.hyper_max_headers())
        .max_header_size(shared.limits.hyper_max_header_bytes())
        .max_buf_size(shared.limits.hyper_max_buf());
    let builder = Arc::new(builder);
    let (closing_tx, closing_rx) = watch::channel(false);
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
                refused(addr, format!("connection closed: already {max} open (the sandbox's connection cap)"))
            });
            continue;
        };
        // Responses are small and written whole; Nagle would only add latency.
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        let builder = Arc::clone(&builder);
        let mut closing = closing_rx.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let case = Arc::new(CaseNotes::default());
            let peer = Peer { addr, ip: addr.ip().to_string(), case: Arc::clone(&case) };
            let svc_shared = Arc::clone(&shared);
            let svc = service_fn(move |req| service::call(&svc_shared, &peer, req));
            // A client that stops reading would hold its slot for ever; writes time out instead.
            let mut stream = tokio_io_timeout::TimeoutStream::new(stream);
            stream.set_write_timeout(Some(shared.limits.write_timeout));
            let stream = CaseStream::new(Box::pin(stream), case);
            let conn = builder.serve_connection(TokioIo::new(stream), svc);
            tokio::pin!(conn);
            let result = tokio::select! {
                result = conn.as_mut() => result,
                _ = closing.changed() => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
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
                let ms = shared.limits.header_read_timeout.as_millis();
                shared.notify(|| {
                    refused(
                        addr,
                        format!(
                            "connection closed: no complete request headers within {ms} ms (slow-client protection)"
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

/// A connection closed without an answer.
fn refused(peer: SocketAddr, reason: String) -> ServerEvent {
    ServerEvent::Refused(Refused { peer, method: String::new(), target: String::new(), status: None, reason })
}
