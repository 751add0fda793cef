//! Every integration test, compiled into one test binary (as ripgrep does): one link instead of
//! one per file. Each file is a module; `sandbox` runs the binary with a home of its own.
mod bank_check;
mod bank_export;
mod bank_import;
mod cli;
mod content;
mod e2e_tmux;
mod exam_engine;
mod gateway_assets;
mod gateway_check;
mod gateway_common;
mod gateway_error_snapshots;
mod gateway_fuzz_corpus;
mod gateway_http;
mod gateway_http_client;
mod gateway_properties;
mod gateway_scenarios_admission;
mod gateway_scenarios_integration;
mod gateway_serve_cli;
mod isolation;
mod lab;
mod plain;
mod sandbox;
mod srs;
mod stats_json;
mod store;
mod tui;
