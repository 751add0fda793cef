//! Benchmark: a keyed, throttled, cached GET through the in-process core (route, API key,
//! usage-plan + stage + account buckets, quota, cache HIT, response, metrics, access log,
//! trace). Prints the median and p99 per request. Run with `cargo bench`.

use std::hint::black_box;
use std::time::Instant;

use gatewise::gateway::{Gateway, Request, VirtualTime, check_definition};

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

fn main() {
    let def = match check_definition(API) {
        Ok(d) => d,
        Err(p) => panic!("bench API invalid: {p:?}"),
    };
    let mut gw = match Gateway::new(def, "dev") {
        Ok(g) => g,
        Err(e) => panic!("{e}"),
    };
    let req = Request::get("/pets/1")
        .with_header("x-api-key", "bench-key-0123456789abcdef")
        .with_header("Accept", "application/json")
        .with_header("User-Agent", "bench/1.0");
    let start = VirtualTime::from_utc(2026, 11, 1, 0, 0, 0).unwrap_or_default();
    // Warm up: the first request misses and fills the cache.
    let (first, _) = gw.handle(req.clone(), start);
    assert_eq!(first.status, 200);
    for i in 1..20_000u64 {
        black_box(gw.handle(req.clone(), start.plus_millis(i)));
    }
    const N: usize = 200_000;
    let mut samples = Vec::with_capacity(N);
    let mut hits = 0usize;
    let t_all = Instant::now();
    for i in 0..N {
        let now = start.plus_millis(20_000 + i as u64);
        let r = req.clone();
        let t = Instant::now();
        let (resp, trace) = gw.handle(r, now);
        let dt = t.elapsed();
        if resp.header("x-gatewise-cache") == Some("HIT") && resp.status == 200 {
            hits += 1;
        }
        black_box((resp, trace));
        samples.push(dt.as_nanos() as u64);
    }
    let total = t_all.elapsed();
    samples.sort_unstable();
    let pct = |p: f64| samples[((samples.len() as f64 - 1.0) * p) as usize];
    println!("keyed, throttled, cached GET through Gateway::handle ({N} requests, {hits} cache hits)");
    println!(
        "  median {:.2} µs   p90 {:.2} µs   p99 {:.2} µs",
        pct(0.5) as f64 / 1000.0,
        pct(0.9) as f64 / 1000.0,
        pct(0.99) as f64 / 1000.0
    );
    println!(
        "  throughput {:.0} requests/s on one core (including request clone and timing overhead)",
        N as f64 / total.as_secs_f64()
    );
}
