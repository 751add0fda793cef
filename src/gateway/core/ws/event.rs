//! The Lambda events of a WebSocket API, shaped as AWS sends them: `requestContext` with
//! `routeKey`, `eventType` (CONNECT, MESSAGE, DISCONNECT), `connectionId`, `messageId`,
//! `connectedAt`, `requestTimeEpoch`, `domainName`, `stage` and `apiId`; headers and query
//! string on CONNECT (and headers on DISCONNECT); the message `body` on MESSAGE.
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-route-keys-connect-disconnect.html>

use serde_json::{Map, Value, json};

use super::gateway::Connection;
use crate::gateway::core::time::VirtualTime;

/// What every event's `requestContext` shares.
pub(super) struct ContextFields<'a> {
    pub route_key: &'a str,
    pub event_type: &'static str,
    pub request_id: &'a str,
    pub stage: &'a str,
    pub api_id: &'a str,
    pub domain_name: &'a str,
    pub now: VirtualTime,
}

pub(super) fn request_context(f: &ContextFields<'_>, conn: &Connection) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("routeKey".into(), json!(f.route_key));
    m.insert("eventType".into(), json!(f.event_type));
    m.insert("extendedRequestId".into(), json!(f.request_id));
    m.insert("requestTime".into(), json!(f.now.clf()));
    m.insert("messageDirection".into(), json!("IN"));
    m.insert("stage".into(), json!(f.stage));
    m.insert("connectedAt".into(), json!(conn.connected_at.as_millis()));
    m.insert("requestTimeEpoch".into(), json!(f.now.as_millis()));
    m.insert("identity".into(), json!({"sourceIp": conn.source_ip, "userAgent": conn.user_agent}));
    m.insert("requestId".into(), json!(f.request_id));
    m.insert("domainName".into(), json!(f.domain_name));
    m.insert("connectionId".into(), json!(conn.id));
    m.insert("apiId".into(), json!(f.api_id));
    if !conn.authorizer.is_empty() || conn.principal_id.is_some() {
        let mut a = conn.authorizer.clone();
        if let Some(p) = &conn.principal_id {
            a.insert("principalId".into(), json!(p));
        }
        m.insert("authorizer".into(), Value::Object(a));
    }
    m
}

fn pairs_to_object(pairs: &[(String, String)]) -> Value {
    // The last value wins, as in AWS's single-value maps.
    Value::Object(pairs.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
}

fn multi(pairs: &[(String, String)]) -> Value {
    let mut m: Map<String, Value> = Map::new();
    for (k, v) in pairs {
        if let Some(Value::Array(a)) = m.get_mut(k) {
            a.push(json!(v));
        } else {
            m.insert(k.clone(), json!([v]));
        }
    }
    Value::Object(m)
}

/// The `$connect` event: headers, query string, and the context.
pub(super) fn connect_event(f: &ContextFields<'_>, conn: &Connection) -> Value {
    let mut e = Map::new();
    e.insert("headers".into(), pairs_to_object(&conn.headers));
    e.insert("multiValueHeaders".into(), multi(&conn.headers));
    if !conn.query.is_empty() {
        e.insert("queryStringParameters".into(), pairs_to_object(&conn.query));
        e.insert("multiValueQueryStringParameters".into(), multi(&conn.query));
    }
    e.insert("requestContext".into(), Value::Object(request_context(f, conn)));
    e.insert("isBase64Encoded".into(), json!(false));
    Value::Object(e)
}

/// A message event: the body as received, and a `messageId`.
pub(super) fn message_event(
    f: &ContextFields<'_>,
    conn: &Connection,
    body: &str,
    base64: bool,
    message_id: &str,
) -> Value {
    let mut ctx = request_context(f, conn);
    ctx.insert("messageId".into(), json!(message_id));
    json!({"requestContext": ctx, "body": body, "isBase64Encoded": base64})
}

/// The `$disconnect` event, with the close code and reason.
pub(super) fn disconnect_event(f: &ContextFields<'_>, conn: &Connection, code: u16, reason: &str) -> Value {
    let mut ctx = request_context(f, conn);
    ctx.insert("disconnectStatusCode".into(), json!(code));
    ctx.insert("disconnectReason".into(), json!(reason));
    json!({"headers": pairs_to_object(&conn.headers), "multiValueHeaders": multi(&conn.headers), "requestContext": ctx, "isBase64Encoded": false})
}

/// The REQUEST authorizer's event on `$connect`.
pub(super) fn authorizer_event(f: &ContextFields<'_>, conn: &Connection, arn: &str, stage_vars: &Value) -> Value {
    let mut e = connect_event(f, conn);
    if let Value::Object(m) = &mut e {
        m.insert("type".into(), json!("REQUEST"));
        m.insert("methodArn".into(), json!(arn));
        m.insert("stageVariables".into(), stage_vars.clone());
        m.remove("isBase64Encoded");
    }
    e
}
