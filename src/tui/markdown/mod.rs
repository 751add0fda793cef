//! Markdown (pulldown-cmark) to ratatui lines: parsed once per note, wrapped once per width.
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;

mod table;

/// A source line: a prefix for its first wrapped row, another for the rest, and its spans.
#[derive(Debug, Clone, Default)]
struct Logical {
    first: Vec<Span<'static>>,
    rest: Vec<Span<'static>>,
    spans: Vec<Span<'static>>,
    wrap: bool,
}

#[derive(Debug, Clone)]
enum Block {
    Line(Logical),
    Table { header: Vec<String>, rows: Vec<Vec<String>> },
    Blank,
    Rule,
}

/// A parsed document, ready to be laid out at any width.
#[derive(Debug, Clone)]
pub struct Document {
    blocks: Vec<Block>,
    theme: Theme,
}

fn width(spans: &[Span]) -> usize {
    spans.iter().map(|s| s.content.width()).sum()
}

/// A table being collected: header cells, body rows, and the row in progress.
#[derive(Default)]
struct TableAcc {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    row: Vec<String>,
}

struct Builder<'t> {
    theme: &'t Theme,
    blocks: Vec<Block>,
    cur: Option<Logical>,
    styles: Vec<Style>,
    lists: Vec<Option<u64>>,
    quote: usize,
    link: Option<String>,
    code_block: Option<String>,
    table: Option<TableAcc>,
    cell: String,
}

impl Builder<'_> {
    fn style(&self) -> Style {
        self.styles.last().copied().unwrap_or(self.theme.text)
    }

    fn quote_prefix(&self) -> Vec<Span<'static>> {
        if self.quote > 0 { vec![Span::styled("▌ ".repeat(self.quote), self.theme.callout)] } else { Vec::new() }
    }

    fn start_line(&mut self, first_extra: &str, rest_extra: &str) {
        self.flush();
        let mut first = self.quote_prefix();
        let mut rest = self.quote_prefix();
        if !first_extra.is_empty() {
            first.push(Span::styled(first_extra.to_string(), self.theme.accent));
            rest.push(Span::raw(rest_extra.to_string()));
        }
        self.cur = Some(Logical { first, rest, spans: Vec::new(), wrap: true });
    }

    fn push_text(&mut self, text: &str, style: Style) {
        if self.table.is_some() {
            self.cell.push_str(text);
            return;
        }
        if self.cur.is_none() {
            self.start_line("", "");
        }
        if let Some(cur) = &mut self.cur {
            cur.spans.push(Span::styled(text.to_string(), style));
        }
    }

    fn flush(&mut self) {
        if let Some(cur) = self.cur.take()
            && !cur.spans.is_empty()
        {
            self.blocks.push(Block::Line(cur));
        }
    }

    fn blank(&mut self) {
        self.flush();
        if !matches!(self.blocks.last(), None | Some(Block::Blank)) {
            self.blocks.push(Block::Blank);
        }
    }
}

pub fn parse(markdown: &str, theme: &Theme) -> Document {
    let mut b = Builder {
        theme,
        blocks: Vec::new(),
        cur: None,
        styles: vec![theme.text],
        lists: Vec::new(),
        quote: 0,
        link: None,
        code_block: None,
        table: None,
        cell: String::new(),
    };
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(tag) => match tag {
                Tag::Heading { level, .. } => {
                    b.blank();
                    let marker = match level {
                        HeadingLevel::H1 => "",
                        HeadingLevel::H2 => "",
                        _ => "› ",
                    };
                    b.start_line(marker, "");
                    let mut st = theme.heading;
                    if level == HeadingLevel::H1 {
                        st = st.add_modifier(Modifier::UNDERLINED);
                    }
                    b.styles.push(st);
                }
                Tag::Paragraph => {
                    if b.lists.is_empty() {
                        b.start_line("", "");
                    } else if b.cur.as_ref().is_some_and(|c| !c.spans.is_empty()) {
                        // A second paragraph inside a list item continues under the bullet.
                        let indent = "  ".repeat(b.lists.len());
                        b.start_line(&indent, &indent);
                    }
                }
                Tag::List(start) => {
                    b.flush();
                    b.lists.push(start);
                }
                Tag::Item => {
                    let depth = b.lists.len().saturating_sub(1);
                    let indent = "  ".repeat(depth);
                    let marker = match b.lists.last_mut() {
                        Some(Some(n)) => {
                            let m = format!("{indent}{n}. ");
                            *n += 1;
                            m
                        }
                        _ => format!("{indent}• "),
                    };
                    let cont = " ".repeat(marker.width());
                    b.start_line(&marker, &cont);
                }
                Tag::BlockQuote(_) => {
                    b.blank();
                    b.quote += 1;
                    b.styles.push(theme.callout);
                }
                Tag::CodeBlock(_) => {
                    b.blank();
                    b.code_block = Some(String::new());
                }
                Tag::Emphasis => b.styles.push(b.style().add_modifier(Modifier::ITALIC)),
                Tag::Strong => b.styles.push(b.style().add_modifier(Modifier::BOLD)),
                Tag::Strikethrough => b.styles.push(b.style().add_modifier(Modifier::CROSSED_OUT)),
                Tag::Link { dest_url, .. } => {
                    b.link = Some(dest_url.to_string());
                    b.styles.push(theme.link);
                }
                Tag::Table(_) => {
                    b.blank();
                    b.table = Some(TableAcc::default());
                }
                Tag::TableHead | Tag::TableRow => {
                    if let Some(t) = &mut b.table {
                        t.row.clear();
                    }
                }
                Tag::TableCell => b.cell.clear(),
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Heading(_) => {
                    b.styles.pop();
                    b.blank();
                }
                TagEnd::Paragraph => {
                    if b.lists.is_empty() {
                        b.blank();
                    } else {
                        b.flush();
                    }
                }
                TagEnd::Item => b.flush(),
                TagEnd::List(_) => {
                    b.lists.pop();
                    if b.lists.is_empty() {
                        b.blank();
                    }
                }
                TagEnd::BlockQuote(_) => {
                    b.flush();
                    b.quote = b.quote.saturating_sub(1);
                    b.styles.pop();
                    b.blank();
                }
                TagEnd::CodeBlock => {
                    let code = b.code_block.take().unwrap_or_default();
                    for line in code.lines() {
                        b.blocks.push(Block::Line(Logical {
                            first: vec![Span::raw("    ")],
                            rest: vec![Span::raw("    ")],
                            spans: vec![Span::styled(line.to_string(), theme.code)],
                            wrap: false,
                        }));
                    }
                    b.blank();
                }
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                    b.styles.pop();
                }
                TagEnd::Link => {
                    b.styles.pop();
                    if let Some(url) = b.link.take() {
                        b.push_text(&format!(" <{url}>"), theme.muted);
                    }
                }
                TagEnd::TableCell => {
                    let cell = std::mem::take(&mut b.cell);
                    if let Some(t) = &mut b.table {
                        t.row.push(cell.trim().to_string());
                    }
                }
                TagEnd::TableHead => {
                    if let Some(t) = &mut b.table {
                        t.header = std::mem::take(&mut t.row);
                    }
                }
                TagEnd::TableRow => {
                    if let Some(t) = &mut b.table {
                        let row = std::mem::take(&mut t.row);
                        t.rows.push(row);
                    }
                }
                TagEnd::Table => {
                    if let Some(TableAcc { header, rows, .. }) = b.table.take() {
                        b.blocks.push(Block::Table { header, rows });
                        b.blocks.push(Block::Blank);
                    }
                }
                _ => {}
            },
            Event::Text(t) => {
                if let Some(code) = &mut b.code_block {
                    code.push_str(&t);
                } else {
                    let st = b.style();
                    b.push_text(&t, st);
                }
            }
            Event::Code(t) => b.push_text(&t, theme.code),
            Event::SoftBreak => {
                let st = b.style();
                b.push_text(" ", st);
            }
            Event::HardBreak => {
                let (first, rest) = b.cur.as_ref().map(|c| (c.rest.clone(), c.rest.clone())).unwrap_or_default();
                b.flush();
                b.cur = Some(Logical { first, rest, spans: Vec::new(), wrap: true });
            }
            Event::Rule => {
                b.flush();
                b.blocks.push(Block::Rule);
            }
            _ => {}
        }
    }
    b.flush();
    while matches!(b.blocks.last(), Some(Block::Blank)) {
        b.blocks.pop();
    }
    Document { blocks: b.blocks, theme: *theme }
}

/// Greedy word wrap of styled spans into rows of at most `width` columns.
pub(crate) fn wrap_spans(
    first: &[Span<'static>],
    rest: &[Span<'static>],
    spans: &[Span<'static>],
    width: usize,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let mut row: Vec<Span<'static>> = first.to_vec();
    let mut used = width_of(first);
    let mut at_start = true;
    let limit = width.max(1);
    for span in spans {
        for word in split_keep_spaces(&span.content) {
            let w = word.width();
            if w == 0 {
                continue;
            }
            let is_space = word.trim().is_empty();
            if is_space && at_start {
                continue;
            }
            if used + w > limit && !at_start {
                out.push(finish_row(std::mem::take(&mut row)));
                row = rest.to_vec();
                used = width_of(rest);
                at_start = true;
                if is_space {
                    continue;
                }
            }
            if used + w > limit {
                // A word longer than the row: break it by characters.
                let mut chunk = String::new();
                for ch in word.chars() {
                    let cw = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
                    if used + chunk.width() + cw > limit && !chunk.is_empty() {
                        row.push(Span::styled(std::mem::take(&mut chunk), span.style));
                        out.push(Line::from(std::mem::take(&mut row)));
                        row = rest.to_vec();
                        used = width_of(rest);
                    }
                    chunk.push(ch);
                }
                used += chunk.width();
                row.push(Span::styled(chunk, span.style));
            } else {
                used += w;
                row.push(Span::styled(word.to_string(), span.style));
            }
            at_start = false;
        }
    }
    out.push(finish_row(row));
    out
}

/// A row without the spaces it ended on before the break.
fn finish_row(mut row: Vec<Span<'static>>) -> Line<'static> {
    while row.last().is_some_and(|s| s.content.trim().is_empty() && !s.content.is_empty()) {
        row.pop();
    }
    Line::from(row)
}

fn width_of(spans: &[Span]) -> usize {
    width(spans)
}

fn split_keep_spaces(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (i, c) in s.char_indices() {
        let sp = c == ' ';
        if in_space.is_some_and(|prev| prev != sp) {
            out.push(&s[start..i]);
            start = i;
        }
        in_space = Some(sp);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

impl Document {
    /// The document laid out for a given width.
    pub fn lines(&self, width: u16) -> Vec<Line<'static>> {
        let width = usize::from(width.max(1));
        let mut out = Vec::new();
        for block in &self.blocks {
            match block {
                Block::Blank => out.push(Line::default()),
                Block::Rule => out.push(Line::from(Span::styled("─".repeat(width.min(60)), self.theme.muted))),
                Block::Line(l) if !l.wrap => {
                    let mut spans = l.first.clone();
                    spans.extend(l.spans.iter().cloned());
                    out.push(Line::from(spans));
                }
                Block::Line(l) => out.extend(wrap_spans(&l.first, &l.rest, &l.spans, width)),
                Block::Table { header, rows } => out.extend(table::lines(header, rows, width, &self.theme)),
            }
        }
        out
    }
}

/// Plain text of a line, for search.
pub(crate) fn line_text(line: &Line) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::{Theme, ThemeName};

    fn render(md: &str, width: u16) -> Vec<String> {
        parse(md, &Theme::new(ThemeName::Dark, true)).lines(width).iter().map(line_text).collect()
    }

    #[test]
    fn headings_lists_quotes_code_tables_and_links() {
        let out = render(
            "# Title\n\nSome *text* and `code`.\n\n- one\n- two\n\n> **Exam tip:** remember\n\n```\nlet x = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[AWS](https://aws.amazon.com)\n",
            40,
        );
        assert_eq!(
            out,
            [
                "Title",
                "",
                "Some text and code.",
                "",
                "• one",
                "• two",
                "",
                "▌ Exam tip: remember",
                "",
                "    let x = 1;",
                "",
                "a │ b",
                "──┼──",
                "1 │ 2",
                "",
                "AWS <https://aws.amazon.com>",
            ]
        );
    }

    #[test]
    fn wraps_to_width_with_hanging_indent() {
        let out = render("- alpha beta gamma delta epsilon", 14);
        assert_eq!(out, ["• alpha beta", "  gamma delta", "  epsilon"]);
        for w in 1..30 {
            for l in render("A verylongwordthatdoesnotfit and more text here", w) {
                assert!(l.width() <= usize::from(w).max(1), "{l:?} at {w}");
            }
        }
    }
}
