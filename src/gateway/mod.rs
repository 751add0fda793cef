//! The mini API Gateway: a pure request pipeline ([`core`]), the built-in "Lambda" functions
//! and fake back ends it can call ([`handlers`]), and the loopback HTTP shell ([`server`]).
//!
//! The CLI and the TUI call only what is re-exported here and `server`'s public items.

pub mod core;
pub mod handlers;
pub mod server;
pub mod ws_handlers;

pub use self::core::{
    ApiDefinition, ApiType, BucketLevel, CacheStatus, DefinitionProblem, Gateway, GatewayBuildError, GatewayError,
    MetricDatum, MetricsSnapshot, Outcome, Phase, Request, Response, ShellRefusal, Trace, TraceMode, TraceStep,
    VirtualTime, check_definition, validate_definition,
};
