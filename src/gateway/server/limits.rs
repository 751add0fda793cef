//! The sandbox's request caps and the Host check, with their defaults and the JSON refusals
//! the shell sends when one is hit.
//!
//! hyper's own defaults (about 400 KiB of headers, 100 of them, 64 KiB URLs, 30 s for headers)
//! suit a public server's peers, not a learner's loopback
//! sandbox; these are tighter, and each refusal explains itself in JSON.

use std::time::Duration;

/// Caps on what a client may send. The defaults are deliberately small for a loopback sandbox;
/// where AWS has a limit, the doc says how ours compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Request line plus headers, in bytes. Default 10,240, AWS's limit ("request line and
    /// header values", https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html).
    /// Over it: 431 with a JSON message (far over it, twice this, hyper itself answers a bare
    /// 431 and closes).
    pub max_header_bytes: usize,
    /// Header fields per request. Default 64. Over it: 431 with a JSON message (past 100,
    /// hyper's parser refuses first with a bare 431).
    pub max_headers: usize,
    /// Path plus query string, in bytes. Default 10,240, AWS's limit for Regional APIs.
    /// Over it: 414 with a JSON message.
    pub max_url_len: usize,
    /// Request body, in bytes. Default 1 MiB (AWS allows 10 MB; the definition's
    /// `limits.maxPayloadBytes` applies if smaller). Over it: 413 `{"message":"Request Too Long"}`
    /// from the core, without reading the rest of the body.
    pub max_body_bytes: u64,
    /// Time allowed for a request's headers to arrive, and for an idle keep-alive connection to
    /// send its next request. Default 10 s. A slow or silent client is then disconnected.
    pub header_read_timeout: Duration,
    /// Time allowed for a request's body to arrive. Default 30 s. Over it: 408.
    pub body_read_timeout: Duration,
    /// Time a response write may wait for a client that does not read. Default 10 s; then the
    /// connection is closed, so a client that never reads cannot hold a slot.
    pub write_timeout: Duration,
    /// Open connections at once. Default 256; connections beyond it are closed at once.
    pub max_connections: usize,
    /// Open connections from one client address at once. Default 128, half the cap, so one
    /// client (a runaway script, a slow-header attack) cannot take every slot; the rest stay
    /// for other addresses (on loopback: 127.0.0.2 and so on are other clients).
    pub max_connections_per_client: usize,
    /// Under load (over three quarters of the slots taken), a new connection gets this long
    /// for its request headers instead of `header_read_timeout`, and idle keep-alive
    /// connections are closed, so slots come free quickly. Default 1 s.
    pub busy_header_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_header_bytes: 10_240,
            max_headers: 64,
            max_url_len: 10_240,
            max_body_bytes: 1024 * 1024,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(10),
            max_connections: 256,
            max_connections_per_client: 128,
            busy_header_timeout: Duration::from_secs(1),
        }
    }
}

impl Limits {
    /// hyper's parser limit on header fields: a backstop above ours so that our JSON 431 answers
    /// the ordinary case. hyper keeps up to 100 on the stack, so never ask for fewer.
    pub(crate) fn hyper_max_headers(&self) -> usize {
        self.max_headers.saturating_add(1).max(100)
    }

    /// hyper's limit on the head's bytes: twice ours, the same backstop idea.
    pub(crate) fn hyper_max_header_bytes(&self) -> usize {
        self.max_header_bytes.saturating_mul(2).max(1024)
    }

    /// hyper's read buffer: room for the largest head it accepts; at least its 8 KiB minimum.
    pub(crate) fn hyper_max_buf(&self) -> usize {
        self.hyper_max_header_bytes().saturating_add(8192).max(8192)
    }
}

/// Whether a `Host` header names this loopback server: `localhost`, a 127.0.0.0/8 address or
/// `[::1]`, each with an optional port. Anything else is what a DNS-rebinding page sends (its
/// own domain, now resolving to 127.0.0.1), so it is refused before the core sees the request.
pub fn host_allowed(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        // An IPv6 literal: `[::1]` or `[::1]:port`.
        Some(rest) => match rest.split_once(']') {
            Some((ip, port)) => {
                if !(port.is_empty() || port.strip_prefix(':').is_some_and(is_port)) {
                    return false;
                }
                return ip.parse::<std::net::Ipv6Addr>().is_ok_and(|a| a.is_loopback());
            }
            None => return false,
        },
        None => match host.rsplit_once(':') {
            Some((name, port)) if is_port(port) => name,
            Some(_) => return false,
            None => host,
        },
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::Ipv4Addr>().is_ok_and(|a| a.is_loopback())
}

fn is_port(s: &str) -> bool {
    !s.is_empty() && s.len() <= 5 && s.bytes().all(|b| b.is_ascii_digit()) && (s.len() < 5 || s <= "65535")
}

/// A refusal the shell answers itself: status, the JSON body's message, and a short reason for
/// the observer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShellAnswer {
    pub status: u16,
    pub message: String,
    pub reason: String,
    /// Close the connection after answering (the request was not read to its end).
    pub close: bool,
}

impl ShellAnswer {
    pub fn host(host: Option<&str>) -> Self {
        let shown = host.unwrap_or("(none)");
        Self {
            status: if host.is_some() { 403 } else { 400 },
            message: format!(
                "Host '{shown}' refused: this sandbox answers only Host localhost, 127.0.0.1 or [::1] (DNS-rebinding protection)"
            ),
            reason: format!("Host header {shown} is not loopback (DNS-rebinding protection)"),
            close: false,
        }
    }

    pub(crate) fn several_hosts(n: usize) -> Self {
        Self {
            status: 400,
            message: format!("Bad Request: {n} Host headers; a request carries exactly one"),
            reason: format!("{n} Host headers (only the first would have been checked)"),
            close: true,
        }
    }

    pub(crate) fn url_too_long(len: usize, max: usize) -> Self {
        Self {
            status: 414,
            message: format!("URI Too Long: {len} bytes, over this sandbox's limit of {max} (AWS: 10240)"),
            reason: format!("URL of {len} bytes over the {max}-byte limit"),
            close: false,
        }
    }

    pub(crate) fn too_many_headers(count: usize, max: usize) -> Self {
        Self {
            status: 431,
            message: format!("Request Header Fields Too Large: {count} headers, over this sandbox's limit of {max}"),
            reason: format!("{count} headers over the limit of {max}"),
            close: false,
        }
    }

    pub(crate) fn headers_too_large(bytes: usize, max: usize) -> Self {
        Self {
            status: 431,
            message: format!(
                "Request Header Fields Too Large: {bytes} bytes of headers (request line included), over the limit of {max} (AWS: 10240)"
            ),
            reason: format!("{bytes} bytes of headers over the {max}-byte limit"),
            close: false,
        }
    }

    pub(crate) fn body_timeout(after: std::time::Duration) -> Self {
        Self {
            status: 408,
            message: format!("Request Timeout: the body did not arrive within {} s", after.as_secs()),
            reason: "body read timed out".to_owned(),
            close: true,
        }
    }

    pub(crate) fn body_error() -> Self {
        Self {
            status: 400,
            message: "Bad Request: the body could not be read".to_owned(),
            reason: "body read failed".to_owned(),
            close: true,
        }
    }

    pub(crate) fn json_body(&self) -> Vec<u8> {
        serde_json::json!({ "message": self.message }).to_string().into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        for ok in ["localhost", "LOCALHOST:8080", "127.0.0.1", "127.0.0.1:1", "127.9.9.9:65535", "[::1]", "[::1]:4000"]
        {
            assert!(host_allowed(ok), "{ok}");
        }
        for bad in [
            "",
            "evil.example",
            "evil.example:80",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "10.0.0.1",
            "0.0.0.0",
            "[::]",
            "[::1]x",
            "[::1",
            "localhost:",
            "localhost:99999",
            "localhost:80:80",
            "::1",
        ] {
            assert!(!host_allowed(bad), "{bad}");
        }
    }

    #[test]
    fn backstops_sit_above_our_limits() {
        let l = Limits::default();
        assert!(l.hyper_max_headers() > l.max_headers);
        assert!(l.hyper_max_header_bytes() > l.max_header_bytes);
        assert!(l.hyper_max_buf() >= 8192);
        let body = ShellAnswer::host(Some("evil.example")).json_body();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        assert!(v["message"].as_str().unwrap_or("").contains("DNS-rebinding"));
    }
}
