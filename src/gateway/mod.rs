//! The mini API Gateway: a pure request pipeline ([`core`], with the built-in "Lambda" functions
//! and fake back ends it calls in [`handlers`]), and the loopback HTTP shell ([`server`]).
//!
//! The CLI and the TUI call only what is re-exported here and `server`'s public items.

pub mod core;
pub mod server;

pub use self::core::handlers;

pub use self::core::{
    ApiDefinition, ApiType, BucketLevel, CacheStatus, DefinitionProblem, Gateway, GatewayBuildError, GatewayError,
    MetricDatum, MetricsSnapshot, Outcome, Phase, Request, Response, ShellRefusal, Trace, TraceMode, TraceStep,
    VirtualTime, check_definition, validate_definition,
};
