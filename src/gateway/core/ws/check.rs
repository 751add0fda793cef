//! `check_ws_definition`: parse a WebSocket API definition and report every problem with its
//! JSON path, line and column, as `check_definition` does for REST and HTTP APIs.

use std::collections::HashSet;

use serde_json::Value;

use super::definition::{WsApiDefinition, WsIntegrationDef, WsRouteDef, WsStageDef};
use super::select::{KeySelection, RouteSelection};
use crate::gateway::core::check::{DefinitionProblem, locate_all, parse_json, structural_as, typed};
use crate::gateway::core::definition::{ApiKeyDef, AuthorizerDef, UsagePlanDef};
use crate::gateway::core::handlers::AUTHORIZER_HANDLERS;
use crate::gateway::core::locate::PathSeg;
use crate::gateway::core::template::Template;
use crate::gateway::core::ws::handlers::WS_LAMBDA_HANDLERS;

/// The route keys API Gateway itself defines.
pub const PREDEFINED_ROUTES: [&str; 3] = ["$connect", "$disconnect", "$default"];

fn seg(path: &[&dyn ToSeg]) -> Vec<PathSeg> {
    path.iter().map(|s| s.seg()).collect()
}

trait ToSeg {
    fn seg(&self) -> PathSeg;
}
impl ToSeg for &str {
    fn seg(&self) -> PathSeg {
        PathSeg::Key((*self).to_owned())
    }
}
impl ToSeg for usize {
    fn seg(&self) -> PathSeg {
        PathSeg::Index(*self)
    }
}
/// Parses and validates a WebSocket definition; `Err` lists every problem found.
pub fn check_ws_definition(json: &str) -> Result<WsApiDefinition, Vec<DefinitionProblem>> {
    let value = parse_json(json)?;
    let mut problems = structural(&value);
    if problems.is_empty() {
        match serde_json::from_value::<WsApiDefinition>(value) {
            Ok(def) => {
                problems = validate_ws_definition(&def);
                if problems.is_empty() {
                    return Ok(def);
                }
            }
            Err(e) => problems.push(DefinitionProblem::new(Vec::new(), e.to_string())),
        }
    }
    locate_all(json, &mut problems);
    Err(problems)
}

fn structural(value: &Value) -> Vec<DefinitionProblem> {
    structural_as::<WsApiDefinition>(value, |name, item, prefix, out| match name {
        "stages" => drop(typed::<WsStageDef>(item, prefix, out)),
        "routes" => drop(typed::<WsRouteDef>(item, prefix, out)),
        "authorizers" => drop(typed::<AuthorizerDef>(item, prefix, out)),
        "usagePlans" => drop(typed::<UsagePlanDef>(item, prefix, out)),
        _ => drop(typed::<ApiKeyDef>(item, prefix, out)),
    })
}

/// The meaning checks for a WebSocket definition built in code (paths, no line numbers).
pub fn validate_ws_definition(def: &WsApiDefinition) -> Vec<DefinitionProblem> {
    let mut out = Vec::new();
    let mut err = |path: Vec<PathSeg>, msg: String| out.push(DefinitionProblem::new(path, msg));
    if def.name.trim().is_empty() {
        err(seg(&[&"name"]), "the API needs a name".to_owned());
    }
    if def.api_id.is_empty() || !def.api_id.bytes().all(|c| c.is_ascii_alphanumeric()) {
        err(seg(&[&"apiId"]), "apiId must be letters and digits, like w1s2k3t4u5".to_owned());
    }
    if let Err(e) = RouteSelection::parse(&def.route_selection_expression) {
        err(seg(&[&"routeSelectionExpression"]), e);
    }
    let key_selection = KeySelection::parse(&def.api_key_selection_expression);
    if let Err(e) = &key_selection {
        err(seg(&[&"apiKeySelectionExpression"]), e.clone());
    }
    if def.stages.is_empty() {
        err(seg(&[&"stages"]), "an API needs at least one stage".to_owned());
    }
    let mut stage_names = HashSet::new();
    for (i, s) in def.stages.iter().enumerate() {
        if s.name.is_empty() || !s.name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_') {
            err(seg(&[&"stages", &i, &"name"]), format!("'{}' is not a stage name (letters, digits, - and _)", s.name));
        }
        if !stage_names.insert(s.name.as_str()) {
            err(seg(&[&"stages", &i, &"name"]), format!("stage '{}' is defined twice", s.name));
        }
    }
    if def.routes.is_empty() {
        err(seg(&[&"routes"]), "a WebSocket API needs at least one route ($default catches every message)".to_owned());
    }
    let mut keys = HashSet::new();
    for (i, r) in def.routes.iter().enumerate() {
        let at = |f: &str| seg(&[&"routes", &i, &f]);
        let key = r.route_key.as_str();
        if key.is_empty() {
            err(at("routeKey"), "a route needs a routeKey".to_owned());
        } else if key.starts_with('$') && !PREDEFINED_ROUTES.contains(&key) {
            err(
                at("routeKey"),
                format!(
                    "'{key}': route keys starting with $ are reserved; the predefined ones are $connect, $disconnect and $default"
                ),
            );
        }
        if !keys.insert(key) {
            err(at("routeKey"), format!("route '{key}' is defined twice"));
        }
        if let Some(a) = &r.authorizer {
            if key != "$connect" {
                err(at("authorizer"), "a WebSocket API authorizes once, on the $connect route".to_owned());
            }
            match def.authorizers.iter().find(|x| x.name() == a.as_str()) {
                None => err(at("authorizer"), format!("no authorizer named '{a}' in $.authorizers")),
                Some(AuthorizerDef::Request { .. }) => {}
                Some(_) => err(at("authorizer"), format!("'{a}' is not a REQUEST authorizer")),
            }
        }
        if r.api_key_required && key != "$connect" {
            err(at("apiKeyRequired"), "a WebSocket API checks the API key once, on the $connect route".to_owned());
        }
        if let Some(e) = &r.route_response_selection_expression {
            if e != "$default" {
                err(
                    at("routeResponseSelectionExpression"),
                    format!("'{e}': WebSocket APIs support only the $default route response"),
                );
            }
            if key == "$connect" || key == "$disconnect" {
                err(
                    at("routeResponseSelectionExpression"),
                    format!(
                        "{key} has no open connection to answer on; route responses belong to $default and custom routes"
                    ),
                );
            }
        }
        match &r.integration {
            WsIntegrationDef::Mock { response_templates } => {
                for (k, t) in response_templates {
                    let path = seg(&[&"routes", &i, &"integration", &"responseTemplates", &k.as_str()]);
                    if k != "$default" {
                        err(path.clone(), format!("'{k}': this sandbox selects only the $default response template"));
                    }
                    if let Err(e) = Template::parse(t) {
                        err(path, format!("mapping template {e}"));
                    }
                }
            }
            WsIntegrationDef::LambdaProxy { handler } => {
                if !WS_LAMBDA_HANDLERS.contains(&handler.as_str()) {
                    err(
                        seg(&[&"routes", &i, &"integration", &"handler"]),
                        format!(
                            "no built-in WebSocket handler '{handler}' (available: {})",
                            WS_LAMBDA_HANDLERS.join(", ")
                        ),
                    );
                }
            }
        }
    }
    let mut auth_names = HashSet::new();
    for (i, a) in def.authorizers.iter().enumerate() {
        if !auth_names.insert(a.name()) {
            err(seg(&[&"authorizers", &i, &"name"]), format!("authorizer '{}' is defined twice", a.name()));
        }
        let AuthorizerDef::Request { handler, identity_source, .. } = a else {
            err(seg(&[&"authorizers", &i]), "WebSocket APIs support only REQUEST authorizers".to_owned());
            continue;
        };
        if !AUTHORIZER_HANDLERS.contains(&handler.as_str()) {
            err(
                seg(&[&"authorizers", &i, &"handler"]),
                format!("no built-in authorizer handler '{handler}' (available: {})", AUTHORIZER_HANDLERS.join(", ")),
            );
        }
        for (j, s) in identity_source.iter().enumerate() {
            if IdentityPart::parse(s).is_none() {
                err(
                    seg(&[&"authorizers", &i, &"identitySource", &j]),
                    format!("'{s}' is not route.request.header.NAME or route.request.querystring.NAME"),
                );
            }
        }
    }
    let key_names: HashSet<&str> = def.api_keys.iter().map(|k| k.name.as_str()).collect();
    for (i, plan) in def.usage_plans.iter().enumerate() {
        if plan.throttle.is_some() || plan.quota.is_some() || !plan.method_throttle.is_empty() {
            err(
                seg(&[&"usagePlans", &i]),
                "this sandbox does not meter WebSocket messages: a WebSocket usage plan here only admits its keys (no throttle, methodThrottle or quota)".to_owned(),
            );
        }
        for (j, s) in plan.stages.iter().enumerate() {
            if !stage_names.contains(s.as_str()) {
                err(seg(&[&"usagePlans", &i, &"stages", &j]), format!("no stage named '{s}'"));
            }
        }
        for (j, k) in plan.api_keys.iter().enumerate() {
            if !key_names.contains(k.as_str()) {
                err(seg(&[&"usagePlans", &i, &"apiKeys", &j]), format!("no API key named '{k}' in $.apiKeys"));
            }
        }
    }
    let (mut names, mut values) = (HashSet::new(), HashSet::new());
    for (i, k) in def.api_keys.iter().enumerate() {
        if !names.insert(&k.name) {
            err(seg(&[&"apiKeys", &i, &"name"]), format!("API key '{}' is defined twice", k.name));
        }
        if !values.insert(&k.value) {
            err(seg(&[&"apiKeys", &i, &"value"]), "two API keys have the same value".to_owned());
        }
        if k.value.len() < 20 || k.value.len() > 128 {
            err(
                seg(&[&"apiKeys", &i, &"value"]),
                "an API key value is 20 to 128 characters long, as on AWS".to_owned(),
            );
        }
    }
    out
}

/// One identity source of a WebSocket REQUEST authorizer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IdentityPart {
    Header(String),
    Query(String),
}

impl IdentityPart {
    pub(crate) fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if let Some(h) = s.strip_prefix("route.request.header.") {
            return (!h.is_empty()).then(|| Self::Header(h.to_owned()));
        }
        let q = s.strip_prefix("route.request.querystring.")?;
        (!q.is_empty()).then(|| Self::Query(q.to_owned()))
    }
}

/// Whether a definition's top-level `type` is `WEBSOCKET`, so callers pick the right checker.
/// Text that is not a JSON object is not, and its problems come from `check_definition`.
pub fn is_websocket(json: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Peek {
        #[serde(rename = "type")]
        api_type: Option<String>,
    }
    serde_json::from_str::<Peek>(json).is_ok_and(|p| p.api_type.as_deref() == Some("WEBSOCKET"))
}
