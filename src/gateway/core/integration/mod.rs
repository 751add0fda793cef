//! Integrations: what the gateway calls once a request is admitted. MOCK (templates only),
//! Lambda proxy (payload 1.0/2.0), Lambda custom (`AWS`, templates both ways) and HTTP proxy to
//! built-in back ends. This module compiles them; `run.rs` executes the three integration phases.

mod events;
mod forwarded;
mod proxy_response;
mod run;

pub(crate) use events::context_json;

use regex_lite::Regex;

use super::definition::{ApiType, IntegrationDef, IntegrationResponseDef};
use super::gateway::full_match_regex;
use super::template::Template;

/// REST's default and maximum integration timeout.
pub(crate) const REST_TIMEOUT_MS: u64 = 29_000;
/// HTTP APIs allow up to 30 s.
pub(crate) const HTTP_TIMEOUT_MS: u64 = 30_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PayloadVersion {
    V1,
    V2,
}

#[derive(Debug, Clone)]
pub(crate) enum HeaderSource {
    Literal(String),
    IntegrationHeader(String),
}

#[derive(Debug, Clone)]
pub(crate) struct IntResponse {
    pub status: u16,
    pub pattern: Option<Regex>,
    pub pattern_src: Option<String>,
    pub template: Option<Template>,
    /// The template's output when it is plain text, shared by every response that uses it
    /// instead of copied into each.
    pub literal_body: Option<bytes::Bytes>,
    pub headers: Vec<(String, HeaderSource)>,
}

#[derive(Debug, Clone)]
pub(crate) enum CompiledIntegration {
    Mock {
        templates: Vec<(String, Template)>,
        /// Per template, the status it always renders when it is plain text (the usual
        /// `{"statusCode": 200}`), read once here instead of for every request.
        statuses: Vec<Option<u16>>,
        responses: Vec<IntResponse>,
    },
    LambdaProxy {
        handler: String,
        version: PayloadVersion,
        timeout_ms: u64,
    },
    Lambda {
        handler: String,
        templates: Vec<(String, Template)>,
        responses: Vec<IntResponse>,
        timeout_ms: u64,
    },
    HttpProxy {
        backend: String,
        path: Option<String>,
        timeout_ms: u64,
    },
}

fn templates(map: &std::collections::BTreeMap<String, String>) -> Vec<(String, Template)> {
    map.iter().filter_map(|(ct, src)| Template::parse(src).ok().map(|t| (ct.to_ascii_lowercase(), t))).collect()
}

fn responses(defs: &[IntegrationResponseDef]) -> Vec<IntResponse> {
    defs.iter()
        .map(|d| {
            let template = d
                .response_templates
                .get("application/json")
                .or_else(|| d.response_templates.values().next())
                .and_then(|t| Template::parse(t).ok());
            IntResponse {
                status: d.status_code,
                pattern: d.selection_pattern.as_deref().and_then(full_match_regex),
                pattern_src: d.selection_pattern.clone(),
                literal_body: template
                    .as_ref()
                    .and_then(Template::as_literal)
                    .map(|t| bytes::Bytes::from(t.to_owned())),
                template,
                headers: d
                    .response_parameters
                    .iter()
                    .filter_map(|(k, v)| {
                        let name = k.strip_prefix("method.response.header.")?;
                        let src = match v.strip_prefix("integration.response.header.") {
                            Some(h) => HeaderSource::IntegrationHeader(h.to_owned()),
                            None => HeaderSource::Literal(super::responses::strip_quotes(v).to_owned()),
                        };
                        Some((name.to_owned(), src))
                    })
                    .collect(),
            }
        })
        .collect()
}

pub(crate) fn default_timeout(api: ApiType) -> u64 {
    match api {
        ApiType::Rest => REST_TIMEOUT_MS,
        ApiType::Http => HTTP_TIMEOUT_MS,
    }
}

pub(crate) fn compile_integration(def: &IntegrationDef, api: ApiType) -> CompiledIntegration {
    match def {
        IntegrationDef::Mock { request_templates, responses: r } => {
            let templates = templates(request_templates);
            let statuses = templates.iter().map(|(_, t)| run::literal_status(t)).collect();
            CompiledIntegration::Mock { templates, statuses, responses: responses(r) }
        }
        IntegrationDef::LambdaProxy { handler, payload_format_version, timeout_in_millis } => {
            CompiledIntegration::LambdaProxy {
                handler: handler.clone(),
                version: match (payload_format_version.as_deref(), api) {
                    (Some("1.0"), _) | (None, ApiType::Rest) => PayloadVersion::V1,
                    _ => PayloadVersion::V2,
                },
                timeout_ms: timeout_in_millis.unwrap_or_else(|| default_timeout(api)),
            }
        }
        IntegrationDef::Lambda { handler, request_templates, responses: r, timeout_in_millis } => {
            CompiledIntegration::Lambda {
                handler: handler.clone(),
                templates: templates(request_templates),
                responses: responses(r),
                timeout_ms: timeout_in_millis.unwrap_or_else(|| default_timeout(api)),
            }
        }
        IntegrationDef::HttpProxy { backend, path, timeout_in_millis } => CompiledIntegration::HttpProxy {
            backend: backend.clone(),
            path: path.clone(),
            timeout_ms: timeout_in_millis.unwrap_or_else(|| default_timeout(api)),
        },
    }
}
