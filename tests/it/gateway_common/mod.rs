//! Helpers shared by the integration tests: load a bundled API, build a gateway, send requests.
#![allow(dead_code)]

use gatewise::gateway::{Gateway, Request, Response, Trace, TraceMode, VirtualTime, check_definition};

pub const DEMO_KEY: &str = "demo-key-0123456789abcdef";

pub fn asset(name: &str) -> String {
    let path = format!("{}/assets/apis/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn gateway(name: &str, stage: &str) -> Gateway {
    let def = check_definition(&asset(name)).unwrap_or_else(|p| panic!("{name}: {p:?}"));
    Gateway::new(def, stage).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn gateway_from(json: &str, stage: &str) -> Gateway {
    let def = check_definition(json).unwrap_or_else(|p| panic!("{p:?}"));
    Gateway::new(def, stage).unwrap_or_else(|e| panic!("{e}"))
}

pub fn ms(n: u64) -> VirtualTime {
    VirtualTime::from_millis(n)
}

/// 2026-11-25 00:00:00 UTC, a Wednesday: labs start their virtual clocks here.
pub fn day0() -> VirtualTime {
    VirtualTime::from_utc(2026, 11, 25, 0, 0, 0).expect("valid date")
}

pub fn send(gw: &mut Gateway, req: Request, now: VirtualTime) -> (Response, Trace) {
    let (r, t) = gw.handle(&req, now, TraceMode::On);
    (r, t.expect("TraceMode::On returns a trace"))
}

pub fn status(gw: &mut Gateway, req: Request, now: VirtualTime) -> u16 {
    gw.handle(&req, now, TraceMode::Off).0.status
}
