//! The WebSocket API definition file format (serde types): `"type": "WEBSOCKET"`, a route
//! selection expression, routes keyed by route key (`$connect`, `$disconnect`, `$default`,
//! custom keys), REQUEST authorizers and API keys. Field names follow AWS's API Gateway v2 names
//! (`routeSelectionExpression`, `routeKey`, `routeResponseSelectionExpression`).
//!
//! Validation beyond what serde checks lives in `ws/check.rs`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::gateway::core::definition::{ApiKeyDef, AuthorizerDef, UsagePlanDef};

/// A whole WebSocket API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WsApiDefinition {
    pub name: String,
    /// Always `WEBSOCKET`; REST and HTTP definitions are `ApiDefinition`s.
    #[serde(rename = "type")]
    pub api_type: WsType,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default = "default_api_id")]
    pub api_id: String,
    /// Evaluated against each incoming message to pick its route.
    #[serde(default = "default_route_selection")]
    pub route_selection_expression: String,
    /// Where `$connect` looks for the API key.
    #[serde(default = "default_api_key_selection")]
    pub api_key_selection_expression: String,
    pub stages: Vec<WsStageDef>,
    pub routes: Vec<WsRouteDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorizers: Vec<AuthorizerDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usage_plans: Vec<UsagePlanDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_keys: Vec<ApiKeyDef>,
}

/// The one value of `type` this format takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WsType {
    #[serde(rename = "WEBSOCKET")]
    WebSocket,
}

fn default_api_id() -> String {
    "w1s2k3t4u5".to_owned()
}

/// AWS's console default.
pub(crate) fn default_route_selection() -> String {
    "$request.body.action".to_owned()
}

/// AWS's default for WebSocket APIs.
fn default_api_key_selection() -> String {
    "$request.header.x-api-key".to_owned()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WsStageDef {
    pub name: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WsRouteDef {
    /// `$connect`, `$disconnect`, `$default` or a custom key such as `sendmessage`.
    pub route_key: String,
    /// `$connect` only: the name of a REQUEST authorizer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorizer: Option<String>,
    /// `$connect` only: the connection needs a valid API key.
    #[serde(default)]
    pub api_key_required: bool,
    /// `$default` makes the route two-way: the integration's response goes back to the caller.
    /// Without it the route is one-way and the caller gets nothing back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_response_selection_expression: Option<String>,
    pub integration: WsIntegrationDef,
}

/// Where a WebSocket route sends its event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum WsIntegrationDef {
    /// API Gateway answers by itself; the `$default` response template is the reply.
    #[serde(rename = "MOCK", rename_all = "camelCase")]
    Mock {
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        response_templates: BTreeMap<String, String>,
    },
    /// Lambda proxy to a built-in WebSocket function (`echo`, `chat`).
    #[serde(rename = "AWS_PROXY", rename_all = "camelCase")]
    LambdaProxy { handler: String },
}
