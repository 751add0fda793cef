//! The `@connections` callback API on the stage's own URL: `POST` sends data to a client,
//! `GET` describes the connection, `DELETE` closes it; an id that is not open is
//! `410 GoneException`.
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-how-to-call-websocket-api-connections.html>

use serde_json::json;

use super::gateway::{Effect, WsGateway, WsOutcome};
use super::{CLOSE_NORMAL, MAX_MESSAGE_BYTES};
use crate::gateway::core::time::VirtualTime;
use crate::gateway::core::trace::{Outcome, Phase};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackMethod {
    Post,
    Get,
    Delete,
}

impl CallbackMethod {
    /// `POST`, `GET` or `DELETE`; any other method is not part of the API.
    pub fn parse(method: &str) -> Option<Self> {
        match method {
            "POST" => Some(Self::Post),
            "GET" => Some(Self::Get),
            "DELETE" => Some(Self::Delete),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Post => "POST",
            Self::Get => "GET",
            Self::Delete => "DELETE",
        }
    }
}

/// The HTTP answer to a callback request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl CallbackResponse {
    fn ok(status: u16, body: String) -> Self {
        let headers =
            if body.is_empty() { Vec::new() } else { vec![("content-type".to_owned(), "application/json".to_owned())] };
        Self { status, headers, body }
    }

    /// An AWS-style service error: the type in `x-amzn-ErrorType`, a message in the body.
    fn error(status: u16, kind: &str, message: &str) -> Self {
        Self {
            status,
            headers: vec![
                ("content-type".to_owned(), "application/json".to_owned()),
                ("x-amzn-errortype".to_owned(), kind.to_owned()),
            ],
            body: json!({ "message": message }).to_string(),
        }
    }
}

impl WsGateway {
    /// Delivers `data` to connection `to`: (200, the send), (410, nothing) when it is gone, or
    /// (413, nothing) when it is over the 128 KB message quota.
    pub(super) fn post(&mut self, to: &str, data: String) -> (u16, Option<Effect>) {
        if data.len() > MAX_MESSAGE_BYTES {
            (413, None)
        } else if self.conns.contains_key(to) {
            (200, Some(Effect::Send { connection_id: to.to_owned(), data }))
        } else {
            (410, None)
        }
    }

    /// One request to `@connections/{id}`.
    pub fn callback(
        &mut self,
        method: CallbackMethod,
        id: &str,
        body: &str,
        now: VirtualTime,
    ) -> (CallbackResponse, WsOutcome) {
        let (mut trace, request_id) = self.start(now, method.as_str(), &format!("@connections/{id}"));
        trace.route_key = Some("@connections".into());
        let mut effects = Vec::new();
        let gone = !self.conns.contains_key(id);
        let response = if gone {
            trace.push_with(Phase::Route, Outcome::Rejected, || {
                format!("{} @connections/{id}: no open connection has that id: 410 GoneException", method.as_str())
            });
            trace.error_type = Some("GONE");
            CallbackResponse::error(410, "GoneException", &format!("connection {id} is gone"))
        } else {
            match method {
                CallbackMethod::Post if body.len() > MAX_MESSAGE_BYTES => {
                    trace.push_with(Phase::Receive, Outcome::Rejected, || {
                        format!("{} bytes is over the 128 KB message quota: 413 PayloadTooLargeException", body.len())
                    });
                    trace.error_type = Some("PAYLOAD_TOO_LARGE");
                    CallbackResponse::error(413, "PayloadTooLargeException", "the message is over 128 KB")
                }
                CallbackMethod::Post => {
                    let (status, effect) = self.post(id, body.to_owned());
                    effects.extend(effect);
                    trace.push_with(Phase::Integration, Outcome::Passed, || {
                        format!("POST @connections/{id}: {} bytes sent to the client", body.len())
                    });
                    CallbackResponse::ok(status, String::new())
                }
                CallbackMethod::Get => {
                    let c = &self.conns[id];
                    let info = json!({
                        "ConnectedAt": c.connected_at.iso8601(),
                        "Identity": {"SourceIp": c.source_ip, "UserAgent": c.user_agent},
                        "LastActiveAt": c.last_active_at.iso8601(),
                    });
                    trace.push_with(Phase::Integration, Outcome::Passed, || {
                        format!("GET @connections/{id}: the connection's details")
                    });
                    CallbackResponse::ok(200, info.to_string())
                }
                CallbackMethod::Delete => {
                    trace.push_with(Phase::Integration, Outcome::Passed, || {
                        format!("DELETE @connections/{id}: the backend closes it")
                    });
                    effects.push(Effect::Close {
                        connection_id: id.to_owned(),
                        code: CLOSE_NORMAL,
                        reason: "closed through @connections".to_owned(),
                    });
                    let _ = self.finish(id, CLOSE_NORMAL, "closed through @connections", &request_id, now, &mut trace);
                    CallbackResponse::ok(204, String::new())
                }
            }
        };
        trace.status = response.status;
        (response, WsOutcome { effects, trace })
    }
}
