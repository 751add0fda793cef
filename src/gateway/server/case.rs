//! Header-name case over HTTP/1.1. hyper lower-cases every name it parses and every name it
//! writes, and its own case-keeping extension (`HeaderCaseMap`) is private in hyper 1, so the
//! connection's byte stream is wrapped instead: reads note each request head's names as the
//! client spelled them, and writes put the core's spellings back into each response head.
//! Only letters' case changes, so no byte count moves and hyper's framing is untouched.
//!
//! Requests and responses pair up by order: hyper serves one request at a time per
//! connection, the reader queues one [`Spellings`] per request head it sees, `service::call`
//! takes one per request and queues one [`ResponseCase`] per response it returns.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A head larger than this is not tracked (hyper refuses it long before).
const HEAD_CAP: usize = 128 * 1024;

/// The header names of one request head, as sent, in wire order.
pub(crate) type Spellings = Vec<Box<str>>;

/// How one response's header names are to be spelled, and how many body bytes follow its head
/// on the wire (none for `HEAD`, 204 and 304).
#[derive(Debug, Clone, Default)]
pub(crate) struct ResponseCase {
    pub names: Vec<Box<str>>,
    pub body: u64,
}

/// The two queues one connection's stream and its service share.
#[derive(Debug, Default)]
pub(crate) struct CaseNotes {
    requests: Mutex<VecDeque<Spellings>>,
    responses: Mutex<VecDeque<ResponseCase>>,
}

impl CaseNotes {
    /// The spellings of the next request hyper hands the service.
    pub fn take_request(&self) -> Option<Spellings> {
        self.requests.lock().unwrap_or_else(PoisonError::into_inner).pop_front()
    }

    /// Queues the spelling of the response the service is about to return.
    pub fn push_response(&self, case: ResponseCase) {
        self.responses.lock().unwrap_or_else(PoisonError::into_inner).push_back(case);
    }
}

/// Spells hyper's lower-case `names` as the client did: each name takes the next unused
/// spelling with the same letters, so repeated headers keep their own spellings. `None` when
/// the noted head is not this request's (it then stays lower-case).
pub(crate) fn respell<'a>(spellings: Option<Spellings>, names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let names: Vec<&str> = names.collect();
    let Some(spellings) = spellings else {
        return names.iter().map(|n| (*n).to_owned()).collect();
    };
    let mut left: Vec<Option<Box<str>>> = spellings.into_iter().map(Some).collect();
    names
        .iter()
        .map(|name| {
            left.iter_mut()
                .find(|s| s.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(name)))
                .and_then(Option::take)
                .map_or_else(|| (*name).to_owned(), String::from)
        })
        .collect()
}

/// The spelling hyper's own headers get on the wire, as AWS writes them.
fn framing_spelling(lower: &[u8]) -> Option<&'static str> {
    Some(match lower {
        b"content-length" => "Content-Length",
        b"date" => "Date",
        b"connection" => "Connection",
        b"transfer-encoding" => "Transfer-Encoding",
        _ => return None,
    })
}

enum In {
    Head,
    Body(u64),
    Chunk(Chunk),
    /// A head past [`HEAD_CAP`]: nothing more is noted on this connection.
    Lost,
}

enum Chunk {
    Size { value: u64, ext: bool },
    Data(u64),
    DataEnd,
    Trailer { empty: bool },
}

/// Follows the requests on a connection: heads (noted), then their bodies (skipped by length
/// or by chunk), so a body that looks like headers is never noted.
struct Reader {
    state: In,
    head: Vec<u8>,
    /// Where the line being read starts in `head`.
    line_start: usize,
}

impl Reader {
    fn feed(&mut self, mut data: &[u8], notes: &CaseNotes) {
        while !data.is_empty() {
            match &mut self.state {
                In::Lost => return,
                In::Head => {
                    let Some(i) = data.iter().position(|&b| b == b'\n') else {
                        self.head.extend_from_slice(data);
                        if self.head.len() > HEAD_CAP {
                            self.state = In::Lost;
                        }
                        return;
                    };
                    self.head.extend_from_slice(&data[..=i]);
                    data = &data[i + 1..];
                    let line = &self.head[self.line_start..];
                    self.line_start = self.head.len();
                    if line == b"\r\n" || line == b"\n" {
                        let blank_only = self.head.iter().all(|b| matches!(b, b'\r' | b'\n'));
                        if !blank_only {
                            let (names, next) = parse_head(&self.head);
                            notes.requests.lock().unwrap_or_else(PoisonError::into_inner).push_back(names);
                            self.state = next;
                        }
                        // Blank lines before a request line are allowed and skipped.
                        self.head.clear();
                        self.line_start = 0;
                    } else if self.head.len() > HEAD_CAP {
                        self.state = In::Lost;
                    }
                }
                In::Body(n) => {
                    let k = usize::try_from(*n).unwrap_or(usize::MAX).min(data.len());
                    *n -= k as u64;
                    data = &data[k..];
                    if *n == 0 {
                        self.state = In::Head;
                    }
                }
                In::Chunk(Chunk::Data(n)) => {
                    let k = usize::try_from(*n).unwrap_or(usize::MAX).min(data.len());
                    *n -= k as u64;
                    data = &data[k..];
                    if *n == 0 {
                        self.state = In::Chunk(Chunk::DataEnd);
                    }
                }
                In::Chunk(chunk) => {
                    let b = data[0];
                    data = &data[1..];
                    match chunk {
                        Chunk::Size { value, ext } => match b {
                            b'\n' if *value == 0 => *chunk = Chunk::Trailer { empty: true },
                            b'\n' => *chunk = Chunk::Data(*value),
                            _ if !*ext && b.is_ascii_hexdigit() => {
                                let d = u64::from(char::from(b).to_digit(16).unwrap_or(0));
                                *value = value.saturating_mul(16).saturating_add(d);
                            }
                            _ => *ext = true,
                        },
                        Chunk::DataEnd => {
                            if b == b'\n' {
                                *chunk = Chunk::Size { value: 0, ext: false };
                            }
                        }
                        Chunk::Trailer { empty } => match b {
                            b'\n' if *empty => self.state = In::Head,
                            b'\n' => *empty = true,
                            b'\r' => {}
                            _ => *empty = false,
                        },
                        Chunk::Data(_) => {}
                    }
                }
            }
        }
    }
}

/// The names of a complete head and what follows it.
fn parse_head(head: &[u8]) -> (Spellings, In) {
    let mut names = Vec::new();
    let mut next = In::Head;
    let mut chunked = false;
    let mut lines =
        head.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l)).skip_while(|l| l.is_empty());
    lines.next(); // the request line
    for line in lines.take_while(|l| !l.is_empty()) {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
        names.push(String::from_utf8_lossy(name).into());
        if name.eq_ignore_ascii_case(b"transfer-encoding") {
            chunked = value.to_ascii_lowercase().ends_with(b"chunked");
        } else if name.eq_ignore_ascii_case(b"content-length")
            && let Some(n) = std::str::from_utf8(value).ok().and_then(|v| v.parse::<u64>().ok())
            && n > 0
        {
            next = In::Body(n);
        }
    }
    if chunked {
        next = In::Chunk(Chunk::Size { value: 0, ext: false });
    }
    (names.into_iter().collect(), next)
}

#[derive(Clone)]
enum Out {
    StatusLine(Vec<u8>),
    LineStart,
    Value,
    HeadEnd,
    Body(u64),
}

/// Follows the responses hyper writes: finds each head's header names and respells them.
#[derive(Clone)]
struct Writer {
    state: Out,
    /// The spellings of the response whose head is being written, and which are used.
    current: Vec<Option<Box<str>>>,
    body: u64,
}

impl Writer {
    /// Walks `buf`, respelling names into `out` (a copy made on the first change) and taking
    /// response spellings from `queue`, the `taken`th onwards. Returns how much of `buf` may be
    /// written now: it stops before a header name that the buffer cuts in two, so that a name
    /// is always respelled whole.
    fn scan(
        &mut self,
        buf: &[u8],
        queue: &VecDeque<ResponseCase>,
        taken: &mut usize,
        out: &mut Option<Vec<u8>>,
    ) -> usize {
        let mut i = 0;
        while i < buf.len() {
            match &mut self.state {
                Out::Body(n) => {
                    let k = usize::try_from(*n).unwrap_or(usize::MAX).min(buf.len() - i);
                    *n -= k as u64;
                    i += k;
                    if *n == 0 {
                        self.state = Out::StatusLine(Vec::new());
                    }
                }
                Out::StatusLine(line) => {
                    let b = buf[i];
                    i += 1;
                    if b != b'\n' {
                        line.push(b);
                        continue;
                    }
                    let informational = line.get(9) == Some(&b'1');
                    self.current.clear();
                    self.body = 0;
                    if !informational && let Some(case) = queue.get(*taken) {
                        *taken += 1;
                        self.current = case.names.iter().cloned().map(Some).collect();
                        self.body = case.body;
                    }
                    if informational {
                        self.body = 0;
                    }
                    self.state = Out::LineStart;
                }
                Out::LineStart => match buf[i] {
                    b'\r' => {
                        i += 1;
                        self.state = Out::HeadEnd;
                    }
                    b'\n' => {
                        i += 1;
                        self.end_head();
                    }
                    _ => {
                        let Some(len) = buf[i..].iter().position(|&b| b == b':') else {
                            if i > 0 {
                                return i;
                            }
                            // A name longer than the whole buffer: written as it is.
                            self.state = Out::Value;
                            continue;
                        };
                        let name = &buf[i..i + len];
                        let spelled = self
                            .current
                            .iter_mut()
                            .find(|s| s.as_deref().is_some_and(|s| s.as_bytes().eq_ignore_ascii_case(name)))
                            .and_then(Option::take)
                            .map(|s| s.into_string().into_bytes())
                            .or_else(|| framing_spelling(name).map(|s| s.as_bytes().to_vec()));
                        if let Some(spelled) = spelled
                            && spelled.len() == len
                            && spelled != name
                        {
                            out.get_or_insert_with(|| buf.to_vec())[i..i + len].copy_from_slice(&spelled);
                        }
                        i += len;
                        self.state = Out::Value;
                    }
                },
                Out::Value => match buf[i..].iter().position(|&b| b == b'\n') {
                    Some(k) => {
                        i += k + 1;
                        self.state = Out::LineStart;
                    }
                    None => i = buf.len(),
                },
                Out::HeadEnd => {
                    if buf[i] == b'\n' {
                        self.end_head();
                    }
                    i += 1;
                }
            }
        }
        buf.len()
    }

    fn end_head(&mut self) {
        self.state = if self.body > 0 { Out::Body(self.body) } else { Out::StatusLine(Vec::new()) };
    }
}

/// A connection's stream with the reader and writer above on it.
pub(crate) struct CaseStream<S> {
    inner: S,
    notes: std::sync::Arc<CaseNotes>,
    reader: Reader,
    writer: Writer,
}

impl<S> CaseStream<S> {
    pub fn new(inner: S, notes: std::sync::Arc<CaseNotes>) -> Self {
        Self {
            inner,
            notes,
            reader: Reader { state: In::Head, head: Vec::new(), line_start: 0 },
            writer: Writer { state: Out::StatusLine(Vec::new()), current: Vec::new(), body: 0 },
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for CaseStream<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        let poll = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &poll {
            this.reader.feed(&buf.filled()[before..], &this.notes);
        }
        poll
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for CaseStream<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let mut trial = this.writer.clone();
        let mut out = None;
        let mut taken = 0;
        let upto = {
            let queue = this.notes.responses.lock().unwrap_or_else(PoisonError::into_inner);
            trial.scan(buf, &queue, &mut taken, &mut out)
        };
        let bytes = out.as_deref().unwrap_or(buf);
        let poll = Pin::new(&mut this.inner).poll_write(cx, &bytes[..upto]);
        if let Poll::Ready(Ok(n)) = &poll {
            let mut queue = this.notes.responses.lock().unwrap_or_else(PoisonError::into_inner);
            if *n != upto {
                // Part written: walk exactly that part again from the old state.
                trial = this.writer.clone();
                taken = 0;
                if trial.scan(&buf[..*n], &queue, &mut taken, &mut None) < *n {
                    // The part ends inside a header name, which went out respelled.
                    trial.state = Out::Value;
                }
            }
            let done = taken.min(queue.len());
            queue.drain(..done);
            this.writer = trial;
        }
        poll
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader() -> Reader {
        Reader { state: In::Head, head: Vec::new(), line_start: 0 }
    }

    #[test]
    fn notes_heads_and_skips_bodies_in_any_split() {
        let wire = b"\r\nPOST /a HTTP/1.1\r\nHost: x\r\ntEsT-HEADeR: 1\r\nContent-Length: 12\r\n\r\nFake-Name: 1\
GET /b HTTP/1.1\r\nX-Two: 2\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nNo-No\r\n0\r\nT-Rail: 1\r\n\r\n\
GET /c HTTP/1.1\r\nLast-One: 3\r\n\r\n";
        for step in [1, 2, 3, 7, wire.len()] {
            let notes = CaseNotes::default();
            let mut r = reader();
            for part in wire.chunks(step) {
                r.feed(part, &notes);
            }
            let got: Vec<Spellings> = std::iter::from_fn(|| notes.take_request()).collect();
            let want: Vec<Vec<&str>> = vec![
                vec!["Host", "tEsT-HEADeR", "Content-Length"],
                vec!["X-Two", "Transfer-Encoding"],
                vec!["Last-One"],
            ];
            let got: Vec<Vec<&str>> = got.iter().map(|s| s.iter().map(|n| &**n).collect()).collect();
            assert_eq!(got, want, "split every {step} bytes");
        }
    }

    #[test]
    fn respells_repeats_in_order_and_leaves_strangers_lower_case() {
        let noted: Spellings = vec!["X-A".into(), "x-A".into(), "Host".into()];
        assert_eq!(respell(Some(noted), ["host", "x-a", "x-a", "other"].into_iter()), ["Host", "X-A", "x-A", "other"]);
        assert_eq!(respell(None, ["host"].into_iter()), ["host"]);
    }

    #[test]
    fn writer_respells_heads_but_not_bodies() {
        let mut queue = VecDeque::new();
        queue.push_back(ResponseCase { names: vec!["x-amzn-RequestId".into(), "Content-Type".into()], body: 18 });
        queue.push_back(ResponseCase { names: vec!["X-Custom".into()], body: 0 });
        let wire = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-type: a\r\nx-amzn-requestid: 1\r\ncontent-length: 18\r\n\r\ncontent-type: body\
HTTP/1.1 204 No Content\r\nx-custom: 1\r\ndate: d\r\n\r\n";
        let want = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: a\r\nx-amzn-RequestId: 1\r\nContent-Length: 18\r\n\r\ncontent-type: body\
HTTP/1.1 204 No Content\r\nX-Custom: 1\r\nDate: d\r\n\r\n";
        let mut w = Writer { state: Out::StatusLine(Vec::new()), current: Vec::new(), body: 0 };
        let mut taken = 0;
        let mut written = Vec::new();
        let mut rest: &[u8] = wire;
        // Writes of at most 20 bytes: names cut in two wait for the next write.
        while !rest.is_empty() {
            let chunk = &rest[..rest.len().min(20)];
            let mut out = None;
            let n = w.scan(chunk, &queue, &mut taken, &mut out);
            assert!(n > 0);
            written.extend_from_slice(&out.as_deref().unwrap_or(chunk)[..n]);
            rest = &rest[n..];
        }
        assert_eq!(String::from_utf8_lossy(&written), String::from_utf8_lossy(want));
        assert_eq!(taken, 2);
    }
}
