//! Where plain mode's lines come from: a capped, UTF-8-tolerant line reader over any `BufRead`,
//! and the [`LineSource`] trait that also lets standard input report ticks and signals.
use std::io::BufRead;

/// Longest answer line read; the rest of a longer one is skipped.
pub const MAX_LINE: usize = 64 * 1024;

/// What waiting for a line of input gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Waited {
    Line(String),
    /// Time passed with no input: a moment to save the exam clock.
    Tick,
    End,
    /// SIGINT, SIGTERM or SIGHUP arrived: save and stop.
    Signal(i32),
}

/// Where plain mode's lines come from: any `BufRead` (tests, pipes), or standard input read on
/// a thread with ticks and signals (`commands::plain`).
pub trait LineSource {
    fn next_line(&mut self) -> std::io::Result<Waited>;
}

/// One line, at most [`MAX_LINE`] bytes (the rest is skipped); invalid UTF-8 is replaced, not fatal.
pub fn read_capped_line<B: BufRead + ?Sized>(r: &mut B) -> std::io::Result<Option<String>> {
    let mut buf = Vec::new();
    let n = std::io::Read::take(&mut *r, MAX_LINE as u64).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if n == MAX_LINE && buf.last() != Some(&b'\n') {
        // Skip the rest of an overlong line without holding it.
        loop {
            let chunk = r.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    r.consume(i + 1);
                    break;
                }
                None => {
                    let len = chunk.len();
                    r.consume(len);
                }
            }
        }
    }
    Ok(Some(String::from_utf8_lossy(&buf).trim().to_string()))
}

impl<R: BufRead> LineSource for R {
    fn next_line(&mut self) -> std::io::Result<Waited> {
        Ok(read_capped_line(self)?.map_or(Waited::End, Waited::Line))
    }
}
