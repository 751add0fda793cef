//! `Gateway::handle`: runs the phases in AWS's order over one request, turns a refusal into the
//! matching gateway response, and always finishes with headers, metrics and the access log.

use std::sync::Arc;

use serde_json::Value;

use super::access_log::LogRecord;
use super::auth::AuthInfo;
use super::cors;
use super::definition::ApiType;
use super::gateway::Gateway;
use super::http::{HeaderText, Request, Response};
use super::integration::context_json;
use super::metrics::Sample;
use super::responses::{GatewayError, error_response};
use super::time::VirtualTime;
use super::trace::{CacheStatus, Outcome, Phase, Trace};

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
    /// Set when the server shell refused the request before the pipeline could.
    pub refusal: Option<&'r ShellRefusal>,
    /// An empty header list whose buffer a response may take (see
    /// [`Gateway::recycle_headers`]).
    pub spare_headers: Vec<(HeaderText, HeaderText)>,
}

/// Why the server shell answers a request without running the pipeline: it knows something the
/// core cannot see in a [`Request`]. The core still writes the trace, metrics and access log, so
/// a learner watching live sees these requests too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShellRefusal {
    /// The URL's first segment names another stage (`/prod/pets` on a gateway built for `dev`).
    WrongStage { stage: String },
    /// The shell stopped reading the body after `bytes` bytes, past the payload limit; the body
    /// is not in the request.
    BodyTooLarge { bytes: u64 },
}

/// The longest header list [`Gateway::recycle_headers`] keeps.
const MAX_SPARE_HEADERS: usize = 32;

/// A 64-bit mixer (SplitMix64's finaliser): request ids look random but are a pure function of
/// the gateway's request counter and the virtual time, so demos replay byte for byte.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

pub(crate) fn request_ids(counter: u64, now: VirtualTime) -> (String, String) {
    let a = mix(counter ^ now.as_millis().rotate_left(32));
    let b = mix(a ^ counter);
    // The request id is the same text as `format!("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", …)`,
    // and the 16-character id follows it. Both are written into fixed places of one buffer and
    // checked as text once: this runs for every request, and the formatting machinery, pushing
    // characters one by one, and checking two short strings apart were each a visible share of
    // the served request path.
    let mut buf = Ids([b'-'; 52]);
    let text = &mut buf.0;
    text[0..8].copy_from_slice(&hex8((a >> 32) as u32));
    let low = hex8(a as u32);
    text[9..13].copy_from_slice(&low[..4]);
    text[14] = b'4';
    text[15..18].copy_from_slice(&low[5..]);
    let variant = 0x8000 | ((b >> 48) & 0x3fff);
    let mid = hex8(((variant << 16) | ((b >> 32) & 0xffff)) as u32);
    text[19..23].copy_from_slice(&mid[..4]);
    text[24..28].copy_from_slice(&mid[4..]);
    text[28..36].copy_from_slice(&hex8(b as u32));
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let id: [u8; 15] = std::array::from_fn(|i| ALPHABET[((b >> (i * 4)) & 63) as usize]);
    text[36..51].copy_from_slice(&id);
    text[51] = b'=';
    // Only ASCII was written, so the check passes; a word-aligned buffer takes its fast path.
    let (uuid, id) = std::str::from_utf8(&buf.0).map_or(("", ""), |t| t.split_at(36));
    (uuid.to_owned(), id.to_owned())
}

/// The two ids' text, word-aligned.
#[repr(align(8))]
struct Ids([u8; 52]);

/// `v` as 8 lower-case hex digits, all at once: each nibble is spread into a byte of a `u64`,
/// then every byte becomes its digit with one addition (and 39 more for `a`–`f`).
fn hex8(v: u32) -> [u8; 8] {
    let mut x = u64::from(v);
    x = ((x & 0xffff_0000) << 16) | (x & 0xffff);
    x = ((x & 0x0000_ff00_0000_ff00) << 8) | (x & 0x0000_00ff_0000_00ff);
    x = ((x & 0x00f0_00f0_00f0_00f0) << 4) | (x & 0x000f_000f_000f_000f);
    // A nibble of 10 or more carries into bit 4 of its byte when 6 is added.
    let letters = ((x + 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101;
    (x + 0x3030_3030_3030_3030 + letters * 0x27).to_be_bytes()
}

impl Gateway {
    /// Runs one request through the pipeline at virtual time `now`.
    ///
    /// Never panics and never reads a clock: the same sequence of `(request, now)` pairs gives
    /// the same responses and traces, byte for byte.
    pub fn handle(&mut self, req: Request, now: VirtualTime) -> (Response, Trace) {
        let out = self.handle_inner(&req, now, None, Trace::new(now, self.explain));
        Self::traced(req, out)
    }

    /// [`Self::handle`] for a caller that will not look at the trace (a server nobody is
    /// watching): the same response, metrics and access-log line, and no trace is recorded.
    /// The request is only borrowed, so the caller can reuse its buffers for the next one.
    pub fn respond(&mut self, req: &Request, now: VirtualTime) -> Response {
        self.handle_inner(req, now, None, Trace::unrecorded(now)).0
    }

    /// Takes back a response's header list once the caller is done with it, so that a later
    /// response reuses its buffer: a server answering request after request saves an
    /// allocation on each. A list grown unusually long is let go instead of kept.
    pub fn recycle_headers(&mut self, mut headers: Vec<(HeaderText, HeaderText)>) {
        headers.clear();
        if headers.capacity() <= MAX_SPARE_HEADERS {
            self.spare_headers = headers;
        }
    }

    /// Answers a request the server shell has already refused (see [`ShellRefusal`]) with the
    /// gateway response AWS would send, recording it like any other request.
    pub fn handle_refused(&mut self, req: Request, now: VirtualTime, refusal: &ShellRefusal) -> (Response, Trace) {
        let out = self.handle_inner(&req, now, Some(refusal), Trace::new(now, self.explain));
        Self::traced(req, out)
    }

    /// [`Self::handle_refused`] without the trace, as [`Self::respond`] is to `handle`.
    pub fn respond_refused(&mut self, req: &Request, now: VirtualTime, refusal: &ShellRefusal) -> Response {
        self.handle_inner(req, now, Some(refusal), Trace::unrecorded(now)).0
    }

    /// The trace takes the request's method and path instead of copies of them.
    fn traced(req: Request, (resp, mut trace): (Response, Trace)) -> (Response, Trace) {
        trace.method = req.method;
        trace.path = req.path;
        (resp, trace)
    }

    fn handle_inner(
        &mut self,
        req: &Request,
        now: VirtualTime,
        refusal: Option<&ShellRefusal>,
        mut trace: Trace,
    ) -> (Response, Trace) {
        self.counter += 1;
        let (request_id, apigw_id) = request_ids(self.counter, now);
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
            refusal,
            spare_headers: std::mem::take(&mut self.spare_headers),
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
        // The trace takes the id instead of a copy of it.
        let Flow { request_id, spare_headers, .. } = flow;
        trace.request_id = request_id;
        if spare_headers.capacity() > 0 {
            self.spare_headers = spare_headers;
        }
        (resp, trace)
    }

    fn run(&mut self, flow: &mut Flow<'_>, trace: &mut Trace) -> Result<Response, GatewayError> {
        if let Some(refusal) = flow.refusal {
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
        // Last, so the ids can move into the headers (the log line above borrowed them); the
        // trace keeps a copy of the request id only if anyone will see the trace.
        let request_id = |flow: &mut Flow<'_>| {
            if trace.is_recorded() { flow.request_id.clone() } else { std::mem::take(&mut flow.request_id) }
        };
        match self.api_type {
            ApiType::Rest => {
                if resp.header("x-amzn-RequestId").is_none() {
                    resp.headers.push(("x-amzn-RequestId".into(), request_id(flow).into()));
                }
                resp.headers.push(("x-amz-apigw-id".into(), std::mem::take(&mut flow.apigw_id).into()));
            }
            ApiType::Http => {
                if resp.header("apigw-requestid").is_none() {
                    resp.headers.push(("apigw-requestid".into(), request_id(flow).into()));
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
        if trace.is_recorded() {
            trace.api_key = flow.key.and_then(|k| self.keys.get(k)).map(|k| Arc::clone(&k.name));
        }
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
        let message = match &flow.error {
            Some(e) if self.access_log.shows_error_message() => e.message(self.api_type).unwrap_or_default(),
            _ => String::new(),
        };
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
    fn hex8_is_eight_lower_case_digits() {
        for v in [0u32, 9, 10, 15, 0xabcd_ef01, 0x0123_4567, 0x89ab_cdef, u32::MAX, 0x8000_0000, 0x0000_000f] {
            assert_eq!(hex8(v), *format!("{v:08x}").as_bytes(), "{v:#x}");
        }
    }

    #[test]
    fn hex_ids_match_the_format_macro() {
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
                const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
                let mut id: String = (0..15).map(|i| char::from(ALPHABET[((b >> (i * 4)) & 63) as usize])).collect();
                id.push('=');
                assert_eq!(request_ids(n, now), (want, id));
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
