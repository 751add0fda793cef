//! The plain request and response values that cross the core's boundary, and the URL
//! encoding helpers both the router and `$util` need.

use std::borrow::Cow;

/// One HTTP request as the gateway sees it, after the server shell (or the lab composer) has
/// stripped the stage prefix: `path` is the resource path, such as `/pets/7`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Decoded query parameters in arrival order; a name may repeat.
    pub query: Vec<(String, String)>,
    /// Header names keep the caller's case; lookups ignore it.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub source_ip: String,
    /// Set when the server shell has already refused the request (see [`ShellRefusal`]).
    pub refusal: Option<ShellRefusal>,
    /// The resource path as sent when it differs from `path`: `//pets` routes as `/pets`, but
    /// payload 1.0's `requestContext.path` and `$context.path` show the slashes as sent.
    pub raw_path: Option<String>,
    /// The query string as sent, undecoded (`a=1;b=2`); `None` when there was none.
    pub raw_query: Option<String>,
}

/// Why the server shell answers a request without running the pipeline: it knows something the
/// core cannot see in the rest of a [`Request`]. The core still writes the trace, metrics and
/// access log, so a learner watching live sees these requests too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShellRefusal {
    /// The URL's first segment names another stage (`/prod/pets` on a gateway built for `dev`).
    WrongStage { stage: String },
    /// The shell stopped reading the body after `bytes` bytes, past the payload limit; the body
    /// is not in the request.
    BodyTooLarge { bytes: u64 },
}

impl Request {
    /// A request for `target`, which may carry a query string (`/pets?type=dog`).
    pub fn new(method: &str, target: &str) -> Self {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        Self {
            method: method.to_ascii_uppercase(),
            path: if path.is_empty() { "/".to_owned() } else { path.to_owned() },
            query: parse_query(query),
            raw_query: (!query.is_empty()).then(|| query.to_owned()),
            source_ip: "127.0.0.1".to_owned(),
            ..Self::default()
        }
    }

    pub fn get(target: &str) -> Self {
        Self::new("GET", target)
    }

    #[must_use]
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    #[must_use]
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    #[must_use]
    pub fn with_refusal(mut self, refusal: ShellRefusal) -> Self {
        self.refusal = Some(refusal);
        self
    }

    /// The first value of a header, ignoring the name's case as HTTP does.
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// The last value of a query parameter, as payload 1.0's `queryStringParameters` keeps it.
    pub(crate) fn query_param(&self, name: &str) -> Option<&str> {
        self.query.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The path as sent (see `raw_path`).
    pub(crate) fn path_as_sent(&self) -> &str {
        self.raw_path.as_deref().unwrap_or(&self.path)
    }

    /// REST APIs split query values at `;` as well as `&` ("results in the data being split",
    /// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html):
    /// the query re-read that way, or `None` when the query has no raw `;`.
    pub(crate) fn query_split_at_semicolons(&self) -> Option<Vec<(String, String)>> {
        let raw = self.raw_query.as_deref().filter(|q| q.contains(';'))?;
        Some(parse_query(&raw.replace(';', "&")))
    }

    /// `a=1&b=2`, re-encoded, for payload 2.0's `rawQueryString` and access logs.
    pub(crate) fn raw_query(&self) -> String {
        let mut out = String::new();
        for (i, (k, v)) in self.query.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.push_str(&url_encode(k));
            out.push('=');
            out.push_str(&url_encode(v));
        }
        out
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A response header's name or value: static text or an owned string.
pub type HeaderText = Cow<'static, str>;

/// One HTTP response produced by the core.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Response {
    pub status: u16,
    /// Names and many values are the gateway's own fixed text (`Content-Type`,
    /// `application/json`), so they borrow static text instead of allocating for every response.
    pub headers: Vec<(HeaderText, HeaderText)>,
    pub body: bytes::Bytes,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Splits the stage off a URL path the way API Gateway's default endpoint does:
/// `/dev/pets/7` with stage `dev` → `Some("/pets/7")`. A `$default` stage has no prefix.
/// Extra slashes before the stage are ignored (`//dev/pets` is served). For the server shell,
/// which receives full paths and feeds the core resource paths.
pub fn strip_stage<'a>(path: &'a str, stage: &str) -> Option<&'a str> {
    if stage == "$default" {
        return Some(path);
    }
    let rest = path.trim_start_matches('/').strip_prefix(stage)?;
    match rest {
        "" => Some("/"),
        r if r.starts_with('/') => Some(r),
        _ => None,
    }
}

/// The resource path a stage-stripped path routes as, and the path as sent when that differs:
/// leading slashes fold into one (`//pets` → `/pets`), later ones stay (`/a//b`). AWS does the
/// same (LocalStack's AWS-validated snapshots `invocation-payload-with-prepended-slash` and
/// `invocation-payload-with-double-slash`, tests/aws/services/apigateway/test_apigateway_lambda).
pub(crate) fn fold_leading_slashes(path: &str) -> (&str, Option<&str>) {
    if path.starts_with("//") {
        let folded = &path[path.len() - path.trim_start_matches('/').len() - 1..];
        (folded, Some(path))
    } else {
        (path, None)
    }
}

pub(crate) fn header_value<'a, K: AsRef<str>, V: AsRef<str>>(headers: &'a [(K, V)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name)).map(|(_, v)| v.as_ref())
}

/// Splits `a=1&b=x%20y` into decoded pairs; `+` means a space, as browsers send it.
pub(crate) fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (url_decode(k), url_decode(v))
        })
        .collect()
}

/// Percent-decoding that never fails: a malformed escape is kept literally, as lenient servers do.
pub(crate) fn url_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-decoding of a path segment, where `+` stays a plus sign.
pub(crate) fn path_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    url_decode(&s.replace('+', "%2B"))
}

/// `application/x-www-form-urlencoded` encoding, matching Java's `URLEncoder` that `$util.urlEncode` uses.
pub(crate) fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
    }
    out
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_targets() {
        let r = Request::new("get", "/pets?type=dog&q=a%20b+c&type=cat");
        assert_eq!(r.method, "GET");
        assert_eq!(r.path, "/pets");
        assert_eq!(r.query_param("type"), Some("cat"));
        assert_eq!(r.query_param("q"), Some("a b c"));
        assert_eq!(url_decode("%zz%4"), "%zz%4");
        assert_eq!(url_encode("a b/é"), "a+b%2F%C3%A9");
        assert_eq!(path_decode("a+b%20c"), "a+b c");
        assert_eq!(strip_stage("/dev/pets/7", "dev"), Some("/pets/7"));
        assert_eq!(strip_stage("/dev", "dev"), Some("/"));
        assert_eq!(strip_stage("/development/x", "dev"), None);
        assert_eq!(strip_stage("/pets", "$default"), Some("/pets"));
        assert_eq!(strip_stage("//dev/pets", "dev"), Some("/pets"));
        assert_eq!(fold_leading_slashes("//pets"), ("/pets", Some("//pets")));
        assert_eq!(fold_leading_slashes("/a//b"), ("/a//b", None));
        assert_eq!(fold_leading_slashes("//"), ("/", Some("//")));
        let r = Request::new("GET", "/x?a=1;b=%3B&c=2");
        assert_eq!(r.query_param("a"), Some("1;b=;"));
        let split = r.query_split_at_semicolons().unwrap_or_default();
        assert_eq!(split, vec![("a".into(), "1".into()), ("b".into(), ";".into()), ("c".into(), "2".into())]);
    }
}
