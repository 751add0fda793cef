//! Invariants under random inputs, and the token bucket cross-checked against `governor`
//! (driven by its fake clock) for integer rate and burst.

use crate::gateway_common as common;

use std::num::NonZeroU32;
use std::time::Duration;

use common::*;
use gatewise::gateway::core::cache::TtlCache;
use gatewise::gateway::core::definition::{QuotaDef, QuotaPeriod, ThrottleDef};
use gatewise::gateway::core::quota::QuotaCounter;
use gatewise::gateway::core::throttle::TokenBucket;
use gatewise::gateway::{Request, TraceMode, VirtualTime, check_definition};
use governor::clock::FakeRelativeClock;
use governor::{Quota, RateLimiter};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig { cases: 256, ..ProptestConfig::default() }
}

/// Arrival times from gaps, so they never go backwards.
fn times(gaps: &[u64]) -> Vec<u64> {
    gaps.iter()
        .scan(0u64, |t, g| {
            *t += g;
            Some(*t)
        })
        .collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn tokens_stay_within_zero_and_burst(rate in 0.0f64..50.0, burst in 0u32..20, gaps in prop::collection::vec(0u64..2000, 1..100)) {
        let mut b = TokenBucket::new(ThrottleDef { rate_limit: rate, burst_limit: burst });
        for t in times(&gaps) {
            let now = VirtualTime::from_millis(t);
            let take = b.try_take(now);
            let cap = f64::from(burst);
            prop_assert!((0.0..=cap).contains(&take.before), "before {}", take.before);
            prop_assert!((0.0..=cap).contains(&take.after), "after {}", take.after);
            prop_assert!((0.0..=cap).contains(&b.level(now.plus_millis(5000))));
        }
    }

    #[test]
    fn admitted_requests_never_exceed_burst_plus_rate_times_window(
        rate in 0.1f64..20.0, burst in 1u32..10, gaps in prop::collection::vec(0u64..400, 1..120)
    ) {
        let mut b = TokenBucket::new(ThrottleDef { rate_limit: rate, burst_limit: burst });
        let admitted: Vec<u64> = times(&gaps).into_iter().filter(|t| b.try_take(VirtualTime::from_millis(*t)).admitted).collect();
        for i in 0..admitted.len() {
            for j in i..admitted.len() {
                let window_s = (admitted[j] - admitted[i]) as f64 / 1000.0;
                let count = (j - i + 1) as f64;
                prop_assert!(count <= f64::from(burst) + rate * window_s + 1e-6,
                    "{count} admitted in {window_s} s with rate {rate}, burst {burst}");
            }
        }
    }

    #[test]
    fn quota_counts_stay_within_the_limit(limit in 1u64..20, offset in 0u64..19, period in 0u8..3,
                                           gaps in prop::collection::vec(0u64..40_000_000, 1..80)) {
        let offset = offset.min(limit - 1);
        let period = [QuotaPeriod::Day, QuotaPeriod::Week, QuotaPeriod::Month][usize::from(period)];
        let mut q = QuotaCounter::new(QuotaDef { limit, offset, period });
        let base = VirtualTime::from_utc(2026, 1, 1, 0, 0, 0).map_or(0, VirtualTime::as_millis);
        let mut per_window: std::collections::HashMap<u64, u64> = std::collections::HashMap::new();
        for t in times(&gaps) {
            let now = VirtualTime::from_millis(base + t);
            let c = q.try_consume(now);
            prop_assert!(c.used <= c.limit);
            let (used, lim) = q.usage(now);
            prop_assert!(used <= lim);
            if c.admitted {
                *per_window.entry(c.window_start.as_millis()).or_default() += 1;
            }
        }
        prop_assert!(per_window.values().all(|n| *n <= limit));
    }

    #[test]
    fn no_cache_entry_is_served_after_expiry(ops in prop::collection::vec((0u8..4, 0u64..3, 0u64..5000, 0u64..3000), 1..200)) {
        let mut cache: TtlCache<u64, u64> = TtlCache::new(2);
        let mut model: std::collections::HashMap<u64, u64> = std::collections::HashMap::new();
        let mut now = 0u64;
        for (op, key, ttl, gap) in ops {
            now += gap;
            let t = VirtualTime::from_millis(now);
            if op == 0 {
                let exp = cache.insert(key, now, t, ttl);
                model.insert(key, exp.as_millis());
            } else if let Some(hit) = cache.get(&key, t) {
                prop_assert!(now < hit.expires_at.as_millis());
                prop_assert_eq!(model.get(&key).copied(), Some(hit.expires_at.as_millis()));
            }
        }
    }

    #[test]
    fn the_stage_cache_hits_exactly_within_the_ttl(gaps in prop::collection::vec(0u64..200_000, 1..40), ids in prop::collection::vec(1u8..4, 40)) {
        let mut gw = gateway("caching", "dev");
        let mut stored: std::collections::HashMap<u8, u64> = std::collections::HashMap::new();
        for (t, id) in times(&gaps).into_iter().zip(ids) {
            let (r, _) = send(&mut gw, Request::get(&format!("/pets/{id}")), VirtualTime::from_millis(t));
            let fresh = stored.get(&id).is_some_and(|s| t < s + 300_000);
            match r.header("x-gatewise-cache") {
                Some("HIT") => prop_assert!(fresh, "served after expiry"),
                Some("MISS") => {
                    prop_assert!(!fresh, "missed a live entry");
                    stored.insert(id, t);
                }
                other => prop_assert!(false, "unexpected cache header {other:?}"),
            }
        }
    }

    #[test]
    fn matches_governor_for_integer_settings(rate in 1u32..=20, burst in 1u32..=10, gaps in prop::collection::vec(0u64..600, 1..150)) {
        let clock = FakeRelativeClock::default();
        let quota = Quota::per_second(NonZeroU32::new(rate).expect("nonzero")).allow_burst(NonZeroU32::new(burst).expect("nonzero"));
        let oracle = RateLimiter::direct_with_clock(quota, clock.clone());
        let mut ours = TokenBucket::new(ThrottleDef { rate_limit: f64::from(rate), burst_limit: burst });
        let mut now = 0u64;
        for gap in gaps {
            now += gap;
            clock.advance(Duration::from_millis(gap));
            let theirs = oracle.check().is_ok();
            let mine = ours.try_take(VirtualTime::from_millis(now)).admitted;
            prop_assert_eq!(mine, theirs, "at t={} ms (rate {}, burst {})", now, rate, burst);
        }
    }

    #[test]
    fn check_never_panics(s in "\\PC{0,400}") {
        let _ = check_definition(&s);
    }

    #[test]
    fn check_never_panics_on_mangled_definitions(cut in 0usize..4000, insert in "[{}\\[\\]\",:a-z0-9 ]{0,6}") {
        let text = asset("caching");
        let cut = cut.min(text.len());
        let cut = (0..=cut).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        let mangled = format!("{}{insert}{}", &text[..cut], &text[cut..]);
        let _ = check_definition(&mangled);
    }

    #[test]
    fn handle_never_panics(method in "(GET|POST|PUT|DELETE|OPTIONS|[A-Z]{1,7})", path in "/[a-z0-9{}%+/._~-]{0,40}",
                           key in "[a-z0-9-]{0,30}", body in prop::collection::vec(any::<u8>(), 0..64)) {
        for (name, stage) in [("caching", "dev"), ("authorizers", "dev"), ("rest-vs-http-http", "$default"), ("mapping-templates", "dev")] {
            let mut gw = gateway(name, stage);
            let req = Request::new(&method, &path).with_header("x-api-key", &key).with_header("Authorization", &key).with_body(body.clone());
            let (r, t) = send(&mut gw, req, day0());
            prop_assert!((100..=599).contains(&r.status));
            prop_assert!(!t.steps.is_empty());
        }
    }
}

/// Every bundled API with its first stage, for tests that run all of them.
fn bundled() -> Vec<(String, gatewise::gateway::ApiDefinition, String)> {
    let dir = format!("{}/assets/apis", env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir}: {e}")).flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            // WebSocket APIs have their own engine and tests (gateway_ws*.rs).
            if gatewise::gateway::core::ws::is_websocket(&text) {
                continue;
            }
            let def = check_definition(&text).unwrap_or_else(|p| panic!("{}: {p:?}", path.display()));
            let stage = def.stages.first().map(|s| s.name.clone()).unwrap_or_default();
            out.push((path.display().to_string(), def, stage));
        }
    }
    assert!(out.len() >= 10, "bundled APIs not found in {dir}");
    out
}

/// A request to one of the definition's routes (or a miss), with a key, token and body drawn
/// from what the definition knows plus noise.
fn request_for(def: &gatewise::gateway::ApiDefinition, pick: &[u8; 6], body: &[u8]) -> Request {
    let route = def.routes.get(usize::from(pick[0]) % (def.routes.len() + 1));
    let method = match route.map(|r| r.method.as_str()) {
        Some("ANY") | None => ["GET", "POST", "DELETE"][usize::from(pick[1]) % 3],
        Some(m) => m,
    };
    let path = match route.map(|r| r.path.as_str()) {
        Some("$default") | None => "/no/such/route".to_owned(),
        Some(p) => p
            .split('/')
            .map(|seg| if seg.starts_with('{') { ["7", "a/b", "x%20y"][usize::from(pick[2]) % 3] } else { seg })
            .collect::<Vec<_>>()
            .join("/"),
    };
    let mut req = Request::new(method, &path).with_body(body.to_vec());
    if let Some(k) = def.api_keys.get(usize::from(pick[3]) % (def.api_keys.len() + 1)) {
        req = req.with_header("x-api-key", &k.value);
    }
    let token = ["allow", "deny", "unauthorized", "Bearer nope", ""][usize::from(pick[4]) % 5];
    if !token.is_empty() {
        req = req.with_header("Authorization", token);
    }
    match pick[5] % 4 {
        0 => req.with_header("Cache-Control", "max-age=0"),
        1 => req.with_header("Content-Type", "application/json").with_header("Origin", "https://example.com"),
        _ => req,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// A gateway asked for no trace answers, counts and logs exactly as one that records
    /// every trace (as the server does when nobody watches), and a recorded trace has words for
    /// every step.
    #[test]
    fn the_trace_mode_changes_only_the_trace(
        reqs in prop::collection::vec((any::<[u8; 6]>(), 0u64..3_000, prop::collection::vec(any::<u8>(), 0..24)), 1..40)
    ) {
        for (file, def, stage) in bundled() {
            let mut traced = gatewise::gateway::Gateway::new(def.clone(), &stage).unwrap_or_else(|e| panic!("{file}: {e}"));
            let mut silent = traced.clone();
            let mut now = day0();
            for (pick, gap, body) in &reqs {
                now = now.plus_millis(*gap);
                let req = request_for(&def, pick, body);
                let (r1, t1) = traced.handle(&req, now, TraceMode::On);
                let (r2, t2) = silent.handle(&req, now, TraceMode::Off);
                prop_assert_eq!(&r1, &r2, "{}: response", file);
                prop_assert!(t2.is_none(), "{}: a trace nobody asked for", file);
                let Some(t1) = t1 else { panic!("{file}: no trace with TraceMode::On") };
                prop_assert!(t1.steps.iter().all(|s| !s.detail.is_empty()), "{}: a step without words: {}", file, t1);
                prop_assert_eq!(&t1.method, &req.method);
            }
            prop_assert_eq!(traced.access_log(), silent.access_log(), "{}: access log", file);
            prop_assert_eq!(traced.metrics(), silent.metrics(), "{}: metrics", file);
        }
    }
}
