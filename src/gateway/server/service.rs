//! One HTTP request: the sandbox checks (Host, URL, headers), the stage prefix, the capped
//! body read, the core call under the lock, and the conversion back to a hyper response.

use std::borrow::Cow;
use std::cell::RefCell;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Incoming};
use hyper::header::{CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue, TRANSFER_ENCODING};
use hyper::{HeaderMap, StatusCode};

use super::limits::{ShellAnswer, host_allowed};
use super::watchdog::Guard;
use super::{Refused, Served, ServerEvent, Shared};
use crate::gateway::core::CACHE_TEACHING_HEADER;
use crate::gateway::core::http::HeaderText;
use crate::gateway::core::http::strip_stage;
use crate::gateway::{Request, Response, ShellRefusal};

pub(crate) type HyperResponse = hyper::Response<Full<Bytes>>;

/// The answer to one request, as hyper's service future: ready at once when the request has
/// no body to wait for (nearly every request), otherwise a future that reads the body first.
pub(crate) enum Reply {
    Now(Option<HyperResponse>),
    Later(Pin<Box<dyn Future<Output = HyperResponse> + Send>>),
}

impl Future for Reply {
    type Output = Result<HyperResponse, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            // hyper polls a finished future no more; if anything did, it gets a 500, not a panic.
            Reply::Now(resp) => Poll::Ready(Ok(resp.take().unwrap_or_else(|| {
                let mut r = hyper::Response::new(Full::new(Bytes::new()));
                *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                r
            }))),
            Reply::Later(fut) => fut.as_mut().poll(cx).map(Ok),
        }
    }
}

/// Who is on the other end of a connection, and the connection's slow-client guard.
pub(crate) struct Peer {
    pub addr: SocketAddr,
    pub guard: Arc<Guard>,
}

/// What a connection keeps from one request to the next. It serves one request at a time, so
/// its service owns this in a `RefCell`: a lock would cost two atomic operations per request.
pub(crate) struct Scratch {
    /// Refilled for each request without a body, keeping its buffers, so a request costs the
    /// shell no allocations when nobody is watching (the core only borrows it).
    request: Request,
    /// The last `Host` this connection sent that passed the check: a client sends the same one
    /// every time, and comparing it is cheaper than checking it again.
    allowed_host: Vec<u8>,
}

impl Scratch {
    pub fn new(addr: SocketAddr) -> Self {
        Self { request: Request { source_ip: addr.ip().to_string(), ..Request::default() }, allowed_host: Vec::new() }
    }
}

/// hyper's service for one request: the connection has no deadline while the request is
/// served, and a fresh one once it is answered.
pub(crate) fn call(
    shared: &Arc<Shared>,
    peer: &Arc<Peer>,
    scratch: &RefCell<Scratch>,
    req: hyper::Request<Incoming>,
) -> Reply {
    shared.watchdog.busy(&peer.guard);
    // hyper never calls a connection's service while an earlier call is still running, so the
    // borrow always succeeds; were it ever refused, the request would get fresh buffers.
    let mut borrowed = scratch.try_borrow_mut().ok();
    let mut fresh = None;
    let scratch = match borrowed.as_deref_mut() {
        Some(s) => s,
        None => fresh.insert(Scratch::new(peer.addr)),
    };
    let reply = respond(shared, peer, scratch, req);
    if let Reply::Now(_) = reply {
        shared.watchdog.idle(&peer.guard);
    }
    reply
}

/// Everything that needs only the head runs here, at once, and the head is dropped before this
/// returns: hyper reads ahead on a keep-alive connection before it polls the returned future,
/// and a head still alive then (its URI and header values point into hyper's read buffer) made
/// hyper allocate a new read buffer for every request.
fn respond(shared: &Arc<Shared>, peer_info: &Arc<Peer>, scratch: &mut Scratch, req: hyper::Request<Incoming>) -> Reply {
    let peer = peer_info.addr;
    let (mut parts, body) = req.into_parts();
    if let Some(answer) = check_head(shared, &mut scratch.allowed_host, &parts) {
        shared.notify(|| {
            ServerEvent::Refused(Refused {
                peer,
                method: parts.method.as_str().to_owned(),
                target: target_of(&parts.uri),
                status: Some(answer.status),
                reason: answer.reason.clone(),
            })
        });
        return Reply::Now(Some(shell_response(&answer)));
    }

    let path = parts.uri.path();
    let stripped = match &shared.stage {
        None => Some(path),
        Some(stage) => strip_stage(path, stage),
    };
    let (resource_path, refusal) = match stripped {
        Some(p) => (p, None),
        None => {
            let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
            (path, Some(ShellRefusal::WrongStage { stage: first.to_owned() }))
        }
    };
    let headers = parts.headers.iter().map(|(k, v)| {
        // Visible ASCII (nearly every value) is used as it is; only other bytes need the
        // slower lossy conversion.
        let text = v.to_str().map_or_else(|_| String::from_utf8_lossy(v.as_bytes()), Cow::Borrowed);
        (k.as_str(), text)
    });
    let request = &mut scratch.request;
    match parts.uri.query() {
        Some(q) => request.reset(parts.method.as_str(), &format!("{resource_path}?{q}"), headers),
        None => request.reset(parts.method.as_str(), resource_path, headers),
    }
    // The request's header map becomes the response's: hyper hands each response's map back
    // as the next request's, so a connection keeps one map instead of allocating two buffers
    // per response. Cleared, it holds nothing from hyper's read buffer.
    let mut reused = std::mem::take(&mut parts.headers);
    reused.clear();

    if refusal.is_some() || body.is_end_stream() {
        // The body of a wrong-stage request is never needed; don't wait for it.
        let close = !body.is_end_stream();
        return Reply::Now(Some(answer(shared, peer, request, refusal.as_ref(), close, reused)));
    }
    // Only a refusal report needs the target as sent; keep it only if someone listens.
    let target = shared.observer.is_some().then(|| target_of(&parts.uri));
    drop(parts);
    // The body arrives later: the future owns a copy, and the connection's request is free.
    let mut request = request.clone();
    let shared = Arc::clone(shared);
    let peer_info = Arc::clone(peer_info);
    Reply::Later(Box::pin(async move {
        let resp = match read_body(&shared, body).await {
            Ok(bytes) => {
                request.body = bytes;
                answer(&shared, peer, &request, None, false, reused)
            }
            Err(BodyProblem::TooLarge(n)) => {
                let refusal = ShellRefusal::BodyTooLarge { bytes: n };
                answer(&shared, peer, &request, Some(&refusal), true, reused)
            }
            Err(BodyProblem::Shell(shell)) => {
                shared.notify(|| {
                    ServerEvent::Refused(Refused {
                        peer,
                        method: request.method.clone(),
                        target: target.unwrap_or_default(),
                        status: Some(shell.status),
                        reason: shell.reason.clone(),
                    })
                });
                shell_response(&shell)
            }
        };
        shared.watchdog.idle(&peer_info.guard);
        resp
    }))
}

/// The core's answer under the lock, reported to the observer, as a hyper response whose
/// headers go into `headers` (empty).
fn answer(
    shared: &Shared,
    peer: SocketAddr,
    request: &Request,
    refusal: Option<&ShellRefusal>,
    close: bool,
    headers: HeaderMap,
) -> HyperResponse {
    let now = shared.clock.now();
    if shared.observer.is_none() {
        // Nobody is watching: no trace, no copies for a report.
        let mut gw = shared.gateway.lock().unwrap_or_else(PoisonError::into_inner);
        let response = match refusal {
            None => gw.respond(request, now),
            Some(r) => gw.respond_refused(request, now, r),
        };
        // Converted under the lock so the emptied header list can go straight back.
        let (out, spent) = to_hyper(response, close, headers);
        gw.recycle_headers(spent);
        return out;
    }
    let (response, trace, access_log) = {
        let mut gw = shared.gateway.lock().unwrap_or_else(PoisonError::into_inner);
        let (response, trace) = match refusal {
            None => gw.handle(request.clone(), now),
            Some(r) => gw.handle_refused(request.clone(), now, r),
        };
        let log = gw.last_access_log().unwrap_or_default();
        (response, trace, log)
    };
    let (out, _) = to_hyper(response.clone(), close, headers);
    let request = request.clone();
    shared.notify(|| ServerEvent::Served(Box::new(Served { request, response, trace, access_log, peer })));
    out
}

/// `/path?query` as received, for refusal reports.
fn target_of(uri: &hyper::Uri) -> String {
    uri.path_and_query().map_or_else(|| uri.to_string(), |pq| pq.as_str().to_owned())
}

/// The checks that need only the request head, cheapest first. `allowed_host` is the
/// connection's last `Host` that passed.
fn check_head(shared: &Shared, allowed_host: &mut Vec<u8>, parts: &hyper::http::request::Parts) -> Option<ShellAnswer> {
    let limits = &shared.limits;
    // An absolute-form target (`GET http://evil/...`) names its host in the URI; check that too.
    let host =
        parts.uri.authority().map(|a| a.as_str().as_bytes()).or_else(|| Some(parts.headers.get("host")?.as_bytes()));
    match host {
        Some(h) if !h.is_empty() && h == allowed_host.as_slice() => {}
        Some(h) if std::str::from_utf8(h).is_ok_and(host_allowed) => h.clone_into(allowed_host),
        _ => return Some(ShellAnswer::host(host.and_then(|h| std::str::from_utf8(h).ok()))),
    }
    let url_len = parts.uri.path_and_query().map_or(0, |pq| pq.as_str().len());
    if url_len > limits.max_url_len {
        return Some(ShellAnswer::url_too_long(url_len, limits.max_url_len));
    }
    if parts.headers.len() > limits.max_headers {
        return Some(ShellAnswer::too_many_headers(parts.headers.len(), limits.max_headers));
    }
    // The request line plus `name: value\r\n` per field: what the client sent, give or take
    // whitespace.
    let head = parts.method.as_str().len() + url_len + 12 + header_bytes(&parts.headers);
    if head > limits.max_header_bytes {
        return Some(ShellAnswer::headers_too_large(head, limits.max_header_bytes));
    }
    None
}

fn header_bytes(headers: &HeaderMap) -> usize {
    headers.iter().map(|(k, v)| k.as_str().len() + v.len() + 4).sum()
}

enum BodyProblem {
    /// Over the cap after this many bytes (declared or read).
    TooLarge(u64),
    Shell(ShellAnswer),
}

/// Reads the body up to `shared.max_body` bytes within the body timeout. A declared
/// `Content-Length` over the cap is refused before a byte is read, so a client that sent
/// `Expect: 100-continue` (curl does for large uploads) never sends the body at all.
async fn read_body(shared: &Shared, mut body: Incoming) -> Result<Vec<u8>, BodyProblem> {
    if body.is_end_stream() {
        return Ok(Vec::new());
    }
    let max = shared.max_body;
    if let Some(declared) = body.size_hint().exact()
        && declared > max
    {
        return Err(BodyProblem::TooLarge(declared));
    }
    let collect = async {
        let mut buf: Vec<u8> = Vec::with_capacity(usize::try_from(body.size_hint().lower().min(max)).unwrap_or(0));
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|_| BodyProblem::Shell(ShellAnswer::body_error()))?;
            if let Ok(data) = frame.into_data() {
                let total = (buf.len() + data.len()) as u64;
                if total > max {
                    return Err(BodyProblem::TooLarge(total));
                }
                buf.extend_from_slice(&data);
            }
        }
        Ok(buf)
    };
    let limit = shared.limits.body_read_timeout;
    tokio::time::timeout(limit, collect).await.unwrap_or(Err(BodyProblem::Shell(ShellAnswer::body_timeout(limit))))
}

/// The names the core itself sends, in the core's spelling, as hyper's names: matched exactly
/// (a `match` on the text is a length switch and one comparison), because
/// `HeaderName::from_bytes` allocates for a mixed-case name like `x-amzn-RequestId`. Any other
/// name, a template's or a Lambda's, takes the general path.
fn core_name(k: &str) -> Option<HeaderName> {
    const REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");
    const APIGW_ID: HeaderName = HeaderName::from_static("x-amz-apigw-id");
    const HTTP_REQUEST_ID: HeaderName = HeaderName::from_static("apigw-requestid");
    const ERROR_TYPE: HeaderName = HeaderName::from_static("x-amzn-errortype");
    const CACHE: HeaderName = HeaderName::from_static(CACHE_TEACHING_HEADER);
    Some(match k {
        "Content-Type" => CONTENT_TYPE,
        "x-amzn-RequestId" => REQUEST_ID,
        "x-amz-apigw-id" => APIGW_ID,
        "apigw-requestid" => HTTP_REQUEST_ID,
        "x-amzn-ErrorType" => ERROR_TYPE,
        CACHE_TEACHING_HEADER => CACHE,
        _ => return None,
    })
}

/// hyper's name for any other header, or `None` for one HTTP cannot carry or that is framing,
/// which is hyper's job (it writes `content-length` from the body).
fn other_name(k: &str) -> Option<HeaderName> {
    let name = HeaderName::from_bytes(k.as_bytes()).ok()?;
    (name != CONTENT_LENGTH && name != TRANSFER_ENCODING && name != CONNECTION).then_some(name)
}

/// A header value without copying: fixed text is borrowed, an owned string handed over. One
/// that HTTP cannot carry (a handler may return anything) is `None`.
fn wire_value(v: HeaderText) -> Option<HeaderValue> {
    // Nearly every response carries this one; as a constant it is not checked byte by byte.
    const JSON: HeaderValue = HeaderValue::from_static("application/json");
    let bytes = match v {
        Cow::Borrowed("application/json") => return Some(JSON),
        Cow::Borrowed(s) => Bytes::from_static(s.as_bytes()),
        Cow::Owned(s) => Bytes::from(s),
    };
    HeaderValue::from_maybe_shared(bytes).ok()
}

/// The largest response body after which a connection stays open.
const KEEP_ALIVE_MAX_BODY: usize = 32 * 1024;

/// The core's response on the wire, reusing its strings and body without copying, in the empty
/// map `headers`; headers HTTP cannot carry and framing headers are left out. Also returns the
/// core's header list, emptied, for [`crate::gateway::Gateway::recycle_headers`].
fn to_hyper(resp: Response, close: bool, headers: HeaderMap) -> (HyperResponse, Vec<(HeaderText, HeaderText)>) {
    let Response { status, headers: mut core_headers, body } = resp;
    // hyper copies each body into the connection's write buffer, which keeps its largest size
    // until the connection ends; a connection that sent a large body is closed after it, so an
    // idle keep-alive connection holds at most this much.
    let close = close || body.len() > KEEP_ALIVE_MAX_BODY;
    let mut out = hyper::Response::new(Full::new(body));
    *out.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    *out.headers_mut() = headers;
    let headers = out.headers_mut();
    headers.reserve(core_headers.len() + 1);
    for (k, v) in core_headers.drain(..) {
        let Some(name) = core_name(&k).or_else(|| other_name(&k)) else {
            continue;
        };
        if let Some(value) = wire_value(v) {
            headers.append(name, value);
        }
    }
    if close {
        headers.insert(CONNECTION, HeaderValue::from_static("close"));
    }
    (out, core_headers)
}

fn shell_response(answer: &ShellAnswer) -> HyperResponse {
    let mut out = hyper::Response::new(Full::new(Bytes::from(answer.json_body())));
    *out.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_REQUEST);
    let headers = out.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert("x-gatewise-sandbox", HeaderValue::from_static("refused"));
    if answer.close {
        headers.insert(CONNECTION, HeaderValue::from_static("close"));
    }
    out
}
