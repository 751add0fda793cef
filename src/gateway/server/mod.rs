//! The loopback HTTP/1.1 shell around the pure core: binds 127.0.0.1 or ::1 only, turns real
//! requests into [`Request`]s for [`Gateway::handle`], and reports each one to an observer.
//!
//! Submodules: `limits` (the sandbox's caps and the Host check), `case` (header-name case on
//! the wire, which hyper does not keep), `service` (one request:
//! checks, body, core call, response), `accept` (the accept loop, connection cap, slow-client
//! timeout, shutdown), `output` (the buffered stdout log), `banner` (the start-up text with
//! ready-to-paste curl commands), `ws` (the same shell for WebSocket APIs: the socket and the
//! `@connections` callback API on one port).
//!
//! Two entry points: [`serve_blocking`] for `gatewise gateway serve` (runs until Ctrl-C or
//! SIGTERM), and [`spawn`] for the synchronous TUI (a server thread with its own small tokio
//! runtime, stopped by [`ServerHandle::shutdown`] or by dropping the handle). Nothing here opens
//! an outbound connection: the only socket is the listener, and the core's integrations call
//! built-in Rust functions.

mod accept;
mod banner;
mod case;
mod limits;
mod output;
mod service;
pub mod ws;

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener as StdListener};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::runtime::Runtime;
use tokio::sync::oneshot;

pub use self::accept::GRACE;
pub use self::banner::{banner, base_url, curl_examples};
pub use self::limits::{Limits, host_allowed};
pub use self::output::{FLUSH_EVERY, StdoutLog};
use super::{Gateway, Request, Response, Trace, VirtualTime};

/// Where and how to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Must be loopback: 127.0.0.0/8 or ::1 ([`check_loopback`]).
    pub addr: IpAddr,
    /// 0 asks the OS for a free port; the bound one is in [`Ready::local_addr`].
    pub port: u16,
    pub limits: Limits,
    pub clock: ServerClock,
    /// What to print per request on stdout (buffered; refusals go to stderr when it is on).
    pub log: StdoutLog,
}

impl Default for ServeOptions {
    /// 127.0.0.1, a free port, the default [`Limits`], the system clock, no stdout log.
    fn default() -> Self {
        Self {
            addr: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            limits: Limits::default(),
            clock: ServerClock::System,
            log: StdoutLog::Off,
        }
    }
}

/// The time the server hands the core with each request. The core never reads a clock; the
/// shell may. Tests use `Manual` to compare the server with the core at the same instant.
#[derive(Debug, Clone, Default)]
pub enum ServerClock {
    /// The wall clock (`SystemTime::now`), so buckets refill in real time.
    #[default]
    System,
    /// Milliseconds since the epoch, set by whoever holds the `Arc`.
    Manual(Arc<AtomicU64>),
}

impl ServerClock {
    pub fn now(&self) -> VirtualTime {
        match self {
            Self::System => {
                let ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
                VirtualTime::from_millis(u64::try_from(ms).unwrap_or(u64::MAX))
            }
            Self::Manual(ms) => VirtualTime::from_millis(ms.load(Ordering::Relaxed)),
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("refusing to listen on {addr}: {why}. The gateway sandbox serves loopback only (127.0.0.1 or ::1)")]
    NotLoopback { addr: IpAddr, why: &'static str },
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("cannot start the server runtime: {0}")]
    Runtime(std::io::Error),
    #[error("the server thread stopped unexpectedly")]
    ThreadPanicked,
}

/// One request the core answered, for live views and the CLI's access log.
#[derive(Debug, Clone)]
pub struct Served {
    /// The request as the core saw it: stage stripped, header names as the client spelled them.
    /// A refused oversized body is not included.
    pub request: Request,
    pub response: Response,
    pub trace: Trace,
    /// The line the core wrote to its access log, in the definition's format.
    pub access_log: String,
    pub peer: SocketAddr,
}

/// A request or connection the shell refused before the core saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub peer: SocketAddr,
    /// Empty when the connection was closed before a request was read.
    pub method: String,
    pub target: String,
    /// The status sent, or `None` when the connection was closed without an answer.
    pub status: Option<u16>,
    pub reason: String,
}

/// What the server reports as it runs.
#[derive(Debug, Clone)]
pub enum ServerEvent {
    Served(Box<Served>),
    Refused(Refused),
}

/// Called on the connection's task for every event; keep it short (send to a channel). The TUI
/// wraps its event sender: `Arc::new(move |e| { let _ = tx.send(AppEvent::Server(e)); })`.
/// A server with an observer records every request's trace for it.
pub type Observer = Arc<dyn Fn(ServerEvent) + Send + Sync>;

/// What a caller needs once the listener is bound.
#[derive(Debug, Clone)]
pub struct Ready {
    pub local_addr: SocketAddr,
    /// `http://127.0.0.1:PORT/STAGE`.
    pub base_url: String,
    /// The start-up text: base URL, routes, keys and curl commands.
    pub banner: String,
}

/// Accepts 127.0.0.0/8 and ::1 only. `0.0.0.0`, `::` and every routable address are refused:
/// the sandbox must not be reachable from another machine.
pub(crate) fn check_loopback(addr: IpAddr) -> Result<(), ServeError> {
    let why = match addr {
        IpAddr::V4(v4) if v4.is_loopback() => return Ok(()),
        IpAddr::V6(v6) if v6.is_loopback() => return Ok(()),
        IpAddr::V4(v4) if v4.is_unspecified() => "0.0.0.0 listens on every network interface",
        IpAddr::V6(v6) if v6.is_unspecified() => ":: listens on every network interface",
        _ => "it is not a loopback address, so other machines could reach it",
    };
    Err(ServeError::NotLoopback { addr, why })
}

/// State every connection shares. The gateway sits behind a `Mutex` held only for the
/// microseconds of one `handle` call; the HTTP work happens outside it.
pub(crate) struct Shared {
    pub gateway: Mutex<Gateway>,
    /// `None` for a `$default` stage, whose URLs carry no stage segment.
    pub stage: Option<String>,
    pub limits: Limits,
    /// The smaller of `limits.max_body_bytes` and the definition's payload limit.
    pub max_body: u64,
    pub clock: ServerClock,
    pub observer: Option<Observer>,
    pub log: Option<output::LogWriter>,
}

impl Shared {
    /// Reports a refusal to the stdout log's stderr side and the observer, if either is there;
    /// `event` runs only then.
    pub(crate) fn notify(&self, event: impl FnOnce() -> ServerEvent) {
        if self.observer.is_none() && self.log.is_none() {
            return;
        }
        let event = event();
        if let (Some(log), ServerEvent::Refused(r)) = (&self.log, &event) {
            log.refused(r);
        }
        if let Some(o) = &self.observer {
            o(event);
        }
    }
}

/// A bound, checked listener plus the state to serve it: the part both entry points share.
struct Prepared {
    runtime: Runtime,
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    ready: Ready,
}

/// Binds the loopback address of `options` (refusing any other) and makes the runtime the
/// server runs on: the same for the HTTP and the WebSocket servers.
pub(crate) fn bind_loopback(
    options: &ServeOptions,
) -> Result<(Runtime, tokio::net::TcpListener, SocketAddr), ServeError> {
    check_loopback(options.addr)?;
    let addr = SocketAddr::new(options.addr, options.port);
    let std_listener = StdListener::bind(addr).map_err(|source| ServeError::Bind { addr, source })?;
    std_listener.set_nonblocking(true).map_err(|source| ServeError::Bind { addr, source })?;
    let local_addr = std_listener.local_addr().map_err(|source| ServeError::Bind { addr, source })?;
    // One thread is plenty for a learner's curl and measured faster than two on a 2-core
    // machine shared with the load tool (see the README's benchmark).
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(ServeError::Runtime)?;
    let listener = {
        let _guard = runtime.enter();
        tokio::net::TcpListener::from_std(std_listener).map_err(|source| ServeError::Bind { addr, source })?
    };
    Ok((runtime, listener, local_addr))
}

/// The next connection, waiting out accept errors (out of file descriptors, a connection reset
/// before accept) with a short back-off instead of spinning. Cancel-safe, for `select!`.
pub(crate) async fn accept_with_backoff(listener: &tokio::net::TcpListener) -> (tokio::net::TcpStream, SocketAddr) {
    loop {
        match listener.accept().await {
            Ok(pair) => return pair,
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
        }
    }
}

fn prepare(mut gateway: Gateway, options: ServeOptions, observer: Option<Observer>) -> Result<Prepared, ServeError> {
    let (runtime, listener, local_addr) = bind_loopback(&options)?;
    gateway.limit_payload(options.limits.max_body_bytes);
    let stage = gateway.stage_name();
    let ready = Ready {
        local_addr,
        base_url: base_url(local_addr, stage),
        banner: banner(&gateway, local_addr, options.clock.now()),
    };
    let shared = Arc::new(Shared {
        stage: (stage != "$default").then(|| stage.to_owned()),
        max_body: gateway.max_payload(),
        gateway: Mutex::new(gateway),
        limits: options.limits,
        clock: options.clock,
        observer,
        log: output::LogWriter::new(options.log),
    });
    Ok(Prepared { runtime, listener, shared, ready })
}

/// Serves on the calling thread until Ctrl-C (SIGINT) or SIGTERM, then lets in-flight requests
/// finish (up to [`GRACE`]) and returns. `on_ready` runs once the port is bound, before
/// the first request: print [`Ready::banner`] there.
pub(crate) fn serve_blocking(
    gateway: Gateway,
    options: ServeOptions,
    observer: Option<Observer>,
    on_ready: impl FnOnce(&Ready),
) -> Result<(), ServeError> {
    serve_until(gateway, options, observer, on_ready, stop_signal())
}

/// [`serve_blocking`] with any stop condition, e.g. a oneshot receiver in a test.
pub fn serve_until(
    gateway: Gateway,
    options: ServeOptions,
    observer: Option<Observer>,
    on_ready: impl FnOnce(&Ready),
    stop: impl Future<Output = ()>,
) -> Result<(), ServeError> {
    let p = prepare(gateway, options, observer)?;
    on_ready(&p.ready);
    p.runtime.block_on(accept::run(p.listener, p.shared, stop));
    Ok(())
}

/// Resolves on Ctrl-C, or on SIGTERM on Unix. If a handler cannot be installed, that signal is
/// just not awaited (the other still works, and the process can still be killed).
async fn stop_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

/// A server running on its own thread. Dropping it stops the server, as [`Self::shutdown`] does.
pub struct ServerHandle {
    pub local_addr: SocketAddr,
    pub ready: Ready,
    shared: Arc<Shared>,
    thread: ServerThread,
}

/// A server's thread and the sender that asks it to stop: stopping sends, then joins. Shared by
/// the HTTP and the WebSocket servers' handles; dropping it stops the server.
pub(crate) struct ServerThread {
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ServerThread {
    pub(crate) fn new(stop: oneshot::Sender<()>, thread: JoinHandle<()>) -> ServerThread {
        ServerThread { stop: Some(stop), thread: Some(thread) }
    }

    pub(crate) fn stop_and_join(&mut self) -> Result<(), ServeError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.thread.take() {
            Some(t) => t.join().map_err(|_| ServeError::ThreadPanicked),
            None => Ok(()),
        }
    }
}

impl Drop for ServerThread {
    fn drop(&mut self) {
        let _ = self.stop_and_join();
    }
}

impl ServerHandle {
    /// Reads the gateway's state (bucket levels, metrics, access log) while it serves.
    pub fn with_gateway<R>(&self, f: impl FnOnce(&Gateway) -> R) -> R {
        f(&self.shared.gateway.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Stops accepting, lets in-flight requests finish (bounded by [`GRACE`]), and
    /// joins the server thread.
    pub fn shutdown(mut self) -> Result<(), ServeError> {
        self.thread.stop_and_join()
    }
}

impl std::fmt::Debug for ServerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerHandle").field("local_addr", &self.local_addr).finish_non_exhaustive()
    }
}

/// Starts the server on a new thread with a single-threaded tokio runtime and returns once the
/// port is bound (port 0 → the real port in `local_addr`). For the synchronous TUI.
pub fn spawn(gateway: Gateway, options: ServeOptions, observer: Option<Observer>) -> Result<ServerHandle, ServeError> {
    let p = prepare(gateway, options, observer)?;
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let shared = Arc::clone(&p.shared);
    let (runtime, listener, task_shared) = (p.runtime, p.listener, p.shared);
    let thread = std::thread::Builder::new()
        .name("gatewise-server".to_owned())
        .spawn(move || {
            runtime.block_on(accept::run(listener, task_shared, async {
                let _ = stop_rx.await;
            }));
        })
        .map_err(ServeError::Runtime)?;
    Ok(ServerHandle {
        local_addr: p.ready.local_addr,
        ready: p.ready,
        shared,
        thread: ServerThread::new(stop_tx, thread),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_only() {
        for ok in ["127.0.0.1", "127.1.2.3", "::1"] {
            assert!(check_loopback(ok.parse().expect("ip")).is_ok(), "{ok}");
        }
        for bad in ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "8.8.8.8", "::ffff:127.0.0.1", "fe80::1"] {
            let err = check_loopback(bad.parse().expect("ip")).expect_err(bad);
            assert!(err.to_string().contains("loopback only"), "{err}");
        }
    }
}
