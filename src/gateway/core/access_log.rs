//! Access-log lines in AWS's `$context` variable format, compiled once per gateway.
//!
//! A line is written for every request but read only when someone looks (the Lab's log pane,
//! `gateway serve`'s output), so each request stores just the values its line needs, in a ring
//! of reused buffers, and the text is formatted when read: the same text, for a fraction of
//! the cost on the served path.

use std::sync::Arc;

use super::time::VirtualTime;

/// The CLF-like format the API Gateway console offers by default.
pub const DEFAULT_FORMAT: &str = "$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] \"$context.httpMethod $context.resourcePath $context.protocol\" $context.status $context.responseLength $context.requestId";

/// The variables an access-log format may use.
pub const VARIABLES: &[&str] = &[
    "apiId",
    "authorizer.principalId",
    "domainName",
    "error.message",
    "error.messageString",
    "error.responseType",
    "extendedRequestId",
    "httpMethod",
    "identity.apiKeyId",
    "identity.caller",
    "identity.sourceIp",
    "identity.user",
    "identity.userAgent",
    "integration.latency",
    "integration.status",
    "integrationLatency",
    "path",
    "protocol",
    "requestId",
    "requestTime",
    "requestTimeEpoch",
    "resourcePath",
    "responseLatency",
    "responseLength",
    "routeKey",
    "stage",
    "status",
];

/// How many lines the gateway keeps; older ones are dropped.
const KEEP_LINES: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Lit(String),
    Var(Var),
}

/// A variable of [`VARIABLES`], resolved once when the format is compiled: a line is written
/// for every request, and matching names there was most of its cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Var {
    ApiId,
    PrincipalId,
    DomainName,
    ErrorMessage,
    ErrorMessageString,
    ErrorResponseType,
    RequestId,
    HttpMethod,
    ApiKeyId,
    Dash,
    SourceIp,
    UserAgent,
    IntegrationLatency,
    IntegrationStatus,
    Path,
    Protocol,
    RequestTime,
    RequestTimeEpoch,
    ResourcePath,
    ResponseLatency,
    ResponseLength,
    RouteKey,
    Stage,
    Status,
}

impl Var {
    fn of(name: &str) -> Option<Self> {
        Some(match name {
            "apiId" => Self::ApiId,
            "authorizer.principalId" => Self::PrincipalId,
            "domainName" => Self::DomainName,
            "error.message" => Self::ErrorMessage,
            "error.messageString" => Self::ErrorMessageString,
            "error.responseType" => Self::ErrorResponseType,
            "requestId" | "extendedRequestId" => Self::RequestId,
            "httpMethod" => Self::HttpMethod,
            "identity.apiKeyId" => Self::ApiKeyId,
            // No IAM callers in the sandbox.
            "identity.caller" | "identity.user" => Self::Dash,
            "identity.sourceIp" => Self::SourceIp,
            "identity.userAgent" => Self::UserAgent,
            "integration.latency" | "integrationLatency" => Self::IntegrationLatency,
            "integration.status" => Self::IntegrationStatus,
            "path" => Self::Path,
            "protocol" => Self::Protocol,
            "requestTime" => Self::RequestTime,
            "requestTimeEpoch" => Self::RequestTimeEpoch,
            "resourcePath" => Self::ResourcePath,
            "responseLatency" => Self::ResponseLatency,
            "responseLength" => Self::ResponseLength,
            "routeKey" => Self::RouteKey,
            "stage" => Self::Stage,
            "status" => Self::Status,
            _ => return None,
        })
    }
}

/// Appends `v` in decimal, as `{v}` would, without the formatting machinery.
fn push_u64(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}

/// What a line can say that is the same for every request of one gateway.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fixed {
    pub api_id: String,
    pub domain_name: String,
    pub stage: String,
    /// Per route, in definition order: its resource path and route key.
    pub routes: Vec<(String, Arc<str>)>,
    /// Per API key, in definition order: its name.
    pub keys: Vec<Arc<str>>,
}

/// The values one request offers to its log line; empty means AWS's `-`.
#[derive(Debug, Default)]
pub(crate) struct LogRecord<'a> {
    pub principal_id: &'a str,
    /// Only computed when the format shows it ([`AccessLog::shows_error_message`]).
    pub error_message: &'a str,
    pub error_response_type: &'static str,
    pub request_id: &'a str,
    pub http_method: &'a str,
    pub key: Option<usize>,
    pub source_ip: &'a str,
    pub user_agent: &'a str,
    pub integration_latency: Option<u64>,
    pub integration_status: Option<u16>,
    pub path: &'a str,
    pub at_ms: u64,
    pub route: Option<usize>,
    pub response_latency: u64,
    pub response_length: usize,
    pub status: u16,
}

/// One request's values, kept until its line is read. The text fields hold only what the
/// format shows; their buffers are reused once the log is full.
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

/// Which per-request texts the compiled format shows.
#[derive(Debug, Clone, Copy, Default)]
struct Shows {
    principal_id: bool,
    error_message: bool,
    request_id: bool,
    http_method: bool,
    source_ip: bool,
    user_agent: bool,
    path: bool,
}

impl Shows {
    fn of(parts: &[Part]) -> Self {
        let has = |v: Var| parts.contains(&Part::Var(v));
        Self {
            principal_id: has(Var::PrincipalId),
            error_message: has(Var::ErrorMessage) || has(Var::ErrorMessageString),
            request_id: has(Var::RequestId),
            http_method: has(Var::HttpMethod),
            source_ip: has(Var::SourceIp),
            user_agent: has(Var::UserAgent),
            path: has(Var::Path),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct AccessLog {
    parts: Vec<Part>,
    shows: Shows,
    fixed: Fixed,
    /// A ring: once it holds [`KEEP_LINES`] entries, `next` is both the oldest and the slot the
    /// next request overwrites in place, keeping its buffers (moving an entry out and back in
    /// was most of what writing one cost).
    entries: Vec<Entry>,
    next: usize,
}

/// Splits a format into literals and variables; unknown variables are reported by `check`,
/// and here kept as literal text.
fn compile(format: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut rest = format;
    while let Some(pos) = rest.find("$context.") {
        lit.push_str(rest.get(..pos).unwrap_or(""));
        let after = rest.get(pos + 9..).unwrap_or("");
        let len = after.bytes().take_while(|c| c.is_ascii_alphanumeric() || *c == b'.' || *c == b'_').count();
        let mut name = after.get(..len).unwrap_or("");
        // A trailing dot belongs to the surrounding text, not the variable name.
        while let Some(n) = name.strip_suffix('.') {
            name = n;
        }
        match Var::of(name).filter(|_| VARIABLES.contains(&name)) {
            // The same for every request, so part of the text around them.
            Some(Var::Dash) => lit.push('-'),
            Some(Var::Protocol) => lit.push_str("HTTP/1.1"),
            Some(v) => {
                if !lit.is_empty() {
                    parts.push(Part::Lit(std::mem::take(&mut lit)));
                }
                parts.push(Part::Var(v));
            }
            None => {
                lit.push_str("$context.");
                lit.push_str(name);
            }
        }
        rest = after.get(name.len()..).unwrap_or("");
    }
    lit.push_str(rest);
    if !lit.is_empty() {
        parts.push(Part::Lit(lit));
    }
    parts
}

/// The `$context` variables in `format` that are not in [`VARIABLES`].
pub(crate) fn unknown_variables(format: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = format;
    while let Some(pos) = rest.find("$context.") {
        let after = rest.get(pos + 9..).unwrap_or("");
        let len = after.bytes().take_while(|c| c.is_ascii_alphanumeric() || *c == b'.' || *c == b'_').count();
        let name = after.get(..len).unwrap_or("").trim_end_matches('.');
        if !VARIABLES.contains(&name) {
            out.push(name.to_owned());
        }
        rest = after.get(len..).unwrap_or("");
    }
    out
}

impl AccessLog {
    pub(crate) fn new(format: Option<&str>, fixed: Fixed) -> Self {
        let parts = compile(format.unwrap_or(DEFAULT_FORMAT));
        Self { shows: Shows::of(&parts), parts, fixed, entries: Vec::new(), next: 0 }
    }

    /// Whether lines show `$context.error.message`: the caller computes the message only then.
    pub(crate) fn shows_error_message(&self) -> bool {
        self.shows.error_message
    }

    /// The entries, oldest first.
    fn in_order(&self) -> impl Iterator<Item = &Entry> + '_ {
        let (newer, older) = self.entries.split_at(self.next.min(self.entries.len()));
        older.iter().chain(newer)
    }

    /// The lines, oldest first.
    pub(crate) fn lines(&self) -> impl Iterator<Item = String> + '_ {
        self.in_order().map(|e| self.format(e))
    }

    /// The newest `n` lines, oldest of them first.
    pub(crate) fn tail(&self, n: usize) -> impl Iterator<Item = String> + '_ {
        self.in_order().skip(self.entries.len().saturating_sub(n)).map(|e| self.format(e))
    }

    pub(crate) fn last(&self) -> Option<String> {
        let newest = self.next.checked_sub(1).unwrap_or(self.entries.len().saturating_sub(1));
        self.entries.get(newest).map(|e| self.format(e))
    }

    pub(crate) fn write(&mut self, r: &LogRecord<'_>) {
        fn keep(dst: &mut String, src: &str, shown: bool) {
            dst.clear();
            if shown {
                dst.push_str(src);
            }
        }
        if self.entries.len() < KEEP_LINES && self.next == self.entries.len() {
            self.entries.push(Entry::default());
        }
        let slot = self.next;
        self.next = (slot + 1) % KEEP_LINES;
        let Some(e) = self.entries.get_mut(slot) else {
            return;
        };
        let shows = self.shows;
        keep(&mut e.principal_id, r.principal_id, shows.principal_id);
        keep(&mut e.error_message, r.error_message, shows.error_message);
        keep(&mut e.request_id, r.request_id, shows.request_id);
        keep(&mut e.http_method, r.http_method, shows.http_method);
        keep(&mut e.source_ip, r.source_ip, shows.source_ip);
        keep(&mut e.user_agent, r.user_agent, shows.user_agent);
        keep(&mut e.path, r.path, shows.path);
        e.error_response_type = r.error_response_type;
        e.key = r.key;
        e.integration_latency = r.integration_latency;
        e.integration_status = r.integration_status;
        e.at_ms = r.at_ms;
        e.route = r.route;
        e.response_latency = r.response_latency;
        e.response_length = r.response_length;
        e.status = r.status;
    }

    fn format(&self, e: &Entry) -> String {
        fn s(line: &mut String, v: &str) {
            line.push_str(if v.is_empty() { "-" } else { v });
        }
        fn opt(line: &mut String, v: Option<u64>) {
            match v {
                Some(v) => push_u64(line, v),
                None => line.push('-'),
            }
        }
        let f = &self.fixed;
        let route = e.route.and_then(|r| f.routes.get(r));
        let mut line = String::with_capacity(160);
        for part in &self.parts {
            let var = match part {
                Part::Lit(text) => {
                    line.push_str(text);
                    continue;
                }
                Part::Var(v) => *v,
            };
            match var {
                Var::ApiId => s(&mut line, &f.api_id),
                Var::PrincipalId => s(&mut line, &e.principal_id),
                Var::DomainName => s(&mut line, &f.domain_name),
                Var::ErrorMessage => s(&mut line, &e.error_message),
                Var::ErrorMessageString => {
                    if e.error_message.is_empty() {
                        line.push('-');
                    } else {
                        line.push('"');
                        line.push_str(&e.error_message);
                        line.push('"');
                    }
                }
                Var::ErrorResponseType => s(&mut line, e.error_response_type),
                Var::RequestId => s(&mut line, &e.request_id),
                Var::HttpMethod => s(&mut line, &e.http_method),
                Var::ApiKeyId => s(&mut line, e.key.and_then(|k| f.keys.get(k)).map_or("", |k| k)),
                Var::Dash => line.push('-'),
                Var::SourceIp => s(&mut line, &e.source_ip),
                Var::UserAgent => s(&mut line, &e.user_agent),
                Var::IntegrationLatency => opt(&mut line, e.integration_latency),
                Var::IntegrationStatus => opt(&mut line, e.integration_status.map(u64::from)),
                Var::Path => s(&mut line, &e.path),
                Var::Protocol => line.push_str("HTTP/1.1"),
                Var::RequestTime => line.push_str(&VirtualTime::from_millis(e.at_ms).clf()),
                Var::RequestTimeEpoch => push_u64(&mut line, e.at_ms),
                Var::ResourcePath => s(&mut line, route.map_or("", |r| r.0.as_str())),
                Var::ResponseLatency => push_u64(&mut line, e.response_latency),
                Var::ResponseLength => push_u64(&mut line, e.response_length as u64),
                Var::RouteKey => s(&mut line, route.map_or("", |r| &*r.1)),
                Var::Stage => s(&mut line, &f.stage),
                Var::Status => push_u64(&mut line, u64::from(e.status)),
            }
        }
        line
    }
}

#[cfg(test)]
#[path = "access_log_tests.rs"]
mod tests;
