//! Review: readiness and the exam-date plan, accuracy and exam charts, mastery, the study-day
//! heatmap, reviews due, confidence calibration, and the most-missed questions to drill.
use std::cell::Cell;

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Tabs};

use crate::study::dashboard::Dashboard;
use crate::study::misconceptions::BeliefStatus;
use crate::study::scheduler::{RETENTION_MAX, RETENTION_MIN};
use crate::tui::action::Action;
use crate::tui::app::{Ctx, Nav, Screen};
use crate::tui::keymap::Context;
use crate::tui::screens::practice;
use crate::tui::screens::study::NoteView;
use crate::tui::widgets::text_input::{Edit, TextInput};

mod beliefs;
pub mod charts;
mod mastery;
mod overview;

pub(crate) const PAGES: [&str; 5] = ["Overview", "Progress", "Mastery", "Most missed", "Misconceptions"];
const OVERVIEW_PAGE: usize = 0;
const MASTERY_PAGE: usize = 2;
const MISSED_PAGE: usize = 3;
const BELIEFS_PAGE: usize = 4;

pub struct Review {
    pub page: usize,
    pub sel: usize,
    pub data: Option<Dashboard>,
    /// Beliefs the learner's answers have shown (the Misconceptions page).
    pub beliefs: Vec<BeliefStatus>,
    /// The exam date being typed, when the learner is setting it.
    pub typing: Option<TextInput>,
    /// How far the Overview or Mastery page is scrolled (short terminals).
    pub scroll: u16,
    /// How far the current page can scroll, as last drawn.
    max_scroll: Cell<u16>,
}

impl Review {
    pub fn new(ctx: &mut Ctx) -> Review {
        let mut r = Review {
            page: 0,
            sel: 0,
            data: None,
            beliefs: Vec::new(),
            typing: None,
            scroll: 0,
            max_scroll: Cell::new(0),
        };
        r.reload(ctx);
        r
    }

    /// Re-reads the dashboard (after a drill, or a changed date or retention).
    pub(crate) fn reload(&mut self, ctx: &mut Ctx) {
        match crate::progress::load_dashboard(&ctx.db, &ctx.bank, &ctx.bank_name, ctx.scheduler.as_ref(), ctx.now) {
            Ok(d) => {
                self.beliefs = d.misconceptions.clone();
                self.data = Some(d);
            }
            Err(e) => ctx.status = Some(e.to_string()),
        }
    }

    fn go_to(&mut self, page: usize) {
        self.page = page;
        self.sel = 0;
        self.scroll = 0;
        self.max_scroll.set(0);
    }

    pub fn context(&self) -> Context {
        if self.typing.is_some() { Context::TextEntry } else { Context::Review }
    }

    /// A key for the exam date being typed; `None` when no date is being typed.
    pub(crate) fn on_text(&mut self, ctx: &mut Ctx, key: KeyEvent) -> Option<Nav> {
        let input = self.typing.as_mut()?;
        match input.handle(key) {
            Edit::Changed | Edit::Unchanged => {}
            Edit::Cancel => self.typing = None,
            Edit::Submit => {
                let text = input.text().to_string();
                self.typing = None;
                match crate::settings::set_exam_date(&mut ctx.db, &text, ctx.now) {
                    Ok(_) => ctx.load_settings(),
                    Err(crate::settings::SettingError::Invalid(e)) => {
                        ctx.status = Some(format!("Exam date: {e}."));
                        return Some(Nav::Stay);
                    }
                    Err(e) => ctx.status = Some(e.to_string()),
                }
                self.reload(ctx);
            }
        }
        Some(Nav::Stay)
    }

    pub fn update(&mut self, ctx: &mut Ctx, action: Action) -> Nav {
        let rows = if self.page == BELIEFS_PAGE {
            self.beliefs.len()
        } else {
            self.data.as_ref().map_or(0, |d| d.most_missed.len())
        };
        let scrolls = self.page == OVERVIEW_PAGE || self.page == MASTERY_PAGE;
        match action {
            Action::NextPage => self.go_to((self.page + 1) % PAGES.len()),
            Action::PrevPage => self.go_to((self.page + PAGES.len() - 1) % PAGES.len()),
            Action::GoToPage(i) if i < PAGES.len() => self.go_to(i),
            Action::Up | Action::PageUp if scrolls => {
                let step = if action == Action::PageUp { 10 } else { 1 };
                self.scroll = self.scroll.saturating_sub(step);
            }
            Action::Down | Action::PageDown if scrolls => {
                let step = if action == Action::PageDown { 10 } else { 1 };
                self.scroll = (self.scroll + step).min(self.max_scroll.get());
            }
            Action::Up => self.sel = self.sel.saturating_sub(1),
            Action::Down => self.sel = (self.sel + 1).min(rows.saturating_sub(1)),
            Action::DrillSelected if self.page == BELIEFS_PAGE => {
                if let Some(b) = self.beliefs.get(self.sel) {
                    let view = NoteView::open_at(ctx, &b.note, Some(&b.heading));
                    return Nav::Push(Screen::Note(view));
                }
            }
            Action::DrillAll if self.page == BELIEFS_PAGE => {
                if let Some(b) = self.beliefs.get(self.sel) {
                    let label = format!("drill: {}", b.id);
                    return practice::start_drill(ctx, &label, b.questions.clone());
                }
            }
            Action::DrillSelected if self.page == MISSED_PAGE => {
                if let Some(m) = self.data.as_ref().and_then(|d| d.most_missed.get(self.sel)) {
                    return practice::start_drill(ctx, "drill: one missed question", vec![m.question_id.clone()]);
                }
            }
            Action::DrillAll => {
                let ids: Vec<String> = self
                    .data
                    .as_ref()
                    .map(|d| d.most_missed.iter().map(|m| m.question_id.clone()).collect())
                    .unwrap_or_default();
                if ids.is_empty() {
                    ctx.status = Some("Nothing missed yet: nothing to drill.".into());
                } else {
                    return practice::start_drill(ctx, "drill: most missed", ids);
                }
            }
            Action::SetExamDate => {
                self.typing = Some(TextInput::new("").accepting(|c| c.is_ascii_digit() || c == '-'));
            }
            Action::CycleRetention => {
                // Retention cycles up in 0.05 steps, back to the lowest after the highest.
                let r = ctx.srs.retention + 0.05;
                let r = if r > RETENTION_MAX + 1e-9 { RETENTION_MIN } else { r };
                match crate::settings::set_retention(&mut ctx.db, r) {
                    Ok(_) => {
                        ctx.load_settings();
                        self.reload(ctx);
                    }
                    Err(e) => ctx.status = Some(e.to_string()),
                }
            }
            Action::PageUp | Action::PageDown | Action::DrillSelected => {}
            _ => return Nav::Ignored,
        }
        Nav::Stay
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let t = &ctx.theme;
        let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        frame.render_widget(
            Tabs::new(PAGES.to_vec()).select(self.page).style(t.muted).highlight_style(t.selected),
            tabs,
        );
        let Some(d) = &self.data else {
            frame.render_widget(Paragraph::new("No data."), body);
            return;
        };
        match self.page {
            OVERVIEW_PAGE => {
                self.max_scroll.set(overview::render(frame, body, ctx, d, self.typing.as_ref(), self.scroll))
            }
            1 => charts::render(frame, body, ctx, d),
            MASTERY_PAGE => self.max_scroll.set(mastery::render(frame, body, ctx, d, self.scroll)),
            MISSED_PAGE => self.missed_page(frame, body, ctx, d),
            _ => beliefs::render(frame, body, ctx, &self.beliefs, self.sel),
        }
    }

    fn missed_page(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, d: &Dashboard) {
        let t = &ctx.theme;
        let w = usize::from(area.width.saturating_sub(4));
        let mut lines = Vec::new();
        if d.most_missed.is_empty() {
            lines.push(Line::from(Span::styled("Nothing missed yet.", t.muted)));
        }
        for (i, m) in d.most_missed.iter().enumerate() {
            let stem = ctx.bank.question(&m.question_id).map_or("", |q| q.stem.as_str());
            let style = if i == self.sel { t.selected } else { t.text };
            let leech = if m.leech { "LEECH " } else { "" };
            let head = format!("{:>2} missed of {:<3} {leech}", m.misses, m.answered);
            let short: String = stem.chars().take(w.saturating_sub(head.len() + 2)).collect();
            lines.push(Line::from(vec![
                Span::styled(head, if m.leech { t.warn } else { t.accent }),
                Span::styled(short, style),
            ]));
            if m.leech {
                let note =
                    m.note.as_deref().and_then(|n| ctx.bank.note(n)).map_or("its topic's note", |n| n.title.as_str());
                lines
                    .push(Line::from(Span::styled(format!("      read \"{note}\" before drilling it again"), t.muted)));
            }
        }
        if d.removed_questions > 0 {
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(
                format!(
                    "{} you answered {} no longer in the bank; their history is kept but not counted.",
                    crate::text::plural(d.removed_questions, "question"),
                    if d.removed_questions == 1 { "is" } else { "are" }
                ),
                t.muted,
            )));
        }
        frame.render_widget(
            Paragraph::new(lines)
                .block(Block::bordered().title(" Most missed · Enter drills one · d drills them all ")),
            area,
        );
    }
}
