//! The HTTP API's built-in CORS: API Gateway answers preflight requests itself and adds the
//! `Access-Control-*` headers to responses for allowed origins. REST APIs have nothing built in:
//! there CORS is an OPTIONS method with a MOCK integration, written in the definition.

use super::definition::CorsDef;
use super::http::{Request, Response};

fn origin_allowed(c: &CorsDef, origin: &str) -> Option<String> {
    if c.allow_origins.iter().any(|o| o == "*") {
        // With credentials a wildcard cannot be echoed; the browser needs the exact origin.
        return Some(if c.allow_credentials { origin.to_owned() } else { "*".to_owned() });
    }
    c.allow_origins.iter().any(|o| o.eq_ignore_ascii_case(origin)).then(|| origin.to_owned())
}

/// A preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method`.
pub(crate) fn is_preflight(req: &Request) -> bool {
    req.method == "OPTIONS" && req.header("origin").is_some() && req.header("access-control-request-method").is_some()
}

/// Answers a preflight, or `None` when the request is not one.
pub(crate) fn preflight(c: &CorsDef, req: &Request) -> Option<Response> {
    if req.method != "OPTIONS" {
        return None;
    }
    let origin = req.header("origin")?;
    let method = req.header("access-control-request-method")?;
    let mut resp = Response { status: 204, headers: Vec::new(), body: bytes::Bytes::new() };
    let Some(allow) = origin_allowed(c, origin) else {
        // A disallowed origin gets a bare 204: the browser then blocks the real request.
        return Some(resp);
    };
    let method_ok = c.allow_methods.iter().any(|m| m == "*" || m.eq_ignore_ascii_case(method));
    resp.headers.push(("Access-Control-Allow-Origin".into(), allow.into()));
    if method_ok {
        resp.headers.push(("Access-Control-Allow-Methods".into(), c.allow_methods.join(",").into()));
    }
    if !c.allow_headers.is_empty() {
        resp.headers.push(("Access-Control-Allow-Headers".into(), c.allow_headers.join(",").into()));
    }
    if let Some(age) = c.max_age {
        resp.headers.push(("Access-Control-Max-Age".into(), age.to_string().into()));
    }
    if c.allow_credentials {
        resp.headers.push(("Access-Control-Allow-Credentials".into(), "true".into()));
    }
    Some(resp)
}

/// Adds CORS headers to an actual (non-preflight) response when the origin is allowed.
pub(crate) fn add_response_headers(c: &CorsDef, req: &Request, resp: &mut Response) {
    let Some(origin) = req.header("origin") else {
        return;
    };
    if resp.header("access-control-allow-origin").is_some() {
        return;
    }
    let Some(allow) = origin_allowed(c, origin) else {
        return;
    };
    resp.headers.push(("Access-Control-Allow-Origin".into(), allow.into()));
    if !c.expose_headers.is_empty() {
        resp.headers.push(("Access-Control-Expose-Headers".into(), c.expose_headers.join(",").into()));
    }
    if c.allow_credentials {
        resp.headers.push(("Access-Control-Allow-Credentials".into(), "true".into()));
    }
}
