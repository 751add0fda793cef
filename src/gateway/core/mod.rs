//! The pure, deterministic gateway core: `Gateway::handle(&request, now, trace mode) ->
//! (response, trace if asked for)`.
//!
//! No I/O, no clock reads, no global randomness: time always arrives as a [`VirtualTime`], and
//! request ids derive from a counter and that time. Modules, in pipeline order:
//! `definition` (the JSON format) and `check`/`rules`/`locate` (validation with JSON paths);
//! `gateway` (compiled state), `pipeline` (`handle`), `phases` (receive, route, API key,
//! throttle, quota, validation), `auth` + `jwt`, `cache_phase` + `cache` + `iam` (who may
//! invalidate), `integration`,
//! `responses` (gateway errors), `cors`; and the instruments `trace`, `metrics`, `access_log`.
//! WebSocket APIs have their own engine in `ws`, which shares the trace, templates and policies.

pub mod access_log;
mod auth;
pub mod cache;
mod cache_phase;
mod check;
mod cors;
pub mod definition;
pub mod fuzzing;
mod gateway;
pub mod handlers;
pub mod http;
pub mod iam;
pub mod integration;
pub mod jwt;
mod locate;
mod metrics;
mod phases;
mod pipeline;
mod policy;
pub mod quota;
pub mod responses;
mod router;
// `rules` defines the `p!` JSON-path macro that `rules_routes` uses.
#[macro_use]
mod rules;
mod rules_routes;
pub mod template;
pub mod throttle;
pub mod time;
mod trace;
pub mod ws;

pub use check::{DefinitionProblem, check_definition, validate_definition};
pub use definition::{ApiDefinition, ApiType};
pub use gateway::{BucketLevel, Gateway, GatewayBuildError, RESPONSE_CACHE_BUDGET};
pub use http::{Request, Response, ShellRefusal};
pub use metrics::{MetricDatum, MetricsSnapshot, Stat};
pub use pipeline::{CACHE_TEACHING_HEADER, GATEWAY_OVERHEAD_MS};
pub use responses::GatewayError;
pub use time::VirtualTime;
pub use trace::{CacheStatus, Outcome, Phase, Trace, TraceMode, TraceStep};
