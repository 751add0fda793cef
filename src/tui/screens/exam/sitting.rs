//! Sitting an exam like the test centre: timer, warnings, flags, the review list, submitting.
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, List, ListItem, ListState, Paragraph, Wrap};

use super::{Results, clock_text};
use crate::bank::Kind;
use crate::progress;
use crate::store::ExamRow;
use crate::study::exam::{self, Clock, ExamSpec, Item};
use crate::tui::action::Action;
use crate::tui::app::{Ctx, Nav, Screen};
use crate::tui::keymap::Context;
use crate::tui::widgets::question::{self, QuestionView};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Question,
    Review(usize),
    Confirm,
}

pub struct ExamScreen {
    pub id: i64,
    pub spec: ExamSpec,
    pub items: Vec<Item>,
    pub pos: usize,
    pub cursor: usize,
    pub clock: Clock,
    saved_elapsed: i64,
    seen_elapsed: i64,
    pub view: View,
    pub banner: Option<String>,
}

/// How often the clock is written while the exam is open (at most this is lost to a kill).
const SAVE_EVERY_MS: i64 = 2_000;

impl ExamScreen {
    /// Draws and stores a new exam, and starts its clock.
    pub fn start(ctx: &mut Ctx, spec: ExamSpec, seed: u64) -> Result<ExamScreen, String> {
        let seen = match spec.unseen_first {
            true => crate::progress::seen_ids(&ctx.db, &ctx.bank_name).map_err(|e| e.to_string())?,
            false => Default::default(),
        };
        let items = exam::draw_with_history(&ctx.bank, &spec, seed, &seen);
        if items.is_empty() {
            return Err("No questions match that exam.".into());
        }
        let spec_json = serde_json::to_string(&spec).map_err(|e| e.to_string())?;
        let rows = crate::progress::exam_rows(&items);
        let id = ctx.db.create_exam(&ctx.bank_name, &spec_json, seed, &rows, ctx.now).map_err(|e| e.to_string())?;
        let mut clock = Clock::new(spec.limit_ms(), 0);
        clock.resume(ctx.now);
        Ok(ExamScreen {
            id,
            spec,
            items,
            pos: 0,
            cursor: 0,
            clock,
            saved_elapsed: 0,
            seen_elapsed: 0,
            view: View::Question,
            banner: None,
        })
    }

    /// Rebuilds an unfinished exam from the store, with its answers, flags, position and time;
    /// a damaged one is refused with the reason (as in plain mode).
    pub fn resume(ctx: &mut Ctx, row: &ExamRow) -> Result<ExamScreen, String> {
        let (spec, items) = crate::progress::resume_exam(row)?;
        let mut clock = Clock::new(spec.limit_ms(), row.elapsed_ms);
        clock.resume(ctx.now);
        let pos = row.position.min(items.len().saturating_sub(1));
        Ok(ExamScreen {
            id: row.id,
            spec,
            items,
            pos,
            cursor: 0,
            clock,
            saved_elapsed: row.elapsed_ms,
            seen_elapsed: row.elapsed_ms,
            view: View::Question,
            banner: Some("Resumed where you left off. Time while the exam was closed did not count.".into()),
        })
    }

    pub fn context(&self) -> Context {
        match self.view {
            View::Question => Context::Exam,
            View::Review(_) => Context::ExamReview,
            View::Confirm => Context::Confirm,
        }
    }

    fn save_item(&mut self, ctx: &mut Ctx, idx: usize) {
        let elapsed = self.clock.elapsed(ctx.now);
        let item = &self.items[idx];
        match ctx.db.save_exam_item(self.id, idx, item.answer.as_deref(), item.flagged, elapsed, self.pos) {
            Ok(()) => self.saved_elapsed = elapsed,
            Err(e) => ctx.status = Some(format!("Not saved: {e}")),
        }
    }

    fn save_clock(&mut self, ctx: &mut Ctx) {
        let elapsed = self.clock.elapsed(ctx.now);
        match ctx.db.save_exam_clock(self.id, elapsed, self.pos) {
            Ok(()) => self.saved_elapsed = elapsed,
            Err(e) => ctx.status = Some(format!("Not saved: {e}")),
        }
    }

    /// Called on every tick: warnings, saving the clock, and submitting when time is up.
    pub fn on_tick(&mut self, ctx: &mut Ctx) -> Nav {
        let elapsed = self.clock.elapsed(ctx.now);
        if let Some(m) = self.clock.warning_between(self.seen_elapsed, ctx.now) {
            self.banner = Some(format!("{m} minutes left."));
        }
        self.seen_elapsed = elapsed;
        if self.clock.expired(ctx.now) {
            return self.submit(ctx, true);
        }
        if elapsed - self.saved_elapsed >= SAVE_EVERY_MS {
            self.save_clock(ctx);
        }
        Nav::Stay
    }

    fn pick(&mut self, ctx: &mut Ctx, display: usize) {
        let Some(q) = ctx.bank.question(&self.items[self.pos].question_id) else { return };
        let item = &mut self.items[self.pos];
        let Some(&file_idx) = item.order.get(display) else { return };
        self.cursor = display;
        let mut chosen = item.answer.clone().unwrap_or_default();
        match q.kind {
            Kind::Single => chosen = vec![file_idx],
            Kind::Multiple => {
                if let Some(p) = chosen.iter().position(|&c| c == file_idx) {
                    chosen.remove(p);
                } else if chosen.len() >= q.answer_count() {
                    // As on the exam: exactly the stated number; unpick one first.
                    return;
                } else {
                    chosen.push(file_idx);
                    chosen.sort_unstable();
                }
            }
        }
        item.answer = (!chosen.is_empty()).then_some(chosen);
        self.save_item(ctx, self.pos);
    }

    pub fn update(&mut self, ctx: &mut Ctx, action: Action) -> Nav {
        if self.clock.expired(ctx.now) {
            return self.submit(ctx, true);
        }
        let n = self.items.len();
        match self.view {
            View::Question => match action {
                Action::Choose(i) => self.pick(ctx, i),
                Action::ToggleHighlighted => self.pick(ctx, self.cursor),
                Action::Up => self.cursor = self.cursor.saturating_sub(1),
                Action::Down => {
                    let opts = self.items[self.pos].order.len();
                    self.cursor = (self.cursor + 1).min(opts.saturating_sub(1));
                }
                Action::NextQuestion => self.go(ctx, (self.pos + 1).min(n - 1)),
                Action::PrevQuestion => self.go(ctx, self.pos.saturating_sub(1)),
                Action::Flag => {
                    self.items[self.pos].flagged = !self.items[self.pos].flagged;
                    self.save_item(ctx, self.pos);
                }
                Action::OpenReviewList => self.view = View::Review(self.pos),
                Action::SubmitExam => self.view = View::Confirm,
                Action::Back => {
                    self.clock.pause(ctx.now);
                    self.save_clock(ctx);
                    ctx.status = Some("Exam paused and saved; the clock is stopped. Resume from Exam on Home, or `gatewise exam --resume`.".into());
                    return Nav::Pop;
                }
                _ => {}
            },
            View::Review(sel) => match action {
                Action::Up => self.view = View::Review(sel.saturating_sub(1)),
                Action::Down => self.view = View::Review((sel + 1).min(n - 1)),
                Action::PageUp => self.view = View::Review(sel.saturating_sub(10)),
                Action::PageDown => self.view = View::Review((sel + 10).min(n - 1)),
                Action::GoToQuestion => {
                    self.go(ctx, sel);
                    self.view = View::Question;
                }
                Action::SubmitExam => self.view = View::Confirm,
                Action::Back => {
                    self.view = View::Question;
                    return Nav::Stay;
                }
                _ => {}
            },
            View::Confirm => match action {
                Action::ConfirmSubmit => return self.submit(ctx, false),
                Action::Back => {
                    self.view = View::Question;
                    return Nav::Stay;
                }
                _ => {}
            },
        }
        Nav::Stay
    }

    /// The app is closing (q, or SIGINT/SIGTERM/SIGHUP): stop the clock and store it, so no time
    /// is lost or given back.
    pub fn suspend(&mut self, ctx: &mut Ctx) {
        self.clock.pause(ctx.now);
        self.save_clock(ctx);
    }

    fn go(&mut self, ctx: &mut Ctx, pos: usize) {
        if pos != self.pos {
            self.pos = pos;
            self.cursor = 0;
            self.save_clock(ctx);
        }
    }

    /// Scores the exam, stores the result and the final answers, and shows the results.
    fn submit(&mut self, ctx: &mut Ctx, time_up: bool) -> Nav {
        self.clock.pause(ctx.now);
        let elapsed = self.clock.elapsed(ctx.now);
        let result = match progress::submit_exam(
            &mut ctx.db,
            &ctx.bank,
            &ctx.bank_name,
            ctx.scheduler.as_ref(),
            ctx.srs,
            self.id,
            &self.items,
            elapsed,
            ctx.now,
        ) {
            Ok(r) => r,
            Err(e) => {
                ctx.status = Some(format!("The exam could not be submitted (your answers are saved): {e}"));
                self.clock.resume(ctx.now);
                return Nav::Stay;
            }
        };
        if time_up {
            ctx.status = Some("Time is up: the exam was submitted with the answers given.".into());
        }
        Nav::Replace(Screen::Results(Box::new(Results::new(self.id, self.spec.clone(), self.items.clone(), result))))
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let t = &ctx.theme;
        let n = self.items.len();
        let counts = exam::outstanding(&ctx.bank, &self.items);
        let (answered, flagged) = (counts.answered, counts.flagged);
        let remaining = self.clock.remaining(ctx.now);
        let time_style = if remaining <= 5 * 60_000 {
            t.bad
        } else if remaining <= 15 * 60_000 {
            t.warn
        } else {
            t.accent
        };
        let title = Line::from(vec![
            Span::styled(format!(" Question {} of {n} ", self.pos + 1), t.title),
            Span::styled(format!(" ⏱ {} left ", clock_text(remaining)), time_style),
            Span::styled(format!(" {answered} answered · {flagged} flagged "), t.muted),
        ]);
        let block =
            Block::bordered().title(title).title_bottom(Line::from(format!(" {} ", self.spec.label)).right_aligned());
        let inner = block.inner(area);
        let inner = Rect::new(inner.x + 1, inner.y, inner.width.saturating_sub(2), inner.height);
        frame.render_widget(block, area);
        match self.view {
            View::Question | View::Confirm => {
                let item = &self.items[self.pos];
                let Some(q) = ctx.bank.question(&item.question_id) else {
                    frame.render_widget(
                        Paragraph::new("This question is no longer in the bank; it will not be scored."),
                        inner,
                    );
                    return;
                };
                let selected: Vec<usize> = item
                    .answer
                    .as_deref()
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|f| item.order.iter().position(|o| o == f))
                    .collect();
                let mut header = Vec::new();
                if let Some(b) = &self.banner {
                    header.push(Line::from(Span::styled(b.clone(), t.warn)));
                }
                if item.flagged {
                    header.push(Line::from(Span::styled("⚑ Flagged for review", t.warn)));
                }
                if let state @ exam::AnswerState::Incomplete { .. } = item.state(Some(q)) {
                    header.push(Line::from(Span::styled(format!("Incomplete: {}", state.label()), t.warn)));
                }
                let view = QuestionView {
                    q,
                    order: &item.order,
                    selected: &selected,
                    cursor: Some(self.cursor),
                    reveal: None,
                    header,
                };
                let (lines, _) = question::lines(&view, ctx, inner.width);
                frame.render_widget(Paragraph::new(lines), inner);
                if self.view == View::Confirm {
                    let text = vec![
                        Line::from(Span::styled("Submit the exam?", t.heading)),
                        Line::default(),
                        Line::from(format!("{}.", counts.describe())),
                        Line::from(format!("Time left: {}.", clock_text(remaining))),
                        Line::default(),
                        Line::from(Span::styled("Enter or y submits · Esc returns to the exam", t.muted)),
                    ];
                    let w = 64.min(area.width);
                    let h = 9.min(area.height);
                    let popup = Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h);
                    frame.render_widget(Clear, popup);
                    frame.render_widget(
                        Paragraph::new(text).wrap(Wrap { trim: false }).block(Block::bordered().title(" End exam ")),
                        popup,
                    );
                }
            }
            View::Review(sel) => {
                let items: Vec<ListItem> = self
                    .items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| {
                        let st = it.state(ctx.bank.question(&it.question_id));
                        let style = if st == exam::AnswerState::Answered { t.good } else { t.warn };
                        let state = Span::styled(format!("{:<20}", st.label()), style);
                        let flag = if it.flagged { Span::styled("  ⚑ flagged", t.warn) } else { Span::raw("") };
                        let stem = ctx.bank.question(&it.question_id).map_or("", |q| q.stem.as_str());
                        let short: String = stem.chars().take(usize::from(inner.width.saturating_sub(30))).collect();
                        ListItem::new(Line::from(vec![
                            Span::styled(format!("{:>3}  ", i + 1), t.accent),
                            state,
                            flag,
                            Span::styled(format!("  {short}"), t.muted),
                        ]))
                    })
                    .collect();
                let mut ls = ListState::default().with_selected(Some(sel));
                frame.render_stateful_widget(List::new(items).highlight_style(t.selected), inner, &mut ls);
            }
        }
    }
}
