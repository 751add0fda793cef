//! Virtual-clock scenarios for integrations and responses: timeouts, errors, REST vs HTTP, CORS,
//! JWT, stages, templates, Lambda proxy, metrics and the access log.

use crate::gateway_common as common;

use common::*;
use gatewise::gateway::core::jwt::mint_hs256;
use gatewise::gateway::{Phase, Request, VirtualTime};
use serde_json::{Value, json};

#[test]
fn timeouts_malformed_payloads_and_validation() {
    let mut gw = gateway("timeouts-and-errors", "dev");
    let t = day0();
    let (r, tr) = send(&mut gw, Request::get("/slow"), t);
    assert_eq!((r.status, r.body_text().as_str()), (504, r#"{"message": "Endpoint request timed out"}"#));
    assert_eq!((tr.integration_latency_ms, tr.latency_ms), (Some(29_000), 29_001));
    assert_eq!(status(&mut gw, Request::get("/slow?ms=2000"), t), 200);
    assert_eq!(status(&mut gw, Request::get("/slow?ms=29000"), t), 504, "29 s exactly is already too late");
    assert_eq!(status(&mut gw, Request::get("/quick?ms=1500"), t), 504);
    assert_eq!(status(&mut gw, Request::get("/backend-slow"), t), 504);
    let (r, _) = send(&mut gw, Request::get("/malformed"), t);
    assert_eq!((r.status, r.body_text().as_str()), (502, r#"{"message": "Internal server error"}"#));
    assert_eq!(status(&mut gw, Request::new("POST", "/upload").with_body(vec![b'x'; 1025]), t), 413);
    assert_eq!(status(&mut gw, Request::new("POST", "/upload").with_body(vec![b'x'; 1024]), t), 200);
    let (r, _) = send(&mut gw, Request::new("POST", "/validated").with_body(r#"{"name":"a"}"#), t);
    assert_eq!((r.status, r.body_text().as_str()), (400, r#"{"message":"Missing required request parameters: [q]"}"#));
    let (r, _) = send(&mut gw, Request::new("POST", "/validated?q=1").with_body(r#"{"age":"old"}"#), t);
    assert_eq!((r.status, r.body_text().as_str()), (400, r#"{"message":"Invalid request body"}"#));
    assert_eq!(status(&mut gw, Request::new("POST", "/validated?q=1").with_body(r#"{"name":"a","age":3}"#), t), 200);
}

#[test]
fn rest_answers_403_where_http_answers_404() {
    let mut rest = gateway("rest-vs-http-rest", "dev");
    let mut http = gateway("rest-vs-http-http", "$default");
    let t = day0();
    for req in [Request::get("/nope"), Request::new("DELETE", "/pets/1")] {
        let (r, _) = send(&mut rest, req.clone(), t);
        assert_eq!((r.status, r.body_text().as_str()), (403, r#"{"message":"Missing Authentication Token"}"#));
        assert_eq!(r.header("x-amzn-ErrorType"), Some("MissingAuthenticationTokenException"));
        let (r, _) = send(&mut http, req, t);
        assert_eq!((r.status, r.body_text().as_str()), (404, r#"{"message":"Not Found"}"#));
        assert!(r.header("apigw-requestid").is_some() && r.header("x-amzn-RequestId").is_none());
    }
    let (r, _) =
        send(&mut http, Request::get("/echo?a=1&a=2").with_header("X-Multi", "x").with_header("x-multi", "y"), t);
    let ev: Value = serde_json::from_slice(&r.body).expect("event");
    assert_eq!((ev["version"].as_str(), ev["routeKey"].as_str()), (Some("2.0"), Some("GET /echo")));
    assert_eq!(ev["queryStringParameters"]["a"], "1,2");
    assert_eq!(ev["headers"]["x-multi"], "x,y");
    let (r, _) = send(&mut rest, Request::get("/echo?a=1&a=2"), t);
    let ev: Value = serde_json::from_slice(&r.body).expect("event");
    assert_eq!(ev["multiValueQueryStringParameters"]["a"], json!(["1", "2"]));
    assert_eq!(ev["queryStringParameters"]["a"], "2");
    assert_eq!(status(&mut rest, Request::get("/backend/pets/2"), t), 200);
    assert_eq!(status(&mut http, Request::get("/backend/pets/9"), t), 404, "the back end's own 404 passes through");
}

#[test]
fn rest_cors_is_a_mock_and_gateway_errors_need_default_4xx() {
    let mut gw = gateway("cors", "dev");
    let t = day0();
    let (r, _) = send(&mut gw, Request::new("OPTIONS", "/pets").with_header("Origin", "https://app.example.com"), t);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Access-Control-Allow-Methods"), Some("GET,OPTIONS"));
    let (r, _) = send(&mut gw, Request::get("/pets"), t);
    assert_eq!((r.status, r.header("Access-Control-Allow-Origin")), (403, Some("https://app.example.com")));
    let without = asset("cors").replace("\"gatewayResponses\"", "\"_\"").replace(",\n  \"_\": {\n    \"DEFAULT_4XX\": { \"responseParameters\": { \"gatewayresponse.header.Access-Control-Allow-Origin\": \"'https://app.example.com'\" } }\n  }", "");
    let mut plain = gateway_from(&without, "dev");
    let (r, _) = send(&mut plain, Request::get("/pets"), t);
    assert_eq!(
        (r.status, r.header("Access-Control-Allow-Origin")),
        (403, None),
        "a gateway 403 has no CORS headers by default"
    );
}

#[test]
fn http_api_cors_answers_preflight_itself() {
    let mut gw = gateway("cors-http", "$default");
    let t = day0();
    let pre = Request::new("OPTIONS", "/pets")
        .with_header("Origin", "https://app.example.com")
        .with_header("Access-Control-Request-Method", "POST");
    let (r, tr) = send(&mut gw, pre, t);
    assert_eq!((r.status, r.header("Access-Control-Allow-Methods")), (204, Some("GET,POST")));
    assert_eq!(r.header("Access-Control-Max-Age"), Some("600"));
    assert!(tr.step(Phase::Route).is_none(), "no route runs for a preflight");
    let (r, _) = send(&mut gw, Request::get("/pets").with_header("Origin", "https://app.example.com"), t);
    assert_eq!(r.header("Access-Control-Allow-Origin"), Some("https://app.example.com"));
    let (r, _) = send(&mut gw, Request::get("/pets").with_header("Origin", "https://evil.example"), t);
    assert_eq!(r.header("Access-Control-Allow-Origin"), None);
}

fn token(claims: Value) -> String {
    format!("Bearer {}", mint_hs256(&claims, "gatewise-lab-secret"))
}

#[test]
fn jwt_authorizer_checks_claims_and_scopes() {
    let mut gw = gateway("jwt", "$default");
    let now = day0();
    let secs = now.as_millis() / 1000;
    let good = json!({"iss": "https://auth.gatewise.local", "aud": "pets-app", "sub": "ada", "exp": secs + 3600, "scope": "pets/read"});
    let (r, _) = send(&mut gw, Request::get("/me").with_header("Authorization", &token(good.clone())), now);
    assert_eq!(r.status, 200);
    let ev: Value = serde_json::from_slice(&r.body).expect("event");
    assert_eq!(ev["requestContext"]["authorizer"]["jwt"]["claims"]["sub"], "ada");
    let (r, _) = send(
        &mut gw,
        Request::get("/pets").with_header("Authorization", &token(good.clone())),
        now.plus_millis(3_600_000),
    );
    assert_eq!((r.status, r.body_text().as_str()), (401, r#"{"message":"Unauthorized"}"#));
    assert_eq!(
        r.header("www-authenticate"),
        Some("Bearer scope=\"\" error=\"invalid_token\" error_description=\"the token has expired\"")
    );
    let mut wrong = good.clone();
    wrong["aud"] = json!("other-app");
    let (r, _) = send(&mut gw, Request::get("/pets").with_header("Authorization", &token(wrong)), now);
    assert!(r.header("www-authenticate").is_some_and(|w| w.contains("valid audience")));
    let (r, _) = send(&mut gw, Request::new("POST", "/pets").with_header("Authorization", &token(good)), now);
    assert_eq!((r.status, r.body_text().as_str()), (403, r#"{"message":"Forbidden"}"#));
    assert_eq!(status(&mut gw, Request::get("/pets"), now), 401);
    assert_eq!(status(&mut gw, Request::get("/anything/else"), now), 200, "$default catches unmatched routes");
}

#[test]
fn stage_variables_differ_by_stage() {
    let mut dev = gateway("stages", "dev");
    let mut prod = gateway("stages", "prod");
    let t = day0();
    let body = |gw: &mut gatewise::gateway::Gateway| -> Value {
        serde_json::from_slice(&send(gw, Request::get("/whoami"), t).0.body).expect("json")
    };
    assert_eq!(body(&mut dev)["table"], "pets-dev");
    assert_eq!(body(&mut prod)["table"], "pets-prod");
    assert_eq!(body(&mut prod)["stage"], "prod");
    assert_eq!(status(&mut prod, Request::get("/whoami"), t), 429, "prod's burst of 2 is used up");
    assert_eq!(status(&mut dev, Request::get("/whoami"), t), 200);
}

#[test]
fn mapping_templates_shape_both_ways() {
    let mut gw = gateway("mapping-templates", "dev");
    let t = day0();
    let (r, _) = send(&mut gw, Request::new("POST", "/greet").with_body(r#"{"name":"Ada","tags":["x","y"]}"#), t);
    assert_eq!(r.status, 200, "{}", r.body_text());
    let v: Value = serde_json::from_slice(&r.body).expect("json");
    assert_eq!((v["message"].as_str(), v["tagCount"].as_i64()), (Some("Hello, Ada!"), Some(2)));
    assert_eq!(r.header("X-Greeting-Stage"), Some("dev"));
    let (r, _) = send(&mut gw, Request::get("/items/404"), t);
    assert_eq!((r.status, r.body_text().as_str()), (404, r#"{"message": "item 404 not found"}"#));
    let (r, _) = send(&mut gw, Request::get("/pets/2"), t);
    assert_eq!(r.body_text(), r#"{"pet": "cat", "priceUsd": 124.99}"#);
    let (r, tr) = send(&mut gw, Request::new("POST", "/greet").with_body(r#"{"name":"O'Brien"}"#), t);
    assert_eq!(r.status, 500, "escapeJavaScript turns ' into \\', which is not JSON");
    assert!(tr.step(Phase::IntegrationRequest).expect("step").detail.contains("did not render JSON"));
}

#[test]
fn lambda_proxy_pets_crud_and_events() {
    let mut gw = gateway("lambda-proxy", "dev");
    let t = day0();
    let post = Request::new("POST", "/pets").with_header("Content-Type", "application/json");
    let (r, _) = send(&mut gw, post.with_body(r#"{"type":"bird","price":5}"#), t);
    assert_eq!((r.status, r.body_text().as_str()), (201, r#"{"id":4,"price":5.0,"type":"bird"}"#));
    // As AWS's PetStore, JSON only: a text/plain POST (what a page can send cross-site) is refused.
    let plain = Request::new("POST", "/pets").with_header("Content-Type", "text/plain").with_body(r#"{"type":"x"}"#);
    assert_eq!(status(&mut gw, plain, t), 415);
    assert_eq!(status(&mut gw, Request::get("/pets/4"), t), 200);
    assert_eq!(status(&mut gw, Request::new("DELETE", "/pets/4"), t), 200);
    assert_eq!(status(&mut gw, Request::get("/pets/4"), t), 404);
    let (r, _) =
        send(&mut gw, Request::new("PUT", "/echo/a/b?x=1").with_header("User-Agent", "curl/8").with_body("hi"), t);
    let ev: Value = serde_json::from_slice(&r.body).expect("event");
    assert_eq!(ev["resource"], "/echo/{proxy+}");
    assert_eq!(ev["pathParameters"]["proxy"], "a/b");
    assert_eq!(ev["stageVariables"]["table"], "pets-dev");
    assert_eq!(ev["requestContext"]["identity"]["userAgent"], "curl/8");
    assert_eq!(ev["body"], "hi");
    assert_eq!(status(&mut gw, Request::get("/mock-pets"), t), 200);
}

#[test]
fn metrics_and_access_log_cover_every_request() {
    let mut gw = gateway("caching", "dev");
    let t = VirtualTime::from_utc(2026, 11, 25, 16, 44, 0).expect("date");
    send(&mut gw, Request::get("/pets/1"), t);
    send(&mut gw, Request::get("/pets/1"), t.plus_millis(1000));
    send(&mut gw, Request::get("/nope"), t.plus_millis(2000));
    send(&mut gw, Request::get("/pets/1"), t.plus_millis(61_000));
    let m = gw.metrics();
    let totals: Vec<_> = m.totals().collect();
    assert_eq!(totals.len(), 2, "two minutes");
    assert_eq!(
        (totals[0].count, totals[0].error_4xx, totals[0].cache_hit_count, totals[0].cache_miss_count),
        (3, 1, 1, 1)
    );
    assert_eq!(totals[0].latency_ms.max, 5.0);
    assert_eq!(totals[1].count, 1);
    let per_route = m.datapoints.iter().find(|d| d.resource.as_deref() == Some("/pets/{id}")).expect("route datum");
    assert_eq!(
        (per_route.api_name.as_str(), per_route.stage.as_str(), per_route.method.as_deref()),
        ("Caching lab", "dev", Some("GET"))
    );
    let log = gw.access_log();
    assert_eq!(log.len(), 4);
    assert!(log[2].starts_with("127.0.0.1 - - [25/Nov/2026:16:44:02 +0000] \"GET - HTTP/1.1\" 403 42 "), "{}", log[2]);
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let run = || {
        let mut gw = gateway("authorizers", "dev");
        (0..20)
            .map(|i| {
                let req =
                    Request::get(if i % 3 == 0 { "/files/x" } else { "/pets" }).with_header("Authorization", "allow");
                let (r, t) = send(&mut gw, req, day0().plus_millis(i * 777));
                (r, t.to_string())
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}
