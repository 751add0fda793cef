//! `$connect`: a new connection's admission, in AWS's order: the REQUEST authorizer (a
//! missing identity source is 401 without a call; a Deny is 403), then the API key, then the
//! integration, whose failure or non-2xx refuses the handshake.
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-route-keys-connect-disconnect.html>

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::check::IdentityPart;
use super::event::{authorizer_event, connect_event};
use super::gateway::{Admission, Connection, Handshake, Integration, WsGateway, WsOutcome};
use super::select::KeySelection;
use crate::gateway::core::auth::{ACCOUNT_ID, REGION};
use crate::gateway::core::http::header_value;
use crate::gateway::core::pipeline::request_ids;
use crate::gateway::core::policy::{evaluate, parse_result};
use crate::gateway::core::time::VirtualTime;
use crate::gateway::core::trace::{Outcome, Phase, Trace};

impl WsGateway {
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
                    format!(
                        "101 Switching Protocols: connection {connection_id} is open (idle timeout 10 min, at most 2 h)"
                    )
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
            trace.push(
                Phase::Route,
                Outcome::Passed,
                "no $connect route: the connection opens without an authorizer, key or integration",
            );
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
                return refuse(
                    trace,
                    format!("$connect requires an API key and none came ({})", self.def.api_key_selection_expression),
                );
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
                return refuse(
                    trace,
                    format!("key {} is not in a usage plan for stage {}: 403 Forbidden", key.name, self.stage.name),
                );
            };
            let (name, plan_name) = (key.name.clone(), plan.name.clone());
            trace.push_with(Phase::ApiKey, Outcome::Passed, || {
                format!("key {name} is valid, in usage plan {plan_name}")
            });
            let name: Arc<str> = name.into();
            trace.api_key = Some(Arc::clone(&name));
            conn.api_key = Some(name);
        } else {
            trace.push(Phase::ApiKey, Outcome::Skipped, "$connect does not require an API key");
        }
        match &route.integration {
            Integration::Mock(_) => {
                trace.push(
                    Phase::Integration,
                    Outcome::Passed,
                    "MOCK integration: API Gateway accepts the connection itself",
                );
                Ok(())
            }
            Integration::Lambda(handler) => {
                let event = connect_event(&self.fields("$connect", "CONNECT", request_id, now), conn);
                let inv = self.handlers.invoke(handler, &event);
                match inv.result {
                    Err(e) => {
                        trace.push_with(Phase::Integration, Outcome::Failed, || {
                            format!("Lambda {handler} failed ({e}): 500")
                        });
                        Err((500, "Internal server error".to_owned(), "INTEGRATION_FAILURE"))
                    }
                    Ok(v) => {
                        let status = v
                            .get("statusCode")
                            .and_then(Value::as_u64)
                            .and_then(|s| u16::try_from(s).ok())
                            .unwrap_or(200);
                        if (200..300).contains(&status) {
                            trace.push_with(Phase::Integration, Outcome::Passed, || {
                                format!("Lambda {handler} returned {status}: the connection is accepted")
                            });
                            Ok(())
                        } else {
                            trace.push_with(Phase::Integration, Outcome::Rejected, || {
                                format!(
                                    "Lambda {handler} returned {status}: a non-2xx from $connect refuses the connection"
                                )
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
        // The ARN names the route key, `…/{stage}/$connect`, not a method and path: a policy
        // written in REST's `…/{stage}/*/*` shape does not match it, as on AWS.
        let arn = format!("arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{}/{}/$connect", self.def.api_id, self.stage.name);
        let event =
            authorizer_event(&self.fields("$connect", "CONNECT", request_id, now), conn, &arn, &self.stage_vars);
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
            trace.push_with(Phase::Authorizer, Outcome::Failed, || {
                format!("{name} returned no principalId and policy: 500")
            });
            return Err((500, "Internal server error".to_owned(), "AUTHORIZER_CONFIGURATION_ERROR"));
        };
        let allowed = result.policy.as_ref().and_then(|p| evaluate(p, &arn)) == Some(true);
        if !allowed {
            trace.push_with(Phase::Authorizer, Outcome::Rejected, || {
                format!("{name}'s policy does not allow {arn}: 403")
            });
            return Err((403, "Forbidden".to_owned(), "ACCESS_DENIED"));
        }
        trace.push_with(Phase::Authorizer, Outcome::Passed, || {
            format!("{name} allowed $connect for {}", result.principal_id.as_deref().unwrap_or("?"))
        });
        conn.principal_id = result.principal_id;
        conn.authorizer = result.context;
        Ok(v.get("usageIdentifierKey").and_then(Value::as_str).map(str::to_owned))
    }
}
