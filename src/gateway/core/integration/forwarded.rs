//! The headers API Gateway adds to what an integration receives (`X-Forwarded-For`, `-Port`,
//! `-Proto`, `X-Amzn-Trace-Id`), the few whose names it re-spells, and the HTTP proxy's `Host`
//! and `x-amzn-apigateway-api-id`. AWS's payload 1.0 events show them all (LocalStack's
//! AWS-validated snapshot `invocation-payload-without-trailing-slash`,
//! tests/aws/services/apigateway/test_apigateway_lambda.snapshot.json).

use crate::gateway::core::gateway::Gateway;
use crate::gateway::core::pipeline::Flow;

/// Names the gateway spells its own way in proxy events, whatever the client sent
/// (`authorization` arrives as `Authorization`).
const RESPELLED: [&str; 2] = ["Authorization", "User-Agent"];

/// The headers the gateway sets itself; a client's own copies are replaced.
const ADDED: [&str; 4] = ["X-Amzn-Trace-Id", "X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto"];

/// FNV-1a over `bytes` from `seed`: stable across builds, unlike `DefaultHasher`.
fn fnv(seed: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(seed, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// The X-Ray trace header: the caller's, when it carries a `Root`, or a new root made from the
/// request id and time (`Root=1-{epoch seconds in hex}-{24 hex digits}`), so runs replay.
pub(crate) fn trace_header(flow: &Flow<'_>) -> String {
    if let Some(v) = flow.req.header("x-amzn-trace-id")
        && v.contains("Root=")
    {
        return v.to_owned();
    }
    let id = flow.request_id.as_bytes();
    let (a, b) = (fnv(0xcbf2_9ce4_8422_2325, id), fnv(0x8422_2325_cbf2_9ce4, id));
    format!("Root=1-{:08x}-{a:016x}{:08x}", flow.now.as_millis() / 1000, b & 0xffff_ffff)
}

/// The request's headers as a proxy integration sees them: the client's names as sent (a few
/// re-spelled), then the ones the gateway adds. Port and protocol are the public endpoint's,
/// 443 and https, as AWS's are; the sandbox itself listens on plain HTTP.
pub(crate) fn proxy_headers(flow: &Flow<'_>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = flow
        .req
        .headers
        .iter()
        .filter(|(k, _)| !ADDED.iter().any(|a| a.eq_ignore_ascii_case(k)))
        .map(|(k, v)| {
            let name =
                RESPELLED.iter().find(|r| r.eq_ignore_ascii_case(k)).map_or_else(|| k.clone(), |r| (*r).to_owned());
            (name, v.clone())
        })
        .collect();
    let forwarded_for = match flow.req.header("x-forwarded-for") {
        Some(earlier) => format!("{earlier}, {}", flow.req.source_ip),
        None => flow.req.source_ip.clone(),
    };
    out.push(("X-Amzn-Trace-Id".to_owned(), trace_header(flow)));
    out.push(("X-Forwarded-For".to_owned(), forwarded_for));
    out.push(("X-Forwarded-Port".to_owned(), "443".to_owned()));
    out.push(("X-Forwarded-Proto".to_owned(), "https".to_owned()));
    out
}

/// What an HTTP proxy back end receives: the proxy headers, with `Host` naming the back end
/// (not the caller's `Host`) and `x-amzn-apigateway-api-id` naming the API.
pub(crate) fn backend_headers(gw: &Gateway, flow: &Flow<'_>, backend: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> =
        proxy_headers(flow).into_iter().filter(|(k, _)| !k.eq_ignore_ascii_case("host")).collect();
    out.push(("Host".to_owned(), backend.to_owned()));
    out.push(("x-amzn-apigateway-api-id".to_owned(), gw.def.api_id.clone()));
    out
}
