//! Exam results: scores against the 700 line, breakdowns, and a review of every question.
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::clock_text;
use crate::study::exam::{ExamResult, ExamSpec, Item, ReviewFilter, SCALED_NOTE};
use crate::tui::action::Action;
use crate::tui::app::{Ctx, Nav, Screen};
use crate::tui::keymap::Context;
use crate::tui::screens::study::NoteView;
use crate::tui::widgets::question::{self, QuestionView};

pub struct Results {
    pub id: i64,
    pub spec: ExamSpec,
    pub items: Vec<Item>,
    pub result: ExamResult,
    pub filter: ReviewFilter,
    pub sel: usize,
    pub detail: Option<usize>,
    pub scroll: u16,
}

impl Results {
    pub fn new(id: i64, spec: ExamSpec, items: Vec<Item>, result: ExamResult) -> Results {
        Results { id, spec, items, result, filter: ReviewFilter::All, sel: 0, detail: None, scroll: 0 }
    }

    pub fn context(&self) -> Context {
        if self.detail.is_some() { Context::ResultDetail } else { Context::Results }
    }

    fn visible(&self) -> Vec<usize> {
        (0..self.items.len())
            .filter(|&i| self.filter.admits(&self.items[i], self.result.item_correct.get(i).copied().unwrap_or(false)))
            .collect()
    }

    pub fn update(&mut self, ctx: &mut Ctx, action: Action) -> Nav {
        if let Some(i) = self.detail {
            match action {
                Action::Up => self.scroll = self.scroll.saturating_sub(1),
                Action::Down => self.scroll = self.scroll.saturating_add(1),
                Action::PageUp => self.scroll = self.scroll.saturating_sub(10),
                Action::PageDown => self.scroll = self.scroll.saturating_add(10),
                Action::OpenNote => {
                    let item = &self.items[i];
                    let chosen = item.answer.clone().unwrap_or_default();
                    let target =
                        ctx.bank.question(&item.question_id).and_then(|q| question::note_target(ctx, q, &chosen));
                    if let Some((id, heading)) = target {
                        return Nav::Push(Screen::Note(NoteView::open_at(ctx, &id, heading.as_deref())));
                    }
                }
                Action::Back => self.detail = None,
                _ => {}
            }
            return Nav::Stay;
        }
        let visible = self.visible();
        let last = visible.len().saturating_sub(1);
        match action {
            Action::Up => self.sel = self.sel.saturating_sub(1),
            Action::Down => self.sel = (self.sel + 1).min(last),
            Action::PageUp => self.sel = self.sel.saturating_sub(10),
            Action::PageDown => self.sel = (self.sel + 10).min(last),
            Action::CycleFilter => {
                self.filter = self.filter.next();
                self.sel = 0;
            }
            Action::OpenQuestion => {
                if let Some(&i) = visible.get(self.sel) {
                    self.detail = Some(i);
                    self.scroll = 0;
                }
            }
            _ => return Nav::Ignored,
        }
        Nav::Stay
    }

    fn summary_lines(&self, ctx: &Ctx, width: u16) -> Vec<Line<'static>> {
        let t = &ctx.theme;
        let r = &self.result;
        let verdict = if r.passed { Span::styled("PASS", t.good) } else { Span::styled("NOT YET", t.bad) };
        let mut lines: Vec<Line<'static>> = vec![];
        lines.extend(crate::tui::markdown::wrap_spans(
            &[],
            &[],
            &[
                Span::styled(
                    format!(
                        "{} of {} correct ({:.0}%) · estimated scaled score {} ",
                        r.correct, r.total, r.percent, r.scaled
                    ),
                    t.heading,
                ),
                verdict,
                Span::styled(
                    format!(" (700 to pass) · {} unanswered · time used {}", r.unanswered, clock_text(r.elapsed_ms)),
                    t.muted,
                ),
            ],
            usize::from(width),
        ));
        lines.extend(crate::tui::markdown::wrap_spans(
            &[],
            &[],
            &[Span::styled(SCALED_NOTE, t.muted)],
            usize::from(width),
        ));
        lines.push(Line::default());
        lines.push(Line::from(Span::styled("By domain", t.heading)));
        for d in crate::bank::Domain::ALL {
            if let Some(tally) = r.by_domain.get(d.id()) {
                lines.push(Line::from(format!(
                    "  {:<34} {:>2}/{:<2} {:>4.0}%",
                    d.title(),
                    tally.correct,
                    tally.total,
                    tally.percent()
                )));
            }
        }
        lines.push(Line::from(Span::styled("By topic", t.heading)));
        for topic in &ctx.bank.topics {
            if let Some(tally) = r.by_topic.get(&topic.id) {
                lines.push(Line::from(format!(
                    "  {:<40} {:>2}/{:<2} {:>4.0}%",
                    topic.title,
                    tally.correct,
                    tally.total,
                    tally.percent()
                )));
            }
        }
        lines
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let t = &ctx.theme;
        let block = Block::bordered().title(format!(" Results · {} ", self.spec.label));
        let inner = block.inner(area);
        let inner = Rect::new(inner.x + 1, inner.y, inner.width.saturating_sub(2), inner.height);
        frame.render_widget(block, area);
        if let Some(i) = self.detail {
            let item = &self.items[i];
            let Some(q) = ctx.bank.question(&item.question_id) else { return };
            let mine: Vec<usize> = item.answer.clone().unwrap_or_default();
            let selected: Vec<usize> = mine.iter().filter_map(|f| item.order.iter().position(|o| o == f)).collect();
            let verdict = match (&item.answer, self.result.item_correct.get(i).copied().unwrap_or(false)) {
                (None, _) => Line::from(Span::styled("Unanswered", t.warn)),
                (_, true) => Line::from(Span::styled("✓ Correct", t.good)),
                (_, false) => Line::from(Span::styled("✗ Incorrect", t.bad)),
            };
            let header = vec![
                Line::from(Span::styled(format!("Question {} of {}", i + 1, self.items.len()), t.accent)),
                verdict,
            ];
            let view =
                QuestionView { q, order: &item.order, selected: &selected, cursor: None, reveal: Some(&mine), header };
            let (lines, _) = question::lines(&view, ctx, inner.width);
            let max = lines.len().saturating_sub(usize::from(inner.height));
            let scroll = usize::from(self.scroll).min(max);
            frame.render_widget(Paragraph::new(lines).scroll((u16::try_from(scroll).unwrap_or(0), 0)), inner);
            return;
        }
        let mut lines = self.summary_lines(ctx, inner.width);
        lines.push(Line::default());
        let visible = self.visible();
        lines.push(Line::from(Span::styled(
            format!(
                "Questions ({}: {} shown; Tab changes the filter, Enter opens)",
                self.filter.label(),
                visible.len()
            ),
            t.heading,
        )));
        let list_start = lines.len();
        for (row, &i) in visible.iter().enumerate() {
            let item = &self.items[i];
            let ok = self.result.item_correct.get(i).copied().unwrap_or(false);
            let mark = match (&item.answer, ok) {
                (None, _) => Span::styled("–", t.warn),
                (_, true) => Span::styled("✓", t.good),
                (_, false) => Span::styled("✗", t.bad),
            };
            let stem = ctx.bank.question(&item.question_id).map_or("(removed from the bank)", |q| q.stem.as_str());
            let short: String = stem.chars().take(usize::from(inner.width.saturating_sub(12))).collect();
            let flag = if item.flagged { "⚑" } else { " " };
            let style = if row == self.sel { t.selected } else { t.text };
            lines.push(Line::from(vec![mark, Span::styled(format!(" {:>3} {flag} {short}", i + 1), style)]));
        }
        // Keep the selected row on screen.
        let h = usize::from(inner.height);
        let target = list_start + self.sel;
        let scroll = (target + 1).saturating_sub(h).min(lines.len().saturating_sub(h));
        frame.render_widget(Paragraph::new(lines).scroll((u16::try_from(scroll).unwrap_or(0), 0)), inner);
    }
}
