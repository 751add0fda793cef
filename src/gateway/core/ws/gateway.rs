//! [`WsGateway`]: one WebSocket API compiled for one stage, with its connection registry.
//! `$connect` admission (REQUEST authorizer, then API key, then the integration, in AWS's
//! order), closing a connection (which runs `$disconnect`), and the quotas that end a
//! connection on the clock: 10 minutes idle, 2 hours in all.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::check::{IdentityPart, validate_ws_definition};
use super::definition::{WsApiDefinition, WsIntegrationDef, WsStageDef};
use super::event::{ContextFields, authorizer_event, connect_event, disconnect_event};
use super::select::{KeySelection, RouteSelection};
use super::{CLOSE_GOING_AWAY, IDLE_TIMEOUT_MS, MAX_CONNECTION_MS};
use crate::gateway::core::auth::{ACCOUNT_ID, REGION};
use crate::gateway::core::definition::AuthorizerDef;
use crate::gateway::core::gateway::GatewayBuildError;
use crate::gateway::core::http::header_value;
use crate::gateway::core::pipeline::request_ids;
use crate::gateway::core::policy::{evaluate, parse_result};
use crate::gateway::core::template::Template;
use crate::gateway::core::time::VirtualTime;
use crate::gateway::core::trace::{Outcome, Phase, Trace, TraceMode};
use crate::gateway::ws_handlers::WsHandlers;

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
    Accepted { connection_id: String },
    /// The handshake fails with this HTTP status and JSON body.
    Refused { status: u16, body: String },
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

    pub fn stage_name(&self) -> &str {
        &self.stage.name
    }

    /// Route keys in definition order.
    pub fn route_keys(&self) -> Vec<&str> {
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

    pub(super) fn fields<'a>(&'a self, route_key: &'a str, event_type: &'static str, request_id: &'a str, now: VirtualTime) -> ContextFields<'a> {
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

    /// The `$connect` route: a new connection asks to open.
    pub fn connect(&mut self, hs: &Handshake, now: VirtualTime) -> (Admission, WsOutcome) {
        let (mut trace, request_id) = self.start(now, "CONNECT", "");
        // AWS's ids look like `L0SM9cOFvHcCIhw=`; the URL-safe alphabet keeps them usable as
        // a path segment of `@connections/{id}` without escaping.
        let fresh = |n: u64| request_ids(n ^ 0x5eed, now).1.replace('+', "-").replace('/', "_");
        let mut connection_id = fresh(self.counter);
        while self.conns.contains_key(&connection_id) {
            self.counter += 1;
            connection_id = fresh(self.counter);
        }
        trace.path.clone_from(&connection_id);
        trace.route_key = Some("$connect".into());
        let user_agent = header_value(&hs.headers, "user-agent").unwrap_or("").to_owned();
        let mut conn = Connection {
            id: connection_id.clone(),
            connected_at: now,
            last_active_at: now,
            source_ip: hs.source_ip.clone(),
            user_agent,
            headers: hs.headers.clone(),
            query: hs.query.clone(),
            api_key: None,
            principal_id: None,
            authorizer: Map::new(),
        };
        let admitted = self.admit(&mut conn, &request_id, now, &mut trace);
        let admission = match admitted {
            Ok(()) => {
                trace.status = 101;
                trace.push_with(Phase::Response, Outcome::Passed, || {
                    format!("101 Switching Protocols: connection {connection_id} is open (idle timeout 10 min, at most 2 h)")
                });
                self.conns.insert(connection_id.clone(), conn);
                Admission::Accepted { connection_id }
            }
            Err((status, message, error_type)) => {
                trace.status = status;
                trace.error_type = Some(error_type);
                trace.push_with(Phase::Response, Outcome::Rejected, || {
                    format!("the handshake fails with HTTP {status}: no connection, and $disconnect does not run")
                });
                Admission::Refused { status, body: json!({ "message": message }).to_string() }
            }
        };
        (admission, WsOutcome { effects: Vec::new(), trace })
    }

    /// Authorizer, API key, integration: `Err((status, message, error type))` refuses.
    fn admit(
        &mut self,
        conn: &mut Connection,
        request_id: &str,
        now: VirtualTime,
        trace: &mut Trace,
    ) -> Result<(), (u16, String, &'static str)> {
        let Some(route) = self.route("$connect").cloned() else {
            trace.push(Phase::Route, Outcome::Passed, "no $connect route: the connection opens without an authorizer, key or integration");
            return Ok(());
        };
        trace.push(Phase::Route, Outcome::Passed, "$connect: a client asks to open a connection");
        let key_from_authorizer = match &route.authorizer {
            None => {
                trace.push(Phase::Authorizer, Outcome::Skipped, "no authorizer on $connect");
                None
            }
            Some((name, handler, sources)) => self.authorize(conn, name, handler, sources, request_id, now, trace)?,
        };
        if route.api_key_required {
            let value = match &self.key_selection {
                KeySelection::Header(h) => header_value(&conn.headers, h).map(str::to_owned),
                KeySelection::Authorizer => key_from_authorizer,
            };
            let refuse = |trace: &mut Trace, why: String| {
                trace.push_with(Phase::ApiKey, Outcome::Rejected, || why);
                Err((403, "Forbidden".to_owned(), "INVALID_API_KEY"))
            };
            let Some(value) = value else {
                return refuse(trace, format!("$connect requires an API key and none came ({})", self.def.api_key_selection_expression));
            };
            let Some(key) = self.def.api_keys.iter().find(|k| k.value == value) else {
                return refuse(trace, "the API key is not one of this API's keys: 403 Forbidden".to_owned());
            };
            if !key.enabled {
                return refuse(trace, format!("key {} is disabled: 403 Forbidden", key.name));
            }
            let plan = self
                .def
                .usage_plans
                .iter()
                .find(|p| p.stages.contains(&self.stage.name) && p.api_keys.contains(&key.name));
            let Some(plan) = plan else {
                return refuse(trace, format!("key {} is not in a usage plan for stage {}: 403 Forbidden", key.name, self.stage.name));
            };
            let (name, plan_name) = (key.name.clone(), plan.name.clone());
            trace.push_with(Phase::ApiKey, Outcome::Passed, || format!("key {name} is valid, in usage plan {plan_name}"));
            let name: Arc<str> = name.into();
            trace.api_key = Some(Arc::clone(&name));
            conn.api_key = Some(name);
        } else {
            trace.push(Phase::ApiKey, Outcome::Skipped, "$connect does not require an API key");
        }
        match &route.integration {
            Integration::Mock(_) => {
                trace.push(Phase::Integration, Outcome::Passed, "MOCK integration: API Gateway accepts the connection itself");
                Ok(())
            }
            Integration::Lambda(handler) => {
                let event = connect_event(&self.fields("$connect", "CONNECT", request_id, now), conn);
                let inv = self.handlers.invoke(handler, &event);
                match inv.result {
                    Err(e) => {
                        trace.push_with(Phase::Integration, Outcome::Failed, || format!("Lambda {handler} failed ({e}): 500"));
                        Err((500, "Internal server error".to_owned(), "INTEGRATION_FAILURE"))
                    }
                    Ok(v) => {
                        let status = v.get("statusCode").and_then(Value::as_u64).and_then(|s| u16::try_from(s).ok()).unwrap_or(200);
                        if (200..300).contains(&status) {
                            trace.push_with(Phase::Integration, Outcome::Passed, || {
                                format!("Lambda {handler} returned {status}: the connection is accepted")
                            });
                            Ok(())
                        } else {
                            trace.push_with(Phase::Integration, Outcome::Rejected, || {
                                format!("Lambda {handler} returned {status}: a non-2xx from $connect refuses the connection")
                            });
                            let msg = v.get("body").and_then(Value::as_str).unwrap_or("Forbidden").to_owned();
                            Err((status, msg, "INTEGRATION_REJECTED"))
                        }
                    }
                }
            }
        }
    }

    /// The REQUEST authorizer on `$connect`; `Ok(usageIdentifierKey)` when it allows.
    #[allow(clippy::too_many_arguments)]
    fn authorize(
        &mut self,
        conn: &mut Connection,
        name: &str,
        handler: &str,
        sources: &[IdentityPart],
        request_id: &str,
        now: VirtualTime,
        trace: &mut Trace,
    ) -> Result<Option<String>, (u16, String, &'static str)> {
        let unauthorized = || (401, "Unauthorized".to_owned(), "UNAUTHORIZED");
        for s in sources {
            let (found, what) = match s {
                IdentityPart::Header(h) => (header_value(&conn.headers, h), format!("header {h}")),
                IdentityPart::Query(q) => (
                    conn.query.iter().rev().find(|(k, _)| k == q).map(|(_, v)| v.as_str()),
                    format!("query parameter {q}"),
                ),
            };
            if found.is_none_or(str::is_empty) {
                trace.push_with(Phase::Authorizer, Outcome::Rejected, || {
                    format!("identity source {what} is missing: 401 Unauthorized without calling {name}")
                });
                return Err(unauthorized());
            }
        }
        let arn = format!("arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{}/{}/$connect", self.def.api_id, self.stage.name);
        let event = authorizer_event(&self.fields("$connect", "CONNECT", request_id, now), conn, &arn, &self.stage_vars);
        let inv = self.handlers.authorize(handler, &event);
        let v = match inv.result {
            Ok(v) => v,
            Err(e) if e == "Unauthorized" => {
                trace.push_with(Phase::Authorizer, Outcome::Rejected, || format!("{name} threw \"Unauthorized\": 401"));
                return Err(unauthorized());
            }
            Err(e) => {
                trace.push_with(Phase::Authorizer, Outcome::Failed, || format!("{name} failed ({e}): 500"));
                return Err((500, "Internal server error".to_owned(), "AUTHORIZER_FAILURE"));
            }
        };
        let Some(result) = parse_result(&v) else {
            trace.push_with(Phase::Authorizer, Outcome::Failed, || format!("{name} returned no principalId and policy: 500"));
            return Err((500, "Internal server error".to_owned(), "AUTHORIZER_CONFIGURATION_ERROR"));
        };
        let allowed = result.policy.as_ref().and_then(|p| evaluate(p, &arn)) == Some(true);
        if !allowed {
            trace.push_with(Phase::Authorizer, Outcome::Rejected, || format!("{name}'s policy does not allow {arn}: 403"));
            return Err((403, "Forbidden".to_owned(), "ACCESS_DENIED"));
        }
        trace.push_with(Phase::Authorizer, Outcome::Passed, || {
            format!("{name} allowed $connect for {}", result.principal_id.as_deref().unwrap_or("?"))
        });
        conn.principal_id = result.principal_id;
        conn.authorizer = result.context;
        Ok(v.get("usageIdentifierKey").and_then(Value::as_str).map(str::to_owned))
    }

    /// Ends a connection: removes it, runs `$disconnect`, and (when the server closes it) asks
    /// the caller to send a close frame. Unknown ids (already closed) change nothing.
    pub fn close(&mut self, id: &str, cause: &CloseCause, now: VirtualTime) -> Option<WsOutcome> {
        let (mut trace, request_id) = self.start(now, "DISCONNECT", id);
        let mut effects = Vec::new();
        let (code, reason) = match cause {
            CloseCause::Client { code, reason } => {
                // 1005: "no status code was present" (RFC 6455), what AWS reports then.
                (code.unwrap_or(1005), if reason.is_empty() { "Client-side close frame status not set".to_owned() } else { reason.clone() })
            }
            CloseCause::Server { code, reason } => {
                effects.push(Effect::Close { connection_id: id.to_owned(), code: *code, reason: reason.clone() });
                (*code, reason.clone())
            }
        };
        self.finish(id, code, &reason, &request_id, now, &mut trace)?;
        Some(WsOutcome { effects, trace })
    }

    /// Removes `id` and runs `$disconnect`; `None` if it was not open.
    pub(super) fn finish(&mut self, id: &str, code: u16, reason: &str, request_id: &str, now: VirtualTime, trace: &mut Trace) -> Option<()> {
        let conn = self.conns.remove(id)?;
        trace.route_key = Some("$disconnect".into());
        trace.push_with(Phase::Receive, Outcome::Passed, || format!("connection {id} closed: {code} {reason}"));
        match self.route("$disconnect").map(|r| r.integration.clone()) {
            None => trace.push(Phase::Integration, Outcome::Skipped, "no $disconnect route"),
            Some(Integration::Mock(_)) => trace.push(Phase::Integration, Outcome::Passed, "$disconnect: MOCK integration"),
            Some(Integration::Lambda(handler)) => {
                let event = disconnect_event(&self.fields("$disconnect", "DISCONNECT", request_id, now), &conn, code, reason);
                let r = self.handlers.invoke(&handler, &event);
                trace.push_with(Phase::Integration, Outcome::Passed, || {
                    format!("$disconnect: Lambda {handler} told (best effort; nothing can be sent back)")
                });
                drop(r);
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
                let reason = if why.starts_with("10") { "Going away (idle timeout)" } else { "Going away (connection duration limit)" };
                let mut out = self.close(&id, &CloseCause::Server { code: CLOSE_GOING_AWAY, reason: reason.to_owned() }, now)?;
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
