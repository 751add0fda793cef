//! `$context.requestOverride` and `$context.responseOverride`: the writable part of `$context`
//! in a mapping template, and what a render wrote there
//! (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-override-request-response-parameters.html).

use serde_json::{Map, Value};

use super::value::text_of;

/// What a template wrote to `$context.requestOverride` and `$context.responseOverride`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Overrides {
    /// `responseOverride.status`, when set to a valid HTTP status.
    pub status: Option<u16>,
    /// `responseOverride.header.*`.
    pub response_headers: Vec<(String, String)>,
    /// `requestOverride.header.*`, `.querystring.*` and `.path.*`, as `(kind, name, value)`.
    pub request: Vec<(String, String, String)>,
}

impl Overrides {
    /// The two override maps as a render starts with them: empty.
    pub(crate) fn empty_map() -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("requestOverride".to_owned(), serde_json::json!({"header": {}, "querystring": {}, "path": {}}));
        m.insert("responseOverride".to_owned(), serde_json::json!({"header": {}, "status": null}));
        m
    }

    /// What the maps hold after a render.
    pub(crate) fn from_map(o: &Map<String, Value>) -> Self {
        let pairs = |v: Option<&Value>| -> Vec<(String, String)> {
            v.and_then(Value::as_object)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), text_of(v))).collect())
                .unwrap_or_default()
        };
        let response = o.get("responseOverride");
        Self {
            status: response
                .and_then(|r| r.get("status"))
                .and_then(|s| s.as_u64().or_else(|| s.as_str().and_then(|t| t.trim().parse().ok())))
                .and_then(|s| u16::try_from(s).ok())
                .filter(|s| (100..600).contains(s)),
            response_headers: pairs(response.and_then(|r| r.get("header"))),
            request: ["header", "querystring", "path"]
                .iter()
                .flat_map(|kind| {
                    pairs(o.get("requestOverride").and_then(|r| r.get(*kind)))
                        .into_iter()
                        .map(|(k, v)| ((*kind).to_owned(), k, v))
                })
                .collect(),
        }
    }
}
