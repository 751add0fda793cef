//! The authorizer phase: Lambda TOKEN and REQUEST authorizers (built-in handlers returning an
//! IAM policy or an HTTP API simple response) with the result cache, and the JWT authorizer.
//!
//! A cached policy is re-evaluated against each request's method ARN; that is how the classic
//! `{proxy+}` gotcha (allowed once, then 403 on another path) arises here exactly as on AWS.

use regex_lite::Regex;
use serde_json::{Map, Value, json};

pub(crate) use super::policy::AuthResult;
use super::policy::{evaluate, parse_result};

use super::definition::{ApiType, AuthorizerDef};
use super::gateway::Gateway;
use super::http::header_value;
use super::jwt;
use super::pipeline::Flow;
use super::responses::GatewayError;
use super::trace::{Outcome, Phase, Trace};
use crate::gateway::core::handlers::InvokeMode;

pub(crate) const ACCOUNT_ID: &str = "123456789012";
pub(crate) const REGION: &str = "us-east-1";

/// Who the authorizer said the caller is, for `$context.authorizer` and proxy events.
#[derive(Debug, Clone, Default)]
pub(crate) struct AuthInfo {
    pub principal_id: Option<String>,
    pub context: Map<String, Value>,
    pub claims: Option<Map<String, Value>>,
    pub scopes: Vec<String>,
    /// A Lambda authorizer's latency in ms (0 on a cache hit), for `authorizer.integrationLatency`.
    pub integration_latency: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IdentitySource {
    Header(String),
    Query(String),
    StageVar(String),
}

impl IdentitySource {
    /// Accepts REST (`method.request.header.X`) and HTTP API (`$request.header.X`) spellings.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if let Some(h) = s.strip_prefix("method.request.header.").or_else(|| s.strip_prefix("$request.header.")) {
            return (!h.is_empty()).then(|| Self::Header(h.to_owned()));
        }
        if let Some(q) =
            s.strip_prefix("method.request.querystring.").or_else(|| s.strip_prefix("$request.querystring."))
        {
            return (!q.is_empty()).then(|| Self::Query(q.to_owned()));
        }
        if let Some(v) = s.strip_prefix("stageVariables.").or_else(|| s.strip_prefix("$stageVariables.")) {
            return (!v.is_empty()).then(|| Self::StageVar(v.to_owned()));
        }
        None
    }

    fn describe(&self) -> String {
        match self {
            Self::Header(h) => format!("header {h}"),
            Self::Query(q) => format!("query parameter {q}"),
            Self::StageVar(v) => format!("stage variable {v}"),
        }
    }
}

/// Where a Lambda authorizer's result came from, for the trace.
#[derive(Debug, Clone, Copy)]
enum ResultSource {
    Cached { left_ms: u64 },
    Called { cached_for_s: Option<u64> },
}

impl ResultSource {
    fn describe(self, handler: &str) -> String {
        match self {
            Self::Cached { left_ms } => {
                format!("result cache HIT (expires in {}.{:03} s), Lambda not called", left_ms / 1000, left_ms % 1000)
            }
            Self::Called { cached_for_s: Some(s) } => format!("Lambda {handler} called; result cached for {s} s"),
            Self::Called { cached_for_s: None } => format!("Lambda {handler} called; result caching off"),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum CompiledAuthorizer {
    Lambda {
        name: String,
        handler: String,
        token: bool,
        sources: Vec<IdentitySource>,
        validation: Option<Regex>,
        ttl_ms: u64,
    },
    Jwt {
        name: String,
        issuer: String,
        audience: Vec<String>,
        secret: String,
        source: Option<IdentitySource>,
    },
}

impl CompiledAuthorizer {
    pub(crate) fn compile(def: &AuthorizerDef) -> Self {
        match def {
            AuthorizerDef::Token {
                name,
                handler,
                identity_source,
                identity_validation_expression,
                result_ttl_in_seconds,
            } => Self::Lambda {
                name: name.clone(),
                handler: handler.clone(),
                token: true,
                sources: IdentitySource::parse(identity_source).into_iter().collect(),
                validation: identity_validation_expression.as_deref().and_then(super::gateway::full_match_regex),
                ttl_ms: u64::from(*result_ttl_in_seconds) * 1000,
            },
            AuthorizerDef::Request { name, handler, identity_source, result_ttl_in_seconds } => Self::Lambda {
                name: name.clone(),
                handler: handler.clone(),
                token: false,
                sources: identity_source.iter().filter_map(|s| IdentitySource::parse(s)).collect(),
                validation: None,
                ttl_ms: u64::from(*result_ttl_in_seconds) * 1000,
            },
            AuthorizerDef::Jwt { name, issuer, audience, secret, identity_source } => Self::Jwt {
                name: name.clone(),
                issuer: issuer.clone(),
                audience: audience.clone(),
                secret: secret.clone(),
                source: IdentitySource::parse(identity_source),
            },
        }
    }
}

impl Gateway {
    pub(crate) fn method_arn(&self, flow: &Flow<'_>) -> String {
        format!(
            "arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{}/{}/{}{}",
            self.def.api_id, self.stage.name, flow.req.method, flow.req.path
        )
    }

    fn identity_value<'a>(&'a self, flow: &'a Flow<'_>, s: &IdentitySource) -> Option<&'a str> {
        let v = match s {
            IdentitySource::Header(h) => header_value(&flow.req.headers, h),
            IdentitySource::Query(q) => flow.req.query_param(q),
            IdentitySource::StageVar(v) => self.stage.variables.get(v).map(String::as_str),
        };
        v.filter(|v| !v.trim().is_empty())
    }

    pub(crate) fn phase_authorizer(&mut self, flow: &mut Flow<'_>, trace: &mut Trace) -> Result<(), GatewayError> {
        let Some(ri) = flow.route else {
            return Ok(());
        };
        let Some(ai) = self.routes[ri].authorizer else {
            trace.push(Phase::Authorizer, Outcome::Skipped, "no authorizer on this route (authorization NONE)");
            return Ok(());
        };
        let Some(auth) = self.authorizers.get(ai).cloned() else {
            return Ok(());
        };
        match auth {
            CompiledAuthorizer::Jwt { name, issuer, audience, secret, source } => {
                self.jwt_phase(flow, trace, ri, &name, &issuer, &audience, &secret, source.as_ref())
            }
            CompiledAuthorizer::Lambda { name, handler, token, sources, validation, ttl_ms } => {
                self.lambda_phase(flow, trace, ai, &name, &handler, token, &sources, validation.as_ref(), ttl_ms)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn jwt_phase(
        &mut self,
        flow: &mut Flow<'_>,
        trace: &mut Trace,
        ri: usize,
        name: &str,
        issuer: &str,
        audience: &[String],
        secret: &str,
        source: Option<&IdentitySource>,
    ) -> Result<(), GatewayError> {
        let Some(token) = source.and_then(|s| self.identity_value(flow, s)) else {
            trace.push_with(Phase::Authorizer, Outcome::Rejected, || {
                format!("JWT authorizer {name}: no token in the identity source, so 401")
            });
            return Err(GatewayError::Unauthorized);
        };
        let claims = match jwt::verify(token, secret, issuer, audience, flow.now) {
            Ok(c) => c,
            Err(rej) => {
                trace.push_with(Phase::Authorizer, Outcome::Rejected, || {
                    format!("JWT authorizer {name}: {}", rej.description)
                });
                return Err(GatewayError::InvalidJwt { description: rej.description });
            }
        };
        let scopes = jwt::scopes(&claims);
        let needed = &self.routes[ri].scopes;
        if !needed.is_empty() && !needed.iter().any(|n| scopes.contains(n)) {
            trace.push_with(Phase::Authorizer, Outcome::Rejected, || {
                format!(
                    "JWT authorizer {name}: token is valid but has none of the route's scopes [{}]",
                    needed.join(", ")
                )
            });
            let w = format!(
                "Bearer scope=\"{}\" error=\"insufficient_scope\" error_description=\"the token does not have the required scopes\"",
                needed.join(" ")
            );
            return Err(GatewayError::Forbidden { www_authenticate: Some(w) });
        }
        let sub = claims.get("sub").and_then(Value::as_str).map(str::to_owned);
        trace.push_with(Phase::Authorizer, Outcome::Passed, || {
            format!(
                "JWT authorizer {name}: signature, iss, aud and exp check out (sub {}, scopes [{}])",
                sub.as_deref().unwrap_or("-"),
                scopes.join(", ")
            )
        });
        flow.auth = Some(AuthInfo {
            principal_id: sub,
            context: Map::new(),
            claims: Some(claims),
            scopes,
            integration_latency: None,
        });
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn lambda_phase(
        &mut self,
        flow: &mut Flow<'_>,
        trace: &mut Trace,
        ai: usize,
        name: &str,
        handler: &str,
        token: bool,
        sources: &[IdentitySource],
        validation: Option<&Regex>,
        ttl_ms: u64,
    ) -> Result<(), GatewayError> {
        let kind = if token { "TOKEN" } else { "REQUEST" };
        let mut values = Vec::with_capacity(sources.len());
        for s in sources {
            let Some(v) = self.identity_value(flow, s) else {
                trace.push_with(
                    Phase::Authorizer,
                    Outcome::Rejected,
                    || format!("{kind} authorizer {name}: identity source ({}) is missing or empty, so 401 without calling the Lambda", s.describe()));
                return Err(GatewayError::Unauthorized);
            };
            values.push(v.to_owned());
        }
        if let (Some(re), Some(v)) = (validation, values.first())
            && !re.is_match(v)
        {
            trace.push_with(
                Phase::Authorizer,
                Outcome::Rejected,
                || format!("TOKEN authorizer {name}: the token does not match identityValidationExpression, so 401 without calling the Lambda"));
            return Err(GatewayError::Unauthorized);
        }
        let arn = self.method_arn(flow);
        let cache_key = (ai, values.join("\u{1f}"));
        let cached = if ttl_ms > 0 && !values.is_empty() {
            self.auth_cache.get(&cache_key, flow.now).map(|h| (h.value.clone(), h.expires_at))
        } else {
            None
        };
        let (result, source, latency) = if let Some((r, exp)) = cached {
            (r, ResultSource::Cached { left_ms: exp.millis_since(flow.now) }, 0)
        } else {
            let event = self.authorizer_event(flow, token, &values, &arn);
            let inv = self.handlers.invoke_lambda(handler, &event, InvokeMode::Proxy);
            let r = match inv.result {
                Err(msg) if msg == "Unauthorized" => {
                    trace.push_with(Phase::Authorizer, Outcome::Rejected, || {
                        format!("{kind} authorizer {name}: the Lambda threw \"Unauthorized\", so 401")
                    });
                    return Err(GatewayError::Unauthorized);
                }
                Err(msg) => {
                    trace.push_with(Phase::Authorizer, Outcome::Failed, || {
                        format!("{kind} authorizer {name}: the Lambda failed ({msg}), so 500")
                    });
                    return Err(GatewayError::AuthorizerFailure);
                }
                Ok(v) => match parse_result(&v) {
                    Some(r) => r,
                    None => {
                        trace.push_with(Phase::Authorizer, Outcome::Failed, || {
                            format!(
                                "{kind} authorizer {name}: the Lambda returned no principalId/policyDocument, so 500"
                            )
                        });
                        return Err(GatewayError::AuthorizerFailure);
                    }
                },
            };
            let cached_for_s = (ttl_ms > 0 && !values.is_empty()).then(|| {
                self.auth_cache.insert(cache_key, r.clone(), flow.now, ttl_ms);
                ttl_ms / 1000
            });
            (r, ResultSource::Called { cached_for_s }, inv.duration_ms)
        };
        let how = || source.describe(handler);
        let verdict = match (result.simple, &result.policy) {
            (Some(b), _) => Some(b).filter(|b| *b),
            (None, Some(p)) => evaluate(p, &arn),
            (None, None) => None,
        };
        match verdict {
            Some(true) => {}
            denied => {
                let explicit = denied == Some(false) && result.simple.is_none();
                let what = if explicit { "an explicit Deny" } else { "no Allow that covers it (implicit deny)" };
                trace.push_with(Phase::Authorizer, Outcome::Rejected, || {
                    format!("{kind} authorizer {name}: {}; the policy has {what} for {arn}", how())
                });
                return Err(match self.api_type {
                    ApiType::Rest => GatewayError::AccessDenied { explicit },
                    ApiType::Http => GatewayError::Forbidden { www_authenticate: None },
                });
            }
        }
        trace.push_with(Phase::Authorizer, Outcome::Passed, || {
            format!(
                "{kind} authorizer {name}: {}; Allow for {arn} (principalId {})",
                how(),
                result.principal_id.as_deref().unwrap_or("-")
            )
        });
        flow.auth = Some(AuthInfo {
            principal_id: result.principal_id,
            context: result.context,
            claims: None,
            scopes: Vec::new(),
            integration_latency: Some(latency),
        });
        Ok(())
    }

    fn authorizer_event(&self, flow: &Flow<'_>, token: bool, values: &[String], arn: &str) -> Value {
        if token {
            return json!({"type": "TOKEN", "authorizationToken": values.first(), "methodArn": arn});
        }
        let headers: Map<String, Value> =
            flow.req.headers.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        let query: Map<String, Value> =
            flow.req.query.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        let path_params: Map<String, Value> =
            flow.params.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        let route = flow.route.and_then(|r| self.routes.get(r));
        if self.api_type == ApiType::Http {
            return json!({
                "version": "2.0", "type": "REQUEST", "routeArn": arn, "identitySource": values,
                "routeKey": route.map(|r| &*r.route_key), "rawPath": flow.req.path,
                "headers": headers, "queryStringParameters": query, "pathParameters": path_params,
                "stageVariables": self.stage_vars,
            });
        }
        json!({
            "type": "REQUEST", "methodArn": arn, "resource": route.map(|r| r.path.as_str()), "path": flow.req.path,
            "httpMethod": flow.req.method, "headers": headers, "queryStringParameters": query,
            "pathParameters": path_params, "stageVariables": self.stage_vars,
            "requestContext": {"requestId": flow.request_id, "stage": self.stage.name, "identity": {"sourceIp": flow.req.source_ip}},
        })
    }
}
