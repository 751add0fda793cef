//! Access-log lines in AWS's `$context` variable format, compiled once per gateway.

use std::collections::VecDeque;

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

/// The values one request offers to the log line; empty means AWS's `-`.
#[derive(Debug, Default)]
pub(crate) struct LogRecord<'a> {
    pub api_id: &'a str,
    pub principal_id: &'a str,
    pub domain_name: &'a str,
    pub error_message: &'a str,
    pub error_response_type: &'a str,
    pub request_id: &'a str,
    pub http_method: &'a str,
    pub api_key_id: &'a str,
    pub source_ip: &'a str,
    pub user_agent: &'a str,
    pub integration_latency: Option<u64>,
    pub integration_status: Option<u16>,
    pub path: &'a str,
    pub request_time: &'a str,
    pub request_time_epoch: u64,
    pub resource_path: &'a str,
    pub response_latency: u64,
    pub response_length: usize,
    pub route_key: &'a str,
    pub stage: &'a str,
    pub status: u16,
}

#[derive(Debug, Clone)]
pub(crate) struct AccessLog {
    parts: Vec<Part>,
    lines: VecDeque<String>,
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
    pub(crate) fn new(format: Option<&str>) -> Self {
        Self { parts: compile(format.unwrap_or(DEFAULT_FORMAT)), lines: VecDeque::new() }
    }

    pub(crate) fn lines(&self) -> impl Iterator<Item = &str> {
        self.lines.iter().map(String::as_str)
    }

    pub(crate) fn last(&self) -> Option<&str> {
        self.lines.back().map(String::as_str)
    }

    pub(crate) fn write(&mut self, r: &LogRecord<'_>) {
        // Once the log is full, the oldest line's buffer is reused for the new one: a served
        // gateway writes a line per request, and this saves an allocation and a free each time.
        let mut line = if self.lines.len() >= KEEP_LINES {
            let mut old = self.lines.pop_front().unwrap_or_default();
            old.clear();
            old
        } else {
            String::with_capacity(160)
        };
        fn s(line: &mut String, v: &str) {
            line.push_str(if v.is_empty() { "-" } else { v });
        }
        fn opt(line: &mut String, v: Option<u64>) {
            match v {
                Some(v) => push_u64(line, v),
                None => line.push('-'),
            }
        }
        for part in &self.parts {
            let var = match part {
                Part::Lit(text) => {
                    line.push_str(text);
                    continue;
                }
                Part::Var(v) => *v,
            };
            match var {
                Var::ApiId => s(&mut line, r.api_id),
                Var::PrincipalId => s(&mut line, r.principal_id),
                Var::DomainName => s(&mut line, r.domain_name),
                Var::ErrorMessage => s(&mut line, r.error_message),
                Var::ErrorMessageString => {
                    if r.error_message.is_empty() {
                        line.push('-');
                    } else {
                        line.push('"');
                        line.push_str(r.error_message);
                        line.push('"');
                    }
                }
                Var::ErrorResponseType => s(&mut line, r.error_response_type),
                Var::RequestId => s(&mut line, r.request_id),
                Var::HttpMethod => s(&mut line, r.http_method),
                Var::ApiKeyId => s(&mut line, r.api_key_id),
                Var::Dash => line.push('-'),
                Var::SourceIp => s(&mut line, r.source_ip),
                Var::UserAgent => s(&mut line, r.user_agent),
                Var::IntegrationLatency => opt(&mut line, r.integration_latency),
                Var::IntegrationStatus => opt(&mut line, r.integration_status.map(u64::from)),
                Var::Path => s(&mut line, r.path),
                Var::Protocol => line.push_str("HTTP/1.1"),
                Var::RequestTime => s(&mut line, r.request_time),
                Var::RequestTimeEpoch => push_u64(&mut line, r.request_time_epoch),
                Var::ResourcePath => s(&mut line, r.resource_path),
                Var::ResponseLatency => push_u64(&mut line, r.response_latency),
                Var::ResponseLength => push_u64(&mut line, r.response_length as u64),
                Var::RouteKey => s(&mut line, r.route_key),
                Var::Stage => s(&mut line, r.stage),
                Var::Status => push_u64(&mut line, u64::from(r.status)),
            }
        }
        self.lines.push_back(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variable_is_resolved_and_numbers_print_as_format_does() {
        for v in VARIABLES {
            assert!(Var::of(v).is_some(), "{v}");
        }
        for n in [0u64, 7, 10, 99, 100, 65_535, 1_764_547_200_000, u64::MAX] {
            let mut got = String::new();
            push_u64(&mut got, n);
            assert_eq!(got, n.to_string());
        }
    }

    #[test]
    fn constant_variables_are_folded_into_the_text() {
        let log = AccessLog::new(None);
        // sourceIp, requestTime, httpMethod, resourcePath, status, responseLength, requestId
        // vary; caller, user and protocol are the same for every request.
        assert_eq!(log.parts.iter().filter(|p| matches!(p, Part::Var(_))).count(), 7);
        assert!(log.parts.contains(&Part::Lit(" - - [".to_owned())), "{:?}", log.parts);
    }

    #[test]
    fn formats_and_reports_unknowns() {
        let mut log =
            AccessLog::new(Some("$context.requestId $context.status $context.integrationLatency $context.nope."));
        log.write(&LogRecord { request_id: "r1", status: 200, ..LogRecord::default() });
        assert_eq!(log.lines().next(), Some("r1 200 - $context.nope."));
        assert_eq!(unknown_variables("$context.status $context.nope."), vec!["nope"]);
        assert!(unknown_variables(DEFAULT_FORMAT).is_empty());
    }
}
