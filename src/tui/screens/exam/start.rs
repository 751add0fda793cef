//! Choosing an exam: quick, full, or resuming the unfinished one.
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph, Wrap};

use super::{ExamScreen, clock_text};
use crate::store::ExamRow;
use crate::study::exam::ExamSpec;
use crate::tui::action::Action;
use crate::tui::app::{Ctx, Nav, Screen};

pub struct ExamStart {
    pub selected: usize,
    pub resume: Option<ExamRow>,
    /// Draw never-answered questions before repeats (Space switches).
    pub unseen_first: bool,
    /// Exam-level questions never answered, and all of them.
    pub unseen: (usize, usize),
}

impl ExamStart {
    pub fn new(ctx: &mut Ctx) -> ExamStart {
        let resume = match crate::progress::unfinished_exam(&ctx.db, &ctx.bank_name) {
            Ok(r) => r,
            Err(e) => {
                ctx.status = Some(e.to_string());
                None
            }
        };
        let seen = match crate::progress::seen_ids(&ctx.db, &ctx.bank_name) {
            Ok(s) => s,
            Err(e) => {
                ctx.status = Some(e.to_string());
                Default::default()
            }
        };
        let unseen = crate::study::exam::unseen_count(&ctx.bank, &ExamSpec::full(), &seen);
        ExamStart { selected: 0, resume, unseen_first: true, unseen }
    }

    fn rows(&self) -> Vec<String> {
        let mut rows = Vec::new();
        if let Some(r) = &self.resume {
            let spec: Option<ExamSpec> = serde_json::from_str(&r.spec).ok();
            let answered = r.items.iter().filter(|i| i.answer.is_some()).count();
            let left = spec.as_ref().map_or(0, |s| s.limit_ms() - r.elapsed_ms);
            rows.push(format!(
                "Resume: {} — {answered} of {} answered, {} left",
                spec.map_or_else(|| "exam".to_string(), |s| s.label),
                r.items.len(),
                clock_text(left)
            ));
        }
        rows.push(ExamSpec::quick().label);
        rows.push(ExamSpec::full().label);
        rows
    }

    pub fn update(&mut self, ctx: &mut Ctx, action: Action) -> Nav {
        let n = self.rows().len();
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(n - 1),
            Action::ToggleUnseenFirst => self.unseen_first = !self.unseen_first,
            Action::Start => {
                let offset = usize::from(self.resume.is_some());
                if self.selected < offset
                    && let Some(row) = &self.resume
                {
                    let resumed = ExamScreen::resume(ctx, row)
                        .map(|s| Nav::Replace(Screen::Exam(Box::new(s))))
                        .map_err(|e| format!("Cannot resume the exam: {e}."));
                    return Nav::or_status(ctx, resumed);
                }
                let spec = if self.selected == offset { ExamSpec::quick() } else { ExamSpec::full() };
                let spec = spec.with_unseen_first(self.unseen_first);
                let seed = ctx.now as u64;
                let opened = ExamScreen::start(ctx, spec, seed).map(|s| Nav::Replace(Screen::Exam(Box::new(s))));
                return Nav::or_status(ctx, opened);
            }
            _ => return Nav::Ignored,
        }
        Nav::Stay
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let t = &ctx.theme;
        let items: Vec<ListItem> =
            self.rows().into_iter().map(|r| ListItem::new(Line::from(Span::styled(r, t.text)))).collect();
        let [list, info] = ratatui::layout::Layout::vertical([
            ratatui::layout::Constraint::Length(6),
            ratatui::layout::Constraint::Min(0),
        ])
        .areas(area);
        let mut ls = ListState::default().with_selected(Some(self.selected));
        frame.render_stateful_widget(
            List::new(items).block(Block::bordered().title(" Exam ")).highlight_style(t.selected),
            list,
            &mut ls,
        );
        let text = vec![
            Line::from(
                "Like the test centre: the timer is always on screen, you can move back and forth, flag questions \
                 for review, and see no feedback until you submit. Multiple-response questions say how many to \
                 choose and score only when every choice is right.",
            ),
            Line::default(),
            Line::from(Span::styled(
                "Every answer and flag is saved as you make it. Leave with Esc and resume later: the clock stops while the exam is closed.",
                t.muted,
            )),
            Line::from(Span::styled("Custom exams: gatewise exam --questions N --minutes M [--topic T].", t.muted)),
            Line::default(),
            Line::from(vec![
                Span::styled(
                    format!("Unseen first: {} (Space). ", if self.unseen_first { "on" } else { "off" }),
                    t.accent,
                ),
                Span::styled(
                    format!(
                        "{} of {} exam-level questions are still unseen{}.",
                        self.unseen.0,
                        self.unseen.1,
                        if self.unseen_first { "; they come before repeats" } else { "" }
                    ),
                    t.muted,
                ),
            ]),
        ];
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }).block(Block::bordered()), info);
    }
}
