//! A tiny blocking HTTP/1.1 client over `std::net::TcpStream` for the loopback server tests
//! (exact control of the bytes sent: header order and case, slow writes, bad Host headers; a
//! strict reader for the responses), and their small helpers: header lists, curl-command
//! parsing, resident memory; `twin` pairs a server with an in-process gateway.
#![allow(dead_code)]

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

pub mod twin;

/// One response as it arrived: names lower-cased, in wire order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A keep-alive connection.
pub struct Conn {
    pub stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    pub fn open(addr: SocketAddr) -> Conn {
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        stream.set_nodelay(true).expect("nodelay");
        Conn { stream, buf: Vec::new() }
    }

    /// A connection from a chosen loopback source address (127.0.0.2 is another client to the
    /// server than 127.0.0.1).
    pub fn open_from(source: std::net::IpAddr, addr: SocketAddr) -> Conn {
        let rt = tokio::runtime::Builder::new_current_thread().enable_io().build().expect("runtime");
        let stream = rt.block_on(async {
            let socket = tokio::net::TcpSocket::new_v4().expect("socket");
            socket.bind(SocketAddr::new(source, 0)).expect("bind the source address");
            socket.connect(addr).await.expect("connect")
        });
        let stream = stream.into_std().expect("std stream");
        stream.set_nonblocking(false).expect("blocking");
        stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        stream.set_nodelay(true).expect("nodelay");
        Conn { stream, buf: Vec::new() }
    }

    pub fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.stream.write_all(bytes)
    }

    /// Sends `method target` with exactly `headers` (plus `content-length` when there is a body)
    /// and reads the answer.
    pub fn request(&mut self, method: &str, target: &str, headers: &[(String, String)], body: &[u8]) -> HttpResponse {
        self.write(&raw_request(method, target, headers, body)).expect("write request");
        self.read_response().expect("a response")
    }

    /// Reads one response; `None` if the server closed the connection first.
    pub fn read_response(&mut self) -> Option<HttpResponse> {
        loop {
            if let Some(end) = find(&self.buf, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.buf[..end]).into_owned();
                let mut lines = head.split("\r\n");
                let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
                let headers: Vec<(String, String)> = lines
                    .filter_map(|l| l.split_once(':'))
                    .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
                    .collect();
                let len: usize =
                    headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
                while self.buf.len() < end + 4 + len {
                    if !self.fill() {
                        return None;
                    }
                }
                let body = self.buf[end + 4..end + 4 + len].to_vec();
                self.buf.drain(..end + 4 + len);
                return Some(HttpResponse { status, headers, body });
            }
            if !self.fill() {
                return None;
            }
        }
    }

    /// True when the server has closed the connection (EOF or reset) before the read timeout.
    pub fn is_closed_by_server(&mut self, within: Duration) -> bool {
        self.stream.set_read_timeout(Some(within)).expect("timeout");
        let mut b = [0u8; 1024];
        loop {
            match self.stream.read(&mut b) {
                Ok(0) => return true,
                Ok(_) => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => return false,
                Err(_) => return true,
            }
        }
    }

    fn fill(&mut self) -> bool {
        let mut b = [0u8; 16 * 1024];
        match self.stream.read(&mut b) {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&b[..n]);
                true
            }
        }
    }
}

pub fn raw_request(method: &str, target: &str, headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("{method} {target} HTTP/1.1\r\n").into_bytes();
    for (k, v) in headers {
        out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Resident memory of this process in KiB, from /proc (Linux); `None` elsewhere.
pub fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

pub fn host_of(addr: SocketAddr) -> String {
    format!("127.0.0.1:{}", addr.port())
}

/// Headers that belong to the connection, not to the gateway's answer.
pub fn comparable(headers: impl Iterator<Item = (String, String)>) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = headers
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .filter(|(k, _)| !matches!(k.as_str(), "date" | "content-length" | "connection" | "transfer-encoding"))
        .collect();
    v.sort();
    v
}

/// Splits a banner curl command (`curl -i -X M -H '…' -d '…' 'URL'`) into its parts.
pub fn parse_curl(cmd: &str) -> (String, Vec<(String, String)>, String, String) {
    let mut words = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut chars) = (false, cmd.chars().peekable());
    while let Some(c) = chars.next() {
        match c {
            '\'' => quoted = !quoted,
            '\\' if !quoted => cur.extend(chars.next()),
            ' ' if !quoted => words.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    words.push(cur);
    words.retain(|w| !w.is_empty());
    let (mut method, mut headers, mut body) = ("GET".to_owned(), Vec::new(), String::new());
    let mut it = words.iter().skip(1);
    while let Some(w) = it.next() {
        match w.as_str() {
            "-X" => method.clone_from(it.next().expect("method")),
            "-H" => {
                let (k, v) = it.next().and_then(|h| h.split_once(": ")).expect("header");
                headers.push((k.to_owned(), v.to_owned()));
            }
            "-d" => body.clone_from(it.next().expect("body")),
            _ => {}
        }
    }
    let url = words.last().expect("url").clone();
    (method, headers, body, url)
}

pub fn hdrs(host: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v = vec![("host".to_owned(), host.to_owned())];
    v.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    v
}

pub fn json_message(r: &HttpResponse) -> String {
    let v: serde_json::Value = serde_json::from_slice(&r.body).expect("a JSON body");
    v["message"].as_str().expect("a message").to_owned()
}
