//! The `Gateway`: one API definition compiled for one stage, plus all of its mutable state
//! (buckets, quotas, caches, metrics, log). Construction precompiles routes and templates so
//! the request path does no parsing.

use std::collections::BTreeMap;
use std::sync::Arc;

use regex_lite::Regex;
use serde_json::{Map, Value};

use super::access_log::{AccessLog, Fixed};
use super::auth::{AuthResult, CompiledAuthorizer};
use super::cache::TtlCache;
use super::check::{DefinitionProblem, validate_definition};
use super::definition::{
    ApiDefinition, ApiType, CacheControlStrategy, CorsDef, QuotaDef, RequestModel, RequestValidator, StageDef,
    ThrottleDef,
};
use super::integration::{CompiledIntegration, compile_integration};
use super::metrics::{Metrics, MetricsSnapshot};
use super::quota::QuotaCounter;
use super::responses::{CompiledGatewayResponse, compile_overrides};
use super::router::Router;
use super::throttle::TokenBucket;
use super::time::VirtualTime;
use crate::gateway::core::handlers::Handlers;

/// Why a gateway could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GatewayBuildError {
    #[error("the API definition has {}; the first: {}", crate::text::plural(.0.len(), "problem"), .0.first().map(ToString::to_string).unwrap_or_default())]
    Invalid(Vec<DefinitionProblem>),
    #[error("the API has no stage named '{stage}' (stages: {})", .available.join(", "))]
    UnknownStage { stage: String, available: Vec<String> },
}

/// A request parameter named as AWS names them: `method.request.querystring.type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ParamRef {
    Path(String),
    Query(String),
    Header(String),
}

impl ParamRef {
    pub(crate) fn parse(s: &str) -> Option<Self> {
        let rest = s.strip_prefix("method.request.")?;
        let (kind, name) = rest.split_once('.')?;
        if name.is_empty() {
            return None;
        }
        Some(match kind {
            "path" => Self::Path(name.to_owned()),
            "querystring" => Self::Query(name.to_owned()),
            "header" => Self::Header(name.to_owned()),
            _ => return None,
        })
    }

    pub(crate) fn name(&self) -> &str {
        match self {
            Self::Path(n) | Self::Query(n) | Self::Header(n) => n,
        }
    }
}

/// Stage-cache settings resolved for one route.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RouteCache {
    pub ttl_ms: u64,
    pub require_authorization: bool,
    pub strategy: CacheControlStrategy,
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledRoute {
    pub method: String,
    pub path: String,
    /// `GET /pets/{id}`; shared with each request's trace, so not copied per request.
    pub route_key: Arc<str>,
    pub authorizer: Option<usize>,
    pub scopes: Vec<String>,
    pub api_key_required: bool,
    pub required_params: Vec<ParamRef>,
    pub validator: Option<RequestValidator>,
    pub model: Option<RequestModel>,
    pub cache_key: Vec<ParamRef>,
    pub cache: Option<RouteCache>,
    pub stage_throttle: Option<ThrottleDef>,
    pub integration: CompiledIntegration,
}

#[derive(Debug, Clone)]
pub(crate) struct KeyInfo {
    /// Shared with each request's trace, so not copied per request.
    pub name: Arc<str>,
    pub enabled: bool,
    /// The usage plan covering this stage, if any.
    pub plan: Option<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct PlanInfo {
    pub name: String,
    pub throttle: Option<ThrottleDef>,
    /// Per route: the plan's method throttle for it, if any.
    pub method_throttle: Vec<Option<ThrottleDef>>,
    pub quota: Option<QuotaDef>,
}

/// A cached integration response.
#[derive(Debug, Clone)]
pub(crate) struct CachedResponse {
    pub status: u16,
    pub headers: Vec<(super::http::HeaderText, super::http::HeaderText)>,
    /// Shared with every hit, not copied.
    pub body: bytes::Bytes,
}

/// One bucket's level, for a gauge in the UI.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketLevel {
    /// e.g. `usage plan Basic, key demo-key`, `stage dev, GET /pets`, `account`.
    pub label: String,
    pub tokens: f64,
    pub burst: f64,
    pub rate: f64,
}

/// The mini API Gateway for one API and stage. Feed it requests with [`Gateway::handle`].
#[derive(Debug, Clone)]
pub struct Gateway {
    pub(crate) def: ApiDefinition,
    pub(crate) api_type: ApiType,
    pub(crate) stage: StageDef,
    pub(crate) stage_vars: Value,
    pub(crate) router: Router,
    pub(crate) routes: Vec<CompiledRoute>,
    pub(crate) authorizers: Vec<CompiledAuthorizer>,
    // Ordered maps, not hash maps: a definition has a handful of keys, and comparing a few
    // keys costs less per request than hashing one.
    pub(crate) keys_by_value: BTreeMap<String, usize>,
    pub(crate) keys: Vec<KeyInfo>,
    pub(crate) principals: Vec<crate::gateway::core::iam::Principal>,
    pub(crate) plans: Vec<PlanInfo>,
    pub(crate) overrides: BTreeMap<String, CompiledGatewayResponse>,
    pub(crate) cors: Option<CorsDef>,
    pub(crate) max_payload: u64,
    // State below; everything above is fixed at construction.
    pub(crate) plan_buckets: BTreeMap<(usize, Option<usize>), TokenBucket>,
    pub(crate) stage_buckets: Vec<Option<TokenBucket>>,
    pub(crate) account_bucket: TokenBucket,
    pub(crate) quotas: BTreeMap<usize, QuotaCounter>,
    pub(crate) cache: TtlCache<String, CachedResponse>,
    pub(crate) auth_cache: TtlCache<(usize, String), AuthResult>,
    pub(crate) handlers: Handlers,
    pub(crate) metrics: Metrics,
    pub(crate) access_log: AccessLog,
    pub(crate) counter: u64,
    /// `{apiId}.execute-api.us-east-1.amazonaws.com`, for `$context.domainName` and the log.
    pub(crate) domain_name: String,
}

/// The sandbox's byte budget for the stage response cache. AWS sells caches of 0.5 GB and up
/// (`cacheClusterSize`); a learner's laptop gets 32 MiB, and entries closest to expiry make room.
pub const RESPONSE_CACHE_BUDGET: usize = 32 * 1024 * 1024;

fn route_key(method: &str, path: &str) -> String {
    if path == "$default" { "$default".to_owned() } else { format!("{} {path}", method.to_ascii_uppercase()) }
}

impl Gateway {
    /// Compiles `def` for `stage`. The definition is validated first, so a `Gateway` never runs
    /// an invalid definition.
    pub fn new(def: ApiDefinition, stage: &str) -> Result<Self, GatewayBuildError> {
        let problems = validate_definition(&def);
        if !problems.is_empty() {
            return Err(GatewayBuildError::Invalid(problems));
        }
        let Some(stage_def) = def.stages.iter().find(|s| s.name == stage).cloned() else {
            return Err(GatewayBuildError::UnknownStage {
                stage: stage.to_owned(),
                available: def.stages.iter().map(|s| s.name.clone()).collect(),
            });
        };
        let api_type = def.api_type;
        let pairs: Vec<(&str, &str)> = def.routes.iter().map(|r| (r.method.as_str(), r.path.as_str())).collect();
        let router = Router::new(api_type, &pairs);
        let authorizers: Vec<CompiledAuthorizer> = def.authorizers.iter().map(CompiledAuthorizer::compile).collect();
        let routes: Vec<CompiledRoute> = def
            .routes
            .iter()
            .map(|r| {
                let key = route_key(&r.method, &r.path);
                let ms = stage_def.method_settings.get(&key).cloned().unwrap_or_default();
                let cache = stage_def.cache.as_ref().filter(|c| c.enabled).and_then(|c| {
                    let on = ms.caching_enabled.unwrap_or(r.method.eq_ignore_ascii_case("GET"));
                    let ttl = ms.cache_ttl_in_seconds.unwrap_or(c.ttl_in_seconds);
                    (on && ttl > 0).then(|| RouteCache {
                        ttl_ms: u64::from(ttl) * 1000,
                        require_authorization: ms
                            .require_authorization_for_cache_control
                            .unwrap_or(c.require_authorization_for_cache_control),
                        strategy: ms
                            .unauthorized_cache_control_header_strategy
                            .unwrap_or(c.unauthorized_cache_control_header_strategy),
                    })
                });
                CompiledRoute {
                    method: r.method.to_ascii_uppercase(),
                    path: r.path.clone(),
                    route_key: key.into(),
                    authorizer: r.authorizer.as_ref().and_then(|a| def.authorizers.iter().position(|x| x.name() == a)),
                    scopes: r.authorization_scopes.clone(),
                    api_key_required: r.api_key_required,
                    required_params: r
                        .request_parameters
                        .iter()
                        .filter(|(_, req)| **req)
                        .filter_map(|(k, _)| ParamRef::parse(k))
                        .collect(),
                    validator: r.request_validator,
                    model: r.request_model.clone(),
                    cache_key: r.cache_key_parameters.iter().filter_map(|k| ParamRef::parse(k)).collect(),
                    cache,
                    stage_throttle: ms.throttle.or(stage_def.throttle),
                    integration: compile_integration(&r.integration, api_type),
                }
            })
            .collect();
        let plans: Vec<PlanInfo> = def
            .usage_plans
            .iter()
            .map(|p| PlanInfo {
                name: p.name.clone(),
                throttle: p.throttle,
                method_throttle: routes.iter().map(|r| p.method_throttle.get(&*r.route_key).copied()).collect(),
                quota: p.quota,
            })
            .collect();
        let keys: Vec<KeyInfo> = def
            .api_keys
            .iter()
            .map(|k| KeyInfo {
                name: k.name.as_str().into(),
                enabled: k.enabled,
                plan: def
                    .usage_plans
                    .iter()
                    .position(|p| p.stages.contains(&stage_def.name) && p.api_keys.contains(&k.name)),
            })
            .collect();
        let keys_by_value = def.api_keys.iter().enumerate().map(|(i, k)| (k.value.clone(), i)).collect();
        let stage_vars = Value::Object(
            stage_def.variables.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect::<Map<_, _>>(),
        );
        let domain_name = format!("{}.execute-api.{}.amazonaws.com", def.api_id, super::auth::REGION);
        let fixed = Fixed {
            api_id: def.api_id.clone(),
            domain_name: domain_name.clone(),
            stage: stage_def.name.clone(),
            routes: routes.iter().map(|r| (r.path.clone(), Arc::clone(&r.route_key))).collect(),
            keys: keys.iter().map(|k| Arc::clone(&k.name)).collect(),
        };
        Ok(Self {
            api_type,
            stage_vars,
            router,
            stage_buckets: routes.iter().map(|r| r.stage_throttle.map(TokenBucket::new)).collect(),
            routes,
            authorizers,
            keys_by_value,
            keys,
            principals: def.iam_principals.iter().map(crate::gateway::core::iam::Principal::from_def).collect(),
            plans,
            overrides: compile_overrides(&def.gateway_responses),
            cors: def.cors.clone(),
            max_payload: def.limits.max_payload_bytes,
            plan_buckets: BTreeMap::new(),
            account_bucket: TokenBucket::new(def.account.throttle),
            quotas: BTreeMap::new(),
            cache: TtlCache::with_byte_budget(10_000, RESPONSE_CACHE_BUDGET),
            auth_cache: TtlCache::new(10_000),
            handlers: Handlers::new(),
            metrics: Metrics::default(),
            access_log: AccessLog::new(def.access_log_format.as_deref(), fixed),
            counter: 0,
            domain_name,
            stage: stage_def,
            def,
        })
    }

    pub fn definition(&self) -> &ApiDefinition {
        &self.def
    }

    pub(crate) fn stage_name(&self) -> &str {
        &self.stage.name
    }

    /// Every bucket that exists so far, with its level at `now` (for gauges).
    pub fn bucket_levels(&self, now: VirtualTime) -> Vec<BucketLevel> {
        let level = |label: String, b: &TokenBucket| BucketLevel {
            label,
            tokens: b.level(now),
            burst: b.burst(),
            rate: b.rate(),
        };
        let mut out = Vec::new();
        for ((key, route), b) in &self.plan_buckets {
            let k = self.keys.get(*key);
            let plan_name = k.and_then(|k| k.plan).and_then(|p| self.plans.get(p)).map_or("?", |p| p.name.as_str());
            let key_name = k.map_or("?", |k| &*k.name);
            let label = match route.and_then(|r| self.routes.get(r)) {
                Some(r) => format!("usage plan {plan_name}, key {key_name}, {}", r.route_key),
                None => format!("usage plan {plan_name}, key {key_name}"),
            };
            out.push(level(label, b));
        }
        for (r, b) in self.routes.iter().zip(&self.stage_buckets) {
            if let Some(b) = b {
                out.push(level(format!("stage {}, {}", self.stage.name, r.route_key), b));
            }
        }
        out.push(level("account".to_owned(), &self.account_bucket));
        out
    }

    /// `(key name, used, limit)` for every key with a quota, as of `now`.
    pub fn quota_usage(&self, now: VirtualTime) -> Vec<(String, u64, u64)> {
        let mut v: Vec<_> = self
            .quotas
            .iter()
            .map(|(k, q)| {
                let (used, limit) = q.usage(now);
                (self.keys.get(*k).map(|k| k.name.to_string()).unwrap_or_default(), used, limit)
            })
            .collect();
        v.sort();
        v
    }

    pub fn metrics(&self) -> MetricsSnapshot {
        let names: Vec<(String, String)> = self.routes.iter().map(|r| (r.method.clone(), r.path.clone())).collect();
        self.metrics.snapshot(&self.def.name, &self.stage.name, &names)
    }

    /// The payload limit in bytes: the definition's `limits.maxPayloadBytes`, or lower if
    /// [`Gateway::limit_payload`] lowered it.
    pub(crate) fn max_payload(&self) -> u64 {
        self.max_payload
    }

    /// Lowers the payload limit to `max` bytes (never raises it past the definition's), so the
    /// server shell's smaller sandbox cap and the core's 413 agree.
    pub fn limit_payload(&mut self, max: u64) {
        self.max_payload = self.max_payload.min(max);
    }

    /// The newest access-log line.
    pub(crate) fn last_access_log(&self) -> Option<&str> {
        self.access_log.last()
    }

    /// The access log, oldest line first (the last 1000 lines are kept).
    pub fn access_log(&self) -> Vec<String> {
        self.access_log.lines().map(str::to_owned).collect()
    }

    /// The newest `n` access-log lines, oldest of them first.
    pub(crate) fn access_log_tail(&self, n: usize) -> Vec<String> {
        self.access_log.tail(n).map(str::to_owned).collect()
    }

    pub fn cached_responses(&self) -> usize {
        self.cache.len()
    }
}

/// Compiles a selection pattern as Java's `matches()` reads it: the whole string must match.
pub(crate) fn full_match_regex(pattern: &str) -> Option<Regex> {
    Regex::new(&format!("^(?:{pattern})$")).ok()
}
