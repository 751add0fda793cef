//! The meaning checks behind `check_definition`: names resolve, values sit within AWS's
//! limits, features match the API type, and every template parses.

use std::collections::{HashMap, HashSet};

use super::access_log::unknown_variables;
use super::auth::IdentitySource;
use super::check::DefinitionProblem;
use super::definition::{AWS_MAX_PAYLOAD, ApiDefinition, ApiType, AuthorizerDef, RouteDef, ThrottleDef};
use super::gateway::full_match_regex;
use super::locate::PathSeg;
use super::template::Template;
use crate::gateway::core::handlers::AUTHORIZER_HANDLERS;

pub(super) const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"];
const RESPONSE_TYPES: &[&str] = &[
    "ACCESS_DENIED",
    "API_CONFIGURATION_ERROR",
    "AUTHORIZER_CONFIGURATION_ERROR",
    "AUTHORIZER_FAILURE",
    "BAD_REQUEST_PARAMETERS",
    "BAD_REQUEST_BODY",
    "DEFAULT_4XX",
    "DEFAULT_5XX",
    "EXPIRED_TOKEN",
    "INTEGRATION_FAILURE",
    "INTEGRATION_TIMEOUT",
    "INVALID_API_KEY",
    "INVALID_SIGNATURE",
    "MISSING_AUTHENTICATION_TOKEN",
    "QUOTA_EXCEEDED",
    "REQUEST_TOO_LARGE",
    "RESOURCE_NOT_FOUND",
    "THROTTLED",
    "UNAUTHORIZED",
    "UNSUPPORTED_MEDIA_TYPE",
    "WAF_FILTERED",
];

/// Builds a path: `p!["routes", 3, "integration"]`.
macro_rules! p {
    ($($s:expr),* $(,)?) => { vec![$(PathSeg::from($s)),*] };
}

impl From<&str> for PathSeg {
    fn from(s: &str) -> Self {
        PathSeg::Key(s.to_owned())
    }
}
impl From<&String> for PathSeg {
    fn from(s: &String) -> Self {
        PathSeg::Key(s.clone())
    }
}
impl From<usize> for PathSeg {
    fn from(i: usize) -> Self {
        PathSeg::Index(i)
    }
}

pub(super) struct V<'a> {
    pub(super) def: &'a ApiDefinition,
    pub(super) out: Vec<DefinitionProblem>,
    pub(super) rest: bool,
}

pub(super) fn route_key(r: &RouteDef) -> String {
    if r.path == "$default" { "$default".to_owned() } else { format!("{} {}", r.method.to_ascii_uppercase(), r.path) }
}

pub(crate) fn validate(def: &ApiDefinition) -> Vec<DefinitionProblem> {
    let mut v = V { def, out: Vec::new(), rest: def.api_type == ApiType::Rest };
    v.top();
    v.stages();
    v.routes();
    v.authorizers();
    v.plans_and_keys();
    v.out
}

impl V<'_> {
    pub(super) fn err(&mut self, path: Vec<PathSeg>, msg: impl Into<String>) {
        self.out.push(DefinitionProblem::new(path, msg));
    }

    pub(super) fn rest_only(&mut self, path: Vec<PathSeg>, what: &str) {
        if !self.rest {
            self.err(path, format!("{what} is a REST API feature; HTTP APIs do not have it"));
        }
    }

    pub(super) fn throttle(&mut self, path: Vec<PathSeg>, t: &ThrottleDef) {
        if !t.rate_limit.is_finite() || t.rate_limit < 0.0 {
            self.err(path, format!("rateLimit must be a number ≥ 0, not {}", t.rate_limit));
        }
    }

    pub(super) fn template(&mut self, path: Vec<PathSeg>, src: &str) {
        if let Err(e) = Template::parse(src) {
            self.err(path, format!("mapping template {e}"));
        }
    }

    fn top(&mut self) {
        let d = self.def;
        if d.name.trim().is_empty() {
            self.err(p!["name"], "the API needs a name");
        }
        if d.api_id.is_empty() || !d.api_id.bytes().all(|c| c.is_ascii_alphanumeric()) {
            self.err(p!["apiId"], "apiId must be letters and digits, like a1b2c3d4e5");
        }
        self.throttle(p!["account", "throttle"], &d.account.throttle);
        if d.limits.max_payload_bytes == 0 || d.limits.max_payload_bytes > AWS_MAX_PAYLOAD {
            self.err(p!["limits", "maxPayloadBytes"], "maxPayloadBytes must be between 1 and 10485760 (AWS's 10 MB)");
        }
        if let Some(f) = &d.access_log_format {
            for u in unknown_variables(f) {
                self.err(p!["accessLogFormat"], format!("$context.{u} is not a supported access-log variable"));
            }
        }
        if d.cors.is_some() && self.rest {
            self.err(
                p!["cors"],
                "REST APIs have no built-in CORS configuration: add an OPTIONS route with a MOCK integration instead",
            );
        }
        if let Some(c) = &d.cors {
            for (i, m) in c.allow_methods.iter().enumerate() {
                if m != "*" && !METHODS.contains(&m.to_ascii_uppercase().as_str()) {
                    self.err(p!["cors", "allowMethods", i], format!("'{m}' is not an HTTP method"));
                }
            }
        }
        for (k, g) in &d.gateway_responses {
            self.rest_only(p!["gatewayResponses", k], "gatewayResponses");
            if !RESPONSE_TYPES.contains(&k.as_str()) {
                self.err(p!["gatewayResponses", k], format!("'{k}' is not a gateway response type"));
            } else if k == "REQUEST_TOO_LARGE" {
                self.err(
                    p!["gatewayResponses", k],
                    "AWS does not support customising the 413 REQUEST_TOO_LARGE gateway response (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html)",
                );
            }
            if g.status_code.is_some_and(|s| !(100..=599).contains(&s)) {
                self.err(p!["gatewayResponses", k, "statusCode"], "statusCode must be 100–599");
            }
            for (h, val) in &g.response_parameters {
                let quoted = val.len() >= 2 && val.starts_with('\'') && val.ends_with('\'');
                if !(h.starts_with("gatewayresponse.header.") && quoted) {
                    self.err(
                        p!["gatewayResponses", k, "responseParameters", h],
                        "use \"gatewayresponse.header.NAME\": \"'value'\" (the value in single quotes)",
                    );
                }
            }
            for (ct, t) in &g.response_templates {
                self.template(p!["gatewayResponses", k, "responseTemplates", ct], t);
            }
        }
    }

    fn stages(&mut self) {
        let d = self.def;
        if d.stages.is_empty() {
            self.err(p!["stages"], "an API needs at least one stage");
        }
        let keys: HashSet<String> = d.routes.iter().map(route_key).collect();
        let mut seen = HashSet::new();
        for (i, s) in d.stages.iter().enumerate() {
            let default_ok = s.name == "$default" && !self.rest;
            if !default_ok
                && (s.name.is_empty() || !s.name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-'))
            {
                self.err(
                    p!["stages", i, "name"],
                    "a stage name uses letters, digits, - and _ (or $default on an HTTP API)",
                );
            }
            if !seen.insert(&s.name) {
                self.err(p!["stages", i, "name"], format!("stage '{}' is defined twice", s.name));
            }
            for k in s.variables.keys() {
                if k.is_empty() || !k.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
                    self.err(p!["stages", i, "variables", k], "a stage variable name uses letters, digits and _");
                }
            }
            if let Some(t) = &s.throttle {
                self.throttle(p!["stages", i, "throttle"], t);
            }
            if let Some(c) = &s.cache {
                self.rest_only(p!["stages", i, "cache"], "the stage cache");
                if c.ttl_in_seconds > 3600 {
                    self.err(
                        p!["stages", i, "cache", "ttlInSeconds"],
                        "the cache TTL is at most 3600 s (0 turns caching off)",
                    );
                }
            }
            for (k, ms) in &s.method_settings {
                if !keys.contains(k) {
                    self.err(
                        p!["stages", i, "methodSettings", k],
                        format!("'{k}' is not a route key of this API (expected e.g. 'GET /pets')"),
                    );
                }
                if let Some(t) = &ms.throttle {
                    self.throttle(p!["stages", i, "methodSettings", k, "throttle"], t);
                }
                if ms.caching_enabled.is_some() || ms.cache_ttl_in_seconds.is_some() {
                    self.rest_only(p!["stages", i, "methodSettings", k], "method caching");
                }
                if ms.cache_ttl_in_seconds.is_some_and(|t| t > 3600) {
                    self.err(
                        p!["stages", i, "methodSettings", k, "cacheTtlInSeconds"],
                        "the cache TTL is at most 3600 s",
                    );
                }
            }
        }
    }

    fn authorizers(&mut self) {
        let d = self.def;
        let mut seen = HashSet::new();
        for (i, a) in d.authorizers.iter().enumerate() {
            if !seen.insert(a.name()) {
                self.err(p!["authorizers", i, "name"], format!("authorizer '{}' is defined twice", a.name()));
            }
            match a {
                AuthorizerDef::Token {
                    handler,
                    identity_source,
                    identity_validation_expression,
                    result_ttl_in_seconds,
                    ..
                } => {
                    self.rest_only(p!["authorizers", i], "the TOKEN authorizer");
                    self.auth_handler(i, handler, *result_ttl_in_seconds);
                    if !matches!(IdentitySource::parse(identity_source), Some(IdentitySource::Header(_))) {
                        self.err(
                            p!["authorizers", i, "identitySource"],
                            "a TOKEN authorizer reads one header: method.request.header.NAME",
                        );
                    }
                    if let Some(re) = identity_validation_expression
                        && full_match_regex(re).is_none()
                    {
                        self.err(
                            p!["authorizers", i, "identityValidationExpression"],
                            "not a valid regular expression",
                        );
                    }
                }
                AuthorizerDef::Request { handler, identity_source, result_ttl_in_seconds, .. } => {
                    self.auth_handler(i, handler, *result_ttl_in_seconds);
                    for (j, s) in identity_source.iter().enumerate() {
                        if IdentitySource::parse(s).is_none() {
                            self.err(
                                p!["authorizers", i, "identitySource", j],
                                format!("'{s}' is not a header, query string or stage variable source"),
                            );
                        }
                    }
                    if *result_ttl_in_seconds > 0 && identity_source.is_empty() {
                        self.err(
                            p!["authorizers", i, "identitySource"],
                            "caching a REQUEST authorizer needs identity sources for its cache key",
                        );
                    }
                }
                AuthorizerDef::Jwt { issuer, audience, secret, identity_source, .. } => {
                    if self.rest {
                        self.err(
                            p!["authorizers", i],
                            "JWT authorizers belong to HTTP APIs (REST APIs use Cognito or a Lambda authorizer)",
                        );
                    }
                    if issuer.is_empty() {
                        self.err(p!["authorizers", i, "issuer"], "the issuer (iss) must not be empty");
                    }
                    if audience.is_empty() {
                        self.err(p!["authorizers", i, "audience"], "list at least one audience (aud or client_id)");
                    }
                    if secret.is_empty() {
                        self.err(p!["authorizers", i, "secret"], "the HS256 secret must not be empty");
                    }
                    if IdentitySource::parse(identity_source).is_none() {
                        self.err(
                            p!["authorizers", i, "identitySource"],
                            "use $request.header.Authorization or similar",
                        );
                    }
                }
            }
        }
    }

    fn auth_handler(&mut self, i: usize, handler: &str, ttl: u32) {
        if !AUTHORIZER_HANDLERS.contains(&handler) {
            let msg =
                format!("no built-in authorizer handler '{handler}' (available: {})", AUTHORIZER_HANDLERS.join(", "));
            self.err(p!["authorizers", i, "handler"], msg);
        }
        if ttl > 3600 {
            self.err(
                p!["authorizers", i, "resultTtlInSeconds"],
                "the authorizer result TTL is at most 3600 s (0 turns caching off)",
            );
        }
    }

    fn plans_and_keys(&mut self) {
        let d = self.def;
        let stages: HashSet<&str> = d.stages.iter().map(|s| s.name.as_str()).collect();
        let keys: HashSet<&str> = d.api_keys.iter().map(|k| k.name.as_str()).collect();
        let route_keys: HashSet<String> = d.routes.iter().map(route_key).collect();
        let mut key_stage: HashMap<(&str, &str), &str> = HashMap::new();
        let mut names = HashSet::new();
        for (i, plan) in d.usage_plans.iter().enumerate() {
            self.rest_only(p!["usagePlans", i], "usage plans");
            if !names.insert(&plan.name) {
                self.err(p!["usagePlans", i, "name"], format!("usage plan '{}' is defined twice", plan.name));
            }
            for (j, s) in plan.stages.iter().enumerate() {
                if !stages.contains(s.as_str()) {
                    self.err(p!["usagePlans", i, "stages", j], format!("no stage named '{s}'"));
                }
            }
            for (j, k) in plan.api_keys.iter().enumerate() {
                if !keys.contains(k.as_str()) {
                    self.err(p!["usagePlans", i, "apiKeys", j], format!("no API key named '{k}' in $.apiKeys"));
                }
                for s in &plan.stages {
                    if let Some(other) = key_stage.insert((k.as_str(), s.as_str()), plan.name.as_str()) {
                        let msg = format!(
                            "key '{k}' is already in usage plan '{other}' for stage '{s}'; a key may be in one plan per stage"
                        );
                        self.err(p!["usagePlans", i, "apiKeys", j], msg);
                    }
                }
            }
            if let Some(t) = &plan.throttle {
                self.throttle(p!["usagePlans", i, "throttle"], t);
            }
            for (k, t) in &plan.method_throttle {
                if !route_keys.contains(k) {
                    self.err(p!["usagePlans", i, "methodThrottle", k], format!("'{k}' is not a route key of this API"));
                }
                self.throttle(p!["usagePlans", i, "methodThrottle", k], t);
            }
            if let Some(q) = &plan.quota {
                if q.limit == 0 {
                    self.err(p!["usagePlans", i, "quota", "limit"], "a quota limit must be at least 1");
                }
                if q.offset >= q.limit && q.limit > 0 {
                    self.err(p!["usagePlans", i, "quota", "offset"], "the offset must be smaller than the limit");
                }
            }
        }
        let mut seen_names = HashSet::new();
        let mut seen_values = HashSet::new();
        for (i, k) in d.api_keys.iter().enumerate() {
            self.rest_only(p!["apiKeys", i], "API keys");
            if !seen_names.insert(&k.name) {
                self.err(p!["apiKeys", i, "name"], format!("API key '{}' is defined twice", k.name));
            }
            if !seen_values.insert(&k.value) {
                self.err(p!["apiKeys", i, "value"], "two API keys have the same value");
            }
            if k.value.len() < 20 || k.value.len() > 128 {
                self.err(p!["apiKeys", i, "value"], "an API key value is 20 to 128 characters long, as on AWS");
            }
            if k.can_invalidate_cache.is_some() {
                self.err(
                    p!["apiKeys", i, "canInvalidateCache"],
                    "API keys cannot invalidate the cache on AWS: that is the IAM permission execute-api:InvalidateCache on a SigV4-signed request; declare the caller under iamPrincipals with \"allow\": [\"execute-api:InvalidateCache\"]",
                );
            }
        }
        let mut seen_ids = HashSet::new();
        for (i, pr) in d.iam_principals.iter().enumerate() {
            let id = &pr.access_key_id;
            if !(16..=128).contains(&id.len()) || !id.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
                self.err(
                    p!["iamPrincipals", i, "accessKeyId"],
                    "an access key id is 16 to 128 upper-case letters and digits, such as AKIAIOSFODNN7EXAMPLE",
                );
            }
            if !seen_ids.insert(id) {
                self.err(p!["iamPrincipals", i, "accessKeyId"], "two principals have the same access key id");
            }
            for (j, action) in pr.allow.iter().enumerate() {
                if !crate::gateway::core::iam::ACTIONS.contains(&action.as_str()) {
                    self.err(
                        p!["iamPrincipals", i, "allow", j],
                        format!("'{action}' is not an action this sandbox checks (only execute-api:InvalidateCache)"),
                    );
                }
            }
        }
    }
}
