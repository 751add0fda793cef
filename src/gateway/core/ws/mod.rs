//! WebSocket APIs, the third API type: the definition format (`definition`, `check`), selection
//! expressions (`select`), and [`WsGateway`], the pure connection-and-message engine that both
//! the Lab (virtual clients on the virtual clock) and `gateway serve` (real sockets, real clock)
//! drive. It never does I/O: each call takes the time and returns [`Effect`]s (messages to send,
//! connections to close) for the caller to carry out, plus a [`Trace`](super::Trace).
//!
//! Modules: `gateway` (compiled state, the registry, closing, quotas and expiry), `connect`
//! (`$connect` admission),
//! `message` (route selection, integrations, route responses), `callback` (the `@connections`
//! API), `event` (the Lambda events).

mod callback;
pub mod check;
mod connect;
pub mod definition;
mod event;
mod gateway;
pub mod handlers;
mod message;
pub mod select;

pub use callback::{CallbackMethod, CallbackResponse};
pub use check::{PREDEFINED_ROUTES, check_ws_definition, is_websocket, validate_ws_definition};
pub use definition::WsApiDefinition;
pub use gateway::{Admission, CloseCause, Connection, Effect, Handshake, Inbound, WsGateway, WsOutcome};

/// AWS's WebSocket frame size quota: 32 KB, not adjustable.
/// <https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html>
pub(crate) const MAX_FRAME_BYTES: usize = 32 * 1024;
/// AWS's message payload quota: 128 KB, not adjustable (same page).
pub(crate) const MAX_MESSAGE_BYTES: usize = 128 * 1024;
/// AWS's idle connection timeout: 10 minutes (same page).
pub(crate) const IDLE_TIMEOUT_MS: u64 = 10 * 60 * 1000;
/// AWS's maximum connection duration: 2 hours (same page).
pub(crate) const MAX_CONNECTION_MS: u64 = 2 * 60 * 60 * 1000;
/// The close code AWS sends for a frame or message over its quota (same page, footnote).
pub(crate) const CLOSE_TOO_BIG: u16 = 1009;
/// RFC 6455's "going away": what this sandbox sends when a connection reaches the idle timeout
/// or the 2-hour limit. AWS's quota page names no code for these.
pub(crate) const CLOSE_GOING_AWAY: u16 = 1001;
/// RFC 6455's normal closure, sent when `DELETE @connections/{id}` closes a connection.
pub(crate) const CLOSE_NORMAL: u16 = 1000;
