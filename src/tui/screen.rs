//! The screens the app stacks, and the one place that routes to each: its key context, title,
//! actions, typed text, and reloading its figures when it is shown again.
use crossterm::event::KeyEvent;

use super::action::Action;
use super::app::Ctx;
use super::keymap::Context;
use super::screens::{banks, exam, home, lab, practice, review, study};

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

/// What a screen's update asks of the app.
pub enum Nav {
    /// The screen used the action and stays.
    Stay,
    /// The screen had no use for the action: the app's default applies (Esc leaves the screen).
    Ignored,
    Push(Screen),
    Replace(Screen),
    Pop,
    Quit,
}

impl Nav {
    /// Where opening a screen leads: `opened` if the screen could be built, otherwise stay and
    /// show why in the status line.
    pub(crate) fn or_status(ctx: &mut Ctx, opened: Result<Nav, String>) -> Nav {
        opened.unwrap_or_else(|e| {
            ctx.status = Some(e);
            Nav::Stay
        })
    }
}

impl Screen {
    pub fn context(&self) -> Context {
        match self {
            Screen::Home(_) => Context::Home,
            Screen::Study(s) => s.context(),
            Screen::Note(n) => n.context(),
            Screen::Setup(_) => Context::PracticeSetup,
            Screen::Practice(p) => p.context(),
            Screen::Summary(_) => Context::Summary,
            Screen::ExamStart(_) => Context::ExamStart,
            Screen::Exam(e) => e.context(),
            Screen::Results(r) => r.context(),
            Screen::Review(r) => r.context(),
            Screen::LabList(_) => Context::LabList,
            Screen::Banks(_) => Context::Banks,
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

    /// The screen's answer to an action.
    pub fn update(&mut self, ctx: &mut Ctx, action: Action) -> Nav {
        match self {
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
                Action::Done => Nav::Pop,
                _ => Nav::Ignored,
            },
        }
    }

    /// A key for the screen's open text field (its context is `TextEntry`); `None` when no
    /// field is open.
    pub(crate) fn on_text(&mut self, ctx: &mut Ctx, key: KeyEvent) -> Option<Nav> {
        match self {
            Screen::Note(n) => n.on_text(ctx, key),
            Screen::Study(s) => s.on_text(ctx, key),
            Screen::Review(r) => r.on_text(ctx, key),
            Screen::Lab(l) => l.on_text(ctx, key),
            _ => None,
        }
    }

    /// The screen is shown again (what was on top of it closed): it re-reads the figures it
    /// shows, which the screen above may have changed.
    pub fn reveal(&mut self, ctx: &mut Ctx) {
        match self {
            Screen::Home(h) => h.reload(ctx),
            Screen::Study(s) => s.reload(ctx),
            Screen::Review(r) => r.reload(ctx),
            Screen::LabList(l) => l.reload(ctx),
            _ => {}
        }
    }
}
