//! Fuzzes the VTL parser and renderer (`cargo +nightly fuzz run template`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gatewise::gateway::core::fuzzing::template(data);
});
