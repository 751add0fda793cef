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
    Var(usize),
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
        match VARIABLES.iter().position(|v| *v == name) {
            Some(i) => {
                if !lit.is_empty() {
                    parts.push(Part::Lit(std::mem::take(&mut lit)));
                }
                parts.push(Part::Var(i));
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
        use std::fmt::Write as _;
        // Once the log is full, the oldest line's buffer is reused for the new one: a served
        // gateway writes a line per request, and this saves an allocation and a free each time.
        let mut line = if self.lines.len() >= KEEP_LINES {
            let mut old = self.lines.pop_front().unwrap_or_default();
            old.clear();
            old
        } else {
            String::with_capacity(160)
        };
        for part in &self.parts {
            match part {
                Part::Lit(s) => line.push_str(s),
                Part::Var(i) => {
                    let name = VARIABLES.get(*i).copied().unwrap_or("");
                    let s = |line: &mut String, v: &str| line.push_str(if v.is_empty() { "-" } else { v });
                    match name {
                        "apiId" => s(&mut line, r.api_id),
                        "authorizer.principalId" => s(&mut line, r.principal_id),
                        "domainName" => s(&mut line, r.domain_name),
                        "error.message" => s(&mut line, r.error_message),
                        "error.messageString" => {
                            if r.error_message.is_empty() {
                                line.push('-');
                            } else {
                                let _ = write!(line, "\"{}\"", r.error_message);
                            }
                        }
                        "error.responseType" => s(&mut line, r.error_response_type),
                        "requestId" | "extendedRequestId" => s(&mut line, r.request_id),
                        "httpMethod" => s(&mut line, r.http_method),
                        "identity.apiKeyId" => s(&mut line, r.api_key_id),
                        "identity.sourceIp" => s(&mut line, r.source_ip),
                        "identity.userAgent" => s(&mut line, r.user_agent),
                        "identity.caller" | "identity.user" => line.push('-'),
                        "integration.latency" | "integrationLatency" => match r.integration_latency {
                            Some(v) => {
                                let _ = write!(line, "{v}");
                            }
                            None => line.push('-'),
                        },
                        "integration.status" => match r.integration_status {
                            Some(v) => {
                                let _ = write!(line, "{v}");
                            }
                            None => line.push('-'),
                        },
                        "path" => s(&mut line, r.path),
                        "protocol" => line.push_str("HTTP/1.1"),
                        "requestTime" => s(&mut line, r.request_time),
                        "requestTimeEpoch" => {
                            let _ = write!(line, "{}", r.request_time_epoch);
                        }
                        "resourcePath" => s(&mut line, r.resource_path),
                        "responseLatency" => {
                            let _ = write!(line, "{}", r.response_latency);
                        }
                        "responseLength" => {
                            let _ = write!(line, "{}", r.response_length);
                        }
                        "routeKey" => s(&mut line, r.route_key),
                        "stage" => s(&mut line, r.stage),
                        "status" => {
                            let _ = write!(line, "{}", r.status);
                        }
                        _ => line.push('-'),
                    }
                }
            }
        }
        self.lines.push_back(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
