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
