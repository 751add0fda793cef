//! One HTTP request: the sandbox checks (Host, URL, headers), the stage prefix, the capped
//! body read, the core call under the lock, and the conversion back to a hyper response.

use std::borrow::Cow;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Incoming};
use hyper::header::{CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue, TRANSFER_ENCODING};
use hyper::{HeaderMap, StatusCode};

use super::case::{CaseNotes, Respeller, ResponseCase};
use super::limits::{ShellAnswer, host_allowed};
use super::{Refused, Served, ServerEvent, Shared};
use crate::gateway::core::http::{HeaderText, fold_leading_slashes, parse_query, strip_stage};
use crate::gateway::{Request, Response, ShellRefusal, TraceMode};

pub(crate) type HyperResponse = hyper::Response<Full<Bytes>>;
type Reply = Pin<Box<dyn Future<Output = Result<HyperResponse, Infallible>> + Send>>;

/// Who is on the other end of a connection.
pub(crate) struct Peer {
    pub addr: SocketAddr,
    /// The address as text, written once per connection rather than per request.
    pub ip: String,
    /// Header-name spellings for this connection's requests and responses.
    pub case: Arc<CaseNotes>,
    /// Set once the connection has sent a request: under load it may then be closed when idle.
    pub served: Arc<AtomicBool>,
}

/// hyper's service for one request. Everything that needs only the request head runs here, at
/// once, and the head is dropped before this returns: its URI and header values point into
/// hyper's read buffer, and a head still alive when hyper reads ahead on a keep-alive
/// connection makes hyper allocate a new read buffer.
pub(crate) fn call(shared: &Arc<Shared>, peer: &Peer, req: hyper::Request<Incoming>) -> Reply {
    let (parts, body) = req.into_parts();
    peer.served.store(true, Ordering::Relaxed);
    let spellings = peer.case.take_request();
    let head_only = parts.method == hyper::Method::HEAD;
    if let Some(answer) = check_head(shared, &parts) {
        shared.notify(|| {
            ServerEvent::Refused(Refused {
                peer: peer.addr,
                method: parts.method.as_str().to_owned(),
                target: target_of(&parts.uri),
                status: Some(answer.status),
                reason: answer.reason.clone(),
            })
        });
        return Box::pin(std::future::ready(Ok(spelled(&peer.case, head_only, shell_response(&answer)))));
    }

    let path = parts.uri.path();
    let stripped = match &shared.stage {
        None => Some(path),
        Some(stage) => strip_stage(path, stage),
    };
    let (resource, raw) = fold_leading_slashes(stripped.unwrap_or(path));
    let mut request = Request::new(parts.method.as_str(), resource);
    request.raw_path = raw.map(str::to_owned);
    if stripped.is_none() {
        let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
        request.refusal = Some(ShellRefusal::WrongStage { stage: first.to_owned() });
    }
    if let Some(q) = parts.uri.query() {
        request.query = parse_query(q);
        request.raw_query = Some(q.to_owned());
    }
    // hyper lower-cases names; the client's own spelling comes from the connection's notes.
    let mut spell = Respeller::new(spellings);
    request.headers = parts
        .headers
        .iter()
        .map(|(k, v)| (spell.name(k.as_str()), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    peer.ip.clone_into(&mut request.source_ip);

    if request.refusal.is_some() || body.is_end_stream() {
        // The body of a wrong-stage request is never needed; don't wait for it.
        let close = !body.is_end_stream();
        let resp = answer(shared, peer.addr, request, close);
        return Box::pin(std::future::ready(Ok(spelled(&peer.case, head_only, resp))));
    }
    // Only a refusal report needs the target as sent; keep it only if someone listens.
    let target = shared.observer.is_some().then(|| target_of(&parts.uri));
    drop(parts);
    let shared = Arc::clone(shared);
    let case = Arc::clone(&peer.case);
    let peer = peer.addr;
    Box::pin(async move {
        let resp = match read_body(&shared, body).await {
            Ok(bytes) => {
                request.body = bytes;
                answer(&shared, peer, request, false)
            }
            Err(BodyProblem::TooLarge(n)) => {
                request.refusal = Some(ShellRefusal::BodyTooLarge { bytes: n });
                answer(&shared, peer, request, true)
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
        Ok(spelled(&case, head_only, resp))
    })
}

/// The core's answer under the lock, written to the access log and reported to the observer,
/// as a hyper response.
fn answer(shared: &Shared, peer: SocketAddr, request: Request, close: bool) -> Spelled {
    let now = shared.clock.now();
    // The trace's sentences are most of what a request costs the core: record one only for
    // someone who will read it.
    let wants_trace = shared.observer.is_some() || shared.log.as_ref().is_some_and(|l| l.traces());
    let mode = if wants_trace { TraceMode::On } else { TraceMode::Off };
    let (response, trace, access_log) = {
        let mut gw = shared.gateway.lock().unwrap_or_else(PoisonError::into_inner);
        let (response, trace) = gw.handle(&request, now, mode);
        let line = gw.last_access_log().unwrap_or_default();
        if let Some(log) = &shared.log {
            log.served(line, trace.as_ref());
        }
        let line = if shared.observer.is_some() { line.to_owned() } else { String::new() };
        (response, trace, line)
    };
    match (&shared.observer, trace) {
        (Some(observer), Some(trace)) => {
            let out = to_hyper(response.clone(), close);
            observer(ServerEvent::Served(Box::new(Served { request, response, trace, access_log, peer })));
            out
        }
        _ => to_hyper(response, close),
    }
}

/// `/path?query` as received, for refusal reports.
fn target_of(uri: &hyper::Uri) -> String {
    uri.path_and_query().map_or_else(|| uri.to_string(), |pq| pq.as_str().to_owned())
}

/// The checks that need only the request head, cheapest first.
fn check_head(shared: &Shared, parts: &hyper::http::request::Parts) -> Option<ShellAnswer> {
    head_refusal(&shared.limits, parts)
}

/// [`check_head`] for any server with these limits (the WebSocket shell uses it too).
pub(crate) fn head_refusal(limits: &super::Limits, parts: &hyper::http::request::Parts) -> Option<ShellAnswer> {
    // An absolute-form target (`GET http://evil/...`) names its host in the URI; check that too.
    let host = match parts.uri.authority() {
        Some(a) => Some(a.as_str()),
        None => parts.headers.get("host").and_then(|h| std::str::from_utf8(h.as_bytes()).ok()),
    };
    // Two Host headers would let the second slip past a check of the first.
    let hosts = parts.headers.get_all("host").iter().count();
    if hosts > 1 {
        return Some(ShellAnswer::several_hosts(hosts));
    }
    if !host.is_some_and(host_allowed) {
        return Some(ShellAnswer::host(host));
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

/// hyper's name for a response header, or `None` for one HTTP cannot carry or that is framing,
/// which is hyper's job (it writes `content-length` from the body).
fn wire_name(k: &str) -> Option<HeaderName> {
    let name = HeaderName::from_bytes(k.as_bytes()).ok()?;
    (name != CONTENT_LENGTH && name != TRANSFER_ENCODING && name != CONNECTION).then_some(name)
}

/// A header value without copying: fixed text is borrowed, an owned string handed over. One
/// that HTTP cannot carry (a handler may return anything) is `None`.
fn wire_value(v: HeaderText) -> Option<HeaderValue> {
    let bytes = match v {
        Cow::Borrowed(s) => Bytes::from_static(s.as_bytes()),
        Cow::Owned(s) => Bytes::from(s),
    };
    HeaderValue::from_maybe_shared(bytes).ok()
}

/// The largest response body after which a connection stays open.
const KEEP_ALIVE_MAX_BODY: usize = 32 * 1024;

/// The core's response on the wire; headers HTTP cannot carry and framing headers are left out.
fn to_hyper(resp: Response, close: bool) -> Spelled {
    let Response { status, headers, body } = resp;
    // hyper copies each body into the connection's write buffer (see `writev(false)` in
    // `accept`), which keeps its largest size until the connection ends; a connection that
    // sent a large body is closed after it, so an idle keep-alive connection holds at most this.
    let close = close || body.len() > KEEP_ALIVE_MAX_BODY;
    let mut out = hyper::Response::new(Full::new(body));
    *out.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let map = out.headers_mut();
    let mut case = ResponseCase::default();
    for (k, v) in headers {
        if let (Some(name), Some(value)) = (wire_name(&k), wire_value(v)) {
            map.append(name, value);
            case.add(&k);
        }
    }
    if close {
        map.insert(CONNECTION, HeaderValue::from_static("close"));
    }
    (out, case)
}

pub(crate) fn shell_response(answer: &ShellAnswer) -> Spelled {
    let mut out = hyper::Response::new(Full::new(Bytes::from(answer.json_body())));
    *out.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_REQUEST);
    let headers = out.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert("x-gatewise-sandbox", HeaderValue::from_static("refused"));
    if answer.close {
        headers.insert(CONNECTION, HeaderValue::from_static("close"));
    }
    let mut case = ResponseCase::default();
    case.add("Content-Type");
    (out, case)
}

/// A response and the spellings its header names should have on the wire.
pub(crate) type Spelled = (HyperResponse, ResponseCase);

/// Queues the response's spellings for the connection's writer and hands hyper the response.
fn spelled(notes: &CaseNotes, head_only: bool, (resp, mut case): Spelled) -> HyperResponse {
    let status = resp.status();
    let no_body = head_only
        || status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED;
    case.body = if no_body { 0 } else { resp.body().size_hint().exact().unwrap_or(0) };
    notes.push_response(case);
    resp
}
