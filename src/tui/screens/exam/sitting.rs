//! Sitting an exam like the test centre: timer, warnings, flags, the review list, submitting.
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, List, ListItem, ListState, Paragraph, Wrap};

use super::{Results, clock_text};
use crate::bank::count_word;
use crate::session::exam::Picked;
use crate::session::{ExamSession, SessionError, Tick};
use crate::store::ExamRow;
use crate::study::exam::{self, ExamSpec};
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
    /// The exam itself: items, answers, flags, clock and their storage.
    pub session: ExamSession,
    pub cursor: usize,
    pub view: View,
    pub banner: Option<String>,
}

/// What the learner sees when the store refuses a change (the exam itself goes on).
fn not_saved(ctx: &mut Ctx, e: impl std::fmt::Display) {
    ctx.status = Some(format!("Not saved: {e}"));
}

impl ExamScreen {
    fn open(session: ExamSession, banner: Option<String>) -> ExamScreen {
        ExamScreen { session, cursor: 0, view: View::Question, banner }
    }

    /// Draws and stores a new exam, and starts its clock.
    pub fn start(ctx: &mut Ctx, spec: ExamSpec, seed: u64) -> Result<ExamScreen, String> {
        let now = ctx.now;
        let session = ExamSession::start(&mut ctx.services(), spec, seed, now).map_err(|e| match e {
            SessionError::NoQuestions => "No questions match that exam.".to_string(),
            e => e.to_string(),
        })?;
        Ok(Self::open(session, None))
    }

    /// Rebuilds an unfinished exam from the store; a damaged one is refused with the reason.
    pub fn resume(ctx: &mut Ctx, row: &ExamRow) -> Result<ExamScreen, String> {
        let session = ExamSession::resume(row, ctx.now).map_err(|e| e.to_string())?;
        Ok(Self::open(
            session,
            Some("Resumed where you left off. Time while the exam was closed did not count.".into()),
        ))
    }

    pub fn context(&self) -> Context {
        match self.view {
            View::Question => Context::Exam,
            View::Review(_) => Context::ExamReview,
            View::Confirm => Context::Confirm,
        }
    }

    /// Called on every tick: warnings, saving the clock, and submitting when time is up.
    pub fn on_tick(&mut self, ctx: &mut Ctx) -> Nav {
        match self.session.tick(&mut ctx.db, ctx.now) {
            Ok(Tick::TimeUp) => return self.submit(ctx, true),
            Ok(Tick::Warning(m)) => self.banner = Some(format!("{m} minutes left.")),
            Ok(Tick::Quiet) => {}
            Err(e) => not_saved(ctx, e),
        }
        Nav::Stay
    }

    /// How many options the question on screen has, for the keys that pick them.
    pub(crate) fn option_count(&self) -> usize {
        self.session.current().order.len()
    }

    fn pick(&mut self, ctx: &mut Ctx, display: usize) {
        self.cursor = display;
        match self.session.toggle(&mut ctx.db, &ctx.bank, display, ctx.now) {
            Ok(Picked::TooMany { need }) => {
                ctx.status = Some(format!("This question takes {}: unpick one first.", count_word(need)));
            }
            Ok(_) => {}
            Err(e) => not_saved(ctx, e),
        }
    }

    fn go(&mut self, ctx: &mut Ctx, pos: usize) {
        if pos != self.session.pos() {
            self.cursor = 0;
        }
        if let Err(e) = self.session.go(&mut ctx.db, pos, ctx.now) {
            not_saved(ctx, e);
        }
    }

    pub fn update(&mut self, ctx: &mut Ctx, action: Action) -> Nav {
        if self.session.expired(ctx.now) {
            return self.submit(ctx, true);
        }
        let n = self.session.len();
        let pos = self.session.pos();
        match self.view {
            View::Question => match action {
                Action::Choose(i) => self.pick(ctx, i),
                Action::ToggleHighlighted => self.pick(ctx, self.cursor),
                Action::Up => self.cursor = self.cursor.saturating_sub(1),
                Action::Down => {
                    let opts = self.session.current().order.len();
                    self.cursor = (self.cursor + 1).min(opts.saturating_sub(1));
                }
                Action::NextQuestion => self.go(ctx, pos + 1),
                Action::PrevQuestion => self.go(ctx, pos.saturating_sub(1)),
                Action::Flag => {
                    if let Err(e) = self.session.toggle_flag(&mut ctx.db, ctx.now) {
                        not_saved(ctx, e);
                    }
                }
                Action::OpenReviewList => self.view = View::Review(pos),
                Action::SubmitExam => self.view = View::Confirm,
                Action::Back => {
                    self.suspend(ctx);
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
    pub(crate) fn suspend(&mut self, ctx: &mut Ctx) {
        if let Err(e) = self.session.pause(&mut ctx.db, ctx.now) {
            not_saved(ctx, e);
        }
    }

    /// Scores the exam, stores the result and the final answers, and shows the results.
    fn submit(&mut self, ctx: &mut Ctx, time_up: bool) -> Nav {
        let now = ctx.now;
        let result = match self.session.submit(&mut ctx.services(), now) {
            Ok(r) => r,
            Err(e) => {
                ctx.status = Some(format!("The exam could not be submitted (your answers are saved): {e}"));
                return Nav::Stay;
            }
        };
        if time_up {
            ctx.status = Some("Time is up: the exam was submitted with the answers given.".into());
        }
        let s = &self.session;
        Nav::Replace(Screen::Results(Box::new(Results::new(s.id(), s.spec().clone(), s.items().to_vec(), result))))
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let t = &ctx.theme;
        let n = self.session.len();
        let counts = self.session.outstanding(&ctx.bank);
        let (answered, flagged) = (counts.answered, counts.flagged);
        let remaining = self.session.remaining(ctx.now);
        let time_style = if remaining <= 5 * 60_000 {
            t.bad
        } else if remaining <= 15 * 60_000 {
            t.warn
        } else {
            t.accent
        };
        let title = Line::from(vec![
            Span::styled(format!(" Question {} of {n} ", self.session.pos() + 1), t.title),
            Span::styled(format!(" ⏱ {} left ", clock_text(remaining)), time_style),
            Span::styled(format!(" {answered} answered · {flagged} flagged "), t.muted),
        ]);
        let block = Block::bordered()
            .title(title)
            .title_bottom(Line::from(format!(" {} ", self.session.spec().label)).right_aligned());
        let inner = block.inner(area);
        let inner = Rect::new(inner.x + 1, inner.y, inner.width.saturating_sub(2), inner.height);
        frame.render_widget(block, area);
        match self.view {
            View::Question | View::Confirm => {
                let item = self.session.current();
                let Some(q) = self.session.question(&ctx.bank) else {
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
                    .session
                    .items()
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
