//! The WebSocket Lab scenario: a chat with three virtual clients on
//! `assets/apis/websocket-chat.json`.
use super::ws::{WsCheck, WsObjective, WsPreset, WsScenario};
use crate::gateway::Phase;

pub static WS_SCENARIOS: &[WsScenario] = &[WsScenario {
    id: "websocket-chat",
    title: "WebSocket APIs: a chat with route selection and @connections",
    note: "api-types",
    goal: "A WebSocket API keeps a connection open in both directions. $connect admits a client (REQUEST authorizer, then API key), the route selection expression $request.body.action picks each message's route, the chat Lambda broadcasts through @connections, and API Gateway closes a connection idle for 10 minutes.",
    file: "assets/apis/websocket-chat.json",
    json: include_str!("../../assets/apis/websocket-chat.json"),
    stage: "dev",
    connect_query: &[("ann", "token=allow"), ("bob", "token=allow"), ("cy", "token=deny")],
    api_key: ("x-api-key", "chat-key-0123456789abcdef"),
    presets: &[
        WsPreset {
            label: "chat message (route sendmessage)",
            body: r#"{"action":"sendmessage","message":"hello, room"}"#,
        },
        WsPreset { label: "ping (two-way MOCK route)", body: r#"{"action":"ping"}"# },
        WsPreset { label: "plain text (not JSON: $default)", body: "is anyone there?" },
        WsPreset { label: "unknown action ($default)", body: r#"{"action":"dance"}"# },
    ],
    objectives: &[
        WsObjective {
            id: "no-token-401",
            text: "Connect without the token: 401 before any connection exists",
            hint: "connect a client without credentials (c)",
            check: WsCheck::Stopped(Phase::Authorizer, 401),
        },
        WsObjective {
            id: "deny-403",
            text: "See the authorizer's Deny policy refuse cy: 403",
            hint: "connect cy with credentials (cy's token is 'deny')",
            check: WsCheck::Stopped(Phase::Authorizer, 403),
        },
        WsObjective {
            id: "two-open",
            text: "Open two connections (ann and bob)",
            hint: "connect ann and bob with credentials",
            check: WsCheck::All(&[WsCheck::Status(101), WsCheck::Open(2)]),
        },
        WsObjective {
            id: "routed",
            text: "Send a message the expression routes to sendmessage",
            hint: "preset 'chat message'",
            check: WsCheck::Detail(Phase::Route, "→ \"sendmessage\""),
        },
        WsObjective {
            id: "broadcast",
            text: "Watch the chat Lambda POST to @connections and reach the other client",
            hint: "send a chat message while ann and bob are both connected",
            check: WsCheck::All(&[
                WsCheck::Detail(Phase::IntegrationResponse, "POST @connections"),
                WsCheck::DeliveredToOther,
            ]),
        },
        WsObjective {
            id: "default-route",
            text: "Send plain text: it cannot be routed by the expression and lands on $default",
            hint: "preset 'plain text'",
            check: WsCheck::Detail(Phase::Route, "route $default"),
        },
        WsObjective {
            id: "idle-close",
            text: "Let a connection sit idle for 10 minutes: API Gateway closes it",
            hint: "advance the clock past 10 minutes (+)",
            check: WsCheck::Detail(Phase::Receive, "idle timeout"),
        },
        WsObjective {
            id: "gone-410",
            text: "POST to @connections for a closed connection: 410 GoneException",
            hint: "after a client is closed, call @connections for it (p)",
            check: WsCheck::Status(410),
        },
    ],
    questions: &["api-001", "api-008", "api-013"],
}];

pub fn find(id: &str) -> Option<&'static WsScenario> {
    WS_SCENARIOS.iter().find(|s| s.id == id)
}
