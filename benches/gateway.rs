//! Benchmark: a keyed, throttled, cached GET through the in-process core (route, API key,
//! usage-plan + stage + account buckets, quota, cache HIT, response, metrics, access log),
//! twice: with the trace the Lab shows (`TraceMode::On`), and without one, as `gateway serve`
//! answers when it only logs (`TraceMode::Off`). Prints the median and p99 per request.
//! Run with `cargo bench --bench gateway`.

use std::hint::black_box;
use std::time::Instant;

use gatewise::gateway::{Gateway, Request, TraceMode, VirtualTime, check_definition};

const API: &str = r#"{
  "name": "bench", "type": "REST",
  "stages": [{ "name": "dev", "throttle": { "rateLimit": 10000, "burstLimit": 5000 },
               "cache": { "enabled": true, "ttlInSeconds": 3600 } }],
  "routes": [{ "method": "GET", "path": "/pets/{id}", "apiKeyRequired": true,
               "requestParameters": { "method.request.path.id": true },
               "cacheKeyParameters": ["method.request.path.id"],
               "integration": { "type": "AWS_PROXY", "handler": "pets" } }],
  "usagePlans": [{ "name": "P", "stages": ["dev"], "apiKeys": ["k"],
                   "throttle": { "rateLimit": 10000, "burstLimit": 5000 },
                   "quota": { "limit": 100000000, "period": "MONTH" } }],
  "apiKeys": [{ "name": "k", "value": "bench-key-0123456789abcdef" }]
}"#;

fn gateway() -> Gateway {
    let def = match check_definition(API) {
        Ok(d) => d,
        Err(p) => panic!("bench API invalid: {p:?}"),
    };
    match Gateway::new(def, "dev") {
        Ok(g) => g,
        Err(e) => panic!("{e}"),
    }
}

/// Times `N` requests through `call`, after a warm-up whose first request fills the cache.
fn measure(what: &str, mut call: impl FnMut(&Request, VirtualTime) -> bool) {
    let req = Request::get("/pets/1")
        .with_header("x-api-key", "bench-key-0123456789abcdef")
        .with_header("Accept", "application/json")
        .with_header("User-Agent", "bench/1.0");
    let start = VirtualTime::from_utc(2026, 11, 1, 0, 0, 0).unwrap_or_default();
    for i in 0..20_000u64 {
        call(&req, start.plus_millis(i));
    }
    const N: usize = 200_000;
    let mut samples = Vec::with_capacity(N);
    let mut hits = 0usize;
    let t_all = Instant::now();
    for i in 0..N {
        let now = start.plus_millis(20_000 + i as u64);
        let t = Instant::now();
        let hit = call(&req, now);
        samples.push(t.elapsed().as_nanos() as u64);
        hits += usize::from(hit);
    }
    let total = t_all.elapsed();
    samples.sort_unstable();
    let pct = |p: f64| samples[((samples.len() as f64 - 1.0) * p) as usize];
    println!("{what} ({N} requests, {hits} cache hits)");
    println!(
        "  median {:.2} µs   p90 {:.2} µs   p99 {:.2} µs",
        pct(0.5) as f64 / 1000.0,
        pct(0.9) as f64 / 1000.0,
        pct(0.99) as f64 / 1000.0
    );
    println!("  throughput {:.0} requests/s on one core (including timing overhead)", N as f64 / total.as_secs_f64());
}

fn main() {
    for (what, mode) in [
        ("keyed, throttled, cached GET through Gateway::handle, with the trace (the Lab)", TraceMode::On),
        ("the same without a trace (gateway serve, which only logs)", TraceMode::Off),
    ] {
        let mut gw = gateway();
        measure(what, |req, now| {
            let (resp, trace) = gw.handle(req, now, mode);
            let hit = resp.header("x-gatewise-cache") == Some("HIT") && resp.status == 200;
            black_box((resp, trace));
            hit
        });
    }
}
