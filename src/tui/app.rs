//! The app model: shared context, the screen stack, and dispatch of events to screens.
use std::collections::{HashMap, HashSet};

use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use rand::SeedableRng;
use rand::rngs::StdRng;
use ratatui::layout::Rect;

use super::action::Action;
use super::keymap::{self, Context};
use super::markdown::{self, Document};
use super::screens::{banks, exam, home, lab, practice, review, study};
use super::theme::Theme;
use crate::bank::Bank;
use crate::progress;
use crate::store::Db;
use crate::store::SrsUpdate;
use crate::study::Millis;
use crate::study::exam::ExamResult;
use crate::study::scheduler::{Fsrs, Rating, Scheduler, SrsSettings, update_for_answer};
use crate::study::stats::{self, Glance};

/// What every screen may use: content, storage, time, randomness, look.
pub struct Ctx {
    pub bank: Bank,
    /// Progress is kept per bank; the bundled one is "builtin".
    pub bank_name: String,
    pub db: Db,
    pub theme: Theme,
    /// The time of the event being handled, set by the loop (tests set it by hand).
    pub now: Millis,
    pub rng: StdRng,
    /// The terminal size, kept up to date from resize events.
    pub size: Rect,
    pub glance: Glance,
    pub notes_read: HashSet<String>,
    /// The latest mock exam's result (custom exams of a few questions are left out), for Home.
    pub last_exam: Option<ExamResult>,
    /// Home's one suggestion of what to do next.
    pub next: crate::study::next::Suggestion,
    /// Questions of this bank due for review now.
    pub due_now: usize,
    /// Answered and total questions of an unfinished exam, if there is one.
    pub unfinished_exam: Option<(usize, usize)>,
    /// Hands live HTTP events from the Lab's loopback server to the app's event channel.
    pub live_observer: Option<crate::gateway::server::Observer>,
    /// The same for the WebSocket Lab's live server.
    pub live_ws_observer: Option<crate::gateway::server::ws::WsObserver>,
    /// Where user banks live, when the app may switch banks.
    pub banks_dir: Option<std::path::PathBuf>,
    pub scheduler: Box<dyn Scheduler>,
    pub srs: SrsSettings,
    /// A one-line message for the learner (an error, a confirmation).
    pub status: Option<String>,
    docs: HashMap<String, Document>,
}

impl Ctx {
    pub fn new(bank: Bank, bank_name: &str, db: Db, theme: Theme, now: Millis, seed: u64, size: Rect) -> Ctx {
        let mut ctx = Ctx {
            bank,
            bank_name: bank_name.to_string(),
            db,
            theme,
            now,
            rng: StdRng::seed_from_u64(seed),
            size,
            glance: Glance::default(),
            notes_read: HashSet::new(),
            last_exam: None,
            live_observer: None,
            live_ws_observer: None,
            banks_dir: None,
            scheduler: Box::new(Fsrs::default()),
            srs: SrsSettings::default(),
            unfinished_exam: None,
            due_now: 0,
            next: crate::study::next::Suggestion::Start,
            status: None,
            docs: HashMap::new(),
        };
        ctx.refresh();
        ctx
    }

    /// Re-reads the progress figures shown on Home.
    pub fn refresh(&mut self) {
        let per_q = self.db.question_stats(&self.bank_name);
        let daily = self.db.daily_stats(&self.bank_name, 0);
        match (per_q, daily) {
            (Ok(q), Ok(d)) => self.glance = stats::glance(&self.bank, &q, &d, self.now),
            (Err(e), _) | (_, Err(e)) => self.status = Some(e.to_string()),
        }
        match crate::progress::load_settings(&self.db) {
            Ok(s) => self.srs = s,
            Err(e) => self.status = Some(e.to_string()),
        }
        match self.db.due_cards(&self.bank_name, self.now) {
            Ok(cards) => self.due_now = cards.iter().filter(|c| self.bank.question(&c.question_id).is_some()).count(),
            Err(e) => self.status = Some(e.to_string()),
        }
        let mut mocks_taken = 0;
        match crate::progress::mock_results(&self.db, &self.bank_name) {
            Ok(r) => {
                mocks_taken = r.len();
                self.last_exam = r.into_iter().next();
            }
            Err(e) => self.status = Some(e.to_string()),
        }
        match self.db.in_progress_exam(&self.bank_name) {
            Ok(r) => {
                self.unfinished_exam = r.map(|e| (e.items.iter().filter(|i| i.answer.is_some()).count(), e.items.len()))
            }
            Err(e) => self.status = Some(e.to_string()),
        }
        match self.db.notes_read(&self.bank_name) {
            Ok(ids) => self.notes_read = ids.into_iter().collect(),
            Err(e) => self.status = Some(e.to_string()),
        }
        let home = crate::study::next::State {
            unfinished_exam: self.unfinished_exam,
            due_now: self.due_now,
            seen: self.glance.seen,
            mocks_taken,
            ..Default::default()
        };
        let next =
            crate::progress::what_next(&self.db, &self.bank, &self.bank_name, self.scheduler.as_ref(), self.now, home);
        match next {
            Ok(n) => self.next = n,
            Err(e) => self.status = Some(e.to_string()),
        }
    }

    /// Studies another bank from now on; progress is kept per bank name.
    pub fn switch_bank(&mut self, bank: Bank, name: &str) {
        self.bank = bank;
        self.bank_name = name.to_string();
        self.docs.clear();
        self.refresh();
    }

    /// The stored update an answer makes to its card (not for cram).
    pub fn srs_update(&self, question_id: &str, rating: Rating) -> Result<SrsUpdate, crate::store::StoreError> {
        let prev = self.db.srs_card(&self.bank_name, question_id)?;
        Ok(update_for_answer(self.scheduler.as_ref(), prev.as_ref(), question_id, rating, self.now, self.srs))
    }

    /// A note parsed once and kept: Markdown is not re-parsed per frame.
    pub fn doc(&mut self, note_id: &str) -> Option<&Document> {
        if !self.docs.contains_key(note_id) {
            let body = self.bank.note(note_id)?.body.clone();
            self.docs.insert(note_id.to_string(), markdown::parse(&body, &self.theme));
        }
        self.docs.get(note_id)
    }
}

pub enum Screen {
    Home(home::Home),
    Study(study::StudyList),
    Note(study::NoteView),
    Setup(practice::Setup),
    Practice(Box<practice::Practice>),
    Summary(practice::SummaryView),
    ExamStart(exam::ExamStart),
    Exam(Box<exam::ExamScreen>),
    Results(Box<exam::Results>),
    Review(Box<review::Review>),
    LabList(lab::LabList),
    Banks(banks::BankPicker),
    Lab(Box<lab::LabScreen>),
    LabWs(Box<lab::LabWsScreen>),
}

impl Screen {
    pub fn context(&self) -> Context {
        match self {
            Screen::Home(_) => Context::Home,
            Screen::Study(s) => s.context(),
            Screen::Note(_) => Context::Note,
            Screen::Setup(_) => Context::PracticeSetup,
            Screen::Practice(p) => p.context(),
            Screen::Summary(_) => Context::Summary,
            Screen::ExamStart(_) => Context::ExamStart,
            Screen::Exam(e) => e.context(),
            Screen::Results(r) => r.context(),
            Screen::Review(r) => r.context(),
            Screen::LabList(_) => Context::LabList,
            Screen::Banks(_) => Context::LabList,
            Screen::Lab(l) => l.context(),
            Screen::LabWs(l) => l.context(),
        }
    }

    pub fn title(&self) -> &'static str {
        match self {
            Screen::Home(_) | Screen::Banks(_) => "Home",
            Screen::Study(_) | Screen::Note(_) => "Study",
            Screen::Setup(_) | Screen::Practice(_) | Screen::Summary(_) => "Practice",
            Screen::ExamStart(_) | Screen::Exam(_) | Screen::Results(_) => "Exam",
            Screen::Review(_) => "Review",
            Screen::LabList(_) | Screen::Lab(_) | Screen::LabWs(_) => "Lab",
        }
    }
}

/// What a screen's update asks of the app.
pub enum Nav {
    Stay,
    Push(Screen),
    Replace(Screen),
    Pop,
    Quit,
}

impl Nav {
    /// Where opening a screen leads: `opened` if the screen could be built, otherwise stay and
    /// show why in the status line.
    pub fn or_status(ctx: &mut Ctx, opened: Result<Nav, String>) -> Nav {
        opened.unwrap_or_else(|e| {
            ctx.status = Some(e);
            Nav::Stay
        })
    }
}

pub struct App {
    pub ctx: Ctx,
    pub screens: Vec<Screen>,
    pub help: bool,
    pub quit: bool,
}

/// The smallest terminal the app draws in; below it, it says so instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 20;

impl App {
    pub fn new(ctx: Ctx) -> App {
        App { ctx, screens: vec![Screen::Home(home::Home::default())], help: false, quit: false }
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
            super::Launch::ResumeExam => match self.ctx.db.in_progress_exam(&self.ctx.bank_name) {
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

    /// Whether the current screen is taking typed text (search), so keys are characters.
    fn typing(&self) -> bool {
        match self.screens.last() {
            Some(Screen::Note(n)) => n.typing(),
            Some(Screen::Study(s)) => s.typing(),
            Some(Screen::Review(r)) => r.typing.is_some(),
            Some(Screen::Lab(l)) => l.typing(),
            _ => false,
        }
    }

    pub fn on_key(&mut self, key: KeyEvent) {
        if self.typing() {
            self.ctx.status = None;
            match self.screens.last_mut() {
                Some(Screen::Note(n)) => n.on_text_key(key, &self.ctx),
                Some(Screen::Study(s)) => s.on_text_key(key, &self.ctx),
                Some(Screen::Review(r)) => r.on_text_key(key, &mut self.ctx),
                Some(Screen::Lab(l)) => {
                    l.on_text_key(key);
                    l.fire_pending(&mut self.ctx);
                }
                _ => {}
            }
            return;
        }
        if let Some(action) = keymap::lookup(self.context(), key) {
            self.on_action(action);
        }
    }

    pub fn on_action(&mut self, action: Action) {
        self.ctx.status = None;
        if self.help {
            // Any key closes the overlay; `q` still quits.
            self.help = false;
            if action == Action::Quit {
                self.quit = true;
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
        let ctx = &mut self.ctx;
        let Some(screen) = self.screens.last_mut() else { return Nav::Stay };
        let nav = match screen {
            Screen::Home(s) => home::update(s, ctx, action),
            Screen::Study(s) => s.update(ctx, action),
            Screen::Note(s) => s.update(ctx, action),
            Screen::Setup(s) => s.update(ctx, action),
            Screen::Practice(s) => s.update(ctx, action),
            Screen::ExamStart(s) => s.update(ctx, action),
            Screen::Exam(s) => s.update(ctx, action),
            Screen::Results(s) => s.update(ctx, action),
            Screen::Review(s) => s.update(ctx, action),
            Screen::LabList(s) => s.update(ctx, action),
            Screen::Banks(s) => s.update(ctx, action),
            Screen::Lab(s) => s.update(ctx, action),
            Screen::LabWs(s) => s.update(ctx, action),
            Screen::Summary(_) => match action {
                Action::Back | Action::Open | Action::Next => Nav::Pop,
                _ => Nav::Stay,
            },
        };
        // Esc leaves a screen unless the screen used it itself (closing a sub-view).
        let handles_back = matches!(self.screens.last(), Some(Screen::Home(_) | Screen::Exam(_) | Screen::Results(_)));
        match (action, nav) {
            (Action::Back, Nav::Stay) if !handles_back => Nav::Pop,
            (_, nav) => nav,
        }
    }

    fn apply(&mut self, nav: Nav) {
        match nav {
            Nav::Stay => {}
            Nav::Push(s) => self.screens.push(s),
            Nav::Replace(s) => {
                self.screens.pop();
                self.screens.push(s);
            }
            Nav::Pop => {
                self.screens.pop();
                if self.screens.is_empty() {
                    self.screens.push(Screen::Home(home::Home::default()));
                }
                self.ctx.refresh();
                // Back on the dashboard after a drill: show what changed.
                match self.screens.last_mut() {
                    Some(Screen::Review(r)) => r.reload(&mut self.ctx),
                    Some(Screen::LabList(l)) => l.reload(&mut self.ctx),
                    _ => {}
                }
            }
            Nav::Quit => self.quit = true,
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
        let area = super::ui::body_area(self.ctx.size);
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                let hit = match self.screens.last() {
                    Some(Screen::Practice(p)) => p.option_at(&self.ctx, area, m.column, m.row),
                    Some(Screen::Home(_)) => home::item_at(area, m.column, m.row),
                    _ => None,
                };
                if let Some(i) = hit {
                    self.on_action(Action::Pick(i));
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
        self.ctx.size = Rect::new(0, 0, width, height);
        if let Some(Screen::Note(n)) = self.screens.last_mut() {
            n.relayout(&mut self.ctx);
        }
    }
}
