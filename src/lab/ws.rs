//! The WebSocket Lab: a chat on `assets/apis/websocket-chat.json` with virtual clients on the
//! virtual clock. Each client connects, sends and closes through [`WsGateway`], the same core
//! `gateway serve` drives over real sockets; what the core sends lands in the clients' inboxes,
//! and moving the clock past 10 minutes lets the idle timeout close connections.
use crate::gateway::core::ws::{
    Admission, CallbackMethod, CloseCause, Effect, Handshake, Inbound, WsApiDefinition, WsGateway, WsOutcome,
    check_ws_definition,
};
use crate::gateway::{Phase, Trace, VirtualTime};

use super::{LAB_EPOCH_MS, LabError};

/// What an objective looks for in one exchange.
#[derive(Debug, Clone, Copy)]
pub enum WsCheck {
    /// The trace ended with this status (101 for an open connection, 410 for Gone, …).
    Status(u16),
    /// The request stopped in this phase with this status.
    Stopped(Phase, u16),
    /// A step of this phase mentions this text.
    Detail(Phase, &'static str),
    /// A message went to a client other than the one that sent it.
    DeliveredToOther,
    /// At least this many connections are open afterwards.
    Open(usize),
    All(&'static [WsCheck]),
}

#[derive(Debug, Clone, Copy)]
pub struct WsObjective {
    pub id: &'static str,
    pub text: &'static str,
    pub hint: &'static str,
    pub check: WsCheck,
}

/// A message a client can send from the composer.
#[derive(Debug, Clone, Copy)]
pub struct WsPreset {
    pub label: &'static str,
    pub body: &'static str,
}

#[derive(Debug, Clone, Copy)]
pub struct WsScenario {
    pub id: &'static str,
    pub title: &'static str,
    pub note: &'static str,
    pub goal: &'static str,
    pub file: &'static str,
    pub json: &'static str,
    pub stage: &'static str,
    /// Query strings the clients connect with, by client.
    pub connect_query: &'static [(&'static str, &'static str)],
    pub api_key: (&'static str, &'static str),
    pub presets: &'static [WsPreset],
    pub objectives: &'static [WsObjective],
    pub questions: &'static [&'static str],
}

/// One virtual client: its connection (while open), what it received, how it was closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualClient {
    pub name: &'static str,
    pub connection_id: Option<String>,
    pub inbox: Vec<String>,
    pub closed: Option<(u16, String)>,
}

/// One event as the Lab shows it: who did what, and the core's trace and effects.
#[derive(Debug, Clone)]
pub struct WsExchange {
    pub client: Option<usize>,
    pub action: String,
    pub trace: Trace,
    pub effects: Vec<Effect>,
}

pub struct WsLabSession {
    pub scenario: &'static WsScenario,
    pub gateway: WsGateway,
    pub now: VirtualTime,
    pub clients: Vec<VirtualClient>,
    pub history: Vec<WsExchange>,
    pub met: Vec<&'static str>,
}

const HISTORY: usize = 200;

/// A WebSocket scenario's checked definition: the one way it becomes a gateway, for the Lab
/// (virtual and live) and `gateway serve --scenario`.
pub(crate) fn ws_definition_for(scenario: &WsScenario) -> Result<WsApiDefinition, LabError> {
    check_ws_definition(scenario.json).map_err(|p| LabError {
        scenario: scenario.id,
        message: p.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
    })
}

/// The WebSocket gateway a scenario runs on.
pub(crate) fn ws_gateway_for(scenario: &WsScenario) -> Result<WsGateway, LabError> {
    WsGateway::new(ws_definition_for(scenario)?, scenario.stage)
        .map_err(|e| LabError { scenario: scenario.id, message: e.to_string() })
}

impl WsLabSession {
    pub fn new(scenario: &'static WsScenario, already_met: Vec<&'static str>) -> Result<Self, LabError> {
        let gateway = ws_gateway_for(scenario)?;
        let clients = scenario
            .connect_query
            .iter()
            .map(|(name, _)| VirtualClient { name, connection_id: None, inbox: Vec::new(), closed: None })
            .collect();
        Ok(Self {
            scenario,
            gateway,
            now: VirtualTime::from_millis(LAB_EPOCH_MS),
            clients,
            history: Vec::new(),
            met: already_met,
        })
    }

    fn client_of(&self, connection_id: &str) -> Option<usize> {
        self.clients.iter().position(|c| c.connection_id.as_deref() == Some(connection_id))
    }

    /// Carries out the core's effects on the virtual clients, records the exchange and checks
    /// the objectives; returns those newly met.
    fn record(&mut self, client: Option<usize>, action: String, outcome: WsOutcome) -> Vec<&'static str> {
        for e in &outcome.effects {
            match e {
                Effect::Send { connection_id, data } => {
                    if let Some(i) = self.client_of(connection_id) {
                        self.clients[i].inbox.push(data.clone());
                    }
                }
                Effect::Close { connection_id, code, reason } => {
                    if let Some(i) = self.client_of(connection_id) {
                        self.clients[i].connection_id = None;
                        self.clients[i].closed = Some((*code, reason.clone()));
                    }
                }
            }
        }
        let open = self.gateway.connections().count();
        let newly = self.check(client, action, outcome, open);
        self.now = self.now.plus_millis(1);
        newly
    }

    /// An event from the live server (a real client such as websocat), checked against the
    /// objectives like a virtual client's; `open` is the live server's open connections.
    pub(crate) fn record_live(&mut self, outcome: WsOutcome, open: usize) -> Vec<&'static str> {
        let action = format!("live: {} {}", outcome.trace.method, outcome.trace.path);
        self.check(None, action, outcome, open)
    }

    fn check(&mut self, client: Option<usize>, action: String, outcome: WsOutcome, open: usize) -> Vec<&'static str> {
        let ex = WsExchange { client, action, trace: outcome.trace, effects: outcome.effects };
        let mut newly = Vec::new();
        for o in self.scenario.objectives {
            if !self.met.contains(&o.id) && holds(&o.check, &ex, open) {
                self.met.push(o.id);
                newly.push(o.id);
            }
        }
        self.history.push(ex);
        if self.history.len() > HISTORY {
            self.history.remove(0);
        }
        newly
    }

    /// Client `i` opens a connection; `with_credentials` false leaves out the key and token.
    pub fn connect(&mut self, i: usize, with_credentials: bool) -> Vec<&'static str> {
        let Some(c) = self.clients.get(i) else { return Vec::new() };
        if c.connection_id.is_some() {
            return Vec::new();
        }
        let name = c.name;
        let mut hs = Handshake { source_ip: format!("10.0.0.{}", i + 1), ..Handshake::default() };
        hs.headers.push(("user-agent".to_owned(), format!("lab-client-{name}")));
        hs.query.push(("name".to_owned(), name.to_owned()));
        if with_credentials {
            let (k, v) = self.scenario.api_key;
            hs.headers.push((k.to_owned(), v.to_owned()));
            for (client, q) in self.scenario.connect_query {
                if *client == name {
                    hs.query.extend(crate::gateway::core::http::parse_query(q));
                }
            }
        }
        let (admission, outcome) = self.gateway.connect(&hs, self.now);
        if let Admission::Accepted { connection_id } = admission {
            self.clients[i].connection_id = Some(connection_id);
            self.clients[i].closed = None;
        }
        let what = if with_credentials { "connects" } else { "connects without key or token" };
        self.record(Some(i), format!("{name} {what}"), outcome)
    }

    /// Client `i` sends a text message.
    pub fn send(&mut self, i: usize, body: &str) -> Vec<&'static str> {
        let Some(id) = self.clients.get(i).and_then(|c| c.connection_id.clone()) else { return Vec::new() };
        let outcome = self.gateway.message(&id, &Inbound::text(body), self.now);
        self.record(Some(i), format!("{} sends {body}", self.clients[i].name), outcome)
    }

    /// Client `i` sends a message of `size` bytes (to meet the 128 KB quota).
    pub fn send_big(&mut self, i: usize, size: usize, largest_frame: usize) -> Vec<&'static str> {
        let Some(id) = self.clients.get(i).and_then(|c| c.connection_id.clone()) else { return Vec::new() };
        let msg = Inbound { body: "x".repeat(size), is_base64: false, size, largest_frame };
        let outcome = self.gateway.message(&id, &msg, self.now);
        self.record(Some(i), format!("{} sends {size} bytes", self.clients[i].name), outcome)
    }

    /// Client `i` closes its connection with a normal close frame.
    pub fn disconnect(&mut self, i: usize) -> Vec<&'static str> {
        let Some(id) = self.clients.get_mut(i).and_then(|c| c.connection_id.take()) else { return Vec::new() };
        self.clients[i].closed = Some((1000, "closed by the client".to_owned()));
        let cause = CloseCause::Client { code: Some(1000), reason: "bye".to_owned() };
        match self.gateway.close(&id, &cause, self.now) {
            Some(outcome) => self.record(Some(i), format!("{} closes", self.clients[i].name), outcome),
            None => Vec::new(),
        }
    }

    /// The backend calls `@connections` for client `i`'s connection id, open or not (its last
    /// one, so a closed client shows 410 Gone). `None` if the client never connected.
    pub fn callback(&mut self, method: CallbackMethod, i: usize, body: &str) -> Option<Vec<&'static str>> {
        let id = self
            .history
            .iter()
            .rev()
            .filter(|e| e.client == Some(i) && e.trace.status == 101)
            .map(|e| e.trace.path.clone())
            .next();
        let id = id?;
        let (_, outcome) = self.gateway.callback(method, &id, body, self.now);
        Some(self.record(None, format!("backend {method:?} @connections/{id}"), outcome))
    }

    /// Moves the virtual clock; connections past their idle or age limit close.
    pub fn advance(&mut self, ms: u64) -> Vec<&'static str> {
        self.now = self.now.plus_millis(ms);
        let mut newly = Vec::new();
        for outcome in self.gateway.expire(self.now) {
            let client = self.client_of(&outcome.trace.path);
            newly.extend(self.record(client, "the clock passes a limit".to_owned(), outcome));
        }
        newly
    }

    pub fn complete(&self) -> bool {
        self.scenario.objectives.iter().all(|o| self.met.contains(&o.id))
    }
}

fn holds(check: &WsCheck, ex: &WsExchange, open: usize) -> bool {
    let t = &ex.trace;
    match *check {
        WsCheck::Status(s) => t.status == s,
        WsCheck::Stopped(p, s) => t.status == s && t.stopped_at().is_some_and(|st| st.phase == p),
        WsCheck::Detail(p, text) => t.steps.iter().any(|st| st.phase == p && st.detail.contains(text)),
        WsCheck::DeliveredToOther => {
            ex.effects.iter().any(|e| matches!(e, Effect::Send { connection_id, .. } if *connection_id != t.path))
        }
        WsCheck::Open(n) => open >= n,
        WsCheck::All(all) => all.iter().all(|c| holds(c, ex, open)),
    }
}
