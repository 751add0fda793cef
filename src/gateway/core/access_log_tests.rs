//! The access log against a reference: a formatter written the plain way (every variable
//! matched by name in the raw format string), which the compiled format's lines must equal.

use proptest::prelude::*;

use super::*;

fn fixed() -> Fixed {
    Fixed {
        api_id: "a1b2c3d4e5".to_owned(),
        domain_name: "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com".to_owned(),
        stage: "dev".to_owned(),
        routes: vec![("/pets".to_owned(), "GET /pets".into()), ("/pets/{id}".to_owned(), "GET /pets/{id}".into())],
        keys: vec!["demo-key".into(), "old-key".into()],
    }
}

/// One request's values, owned, so the strategies can build them.
#[derive(Debug, Clone, Default)]
struct Entry {
    principal_id: String,
    error_message: String,
    error_response_type: &'static str,
    request_id: String,
    http_method: String,
    key: Option<usize>,
    source_ip: String,
    user_agent: String,
    integration_latency: Option<u64>,
    integration_status: Option<u16>,
    path: String,
    at_ms: u64,
    route: Option<usize>,
    response_latency: u64,
    response_length: usize,
    status: u16,
}

impl Entry {
    fn record(&self) -> LogRecord<'_> {
        LogRecord {
            principal_id: &self.principal_id,
            error_message: &self.error_message,
            error_response_type: self.error_response_type,
            request_id: &self.request_id,
            http_method: &self.http_method,
            key: self.key,
            source_ip: &self.source_ip,
            user_agent: &self.user_agent,
            integration_latency: self.integration_latency,
            integration_status: self.integration_status,
            path: &self.path,
            at_ms: self.at_ms,
            route: self.route,
            response_latency: self.response_latency,
            response_length: self.response_length,
            status: self.status,
        }
    }
}

/// The line as the format describes it, computed directly from the raw format string.
fn reference(format: &str, f: &Fixed, v: &Entry) -> String {
    let dash = |s: &str| if s.is_empty() { "-".to_owned() } else { s.to_owned() };
    let route = v.route.and_then(|r| f.routes.get(r));
    let value = |name: &str| -> Option<String> {
        Some(match name {
            "apiId" => dash(&f.api_id),
            "authorizer.principalId" => dash(&v.principal_id),
            "domainName" => dash(&f.domain_name),
            "error.message" => dash(&v.error_message),
            "error.messageString" if v.error_message.is_empty() => "-".to_owned(),
            "error.messageString" => format!("\"{}\"", v.error_message),
            "error.responseType" => dash(v.error_response_type),
            "requestId" | "extendedRequestId" => dash(&v.request_id),
            "httpMethod" => dash(&v.http_method),
            "identity.apiKeyId" => dash(v.key.and_then(|k| f.keys.get(k)).map_or("", |k| k)),
            "identity.caller" | "identity.user" => "-".to_owned(),
            "identity.sourceIp" => dash(&v.source_ip),
            "identity.userAgent" => dash(&v.user_agent),
            "integration.latency" | "integrationLatency" => v.integration_latency.map_or("-".into(), |n| n.to_string()),
            "integration.status" => v.integration_status.map_or("-".into(), |n| n.to_string()),
            "path" => dash(&v.path),
            "protocol" => "HTTP/1.1".to_owned(),
            "requestTime" => VirtualTime::from_millis(v.at_ms).clf(),
            "requestTimeEpoch" => v.at_ms.to_string(),
            "resourcePath" => dash(route.map_or("", |r| r.0.as_str())),
            "responseLatency" => v.response_latency.to_string(),
            "responseLength" => v.response_length.to_string(),
            "routeKey" => dash(route.map_or("", |r| &*r.1)),
            "stage" => dash(&f.stage),
            "status" => v.status.to_string(),
            _ => return None,
        })
    };
    let mut out = String::new();
    let mut rest = format;
    while let Some(pos) = rest.find("$context.") {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 9..];
        let len = after.bytes().take_while(|c| c.is_ascii_alphanumeric() || *c == b'.' || *c == b'_').count();
        let name = after[..len].trim_end_matches('.');
        match value(name) {
            Some(text) => out.push_str(&text),
            None => {
                out.push_str("$context.");
                out.push_str(name);
            }
        }
        rest = &after[name.len()..];
    }
    out.push_str(rest);
    out
}

fn text() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["", "x", "Mozilla/5.0 (X11)", "127.0.0.1", "Forbidden", "é ü"]).prop_map(str::to_owned)
}

fn values() -> impl Strategy<Value = Entry> {
    (
        (text(), text(), prop::sample::select(vec!["", "THROTTLED", "INVALID_API_KEY"]), text(), text()),
        (prop::option::of(0usize..3), text(), text(), prop::option::of(0u64..40_000), prop::option::of(100u16..600)),
        (text(), 0u64..4_102_444_800_000, prop::option::of(0usize..3), 0u64..40_000, 0usize..2_000_000, 100u16..600),
    )
        .prop_map(|((p, m, t, id, meth), (key, ip, ua, il, is), (path, at, route, lat, len, status))| Entry {
            principal_id: p,
            error_message: m,
            error_response_type: t,
            request_id: id,
            http_method: meth,
            key,
            source_ip: ip,
            user_agent: ua,
            integration_latency: il,
            integration_status: is,
            path,
            at_ms: at,
            route,
            response_latency: lat,
            response_length: len,
            status,
        })
}

fn format_strategy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(VARIABLES.to_vec()).prop_map(|v| format!("$context.{v}")),
        prop::sample::select(vec![" ", " - ", "[", "]", "\"", ".", "$context.nope", "{\"k\":"]).prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 0..14).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn lines_equal_the_reference(format in format_strategy(), reqs in prop::collection::vec(values(), 1..6)) {
        let mut log = AccessLog::new(Some(&format), fixed());
        for v in &reqs {
            log.write(&v.record());
        }
        let lines: Vec<&str> = log.lines().collect();
        let want: Vec<String> = reqs.iter().map(|v| reference(&format, &fixed(), v)).collect();
        prop_assert_eq!(&lines, &want);
        prop_assert_eq!(log.last().map(str::to_owned), reqs.last().map(|v| reference(&format, &fixed(), v)));
        let tail: Vec<&str> = log.tail(2).collect();
        prop_assert_eq!(&tail[..], &want[want.len().saturating_sub(2)..]);
    }
}

#[test]
fn the_newest_lines_are_kept() {
    // Every variable; more requests than the log keeps; values that alternate between set and
    // empty.
    let format: String = VARIABLES.iter().map(|v| format!("$context.{v}|")).collect();
    let mut log = AccessLog::new(Some(&format), fixed());
    let mut all = Vec::new();
    for i in 0..(KEEP_LINES + 250) {
        let full = i % 2 == 0;
        let v = Entry {
            principal_id: if full { format!("user-{i}") } else { String::new() },
            error_message: if full { "Too Many Requests".to_owned() } else { String::new() },
            error_response_type: if full { "THROTTLED" } else { "" },
            request_id: format!("req-{i}"),
            http_method: if full { "POST".to_owned() } else { "GET".to_owned() },
            key: full.then_some(i % 2),
            source_ip: "127.0.0.1".to_owned(),
            user_agent: if full { "curl/8.5.0".to_owned() } else { String::new() },
            integration_latency: full.then_some(i as u64),
            integration_status: full.then_some(200),
            path: format!("/pets/{i}"),
            at_ms: 1_764_547_200_000 + i as u64 * 37,
            route: full.then_some(1),
            response_latency: i as u64,
            response_length: i,
            status: if full { 429 } else { 200 },
        };
        log.write(&v.record());
        all.push(v);
    }
    assert_eq!(log.lines().count(), KEEP_LINES);
    let want: Vec<String> = all[250..].iter().map(|v| reference(&format, &fixed(), v)).collect();
    assert_eq!(log.lines().collect::<Vec<_>>(), want);
}

#[test]
fn every_variable_is_resolved() {
    for v in VARIABLES {
        assert!(Var::of(v).is_some(), "{v}");
    }
}

#[test]
fn constant_variables_are_folded_into_the_text() {
    let log = AccessLog::new(None, Fixed::default());
    // sourceIp, requestTime, httpMethod, resourcePath, status, responseLength, requestId
    // vary; caller, user and protocol are the same for every request.
    assert_eq!(log.parts.iter().filter(|p| matches!(p, Part::Var(_))).count(), 7);
    assert!(log.parts.contains(&Part::Lit(" - - [".to_owned())), "{:?}", log.parts);
}

#[test]
fn formats_and_reports_unknowns() {
    let mut log = AccessLog::new(
        Some("$context.requestId $context.status $context.integrationLatency $context.nope."),
        Fixed::default(),
    );
    log.write(&LogRecord { request_id: "r1", status: 200, ..LogRecord::default() });
    assert_eq!(log.lines().next(), Some("r1 200 - $context.nope."));
    assert_eq!(unknown_variables("$context.status $context.nope."), vec!["nope"]);
    assert!(unknown_variables(DEFAULT_FORMAT).is_empty());
}
