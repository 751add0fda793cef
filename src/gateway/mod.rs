//! The mini API Gateway: a pure request pipeline ([`core`]) and the built-in "Lambda" functions
//! and fake back ends it can call ([`handlers`]).
//!
//! The hyper server shell and the `gatewise gateway check` command live in the main crate and
//! call only what is re-exported here.

pub mod core;
pub mod handlers;

pub use self::core::{
    ApiDefinition, ApiType, BucketLevel, CacheStatus, DefinitionProblem, Gateway, GatewayBuildError, GatewayError,
    MetricDatum, MetricsSnapshot, Outcome, Phase, Request, Response, Trace, TraceStep, VirtualTime, check_definition,
    validate_definition,
};
