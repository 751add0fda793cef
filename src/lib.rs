//! gatewise: learn Amazon API Gateway for the AWS Cloud Practitioner exam, in the terminal.
//!
//! Layers (arrows point down only, see the README):
//! - [`cli`] parses arguments and dispatches; [`tui`] is the full-screen app.
//! - [`bank`] is the content: questions, notes, FAQ, loading and checking.
//! - [`store`] keeps progress in SQLite; [`paths`] says where it lives.
//! - [`clock`] is the only wall-clock reader; [`fsutil`] writes files atomically.
pub mod bank;
pub mod banks;
pub mod cli;
pub mod clock;
mod commands;
pub mod fsutil;
pub mod gateway;
pub mod lab;
pub mod paths;
pub mod plain;
pub mod progress;
pub mod session;
pub mod settings;
pub mod store;
pub mod study;
pub mod term;
pub mod text;
pub mod tui;

pub use commands::run;
