//! Guided hands-on scenarios on the mini gateway: a definition, a goal, request presets,
//! objectives checked against traces, and bank questions on the same concept. Uses
//! `gateway::core` only; time is a virtual clock the learner moves.
pub mod catalog;
pub mod ws;
pub mod ws_catalog;

use crate::gateway::{
    ApiDefinition, CacheStatus, Gateway, Phase, Request, Response, Trace, TraceMode, VirtualTime, check_definition,
};

/// A request the composer can start from.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub label: &'static str,
    pub method: &'static str,
    /// Path without the stage, with any query string.
    pub path: &'static str,
    pub headers: &'static [(&'static str, &'static str)],
    pub body: &'static str,
}

/// What a trace must show for an objective to count.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    Status(u16),
    /// The request was stopped in this phase with this status.
    Stopped(Phase, u16),
    /// A step of this phase mentions this text.
    Detail(Phase, &'static str),
    Cache(CacheStatus),
    /// The response body contains this text.
    Body(&'static str),
    /// The response has this header (name, case-insensitive).
    Header(&'static str),
    /// The response lacks this header.
    NoHeader(&'static str),
    /// The lab is on this variant (e.g. the prod stage, the HTTP API).
    Variant(usize),
    All(&'static [Check]),
}

impl Check {
    pub fn holds(&self, trace: &Trace, resp: &Response, variant: usize) -> bool {
        let header = |name: &str| resp.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
        match *self {
            Check::Status(s) => trace.status == s,
            Check::Stopped(p, s) => trace.status == s && trace.stopped_at().is_some_and(|st| st.phase == p),
            Check::Detail(p, text) => trace.steps.iter().any(|st| st.phase == p && st.detail.contains(text)),
            Check::Cache(c) => trace.cache == Some(c),
            Check::Body(text) => String::from_utf8_lossy(&resp.body).contains(text),
            Check::Header(name) => header(name),
            Check::NoHeader(name) => !header(name),
            Check::Variant(v) => variant == v,
            Check::All(all) => all.iter().all(|c| c.holds(trace, resp, variant)),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Objective {
    pub id: &'static str,
    pub text: &'static str,
    /// How to get there, shown on request.
    pub hint: &'static str,
    pub check: Check,
    /// Counts only once this objective is met (e.g. "200 again after a 429").
    pub after: Option<&'static str>,
}

/// One API definition the scenario can switch to (a stage, or REST vs HTTP).
#[derive(Debug, Clone, Copy)]
pub struct Variant {
    pub label: &'static str,
    pub file: &'static str,
    pub json: &'static str,
    pub stage: &'static str,
}

#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    pub id: &'static str,
    pub title: &'static str,
    /// The concept note this exercise belongs to.
    pub note: &'static str,
    pub goal: &'static str,
    pub variants: &'static [Variant],
    pub presets: &'static [Preset],
    pub objectives: &'static [Objective],
    /// Bank questions on the same concept, asked at the end.
    pub questions: &'static [&'static str],
}

/// Where the lab's virtual clock starts: 2026-11-25 23:58:00 UTC, two minutes before a
/// UTC midnight, so quota windows can be crossed quickly.
pub const LAB_EPOCH_MS: u64 = 1_795_651_080_000;

/// One request as sent, its response and trace.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub request: Request,
    pub response: Response,
    pub trace: Trace,
}

/// A scenario being worked through: its gateway, clock, history and objectives met.
pub struct LabSession {
    pub scenario: &'static Scenario,
    pub variant: usize,
    pub gateway: Gateway,
    pub now: VirtualTime,
    pub history: Vec<Exchange>,
    pub met: Vec<&'static str>,
}

#[derive(Debug, thiserror::Error)]
#[error("lab scenario {scenario}: {message}")]
pub struct LabError {
    pub scenario: &'static str,
    pub message: String,
}

/// A scenario variant's checked API definition and the stage it runs on: the one way a scenario
/// becomes a gateway, for the Lab (virtual and live) and `gateway serve --scenario`.
pub(crate) fn definition_for(s: &Scenario, v: usize) -> Result<(ApiDefinition, &'static str), LabError> {
    let variant = s.variants.get(v).ok_or_else(|| LabError { scenario: s.id, message: format!("no variant {v}") })?;
    let def = check_definition(variant.json).map_err(|problems| LabError {
        scenario: s.id,
        message: problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
    })?;
    Ok((def, variant.stage))
}

/// The gateway a scenario variant runs on.
pub(crate) fn gateway_for(s: &Scenario, v: usize) -> Result<Gateway, LabError> {
    let (def, stage) = definition_for(s, v)?;
    Gateway::new(def, stage).map_err(|e| LabError { scenario: s.id, message: e.to_string() })
}

/// How many exchanges a session keeps for display.
const HISTORY: usize = 200;

impl LabSession {
    pub fn new(scenario: &'static Scenario, already_met: Vec<&'static str>) -> Result<LabSession, LabError> {
        Ok(LabSession {
            scenario,
            variant: 0,
            gateway: gateway_for(scenario, 0)?,
            now: VirtualTime::from_millis(LAB_EPOCH_MS),
            history: Vec::new(),
            met: already_met,
        })
    }

    /// Switches definition or stage; the new gateway starts with full buckets and empty caches.
    pub fn set_variant(&mut self, v: usize) -> Result<(), LabError> {
        self.gateway = gateway_for(self.scenario, v)?;
        self.variant = v;
        Ok(())
    }

    pub fn advance(&mut self, ms: u64) {
        self.now = self.now.plus_millis(ms);
    }

    /// Moves the clock to the next 00:00:00 UTC.
    pub fn to_midnight(&mut self) {
        const DAY: u64 = 86_400_000;
        let ms = self.now.as_millis();
        self.now = VirtualTime::from_millis((ms / DAY + 1) * DAY);
    }

    /// Sends one request through the gateway at the virtual now; returns the objectives it met.
    pub fn send(&mut self, request: Request) -> Vec<&'static str> {
        let (response, trace) = self.gateway.handle(&request, self.now, TraceMode::On);
        // A millisecond passes per request, so a burst is a burst and not one instant.
        self.now = self.now.plus_millis(1);
        // `TraceMode::On` always returns a trace.
        let Some(trace) = trace else {
            return Vec::new();
        };
        let newly = self.record(&trace, &response);
        self.history.push(Exchange { request, response, trace });
        if self.history.len() > HISTORY {
            self.history.remove(0);
        }
        newly
    }

    /// Checks a trace (from the composer or from live HTTP) against the objectives not yet met.
    pub fn record(&mut self, trace: &Trace, response: &Response) -> Vec<&'static str> {
        let mut newly = Vec::new();
        for o in self.scenario.objectives {
            if self.met.contains(&o.id) {
                continue;
            }
            if o.after.is_some_and(|a| !self.met.contains(&a)) {
                continue;
            }
            if o.check.holds(trace, response, self.variant) {
                self.met.push(o.id);
                newly.push(o.id);
            }
        }
        newly
    }

    pub fn complete(&self) -> bool {
        self.scenario.objectives.iter().all(|o| self.met.contains(&o.id))
    }
}

/// A request from a preset.
pub fn preset_request(p: &Preset) -> Request {
    let mut r = Request::new(p.method, p.path);
    for (k, v) in p.headers {
        r = r.with_header(k, v);
    }
    if !p.body.is_empty() {
        r = r.with_body(p.body.as_bytes().to_vec());
    }
    r
}
