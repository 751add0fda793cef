//! Built-in "Lambda" functions for WebSocket APIs: `echo` (answers each message with its own
//! body), `inspect` (answers with the whole event it received, to see what Lambda gets) and `chat` (keeps the room's members from `$connect`/`$disconnect` events and
//! broadcasts `sendmessage` to all of them through `@connections`, as AWS's chat sample does).
//!
//! Like `handlers`, they are deterministic and never touch the network: a broadcast is returned
//! as a list of `@connections` POSTs for the gateway core to carry out.

use serde_json::{Value, json};

use crate::gateway::core::handlers::{Handlers, Invocation, InvokeMode};

/// Names usable as `integration.handler` on a WebSocket route.
pub(crate) const WS_LAMBDA_HANDLERS: &[&str] = &["echo", "inspect", "chat"];

/// The most members the chat room keeps; the connection cap is far lower, so this only bounds
/// a room that a definition without `$disconnect` would never empty.
pub(crate) const MAX_CHAT_MEMBERS: usize = 1000;

/// A WebSocket function's result, plus the `@connections` POSTs it made (connection id, data).
#[derive(Debug, Clone, PartialEq)]
pub struct WsInvocation {
    pub result: Result<Value, String>,
    pub duration_ms: u64,
    pub posts: Vec<(String, String)>,
}

/// The WebSocket functions of one gateway and their state (the chat room).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WsHandlers {
    /// (connection id, display name), in joining order.
    members: Vec<(String, String)>,
    authorizers: Handlers,
}

fn reply(status: u16, body: &Value) -> Value {
    json!({"statusCode": status, "body": body.to_string()})
}

impl WsHandlers {
    pub fn new() -> Self {
        Self::default()
    }

    /// The chat room's members, (connection id, name), in joining order.
    pub fn chat_members(&self) -> &[(String, String)] {
        &self.members
    }

    /// Calls a REQUEST authorizer function (the same `authorizer` as REST and HTTP APIs).
    pub(crate) fn authorize(&mut self, handler: &str, event: &Value) -> Invocation {
        self.authorizers.invoke_lambda(handler, event, InvokeMode::Proxy)
    }

    /// Invokes a WebSocket Lambda proxy function with its event.
    pub(crate) fn invoke(&mut self, name: &str, event: &Value) -> WsInvocation {
        let event_type = event.pointer("/requestContext/eventType").and_then(Value::as_str).unwrap_or("");
        let conn = event.pointer("/requestContext/connectionId").and_then(Value::as_str).unwrap_or("").to_owned();
        let body = event.get("body").and_then(Value::as_str).unwrap_or("");
        let done = |result, posts| WsInvocation { result, duration_ms: 2, posts };
        match name {
            "echo" => match event_type {
                "MESSAGE" => done(Ok(json!({"statusCode": 200, "body": body})), Vec::new()),
                _ => done(Ok(json!({"statusCode": 200})), Vec::new()),
            },
            "inspect" => done(Ok(json!({"statusCode": 200, "body": event.to_string()})), Vec::new()),
            "chat" => match event_type {
                "CONNECT" => {
                    if self.members.len() >= MAX_CHAT_MEMBERS {
                        return done(Ok(reply(503, &json!({"message": "the chat room is full"}))), Vec::new());
                    }
                    let name = event
                        .pointer("/queryStringParameters/name")
                        .and_then(Value::as_str)
                        .filter(|n| !n.is_empty())
                        .map_or_else(
                            || format!("guest-{}", conn.get(..4).unwrap_or(conn.as_str())),
                            |n| n.chars().take(32).collect(),
                        );
                    self.members.push((conn, name));
                    done(Ok(json!({"statusCode": 200})), Vec::new())
                }
                "DISCONNECT" => {
                    self.members.retain(|(c, _)| *c != conn);
                    done(Ok(json!({"statusCode": 200})), Vec::new())
                }
                _ => self.chat_message(&conn, body),
            },
            _ => done(Err(format!("Function not found: {name}")), Vec::new()),
        }
    }

    fn chat_message(&mut self, conn: &str, body: &str) -> WsInvocation {
        let done = |result, posts| WsInvocation { result, duration_ms: 3, posts };
        let parsed: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let from = self.members.iter().find(|(c, _)| c == conn).map_or("someone", |(_, n)| n.as_str());
        if parsed.get("action").and_then(Value::as_str) != Some("sendmessage") {
            let names: Vec<&str> = self.members.iter().map(|(_, n)| n.as_str()).collect();
            let help =
                json!({"you": from, "members": names, "hint": "send {\"action\":\"sendmessage\",\"message\":\"hi\"}"});
            return done(Ok(reply(200, &help)), Vec::new());
        }
        let Some(text) = parsed.get("message").and_then(Value::as_str) else {
            return done(Ok(reply(400, &json!({"message": "sendmessage needs a \"message\" string"}))), Vec::new());
        };
        let data = json!({"from": from, "message": text}).to_string();
        let posts: Vec<(String, String)> = self.members.iter().map(|(c, _)| (c.clone(), data.clone())).collect();
        let n = posts.len();
        done(Ok(reply(200, &json!({"delivered": n}))), posts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: &str, conn: &str, body: &str) -> Value {
        json!({"requestContext": {"eventType": kind, "connectionId": conn}, "body": body, "queryStringParameters": {"name": conn.to_lowercase()}})
    }

    #[test]
    fn chat_broadcasts_to_members_and_forgets_the_gone() {
        let mut h = WsHandlers::new();
        for c in ["A", "B", "C"] {
            assert_eq!(h.invoke("chat", &ev("CONNECT", c, "")).result.expect("ok")["statusCode"], 200);
        }
        h.invoke("chat", &ev("DISCONNECT", "C", ""));
        let r = h.invoke("chat", &ev("MESSAGE", "A", r#"{"action":"sendmessage","message":"hi"}"#));
        let to: Vec<&str> = r.posts.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(to, ["A", "B"]);
        assert_eq!(r.posts[0].1, r#"{"from":"a","message":"hi"}"#);
        let bad = h.invoke("chat", &ev("MESSAGE", "A", r#"{"action":"sendmessage"}"#));
        assert_eq!(bad.result.expect("ok")["statusCode"], 400);
        assert!(h.invoke("nope", &ev("MESSAGE", "A", "")).result.is_err());
    }
}
