//! The loopback shell for WebSocket APIs: one port serves the WebSocket endpoint
//! (`ws://127.0.0.1:PORT/STAGE`) and the `@connections` callback API
//! (`http://127.0.0.1:PORT/STAGE/@connections/{id}`), with the same loopback-only bind, Host
//! check and caps as the HTTP shell.
//!
//! Every rule (admission, routing, quotas, `@connections`) is [`WsGateway`]'s; this shell only
//! moves bytes: it hands the core each handshake, message and close with the real clock's time,
//! and carries out the [`Effect`]s it returns on the sockets. Submodules: `http` (the hyper
//! service: handshake or callback), `socket` (one connection's read/write loop).

mod http;
mod socket;

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{Semaphore, mpsc, oneshot, watch};

use super::output::LogWriter;
use super::{Ready, ServeError, ServeOptions, ServerClock};
use crate::gateway::core::ws::{Effect, WsGateway, WsOutcome};

/// A connection's place under the connection cap, handed to its WebSocket on upgrade.
pub(crate) type Slot = Arc<Mutex<Option<tokio::sync::OwnedSemaphorePermit>>>;

/// What a connection's task is told to write.
#[derive(Debug)]
pub(crate) enum Outgoing {
    Text(String),
    Close(u16, String),
}

/// Messages queued for one client before it counts as not reading: then it is disconnected,
/// so a client that never reads cannot make the server hold its messages for ever.
pub(crate) const SEND_QUEUE: usize = 64;

/// How often the expiry timer looks at the clock at most (idle and 2-hour limits).
const EXPIRY_TICK: Duration = Duration::from_millis(200);

/// Called with each event the WebSocket server handled (its trace and effects), for a live view.
pub type WsObserver = Arc<dyn Fn(&WsOutcome) + Send + Sync>;

pub(crate) struct WsShared {
    pub gateway: Mutex<WsGateway>,
    pub stage: String,
    pub limits: super::Limits,
    pub clock: ServerClock,
    pub sockets: Mutex<BTreeMap<String, mpsc::Sender<Outgoing>>>,
    pub log: Option<LogWriter>,
    pub observer: Option<WsObserver>,
}

impl WsShared {
    /// Runs `f` on the core under the lock at the shell's current time, logs the outcomes'
    /// traces and carries out their effects.
    pub(crate) fn with_core<R>(
        &self,
        f: impl FnOnce(&mut WsGateway, crate::gateway::VirtualTime) -> (R, Vec<WsOutcome>),
    ) -> R {
        let now = self.clock.now();
        let (r, outcomes) = f(&mut self.gateway.lock().unwrap_or_else(PoisonError::into_inner), now);
        for o in outcomes {
            self.report(&o);
            self.apply(o.effects);
        }
        r
    }

    fn report(&self, o: &WsOutcome) {
        let t = &o.trace;
        if let Some(log) = &self.log {
            let route = t.route_key.as_deref().unwrap_or("-");
            let line = format!("{} {} {} route={route} status={}", t.at.iso8601(), t.method, t.path, t.status);
            log.served(&line, Some(t));
        }
        if let Some(obs) = &self.observer {
            obs(o);
        }
    }

    /// Queues sends and closes on the sockets. A socket whose queue is full has stopped
    /// reading: it is told to close (its task then reports the close to the core).
    fn apply(&self, effects: Vec<Effect>) {
        let mut slow = Vec::new();
        {
            let mut sockets = self.sockets.lock().unwrap_or_else(PoisonError::into_inner);
            for e in effects {
                let (id, msg) = match e {
                    Effect::Send { connection_id, data } => (connection_id, Outgoing::Text(data)),
                    Effect::Close { connection_id, code, reason } => (connection_id, Outgoing::Close(code, reason)),
                };
                let closing = matches!(msg, Outgoing::Close(..));
                if let Some(tx) = sockets.get(&id)
                    && tx.try_send(msg).is_err()
                {
                    slow.push(id.clone());
                }
                if closing {
                    sockets.remove(&id);
                }
            }
            for id in &slow {
                // Dropping the sender ends the task's queue; the task then closes the socket.
                sockets.remove(id);
            }
        }
        for id in slow {
            let cause = crate::gateway::core::ws::CloseCause::Server {
                code: 1008,
                reason: format!("the client read nothing while {SEND_QUEUE} messages waited"),
            };
            self.with_core(|gw, now| ((), gw.close(&id, &cause, now).into_iter().collect()));
        }
    }
}

/// Binds and serves a WebSocket API until `stop` resolves; `on_ready` runs once the port is
/// bound. The blocking twin of [`spawn_ws`], for `gatewise gateway serve`.
pub(crate) fn serve_ws_until(
    gateway: WsGateway,
    options: ServeOptions,
    on_ready: impl FnOnce(&Ready),
    stop: impl Future<Output = ()>,
) -> Result<(), ServeError> {
    let (runtime, listener, shared, ready) = prepare(gateway, options, None)?;
    on_ready(&ready);
    runtime.block_on(run(listener, shared, stop));
    Ok(())
}

/// [`serve_ws_until`] until Ctrl-C or SIGTERM.
pub(crate) fn serve_ws_blocking(
    gateway: WsGateway,
    options: ServeOptions,
    on_ready: impl FnOnce(&Ready),
) -> Result<(), ServeError> {
    serve_ws_until(gateway, options, on_ready, super::stop_signal())
}

/// A WebSocket server on its own thread; dropping it stops the server.
pub struct WsServerHandle {
    pub local_addr: SocketAddr,
    pub ready: Ready,
    shared: Arc<WsShared>,
    thread: super::ServerThread,
}

impl WsServerHandle {
    /// Reads the core's state (open connections, the chat room) while it serves.
    pub fn with_gateway<R>(&self, f: impl FnOnce(&WsGateway) -> R) -> R {
        f(&self.shared.gateway.lock().unwrap_or_else(PoisonError::into_inner))
    }

    pub fn shutdown(mut self) -> Result<(), ServeError> {
        self.thread.stop_and_join()
    }
}

/// Starts a WebSocket server on a new thread (for tests and the TUI) and returns once bound.
pub fn spawn_ws(
    gateway: WsGateway,
    options: ServeOptions,
    observer: Option<WsObserver>,
) -> Result<WsServerHandle, ServeError> {
    let (runtime, listener, shared, ready) = prepare(gateway, options, observer)?;
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let task_shared = Arc::clone(&shared);
    let thread = std::thread::Builder::new()
        .name("gatewise-ws".to_owned())
        .spawn(move || {
            runtime.block_on(run(listener, task_shared, async {
                let _ = stop_rx.await;
            }));
        })
        .map_err(ServeError::Runtime)?;
    Ok(WsServerHandle {
        local_addr: ready.local_addr,
        ready,
        shared,
        thread: super::ServerThread::new(stop_tx, thread),
    })
}

type Prepared = (tokio::runtime::Runtime, tokio::net::TcpListener, Arc<WsShared>, Ready);

fn prepare(gateway: WsGateway, options: ServeOptions, observer: Option<WsObserver>) -> Result<Prepared, ServeError> {
    let (runtime, listener, local_addr) = super::bind_loopback(&options)?;
    let stage = gateway.stage_name().to_owned();
    let ready = Ready { local_addr, base_url: ws_url(local_addr, &stage), banner: banner(&gateway, local_addr) };
    let shared = Arc::new(WsShared {
        gateway: Mutex::new(gateway),
        stage,
        limits: options.limits,
        clock: options.clock,
        sockets: Mutex::new(BTreeMap::new()),
        log: LogWriter::new(options.log),
        observer,
    });
    Ok((runtime, listener, shared, ready))
}

/// `ws://127.0.0.1:PORT/STAGE`.
pub(crate) fn ws_url(addr: SocketAddr, stage: &str) -> String {
    format!("ws://{addr}/{stage}")
}

/// The start-up text: the WebSocket URL, the callback URL, and commands to try.
pub fn banner(gw: &WsGateway, addr: SocketAddr) -> String {
    let stage = gw.stage_name();
    let ws = ws_url(addr, stage);
    let def = gw.definition();
    let mut s = format!(
        "Serving WebSocket API {} (stage {stage}) on loopback only.\n  WebSocket:    {ws}\n  @connections: http://{addr}/{stage}/@connections/{{connectionId}}\n  route selection: {}\n  routes: {}\n",
        def.name,
        def.route_selection_expression,
        gw.route_keys().join(", ")
    );
    let key = def.api_keys.first().map(|k| k.value.clone());
    let header = key.map(|k| format!(" -H 'x-api-key: {k}'")).unwrap_or_default();
    s.push_str(&format!(
        "Try:\n  websocat{header} '{ws}?name=ann&token=allow'\n  then type: {{\"action\":\"sendmessage\",\"message\":\"hi\"}}\n  curl -X POST -d 'hello from the backend' http://{addr}/{stage}/@connections/ID\n  curl http://{addr}/{stage}/@connections/ID\n  curl -X DELETE http://{addr}/{stage}/@connections/ID\nCtrl-C stops the server.",
    ));
    s
}

async fn run(listener: tokio::net::TcpListener, shared: Arc<WsShared>, stop: impl Future<Output = ()>) {
    let max = shared.limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let permits = Arc::new(Semaphore::new(max));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(shared.limits.header_read_timeout)
        .max_headers(shared.limits.hyper_max_headers())
        .max_buf_size(shared.limits.hyper_max_buf());
    let builder = Arc::new(builder);
    let (closing_tx, closing_rx) = watch::channel(false);
    let expiry = tokio::spawn(expire_loop(Arc::clone(&shared)));
    tokio::pin!(stop);
    loop {
        let (stream, addr) = tokio::select! {
            () = &mut stop => break,
            pair = super::accept_with_backoff(&listener) => pair,
        };
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        let builder = Arc::clone(&builder);
        let closing = closing_rx.clone();
        tokio::spawn(async move {
            // The connection's slot under the cap: an upgraded WebSocket takes it along, since
            // it outlives this HTTP connection's task.
            let slot = Arc::new(Mutex::new(Some(permit)));
            // A client that stops reading cannot hold a write for ever.
            let mut stream = tokio_io_timeout::TimeoutStream::new(stream);
            stream.set_write_timeout(Some(shared.limits.write_timeout));
            let svc_shared = Arc::clone(&shared);
            let svc_closing = closing.clone();
            let svc_slot = Arc::clone(&slot);
            let svc = service_fn(move |req| {
                http::call(Arc::clone(&svc_shared), addr, svc_closing.clone(), Arc::clone(&svc_slot), req)
            });
            let conn = builder.serve_connection(TokioIo::new(Box::pin(stream)), svc).with_upgrades();
            let _ = conn.await;
        });
    }
    drop(listener);
    let _ = closing_tx.send(true);
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(super::GRACE, permits.acquire_many(all)).await;
    expiry.abort();
    if let Some(log) = &shared.log {
        log.flush();
    }
}

/// Closes connections as they reach the idle timeout or the 2-hour limit on the shell's clock.
async fn expire_loop(shared: Arc<WsShared>) {
    loop {
        let wait = {
            let gw = shared.gateway.lock().unwrap_or_else(PoisonError::into_inner);
            let now = shared.clock.now();
            gw.next_deadline().map_or(EXPIRY_TICK, |d| Duration::from_millis(d.millis_since(now)).min(EXPIRY_TICK))
        };
        tokio::time::sleep(wait).await;
        shared.with_core(|gw, now| ((), gw.expire(now)));
        if let Some(log) = &shared.log {
            log.flush();
        }
    }
}
