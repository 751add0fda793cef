//! gatewise: learn Amazon API Gateway for the AWS Cloud Practitioner exam, in the terminal.
//!
//! Layers (arrows point down only, see the README):
//! - [`cli`] parses arguments and dispatches; [`tui`] is the full-screen app.
//! - [`bank`] is the content: questions, notes, FAQ, loading and checking.
//! - [`paths`] says where progress lives.
pub mod bank;
pub mod cli;
mod commands;
pub mod paths;
pub mod tui;

pub use commands::run;
