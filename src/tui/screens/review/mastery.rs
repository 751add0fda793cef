//! Review's Mastery page: bars per level, domain and topic, and the weakest areas; it scrolls
//! when the terminal is too short for every topic.
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::study::dashboard::{Dashboard, Mastery};
use crate::tui::app::Ctx;
use crate::tui::theme::Theme;

fn bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(0).min(width);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// One row: the title cut to fit, the bar, the counts. Narrow terminals get shorter bars.
fn row(m: &Mastery, t: &Theme, width: usize) -> Line<'static> {
    let counts = format!(" {}/{} · seen {}", m.mastered, m.total, m.seen);
    let bar_w = if width >= 90 { 20 } else { 10 };
    let title_w = width.saturating_sub(bar_w + counts.chars().count() + 1).clamp(8, 40);
    let title: String = m.title.chars().take(title_w).collect();
    Line::from(vec![
        Span::raw(format!("{title:<title_w$} ")),
        Span::styled(bar(m.mastered, m.total, bar_w), t.good),
        Span::styled(counts, t.muted),
    ])
}

/// Draws the page; returns how far it can scroll.
pub fn render(frame: &mut Frame, area: Rect, ctx: &Ctx, d: &Dashboard, scroll: u16) -> u16 {
    let t = &ctx.theme;
    let w = usize::from(area.width.saturating_sub(2));
    let mut lines = vec![Line::from(vec![Span::styled("Weakest now: ", t.warn), Span::raw(weakest(d))])];
    lines.push(Line::from(Span::styled(
        "Practice → Weak areas drills these, interleaving look-alike services.",
        t.muted,
    )));
    lines.push(Line::from(Span::styled("By level (readiness and mocks use the exam level)", t.heading)));
    lines.extend(d.mastery_by_level.iter().map(|m| row(m, t, w)));
    lines.push(Line::from(Span::styled("By domain (mastered of total; seen)", t.heading)));
    lines.extend(d.mastery_by_domain.iter().map(|m| row(m, t, w)));
    lines.push(Line::from(Span::styled("By topic", t.heading)));
    lines.extend(d.mastery_by_topic.iter().map(|m| row(m, t, w)));
    let inner = area.height.saturating_sub(2);
    let max_scroll = u16::try_from(lines.len()).unwrap_or(u16::MAX).saturating_sub(inner);
    let title = if max_scroll > 0 {
        " Mastery (last three answers right) · ↑/↓ scroll "
    } else {
        " Mastery (last three answers right) "
    };
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll.min(max_scroll), 0)).block(Block::bordered().title(title)),
        area,
    );
    max_scroll
}

fn weakest(d: &Dashboard) -> String {
    let v: Vec<String> =
        d.weak_topics.iter().take(3).map(|a| format!("{} ({:.0}%)", a.title, a.predicted * 100.0)).collect();
    v.join(", ")
}
