//! The app model: what screens share (services and environment), the screen stack, and the
//! way an event reaches a screen. A global binding (Ctrl-C) comes first; then the `?` overlay
//! when it is open; then a screen whose context is `TextEntry` gets the key for its text field;
//! otherwise the keymap turns it into an action for the screen. A screen that does not use an
//! action says so, and only then does the app apply its default (Esc leaves the screen).
use std::collections::HashMap;
use std::path::PathBuf;

use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use rand::SeedableRng;
use rand::rngs::StdRng;
use ratatui::layout::Rect;

use super::action::Action;
use super::keymap::{self, Context};
use super::markdown::{self, Document};
use super::screens::{exam, home, practice};
use super::theme::Theme;
use crate::bank::Bank;
use crate::progress;
use crate::session::Services;
use crate::store::Db;
use crate::study::Millis;
use crate::study::scheduler::{Fsrs, Scheduler, SrsSettings};

pub use super::screen::{Nav, Screen};

/// Where the app runs: paths, the terminal, and where live Lab events go. Set at launch; only
/// the size changes (on resize).
pub struct Env {
    /// Where user banks live (`b` on Home lists them), whatever the app was launched into.
    pub banks_dir: PathBuf,
    /// The terminal size, kept up to date from resize events.
    pub size: Rect,
    /// Hands live HTTP events from the Lab's loopback server to the app's event channel.
    pub live_observer: Option<crate::gateway::server::Observer>,
    /// The same for the WebSocket Lab's live server.
    pub live_ws_observer: Option<crate::gateway::server::ws::WsObserver>,
}

/// What every screen may use: the services (content, storage, the clock, randomness, the
/// scheduler and its settings, the look), the environment, and the status line. Figures a
/// screen shows belong to that screen, which loads them itself.
pub struct Ctx {
    pub bank: Bank,
    /// Progress is kept per bank; the bundled one is "builtin".
    pub bank_name: String,
    pub db: Db,
    pub theme: Theme,
    /// The time of the event being handled, set by the loop (tests set it by hand).
    pub now: Millis,
    pub rng: StdRng,
    pub scheduler: Box<dyn Scheduler>,
    pub srs: SrsSettings,
    pub env: Env,
    /// A one-line message for the learner (an error, a confirmation).
    pub status: Option<String>,
    docs: HashMap<String, Document>,
}

impl Ctx {
    pub fn new(bank: Bank, bank_name: &str, db: Db, theme: Theme, now: Millis, seed: u64, env: Env) -> Ctx {
        let mut ctx = Ctx {
            bank,
            bank_name: bank_name.to_string(),
            db,
            theme,
            now,
            rng: StdRng::seed_from_u64(seed),
            scheduler: Box::new(Fsrs::default()),
            srs: SrsSettings::default(),
            env,
            status: None,
            docs: HashMap::new(),
        };
        ctx.load_settings();
        ctx
    }

    /// The store, bank and scheduler as a session borrows them for one call.
    pub fn services(&mut self) -> Services<'_> {
        self.services_and_rng().0
    }

    /// As [`Self::services`], with the app's seeded RNG beside them (shuffling options).
    pub(crate) fn services_and_rng(&mut self) -> (Services<'_>, &mut StdRng) {
        let s = Services {
            db: &mut self.db,
            bank: &self.bank,
            bank_name: &self.bank_name,
            scheduler: self.scheduler.as_ref(),
            srs: self.srs,
        };
        (s, &mut self.rng)
    }

    /// Re-reads the scheduler settings (the retention) from the store.
    pub(crate) fn load_settings(&mut self) {
        match crate::settings::srs(&self.db) {
            Ok(s) => self.srs = s,
            Err(e) => self.status = Some(e.to_string()),
        }
    }

    /// Studies another bank from now on; progress is kept per bank name.
    pub(crate) fn switch_bank(&mut self, bank: Bank, name: &str) {
        self.bank = bank;
        self.bank_name = name.to_string();
        self.docs.clear();
    }

    /// A note parsed once and kept: Markdown is not re-parsed per frame.
    pub(crate) fn doc(&mut self, note_id: &str) -> Option<&Document> {
        if !self.docs.contains_key(note_id) {
            let body = self.bank.note(note_id)?.body.clone();
            self.docs.insert(note_id.to_string(), markdown::parse(&body, &self.theme));
        }
        self.docs.get(note_id)
    }
}

pub struct App {
    pub ctx: Ctx,
    pub screens: Vec<Screen>,
    pub help: bool,
    pub quit: bool,
}

/// The smallest terminal the app draws in; below it, it says so instead.
pub(crate) const MIN_WIDTH: u16 = 60;
pub(crate) const MIN_HEIGHT: u16 = 20;

impl App {
    pub fn new(mut ctx: Ctx) -> App {
        let home = home::Home::new(&mut ctx);
        App { ctx, screens: vec![Screen::Home(home)], help: false, quit: false }
    }

    /// Opens the screen the command line asked for, on top of Home.
    pub fn launch(&mut self, launch: super::Launch) {
        match launch {
            super::Launch::Home => {}
            super::Launch::Exam { spec, seed } => {
                let seed = seed.unwrap_or(self.ctx.now as u64);
                match exam::ExamScreen::start(&mut self.ctx, spec, seed) {
                    Ok(s) => self.screens.push(Screen::Exam(Box::new(s))),
                    Err(e) => self.ctx.status = Some(e),
                }
            }
            super::Launch::Practice { topics, due, weak, cram, level } => {
                // The same choice and queue builder as the set-up screen and plain mode.
                let choice = if due {
                    progress::PracticeChoice::Due
                } else if weak {
                    progress::PracticeChoice::Weak
                } else if topics.is_empty() {
                    progress::PracticeChoice::Pick(crate::study::practice::Filter::Mixed, level)
                } else {
                    progress::PracticeChoice::Pick(crate::study::practice::Filter::Topics(topics), level)
                };
                let mode = if cram { crate::store::Mode::Cram } else { crate::store::Mode::Practice };
                match practice::start_choice(&mut self.ctx, choice, mode) {
                    Some(p) => self.screens.push(Screen::Practice(Box::new(p))),
                    // Nothing to practise: the set-up screen, with the reason in the status line.
                    None => self.screens.push(Screen::Setup(practice::Setup::new(&self.ctx))),
                }
            }
            super::Launch::ResumeExam => match crate::progress::unfinished_exam(&self.ctx.db, &self.ctx.bank_name) {
                Ok(Some(row)) => match exam::ExamScreen::resume(&mut self.ctx, &row) {
                    Ok(s) => self.screens.push(Screen::Exam(Box::new(s))),
                    Err(e) => self.ctx.status = Some(format!("Cannot resume the exam: {e}.")),
                },
                Ok(None) => self.ctx.status = Some("There is no unfinished exam.".into()),
                Err(e) => self.ctx.status = Some(e.to_string()),
            },
        }
    }

    pub fn screen(&self) -> &Screen {
        // The stack is never empty: Pop on the last screen goes Home instead.
        self.screens.last().unwrap_or_else(|| unreachable!("screen stack is never empty"))
    }

    pub fn context(&self) -> Context {
        self.screen().context()
    }

    pub fn on_key(&mut self, key: KeyEvent) {
        if let Some(action) = keymap::global(key) {
            self.on_action(action);
            return;
        }
        if !self.help
            && self.context() == Context::TextEntry
            && let Some(screen) = self.screens.last_mut()
        {
            self.ctx.status = None;
            if let Some(nav) = screen.on_text(&mut self.ctx, key) {
                self.apply(nav);
            }
            return;
        }
        let options = match self.screens.last() {
            Some(Screen::Practice(p)) => p.option_count(&self.ctx),
            Some(Screen::Exam(e)) => e.option_count(),
            _ => 0,
        };
        if let Some(action) = keymap::lookup(self.context(), key, options) {
            self.on_action(action);
        }
    }

    pub(crate) fn on_action(&mut self, action: Action) {
        self.ctx.status = None;
        if self.help {
            // The overlay closes with the key its title names, `?`, or with Esc; `q` still quits.
            match action {
                Action::Help | Action::Back => self.help = false,
                Action::Quit => self.quit = true,
                _ => {}
            }
            return;
        }
        let nav = match action {
            Action::Help => {
                self.help = true;
                Nav::Stay
            }
            Action::Quit => Nav::Quit,
            _ => self.dispatch(action),
        };
        self.apply(nav);
    }

    fn dispatch(&mut self, action: Action) -> Nav {
        let Some(screen) = self.screens.last_mut() else { return Nav::Stay };
        match (action, screen.update(&mut self.ctx, action)) {
            // Esc leaves a screen that had no use for it (a sub-view closing uses it).
            (Action::Back, Nav::Ignored) => Nav::Pop,
            (_, nav) => nav,
        }
    }

    fn apply(&mut self, nav: Nav) {
        match nav {
            Nav::Stay | Nav::Ignored => {}
            Nav::Push(s) => self.screens.push(s),
            Nav::Replace(s) => {
                self.screens.pop();
                self.screens.push(s);
            }
            Nav::Pop => {
                self.screens.pop();
                if self.screens.is_empty() {
                    self.screens.push(Screen::Home(home::Home::new(&mut self.ctx)));
                }
                self.reveal();
            }
            Nav::Quit => self.quit = true,
        }
    }

    /// The screen on top re-reads the figures it shows, as when it becomes visible again
    /// (after a drill, an exam, a bank switch).
    pub fn reveal(&mut self) {
        if let Some(screen) = self.screens.last_mut() {
            screen.reveal(&mut self.ctx);
        }
    }

    /// Called once when the app closes, however it closes: an open exam stores its clock.
    pub fn on_exit(&mut self) {
        for screen in &mut self.screens {
            if let Screen::Exam(e) = screen {
                e.suspend(&mut self.ctx);
            }
        }
    }

    pub fn on_mouse(&mut self, m: MouseEvent) {
        let area = super::ui::body_area(self.ctx.env.size);
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                let hit = match self.screens.last() {
                    Some(Screen::Practice(p)) => p.option_at(&self.ctx, area, m.column, m.row).map(Action::Choose),
                    Some(Screen::Home(_)) => home::item_at(area, m.column, m.row).map(Action::OpenEntry),
                    _ => None,
                };
                if let Some(action) = hit {
                    self.on_action(action);
                }
            }
            MouseEventKind::ScrollDown => self.on_action(Action::Down),
            MouseEventKind::ScrollUp => self.on_action(Action::Up),
            _ => {}
        }
    }

    /// A request reached the Lab's live loopback server.
    pub fn on_server(&mut self, event: crate::gateway::server::ServerEvent) {
        if let Some(Screen::Lab(l)) = self.screens.last_mut() {
            l.on_server(&mut self.ctx, event);
        }
    }

    /// An event reached the WebSocket Lab's live loopback server.
    pub fn on_ws_server(&mut self, outcome: crate::gateway::core::ws::WsOutcome) {
        if let Some(Screen::LabWs(l)) = self.screens.last_mut() {
            l.on_server(&mut self.ctx, outcome);
        }
    }

    /// The clock moved on: timed screens react (exam warnings, saving, time up).
    pub fn on_tick(&mut self) {
        let nav = match self.screens.last_mut() {
            Some(Screen::Exam(e)) => e.on_tick(&mut self.ctx),
            _ => Nav::Stay,
        };
        self.apply(nav);
    }

    pub fn on_resize(&mut self, width: u16, height: u16) {
        self.ctx.env.size = Rect::new(0, 0, width, height);
        if let Some(Screen::Note(n)) = self.screens.last_mut() {
            n.relayout(&mut self.ctx);
        }
    }
}
