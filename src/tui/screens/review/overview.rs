//! Review's Overview page: readiness and the exam-date plan on the left (scrolling when the
//! terminal is short), the study-day heatmap, reviews due and confidence calibration on the
//! right, sized so that today's heatmap row and the plan are never cut at 80x24.
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph};

use crate::study::dashboard::Dashboard;
use crate::text::{confidence_label, plural};
use crate::tui::app::Ctx;
use crate::tui::markdown::wrap_spans;
use crate::tui::widgets::text_input::TextInput;

/// The heatmap's height: seven weekday rows, the legend and the borders.
const HEAT_HEIGHT: u16 = 10;
/// Three confidence levels and the borders.
const CALIBRATION_HEIGHT: u16 = 5;

/// The left pane's lines: score, domains, the plan (before the long formula, so it shows
/// without scrolling), then how the estimate is made.
pub(crate) fn readiness_lines(d: &Dashboard, ctx: &Ctx, typing: Option<&TextInput>, w: usize) -> Vec<Line<'static>> {
    let t = &ctx.theme;
    let r = &d.readiness;
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("Estimated score {} ", r.scaled), t.heading),
        if r.likely_pass { Span::styled("(at or above 700)", t.good) } else { Span::styled("(below 700)", t.warn) },
    ])];
    lines.push(Line::from(Span::styled(format!("{:<23} {:>4} {:>3} {:>7}", "domain", "now", "wt", "seen"), t.muted)));
    for dr in &r.domains {
        lines.push(Line::from(format!(
            "{:<23} {:>3.0}% {:>2}% {:>7}",
            dr.domain,
            dr.predicted * 100.0,
            dr.weight,
            format!("{}/{}", dr.seen, dr.total)
        )));
    }
    lines.push(Line::default());
    match (typing, &d.plan) {
        (Some(input), _) => {
            const ASK: &str = "Exam date (YYYY-MM-DD, empty clears): ";
            let shown = input.view(w.saturating_sub(ASK.len()).max(12));
            lines.push(Line::from(Span::styled(format!("{ASK}{shown}"), t.accent)))
        }
        (None, Some(p)) => {
            for l in p.describe().lines() {
                lines.extend(wrap_spans(&[], &[], &[Span::raw(l.to_string())], w));
            }
            lines.extend(wrap_spans(
                &[],
                &[],
                &[Span::styled("/ changes the exam date · Space changes retention", t.muted)],
                w,
            ));
        }
        (None, None) => lines.extend(wrap_spans(
            &[],
            &[],
            &[Span::styled(
                format!(
                    "No exam date set: press / to set one. Retention {:.0}% (Space changes it).",
                    ctx.srs.retention * 100.0
                ),
                t.muted,
            )],
            w,
        )),
    }
    lines.push(Line::default());
    lines.extend(wrap_spans(&[], &[], &[Span::styled(r.formula, t.muted)], w));
    lines.extend(wrap_spans(&[], &[], &[Span::styled(r.caveat, t.warn)], w));
    lines
}

/// Draws the page; returns how far the left pane can scroll.
pub fn render(frame: &mut Frame, area: Rect, ctx: &Ctx, d: &Dashboard, typing: Option<&TextInput>, scroll: u16) -> u16 {
    let t = &ctx.theme;
    let [left, right] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
    let w = usize::from(left.width.saturating_sub(2));
    let lines = readiness_lines(d, ctx, typing, w);
    let inner = left.height.saturating_sub(2);
    let max_scroll = u16::try_from(lines.len()).unwrap_or(u16::MAX).saturating_sub(inner);
    let scroll = scroll.min(max_scroll);
    let title = if max_scroll > 0 { " Readiness and plan · ↑/↓ scroll " } else { " Readiness and plan " };
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)).block(Block::bordered().title(title)), left);

    let [heat, due, cal] =
        Layout::vertical([Constraint::Length(HEAT_HEIGHT), Constraint::Min(0), Constraint::Length(CALIBRATION_HEIGHT)])
            .areas(right);
    heatmap(frame, heat, ctx, d);
    due_chart(frame, due, ctx, d);
    let mut cl = Vec::new();
    for c in &d.calibration {
        let pct = if c.answered == 0 { 0.0 } else { 100.0 * c.correct as f64 / c.answered as f64 };
        cl.push(Line::from(format!("{}: right {pct:.0}% of {}", confidence_label(c.confidence), c.answered)));
    }
    if cl.is_empty() {
        cl.push(Line::from(Span::styled("Mark confidence with Tab while practising.", t.muted)));
    }
    frame.render_widget(Paragraph::new(cl).block(Block::bordered().title(" When you were… ")), cal);
    max_scroll
}

/// One row per weekday, one column per week, oldest on the left; today is the last cell.
fn heatmap(frame: &mut Frame, area: Rect, ctx: &Ctx, d: &Dashboard) {
    let t = &ctx.theme;
    let shade = |n: i64| match n {
        0 => "·",
        1..=4 => "░",
        5..=14 => "▒",
        15..=29 => "▓",
        _ => "█",
    };
    let weeks = d.study_days.len() / 7;
    let mut hl = Vec::new();
    for wd in 0..7 {
        let row: String = (0..weeks).map(|w| shade(d.study_days.get(w * 7 + wd).copied().unwrap_or(0))).collect();
        hl.push(Line::from(Span::styled(row, t.good)));
    }
    hl.push(Line::from(Span::styled("12 weeks, today last · █ 30+ a day", t.muted)));
    let title = format!(" Study days · streak {} ", plural(d.streak, "day"));
    frame.render_widget(Paragraph::new(hl).block(Block::bordered().title(title)), area);
}

/// Bars without numbers drawn on them; the counts are in the title instead.
fn due_chart(frame: &mut Frame, area: Rect, ctx: &Ctx, d: &Dashboard) {
    let t = &ctx.theme;
    // Fourteen bars of two columns need 41 columns with gaps; narrower, the gaps go and only
    // every other day is labelled, so all fourteen days stay on screen.
    let roomy = area.width.saturating_sub(2) >= 41;
    let bars: Vec<Bar> = d
        .due_next_14_days
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let label = match i {
                0 => "t".to_string(),
                _ if roomy || i % 2 == 0 => format!("{i}"),
                _ => String::new(),
            };
            Bar::default().value(*n as u64).text_value(String::new()).label(Line::from(label))
        })
        .collect();
    let today = d.due_next_14_days.first().copied().unwrap_or(0);
    let all: usize = d.due_next_14_days.iter().sum();
    let title = format!(" Due: {today} today, {all} in 14 days ");
    frame.render_widget(
        BarChart::default()
            .block(Block::bordered().title(title))
            .data(BarGroup::default().bars(&bars))
            .bar_width(2)
            .bar_gap(u16::from(roomy))
            .bar_style(t.accent),
        area,
    );
}
