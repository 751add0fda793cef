//! Practice: choosing what to practise, answering one question at a time, feedback, summary.
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::bank::{Kind, LevelChoice, Question};
use crate::progress::PracticeChoice;
use crate::session::PracticeSession;
use crate::session::practice::{Feedback, NotTaken};
use crate::store::Mode;
use crate::study::practice::{Filter, Summary};
use crate::study::scheduler::LEECH_LAPSES;
use crate::tui::action::Action;
use crate::tui::app::{Ctx, Nav, Screen};
use crate::tui::keymap::Context;
use crate::tui::screens::study::NoteView;
use crate::tui::widgets::question::{self, QuestionView};

mod setup;
pub use setup::Setup;

/// Starts a drill on exactly these questions (most missed, from Review).
pub(crate) fn start_drill(ctx: &mut Ctx, label: &str, ids: Vec<String>) -> Nav {
    match start(ctx, Filter::Ids(label.to_string(), ids), Mode::Practice) {
        Some(p) => Nav::Push(Screen::Practice(Box::new(p))),
        None => Nav::Stay,
    }
}

/// Starts a session on one topic (from Study).
pub(crate) fn start_topic(ctx: &mut Ctx, topic: &str) -> Nav {
    match start(ctx, Filter::Topics(vec![topic.to_string()]), Mode::Practice) {
        Some(p) => Nav::Push(Screen::Practice(Box::new(p))),
        None => Nav::Stay,
    }
}

pub fn start(ctx: &mut Ctx, filter: Filter, mode: Mode) -> Option<Practice> {
    start_at(ctx, filter, LevelChoice::Exam, mode)
}

pub(crate) fn start_at(ctx: &mut Ctx, filter: Filter, level: LevelChoice, mode: Mode) -> Option<Practice> {
    start_choice(ctx, PracticeChoice::Pick(filter, level), mode)
}

/// Starts what a learner chose, through the same session plain mode uses.
pub(crate) fn start_choice(ctx: &mut Ctx, choice: PracticeChoice, mode: Mode) -> Option<Practice> {
    let now = ctx.now;
    let (mut services, rng) = ctx.services_and_rng();
    match PracticeSession::start(&mut services, choice, mode, now, rng) {
        Ok(session) => Some(Practice { session, selected: Vec::new(), cursor: 0, confidence: None, scroll: 0 }),
        Err(e) => {
            ctx.status = Some(crate::text::sentence(&e.to_string()));
            None
        }
    }
}

pub struct Practice {
    /// The session: queue, the question shown, answers and their storage.
    pub session: PracticeSession,
    /// Chosen display positions.
    pub selected: Vec<usize>,
    pub cursor: usize,
    pub confidence: Option<u8>,
    pub scroll: u16,
}

pub struct SummaryView {
    pub summary: Summary,
    pub filter: String,
}

const CONFIDENCE: [&str; 3] = ["unsure", "fairly sure", "sure"];

impl Practice {
    pub fn context(&self) -> Context {
        if self.session.feedback().is_some() { Context::Feedback } else { Context::Question }
    }

    /// How many options the question on screen has, for the keys that pick them.
    pub(crate) fn option_count(&self, ctx: &Ctx) -> usize {
        self.question(ctx).map_or(0, |q| q.options.len())
    }

    fn question<'a>(&self, ctx: &'a Ctx) -> Option<&'a Question> {
        self.session.question(&ctx.bank)
    }

    fn pick(&mut self, q: &Question, i: usize) {
        if i >= q.options.len() {
            return;
        }
        self.cursor = i;
        match q.kind {
            Kind::Single => self.selected = vec![i],
            Kind::Multiple => {
                if let Some(pos) = self.selected.iter().position(|&s| s == i) {
                    self.selected.remove(pos);
                } else {
                    self.selected.push(i);
                }
            }
        }
    }

    pub fn update(&mut self, ctx: &mut Ctx, action: Action) -> Nav {
        let Some(q) = self.question(ctx).cloned() else { return self.finish(ctx) };
        if let Some(chosen) = self.session.feedback().map(|f| f.chosen.clone()) {
            match action {
                Action::Continue => {
                    let now = ctx.now;
                    if !self.session.advance(&ctx.bank, now, &mut ctx.rng) {
                        return self.finish(ctx);
                    }
                    self.selected.clear();
                    self.cursor = 0;
                    self.confidence = None;
                    self.scroll = 0;
                }
                Action::Up => self.scroll = self.scroll.saturating_sub(1),
                Action::Down => self.scroll = self.scroll.saturating_add(1),
                Action::PageUp => self.scroll = self.scroll.saturating_sub(10),
                Action::PageDown => self.scroll = self.scroll.saturating_add(10),
                Action::OpenNote => {
                    if let Some((id, heading)) = question::note_target(ctx, &q, &chosen) {
                        return Nav::Push(Screen::Note(NoteView::open_at(ctx, &id, heading.as_deref())));
                    }
                }
                Action::Back => return self.finish(ctx),
                _ => {}
            }
            return Nav::Stay;
        }
        match action {
            Action::Choose(i) => self.pick(&q, i),
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::Down => self.cursor = (self.cursor + 1).min(q.options.len().saturating_sub(1)),
            Action::ToggleHighlighted => self.pick(&q, self.cursor),
            Action::MarkConfidence => {
                self.confidence = match self.confidence {
                    None => Some(1),
                    Some(c) if c < 3 => Some(c + 1),
                    Some(_) => None,
                }
            }
            Action::PageDown => self.scroll = self.scroll.saturating_add(5),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(5),
            Action::SubmitAnswer => self.submit(ctx),
            Action::Back => return self.finish(ctx),
            _ => {}
        }
        Nav::Stay
    }

    /// Grades and stores the answer; feedback appears only once the store has committed it.
    fn submit(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        match self.session.submit(&mut ctx.services(), &self.selected, self.confidence, now) {
            Ok(_) => self.scroll = 0,
            Err(e @ NotTaken::Picks { .. }) => {
                ctx.status = Some(format!("{}, then press Enter.", crate::text::capitalise(&e.to_string())))
            }
            Err(e) => ctx.status = Some(crate::text::sentence(&e.to_string())),
        }
    }

    fn finish(&mut self, ctx: &mut Ctx) -> Nav {
        let filter = self.session.filter().describe(&ctx.bank);
        let summary = match self.session.finish(&mut ctx.db, &ctx.bank, ctx.now) {
            Ok(s) => s,
            Err(e) => {
                ctx.status = Some(e.to_string());
                (self.session.answered() > 0).then(|| self.session.summary(&ctx.bank, ctx.now))
            }
        };
        let Some(summary) = summary else { return Nav::Pop };
        Nav::Replace(Screen::Summary(SummaryView { summary, filter }))
    }

    /// The lines of the current view, and for each line the option (display position) it belongs to.
    pub fn lines(&self, ctx: &Ctx, width: u16) -> (Vec<Line<'static>>, Vec<Option<usize>>) {
        let t = &ctx.theme;
        let (Some(q), Some(p)) = (self.question(ctx), self.session.presented()) else {
            return (Vec::new(), Vec::new());
        };
        let total = self.session.queue().len();
        let dots =
            "●".repeat(usize::from(q.difficulty)) + &"○".repeat(3usize.saturating_sub(usize::from(q.difficulty)));
        let mut header = vec![Line::from(vec![
            Span::styled(format!("Question {} of {total}", self.session.pos() + 1), t.accent),
            Span::styled(
                // A question imported without a domain shows none.
                format!(
                    " · {}{} · difficulty {dots}",
                    ctx.bank.topic_title(&q.topic),
                    q.domain.map(|d| format!(" · {}", d.title())).unwrap_or_default()
                ),
                t.muted,
            ),
        ])];
        let next = |fb: &Feedback| match fb.next_in_days {
            Some(d) => format!(" · back for review in {d:.0} day{}", if d.round() == 1.0 { "" } else { "s" }),
            None => " · cram: schedule unchanged".to_string(),
        };
        header.push(match self.session.feedback() {
            Some(fb) if fb.grade.correct => {
                Line::from(vec![Span::styled("✓ Correct", t.good), Span::styled(next(fb), t.muted)])
            }
            Some(fb) => Line::from(vec![
                Span::styled("✗ Not quite", t.bad),
                Span::styled(
                    format!("{}{}", next(fb), if fb.requeued { " · it comes back later in this session" } else { "" }),
                    t.muted,
                ),
            ]),
            None => {
                let conf = self.confidence.map_or("—", |c| CONFIDENCE[usize::from(c - 1)]);
                Line::from(Span::styled(format!("Confidence: {conf} (Tab to change)"), t.muted))
            }
        });
        if let Some(fb) = self.session.feedback().filter(|f| f.lapses >= LEECH_LAPSES) {
            let note = question::related_note(ctx, q).unwrap_or("its note");
            header.push(Line::from(Span::styled(
                format!("Leech: missed {} times. Drilling won't fix it — read \"{note}\" (press o).", fb.lapses),
                t.warn,
            )));
        }
        let view = QuestionView {
            q,
            order: &p.order,
            selected: &self.selected,
            cursor: Some(self.cursor),
            reveal: self.session.feedback().map(|f| f.chosen.as_slice()),
            header,
        };
        question::lines(&view, ctx, width)
    }

    fn inner(area: Rect) -> Rect {
        Rect::new(area.x + 2, area.y + 1, area.width.saturating_sub(4), area.height.saturating_sub(2))
    }

    /// The option (display position) under a mouse click, if any.
    pub(crate) fn option_at(&self, ctx: &Ctx, area: Rect, col: u16, row: u16) -> Option<usize> {
        if self.session.feedback().is_some() {
            return None;
        }
        let inner = Self::inner(area);
        if col < inner.x || col >= inner.right() || row < inner.y || row >= inner.bottom() {
            return None;
        }
        let (_, owner) = self.lines(ctx, inner.width);
        let idx = usize::from(row - inner.y) + usize::from(self.scroll);
        owner.get(idx).copied().flatten()
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let inner = Self::inner(area);
        let (lines, _) = self.lines(ctx, inner.width);
        let max = lines.len().saturating_sub(usize::from(inner.height));
        let scroll = usize::from(self.scroll).min(max);
        let more = if max > scroll { " more below (PgDn) " } else { "" };
        let title = format!(" Practice · {} ", self.session.filter().describe(&ctx.bank));
        frame.render_widget(Block::bordered().title(title).title_bottom(Line::from(more).right_aligned()), area);
        frame.render_widget(Paragraph::new(lines).scroll((u16::try_from(scroll).unwrap_or(0), 0)), inner);
    }
}

pub(crate) fn render_summary(frame: &mut Frame, area: Rect, s: &SummaryView, ctx: &Ctx) {
    let t = &ctx.theme;
    let sm = &s.summary;
    let mins = (sm.seconds / 60.0).floor();
    let secs = sm.seconds - mins * 60.0;
    let mut lines = vec![
        Line::from(Span::styled(format!("Session complete — {}", s.filter), t.heading)),
        Line::default(),
        Line::from(vec![
            Span::styled("Score       ", t.muted),
            Span::raw(format!("{} of {} ({:.0}%)", sm.correct, sm.answered, sm.percent())),
        ]),
        Line::from(vec![Span::styled("Time        ", t.muted), Span::raw(format!("{mins:.0} min {secs:.0} s"))]),
        Line::default(),
    ];
    if sm.revisit.is_empty() {
        lines.push(Line::from(Span::styled("Nothing missed. Well done.", t.good)));
    } else {
        lines.push(Line::from(Span::styled("Topics to revisit", t.heading)));
        for (topic, n) in &sm.revisit {
            lines.push(Line::from(format!("  {topic} — {n} missed")));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Every answer is saved. Press Enter to go back.", t.muted)));
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered().title(" Summary ")),
        area,
    );
}
