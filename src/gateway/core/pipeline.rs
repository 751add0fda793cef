//! `Gateway::handle`: runs the phases in AWS's order over one request, turns a refusal into the
//! matching gateway response, and always finishes with headers, metrics and the access log.

use std::sync::Arc;

use serde_json::Value;

use super::access_log::LogRecord;
use super::auth::AuthInfo;
use super::cors;
use super::definition::ApiType;
use super::gateway::Gateway;
use super::http::{Request, Response};
use super::integration::context_json;
use super::metrics::Sample;
use super::responses::{GatewayError, error_response};
use super::time::VirtualTime;
use super::trace::{CacheStatus, Outcome, Phase, Trace, TraceMode};

/// The gateway's own processing time in virtual milliseconds, added to every request's Latency
/// so that Latency > IntegrationLatency as on AWS; a constant keeps runs reproducible.
pub const GATEWAY_OVERHEAD_MS: u64 = 1;

/// The header that shows cache hits. AWS sends no such header (it reports hits only as the
/// CacheHitCount metric); this one is a gatewise teaching aid.
pub const CACHE_TEACHING_HEADER: &str = "x-gatewise-cache";

/// What the phases learn about one request as it goes.
pub(crate) struct Flow<'r> {
    pub req: &'r Request,
    pub now: VirtualTime,
    pub request_id: String,
    pub apigw_id: String,
    pub route: Option<usize>,
    pub params: Vec<(String, String)>,
    pub auth: Option<AuthInfo>,
    pub key: Option<usize>,
    pub cache: Option<CacheStatus>,
    pub cache_key: Option<String>,
    pub cache_warning: bool,
    pub integration_latency: Option<u64>,
    pub integration_status: Option<u16>,
    pub error: Option<GatewayError>,
}

/// A 64-bit mixer (SplitMix64's finaliser): request ids look random but are a pure function of
/// the gateway's request counter and the virtual time, so demos replay byte for byte.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The request's id, shaped like a version-4 UUID as AWS's are, and the 16-character
/// `x-amz-apigw-id` (base64 alphabet, ending in `=`).
pub(crate) fn request_ids(counter: u64, now: VirtualTime) -> (String, String) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let a = mix(counter ^ now.as_millis().rotate_left(32));
    let b = mix(a ^ counter);
    // `format!("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", …)` spelled out: through the formatting
    // machinery these ids were 15% of a served request's instructions.
    let mut uuid = String::with_capacity(36);
    push_hex(&mut uuid, a >> 32, 8);
    uuid.push('-');
    push_hex(&mut uuid, a >> 16, 4);
    uuid.push_str("-4");
    push_hex(&mut uuid, a, 3);
    uuid.push('-');
    push_hex(&mut uuid, 0x8000 | ((b >> 48) & 0x3fff), 4);
    uuid.push('-');
    push_hex(&mut uuid, b, 12);
    let mut id: String = (0..15).map(|i| char::from(ALPHABET[((b >> (i * 4)) & 63) as usize])).collect();
    id.push('=');
    (uuid, id)
}

/// Appends the low `digits` hex digits of `v` in lower case, as `{:0digits$x}` would for a
/// value that fits.
fn push_hex(out: &mut String, v: u64, digits: u32) {
    for i in (0..digits).rev() {
        out.push(char::from(b"0123456789abcdef"[((v >> (i * 4)) & 0xf) as usize]));
    }
}

impl Gateway {
    /// Runs one request through the pipeline at virtual time `now`; the trace is recorded when
    /// `mode` asks for it. A request the server shell refused ([`Request::refusal`]) gets the
    /// gateway response AWS would send, and is counted and logged like any other.
    ///
    /// Never panics and never reads a clock: the same sequence of `(request, now)` pairs gives
    /// the same responses and traces, byte for byte, whatever the mode.
    pub fn handle(&mut self, req: &Request, now: VirtualTime, mode: TraceMode) -> (Response, Option<Trace>) {
        let split;
        let req = match self.api_type {
            ApiType::Rest => match req.query_split_at_semicolons() {
                Some(query) => {
                    split = Request { query, ..req.clone() };
                    &split
                }
                None => req,
            },
            ApiType::Http => req,
        };
        self.counter += 1;
        let (mut request_id, apigw_id) = request_ids(self.counter, now);
        if self.api_type == ApiType::Http {
            // HTTP APIs use the short base64-like id (`Mc7UVioPPHcEKPA=`) as the request id,
            // in `apigw-requestid` and the event alike; only REST APIs have UUIDs.
            request_id.clone_from(&apigw_id);
        }
        let mut trace = Trace::new(now, mode);
        let mut flow = Flow {
            req,
            now,
            request_id,
            apigw_id,
            route: None,
            params: Vec::new(),
            auth: None,
            key: None,
            cache: None,
            cache_key: None,
            cache_warning: false,
            integration_latency: None,
            integration_status: None,
            error: None,
        };
        let mut resp = match self.run(&mut flow, &mut trace) {
            Ok(r) => r,
            Err(e) => {
                trace.error_type = Some(e.response_type());
                let needs_ctx = self.overrides.values().any(|o| o.template.is_some());
                let ctx = if needs_ctx { context_json(self, &flow, Some(&e)) } else { Value::Null };
                let r = error_response(&e, self.api_type, &self.overrides, &flow.request_id, &ctx);
                flow.error = Some(e);
                r
            }
        };
        self.finish(&mut flow, &mut resp, &mut trace);
        if !trace.is_recorded() {
            return (resp, None);
        }
        trace.request_id = flow.request_id;
        trace.method.clone_from(&req.method);
        trace.path.clone_from(&req.path);
        (resp, Some(trace))
    }

    fn run(&mut self, flow: &mut Flow<'_>, trace: &mut Trace) -> Result<Response, GatewayError> {
        if let Some(refusal) = &flow.req.refusal {
            return Err(self.phase_shell_refusal(refusal, trace));
        }
        if let Some(preflight) = self.phase_receive(flow, trace)? {
            return Ok(preflight);
        }
        self.phase_route(flow, trace)?;
        self.phase_authorizer(flow, trace)?;
        self.phase_api_key(flow, trace)?;
        self.phase_throttle(flow, trace)?;
        self.phase_quota(flow, trace)?;
        self.phase_validation(flow, trace)?;
        if let Some(hit) = self.phase_cache_lookup(flow, trace)? {
            return Ok(hit);
        }
        let resp = self.run_integration(flow, trace)?;
        self.cache_store(flow, trace, &resp);
        Ok(resp)
    }

    /// The response step, metrics, the access log, then the headers every response gets: every
    /// request reaches this, including the refused ones.
    fn finish(&mut self, flow: &mut Flow<'_>, resp: &mut Response, trace: &mut Trace) {
        self.record(flow, resp, trace);
        match self.api_type {
            ApiType::Rest => {
                if resp.header("x-amzn-RequestId").is_none() {
                    resp.headers.push(("x-amzn-RequestId".into(), flow.request_id.clone().into()));
                }
                resp.headers.push(("x-amz-apigw-id".into(), flow.apigw_id.clone().into()));
            }
            ApiType::Http => {
                if resp.header("apigw-requestid").is_none() {
                    resp.headers.push(("apigw-requestid".into(), flow.request_id.clone().into()));
                }
            }
        }
        if let Some(c) = &self.cors {
            cors::add_response_headers(c, flow.req, resp);
        }
        if let Some(status) = flow.cache {
            let v = match status {
                CacheStatus::Hit => "HIT",
                CacheStatus::Miss => "MISS",
                CacheStatus::Invalidated => "MISS (invalidated by Cache-Control: max-age=0)",
            };
            resp.headers.push((CACHE_TEACHING_HEADER.into(), v.into()));
        }
        if flow.cache_warning {
            resp.headers.push((
                "Warning".into(),
                "199 Cache-Control: max-age=0 ignored, caller is not authorized to invalidate the cache".into(),
            ));
        }
    }

    /// The trace's summary and response step, the metrics sample and the access-log line.
    fn record(&mut self, flow: &Flow<'_>, resp: &Response, trace: &mut Trace) {
        let integration = flow.integration_latency;
        let latency = integration.unwrap_or(0) + GATEWAY_OVERHEAD_MS;
        trace.status = resp.status;
        trace.latency_ms = latency;
        trace.integration_latency_ms = integration;
        trace.cache = flow.cache;
        trace.api_key = flow.key.and_then(|k| self.keys.get(k)).map(|k| Arc::clone(&k.name));
        // Only the gateway's own refusals count as rejected; an integration's 404 is an answer.
        let outcome = match (&flow.error, resp.status) {
            (Some(_), 500..=599) => Outcome::Failed,
            (Some(_), _) => Outcome::Rejected,
            (None, _) => Outcome::Passed,
        };
        trace.push_with(Phase::Response, outcome, || match &flow.error {
            Some(e) => format!(
                "{} {} — gateway response {} ({}); Latency {latency} ms",
                resp.status,
                resp.body_text(),
                e.response_type(),
                e.explain()
            ),
            None => match integration {
                Some(il) => format!("{} after {latency} ms (IntegrationLatency {il} ms)", resp.status),
                None => format!("{} after {latency} ms (no integration call)", resp.status),
            },
        });
        self.metrics.record(
            flow.now,
            Sample {
                route: flow.route,
                status: resp.status,
                latency_ms: latency,
                integration_latency_ms: integration,
                cache_hit: flow.cache.map(|c| c == CacheStatus::Hit),
            },
        );
        self.log(flow, resp, latency);
    }

    fn log(&mut self, flow: &Flow<'_>, resp: &Response, latency: u64) {
        let message = flow.error.as_ref().and_then(|e| e.message(self.api_type)).unwrap_or_default();
        let rec = LogRecord {
            principal_id: flow.auth.as_ref().and_then(|a| a.principal_id.as_deref()).unwrap_or(""),
            error_message: &message,
            error_response_type: flow.error.as_ref().map_or("", GatewayError::response_type),
            request_id: &flow.request_id,
            http_method: &flow.req.method,
            key: flow.key,
            source_ip: &flow.req.source_ip,
            user_agent: flow.req.header("user-agent").unwrap_or(""),
            integration_latency: flow.integration_latency,
            integration_status: flow.integration_status,
            path: &flow.req.path,
            at_ms: flow.now.as_millis(),
            route: flow.route,
            response_latency: latency,
            response_length: resp.body.len(),
            status: resp.status,
        };
        self.access_log.write(&rec);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_equal_the_format_macro() {
        for n in [0u64, 1, 7, 0xdead_beef, u64::MAX, 0x0123_4567_89ab_cdef] {
            for t in [0, 1, 1_764_547_200_123] {
                let now = VirtualTime::from_millis(t);
                let a = mix(n ^ now.as_millis().rotate_left(32));
                let b = mix(a ^ n);
                let want = format!(
                    "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
                    a >> 32,
                    (a >> 16) & 0xffff,
                    a & 0xfff,
                    0x8000 | ((b >> 48) & 0x3fff),
                    b & 0xffff_ffff_ffff
                );
                assert_eq!(request_ids(n, now).0, want);
            }
        }
    }

    #[test]
    fn ids_are_deterministic_and_uuid_shaped() {
        let (a, x) = request_ids(1, VirtualTime::from_secs(5));
        let (b, y) = request_ids(1, VirtualTime::from_secs(5));
        assert_eq!((&a, &x), (&b, &y));
        assert_ne!(a, request_ids(2, VirtualTime::from_secs(5)).0);
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'4');
        assert_eq!(x.len(), 16);
    }
}
