//! Fuzzes route matching and path-pattern parsing (`cargo +nightly fuzz run router`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gatewise::gateway::core::fuzzing::router(data);
});
