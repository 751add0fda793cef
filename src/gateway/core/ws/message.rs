//! One message on an open connection: the frame and message quotas, route selection (the
//! expression, then `$default`, then AWS's "Forbidden" error), the integration, and the route
//! response that makes a route two-way.
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-develop-routes.html>

use serde_json::{Value, json};

use super::event::message_event;
use super::gateway::{Effect, Inbound, Integration, WsGateway, WsOutcome};
use super::select::Selected;
use super::{CLOSE_TOO_BIG, MAX_FRAME_BYTES, MAX_MESSAGE_BYTES};
use crate::gateway::core::template::{InputData, RenderContext};
use crate::gateway::core::time::VirtualTime;
use crate::gateway::core::trace::{Outcome, Phase, Trace};

impl WsGateway {
    /// A message from connection `id`.
    pub fn message(&mut self, id: &str, msg: &Inbound, now: VirtualTime) -> WsOutcome {
        let (mut trace, request_id) = self.start(now, "MESSAGE", id);
        let mut effects = Vec::new();
        let Some(conn) = self.conns.get_mut(id) else {
            trace.status = 410;
            trace.push_with(Phase::Receive, Outcome::Rejected, || format!("connection {id} is not open"));
            return WsOutcome { effects, trace };
        };
        let over = if msg.largest_frame > MAX_FRAME_BYTES {
            Some(format!("a frame of {} bytes is over the 32 KB frame quota", msg.largest_frame))
        } else if msg.size > MAX_MESSAGE_BYTES {
            Some(format!("a message of {} bytes is over the 128 KB message quota", msg.size))
        } else {
            None
        };
        if let Some(why) = over {
            trace.push_with(Phase::Receive, Outcome::Rejected, || {
                format!("{why}: API Gateway closes the connection with code 1009")
            });
            trace.error_type = Some("MESSAGE_TOO_BIG");
            effects.push(Effect::Close {
                connection_id: id.to_owned(),
                code: CLOSE_TOO_BIG,
                reason: "Message too big".to_owned(),
            });
            let _ = self.finish(id, CLOSE_TOO_BIG, "Message too big", &request_id, now, &mut trace);
            return WsOutcome { effects, trace };
        }
        conn.last_active_at = now;
        trace.push_with(Phase::Receive, Outcome::Passed, || {
            format!("{} bytes in frames of at most {}; the idle timer restarts", msg.size, msg.largest_frame)
        });

        let selected = if msg.is_base64 { Selected::NotJson } else { self.selection.select(&msg.body) };
        let expr = self.def.route_selection_expression.clone();
        let (key, why) = match selected {
            Selected::Key(k) if self.route(&k).is_some() && k != "$connect" && k != "$disconnect" => {
                let why = format!("{expr} → \"{k}\": route {k}");
                (Some(k), why)
            }
            other => {
                let miss = match other {
                    Selected::Key(k) => format!("{expr} → \"{k}\", which is no route"),
                    Selected::NotJson => "the message is not JSON, so the expression cannot be evaluated".to_owned(),
                    Selected::Missing(p) => format!("{expr}: the message has no {p}"),
                };
                if self.route("$default").is_some() {
                    (Some("$default".to_owned()), format!("{miss}: route $default"))
                } else {
                    (None, format!("{miss}, and there is no $default route: API Gateway answers \"Forbidden\""))
                }
            }
        };
        let Some(key) = key else {
            trace.push_with(Phase::Route, Outcome::Rejected, || why);
            trace.status = 403;
            trace.error_type = Some("NO_ROUTE");
            let data = json!({"message": "Forbidden", "connectionId": id, "requestId": request_id}).to_string();
            effects.push(Effect::Send { connection_id: id.to_owned(), data });
            return WsOutcome { effects, trace };
        };
        trace.push_with(Phase::Route, Outcome::Passed, || why);
        trace.route_key = Some(key.as_str().into());
        let Some(route) = self.route(&key).cloned() else {
            return WsOutcome { effects, trace };
        };

        let reply = match &route.integration {
            Integration::Mock(template) => {
                self.mock_reply(template.as_ref(), id, &key, &request_id, msg, now, &mut trace)
            }
            Integration::Lambda(handler) => {
                self.lambda_reply(handler, id, &key, &request_id, msg, now, &mut trace, &mut effects)
            }
        };
        let Some(reply) = reply else {
            trace.status = 500;
            trace.error_type = Some("INTEGRATION_FAILURE");
            let data =
                json!({"message": "Internal server error", "connectionId": id, "requestId": request_id}).to_string();
            effects.push(Effect::Send { connection_id: id.to_owned(), data });
            trace.push(Phase::Response, Outcome::Failed, "the caller gets {\"message\": \"Internal server error\"}");
            return WsOutcome { effects, trace };
        };
        trace.status = 200;
        if route.two_way {
            trace.push_with(Phase::Response, Outcome::Passed, || {
                format!(
                    "route response $default: the integration's reply ({} bytes) goes back to the caller",
                    reply.len()
                )
            });
            effects.push(Effect::Send { connection_id: id.to_owned(), data: reply });
        } else {
            trace.push(
                Phase::Response,
                Outcome::Skipped,
                "one-way route (no route response): nothing goes back to the caller",
            );
        }
        WsOutcome { effects, trace }
    }

    #[allow(clippy::too_many_arguments)]
    fn mock_reply(
        &self,
        template: Option<&crate::gateway::core::template::Template>,
        id: &str,
        key: &str,
        request_id: &str,
        msg: &Inbound,
        now: VirtualTime,
        trace: &mut Trace,
    ) -> Option<String> {
        let Some(template) = template else {
            trace.push(
                Phase::Integration,
                Outcome::Passed,
                "MOCK integration with no response template: an empty reply",
            );
            return Some(String::new());
        };
        let conn = self.conns.get(id)?;
        let fields = self.fields(key, "MESSAGE", request_id, now);
        let context = Value::Object(super::event::request_context(&fields, conn));
        let input = InputData { body: &msg.body, path: &[], query: &[], headers: &[] };
        match template.render(&RenderContext::new(input, &context, &self.stage_vars)) {
            Ok(s) => {
                trace.push(
                    Phase::Integration,
                    Outcome::Passed,
                    "MOCK integration: the $default response template makes the reply",
                );
                Some(s)
            }
            Err(e) => {
                trace.push_with(Phase::Integration, Outcome::Failed, || format!("the response template failed: {e}"));
                None
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn lambda_reply(
        &mut self,
        handler: &str,
        id: &str,
        key: &str,
        request_id: &str,
        msg: &Inbound,
        now: VirtualTime,
        trace: &mut Trace,
        effects: &mut Vec<Effect>,
    ) -> Option<String> {
        let conn = self.conns.get(id)?;
        let message_id = crate::gateway::core::pipeline::request_ids(self.counter.rotate_left(17), now).1;
        let event =
            message_event(&self.fields(key, "MESSAGE", request_id, now), conn, &msg.body, msg.is_base64, &message_id);
        let inv = self.handlers.invoke(handler, &event);
        trace.integration_latency_ms = Some(inv.duration_ms);
        let value = match inv.result {
            Ok(v) => v,
            Err(e) => {
                trace.push_with(Phase::Integration, Outcome::Failed, || format!("Lambda {handler} failed: {e}"));
                return None;
            }
        };
        trace.push_with(Phase::Integration, Outcome::Passed, || {
            let status = value.get("statusCode").map_or_else(|| "no statusCode".to_owned(), Value::to_string);
            format!("Lambda {handler} ran with eventType MESSAGE, routeKey {key} ({status})")
        });
        for (to, data) in inv.posts {
            let (status, effect) = self.post(&to, data);
            trace.push_with(
                Phase::IntegrationResponse,
                if status == 200 { Outcome::Passed } else { Outcome::Rejected },
                || match status {
                    200 => format!("{handler} calls POST @connections/{to}: 200, delivered"),
                    410 => {
                        format!("{handler} calls POST @connections/{to}: 410 GoneException, that connection is closed")
                    }
                    s => format!("{handler} calls POST @connections/{to}: {s}"),
                },
            );
            effects.extend(effect);
        }
        Some(match value {
            Value::Object(ref m) if m.contains_key("statusCode") || m.contains_key("body") => {
                m.get("body").map_or_else(String::new, |b| b.as_str().map_or_else(|| b.to_string(), str::to_owned))
            }
            Value::String(s) => s,
            other => other.to_string(),
        })
    }
}
