//! The HTTP side of the WebSocket shell: the sandbox's head checks, then either the opening
//! handshake on `/STAGE` (the core's `$connect` decides; 101 and an upgrade, or its refusal) or
//! a call to `/STAGE/@connections/{id}` (the core's callback API).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{CONNECTION, CONTENT_TYPE, HeaderValue, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY, UPGRADE};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::sync::watch;

use super::WsShared;
use crate::gateway::core::http::{parse_query, path_decode};
use crate::gateway::core::ws::{Admission, CallbackMethod, Handshake, MAX_MESSAGE_BYTES};
use crate::gateway::server::limits::ShellAnswer;
use crate::gateway::server::service::{HyperResponse, head_refusal, shell_response};

/// RFC 6455's `Sec-WebSocket-Accept`: base64 of the SHA-1 of the client's key and the
/// protocol's fixed GUID.
pub(crate) fn accept_key(key: &[u8]) -> String {
    use base64::Engine;
    use sha1::Digest;
    let mut h = sha1::Sha1::new();
    h.update(key);
    h.update(b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    base64::engine::general_purpose::STANDARD.encode(h.finalize())
}

fn json(status: u16, body: String) -> HyperResponse {
    let mut out = hyper::Response::new(Full::new(Bytes::from(body)));
    *out.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    out.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    out
}

fn message(status: u16, text: &str) -> HyperResponse {
    json(status, serde_json::json!({ "message": text }).to_string())
}

pub(super) async fn call(
    shared: Arc<WsShared>,
    peer: SocketAddr,
    closing: watch::Receiver<bool>,
    slot: super::Slot,
    req: Request<Incoming>,
) -> Result<HyperResponse, Infallible> {
    let (parts, body) = req.into_parts();
    if let Some(answer) = head_refusal(&shared.limits, &parts) {
        return Ok(shell_response(&answer).0);
    }
    let path = parts.uri.path().to_owned();
    let Some(rest) = path.strip_prefix('/').and_then(|p| p.strip_prefix(shared.stage.as_str())) else {
        return Ok(message(404, &format!("this server has one stage: connect to /{}", shared.stage)));
    };
    if rest.is_empty() || rest == "/" {
        let mut req = Request::from_parts(parts, body);
        return Ok(handshake(&shared, peer, closing, &slot, &mut req));
    }
    let Some(id) = rest.strip_prefix("/@connections/").filter(|id| !id.is_empty() && !id.contains('/')) else {
        return Ok(message(
            404,
            &format!("no such path: the WebSocket is /{0}, the callback API /{0}/@connections/{{id}}", shared.stage),
        ));
    };
    let id = path_decode(id);
    let Some(method) = CallbackMethod::parse(parts.method.as_str()) else {
        return Ok(message(405, "@connections takes POST (send), GET (describe) and DELETE (disconnect)"));
    };
    // One byte over AWS's limit is enough for the core to refuse; never hold more.
    let cap = MAX_MESSAGE_BYTES + 1;
    let limit = shared.limits.body_read_timeout;
    let data = match tokio::time::timeout(limit, Limited::new(body, MAX_MESSAGE_BYTES).collect()).await {
        Err(_) => return Ok(shell_response(&ShellAnswer::body_timeout(limit)).0),
        Ok(Ok(b)) => b.to_bytes(),
        // Over the quota: what the core sees is "more than 128 KB", which is all it needs.
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => Bytes::from(vec![b' '; cap]),
        Ok(Err(_)) => return Ok(shell_response(&ShellAnswer::body_error()).0),
    };
    let text = String::from_utf8_lossy(&data).into_owned();
    let response = shared.with_core(|gw, now| {
        let (r, outcome) = gw.callback(method, &id, &text, now);
        (r, vec![outcome])
    });
    let mut out = hyper::Response::new(Full::new(Bytes::from(response.body)));
    *out.status_mut() = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in response.headers {
        if let (Ok(k), Ok(v)) = (hyper::header::HeaderName::from_bytes(k.as_bytes()), HeaderValue::from_str(&v)) {
            out.headers_mut().insert(k, v);
        }
    }
    Ok(out)
}

/// The opening handshake: RFC 6455's checks, then the core's `$connect`.
fn handshake(
    shared: &Arc<WsShared>,
    peer: SocketAddr,
    closing: watch::Receiver<bool>,
    slot: &super::Slot,
    req: &mut Request<Incoming>,
) -> HyperResponse {
    let h = req.headers();
    let has = |name: hyper::header::HeaderName, token: &str| {
        h.get_all(name)
            .iter()
            .any(|v| v.to_str().is_ok_and(|s| s.split(',').any(|t| t.trim().eq_ignore_ascii_case(token))))
    };
    if req.method() != hyper::Method::GET || !has(UPGRADE, "websocket") || !has(CONNECTION, "upgrade") {
        let mut r =
            message(426, "this is a WebSocket endpoint: connect with a WebSocket client (websocat, wscat, a browser)");
        r.headers_mut().insert(UPGRADE, HeaderValue::from_static("websocket"));
        return r;
    }
    let Some(key) = h.get(SEC_WEBSOCKET_KEY).map(|k| k.as_bytes().to_vec()) else {
        return message(400, "the handshake has no Sec-WebSocket-Key header");
    };
    if h.get("sec-websocket-version").is_none_or(|v| v.as_bytes() != b"13") {
        let mut r = message(426, "only WebSocket version 13 is supported");
        r.headers_mut().insert("sec-websocket-version", HeaderValue::from_static("13"));
        return r;
    }
    let hs = Handshake {
        headers: h
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        query: req.uri().query().map(parse_query).unwrap_or_default(),
        source_ip: peer.ip().to_string(),
    };
    let admission = shared.with_core(|gw, now| {
        let (a, outcome) = gw.connect(&hs, now);
        (a, vec![outcome])
    });
    let id = match admission {
        Admission::Refused { status, body } => return json(status, body),
        Admission::Accepted { connection_id } => connection_id,
    };
    let (tx, rx) = tokio::sync::mpsc::channel(super::SEND_QUEUE);
    shared.sockets.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(id.clone(), tx);
    let upgrade = hyper::upgrade::on(req);
    let task_shared = Arc::clone(shared);
    let permit = slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
    tokio::spawn(async move {
        let _permit = permit;
        match upgrade.await {
            Ok(upgraded) => super::socket::run(task_shared, id, TokioIo::new(upgraded), rx, closing).await,
            Err(_) => super::socket::lost(&task_shared, &id),
        }
    });
    let mut r = hyper::Response::new(Full::new(Bytes::new()));
    *r.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = r.headers_mut();
    headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(v) = HeaderValue::from_str(&accept_key(&key)) {
        headers.insert(SEC_WEBSOCKET_ACCEPT, v);
    }
    r
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_accept_key_of_rfc_6455s_example() {
        assert_eq!(super::accept_key(b"dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
}
