//! Study: the notes list with read marks, the FAQ browser, and the note reader with search.
use crate::text::plural;
use std::collections::HashSet;

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph, Tabs};

use crate::tui::action::Action;
use crate::tui::app::{Ctx, Nav, Screen};
use crate::tui::keymap::Context;
use crate::tui::markdown::{self, line_text};
use crate::tui::screens::lab::LabScreen;
use crate::tui::screens::practice;
use crate::tui::ui::body_area;
use crate::tui::widgets::text_input::{Edit, TextInput};

mod faq;

#[derive(Debug, Default)]
pub struct StudyList {
    /// Notes of this bank read to their end (the list's marks), read when the list is shown.
    pub notes_read: HashSet<String>,
    pub faq_tab: bool,
    pub note_sel: usize,
    pub faq_sel: usize,
    pub expanded: HashSet<usize>,
    /// The FAQ search: matches are entry indices.
    pub faq_search: Search,
    /// Lines the FAQ is scrolled past where the selection puts it (PgUp/PgDn, to read a long
    /// answer and its sources); arrows reset it.
    pub faq_nudge: isize,
}

impl StudyList {
    pub fn new(ctx: &mut Ctx) -> StudyList {
        let mut s = StudyList::default();
        s.reload(ctx);
        s
    }

    /// Re-reads the read marks (a note just read shows its mark on return).
    pub(crate) fn reload(&mut self, ctx: &mut Ctx) {
        match crate::progress::notes_read(&ctx.db, &ctx.bank_name) {
            Ok(ids) => self.notes_read = ids,
            Err(e) => ctx.status = Some(e.to_string()),
        }
    }

    pub fn context(&self) -> Context {
        match (self.faq_tab, &self.faq_search.input) {
            (true, Some(_)) => Context::TextEntry,
            (true, None) => Context::Faq,
            (false, _) => Context::StudyList,
        }
    }

    pub fn update(&mut self, ctx: &mut Ctx, action: Action) -> Nav {
        if self.faq_tab {
            match action {
                Action::Top => return self.faq_go(0),
                Action::Bottom => return self.faq_go(ctx.bank.faq.len().saturating_sub(1)),
                Action::Search => {
                    self.faq_search = Search::typing();
                    return Nav::Stay;
                }
                Action::SearchNext => return self.faq_next(1),
                Action::SearchPrev => return self.faq_next(-1),
                Action::PageDown => {
                    self.faq_nudge += 10;
                    return Nav::Stay;
                }
                Action::PageUp => {
                    self.faq_nudge -= 10;
                    return Nav::Stay;
                }
                Action::Up | Action::Down | Action::ToggleEntry => self.faq_nudge = 0,
                _ => {}
            }
        }
        let (sel, len) = if self.faq_tab {
            (&mut self.faq_sel, ctx.bank.faq.len())
        } else {
            (&mut self.note_sel, ctx.bank.notes.len())
        };
        let last = len.saturating_sub(1);
        match action {
            Action::Up => *sel = sel.saturating_sub(1),
            Action::Down => *sel = (*sel + 1).min(last),
            Action::PageUp => *sel = sel.saturating_sub(10),
            Action::PageDown => *sel = (*sel + 10).min(last),
            Action::ShowFaq => self.faq_tab = true,
            Action::ShowNotes => self.faq_tab = false,
            Action::ToggleEntry => {
                if !self.expanded.remove(&self.faq_sel) {
                    self.expanded.insert(self.faq_sel);
                }
            }
            Action::ReadNote => {
                if let Some(note) = ctx.bank.notes.get(self.note_sel) {
                    let id = note.id.clone();
                    return Nav::Push(Screen::Note(NoteView::open(ctx, &id)));
                }
            }
            Action::PractiseTopic => {
                if let Some(note) = ctx.bank.notes.get(self.note_sel) {
                    let topic = note.topic.clone();
                    return practice::start_topic(ctx, &topic);
                }
            }
            _ => return Nav::Ignored,
        }
        Nav::Stay
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let t = &ctx.theme;
        let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        frame.render_widget(
            Tabs::new(vec![" Notes ", " FAQ "])
                .select(usize::from(self.faq_tab))
                .style(t.muted)
                .highlight_style(t.selected),
            tabs,
        );
        if self.faq_tab {
            self.render_faq(frame, body, ctx);
            return;
        }
        let items: Vec<ListItem> = ctx
            .bank
            .notes
            .iter()
            .map(|n| {
                let read = self.notes_read.contains(&n.id);
                let (exam, _) = practice_counts(ctx, &n.topic);
                ListItem::new(Line::from(vec![
                    Span::styled(if read { "✓ " } else { "· " }, if read { t.good } else { t.muted }),
                    Span::styled(n.title.clone(), t.text),
                    Span::styled(
                        format!("  {} · {}", ctx.bank.topic_title(&n.topic), plural(exam, "question")),
                        t.muted,
                    ),
                ]))
            })
            .collect();
        let read = ctx.bank.notes.iter().filter(|n| self.notes_read.contains(&n.id)).count();
        let mut ls = ListState::default().with_selected(Some(self.note_sel));
        frame.render_stateful_widget(
            List::new(items)
                .block(Block::bordered().title(format!(" Notes · {read} of {} read ", ctx.bank.notes.len())))
                .highlight_style(t.selected),
            body,
            &mut ls,
        );
    }
}

#[derive(Debug, Default)]
pub struct Search {
    /// The query being typed; `None` once it is done (Enter) or before `/`.
    pub input: Option<TextInput>,
    pub query: String,
    pub matches: Vec<usize>,
    pub current: usize,
}

impl Search {
    /// A new search, its query being typed.
    pub fn typing() -> Search {
        Search { input: Some(TextInput::new("")), ..Search::default() }
    }

    /// A key for the query being typed: what it did, or `None` when no query is being typed.
    /// The query follows the text as it is typed, so matches show while typing.
    pub(crate) fn on_text(&mut self, key: KeyEvent) -> Option<Edit> {
        let input = self.input.as_mut()?;
        let edit = input.handle(key);
        match edit {
            Edit::Changed => self.query = input.text().to_string(),
            Edit::Submit => self.input = None,
            Edit::Cancel => *self = Search::default(),
            Edit::Unchanged => {}
        }
        Some(edit)
    }

    /// The query as shown: with the cursor while it is typed, within `width` columns.
    pub fn shown(&self, width: usize) -> String {
        match &self.input {
            Some(i) => i.view(width),
            None => self.query.clone(),
        }
    }
}

pub struct NoteView {
    pub id: String,
    /// Whether the note counts as read (its end has been on screen).
    pub read: bool,
    pub scroll: usize,
    pub lines: Vec<Line<'static>>,
    pub width: u16,
    pub search: Search,
}

/// The text area of the note reader for a terminal size: inside the border, one column of padding.
fn text_area(size: Rect) -> Rect {
    let body = body_area(size);
    Rect::new(body.x + 2, body.y + 1, body.width.saturating_sub(4), body.height.saturating_sub(2))
}

impl NoteView {
    pub fn open(ctx: &mut Ctx, id: &str) -> NoteView {
        let read = match crate::progress::notes_read(&ctx.db, &ctx.bank_name) {
            Ok(ids) => ids.contains(id),
            Err(e) => {
                ctx.status = Some(e.to_string());
                false
            }
        };
        let mut v =
            NoteView { id: id.to_string(), read, scroll: 0, lines: Vec::new(), width: 0, search: Search::default() };
        v.relayout(ctx);
        v.mark_if_seen(ctx);
        v
    }

    /// Opens a note scrolled to a heading (the section that corrects a misconception).
    pub(crate) fn open_at(ctx: &mut Ctx, id: &str, heading: Option<&str>) -> NoteView {
        let mut v = NoteView::open(ctx, id);
        if let Some(h) = heading
            && let Some(line) = v.lines.iter().position(|l| line_text(l).trim() == h)
        {
            v.scroll = line.min(v.max_scroll(ctx));
            v.mark_if_seen(ctx);
        }
        v
    }

    pub fn context(&self) -> Context {
        if self.search.input.is_some() { Context::TextEntry } else { Context::Note }
    }

    /// Lays the note out for the current width (parsed once per note, wrapped once per width).
    pub(crate) fn relayout(&mut self, ctx: &mut Ctx) {
        // Below the minimum size nothing is drawn, so nothing is laid out: wrapping a large note
        // at width 1 would take memory and time for a screen nobody sees.
        if ctx.env.size.width < crate::tui::app::MIN_WIDTH || ctx.env.size.height < crate::tui::app::MIN_HEIGHT {
            return;
        }
        let width = text_area(ctx.env.size).width.max(1);
        if width == self.width && !self.lines.is_empty() {
            return;
        }
        let Some(note) = ctx.bank.note(&self.id).cloned() else { return };
        let (exam, all) = practice_counts(ctx, &note.topic);
        let t = ctx.theme;
        let mut lines = ctx.doc(&self.id).map(|d| d.lines(width)).unwrap_or_default();
        lines.push(Line::default());
        lines.push(Line::from(Span::styled("─".repeat(usize::from(width.min(60))), t.muted)));
        // The number shown is the number `p` starts: exam-level questions of the note's topic.
        let deep = if all > exam {
            format!(" ({} more are deep dives, in Practice with l)", all - exam)
        } else {
            String::new()
        };
        lines.extend(markdown::wrap_spans(
            &[],
            &[],
            &[
                Span::styled(format!("p practises {}", plural(exam, "exam-level question")), t.accent),
                Span::styled(format!(" on this note's topic{deep}."), t.muted),
            ],
            usize::from(width),
        ));
        if let Some(s) = note.lab.as_deref().and_then(crate::lab::catalog::find) {
            lines.push(Line::from(vec![
                Span::styled("Try it in the Lab: ", t.muted),
                Span::styled(s.title, t.accent),
                Span::styled(" — press l.", t.muted),
            ]));
        }
        self.lines = lines;
        self.width = width;
        self.scroll = self.scroll.min(self.max_scroll(ctx));
        self.find();
    }

    fn page(ctx: &Ctx) -> usize {
        usize::from(text_area(ctx.env.size).height.max(1))
    }

    fn max_scroll(&self, ctx: &Ctx) -> usize {
        self.lines.len().saturating_sub(Self::page(ctx))
    }

    /// A note counts as read once its last line has been on screen.
    fn mark_if_seen(&mut self, ctx: &mut Ctx) {
        if self.scroll >= self.max_scroll(ctx) && !self.read {
            match crate::progress::mark_note_read(&mut ctx.db, &ctx.bank_name, &self.id, ctx.now) {
                Ok(()) => self.read = true,
                Err(e) => ctx.status = Some(e.to_string()),
            }
        }
    }

    fn find(&mut self) {
        let q = self.search.query.to_lowercase();
        self.search.matches = if q.is_empty() {
            Vec::new()
        } else {
            self.lines
                .iter()
                .enumerate()
                .filter(|(_, l)| line_text(l).to_lowercase().contains(&q))
                .map(|(i, _)| i)
                .collect()
        };
        self.search.current = self.search.current.min(self.search.matches.len().saturating_sub(1));
    }

    fn jump(&mut self, ctx: &Ctx, forward: bool) {
        let m = &self.search.matches;
        if m.is_empty() {
            return;
        }
        let n = m.len();
        self.search.current = if forward { (self.search.current + 1) % n } else { (self.search.current + n - 1) % n };
        self.scroll_to_match(ctx);
    }

    fn scroll_to_match(&mut self, ctx: &Ctx) {
        if let Some(&line) = self.search.matches.get(self.search.current) {
            self.scroll = line.saturating_sub(2).min(self.max_scroll(ctx));
        }
    }

    /// A key for the search being typed; `None` when no search is being typed.
    pub(crate) fn on_text(&mut self, ctx: &mut Ctx, key: KeyEvent) -> Option<Nav> {
        match self.search.on_text(key)? {
            Edit::Changed => self.find(),
            Edit::Submit => {
                self.find();
                // Start from the first match at or below the current position.
                self.search.current = self.search.matches.iter().position(|&l| l >= self.scroll).unwrap_or(0);
                self.scroll_to_match(ctx);
                self.mark_if_seen(ctx);
            }
            Edit::Cancel => self.find(),
            Edit::Unchanged => {}
        }
        Some(Nav::Stay)
    }

    pub fn update(&mut self, ctx: &mut Ctx, action: Action) -> Nav {
        self.relayout(ctx);
        let page = Self::page(ctx);
        let max = self.max_scroll(ctx);
        match action {
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::Down => self.scroll = (self.scroll + 1).min(max),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(page.saturating_sub(1)),
            Action::PageDown => self.scroll = (self.scroll + page.saturating_sub(1)).min(max),
            Action::Top => self.scroll = 0,
            Action::Bottom => self.scroll = max,
            Action::Search => self.search = Search::typing(),
            Action::SearchNext => self.jump(ctx, true),
            Action::SearchPrev => self.jump(ctx, false),
            Action::PractiseTopic => {
                if let Some(topic) = ctx.bank.note(&self.id).map(|n| n.topic.clone()) {
                    return practice::start_topic(ctx, &topic);
                }
            }
            Action::OpenLab => {
                let scenario =
                    ctx.bank.note(&self.id).and_then(|n| n.lab.as_deref()).and_then(crate::lab::catalog::find);
                match scenario {
                    Some(s) => match LabScreen::new(ctx, s) {
                        Ok(l) => return Nav::Push(Screen::Lab(Box::new(l))),
                        Err(e) => ctx.status = Some(e),
                    },
                    None => ctx.status = Some("This note has no lab scenario.".into()),
                }
            }
            _ => return Nav::Ignored,
        }
        self.mark_if_seen(ctx);
        Nav::Stay
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ctx: &Ctx) {
        let t = &ctx.theme;
        let title = ctx.bank.note(&self.id).map_or_else(String::new, |n| n.title.clone());
        let inner = Rect::new(area.x + 2, area.y + 1, area.width.saturating_sub(4), area.height.saturating_sub(2));
        let h = usize::from(inner.height);
        let current = self.search.matches.get(self.search.current).copied();
        let visible: Vec<Line> = self
            .lines
            .iter()
            .enumerate()
            .skip(self.scroll)
            .take(h)
            .map(|(i, l)| {
                if Some(i) == current {
                    l.clone().patch_style(t.selected)
                } else if self.search.matches.binary_search(&i).is_ok() {
                    l.clone().patch_style(ratatui::style::Style::new().add_modifier(Modifier::UNDERLINED))
                } else {
                    l.clone()
                }
            })
            .collect();
        let pos =
            if self.lines.is_empty() { 100 } else { (self.scroll + h).min(self.lines.len()) * 100 / self.lines.len() };
        let mut block =
            Block::bordered().title(format!(" {title} ")).title_bottom(Line::from(format!(" {pos}% ")).right_aligned());
        if self.search.input.is_some() || !self.search.query.is_empty() {
            let room = usize::from(area.width.saturating_sub(12));
            let info = if self.search.input.is_some() {
                format!(" /{} ", self.search.shown(room))
            } else if self.search.matches.is_empty() {
                format!(" /{} — no match ", self.search.query)
            } else {
                format!(
                    " /{} — match {} of {} (n/N) ",
                    self.search.query,
                    self.search.current + 1,
                    self.search.matches.len()
                )
            };
            block = block.title_bottom(Line::from(Span::styled(info, t.accent)));
        }
        frame.render_widget(block, area);
        frame.render_widget(Paragraph::new(visible), inner);
    }
}

/// What `p` practises for a topic (exam-level questions, as `practice::start_topic` draws them)
/// and how many the topic has at every level.
pub(crate) fn practice_counts(ctx: &Ctx, topic: &str) -> (usize, usize) {
    use crate::bank::LevelChoice;
    use crate::study::practice::{Filter, count};
    let filter = Filter::Topics(vec![topic.to_string()]);
    (count(&ctx.bank, &filter, LevelChoice::Exam), count(&ctx.bank, &filter, LevelChoice::All))
}
