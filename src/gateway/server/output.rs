//! What `gatewise gateway serve` prints as it runs: each request's access-log line (and its
//! trace with `--trace`) on stdout, each refusal on stderr.
//!
//! The log is buffered and flushed at least every [`FLUSH_EVERY`] and when the server stops:
//! a write to stdout per request (Rust's stdout is line-buffered) cost about a quarter of the
//! server's throughput with the log going to a file.

use std::fmt::Write as _;
use std::io::{BufWriter, Stdout, Write};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use super::Refused;
use crate::gateway::Trace;

/// How often buffered log lines are written out at the latest.
pub const FLUSH_EVERY: Duration = Duration::from_millis(100);

/// What the server prints per request on stdout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StdoutLog {
    /// Nothing (the Lab, tests, `gateway serve --quiet`).
    #[default]
    Off,
    /// Each request's access-log line (`gateway serve`).
    Lines,
    /// Each line followed by the request's phase-by-phase trace (`gateway serve --trace`).
    Traced,
}

/// The buffered stdout log of a running server.
pub(crate) struct LogWriter {
    out: Mutex<BufWriter<Stdout>>,
    traces: bool,
}

impl LogWriter {
    pub(crate) fn new(mode: StdoutLog) -> Option<Self> {
        let traces = match mode {
            StdoutLog::Off => return None,
            StdoutLog::Lines => false,
            StdoutLog::Traced => true,
        };
        Some(Self { out: Mutex::new(BufWriter::with_capacity(64 * 1024, std::io::stdout())), traces })
    }

    /// Whether each line is followed by its trace.
    pub(crate) fn traces(&self) -> bool {
        self.traces
    }

    /// Writes one request's line (and trace). Write errors (a closed pipe) are ignored: the
    /// log must never stop the server.
    pub(crate) fn served(&self, line: &str, trace: Option<&Trace>) {
        // Paths, headers and parameters come from the client: escape sequences in them must not
        // reach the terminal (a `%1b]0;…` path would retitle it).
        let mut out = self.out.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = out.write_all(crate::term::clean(line).as_bytes());
        let _ = out.write_all(b"\n");
        if let Some(trace) = trace.filter(|_| self.traces) {
            let _ = write!(out, "{}", crate::term::clean(&trace.to_string()));
        }
    }

    /// A refusal goes to stderr at once: it is rare, and a learner should see it next to the
    /// curl that caused it.
    pub(crate) fn refused(&self, r: &Refused) {
        let status = r.status.map_or_else(|| "closed".to_owned(), |s| s.to_string());
        let mut what = String::new();
        if !r.method.is_empty() {
            let _ = write!(what, " {} {}", r.method, r.target);
        }
        let line = format!("refused {}{what}: {status}, {}", r.peer, r.reason);
        let _ = writeln!(std::io::stderr().lock(), "{}", crate::term::clean(&line));
    }

    pub(crate) fn flush(&self) {
        let _ = self.out.lock().unwrap_or_else(PoisonError::into_inner).flush();
    }

    /// Flushes every [`FLUSH_EVERY`] until dropped (the accept loop aborts it and flushes once
    /// more when the server stops).
    pub(crate) async fn flush_periodically(&self) {
        let mut ticks = tokio::time::interval(FLUSH_EVERY);
        loop {
            ticks.tick().await;
            self.flush();
        }
    }
}
