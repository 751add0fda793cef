//! Header-name case over HTTP/1.1. hyper lower-cases every name it parses and every name it
//! writes, and its own case-keeping extension (`HeaderCaseMap`) is private in hyper 1, so the
//! connection's byte stream is wrapped instead: reads keep each request head as sent, and
//! writes put the core's spellings back into each response head. Only letters' case changes,
//! so no byte count moves and hyper's framing is untouched.
//!
//! Requests and responses pair up by order: hyper serves one request at a time per
//! connection, the reader queues one head per request it sees, `service::call` takes one per
//! request and queues one [`ResponseCase`] per response it returns. Costs per request: one copy
//! of the request head, one of the response, and one string of the response's mixed-case names.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};

use memchr::memchr;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A head larger than this is not tracked (hyper refuses it long before).
const HEAD_CAP: usize = 128 * 1024;

/// The header names of one request head as the client spelled them, in wire order.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestNames {
    text: Vec<u8>,
    spans: Vec<(u16, u16)>,
}

impl RequestNames {
    fn push(&mut self, name: &[u8]) {
        if let (Ok(a), Ok(b)) = (u16::try_from(self.text.len()), u16::try_from(self.text.len() + name.len())) {
            self.text.extend_from_slice(name);
            self.spans.push((a, b));
        }
    }

    #[cfg(test)]
    fn iter(&self) -> impl Iterator<Item = &[u8]> {
        self.spans.iter().map(|&(a, b)| self.text.get(usize::from(a)..usize::from(b)).unwrap_or_default())
    }
}

/// The most mixed-case names one response respells (the rest stay lower case).
const MAX_SPELLED: usize = 32;

/// How one response's header names are to be spelled, and how many body bytes follow its head
/// on the wire (none for `HEAD`, 204 and 304).
#[derive(Debug, Clone, Default)]
pub(crate) struct ResponseCase {
    /// The names that are not all lower case, end to end, in the order hyper will write them
    /// (a repeated name's spellings in their order); `spans` says where each is.
    names: String,
    spans: [(u16, u16); MAX_SPELLED],
    count: usize,
    pub body: u64,
}

impl ResponseCase {
    /// Adds `name` if it has an upper-case letter (hyper writes the rest as they are).
    pub fn add(&mut self, name: &str) {
        if self.count < MAX_SPELLED
            && name.bytes().any(|b| b.is_ascii_uppercase())
            && let (Ok(start), Ok(end)) =
                (u16::try_from(self.names.len()), u16::try_from(self.names.len() + name.len()))
        {
            if self.names.capacity() == 0 {
                self.names.reserve(128);
            }
            self.names.push_str(name);
            self.spans[self.count] = (start, end);
            self.count += 1;
        }
    }

    fn name(&self, k: usize) -> &[u8] {
        let (a, b) = self.spans[k];
        self.names.as_bytes().get(usize::from(a)..usize::from(b)).unwrap_or_default()
    }
}

/// The two queues one connection's stream and its service share.
#[derive(Debug, Default)]
pub(crate) struct CaseNotes {
    requests: Mutex<VecDeque<RequestNames>>,
    responses: Mutex<VecDeque<ResponseCase>>,
}

impl CaseNotes {
    /// The head of the next request hyper hands the service.
    pub(crate) fn take_request(&self) -> Option<RequestNames> {
        self.requests.lock().unwrap_or_else(PoisonError::into_inner).pop_front()
    }

    /// Queues the spelling of the response the service is about to return.
    pub(crate) fn push_response(&self, case: ResponseCase) {
        self.responses.lock().unwrap_or_else(PoisonError::into_inner).push_back(case);
    }
}

/// Reads a head that starts at `buf[0]` (its request line): where it ends (just past its blank
/// line), its header names and what follows it; `None` if `buf` holds no complete head. One pass.
fn scan_head(buf: &[u8]) -> Option<(usize, RequestNames, In)> {
    let mut names = RequestNames { text: Vec::with_capacity(128), spans: Vec::with_capacity(16) };
    let mut next = In::Head;
    let mut chunked = false;
    let mut at = memchr(b'\n', buf)? + 1;
    loop {
        let nl = at + memchr(b'\n', buf.get(at..)?)?;
        let line = &buf[at..nl];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        at = nl + 1;
        if line.is_empty() {
            break;
        }
        let Some(colon) = memchr(b':', line) else {
            continue;
        };
        let name = &line[..colon];
        names.push(name);
        if name.len() == 17 && name.eq_ignore_ascii_case(b"transfer-encoding") {
            let v = line[colon + 1..].trim_ascii();
            chunked = v.len() >= 7 && v[v.len() - 7..].eq_ignore_ascii_case(b"chunked");
        } else if name.len() == 14
            && name.eq_ignore_ascii_case(b"content-length")
            && let Some(n) =
                std::str::from_utf8(line[colon + 1..].trim_ascii()).ok().and_then(|v| v.parse::<u64>().ok())
            && n > 0
        {
            next = In::Body(n);
        }
    }
    if chunked {
        next = In::Chunk(Chunk::Size { value: 0, ext: false });
    }
    Some((at, names, next))
}

/// Spells hyper's lower-case names as the client did: each takes the next unused noted name
/// with the same letters, so repeated headers keep their own spellings. Without notes, or for
/// a name they lack, the name stays lower case.
pub(crate) struct Respeller {
    sent: Option<RequestNames>,
    /// A bit per noted name; past 128 (hyper refuses far fewer fields) the rest stay lower case.
    used: u128,
}

impl Respeller {
    pub fn new(sent: Option<RequestNames>) -> Self {
        Self { sent, used: 0 }
    }

    pub fn name(&mut self, lower: &str) -> String {
        if let Some(sent) = &self.sent {
            for (k, &(a, b)) in sent.spans.iter().enumerate().take(128) {
                let s = sent.text.get(usize::from(a)..usize::from(b)).unwrap_or_default();
                if s.len() == lower.len() && self.used & (1 << k) == 0 && s.eq_ignore_ascii_case(lower.as_bytes()) {
                    self.used |= 1 << k;
                    // hyper accepted the name, so it is an ASCII token.
                    if let Ok(s) = std::str::from_utf8(s) {
                        return s.to_owned();
                    }
                }
            }
        }
        lower.to_owned()
    }
}

/// The end of a request head in `buf` (just past its blank line), looking at line ends from
/// `from` on.
fn head_end(buf: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(k) = memchr(b'\n', buf.get(i..)?) {
        let at = i + k;
        match buf.get(at + 1) {
            Some(b'\n') => return Some(at + 2),
            Some(b'\r') if buf.get(at + 2) == Some(&b'\n') => return Some(at + 3),
            _ => i = at + 1,
        }
    }
    None
}

/// The spelling hyper's own headers get on the wire, as AWS writes them.
fn framing_spelling(lower: &[u8]) -> Option<&'static [u8]> {
    Some(match lower {
        b"content-length" => b"Content-Length",
        b"date" => b"Date",
        b"connection" => b"Connection",
        b"transfer-encoding" => b"Transfer-Encoding",
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

/// Follows the requests on a connection: heads (kept), then their bodies (skipped by length
/// or by chunk), so a body that looks like headers is never taken for a head.
struct Reader {
    state: In,
    /// A head that arrived in more than one read, so far.
    head: Vec<u8>,
}

impl Reader {
    fn feed(&mut self, mut data: &[u8], notes: &CaseNotes) {
        while !data.is_empty() {
            match &mut self.state {
                In::Lost => return,
                In::Head => {
                    if self.head.is_empty() {
                        // Blank lines before a request line are allowed and skipped.
                        let blank = data.iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
                        data = &data[blank..];
                        if data.is_empty() {
                            return;
                        }
                        // The usual case: the whole head in this read, read in place.
                        if let Some((end, names, next)) = scan_head(data) {
                            self.finish_head(names, next, notes);
                            data = &data[end..];
                            continue;
                        }
                    }
                    let from = self.head.len().saturating_sub(3);
                    self.head.extend_from_slice(data);
                    match head_end(&self.head, from).and_then(|end| scan_head(&self.head[..end])) {
                        Some((end, names, next)) => {
                            let extra = self.head.len() - end;
                            self.head.clear();
                            self.finish_head(names, next, notes);
                            data = &data[data.len() - extra..];
                        }
                        None => {
                            if self.head.len() > HEAD_CAP {
                                self.state = In::Lost;
                            }
                            return;
                        }
                    }
                }
                In::Body(n) | In::Chunk(Chunk::Data(n)) => {
                    let k = usize::try_from(*n).unwrap_or(usize::MAX).min(data.len());
                    *n -= k as u64;
                    data = &data[k..];
                    if *n == 0 {
                        self.state = match self.state {
                            In::Body(_) => In::Head,
                            _ => In::Chunk(Chunk::DataEnd),
                        };
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

impl Reader {
    fn finish_head(&mut self, names: RequestNames, next: In, notes: &CaseNotes) {
        self.state = next;
        notes.requests.lock().unwrap_or_else(PoisonError::into_inner).push_back(names);
    }
}

enum Out {
    StatusLine,
    LineStart,
    Value,
    HeadEnd,
    Body(u64),
}

/// Follows the responses hyper writes: finds each head's header names and respells them.
struct Writer {
    state: Out,
    /// The status line so far (only its first bytes matter).
    status: Vec<u8>,
    /// The spellings of the response whose head is being written, and which are used.
    current: ResponseCase,
    used: u32,
}

impl Writer {
    /// Respells the names in `buf` in place, taking a response's spellings from `queue` as its
    /// status line ends. A name cut by the end of `buf` is left as it is.
    fn scan(&mut self, buf: &mut [u8], queue: &Mutex<VecDeque<ResponseCase>>) {
        let mut i = 0;
        while i < buf.len() {
            match &mut self.state {
                Out::Body(n) => {
                    let k = usize::try_from(*n).unwrap_or(usize::MAX).min(buf.len() - i);
                    *n -= k as u64;
                    i += k;
                    if *n == 0 {
                        self.state = Out::StatusLine;
                    }
                }
                Out::StatusLine => {
                    let Some(k) = memchr(b'\n', &buf[i..]) else {
                        self.status.extend_from_slice(&buf[i..]);
                        return;
                    };
                    self.status.extend_from_slice(&buf[i..i + k]);
                    i += k + 1;
                    // `HTTP/1.1 100 Continue` and friends have no spellings of their own.
                    let informational = self.status.get(9) == Some(&b'1');
                    self.status.clear();
                    self.current = if informational {
                        ResponseCase::default()
                    } else {
                        queue.lock().unwrap_or_else(PoisonError::into_inner).pop_front().unwrap_or_default()
                    };
                    self.used = 0;
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
                        if let Some(len) = memchr(b':', &buf[i..]) {
                            self.respell(&mut buf[i..i + len]);
                            i += len;
                        }
                        self.state = Out::Value;
                    }
                },
                Out::Value => match memchr(b'\n', &buf[i..]) {
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
    }

    /// Gives `name` the next unused spelling with its letters, or hyper's own headers AWS's.
    fn respell(&mut self, name: &mut [u8]) {
        for k in 0..self.current.count {
            let s = self.current.name(k);
            if self.used & (1 << k) == 0 && s.eq_ignore_ascii_case(name) {
                self.used |= 1 << k;
                name.copy_from_slice(s);
                return;
            }
        }
        if let Some(s) = framing_spelling(name) {
            name.copy_from_slice(s);
        }
    }

    fn end_head(&mut self) {
        self.state = if self.current.body > 0 { Out::Body(self.current.body) } else { Out::StatusLine };
    }
}

/// A connection's stream with the reader and writer above on it. Writes are respelled into a
/// buffer that is sent before anything else; `poll_flush` empties it, as hyper calls it after
/// every response.
pub(crate) struct CaseStream<S> {
    inner: S,
    notes: std::sync::Arc<CaseNotes>,
    reader: Reader,
    writer: Writer,
    pending: Vec<u8>,
    sent: usize,
}

impl<S> CaseStream<S> {
    pub fn new(inner: S, notes: std::sync::Arc<CaseNotes>) -> Self {
        Self {
            inner,
            notes,
            reader: Reader { state: In::Head, head: Vec::new() },
            writer: Writer { state: Out::StatusLine, status: Vec::new(), current: ResponseCase::default(), used: 0 },
            pending: Vec::new(),
            sent: 0,
        }
    }
}

impl<S: AsyncWrite + Unpin> CaseStream<S> {
    /// Writes out what is buffered; `Ready(Ok)` once it is all sent.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.pending.len() {
            match Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.sent..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => self.sent += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        self.pending.clear();
        self.sent = 0;
        Poll::Ready(Ok(()))
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
        if let Poll::Ready(Err(e)) = this.drain(cx) {
            return Poll::Ready(Err(e));
        }
        if !this.pending.is_empty() {
            return Poll::Pending;
        }
        this.pending.extend_from_slice(buf);
        this.writer.scan(&mut this.pending, &this.notes.responses);
        // The bytes are taken; a write that cannot finish now is retried by the next call or
        // by `poll_flush`.
        if let Poll::Ready(Err(e)) = this.drain(cx) {
            return Poll::Ready(Err(e));
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match this.drain(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_flush(cx),
            other => other,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match this.drain(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_shutdown(cx),
            other => other,
        }
    }
}

#[cfg(test)]
#[path = "case_tests.rs"]
mod tests;
