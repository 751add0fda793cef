//! A loopback server and an in-process twin of the same gateway, fed the same requests at the
//! same virtual times, so tests can assert that both answer alike.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use gatewise::gateway::core::http::strip_stage;
use gatewise::gateway::server::{Limits, ServeOptions, ServerClock, ServerHandle, spawn};
use gatewise::gateway::{Gateway, Request, Response, ShellRefusal, TraceMode, VirtualTime};

use super::{Conn, HttpResponse, comparable, host_of};
use crate::gateway_common::{day0, gateway};

/// A server and an in-process twin of the same gateway, fed the same requests at the same
/// virtual times.
pub struct Twin {
    pub server: ServerHandle,
    pub core: Gateway,
    pub clock: Arc<AtomicU64>,
    pub conn: Conn,
    pub stage: String,
}

pub fn options(clock: &Arc<AtomicU64>, limits: Limits) -> ServeOptions {
    ServeOptions { limits, clock: ServerClock::Manual(Arc::clone(clock)), ..ServeOptions::default() }
}

pub fn twin(name: &str, stage: &str) -> Twin {
    let clock = Arc::new(AtomicU64::new(day0().as_millis()));
    let opts = options(&clock, Limits::default());
    let mut core = gateway(name, stage);
    core.limit_payload(opts.limits.max_body_bytes);
    let server = spawn(gateway(name, stage), opts, None).expect("server starts");
    let conn = Conn::open(server.local_addr);
    Twin { server, core, clock, conn, stage: stage.to_owned() }
}

pub fn assert_same(http: &HttpResponse, core: &Response, what: &str) {
    assert_eq!(http.status, core.status, "{what}: status");
    assert_eq!(http.body_text(), core.body_text(), "{what}: body");
    assert_eq!(
        comparable(http.headers.iter().cloned()),
        comparable(core.headers.iter().map(|(k, v)| (k.to_string(), v.to_string()))),
        "{what}: headers"
    );
}

impl Twin {
    /// Sends `method target` (a full URL path, stage included) over HTTP and to the core at `at`,
    /// asserts both answers are the same, and returns the HTTP one.
    pub fn check(
        &mut self,
        method: &str,
        target: &str,
        extra: &[(&str, &str)],
        body: &[u8],
        at: VirtualTime,
    ) -> HttpResponse {
        let mut headers = vec![("host".to_owned(), host_of(self.server.local_addr))];
        headers.extend(extra.iter().map(|(k, v)| (k.to_ascii_lowercase(), (*v).to_owned())));
        if !body.is_empty() {
            headers.push(("content-length".to_owned(), body.len().to_string()));
        }
        self.clock.store(at.as_millis(), Ordering::SeqCst);
        let http = self.conn.request(method, target, &headers, body);
        if http.header("connection") == Some("close") {
            self.conn = Conn::open(self.server.local_addr);
        }

        let (path, query) = target.split_once('?').map_or((target, None), |(p, q)| (p, Some(q)));
        let stripped = strip_stage(path, &self.stage);
        let resource = stripped.unwrap_or(path);
        let resource_target = query.map_or_else(|| resource.to_owned(), |q| format!("{resource}?{q}"));
        let mut req = Request::new(method, &resource_target).with_body(body.to_vec());
        req.headers = headers;
        if stripped.is_none() {
            let stage = path.trim_start_matches('/').split('/').next().unwrap_or("").to_owned();
            req = req.with_refusal(ShellRefusal::WrongStage { stage });
        }
        let core = self.core.handle(&req, at, TraceMode::Off).0;
        assert_same(&http, &core, &format!("{method} {target}"));
        http
    }
}
