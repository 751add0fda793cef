//! What integrations and templates see of a request: the Lambda proxy events (payload 1.0 for
//! REST, 2.0 for HTTP APIs) and the `$context` object of mapping templates.

use serde_json::{Map, Value, json};

use crate::gateway::core::auth::ACCOUNT_ID;
use crate::gateway::core::definition::ApiType;
use crate::gateway::core::gateway::{CompiledRoute, Gateway};
use crate::gateway::core::pipeline::Flow;
use crate::gateway::core::responses::GatewayError;

use super::forwarded::proxy_headers;

fn domain(gw: &Gateway) -> String {
    gw.domain_name.clone()
}

fn stage_path(gw: &Gateway, path: &str) -> String {
    if gw.stage.name == "$default" { path.to_owned() } else { format!("/{}{path}", gw.stage.name) }
}

fn str_map<'a>(pairs: impl Iterator<Item = (&'a String, &'a String)>) -> Map<String, Value> {
    pairs.map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect()
}

/// `null` for an empty map, as payload 1.0 sends it.
fn or_null(m: Map<String, Value>) -> Value {
    if m.is_empty() { Value::Null } else { Value::Object(m) }
}

fn body_value(flow: &Flow<'_>) -> Value {
    if flow.req.body.is_empty() { Value::Null } else { Value::String(flow.req.body_text()) }
}

fn key_fields(gw: &Gateway, flow: &Flow<'_>) -> (Value, Value) {
    let key = flow.key.and_then(|k| gw.def.api_keys.get(k));
    (
        key.map_or(Value::Null, |k| Value::String(k.value.clone())),
        key.map_or(Value::Null, |k| Value::String(k.name.to_string())),
    )
}

/// A six-character deployment id, a pure function of the API id and stage (AWS's look like
/// `abc123`): the sandbox has one deployment per stage, so it never changes between requests.
fn deployment_id(gw: &Gateway) -> String {
    // FNV-1a: tiny, stable across builds and platforms, unlike `DefaultHasher`.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in gw.def.api_id.bytes().chain([0]).chain(gw.stage.name.bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    (0..6).map(|i| char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[((h >> (i * 6)) % 36) as usize])).collect()
}

/// The first label of the domain name, as AWS's `domainPrefix`.
fn domain_prefix(gw: &Gateway) -> String {
    gw.domain_name.split('.').next().unwrap_or_default().to_owned()
}

/// Payload 1.0's `requestContext.identity`: AWS sends every field, `null` when unknown; the API
/// key fields appear only when the request used a key.
fn identity_v1(gw: &Gateway, flow: &Flow<'_>) -> Value {
    let mut id = json!({
        "cognitoIdentityPoolId": null,
        "accountId": null,
        "cognitoIdentityId": null,
        "caller": null,
        "sourceIp": flow.req.source_ip,
        "principalOrgId": null,
        "accessKey": null,
        "cognitoAuthenticationType": null,
        "cognitoAuthenticationProvider": null,
        "userArn": null,
        "userAgent": flow.req.header("user-agent"),
        "user": null
    });
    if flow.key.is_some() {
        let (api_key, api_key_id) = key_fields(gw, flow);
        id["apiKey"] = api_key;
        id["apiKeyId"] = api_key_id;
    }
    id
}

/// The `authorizer` object of payload 1.0's request context, `None` when no authorizer ran.
fn authorizer_v1(flow: &Flow<'_>) -> Option<Map<String, Value>> {
    let a = flow.auth.as_ref()?;
    let mut m = a.context.clone();
    if let Some(p) = &a.principal_id {
        m.insert("principalId".to_owned(), Value::String(p.clone()));
    }
    if let Some(c) = &a.claims {
        m.insert("claims".to_owned(), Value::Object(c.clone()));
    }
    // A Lambda authorizer's own latency; 0 when the result came from the authorizer cache.
    if let Some(ms) = a.integration_latency {
        m.insert("integrationLatency".to_owned(), Value::from(ms));
    }
    Some(m)
}

pub(crate) fn event_v1(gw: &Gateway, flow: &Flow<'_>, route: &CompiledRoute) -> Value {
    let req = flow.req;
    let mut headers = Map::new();
    let mut multi_headers: Map<String, Value> = Map::new();
    for (k, v) in proxy_headers(flow) {
        if let Value::Array(a) = multi_headers.entry(k.clone()).or_insert_with(|| Value::Array(Vec::new())) {
            a.push(Value::String(v.clone()));
        }
        headers.insert(k, Value::String(v));
    }
    let mut query = Map::new();
    let mut multi_query: Map<String, Value> = Map::new();
    for (k, v) in &req.query {
        query.insert(k.clone(), Value::String(v.clone()));
        if let Value::Array(a) = multi_query.entry(k.clone()).or_insert_with(|| Value::Array(Vec::new())) {
            a.push(Value::String(v.clone()));
        }
    }
    let mut rc = json!({
        "accountId": ACCOUNT_ID,
        "apiId": gw.def.api_id,
        "deploymentId": deployment_id(gw),
        "domainName": domain(gw),
        "domainPrefix": domain_prefix(gw),
        "extendedRequestId": flow.apigw_id,
        "httpMethod": req.method,
        "identity": identity_v1(gw, flow),
        "path": stage_path(gw, req.path_as_sent()),
        "protocol": "HTTP/1.1",
        "requestId": flow.request_id,
        "requestTime": flow.now.clf(),
        "requestTimeEpoch": flow.now.as_millis(),
        "resourceId": format!("r{:05}", flow.route.unwrap_or(0)),
        "resourcePath": route.path,
        "stage": gw.stage.name
    });
    if let Some(a) = authorizer_v1(flow) {
        rc["authorizer"] = Value::Object(a);
    }
    let mut ev = json!({
        "resource": route.path,
        "path": req.path,
        "httpMethod": req.method,
        "headers": or_null(headers),
        "multiValueHeaders": or_null(multi_headers),
        "queryStringParameters": or_null(query),
        "multiValueQueryStringParameters": or_null(multi_query),
        "pathParameters": or_null(str_map(flow.params.iter().map(|(k, v)| (k, v)))),
        "stageVariables": or_null(str_map(gw.stage.variables.iter())),
        "requestContext": rc,
        "body": body_value(flow),
        "isBase64Encoded": false
    });
    // HTTP APIs label their payload 1.0 events; REST APIs send no `version`.
    if gw.api_type == ApiType::Http {
        ev["version"] = json!("1.0");
    }
    ev
}

pub(crate) fn event_v2(gw: &Gateway, flow: &Flow<'_>, route: &CompiledRoute) -> Value {
    let req = flow.req;
    // Payload 2.0 lower-cases header names and joins repeated values with commas.
    let mut headers: Map<String, Value> = Map::new();
    let mut cookies = Vec::new();
    for (k, v) in &proxy_headers(flow) {
        let name = k.to_ascii_lowercase();
        if name == "cookie" {
            cookies.extend(v.split(';').map(|c| Value::String(c.trim().to_owned())));
            continue;
        }
        match headers.get_mut(&name) {
            Some(Value::String(s)) => {
                s.push(',');
                s.push_str(v);
            }
            _ => {
                headers.insert(name, Value::String(v.clone()));
            }
        }
    }
    let mut query: Map<String, Value> = Map::new();
    for (k, v) in &req.query {
        match query.get_mut(k) {
            Some(Value::String(s)) => {
                s.push(',');
                s.push_str(v);
            }
            _ => {
                query.insert(k.clone(), Value::String(v.clone()));
            }
        }
    }
    let mut ev = Map::new();
    ev.insert("version".into(), json!("2.0"));
    ev.insert("routeKey".into(), json!(&*route.route_key));
    ev.insert("rawPath".into(), json!(stage_path(gw, &req.path)));
    ev.insert("rawQueryString".into(), json!(req.raw_query()));
    if !cookies.is_empty() {
        ev.insert("cookies".into(), Value::Array(cookies));
    }
    ev.insert("headers".into(), Value::Object(headers));
    if !query.is_empty() {
        ev.insert("queryStringParameters".into(), Value::Object(query));
    }
    if !flow.params.is_empty() {
        ev.insert("pathParameters".into(), Value::Object(str_map(flow.params.iter().map(|(k, v)| (k, v)))));
    }
    if !gw.stage.variables.is_empty() {
        ev.insert("stageVariables".into(), Value::Object(str_map(gw.stage.variables.iter())));
    }
    let mut rc = json!({
        "accountId": ACCOUNT_ID,
        "apiId": gw.def.api_id,
        "domainName": domain(gw),
        "domainPrefix": gw.def.api_id,
        "http": {
            "method": req.method,
            "path": stage_path(gw, &req.path),
            "protocol": "HTTP/1.1",
            "sourceIp": req.source_ip,
            "userAgent": req.header("user-agent").unwrap_or("")
        },
        "requestId": flow.request_id,
        "routeKey": &*route.route_key,
        "stage": gw.stage.name,
        "time": flow.now.clf(),
        "timeEpoch": flow.now.as_millis()
    });
    if let Some(a) = &flow.auth {
        let auth = match &a.claims {
            Some(c) => json!({"jwt": {"claims": c, "scopes": a.scopes}}),
            None => json!({"lambda": a.context}),
        };
        rc["authorizer"] = auth;
    }
    ev.insert("requestContext".into(), rc);
    if !req.body.is_empty() {
        ev.insert("body".into(), json!(req.body_text()));
    }
    ev.insert("isBase64Encoded".into(), json!(false));
    Value::Object(ev)
}

/// `$context` for mapping templates and gateway-response templates.
pub(crate) fn context_json(gw: &Gateway, flow: &Flow<'_>, error: Option<&GatewayError>) -> Value {
    let route = flow.route.and_then(|r| gw.routes.get(r));
    let (api_key, api_key_id) = key_fields(gw, flow);
    let mut authorizer = authorizer_v1(flow).unwrap_or_default();
    if let Some(c) = flow.auth.as_ref().and_then(|a| a.claims.as_ref()) {
        authorizer.insert("claims".to_owned(), Value::Object(c.clone()));
    }
    let message = error.and_then(|e| e.message(gw.api_type));
    json!({
        "accountId": ACCOUNT_ID,
        "apiId": gw.def.api_id,
        "authorizer": authorizer,
        "domainName": domain(gw),
        "error": {
            "message": message,
            "messageString": message.as_ref().map_or_else(|| "null".to_owned(), |m| Value::String(m.clone()).to_string()),
            "responseType": error.map(GatewayError::response_type)
        },
        "extendedRequestId": flow.apigw_id,
        "httpMethod": flow.req.method,
        "identity": {
            "sourceIp": flow.req.source_ip,
            "userAgent": flow.req.header("user-agent"),
            "apiKey": api_key,
            "apiKeyId": api_key_id
        },
        "path": stage_path(gw, flow.req.path_as_sent()),
        "protocol": "HTTP/1.1",
        "requestId": flow.request_id,
        "requestTime": flow.now.clf(),
        "requestTimeEpoch": flow.now.as_millis(),
        "resourceId": format!("r{:05}", flow.route.unwrap_or(0)),
        "resourcePath": route.map(|r| r.path.as_str()),
        "stage": gw.stage.name
    })
}
