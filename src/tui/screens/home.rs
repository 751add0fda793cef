//! Home: the menu and progress at a glance; Home loads its own figures, and again whenever it
//! is shown after another screen (which may have changed them).
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph, Wrap};

use crate::text::plural;
use crate::tui::action::Action;
use crate::tui::app::{Ctx, Nav, Screen};
use crate::tui::screens::{banks, exam, lab, practice, review, study};

/// Progress at a glance, as Home shows it (gathered by `progress`).
pub type Figures = crate::progress::HomeFigures;

/// Reads Home's figures; a failed read shows in the status line.
fn load(ctx: &mut Ctx) -> Figures {
    let (figures, err) =
        crate::progress::home_figures(&ctx.db, &ctx.bank, &ctx.bank_name, ctx.scheduler.as_ref(), ctx.now);
    if let Some(e) = err {
        ctx.status = Some(e.to_string());
    }
    figures
}

#[derive(Debug)]
pub struct Home {
    pub selected: usize,
    pub figures: Figures,
}

impl Home {
    pub fn new(ctx: &mut Ctx) -> Home {
        Home { selected: 0, figures: load(ctx) }
    }

    pub(crate) fn reload(&mut self, ctx: &mut Ctx) {
        self.figures = load(ctx);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Study,
    Practice,
    Exam,
    Review,
    Lab,
}

pub(crate) const ENTRIES: [(Entry, &str, &str); 5] = [
    (Entry::Study, "Study", "concept notes and the FAQ"),
    (Entry::Practice, "Practice", "scenario questions with explanations"),
    (Entry::Exam, "Exam", "timed mock exams in the CLF-C02 format"),
    (Entry::Review, "Review", "progress dashboard and spaced repetition"),
    (Entry::Lab, "Lab", "hands-on mini API Gateway"),
];

pub fn update(state: &mut Home, ctx: &mut Ctx, action: Action) -> Nav {
    match action {
        Action::Up => state.selected = state.selected.saturating_sub(1),
        Action::Down => state.selected = (state.selected + 1).min(ENTRIES.len() - 1),
        Action::OpenEntry(i) if i < ENTRIES.len() => {
            state.selected = i;
            return open(ENTRIES[i].0, ctx);
        }
        Action::Open => return open(ENTRIES[state.selected].0, ctx),
        Action::SwitchBank => return Nav::Push(Screen::Banks(banks::BankPicker::new(ctx))),
        // Home is the bottom of the stack: there is nothing to go back to.
        Action::Back => {}
        _ => return Nav::Ignored,
    }
    Nav::Stay
}

fn open(entry: Entry, ctx: &mut Ctx) -> Nav {
    match entry {
        Entry::Study => Nav::Push(Screen::Study(study::StudyList::new(ctx))),
        Entry::Practice => Nav::Push(Screen::Setup(practice::Setup::new(ctx))),
        Entry::Exam => Nav::Push(Screen::ExamStart(exam::ExamStart::new(ctx))),
        Entry::Review => Nav::Push(Screen::Review(Box::new(review::Review::new(ctx)))),
        Entry::Lab => Nav::Push(Screen::LabList(lab::LabList::new(ctx))),
    }
}

fn menu_area(area: Rect) -> Rect {
    let [menu, _] = Layout::horizontal([Constraint::Length(46), Constraint::Min(0)]).areas(area);
    menu
}

/// The menu entry under a mouse click, if any.
pub(crate) fn item_at(area: Rect, col: u16, row: u16) -> Option<usize> {
    let menu = menu_area(area);
    let inner = Rect::new(menu.x + 1, menu.y + 1, menu.width.saturating_sub(2), menu.height.saturating_sub(2));
    if col < inner.x || col >= inner.right() || row < inner.y {
        return None;
    }
    // Each entry takes two rows: its name and its description.
    let i = usize::from((row - inner.y) / 2);
    (i < ENTRIES.len()).then_some(i)
}

pub fn render(frame: &mut Frame, area: Rect, state: &Home, ctx: &Ctx) {
    let t = &ctx.theme;
    let [menu, glance] = Layout::horizontal([Constraint::Length(46), Constraint::Min(0)]).areas(area);
    let items: Vec<ListItem> = ENTRIES
        .iter()
        .enumerate()
        .map(|(i, (_, name, desc))| {
            let style = t.text;
            ListItem::new(vec![
                Line::from(vec![Span::styled(format!("{} ", i + 1), t.accent), Span::styled(*name, style)]),
                Line::from(Span::styled(format!("  {desc}"), t.muted)),
            ])
        })
        .collect();
    let mut ls = ListState::default().with_selected(Some(state.selected));
    frame.render_stateful_widget(
        List::new(items).block(Block::bordered().title(" Menu ")).highlight_style(t.selected),
        menu,
        &mut ls,
    );

    let f = &state.figures;
    let g = &f.glance;
    let pct = |n: usize| (n * 100).checked_div(g.total).unwrap_or(0);
    let accuracy = g
        .accuracy()
        .map_or_else(|| "no answers yet".to_string(), |a| format!("{a:.0}% of {}", plural(g.answered, "answer")));
    let lines = vec![
        Line::from(vec![Span::styled("Next: ", t.heading), Span::styled(f.next.text(), t.accent)]),
        Line::default(),
        Line::from(vec![
            Span::styled("Questions seen   ", t.muted),
            Span::raw(format!("{} of {} ({}%)", g.seen, g.total, pct(g.seen))),
        ]),
        Line::from(vec![
            Span::styled("Mastered         ", t.muted),
            Span::raw(format!("{} ({}%)", g.mastered, pct(g.mastered))),
        ]),
        Line::from(vec![Span::styled("Accuracy         ", t.muted), Span::raw(accuracy)]),
        Line::from(vec![
            Span::styled("Reviews due      ", t.muted),
            if f.due_now > 0 {
                Span::styled(format!("{} now (Practice → Due for review)", f.due_now), t.warn)
            } else {
                Span::raw("none now")
            },
        ]),
        Line::from(vec![Span::styled("Study streak     ", t.muted), Span::raw(plural(g.streak, "day"))]),
        Line::from(vec![
            Span::styled("Notes read       ", t.muted),
            Span::raw(format!("{} of {}", f.notes_read, ctx.bank.notes.len())),
        ]),
        Line::from(vec![
            Span::styled("Last exam        ", t.muted),
            match &f.last_exam {
                Some(r) => Span::styled(
                    format!(
                        "{} of {} · est. {} · {}",
                        r.correct,
                        r.total,
                        r.scaled,
                        if r.passed { "pass" } else { "not yet" }
                    ),
                    if r.passed { t.good } else { t.warn },
                ),
                None => Span::raw("none yet"),
            },
        ]),
        match f.unfinished_exam {
            Some((a, n)) => {
                Line::from(Span::styled(format!("Unfinished exam: {a} of {n} answered — open Exam to resume."), t.warn))
            }
            None => Line::default(),
        },
        Line::default(),
        Line::from(Span::styled("Mastered = the last three answers to a question were right.", t.muted)),
        Line::default(),
        Line::from(Span::styled(
            format!(
                "Bank {}: {} on {}, {}, {} (b switches).",
                ctx.bank_name,
                plural(ctx.bank.questions().len(), "question"),
                plural(ctx.bank.topics.len(), "topic"),
                plural(ctx.bank.notes.len(), "note"),
                crate::text::plural_as(ctx.bank.faq.len(), "FAQ entry", "FAQ entries")
            ),
            t.muted,
        )),
    ];
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered().title(" Progress ")),
        glance,
    );
}
