//! Virtual-clock scenarios for admission: throttling, quotas, the caches, authorizers and API keys.

use crate::gateway_common as common;

use common::*;
use gatewise::gateway::{CacheStatus, Outcome, Phase, Request};
use serde_json::Value;

const RATE_ONE: &str = r#"{
  "name": "r1", "type": "REST",
  "stages": [{ "name": "dev", "throttle": { "rateLimit": 1, "burstLimit": 1 } }],
  "routes": [{ "method": "GET", "path": "/ping", "integration": { "type": "MOCK",
    "requestTemplates": { "application/json": "{\"statusCode\": 200}" }, "responses": [{ "statusCode": 200 }] } }]
}"#;

#[test]
fn rate_one_burst_one_admits_on_the_millisecond() {
    let mut gw = gateway_from(RATE_ONE, "dev");
    assert_eq!(status(&mut gw, Request::get("/ping"), ms(0)), 200);
    let (resp, trace) = send(&mut gw, Request::get("/ping"), ms(999));
    assert_eq!(resp.status, 429);
    assert_eq!(resp.body_text(), r#"{"message":"Too Many Requests"}"#);
    let step = trace.step(Phase::Throttle).expect("throttle step");
    assert_eq!(step.outcome, Outcome::Rejected);
    assert!(step.detail.contains("stage bucket for GET /ping is empty (0.999 tokens"), "{}", step.detail);
    assert!(step.detail.contains("next token in 1 ms"), "{}", step.detail);
    assert_eq!(status(&mut gw, Request::get("/ping"), ms(1000)), 200);
}

#[test]
fn buckets_are_checked_most_specific_first_and_later_ones_are_not_charged() {
    let mut gw = gateway("throttling", "dev");
    let keyed = || Request::get("/keyed/pets").with_header("x-api-key", DEMO_KEY);
    let (r, t) = send(&mut gw, keyed(), ms(0));
    assert_eq!(r.status, 200);
    let detail = &t.step(Phase::Throttle).expect("step").detail;
    assert!(detail.starts_with("usage-plan bucket for key demo-key on GET /keyed/pets: 1.0 → 0.0 tokens"), "{detail}");
    let (r, t) = send(&mut gw, keyed(), ms(0));
    assert_eq!(r.status, 429);
    assert!(
        t.step(Phase::Throttle)
            .expect("step")
            .detail
            .contains("usage-plan bucket for key demo-key on GET /keyed/pets is empty")
    );
    let stage =
        gw.bucket_levels(ms(0)).into_iter().find(|b| b.label == "stage dev, GET /keyed/pets").expect("stage bucket");
    assert!((stage.tokens - 19.0).abs() < 1e-9, "the rejected request took no stage token: {stage:?}");
    // The stage bucket of GET /pets (rate 2, burst 3) is the one that runs out there.
    for _ in 0..3 {
        assert_eq!(status(&mut gw, Request::get("/pets"), ms(1000)), 200);
    }
    let (r, t) = send(&mut gw, Request::get("/pets"), ms(1000));
    assert_eq!(r.status, 429);
    assert!(t.step(Phase::Throttle).expect("step").detail.contains("stage bucket for GET /pets is empty"));
    assert_eq!(status(&mut gw, Request::get("/pets"), ms(1500)), 200, "rate 2/s refills one token in 500 ms");
}

#[test]
fn the_account_bucket_is_shared_by_every_route() {
    let mut gw = gateway("throttling", "dev");
    let mut codes = Vec::new();
    for i in 0..30 {
        codes.push(status(&mut gw, Request::get("/slowlane"), ms(i)));
    }
    let ok = codes.iter().filter(|c| **c == 200).count();
    assert_eq!(ok, 20, "stage default burst 20 empties before the account's 25: {codes:?}");
}

#[test]
fn a_day_quota_rolls_over_at_midnight_utc() {
    let mut gw = gateway("quotas", "dev");
    let req = || Request::get("/pets").with_header("x-api-key", DEMO_KEY);
    let start = day0().plus_millis(10 * 3_600_000);
    for i in 0..3 {
        let (r, t) = send(&mut gw, req(), start.plus_millis(i * 1000));
        assert_eq!(r.status, 200);
        assert!(t.step(Phase::Quota).expect("quota").detail.starts_with(&format!("quota {} of 3 used today", i + 1)));
    }
    let last_ms = day0().plus_millis(86_400_000 - 1);
    let (r, t) = send(&mut gw, req(), last_ms);
    assert_eq!((r.status, r.body_text().as_str()), (429, r#"{"message":"Limit Exceeded"}"#));
    assert_eq!(r.header("x-amzn-ErrorType"), Some("LimitExceededException"));
    assert_eq!(t.stopped_at().map(|s| s.phase), Some(Phase::Quota));
    let (r, t) = send(&mut gw, req(), day0().plus_millis(86_400_000));
    assert_eq!(r.status, 200);
    let detail = &t.step(Phase::Quota).expect("quota").detail;
    assert!(
        detail.starts_with("quota 1 of 5 used today (UTC day); a new window began at 2026-11-26T00:00:00.000Z"),
        "{detail}"
    );
    assert_eq!(gw.quota_usage(day0().plus_millis(86_400_000)), vec![("demo-key".to_owned(), 1, 5)]);
}

#[test]
fn a_cache_entry_expires_at_exactly_its_ttl() {
    let mut gw = gateway("caching", "dev");
    let t0 = day0();
    let (r, t) = send(&mut gw, Request::get("/pets/1"), t0);
    assert_eq!((r.status, r.header("x-gatewise-cache")), (200, Some("MISS")));
    assert!(t.step(Phase::Cache).expect("cache").detail.ends_with("stored for 300 s"));
    let (r, t) = send(&mut gw, Request::get("/pets/1"), t0.plus_millis(299_999));
    assert_eq!(r.header("x-gatewise-cache"), Some("HIT"));
    assert_eq!(t.cache, Some(CacheStatus::Hit));
    assert!(t.step(Phase::Integration).is_none(), "a hit never reaches the integration");
    let (r, _) = send(&mut gw, Request::get("/pets/1"), t0.plus_millis(300_000));
    assert_eq!(r.header("x-gatewise-cache"), Some("MISS"));
    // A 10 s method override.
    assert_eq!(send(&mut gw, Request::get("/short"), t0).0.header("x-gatewise-cache"), Some("MISS"));
    assert_eq!(send(&mut gw, Request::get("/short"), t0.plus_millis(9_999)).0.header("x-gatewise-cache"), Some("HIT"));
    assert_eq!(
        send(&mut gw, Request::get("/short"), t0.plus_millis(10_000)).0.header("x-gatewise-cache"),
        Some("MISS")
    );
}

#[test]
fn only_declared_parameters_are_in_the_cache_key() {
    let mut gw = gateway("caching", "dev");
    let t0 = day0();
    assert_eq!(send(&mut gw, Request::get("/pets/1"), t0).0.header("x-gatewise-cache"), Some("MISS"));
    assert_eq!(send(&mut gw, Request::get("/pets/2"), t0).0.header("x-gatewise-cache"), Some("MISS"));
    let (a, _) = send(&mut gw, Request::get("/files/a"), t0);
    let (b, t) = send(&mut gw, Request::get("/files/b"), t0.plus_millis(1));
    assert_eq!(b.header("x-gatewise-cache"), Some("HIT"));
    assert_eq!(a.body, b.body, "/files/b got /files/a's cached response: {{proxy+}} is not a cache key");
    assert!(t.step(Phase::Cache).expect("cache").detail.contains("every request to this method shares one entry"));
    assert_eq!(
        send(&mut gw, Request::new("POST", "/pets").with_body(r#"{"type":"cat"}"#), t0).0.header("x-gatewise-cache"),
        None
    );
}

#[test]
fn cache_control_max_age_zero_needs_permission() {
    let mut gw = gateway("caching", "dev");
    let t0 = day0();
    // Invalidation is the IAM permission execute-api:InvalidateCache on a signed request, not
    // an API-key setting: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html
    let get =
        || Request::get("/pets?type=dog").with_header("x-api-key", DEMO_KEY).with_header("Cache-Control", "max-age=0");
    let signed = |key_id: &str| {
        get().with_header(
            "Authorization",
            &format!("AWS4-HMAC-SHA256 Credential={key_id}/20261125/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=0"),
        )
    };
    send(&mut gw, Request::get("/pets?type=dog").with_header("x-api-key", DEMO_KEY), t0);
    let (r, t) = send(&mut gw, get(), t0.plus_millis(10));
    assert_eq!(r.header("x-gatewise-cache"), Some("HIT"), "an API key alone may not invalidate");
    assert!(r.header("Warning").is_some_and(|w| w.contains("not authorized to invalidate")));
    assert!(t.step(Phase::Cache).expect("cache").detail.contains("an API key cannot grant it"));
    let (r, _) = send(&mut gw, signed("AKIAUNKNOWNCALLER01"), t0.plus_millis(15));
    assert_eq!(r.header("x-gatewise-cache"), Some("HIT"), "a principal the definition does not name");
    let (r, t) = send(&mut gw, signed("AKIAGATEWISECACHE01"), t0.plus_millis(20));
    assert_eq!(t.cache, Some(CacheStatus::Invalidated));
    assert!(t.step(Phase::Cache).expect("cache").detail.contains("cache-admin"));
    assert!(r.header("x-gatewise-cache").is_some_and(|h| h.starts_with("MISS")));
    assert_eq!(gw.cached_responses(), 1);
}

#[test]
fn the_authorizer_cache_serves_a_stale_policy_until_its_ttl() {
    let mut gw = gateway("authorizers", "dev");
    let t0 = day0();
    let req = |p: &str| Request::get(p).with_header("Authorization", "allow");
    let (r, t) = send(&mut gw, req("/files/a"), t0);
    assert_eq!(r.status, 200);
    assert!(t.step(Phase::Authorizer).expect("auth").detail.contains("result cached for 300 s"));
    let (r, t) = send(&mut gw, req("/files/b"), t0.plus_millis(299_999));
    assert_eq!(r.status, 403, "the cached policy names /files/a only");
    assert_eq!(r.body_text(), r#"{"message":"User is not authorized to access this resource"}"#);
    assert!(t.step(Phase::Authorizer).expect("auth").detail.contains("result cache HIT"));
    let (r, t) = send(&mut gw, req("/files/b"), t0.plus_millis(300_000));
    assert_eq!(r.status, 200, "at the TTL the Lambda runs again and allows /files/b");
    assert!(t.step(Phase::Authorizer).expect("auth").detail.contains("Lambda authorizer called"));
    let all = |p: &str| Request::get(p).with_header("Authorization", "Bearer allow-all");
    assert_eq!(status(&mut gw, all("/files/x"), t0), 200);
    assert_eq!(status(&mut gw, all("/pets"), t0.plus_millis(5)), 200, "a stage-wide policy covers other paths");
}

#[test]
fn authorizer_outcomes() {
    let mut gw = gateway("authorizers", "dev");
    let t = day0();
    let with = |tok: &str| Request::get("/pets").with_header("Authorization", tok);
    let (r, _) = send(&mut gw, with("deny"), t);
    assert_eq!(
        (r.status, r.body_text().as_str()),
        (403, r#"{"message":"User is not authorized to access this resource with an explicit deny"}"#)
    );
    assert_eq!(r.header("x-amzn-ErrorType"), Some("AccessDeniedException"));
    assert_eq!(status(&mut gw, with("unauthorized"), t), 401);
    assert_eq!(status(&mut gw, Request::get("/pets"), t), 401);
    let (r, tr) = send(&mut gw, with("UPPER!"), t);
    assert_eq!(r.status, 401);
    assert!(tr.step(Phase::Authorizer).expect("auth").detail.contains("identityValidationExpression"));
    let (r, _) = send(&mut gw, with("fail"), t);
    assert_eq!((r.status, r.body_text().as_str()), (500, r#"{"message":null}"#));
    assert_eq!(status(&mut gw, Request::get("/public"), t), 200);
    // REQUEST: both identity sources must be present.
    assert_eq!(status(&mut gw, Request::get("/reports").with_header("Authorization", "allow"), t), 401);
    let (r, _) = send(&mut gw, Request::get("/reports?team=blue").with_header("Authorization", "allow"), t);
    assert_eq!(r.status, 200);
    let event: Value = serde_json::from_slice(&r.body).expect("echo");
    let body: Value = serde_json::from_str(event["body"].as_str().unwrap_or("null")).unwrap_or(Value::Null);
    assert_eq!(body, Value::Null);
    assert_eq!(event["requestContext"]["authorizer"]["principalId"], "user-allow");
    assert_eq!(event["requestContext"]["authorizer"]["tier"], "free");
}

#[test]
fn api_key_outcomes() {
    let mut gw = gateway("api-keys", "dev");
    let t = day0();
    let with = |k: &str| Request::get("/pets").with_header("x-api-key", k);
    for (req, why) in [
        (Request::get("/pets"), "no x-api-key header"),
        (with("wrong-0123456789abcdefgh"), "not a known API key"),
        (with("old-key-0123456789abcdef00"), "is disabled"),
        (with("stray-key-0123456789abcdef"), "not in a usage plan"),
    ] {
        let (r, tr) = send(&mut gw, req, t);
        assert_eq!((r.status, r.body_text().as_str()), (403, r#"{"message":"Forbidden"}"#));
        assert!(tr.step(Phase::ApiKey).expect("key").detail.contains(why));
    }
    let (r, tr) = send(&mut gw, with(DEMO_KEY), t);
    assert_eq!(r.status, 200);
    assert_eq!(tr.api_key.as_deref(), Some("demo-key"));
    assert_eq!(status(&mut gw, Request::get("/health"), t), 200);
}
