//! Access-log lines in AWS's `$context` variable format: the format is compiled once per
//! gateway, each request's line is formatted as it finishes, and the newest lines are kept for
//! the Lab's log pane and `gateway serve`'s output.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::Arc;

use super::time::VirtualTime;

/// The CLF-like format the API Gateway console offers by default.
pub(crate) const DEFAULT_FORMAT: &str = "$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] \"$context.httpMethod $context.resourcePath $context.protocol\" $context.status $context.responseLength $context.requestId";

/// The variables an access-log format may use.
pub(crate) const VARIABLES: &[&str] = &[
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

#[derive(Debug, Clone)]
pub(crate) struct AccessLog {
    parts: Vec<Part>,
    fixed: Fixed,
    /// The newest [`KEEP_LINES`] lines, oldest first.
    lines: VecDeque<String>,
    /// `$context.requestTime` for the second of the last line: it changes once a second, and
    /// formatting it for every line was a tenth of a served request's instructions.
    time: (u64, String),
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
        Self {
            parts: compile(format.unwrap_or(DEFAULT_FORMAT)),
            fixed,
            lines: VecDeque::new(),
            time: (u64::MAX, String::new()),
        }
    }

    /// The lines, oldest first.
    pub(crate) fn lines(&self) -> impl Iterator<Item = &str> + '_ {
        self.lines.iter().map(String::as_str)
    }

    /// The newest `n` lines, oldest of them first.
    pub(crate) fn tail(&self, n: usize) -> impl Iterator<Item = &str> + '_ {
        self.lines().skip(self.lines.len().saturating_sub(n))
    }

    pub(crate) fn last(&self) -> Option<&str> {
        self.lines.back().map(String::as_str)
    }

    pub(crate) fn write(&mut self, r: &LogRecord<'_>) {
        if self.lines.len() == KEEP_LINES {
            self.lines.pop_front();
        }
        let second = r.at_ms / 1000;
        if self.time.0 != second {
            self.time = (second, VirtualTime::from_millis(r.at_ms).clf());
        }
        let line = self.format(r);
        self.lines.push_back(line);
    }

    fn format(&self, r: &LogRecord<'_>) -> String {
        fn s(line: &mut String, v: &str) {
            line.push_str(if v.is_empty() { "-" } else { v });
        }
        fn opt(line: &mut String, v: Option<u64>) {
            match v {
                Some(v) => num(line, v),
                None => line.push('-'),
            }
        }
        fn num(line: &mut String, v: u64) {
            // Writing to a `String` cannot fail.
            let _ = write!(line, "{v}");
        }
        let f = &self.fixed;
        let route = r.route.and_then(|i| f.routes.get(i));
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
                Var::PrincipalId => s(&mut line, r.principal_id),
                Var::DomainName => s(&mut line, &f.domain_name),
                Var::ErrorMessage => s(&mut line, r.error_message),
                Var::ErrorMessageString if r.error_message.is_empty() => line.push('-'),
                Var::ErrorMessageString => {
                    let _ = write!(line, "\"{}\"", r.error_message);
                }
                Var::ErrorResponseType => s(&mut line, r.error_response_type),
                Var::RequestId => s(&mut line, r.request_id),
                Var::HttpMethod => s(&mut line, r.http_method),
                Var::ApiKeyId => s(&mut line, r.key.and_then(|k| f.keys.get(k)).map_or("", |k| k)),
                Var::Dash => line.push('-'),
                Var::SourceIp => s(&mut line, r.source_ip),
                Var::UserAgent => s(&mut line, r.user_agent),
                Var::IntegrationLatency => opt(&mut line, r.integration_latency),
                Var::IntegrationStatus => opt(&mut line, r.integration_status.map(u64::from)),
                Var::Path => s(&mut line, r.path),
                Var::Protocol => line.push_str("HTTP/1.1"),
                Var::RequestTime => line.push_str(&self.time.1),
                Var::RequestTimeEpoch => num(&mut line, r.at_ms),
                Var::ResourcePath => s(&mut line, route.map_or("", |r| r.0.as_str())),
                Var::ResponseLatency => num(&mut line, r.response_latency),
                Var::ResponseLength => num(&mut line, r.response_length as u64),
                Var::RouteKey => s(&mut line, route.map_or("", |r| &*r.1)),
                Var::Stage => s(&mut line, &f.stage),
                Var::Status => num(&mut line, u64::from(r.status)),
            }
        }
        line
    }
}

#[cfg(test)]
#[path = "access_log_tests.rs"]
mod tests;
