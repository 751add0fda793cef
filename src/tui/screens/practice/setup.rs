//! Practice set-up: what to practise (due, weak, mixed, deep dive, a domain, topics), at which
//! level, cram or not; the rows show how many questions each choice gives.
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState};

use super::start_choice;
use crate::bank::{Domain, LevelChoice};
use crate::progress::{self, PracticeChoice};
use crate::store::Mode;
use crate::study::practice::{self as logic, Filter};
use crate::tui::action::Action;
use crate::tui::app::{Ctx, Nav, Screen};

/// A row of the set-up list.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Row {
    Due,
    Weak,
    Mixed,
    /// Associate-depth questions across every topic.
    Deep,
    Domain(Domain),
    Topic(String),
}

pub struct Setup {
    rows: Vec<(Row, String, usize)>,
    pub selected: usize,
    pub chosen: Vec<String>,
    /// Cram: practise without changing the spaced-repetition schedule.
    pub cram: bool,
    /// Which depth mixed, domain and topic rows draw from (exam level by default).
    pub level: LevelChoice,
}

impl Setup {
    pub fn new(ctx: &Ctx) -> Setup {
        let due = progress::due_now(&ctx.db, &ctx.bank, &ctx.bank_name, ctx.now).unwrap_or(0);
        let mut setup =
            Setup { rows: Vec::new(), selected: 0, chosen: Vec::new(), cram: false, level: LevelChoice::Exam };
        setup.fill_rows(ctx, due);
        // Start on the due reviews when there are any, else on mixed practice.
        setup.selected = if due > 0 { 0 } else { 2 };
        setup
    }

    /// What the highlighted row (or the picked topics) asks for.
    pub fn choice(&self) -> PracticeChoice {
        if !self.chosen.is_empty() {
            return PracticeChoice::Pick(Filter::Topics(self.chosen.clone()), self.level);
        }
        match self.rows.get(self.selected).map(|r| &r.0) {
            Some(Row::Due) => PracticeChoice::Due,
            Some(Row::Weak) => PracticeChoice::Weak,
            Some(Row::Deep) => PracticeChoice::Pick(Filter::Mixed, LevelChoice::Deep),
            Some(Row::Domain(d)) => PracticeChoice::Pick(Filter::Domain(*d), self.level),
            Some(Row::Topic(t)) => PracticeChoice::Pick(Filter::Topics(vec![t.clone()]), self.level),
            Some(Row::Mixed) | None => PracticeChoice::Pick(Filter::Mixed, self.level),
        }
    }

    /// The rows with the number of questions each offers at the chosen level.
    fn fill_rows(&mut self, ctx: &Ctx, due: usize) {
        let bank = &ctx.bank;
        let n = |f: Filter| logic::count(bank, &f, self.level);
        let mut rows = vec![
            (Row::Due, "Due for review (spaced repetition)".to_string(), due),
            (
                Row::Weak,
                "Weak areas, with look-alike services interleaved".to_string(),
                crate::study::selection::WEAK_SESSION.min(bank.questions().len()),
            ),
            (Row::Mixed, "Mixed: every topic".to_string(), n(Filter::Mixed)),
            (
                Row::Deep,
                "Deep dive: associate-level questions beyond CLF-C02".to_string(),
                logic::count(bank, &Filter::Mixed, LevelChoice::Deep),
            ),
        ];
        for d in Domain::ALL {
            rows.push((
                Row::Domain(d),
                format!("Domain: {} ({}% of the exam)", d.title(), d.weight_percent()),
                n(Filter::Domain(d)),
            ));
        }
        for t in &bank.topics {
            rows.push((Row::Topic(t.id.clone()), format!("Topic: {}", t.title), n(Filter::Topics(vec![t.id.clone()]))));
        }
        self.rows = rows;
    }

    pub fn update(&mut self, ctx: &mut Ctx, action: Action) -> Nav {
        let last = self.rows.len().saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::PageUp => self.selected = self.selected.saturating_sub(10),
            Action::PageDown => self.selected = (self.selected + 10).min(last),
            Action::ToggleTopic => {
                if let Some((Row::Topic(t), _, _)) = self.rows.get(self.selected) {
                    if let Some(i) = self.chosen.iter().position(|c| c == t) {
                        self.chosen.remove(i);
                    } else {
                        self.chosen.push(t.clone());
                    }
                }
            }
            Action::ToggleCram => self.cram = !self.cram,
            Action::CycleLevel => {
                self.level = match self.level {
                    LevelChoice::Exam => LevelChoice::Deep,
                    LevelChoice::Deep => LevelChoice::All,
                    LevelChoice::All => LevelChoice::Exam,
                };
                let due = self.rows.first().map_or(0, |r| r.2);
                self.fill_rows(ctx, due);
            }
            Action::Start => {
                let mode = if self.cram { Mode::Cram } else { Mode::Practice };
                return match start_choice(ctx, self.choice(), mode) {
                    Some(p) => Nav::Replace(Screen::Practice(Box::new(p))),
                    None => Nav::Stay,
                };
            }
            _ => return Nav::Ignored,
        }
        Nav::Stay
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let t = &ctx.theme;
        let items: Vec<ListItem> = self
            .rows
            .iter()
            .map(|(row, label, n)| {
                let mark = match row {
                    Row::Topic(id) if self.chosen.contains(id) => "[x] ",
                    Row::Topic(_) => "[ ] ",
                    _ => "    ",
                };
                let unit = if matches!(row, Row::Due) { "due now" } else { "questions" };
                ListItem::new(Line::from(vec![
                    Span::styled(mark, t.accent),
                    Span::styled(label.clone(), t.text),
                    Span::styled(format!("  {n} {unit}"), t.muted),
                ]))
            })
            .collect();
        let cram = if self.cram { " · CRAM: schedule untouched (c)" } else { " · c: cram" };
        let cram = match self.level {
            LevelChoice::Exam => cram.to_string(),
            LevelChoice::Deep => format!("{cram} · level: deep dives (l)"),
            LevelChoice::All => format!("{cram} · level: all (l)"),
        };
        let title = if self.chosen.is_empty() {
            format!(" Practise what? Enter starts; Space picks several topics{cram} ")
        } else {
            format!(" {} picked — Enter starts{cram} ", crate::text::plural(self.chosen.len(), "topic"))
        };
        let mut ls = ListState::default().with_selected(Some(self.selected));
        frame.render_stateful_widget(
            List::new(items).block(Block::bordered().title(title)).highlight_style(t.selected),
            area,
            &mut ls,
        );
    }
}
