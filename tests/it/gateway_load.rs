//! The loopback server under load: 20,000 keyed requests over 8 connections give only 200s and
//! 429s, the access log keeps its last 1000 lines, and memory stays flat.
use std::time::{Duration, Instant};

use crate::gateway_common::gateway_from;
use crate::gateway_http_client::{Conn, hdrs, host_of, raw_request, rss_kib};
use gatewise::gateway::server::{ServeOptions, spawn};

/// A keyed MOCK route with a usage-plan bucket that 20,000 fast requests must overrun.
const LOAD_API: &str = r#"{
  "name": "load", "type": "REST",
  "stages": [{ "name": "dev" }],
  "routes": [{ "method": "GET", "path": "/pets", "apiKeyRequired": true,
               "integration": { "type": "MOCK",
                 "requestTemplates": { "application/json": "{\"statusCode\": 200}" },
                 "responses": [{ "statusCode": 200, "responseTemplates": { "application/json": "{\"pets\":[]}" } }] } }],
  "usagePlans": [{ "name": "P", "stages": ["dev"], "apiKeys": ["k"], "throttle": { "rateLimit": 2000, "burstLimit": 200 } }],
  "apiKeys": [{ "name": "k", "value": "load-key-0123456789abcdef" }]
}"#;

/// Runs the load test alone in a child process of this test binary: its RSS check measures the
/// whole process, so other tests allocating at the same time must not share it.
#[test]
fn load_20000_requests_only_200_and_429_memory_flat() {
    const CHILD: &str = "GATEWISE_LOAD_TEST_CHILD";
    if std::env::var_os(CHILD).is_some() {
        return load_20000_requests_in_this_process();
    }
    let exe = std::env::current_exe().expect("test binary");
    let out = std::process::Command::new(exe)
        .args(["--exact", "gateway_load::load_20000_requests_only_200_and_429_memory_flat", "--nocapture"])
        .env(CHILD, "1")
        .output()
        .expect("the test binary runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the load test failed in its own process:\n{text}");
    assert!(text.contains("1 passed"), "the child ran the load test:\n{text}");
}

fn load_20000_requests_in_this_process() {
    const CONNS: usize = 8;
    const PER_CONN: usize = 2_500;
    let opts = ServeOptions::default();
    let server = spawn(gateway_from(LOAD_API, "dev"), opts, None).expect("server starts");
    let addr = server.local_addr;
    let cap = Instant::now() + Duration::from_secs(40);
    let run = |n: usize| -> Vec<[usize; 2]> {
        let workers: Vec<_> = (0..CONNS)
            .map(|_| {
                std::thread::spawn(move || {
                    let mut c = Conn::open(addr);
                    let h = hdrs(&host_of(addr), &[("x-api-key", "load-key-0123456789abcdef")]);
                    let raw = raw_request("GET", "/dev/pets", &h, b"");
                    let mut counts = [0usize; 2];
                    for _ in 0..n {
                        assert!(Instant::now() < cap, "load test over its time cap");
                        c.write(&raw).expect("write");
                        let r = c.read_response().expect("response");
                        match r.status {
                            200 => counts[0] += 1,
                            429 => {
                                assert_eq!(r.body_text(), r#"{"message":"Too Many Requests"}"#);
                                counts[1] += 1;
                            }
                            other => panic!("unexpected {other}: {}", r.body_text()),
                        }
                    }
                    counts
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("worker")).collect()
    };
    // Warm up (allocator pools, the runtime's buffers), then measure.
    run(250);
    let before = rss_kib();
    let started = Instant::now();
    let counts = run(PER_CONN);
    let elapsed = started.elapsed();
    let after = rss_kib();
    let ok: usize = counts.iter().map(|c| c[0]).sum();
    let throttled: usize = counts.iter().map(|c| c[1]).sum();
    assert_eq!(ok + throttled, CONNS * PER_CONN);
    assert!(ok > 0 && throttled > 0, "200s {ok}, 429s {throttled}");
    let metrics = server.with_gateway(|g| g.access_log().len());
    assert_eq!(metrics, 1000, "the access log keeps its last 1000 lines only");
    if let (Some(b), Some(a)) = (before, after) {
        assert!(a.saturating_sub(b) < 20 * 1024, "RSS grew from {b} KiB to {a} KiB");
    }
    eprintln!(
        "load: {} requests in {elapsed:?}: {ok} × 200, {throttled} × 429; RSS {before:?} → {after:?} KiB",
        ok + throttled
    );
}
