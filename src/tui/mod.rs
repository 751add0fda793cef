//! The full-screen terminal app: terminal set-up and restore, the event channel and loop.
pub mod action;
pub mod app;
pub mod keymap;
pub mod markdown;
pub mod screens;
pub mod theme;
pub mod ui;
pub mod widgets;

mod event;
mod screen;

pub use event::{Launch, RunOptions, run};
