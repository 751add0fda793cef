//! The API definition file format (serde types). Field names follow AWS's own API and
//! CloudFormation names where one exists, so what a learner reads here transfers to the console.
//!
//! The format is documented for authors in `assets/apis/README.md`; validation beyond what serde
//! checks lives in `check.rs`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A whole API: its type, stages, routes and the things routes refer to by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiDefinition {
    pub name: String,
    #[serde(rename = "type")]
    pub api_type: ApiType,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The id that appears in ARNs and `$context.apiId`; a fixed default keeps demos stable.
    #[serde(default = "default_api_id")]
    pub api_id: String,
    pub stages: Vec<StageDef>,
    pub routes: Vec<RouteDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorizers: Vec<AuthorizerDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usage_plans: Vec<UsagePlanDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_keys: Vec<ApiKeyDef>,
    /// IAM callers: who signs requests (SigV4) and which `execute-api` actions they may use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub iam_principals: Vec<IamPrincipalDef>,
    /// HTTP APIs only: API Gateway's built-in CORS configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cors: Option<CorsDef>,
    /// REST APIs only: overrides of gateway responses, keyed by type (`DEFAULT_4XX`, `THROTTLED`…).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub gateway_responses: BTreeMap<String, GatewayResponseDef>,
    #[serde(default)]
    pub account: AccountDef,
    #[serde(default)]
    pub limits: LimitsDef,
    /// The access-log line, in AWS's `$context` variable syntax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_log_format: Option<String>,
}

fn default_api_id() -> String {
    "a1b2c3d4e5".to_owned()
}

/// REST API (API Gateway v1) or HTTP API (v2): they differ in routing misses, features and
/// error bodies, which is half of what the lab teaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApiType {
    #[serde(rename = "REST")]
    Rest,
    #[serde(rename = "HTTP")]
    Http,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StageDef {
    pub name: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, String>,
    /// Default per-method throttle for every route of the stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttle: Option<ThrottleDef>,
    /// REST only: the stage cache (`cacheClusterEnabled` and its defaults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<StageCacheDef>,
    /// Per-route overrides, keyed by route key such as `GET /pets/{id}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub method_settings: BTreeMap<String, MethodSettingsDef>,
}

/// A token bucket: `rateLimit` tokens a second refill it, `burstLimit` is its capacity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ThrottleDef {
    pub rate_limit: f64,
    pub burst_limit: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StageCacheDef {
    pub enabled: bool,
    #[serde(default = "default_ttl")]
    pub ttl_in_seconds: u32,
    #[serde(default = "yes")]
    pub require_authorization_for_cache_control: bool,
    #[serde(default)]
    pub unauthorized_cache_control_header_strategy: CacheControlStrategy,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MethodSettingsDef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttle: Option<ThrottleDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caching_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_ttl_in_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_authorization_for_cache_control: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unauthorized_cache_control_header_strategy: Option<CacheControlStrategy>,
}

/// What to do with `Cache-Control: max-age=0` from a caller not allowed to invalidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CacheControlStrategy {
    #[serde(rename = "FAIL_WITH_403")]
    FailWith403,
    #[default]
    SucceedWithResponseHeader,
    SucceedWithoutResponseHeader,
}

fn default_ttl() -> u32 {
    300
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RouteDef {
    /// `GET`, `POST`, … or `ANY`.
    pub method: String,
    /// `/pets/{id}`, `/files/{proxy+}`, or `$default` (HTTP APIs).
    pub path: String,
    /// Name of an entry in `authorizers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorizer: Option<String>,
    /// JWT authorizers only: the request's token needs one of these scopes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorization_scopes: Vec<String>,
    #[serde(default)]
    pub api_key_required: bool,
    /// `method.request.querystring.type` → required? The same keys as AWS.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub request_parameters: BTreeMap<String, bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_validator: Option<RequestValidator>,
    /// A minimal JSON-schema subset for `BODY` validation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_model: Option<RequestModel>,
    /// Which request parameters make up the cache key, e.g. `method.request.path.id`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cache_key_parameters: Vec<String>,
    pub integration: IntegrationDef,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RequestValidator {
    Params,
    Body,
    ParamsAndBody,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequestModel {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<String>,
    /// Property name → JSON type name (`string`, `number`, `integer`, `boolean`, `object`, `array`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
}

/// Where the gateway sends a request once it is admitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum IntegrationDef {
    /// API Gateway answers by itself, from mapping templates.
    #[serde(rename = "MOCK", rename_all = "camelCase")]
    Mock {
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        request_templates: BTreeMap<String, String>,
        #[serde(default)]
        responses: Vec<IntegrationResponseDef>,
    },
    /// Lambda proxy to a built-in handler.
    #[serde(rename = "AWS_PROXY", rename_all = "camelCase")]
    LambdaProxy {
        handler: String,
        /// `1.0` or `2.0`; REST APIs support only `1.0`, HTTP APIs default to `2.0`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        payload_format_version: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timeout_in_millis: Option<u64>,
    },
    /// Lambda custom (non-proxy) integration: templates shape the event and the response.
    #[serde(rename = "AWS", rename_all = "camelCase")]
    Lambda {
        handler: String,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        request_templates: BTreeMap<String, String>,
        #[serde(default)]
        responses: Vec<IntegrationResponseDef>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timeout_in_millis: Option<u64>,
    },
    /// HTTP proxy to one of the app's built-in back ends (never the network).
    #[serde(rename = "HTTP_PROXY", rename_all = "camelCase")]
    HttpProxy {
        backend: String,
        /// Back-end path; `{name}` is replaced by the path parameter. Defaults to the request path.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        path: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timeout_in_millis: Option<u64>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IntegrationResponseDef {
    pub status_code: u16,
    /// A regex matched against the integration's status (MOCK) or error message (AWS);
    /// the response without one is the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection_pattern: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub response_templates: BTreeMap<String, String>,
    /// `method.response.header.X` → `'literal'` or `integration.response.header.Y`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub response_parameters: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum AuthorizerDef {
    /// REST Lambda authorizer fed one header's value.
    #[serde(rename = "TOKEN", rename_all = "camelCase")]
    Token {
        name: String,
        handler: String,
        #[serde(default = "default_token_source")]
        identity_source: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        identity_validation_expression: Option<String>,
        #[serde(default = "default_ttl")]
        result_ttl_in_seconds: u32,
    },
    /// Lambda authorizer fed headers, query, stage variables and context.
    #[serde(rename = "REQUEST", rename_all = "camelCase")]
    Request {
        name: String,
        handler: String,
        #[serde(default)]
        identity_source: Vec<String>,
        #[serde(default = "default_ttl")]
        result_ttl_in_seconds: u32,
    },
    /// HTTP API JWT authorizer; HS256 with a local secret stands in for the issuer's JWKS.
    #[serde(rename = "JWT", rename_all = "camelCase")]
    Jwt {
        name: String,
        issuer: String,
        audience: Vec<String>,
        secret: String,
        #[serde(default = "default_jwt_source")]
        identity_source: String,
    },
}

impl AuthorizerDef {
    pub fn name(&self) -> &str {
        match self {
            Self::Token { name, .. } | Self::Request { name, .. } | Self::Jwt { name, .. } => name,
        }
    }
}

fn default_token_source() -> String {
    "method.request.header.Authorization".to_owned()
}

fn default_jwt_source() -> String {
    "$request.header.Authorization".to_owned()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UsagePlanDef {
    pub name: String,
    /// Stage names of this API the plan covers.
    pub stages: Vec<String>,
    /// Names of entries in `apiKeys`.
    #[serde(default)]
    pub api_keys: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttle: Option<ThrottleDef>,
    /// Per-route throttles inside the plan, keyed by route key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub method_throttle: BTreeMap<String, ThrottleDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<QuotaDef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QuotaDef {
    pub limit: u64,
    /// Requests subtracted from the limit in the initial period (AWS's current meaning).
    #[serde(default)]
    pub offset: u64,
    pub period: QuotaPeriod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum QuotaPeriod {
    Day,
    Week,
    Month,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiKeyDef {
    /// The key's name (what logs and traces show: `$context.identity.apiKeyId`-like).
    pub name: String,
    /// The secret value a caller sends in `x-api-key`.
    pub value: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Read only to refuse it with an explanation: AWS has no such API-key setting (cache
    /// invalidation is the IAM permission `execute-api:InvalidateCache`; see `iamPrincipals`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_invalidate_cache: Option<bool>,
}

/// An IAM principal that signs its requests with SigV4.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IamPrincipalDef {
    pub name: String,
    /// The access key id in its signatures' `Credential=` (`AKIA…`).
    pub access_key_id: String,
    /// Allowed actions; `execute-api:InvalidateCache` is the one the sandbox checks.
    #[serde(default)]
    pub allow: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CorsDef {
    #[serde(default)]
    pub allow_origins: Vec<String>,
    #[serde(default)]
    pub allow_methods: Vec<String>,
    #[serde(default)]
    pub allow_headers: Vec<String>,
    #[serde(default)]
    pub expose_headers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<u32>,
    #[serde(default)]
    pub allow_credentials: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GatewayResponseDef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    /// `gatewayresponse.header.X` → `'literal'`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub response_parameters: BTreeMap<String, String>,
    /// `application/json` → a template; `$context.error.messageString` is the default message.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub response_templates: BTreeMap<String, String>,
}

/// The account-level bucket, shared by every API of the (pretend) account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountDef {
    #[serde(default = "account_throttle")]
    pub throttle: ThrottleDef,
}

impl Default for AccountDef {
    fn default() -> Self {
        Self { throttle: account_throttle() }
    }
}

/// AWS's default per-account, per-Region limit: 10,000 rps with a burst of 5,000.
fn account_throttle() -> ThrottleDef {
    ThrottleDef { rate_limit: 10_000.0, burst_limit: 5_000 }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LimitsDef {
    #[serde(default = "max_payload")]
    pub max_payload_bytes: u64,
}

impl Default for LimitsDef {
    fn default() -> Self {
        Self { max_payload_bytes: max_payload() }
    }
}

/// AWS's 10 MB payload limit.
pub(crate) const AWS_MAX_PAYLOAD: u64 = 10 * 1024 * 1024;

fn max_payload() -> u64 {
    AWS_MAX_PAYLOAD
}
