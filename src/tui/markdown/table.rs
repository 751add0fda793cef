//! Markdown tables laid out to a width: columns shrink to fit and cells wrap.
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::wrap_spans;
use crate::tui::theme::Theme;

pub fn lines(header: &[String], rows: &[Vec<String>], width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let cols = header.len().max(rows.iter().map(Vec::len).max().unwrap_or(0));
    if cols == 0 {
        return Vec::new();
    }
    let mut widths: Vec<usize> = (0..cols)
        .map(|c| {
            std::iter::once(header)
                .chain(rows.iter().map(Vec::as_slice))
                .filter_map(|r| r.get(c))
                .map(|s| s.width())
                .max()
                .unwrap_or(1)
                .max(1)
        })
        .collect();
    let sep = 3;
    let avail = width.saturating_sub(sep * (cols - 1)).max(cols);
    // Shrink the widest columns until the table fits.
    while widths.iter().sum::<usize>() > avail {
        let Some((i, _)) = widths.iter().enumerate().max_by_key(|(_, w)| **w) else { break };
        if widths[i] <= 3 {
            break;
        }
        widths[i] -= 1;
    }
    let mut out = Vec::new();
    let mut emit = |cells: &[String], style: Style| {
        let wrapped: Vec<Vec<String>> = (0..cols)
            .map(|c| {
                let text = cells.get(c).cloned().unwrap_or_default();
                wrap_spans(&[], &[], &[Span::raw(text)], widths[c])
                    .into_iter()
                    .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect::<String>())
                    .collect()
            })
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        for r in 0..height {
            let mut spans = Vec::new();
            for c in 0..cols {
                if c > 0 {
                    spans.push(Span::styled(" │ ", theme.muted));
                }
                let text = wrapped[c].get(r).cloned().unwrap_or_default();
                let pad = widths[c].saturating_sub(text.width());
                spans.push(Span::styled(format!("{text}{}", " ".repeat(pad)), style));
            }
            out.push(Line::from(spans));
        }
    };
    emit(header, theme.heading);
    let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
    let mut rule_line = String::new();
    for (i, r) in rule.iter().enumerate() {
        if i > 0 {
            rule_line.push_str("─┼─");
        }
        rule_line.push_str(r);
    }
    let mut lines_after_header = vec![Line::from(Span::styled(rule_line, theme.muted))];
    for row in rows {
        emit(row, theme.text);
    }
    // The header rows were emitted first; put the rule right after them.
    let header_rows = {
        let hw: Vec<usize> = (0..cols)
            .map(|c| wrap_spans(&[], &[], &[Span::raw(header.get(c).cloned().unwrap_or_default())], widths[c]).len())
            .collect();
        hw.into_iter().max().unwrap_or(1)
    };
    let tail = out.split_off(header_rows.min(out.len()));
    out.append(&mut lines_after_header);
    out.extend(tail);
    out
}
