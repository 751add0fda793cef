//! Golden snapshots of every gateway-generated error: status, headers and body, exactly.
//! Request ids are deterministic under the virtual clock, so they are part of the snapshot.

use crate::gateway_common as common;

use common::*;
use gatewise::gateway::core::jwt::mint_hs256;
use gatewise::gateway::{Gateway, Request, Response, ShellRefusal};
use serde_json::json;

fn show(r: &Response) -> String {
    let mut s = format!("{}\n", r.status);
    for (k, v) in &r.headers {
        s.push_str(&format!("{k}: {v}\n"));
    }
    s.push('\n');
    s.push_str(&r.body_text());
    s
}

fn snap(gw: &mut Gateway, req: Request) -> String {
    show(&send(gw, req, day0()).0)
}

const HTTP_ERRORS: &str = r#"{
  "name": "http-errors", "type": "HTTP",
  "stages": [{ "name": "$default", "throttle": { "rateLimit": 1, "burstLimit": 1 } }],
  "routes": [
    { "method": "GET", "path": "/slow", "integration": { "type": "AWS_PROXY", "handler": "slow" } },
    { "method": "GET", "path": "/malformed", "integration": { "type": "AWS_PROXY", "handler": "malformed", "payloadFormatVersion": "1.0" } },
    { "method": "GET", "path": "/locked", "authorizer": "Lam", "integration": { "type": "AWS_PROXY", "handler": "echo" } },
    { "method": "POST", "path": "/jwt", "authorizer": "Jwt", "authorizationScopes": ["w"], "integration": { "type": "AWS_PROXY", "handler": "echo" } }
  ],
  "authorizers": [
    { "type": "REQUEST", "name": "Lam", "handler": "authorizer", "identitySource": ["$request.header.Authorization"] },
    { "type": "JWT", "name": "Jwt", "issuer": "iss", "audience": ["aud"], "secret": "s" }
  ]
}"#;

#[test]
fn rest_error_responses() {
    let mut keys = gateway("api-keys", "dev");
    insta::assert_snapshot!("rest_missing_authentication_token", snap(&mut keys, Request::get("/nope")));
    insta::assert_snapshot!("rest_invalid_api_key", snap(&mut keys, Request::get("/pets")));

    let mut auth = gateway("authorizers", "dev");
    let tok = |t: &str| Request::get("/pets").with_header("Authorization", t);
    insta::assert_snapshot!("rest_access_denied_explicit", snap(&mut auth, tok("deny")));
    insta::assert_snapshot!("rest_unauthorized", snap(&mut auth, tok("unauthorized")));
    insta::assert_snapshot!("rest_authorizer_failure", snap(&mut auth, tok("fail")));
    send(&mut auth, Request::get("/files/a").with_header("Authorization", "allow"), day0());
    insta::assert_snapshot!(
        "rest_access_denied_implicit",
        snap(&mut auth, Request::get("/files/b").with_header("Authorization", "allow"))
    );

    let mut thr = gateway_from(&asset("throttling"), "dev");
    let keyed = || Request::get("/keyed/pets").with_header("x-api-key", DEMO_KEY);
    send(&mut thr, keyed(), day0());
    insta::assert_snapshot!("rest_throttled", snap(&mut thr, keyed()));

    let mut quota = gateway("quotas", "dev");
    let q = || Request::get("/pets").with_header("x-api-key", DEMO_KEY);
    for _ in 0..3 {
        send(&mut quota, q(), day0());
    }
    insta::assert_snapshot!("rest_quota_exceeded", snap(&mut quota, q()));

    let mut errs = gateway("timeouts-and-errors", "dev");
    insta::assert_snapshot!("rest_integration_timeout", snap(&mut errs, Request::get("/slow")));
    insta::assert_snapshot!("rest_malformed_proxy_response", snap(&mut errs, Request::get("/malformed")));
    insta::assert_snapshot!(
        "rest_request_too_large",
        // Over AWS's own 10 MB (as the server shell reports a declared length), so the answer
        // is AWS's; a body under 10 MB would name the sandbox's cap instead.
        snap(
            &mut errs,
            Request::new("POST", "/upload").with_refusal(ShellRefusal::BodyTooLarge { bytes: 10 * 1024 * 1024 + 1 })
        )
    );
    insta::assert_snapshot!(
        "rest_bad_request_parameters",
        snap(&mut errs, Request::new("POST", "/validated").with_body("{}"))
    );
    insta::assert_snapshot!(
        "rest_bad_request_body",
        snap(&mut errs, Request::new("POST", "/validated?q=1").with_body("not json"))
    );

    let mut tpl = gateway("mapping-templates", "dev");
    insta::assert_snapshot!(
        "rest_api_configuration_error",
        snap(&mut tpl, Request::new("POST", "/greet").with_body(r#"{"name":"O'Brien"}"#))
    );

    let strict = asset("caching").replace("SUCCEED_WITH_RESPONSE_HEADER", "FAIL_WITH_403");
    let mut cache = gateway_from(&strict, "dev");
    insta::assert_snapshot!(
        "rest_cache_invalidation_denied",
        snap(&mut cache, Request::get("/pets/1").with_header("Cache-Control", "max-age=0"))
    );

    let mut cors = gateway("cors", "dev");
    insta::assert_snapshot!("rest_default_4xx_with_cors_header", snap(&mut cors, Request::get("/pets")));
}

#[test]
fn http_api_error_responses() {
    let mut gw = gateway_from(HTTP_ERRORS, "$default");
    insta::assert_snapshot!("http_not_found", snap(&mut gw, Request::get("/nope")));
    let mut gw = gateway_from(HTTP_ERRORS, "$default");
    insta::assert_snapshot!("http_service_unavailable_on_timeout", snap(&mut gw, Request::get("/slow")));
    let mut gw = gateway_from(HTTP_ERRORS, "$default");
    insta::assert_snapshot!("http_malformed_proxy_response", snap(&mut gw, Request::get("/malformed")));
    let mut gw = gateway_from(HTTP_ERRORS, "$default");
    send(&mut gw, Request::get("/malformed"), day0());
    insta::assert_snapshot!("http_throttled", snap(&mut gw, Request::get("/malformed")));
    let mut gw = gateway_from(HTTP_ERRORS, "$default");
    insta::assert_snapshot!(
        "http_lambda_authorizer_forbidden",
        snap(&mut gw, Request::get("/locked").with_header("Authorization", "deny"))
    );
    let mut gw = gateway_from(HTTP_ERRORS, "$default");
    insta::assert_snapshot!("http_lambda_authorizer_unauthorized", snap(&mut gw, Request::get("/locked")));
    let mut gw = gateway_from(HTTP_ERRORS, "$default");
    insta::assert_snapshot!(
        "http_authorizer_failure",
        snap(&mut gw, Request::get("/locked").with_header("Authorization", "fail"))
    );
    let secs = day0().as_millis() / 1000;
    let expired = mint_hs256(&json!({"iss": "iss", "aud": "aud", "exp": secs}), "s");
    let mut gw = gateway_from(HTTP_ERRORS, "$default");
    insta::assert_snapshot!(
        "http_jwt_expired",
        snap(&mut gw, Request::new("POST", "/jwt").with_header("Authorization", &format!("Bearer {expired}")))
    );
    let no_scope = mint_hs256(&json!({"iss": "iss", "aud": "aud", "exp": secs + 60, "scope": "r"}), "s");
    let mut gw = gateway_from(HTTP_ERRORS, "$default");
    insta::assert_snapshot!(
        "http_jwt_insufficient_scope",
        snap(&mut gw, Request::new("POST", "/jwt").with_header("Authorization", &format!("Bearer {no_scope}")))
    );
}

/// AWS writes the Lambda-failure body with a space after the colon, 36 bytes:
/// "the body of the response from API Gateway is `{"message": "Internal server error"}`"
/// (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html). The timeout
/// body is reported the same way (`shared/reference/gateway-semantics.md` §3.3), while the
/// template-built gateway responses (`{"message":$context.error.messageString}`) have no space.
#[test]
fn rest_integration_failure_bodies_keep_aws_spacing() {
    let mut errs = gateway("timeouts-and-errors", "dev");
    let (r, _) = send(&mut errs, Request::get("/malformed"), day0());
    assert_eq!((r.status, r.body_text().as_str()), (502, r#"{"message": "Internal server error"}"#));
    assert_eq!(r.body.len(), 36);
    let (r, _) = send(&mut errs, Request::get("/slow"), day0());
    assert_eq!(r.body_text(), r#"{"message": "Endpoint request timed out"}"#);
    let (r, _) = send(&mut errs, Request::get("/nope"), day0());
    assert_eq!(r.body_text(), r#"{"message":"Missing Authentication Token"}"#);
    // HTTP APIs answer a malformed payload with their own wording and no space.
    let mut gw = gateway_from(HTTP_ERRORS, "$default");
    let (r, _) = send(&mut gw, Request::get("/malformed"), day0());
    assert_eq!((r.status, r.body_text().as_str()), (500, r#"{"message":"Internal Server Error"}"#));
}
