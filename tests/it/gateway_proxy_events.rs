//! The Lambda proxy events the gateway builds, field by field, against what AWS sends: header
//! case, `requestContext` fields, request ids, and the documented request quirks.

use crate::gateway_common as common;

use common::*;
use gatewise::gateway::Request;
use serde_json::Value;

/// An HTTP API with one echo route per payload version.
const HTTP_ECHO: &str = r#"{
  "name": "http-echo", "type": "HTTP",
  "stages": [{ "name": "$default" }],
  "routes": [
    { "method": "GET", "path": "/v1", "integration": { "type": "AWS_PROXY", "handler": "echo", "payloadFormatVersion": "1.0" } },
    { "method": "GET", "path": "/v2", "integration": { "type": "AWS_PROXY", "handler": "echo", "payloadFormatVersion": "2.0" } }
  ]
}"#;

fn event(r: &gatewise::gateway::Response) -> Value {
    serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("the echo handler returns the event as JSON: {e}"))
}

/// Payload 1.0 passes header names as the client spelled them (the issue's observation on AWS: a
/// `tEsT-HEADeR` header arrives with that exact case in `headers` and `multiValueHeaders`).
/// Payload 2.0 lower-cases them (`shared/reference/gateway-semantics.md` §3.4, from
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
/// The core keeps the caller's spelling; over loopback, hyper lower-cases names before the core
/// sees them, which is the server shell's to change.
#[test]
fn payload_1_0_keeps_the_clients_header_case_and_2_0_lower_cases() {
    let mut gw = gateway("lambda-proxy", "dev");
    let req = Request::get("/echo/a").with_header("tEsT-HEADeR", "v1").with_header("tEsT-HEADeR", "v2");
    let (r, _) = send(&mut gw, req, day0());
    let ev = event(&r);
    assert_eq!(ev["headers"]["tEsT-HEADeR"], "v2", "the last value wins in headers");
    assert_eq!(ev["multiValueHeaders"]["tEsT-HEADeR"], serde_json::json!(["v1", "v2"]));
    assert!(ev["headers"].get("test-header").is_none(), "no lower-cased copy: {}", ev["headers"]);

    let mut http = gateway_from(HTTP_ECHO, "$default");
    let (r, _) = send(&mut http, Request::get("/v1").with_header("tEsT-HEADeR", "x"), day0());
    assert_eq!(event(&r)["headers"]["tEsT-HEADeR"], "x", "payload 1.0 on an HTTP API keeps the case too");
    let (r, _) = send(&mut http, Request::get("/v2").with_header("tEsT-HEADeR", "x"), day0());
    assert_eq!(event(&r)["headers"]["test-header"], "x");
}

/// `requestContext` as AWS's example payload 1.0 event has it
/// (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format):
/// `deploymentId`, `domainPrefix`, every `identity` field (null when unknown), no `authorizer`
/// without an authorizer and no API-key fields without a key; a Lambda authorizer adds
/// `authorizer.integrationLatency`.
#[test]
fn payload_1_0_request_context_matches_aws() {
    let mut gw = gateway("authorizers", "dev");
    let (r, _) = send(&mut gw, Request::get("/public").with_header("User-Agent", "curl/8"), day0());
    let rc = &event(&r)["requestContext"];
    assert_eq!(rc["deploymentId"].as_str().map(str::len), Some(6), "{rc}");
    assert_eq!(rc["domainPrefix"], rc["domainName"].as_str().and_then(|d| d.split('.').next()).unwrap_or("-"));
    assert!(rc.get("authorizer").is_none(), "no authorizer ran: {rc}");
    let id = &rc["identity"];
    for field in ["cognitoIdentityPoolId", "accountId", "principalOrgId", "accessKey", "userArn", "caller", "user"] {
        assert_eq!(id.get(field), Some(&Value::Null), "identity.{field} in {id}");
    }
    assert_eq!((id["userAgent"].as_str(), id.get("apiKey")), (Some("curl/8"), None));

    let auth = || Request::get("/pets").with_header("Authorization", "allow");
    let (r, _) = send(&mut gw, auth(), day0());
    let latency = &event(&r)["requestContext"]["authorizer"]["integrationLatency"];
    assert!(latency.as_u64().is_some_and(|ms| ms > 0), "the Lambda authorizer ran: {latency}");
    let (r, _) = send(&mut gw, auth(), day0().plus_millis(10));
    assert_eq!(event(&r)["requestContext"]["authorizer"]["integrationLatency"], 0, "a cached result costs nothing");
    assert_eq!(event(&r)["requestContext"]["deploymentId"], rc["deploymentId"], "one deployment per stage");
}

/// HTTP API payload 1.0 events carry `"version": "1.0"` and HTTP API request ids are the short
/// base64-like form (`Mc7UVioPPHcEKPA=`) in the event and in `apigw-requestid`
/// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html,
/// example events); REST events have no `version` and keep UUID request ids.
#[test]
fn http_api_events_are_versioned_and_use_short_request_ids() {
    let mut http = gateway_from(HTTP_ECHO, "$default");
    let (r, _) = send(&mut http, Request::get("/v1"), day0());
    let ev = event(&r);
    assert_eq!(ev["version"], "1.0");
    let id = ev["requestContext"]["requestId"].as_str().unwrap_or_default().to_owned();
    assert_eq!((id.len(), id.ends_with('='), id.contains('-')), (16, true, false), "{id}");
    assert_eq!(r.header("apigw-requestid"), Some(id.as_str()));
    let (r, _) = send(&mut http, Request::get("/v2"), day0());
    let id2 = event(&r)["requestContext"]["requestId"].as_str().unwrap_or_default().to_owned();
    assert_eq!(id2.len(), 16);
    assert_ne!(id, id2, "ids follow the request counter");

    let mut rest = gateway("lambda-proxy", "dev");
    let (r, _) = send(&mut rest, Request::get("/echo/a"), day0());
    let ev = event(&r);
    assert!(ev.get("version").is_none());
    assert_eq!(ev["requestContext"]["requestId"].as_str().map(str::len), Some(36));
}
