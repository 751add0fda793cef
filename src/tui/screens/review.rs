//! Review: readiness and the exam-date plan, accuracy and exam charts, mastery, the study-day
//! heatmap, reviews due, confidence calibration, and the most-missed questions to drill.
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Bar, BarChart, BarGroup, Block, Chart, Dataset, GraphType, Paragraph, Tabs, Wrap};

use crate::study::dashboard::Dashboard;
use crate::study::misconceptions::BeliefStatus;
use crate::study::plan::{EXAM_DATE_KEY, RETENTION_KEY, parse_exam_date};
use crate::study::scheduler::{RETENTION_MAX, RETENTION_MIN};
use crate::tui::action::Action;
use crate::tui::app::{Ctx, Nav, Screen};
use crate::tui::keymap::Context;
use crate::tui::markdown::wrap_spans;
use crate::tui::screens::practice;
use crate::tui::screens::study::NoteView;

mod beliefs;

pub const PAGES: [&str; 5] = ["Overview", "Progress", "Mastery", "Most missed", "Misconceptions"];
const MISSED_PAGE: usize = 3;
const BELIEFS_PAGE: usize = 4;

pub struct Review {
    pub page: usize,
    pub sel: usize,
    pub data: Option<Dashboard>,
    /// Beliefs the learner's answers have shown (the Misconceptions page).
    pub beliefs: Vec<BeliefStatus>,
    /// The exam date being typed, when the learner is setting it.
    pub typing: Option<String>,
}

impl Review {
    pub fn new(ctx: &mut Ctx) -> Review {
        let mut r = Review { page: 0, sel: 0, data: None, beliefs: Vec::new(), typing: None };
        r.reload(ctx);
        r
    }

    pub fn reload(&mut self, ctx: &mut Ctx) {
        ctx.refresh();
        match crate::progress::load_dashboard(&ctx.db, &ctx.bank, &ctx.bank_name, ctx.scheduler.as_ref(), ctx.now) {
            Ok(d) => {
                self.beliefs = d.misconceptions.clone();
                self.data = Some(d);
            }
            Err(e) => ctx.status = Some(e.to_string()),
        }
    }

    pub fn context(&self) -> Context {
        Context::Review
    }

    pub fn on_text_key(&mut self, key: KeyEvent, ctx: &mut Ctx) {
        let Some(text) = &mut self.typing else { return };
        match key.code {
            KeyCode::Char(c) if c.is_ascii_digit() || c == '-' => text.push(c),
            KeyCode::Backspace => {
                text.pop();
            }
            KeyCode::Esc => self.typing = None,
            KeyCode::Enter => {
                let text = text.clone();
                self.typing = None;
                if text.is_empty() {
                    if let Err(e) = ctx.db.remove_setting(EXAM_DATE_KEY) {
                        ctx.status = Some(e.to_string());
                    }
                } else {
                    match parse_exam_date(&text, ctx.now) {
                        Ok(date) => {
                            if let Err(e) = ctx.db.set_setting(EXAM_DATE_KEY, &date) {
                                ctx.status = Some(e.to_string());
                            }
                        }
                        Err(e) => {
                            ctx.status = Some(format!("Exam date: {e}."));
                            return;
                        }
                    }
                }
                self.reload(ctx);
            }
            _ => {}
        }
    }

    pub fn update(&mut self, ctx: &mut Ctx, action: Action) -> Nav {
        let rows = if self.page == BELIEFS_PAGE {
            self.beliefs.len()
        } else {
            self.data.as_ref().map_or(0, |d| d.most_missed.len())
        };
        match action {
            Action::SwitchTab | Action::Next => {
                self.page = (self.page + 1) % PAGES.len();
                self.sel = 0;
            }
            Action::Prev => {
                self.page = (self.page + PAGES.len() - 1) % PAGES.len();
                self.sel = 0;
            }
            Action::Pick(i) if i < PAGES.len() => {
                self.page = i;
                self.sel = 0;
            }
            Action::Up => self.sel = self.sel.saturating_sub(1),
            Action::Down => self.sel = (self.sel + 1).min(rows.saturating_sub(1)),
            Action::Open if self.page == BELIEFS_PAGE => {
                if let Some(b) = self.beliefs.get(self.sel) {
                    let view = NoteView::open_at(ctx, &b.note, Some(&b.heading));
                    return Nav::Push(Screen::Note(view));
                }
            }
            Action::Drill if self.page == BELIEFS_PAGE => {
                if let Some(b) = self.beliefs.get(self.sel) {
                    let label = format!("drill: {}", b.id);
                    return practice::start_drill(ctx, &label, b.questions.clone());
                }
            }
            Action::Open if self.page == MISSED_PAGE => {
                if let Some(m) = self.data.as_ref().and_then(|d| d.most_missed.get(self.sel)) {
                    return practice::start_drill(ctx, "drill: one missed question", vec![m.question_id.clone()]);
                }
            }
            Action::Drill => {
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
            Action::Search => self.typing = Some(String::new()),
            Action::Toggle | Action::Filter => {
                // Space raises, `-`… is typed only while setting the date; retention cycles in 0.05 steps.
                let r = ctx.srs.retention + 0.05;
                let r = if r > RETENTION_MAX + 1e-9 { RETENTION_MIN } else { r };
                match ctx.db.set_setting(RETENTION_KEY, &format!("{r:.2}")) {
                    Ok(()) => self.reload(ctx),
                    Err(e) => ctx.status = Some(e.to_string()),
                }
            }
            _ => {}
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
            0 => self.overview(frame, body, ctx, d),
            1 => progress_page(frame, body, ctx, d),
            2 => mastery_page(frame, body, ctx, d),
            MISSED_PAGE => self.missed_page(frame, body, ctx, d),
            _ => beliefs::render(frame, body, ctx, &self.beliefs, self.sel),
        }
    }

    fn overview(&self, frame: &mut Frame, area: Rect, ctx: &Ctx, d: &Dashboard) {
        let t = &ctx.theme;
        let [left, right] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
        let w = usize::from(left.width.saturating_sub(2));
        let r = &d.readiness;
        let mut lines = vec![Line::from(vec![
            Span::styled(format!("Estimated score {} ", r.scaled), t.heading),
            if r.likely_pass { Span::styled("(at or above 700)", t.good) } else { Span::styled("(below 700)", t.warn) },
        ])];
        for dr in &r.domains {
            lines.push(Line::from(format!(
                "  {:<24} {:>3.0}%  weight {}%  seen {}/{}",
                dr.domain,
                dr.predicted * 100.0,
                dr.weight,
                dr.seen,
                dr.total
            )));
        }
        lines.extend(wrap_spans(&[], &[], &[Span::styled(r.formula, t.muted)], w));
        lines.extend(wrap_spans(&[], &[], &[Span::styled(r.caveat, t.warn)], w));
        lines.push(Line::default());
        match (&self.typing, &d.plan) {
            (Some(text), _) => {
                lines.push(Line::from(Span::styled(format!("Exam date (YYYY-MM-DD, empty clears): {text}▏"), t.accent)))
            }
            (None, Some(p)) => {
                for l in p.describe().lines() {
                    lines.extend(wrap_spans(&[], &[], &[Span::raw(l.to_string())], w));
                }
                lines.push(Line::from(Span::styled("/ changes the exam date · Space changes retention", t.muted)));
            }
            (None, None) => lines.push(Line::from(Span::styled(
                format!(
                    "No exam date set: press / to set one. Retention {:.0}% (Space changes it).",
                    ctx.srs.retention * 100.0
                ),
                t.muted,
            ))),
        }
        frame.render_widget(Paragraph::new(lines).block(Block::bordered().title(" Readiness and plan ")), left);

        let [heat, due, cal] =
            Layout::vertical([Constraint::Length(11), Constraint::Min(6), Constraint::Length(6)]).areas(right);
        // Heatmap: one row per weekday, one column per week, oldest on the left.
        let shade = |n: i64| match n {
            0 => "·",
            1..=4 => "░",
            5..=14 => "▒",
            15..=29 => "▓",
            _ => "█",
        };
        let mut hl = vec![Line::from(Span::styled(
            format!("Streak: {} day{}", d.streak, if d.streak == 1 { "" } else { "s" }),
            t.accent,
        ))];
        let weeks = d.study_days.len() / 7;
        for wd in 0..7 {
            let row: String = (0..weeks).map(|w| shade(d.study_days.get(w * 7 + wd).copied().unwrap_or(0))).collect();
            hl.push(Line::from(Span::styled(row, t.good)));
        }
        hl.push(Line::from(Span::styled("last 12 weeks · █ 30+ answers a day", t.muted)));
        frame.render_widget(Paragraph::new(hl).block(Block::bordered().title(" Study days ")), heat);

        let bars: Vec<Bar> = d
            .due_next_14_days
            .iter()
            .enumerate()
            .map(|(i, n)| {
                Bar::default().value(*n as u64).label(Line::from(if i == 0 { "t".to_string() } else { format!("{i}") }))
            })
            .collect();
        frame.render_widget(
            BarChart::default()
                .block(Block::bordered().title(" Reviews due, next 14 days (t = today) "))
                .data(BarGroup::default().bars(&bars))
                .bar_width(2)
                .bar_gap(1)
                .bar_style(t.accent),
            due,
        );
        let mut cl = Vec::new();
        for c in &d.calibration {
            let label = ["unsure", "fairly sure", "sure"]
                .get(usize::from(c.confidence).saturating_sub(1))
                .copied()
                .unwrap_or("?");
            let pct = if c.answered == 0 { 0.0 } else { 100.0 * c.correct as f64 / c.answered as f64 };
            cl.push(Line::from(format!("When {label}, right {pct:.0}% ({} answers)", c.answered)));
        }
        if cl.is_empty() {
            cl.push(Line::from(Span::styled("Mark confidence with Tab while practising.", t.muted)));
        }
        frame.render_widget(
            Paragraph::new(cl).wrap(Wrap { trim: true }).block(Block::bordered().title(" Confidence calibration ")),
            cal,
        );
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
                    "{} question(s) you answered are no longer in the bank; their history is kept but not counted.",
                    d.removed_questions
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

fn progress_page(frame: &mut Frame, area: Rect, ctx: &Ctx, d: &Dashboard) {
    let t = &ctx.theme;
    let [acc, exams] = Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    let points: Vec<(f64, f64)> = d
        .accuracy_by_week
        .iter()
        .enumerate()
        .filter(|(_, w)| w.answered > 0)
        .map(|(i, w)| (i as f64, 100.0 * w.correct as f64 / w.answered as f64))
        .collect();
    let first = d.accuracy_by_week.first().map_or_else(String::new, |w| w.start.clone());
    let last = d.accuracy_by_week.last().map_or_else(String::new, |w| w.start.clone());
    let n = d.accuracy_by_week.len().saturating_sub(1).max(1) as f64;
    let ds = vec![
        Dataset::default()
            .name("accuracy %")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(t.accent)
            .data(&points),
    ];
    frame.render_widget(
        Chart::new(ds)
            .block(Block::bordered().title(" Accuracy by week "))
            .x_axis(Axis::default().bounds([0.0, n]).labels(vec![Span::raw(first), Span::raw(last)]).style(t.muted))
            .y_axis(
                Axis::default()
                    .bounds([0.0, 100.0])
                    .labels(vec![Span::raw("0"), Span::raw("50"), Span::raw("100")])
                    .style(t.muted),
            ),
        acc,
    );
    let scores: Vec<(f64, f64)> =
        d.exams.iter().enumerate().map(|(i, e)| (i as f64 + 1.0, f64::from(e.scaled))).collect();
    let count = d.exams.len().max(2) as f64;
    let pass_line = [(1.0, 700.0), (count, 700.0)];
    let ds = vec![
        Dataset::default()
            .name("700 to pass")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(t.warn)
            .data(&pass_line),
        Dataset::default()
            .name("estimated score")
            .marker(Marker::Dot)
            .graph_type(GraphType::Scatter)
            .style(t.good)
            .data(&scores),
    ];
    let title = if d.exams.is_empty() {
        " Exams (none yet) ".to_string()
    } else {
        format!(" Exams ({}) against the 700 line ", d.exams.len())
    };
    frame.render_widget(
        Chart::new(ds)
            .block(Block::bordered().title(title))
            .x_axis(
                Axis::default()
                    .bounds([1.0, count])
                    .labels(vec![Span::raw("1"), Span::raw(format!("{}", d.exams.len().max(1)))])
                    .style(t.muted),
            )
            .y_axis(
                Axis::default()
                    .bounds([100.0, 1000.0])
                    .labels(vec![Span::raw("100"), Span::raw("700"), Span::raw("1000")])
                    .style(t.muted),
            ),
        exams,
    );
}

fn bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(0);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

fn mastery_page(frame: &mut Frame, area: Rect, ctx: &Ctx, d: &Dashboard) {
    let t = &ctx.theme;
    let mut lines = vec![Line::from(Span::styled("By level (readiness and mocks use the exam level)", t.heading))];
    for m in &d.mastery_by_level {
        lines.push(Line::from(vec![
            Span::raw(format!("{:<32} ", m.title)),
            Span::styled(bar(m.mastered, m.total, 20), t.good),
            Span::styled(format!(" {}/{} · seen {}", m.mastered, m.total, m.seen), t.muted),
        ]));
    }
    lines.push(Line::from(Span::styled("By domain (mastered of total; seen)", t.heading)));
    for m in &d.mastery_by_domain {
        lines.push(Line::from(vec![
            Span::raw(format!("{:<32} ", m.title)),
            Span::styled(bar(m.mastered, m.total, 20), t.good),
            Span::styled(format!(" {}/{} · seen {}", m.mastered, m.total, m.seen), t.muted),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("By topic", t.heading)));
    for m in &d.mastery_by_topic {
        lines.push(Line::from(vec![
            Span::raw(format!("{:<40} ", m.title)),
            Span::styled(bar(m.mastered, m.total, 12), t.good),
            Span::styled(format!(" {}/{} · seen {}", m.mastered, m.total, m.seen), t.muted),
        ]));
    }
    lines.push(Line::default());
    let weakest: Vec<String> =
        d.weak_topics.iter().take(3).map(|a| format!("{} ({:.0}%)", a.title, a.predicted * 100.0)).collect();
    lines.push(Line::from(vec![Span::styled("Weakest now: ", t.warn), Span::raw(weakest.join(", "))]));
    lines.push(Line::from(Span::styled(
        "Practice → Weak areas drills these, interleaving look-alike services.",
        t.muted,
    )));
    frame.render_widget(
        Paragraph::new(lines)
            .block(Block::bordered().title(" Mastery (last three answers right) "))
            .style(Style::new()),
        area,
    );
}
