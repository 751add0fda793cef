//! The full-screen terminal app: terminal set-up and restore, and the event loop.
mod home;

use std::time::Duration;

use anyhow::Result;
use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};

use crate::bank::Bank;
use crate::store::Db;

/// What a key press asks the app to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Up,
    Down,
}

/// Maps a key to an action; unknown keys do nothing.
pub fn action_for(code: KeyCode, modifiers: KeyModifiers) -> Option<Action> {
    match (code, modifiers) {
        (KeyCode::Char('q'), _) | (KeyCode::Esc, _) => Some(Action::Quit),
        (KeyCode::Char('c'), m) if m.contains(KeyModifiers::CONTROL) => Some(Action::Quit),
        (KeyCode::Up | KeyCode::Char('k'), _) => Some(Action::Up),
        (KeyCode::Down | KeyCode::Char('j'), _) => Some(Action::Down),
        _ => None,
    }
}

/// Runs the app until the learner quits. `ratatui::init` installs a panic hook that restores
/// the terminal, so a panic never leaves it in raw mode.
pub fn run(bank: &Bank, _db: Db) -> Result<()> {
    let mut terminal = ratatui::init();
    let mut home = home::Home::default();
    let result = (|| -> Result<()> {
        loop {
            terminal.draw(|f| home::render(f, f.area(), bank, &home))?;
            if !event::poll(Duration::from_millis(250))? {
                continue;
            }
            if let Event::Key(k) = event::read()? {
                if k.kind != KeyEventKind::Press {
                    continue;
                }
                match action_for(k.code, k.modifiers) {
                    Some(Action::Quit) => return Ok(()),
                    Some(a) => home.update(a, bank.topics.len()),
                    None => {}
                }
            }
        }
    })();
    ratatui::restore();
    result
}
