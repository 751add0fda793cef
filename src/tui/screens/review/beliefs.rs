//! Review's Misconceptions page: the wrong beliefs this learner's answers have shown, with the
//! correction, how often and how recently, and whether a later right answer corrected them.
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::study::Millis;
use crate::study::misconceptions::BeliefStatus;
use crate::study::stats::DAY_MS;
use crate::tui::app::Ctx;
use crate::tui::markdown::wrap_spans;

/// "today", "yesterday", "5 days ago".
fn ago(then: Millis, now: Millis) -> String {
    match (now - then) / DAY_MS {
        0 => "today".into(),
        1 => "yesterday".into(),
        n => format!("{n} days ago"),
    }
}

pub fn render(frame: &mut Frame, area: Rect, ctx: &Ctx, beliefs: &[BeliefStatus], sel: usize) {
    let t = &ctx.theme;
    let w = usize::from(area.width.saturating_sub(2)).max(1);
    let mut lines: Vec<Line<'static>> = Vec::new();
    if beliefs.is_empty() {
        lines.push(Line::from(Span::styled(
            "No misconceptions shown yet. When a wrong answer reveals a common belief, it is listed here.",
            t.muted,
        )));
    }
    // The selected belief is drawn in full; the others as one line each, so the list fits 80x24.
    for (i, b) in beliefs.iter().enumerate() {
        let state = if b.corrected {
            ("corrected", t.good)
        } else if b.active {
            ("active", t.bad)
        } else {
            ("not yet corrected", t.warn)
        };
        let times = if b.times == 1 { "once".to_string() } else { format!("{} times", b.times) };
        let head = format!("{times}, last {} · ", ago(b.last_at, ctx.now));
        let style = if i == sel { t.selected } else { t.text };
        lines.extend(wrap_spans(
            &[Span::styled(head, t.accent), Span::styled(format!("{:<18}", state.0), state.1)],
            &[Span::raw("  ")],
            &[Span::styled(format!("\u{201c}{}\u{201d}", b.belief), style)],
            w,
        ));
        if i == sel {
            let lead = [Span::raw("  ")];
            lines.extend(wrap_spans(&lead, &lead, &[Span::styled(b.correction.clone(), t.text)], w));
            let note = ctx.bank.note(&b.note).map_or(b.note.as_str(), |n| n.title.as_str());
            lines.extend(wrap_spans(
                &lead,
                &lead,
                &[Span::styled(format!("Read: {note} \u{203a} {}", b.heading), t.muted)],
                w,
            ));
        }
    }
    // Keep the selected entry on screen.
    let height = usize::from(area.height.saturating_sub(2));
    let mut scroll = 0usize;
    if let Some(pos) = lines.iter().position(|l| l.spans.iter().any(|s| s.style == t.selected)) {
        scroll = pos.saturating_sub(height.saturating_sub(4));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
            .block(Block::bordered().title(" Misconceptions · Enter opens the note · d drills that belief ")),
        area,
    );
}
