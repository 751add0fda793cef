//! The FAQ tab: entries that expand in place, search with `/`, `n`/`N` and `g`/`G` as in the
//! note reader, and source links wrapped (a URL has no spaces to break at, so it is cut by
//! width) instead of running off the edge.
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::StudyList;
use crate::bank::Bank;
use crate::tui::app::{Ctx, Nav};
use crate::tui::markdown;
use crate::tui::widgets::text_input::Edit;

/// Pieces of `text` of at most `width` characters (a URL cut where the edge falls).
pub(crate) fn chunks(text: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(width.max(1)).map(|c| c.iter().collect()).collect()
}

/// Entries whose question, answer or sources contain `query`, ignoring case.
pub fn matching(bank: &Bank, query: &str) -> Vec<usize> {
    let q = query.to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    bank.faq
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            f.question.to_lowercase().contains(&q)
                || f.answer.to_lowercase().contains(&q)
                || f.sources.iter().any(|s| s.to_lowercase().contains(&q))
        })
        .map(|(i, _)| i)
        .collect()
}

impl StudyList {
    pub(super) fn faq_go(&mut self, i: usize) -> Nav {
        self.faq_sel = i;
        self.faq_nudge = 0;
        Nav::Stay
    }

    /// Moves to the next (or previous) match and opens it.
    pub(super) fn faq_next(&mut self, step: isize) -> Nav {
        let n = self.faq_search.matches.len();
        if n > 0 {
            let cur = self.faq_search.current as isize + step;
            self.faq_search.current = cur.rem_euclid(n as isize) as usize;
            self.open_current_match();
        }
        Nav::Stay
    }

    fn open_current_match(&mut self) {
        if let Some(&i) = self.faq_search.matches.get(self.faq_search.current) {
            self.faq_sel = i;
            self.faq_nudge = 0;
            self.expanded.insert(i);
        }
    }

    /// A key for the FAQ search being typed; `None` when no search is being typed.
    pub(crate) fn on_text(&mut self, ctx: &mut Ctx, key: KeyEvent) -> Option<Nav> {
        if !self.faq_tab {
            return None;
        }
        let s = &mut self.faq_search;
        match s.on_text(key)? {
            Edit::Changed => s.matches = matching(&ctx.bank, &s.query),
            Edit::Submit => {
                s.matches = matching(&ctx.bank, &s.query);
                // The first match at or after the selected entry.
                s.current = s.matches.iter().position(|&i| i >= self.faq_sel).unwrap_or(0);
                self.open_current_match();
            }
            Edit::Cancel | Edit::Unchanged => {}
        }
        Some(Nav::Stay)
    }

    pub(super) fn render_faq(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let t = &ctx.theme;
        let width = area.width.saturating_sub(4);
        let mut lines: Vec<Line> = Vec::new();
        let mut selected_row = 0;
        let mut selected_end = 0;
        for (i, f) in ctx.bank.faq.iter().enumerate() {
            let open = self.expanded.contains(&i);
            if i == self.faq_sel {
                selected_row = lines.len();
            }
            let hit = self.faq_search.matches.contains(&i);
            let style = if i == self.faq_sel { t.selected } else { t.text };
            let marker = match (open, hit) {
                (_, true) => "● ",
                (true, false) => "▾ ",
                (false, false) => "▸ ",
            };
            lines.extend(markdown::wrap_spans(
                &[Span::styled(marker, t.accent)],
                &[Span::raw("  ")],
                &[Span::styled(f.question.clone(), style)],
                usize::from(width),
            ));
            if open {
                let doc = markdown::parse(&f.answer, t);
                for l in doc.lines(width.saturating_sub(2)) {
                    let mut spans = vec![Span::raw("    ")];
                    spans.extend(l.spans);
                    lines.push(Line::from(spans));
                }
                const LEAD: &str = "    Source: ";
                let room = usize::from(width).saturating_sub(LEAD.len()).max(10);
                for s in &f.sources {
                    for (k, piece) in chunks(s, room).into_iter().enumerate() {
                        let lead = if k == 0 { Span::styled(LEAD, t.muted) } else { Span::raw(" ".repeat(LEAD.len())) };
                        lines.push(Line::from(vec![lead, Span::styled(piece, t.link)]));
                    }
                }
                lines.push(Line::default());
            }
            if i == self.faq_sel {
                selected_end = lines.len();
            }
        }
        let inner_h = usize::from(area.height.saturating_sub(2));
        // The selected entry a third of the way down, or higher so its end (the sources) shows,
        // but never above its first line; PgUp/PgDn move from there.
        let auto = selected_row.saturating_sub(inner_h / 3).max(selected_end.saturating_sub(inner_h)).min(selected_row);
        let max = lines.len().saturating_sub(inner_h);
        let scroll = (auto as isize + self.faq_nudge).clamp(0, max as isize) as usize;
        let entries = crate::text::plural_as(ctx.bank.faq.len(), "entry", "entries");
        let s = &self.faq_search;
        let title = if s.input.is_some() {
            let room = usize::from(area.width.saturating_sub(30));
            format!(" FAQ · /{} {} ", s.shown(room), crate::text::plural(s.matches.len(), "match"))
        } else if !s.query.is_empty() {
            match s.matches.len() {
                0 => format!(" FAQ · /{} — no match ", s.query),
                n => format!(" FAQ · /{} — {} of {n} · n/N ", s.query, s.current + 1),
            }
        } else {
            format!(" FAQ · {entries} · Enter expands · / search ")
        };
        frame.render_widget(
            Paragraph::new(lines)
                .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
                .block(Block::bordered().title(title)),
            area,
        );
    }
}
