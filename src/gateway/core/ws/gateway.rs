//! [`WsGateway`]: one WebSocket API compiled for one stage, with its connection registry.
//! `$connect` admission (REQUEST authorizer, then API key, then the integration, in AWS's
//! order), closing a connection (which runs `$disconnect`), and the quotas that end a
//! connection on the clock: 10 minutes idle, 2 hours in all.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::check::{IdentityPart, validate_ws_definition};
use super::definition::{WsApiDefinition, WsIntegrationDef, WsStageDef};
use super::event::{ContextFields, disconnect_event};
use super::select::{KeySelection, RouteSelection};
use super::{CLOSE_GOING_AWAY, IDLE_TIMEOUT_MS, MAX_CONNECTION_MS};
use crate::gateway::core::auth::REGION;
use crate::gateway::core::definition::AuthorizerDef;
use crate::gateway::core::gateway::GatewayBuildError;
use crate::gateway::core::pipeline::request_ids;
use crate::gateway::core::template::Template;
use crate::gateway::core::time::VirtualTime;
use crate::gateway::core::trace::{Outcome, Phase, Trace, TraceMode};
use crate::gateway::core::ws::handlers::WsHandlers;

/// The opening handshake as the core needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Handshake {
    pub headers: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
    pub source_ip: String,
}

/// Whether `$connect` let the connection in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    Accepted {
        connection_id: String,
    },
    /// The handshake fails with this HTTP status and JSON body.
    Refused {
        status: u16,
        body: String,
    },
}

/// One message from a client. Binary data arrives base64-encoded, as AWS hands it to Lambda.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    pub body: String,
    pub is_base64: bool,
    /// The payload's size in bytes as sent (before any base64).
    pub size: usize,
    /// The largest frame the message arrived in.
    pub largest_frame: usize,
}

impl Inbound {
    /// A text message sent in one frame.
    pub fn text(body: &str) -> Self {
        Self { body: body.to_owned(), is_base64: false, size: body.len(), largest_frame: body.len() }
    }
}

/// What the caller must do on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Send this text message to the connection.
    Send { connection_id: String, data: String },
    /// Close the connection with this close code and reason.
    Close { connection_id: String, code: u16, reason: String },
}

/// Why a connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseCause {
    /// The client sent a close frame (code and reason as sent) or dropped the TCP connection.
    Client { code: Option<u16>, reason: String },
    /// The sandbox closed it for a reason of its own (a client that stopped reading, shutdown).
    Server { code: u16, reason: String },
}

/// The effects and trace of one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WsOutcome {
    pub effects: Vec<Effect>,
    pub trace: Trace,
}

/// One open connection in the registry.
#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    pub id: String,
    pub connected_at: VirtualTime,
    /// The last message from the client; the idle timeout counts from here.
    pub last_active_at: VirtualTime,
    pub source_ip: String,
    pub user_agent: String,
    pub headers: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
    pub api_key: Option<Arc<str>>,
    pub principal_id: Option<String>,
    /// The authorizer's `context`, passed on to every integration.
    pub authorizer: Map<String, Value>,
}

#[derive(Debug, Clone)]
pub(super) enum Integration {
    Mock(Option<Template>),
    Lambda(String),
}

#[derive(Debug, Clone)]
pub(super) struct Route {
    pub key: Arc<str>,
    pub authorizer: Option<(String, String, Vec<IdentityPart>)>,
    pub api_key_required: bool,
    pub two_way: bool,
    pub integration: Integration,
}

/// A WebSocket API for one stage and its open connections. Feed it events with
/// [`connect`](Self::connect), [`message`](Self::message), [`close`](Self::close),
/// [`callback`](Self::callback) and [`expire`](Self::expire).
#[derive(Debug, Clone)]
pub struct WsGateway {
    pub(super) def: WsApiDefinition,
    pub(super) stage: WsStageDef,
    pub(super) stage_vars: Value,
    pub(super) selection: RouteSelection,
    pub(super) key_selection: KeySelection,
    pub(super) routes: Vec<Route>,
    pub(super) conns: BTreeMap<String, Connection>,
    pub(super) handlers: WsHandlers,
    pub(super) counter: u64,
    pub(super) domain_name: String,
}

fn problems(e: String) -> GatewayBuildError {
    GatewayBuildError::Invalid(vec![crate::gateway::core::check::DefinitionProblem::new(Vec::new(), e)])
}

impl WsGateway {
    /// Compiles `def` for `stage`; the definition is validated first.
    pub fn new(def: WsApiDefinition, stage: &str) -> Result<Self, GatewayBuildError> {
        let found = validate_ws_definition(&def);
        if !found.is_empty() {
            return Err(GatewayBuildError::Invalid(found));
        }
        let Some(stage_def) = def.stages.iter().find(|s| s.name == stage).cloned() else {
            return Err(GatewayBuildError::UnknownStage {
                stage: stage.to_owned(),
                available: def.stages.iter().map(|s| s.name.clone()).collect(),
            });
        };
        let selection = RouteSelection::parse(&def.route_selection_expression).map_err(problems)?;
        let key_selection = KeySelection::parse(&def.api_key_selection_expression).map_err(problems)?;
        let routes = def
            .routes
            .iter()
            .map(|r| Route {
                key: r.route_key.as_str().into(),
                authorizer: r.authorizer.as_ref().and_then(|name| {
                    def.authorizers.iter().find_map(|a| match a {
                        AuthorizerDef::Request { name: n, handler, identity_source, .. } if n == name => Some((
                            n.clone(),
                            handler.clone(),
                            identity_source.iter().filter_map(|s| IdentityPart::parse(s)).collect(),
                        )),
                        _ => None,
                    })
                }),
                api_key_required: r.api_key_required,
                two_way: r.route_response_selection_expression.is_some(),
                integration: match &r.integration {
                    WsIntegrationDef::Mock { response_templates } => {
                        Integration::Mock(response_templates.get("$default").and_then(|t| Template::parse(t).ok()))
                    }
                    WsIntegrationDef::LambdaProxy { handler } => Integration::Lambda(handler.clone()),
                },
            })
            .collect();
        let stage_vars =
            Value::Object(stage_def.variables.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<Map<_, _>>());
        Ok(Self {
            domain_name: format!("{}.execute-api.{REGION}.amazonaws.com", def.api_id),
            def,
            stage: stage_def,
            stage_vars,
            selection,
            key_selection,
            routes,
            conns: BTreeMap::new(),
            handlers: WsHandlers::new(),
            counter: 0,
        })
    }

    pub fn definition(&self) -> &WsApiDefinition {
        &self.def
    }

    pub(crate) fn stage_name(&self) -> &str {
        &self.stage.name
    }

    /// Route keys in definition order.
    pub(crate) fn route_keys(&self) -> Vec<&str> {
        self.routes.iter().map(|r| &*r.key).collect()
    }

    /// Open connections, by id.
    pub fn connections(&self) -> impl Iterator<Item = &Connection> {
        self.conns.values()
    }

    pub fn connection(&self, id: &str) -> Option<&Connection> {
        self.conns.get(id)
    }

    /// The `chat` function's room, (connection id, name).
    pub fn chat_members(&self) -> &[(String, String)] {
        self.handlers.chat_members()
    }

    pub(super) fn route(&self, key: &str) -> Option<&Route> {
        self.routes.iter().find(|r| &*r.key == key)
    }

    /// A new trace with fresh ids: (trace, request id).
    pub(super) fn start(&mut self, now: VirtualTime, kind: &str, subject: &str) -> (Trace, String) {
        self.counter += 1;
        let (_, id) = request_ids(self.counter, now);
        let mut trace = Trace::new(now, TraceMode::On);
        trace.request_id.clone_from(&id);
        trace.method = kind.to_owned();
        trace.path = subject.to_owned();
        (trace, id)
    }

    pub(super) fn fields<'a>(
        &'a self,
        route_key: &'a str,
        event_type: &'static str,
        request_id: &'a str,
        now: VirtualTime,
    ) -> ContextFields<'a> {
        ContextFields {
            route_key,
            event_type,
            request_id,
            stage: &self.stage.name,
            api_id: &self.def.api_id,
            domain_name: &self.domain_name,
            now,
        }
    }

    /// Ends a connection: removes it, runs `$disconnect`, and (when the server closes it) asks
    /// the caller to send a close frame. Unknown ids (already closed) change nothing.
    pub fn close(&mut self, id: &str, cause: &CloseCause, now: VirtualTime) -> Option<WsOutcome> {
        let (mut trace, request_id) = self.start(now, "DISCONNECT", id);
        let mut effects = Vec::new();
        let (code, reason) = match cause {
            // RFC 6455's 1005 stands for "no status code was present"; AWS's $disconnect events
            // then read "Client-side close frame status not set".
            CloseCause::Client { code: None, .. } => (1005, "Client-side close frame status not set".to_owned()),
            CloseCause::Client { code: Some(code), reason } => (*code, reason.clone()),
            CloseCause::Server { code, reason } => {
                effects.push(Effect::Close { connection_id: id.to_owned(), code: *code, reason: reason.clone() });
                (*code, reason.clone())
            }
        };
        self.finish(id, code, &reason, &request_id, now, &mut trace)?;
        Some(WsOutcome { effects, trace })
    }

    /// Removes `id` and runs `$disconnect`; `None` if it was not open.
    pub(super) fn finish(
        &mut self,
        id: &str,
        code: u16,
        reason: &str,
        request_id: &str,
        now: VirtualTime,
        trace: &mut Trace,
    ) -> Option<()> {
        let conn = self.conns.remove(id)?;
        trace.route_key = Some("$disconnect".into());
        trace.push_with(Phase::Receive, Outcome::Passed, || format!("connection {id} closed: {code} {reason}"));
        match self.route("$disconnect").map(|r| r.integration.clone()) {
            None => trace.push(Phase::Integration, Outcome::Skipped, "no $disconnect route"),
            Some(Integration::Mock(_)) => {
                trace.push(Phase::Integration, Outcome::Passed, "$disconnect: MOCK integration")
            }
            Some(Integration::Lambda(handler)) => {
                let event =
                    disconnect_event(&self.fields("$disconnect", "DISCONNECT", request_id, now), &conn, code, reason);
                // What $disconnect returns goes nowhere: the connection is already gone.
                let _ = self.handlers.invoke(&handler, &event);
                trace.push_with(Phase::Integration, Outcome::Passed, || {
                    format!("$disconnect: Lambda {handler} told (best effort; nothing can be sent back)")
                });
            }
        }
        trace.status = code;
        Some(())
    }

    /// When the next idle or age limit falls due, for a server's timer.
    pub fn next_deadline(&self) -> Option<VirtualTime> {
        self.conns
            .values()
            .map(|c| c.last_active_at.plus_millis(IDLE_TIMEOUT_MS).min(c.connected_at.plus_millis(MAX_CONNECTION_MS)))
            .min()
    }

    /// Closes every connection that has been idle for 10 minutes or open for 2 hours at `now`.
    pub fn expire(&mut self, now: VirtualTime) -> Vec<WsOutcome> {
        let due: Vec<(String, &'static str)> = self
            .conns
            .values()
            .filter_map(|c| {
                if now.millis_since(c.connected_at) >= MAX_CONNECTION_MS {
                    Some((c.id.clone(), "the 2-hour connection limit"))
                } else if now.millis_since(c.last_active_at) >= IDLE_TIMEOUT_MS {
                    Some((c.id.clone(), "10 minutes without a message (idle timeout)"))
                } else {
                    None
                }
            })
            .collect();
        due.into_iter()
            .filter_map(|(id, why)| {
                let reason = if why.starts_with("10") {
                    "Going away (idle timeout)"
                } else {
                    "Going away (connection duration limit)"
                };
                let mut out =
                    self.close(&id, &CloseCause::Server { code: CLOSE_GOING_AWAY, reason: reason.to_owned() }, now)?;
                out.trace.steps.insert(
                    0,
                    crate::gateway::core::trace::TraceStep {
                        phase: Phase::Receive,
                        outcome: Outcome::Rejected,
                        detail: format!("API Gateway ends connection {id}: {why}").into(),
                    },
                );
                Some(out)
            })
            .collect()
    }
}
