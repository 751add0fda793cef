//! Every way the gateway itself can answer instead of the integration, with AWS's default
//! status, body and `x-amzn-ErrorType` for each, and the REST gateway-response overrides.
//!
//! The table follows `shared/reference/gateway-semantics.md` §3.3; HTTP API variants differ in
//! body wording and carry `apigw-requestid` instead of `x-amzn-*` headers.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::definition::{ApiType, GatewayResponseDef};
use super::http::{HeaderText, Response};
use super::template::{InputData, RenderContext, Template};

/// A gateway-generated error, named after the AWS gateway response it produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayError {
    /// REST: unknown resource or method.
    MissingAuthenticationToken,
    /// HTTP API: no route matched and there is no `$default`.
    NotFound,
    InvalidApiKey,
    AccessDenied {
        explicit: bool,
    },
    Unauthorized,
    /// JWT authorizer rejection, with the `www-authenticate` description.
    InvalidJwt {
        description: String,
    },
    /// HTTP API: a Lambda authorizer said no, or a JWT lacked a required scope.
    Forbidden {
        www_authenticate: Option<String>,
    },
    AuthorizerFailure,
    Throttled,
    QuotaExceeded,
    BadRequestParameters {
        missing: Vec<String>,
    },
    BadRequestBody,
    /// Over the payload limit. `sandbox_cap` is set when the limit was the sandbox's own,
    /// below AWS's 10 MB, and AWS would have taken the body: the answer says so.
    RequestTooLarge {
        sandbox_cap: Option<u64>,
    },
    IntegrationTimeout,
    /// The Lambda proxy response did not have the required shape, or the function failed.
    MalformedProxyResponse,
    /// A mapping template failed to render, or no integration response matched.
    ApiConfigurationError,
    /// `Cache-Control: max-age=0` from a caller not allowed to invalidate, with `FAIL_WITH_403`.
    CacheInvalidationDenied,
}

impl GatewayError {
    /// The gateway response type, the key for overrides and `$context.error.responseType`.
    pub(crate) fn response_type(&self) -> &'static str {
        match self {
            Self::MissingAuthenticationToken => "MISSING_AUTHENTICATION_TOKEN",
            Self::NotFound => "RESOURCE_NOT_FOUND",
            Self::InvalidApiKey => "INVALID_API_KEY",
            Self::AccessDenied { .. } | Self::Forbidden { .. } | Self::CacheInvalidationDenied => "ACCESS_DENIED",
            Self::Unauthorized | Self::InvalidJwt { .. } => "UNAUTHORIZED",
            Self::AuthorizerFailure => "AUTHORIZER_FAILURE",
            Self::Throttled => "THROTTLED",
            Self::QuotaExceeded => "QUOTA_EXCEEDED",
            Self::BadRequestParameters { .. } => "BAD_REQUEST_PARAMETERS",
            Self::BadRequestBody => "BAD_REQUEST_BODY",
            Self::RequestTooLarge { .. } => "REQUEST_TOO_LARGE",
            Self::IntegrationTimeout => "INTEGRATION_TIMEOUT",
            Self::MalformedProxyResponse => "DEFAULT_5XX",
            Self::ApiConfigurationError => "API_CONFIGURATION_ERROR",
        }
    }

    pub fn status(&self, api: ApiType) -> u16 {
        match self {
            Self::MissingAuthenticationToken
            | Self::InvalidApiKey
            | Self::AccessDenied { .. }
            | Self::Forbidden { .. }
            | Self::CacheInvalidationDenied => 403,
            Self::NotFound => 404,
            Self::Unauthorized | Self::InvalidJwt { .. } => 401,
            Self::Throttled | Self::QuotaExceeded => 429,
            Self::BadRequestParameters { .. } | Self::BadRequestBody => 400,
            Self::RequestTooLarge { .. } => 413,
            Self::AuthorizerFailure | Self::ApiConfigurationError => 500,
            Self::IntegrationTimeout if api == ApiType::Http => 503,
            Self::IntegrationTimeout => 504,
            Self::MalformedProxyResponse if api == ApiType::Http => 500,
            Self::MalformedProxyResponse => 502,
        }
    }

    /// The `message` of the default body; `None` is a JSON `null`, as AWS sends for authorizer failures.
    pub fn message(&self, api: ApiType) -> Option<String> {
        let http = api == ApiType::Http;
        Some(match self {
            Self::MissingAuthenticationToken => "Missing Authentication Token".to_owned(),
            Self::NotFound => "Not Found".to_owned(),
            Self::InvalidApiKey | Self::Forbidden { .. } | Self::CacheInvalidationDenied => "Forbidden".to_owned(),
            Self::AccessDenied { explicit: true } => {
                "User is not authorized to access this resource with an explicit deny".to_owned()
            }
            Self::AccessDenied { explicit: false } => "User is not authorized to access this resource".to_owned(),
            Self::Unauthorized | Self::InvalidJwt { .. } => "Unauthorized".to_owned(),
            Self::AuthorizerFailure if http => "Internal Server Error".to_owned(),
            Self::AuthorizerFailure => return None,
            Self::Throttled => "Too Many Requests".to_owned(),
            Self::QuotaExceeded => "Limit Exceeded".to_owned(),
            Self::BadRequestParameters { missing } => {
                format!("Missing required request parameters: [{}]", missing.join(", "))
            }
            Self::BadRequestBody => "Invalid request body".to_owned(),
            Self::RequestTooLarge { sandbox_cap: None } => "Request Too Long".to_owned(),
            Self::RequestTooLarge { sandbox_cap: Some(cap) } => format!(
                "Request Too Long: the body is over this sandbox's {} cap; AWS accepts bodies up to 10 MB",
                crate::gateway::core::phases::fmt_bytes(*cap)
            ),
            Self::IntegrationTimeout if http => "Service Unavailable".to_owned(),
            Self::IntegrationTimeout => "Endpoint request timed out".to_owned(),
            Self::MalformedProxyResponse | Self::ApiConfigurationError if http => "Internal Server Error".to_owned(),
            Self::MalformedProxyResponse | Self::ApiConfigurationError => "Internal server error".to_owned(),
        })
    }

    /// Whether AWS writes the default body with a space after the colon. The responses the
    /// integration path produces on a REST API (a failed or malformed Lambda, a timeout) come
    /// out as `{"message": "…"}`; the ones built from the gateway-response template
    /// `{"message":$context.error.messageString}` have no space. Clients that compare bytes or
    /// lengths see the difference, so the sandbox reproduces it.
    fn spaced_body(&self, api: ApiType) -> bool {
        api == ApiType::Rest && matches!(self, Self::MalformedProxyResponse | Self::IntegrationTimeout)
    }

    /// The default body AWS sends for this error, before any gateway-response override.
    pub(crate) fn default_body(&self, api: ApiType) -> String {
        let message = self.message(api).map_or_else(|| "null".to_owned(), |m| serde_json::Value::String(m).to_string());
        if self.spaced_body(api) { format!("{{\"message\": {message}}}") } else { format!("{{\"message\":{message}}}") }
    }

    /// The `x-amzn-ErrorType` header value (REST only).
    pub(crate) fn error_type(&self) -> &'static str {
        match self {
            Self::MissingAuthenticationToken => "MissingAuthenticationTokenException",
            Self::NotFound => "NotFoundException",
            Self::InvalidApiKey | Self::Forbidden { .. } | Self::CacheInvalidationDenied => "ForbiddenException",
            Self::AccessDenied { .. } => "AccessDeniedException",
            Self::Unauthorized | Self::InvalidJwt { .. } => "UnauthorizedException",
            Self::AuthorizerFailure => "AuthorizerConfigurationException",
            Self::Throttled => "TooManyRequestsException",
            Self::QuotaExceeded => "LimitExceededException",
            Self::BadRequestParameters { .. } | Self::BadRequestBody => "BadRequestException",
            Self::RequestTooLarge { .. } => "RequestTooLargeException",
            Self::IntegrationTimeout | Self::MalformedProxyResponse | Self::ApiConfigurationError => {
                "InternalServerErrorException"
            }
        }
    }

    /// A sentence for the trace explaining what the learner just saw.
    pub fn explain(&self) -> &'static str {
        match self {
            Self::MissingAuthenticationToken => "a REST API answers an unknown path or method with 403, not 404",
            Self::NotFound => "an HTTP API answers an unknown route with 404",
            Self::InvalidApiKey => "the method requires an API key and none valid was sent in x-api-key",
            Self::AccessDenied { .. } => "the authorizer's policy does not allow this method ARN",
            Self::Unauthorized | Self::InvalidJwt { .. } => "the token is missing or was rejected",
            Self::Forbidden { .. } => "the caller is known but not allowed",
            Self::AuthorizerFailure => "the authorizer failed or returned something unusable",
            Self::Throttled => "a token bucket was empty",
            Self::QuotaExceeded => "the usage plan's quota for this period is used up",
            Self::BadRequestParameters { .. } | Self::BadRequestBody => "the request validator rejected the request",
            Self::RequestTooLarge { .. } => "the body is over the payload limit",
            Self::IntegrationTimeout => "the integration did not answer within its timeout",
            Self::MalformedProxyResponse => "the Lambda proxy response was not {statusCode, headers, body…}",
            Self::ApiConfigurationError => "the API's own configuration failed (template or response mapping)",
            Self::CacheInvalidationDenied => "only callers allowed to invalidate may send Cache-Control: max-age=0",
        }
    }
}

/// A REST gateway-response override, compiled.
#[derive(Debug, Clone)]
pub(crate) struct CompiledGatewayResponse {
    pub status: Option<u16>,
    pub headers: Vec<(String, String)>,
    pub template: Option<Template>,
}

pub(crate) fn compile_overrides(
    defs: &BTreeMap<String, GatewayResponseDef>,
) -> BTreeMap<String, CompiledGatewayResponse> {
    defs.iter()
        .map(|(k, d)| {
            let headers = d
                .response_parameters
                .iter()
                .filter_map(|(k, v)| {
                    let name = k.strip_prefix("gatewayresponse.header.")?;
                    Some((name.to_owned(), strip_quotes(v).to_owned()))
                })
                .collect();
            let template = d
                .response_templates
                .get("application/json")
                .or_else(|| d.response_templates.values().next())
                .and_then(|t| Template::parse(t).ok());
            (k.clone(), CompiledGatewayResponse { status: d.status_code, headers, template })
        })
        .collect()
}

pub(crate) fn strip_quotes(v: &str) -> &str {
    v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')).unwrap_or(v)
}

/// Builds the response for `err`, applying a REST override (the specific type first, then
/// `DEFAULT_4XX`/`DEFAULT_5XX`) the way API Gateway does.
pub(crate) fn error_response(
    err: &GatewayError,
    api: ApiType,
    overrides: &BTreeMap<String, CompiledGatewayResponse>,
    request_id: &str,
    context: &serde_json::Value,
) -> Response {
    let mut status = err.status(api);
    let mut body = err.default_body(api);
    let mut extra_headers: Vec<(String, String)> = Vec::new();
    // AWS does not apply customisations to the 413 REQUEST_TOO_LARGE response, not even
    // DEFAULT_4XX's (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
    if api == ApiType::Rest && !matches!(err, GatewayError::RequestTooLarge { .. }) {
        let fallback = if status >= 500 { "DEFAULT_5XX" } else { "DEFAULT_4XX" };
        let specific = overrides.get(err.response_type());
        let default = overrides.get(fallback);
        if let Some(s) = specific.and_then(|o| o.status) {
            status = s;
        }
        // Headers and templates of DEFAULT_* apply when the specific type does not set them.
        for o in [default, specific].into_iter().flatten() {
            extra_headers.retain(|(k, _)| !o.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(k)));
            extra_headers.extend(o.headers.iter().cloned());
        }
        if let Some(t) =
            specific.and_then(|o| o.template.as_ref()).or_else(|| default.and_then(|o| o.template.as_ref()))
        {
            let sv = serde_json::Value::Object(serde_json::Map::new());
            let input = InputData { body: "", path: &[], query: &[], headers: &[] };
            if let Ok(rendered) = t.render(&RenderContext::new(input, context, &sv)) {
                body = rendered;
            }
        }
    }
    let mut headers: Vec<(HeaderText, HeaderText)> = Vec::with_capacity(extra_headers.len() + 6);
    headers.push(("Content-Type".into(), "application/json".into()));
    match api {
        ApiType::Rest => {
            headers.push(("x-amzn-RequestId".into(), request_id.to_owned().into()));
            headers.push(("x-amzn-ErrorType".into(), err.error_type().into()));
        }
        ApiType::Http => headers.push(("apigw-requestid".into(), request_id.to_owned().into())),
    }
    match err {
        GatewayError::InvalidJwt { description } => headers.push((
            "www-authenticate".into(),
            format!("Bearer scope=\"\" error=\"invalid_token\" error_description=\"{description}\"").into(),
        )),
        GatewayError::Forbidden { www_authenticate: Some(w) } => {
            headers.push(("www-authenticate".into(), w.clone().into()));
        }
        _ => {}
    }
    headers.extend(extra_headers.into_iter().map(|(k, v)| (Cow::Owned(k), Cow::Owned(v))));
    Response { status, headers, body: body.into() }
}
