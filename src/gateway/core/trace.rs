//! The step-by-step account of one request, worded for a learner: which phases it went
//! through, what each decided, and why.
//!
//! The sentences (each step's `detail`) are most of what a request costs the core, so a trace
//! is recorded only when someone will read it: the caller of `Gateway::handle` says so with a
//! [`TraceMode`].

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use super::time::VirtualTime;

/// The pipeline's phases, in AWS's order for a REST API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    /// Size limits and CORS preflight, before routing.
    Receive,
    Route,
    Authorizer,
    ApiKey,
    Throttle,
    Quota,
    Validation,
    Cache,
    IntegrationRequest,
    Integration,
    IntegrationResponse,
    Response,
}

impl Phase {
    pub const ALL: [Phase; 12] = [
        Phase::Receive,
        Phase::Route,
        Phase::Authorizer,
        Phase::ApiKey,
        Phase::Throttle,
        Phase::Quota,
        Phase::Validation,
        Phase::Cache,
        Phase::IntegrationRequest,
        Phase::Integration,
        Phase::IntegrationResponse,
        Phase::Response,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Phase::Receive => "receive",
            Phase::Route => "route",
            Phase::Authorizer => "authorizer",
            Phase::ApiKey => "API key",
            Phase::Throttle => "throttle",
            Phase::Quota => "quota",
            Phase::Validation => "validation",
            Phase::Cache => "cache",
            Phase::IntegrationRequest => "integration request",
            Phase::Integration => "integration",
            Phase::IntegrationResponse => "integration response",
            Phase::Response => "response",
        }
    }
}

/// What a phase decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The request went on.
    Passed,
    /// The phase does not apply to this route or API.
    Skipped,
    /// The gateway refused the request (a 4XX it generated).
    Rejected,
    /// Something failed on the way (a 5XX).
    Failed,
}

impl Outcome {
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            Outcome::Passed => "✔",
            Outcome::Skipped => "·",
            Outcome::Rejected => "✘",
            Outcome::Failed => "!",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceStep {
    pub phase: Phase,
    pub outcome: Outcome,
    /// The learner's sentence for this step.
    pub detail: Cow<'static, str>,
}

/// Whether [`Gateway::handle`](super::Gateway::handle) records a [`Trace`]: the Lab and
/// `gateway serve --trace` show one; a server that only logs does not need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceMode {
    /// No trace: the same response, metrics and access-log line, for less work.
    Off,
    /// A trace with every step's sentence.
    On,
}

/// Whether the stage cache answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheStatus {
    Hit,
    Miss,
    /// Cache-Control: max-age=0 from a caller allowed to invalidate.
    Invalidated,
}

/// Everything the lab and the UI need to explain one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    pub request_id: String,
    pub at: VirtualTime,
    pub method: String,
    pub path: String,
    /// The matched route key, e.g. `GET /pets/{id}`.
    pub route_key: Option<Arc<str>>,
    pub steps: Vec<TraceStep>,
    pub status: u16,
    /// The gateway response type when the gateway itself answered with an error.
    pub error_type: Option<&'static str>,
    pub latency_ms: u64,
    pub integration_latency_ms: Option<u64>,
    pub cache: Option<CacheStatus>,
    /// The API key's name, if one was recognised.
    pub api_key: Option<Arc<str>>,
    /// False while the pipeline runs with [`TraceMode::Off`]: nothing is recorded, and the
    /// trace is dropped instead of returned.
    recording: bool,
}

impl Trace {
    /// An empty trace; the pipeline fills in the request's id, method and path at the end.
    pub(crate) fn new(at: VirtualTime, mode: TraceMode) -> Self {
        let recording = mode == TraceMode::On;
        Self {
            request_id: String::new(),
            at,
            method: String::new(),
            path: String::new(),
            route_key: None,
            steps: Vec::new(),
            status: 0,
            error_type: None,
            latency_ms: 0,
            integration_latency_ms: None,
            cache: None,
            api_key: None,
            recording,
        }
    }

    /// Whether this trace records anything (its mode was [`TraceMode::On`]).
    pub(crate) fn is_recorded(&self) -> bool {
        self.recording
    }

    /// Records a step whose sentence is fixed text.
    pub(crate) fn push(&mut self, phase: Phase, outcome: Outcome, detail: &'static str) {
        if self.recording {
            self.steps.push(TraceStep { phase, outcome, detail: Cow::Borrowed(detail) });
        }
    }

    /// Records a step whose sentence must be formatted; `detail` runs only if the trace
    /// records, so a request nobody will read pays nothing for the words.
    pub(crate) fn push_with(&mut self, phase: Phase, outcome: Outcome, detail: impl FnOnce() -> String) {
        if self.recording {
            self.steps.push(TraceStep { phase, outcome, detail: Cow::Owned(detail()) });
        }
    }

    /// Appends to the latest step for `phase`, if the trace records and has one.
    pub(crate) fn append(&mut self, phase: Phase, more: impl FnOnce() -> String) {
        if !self.recording {
            return;
        }
        if let Some(step) = self.steps.iter_mut().rev().find(|s| s.phase == phase) {
            step.detail.to_mut().push_str(&more());
        }
    }

    /// The step for `phase`, if the request reached it.
    pub fn step(&self, phase: Phase) -> Option<&TraceStep> {
        self.steps.iter().find(|s| s.phase == phase)
    }

    /// The phase that stopped the request, if any did.
    pub fn stopped_at(&self) -> Option<&TraceStep> {
        self.steps
            .iter()
            .find(|s| matches!(s.outcome, Outcome::Rejected | Outcome::Failed) && s.phase != Phase::Response)
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {} {} (request {})", self.at, self.method, self.path, self.request_id)?;
        for s in &self.steps {
            writeln!(f, "  {} {:<20} {}", s.outcome.symbol(), s.phase.label(), s.detail)?;
        }
        Ok(())
    }
}
