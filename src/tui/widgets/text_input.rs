//! The one text-input widget every editor uses (note and FAQ search, the exam date, the Lab's
//! path, header, body and count): a line of text with a cursor, edited by the keys the keymap's
//! `TextEntry` context binds (so the help bar shows them), and drawn so the cursor stays in view
//! whatever the width of the characters.
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_width::UnicodeWidthChar;

use crate::tui::action::Action;
use crate::tui::keymap::{self, Context};

/// What a key did to the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The text changed (a live search runs again).
    Changed,
    /// The text is the same: the cursor moved, or the key means nothing here.
    Unchanged,
    /// Enter: the text is done.
    Submit,
    /// Esc: leave without using the text.
    Cancel,
}

/// The cursor as drawn.
pub(crate) const CURSOR: char = '▏';

#[derive(Debug, Clone)]
pub struct TextInput {
    text: String,
    /// A byte offset into `text`, always on a character boundary.
    cursor: usize,
    accepts: fn(char) -> bool,
}

fn any_char(_: char) -> bool {
    true
}

fn width_of(c: char) -> usize {
    c.width().unwrap_or(0)
}

impl TextInput {
    /// An input holding `initial`, the cursor after it, taking any printable character.
    pub fn new(initial: &str) -> TextInput {
        TextInput { text: initial.to_string(), cursor: initial.len(), accepts: any_char }
    }

    /// Takes only the characters `accepts` allows (the exam date: digits and `-`).
    pub(crate) fn accepting(mut self, accepts: fn(char) -> bool) -> TextInput {
        self.accepts = accepts;
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The cursor's column: the display width of the text before it (a CJK character or an
    /// emoji takes two columns, a combining mark none).
    #[cfg(test)]
    pub(crate) fn cursor_column(&self) -> usize {
        self.text[..self.cursor].chars().map(width_of).sum()
    }

    pub fn handle(&mut self, key: KeyEvent) -> Edit {
        let before = self.text[..self.cursor].chars().next_back();
        let after = self.text[self.cursor..].chars().next();
        match keymap::lookup(Context::TextEntry, key, 0) {
            Some(Action::Keep) => Edit::Submit,
            Some(Action::Cancel) => Edit::Cancel,
            Some(Action::DeleteBack) => match before {
                Some(c) => {
                    self.cursor -= c.len_utf8();
                    self.text.remove(self.cursor);
                    Edit::Changed
                }
                None => Edit::Unchanged,
            },
            Some(Action::DeleteForward) => match after {
                Some(_) => {
                    self.text.remove(self.cursor);
                    Edit::Changed
                }
                None => Edit::Unchanged,
            },
            Some(action) => {
                match action {
                    Action::CursorLeft => self.cursor -= before.map_or(0, char::len_utf8),
                    Action::CursorRight => self.cursor += after.map_or(0, char::len_utf8),
                    Action::CursorStart => self.cursor = 0,
                    Action::CursorEnd => self.cursor = self.text.len(),
                    // Ctrl-C, which the app handles before the input sees it.
                    _ => {}
                }
                Edit::Unchanged
            }
            // A chord is not text: Ctrl-U or Alt-x must not type a `u` or an `x`. Shift is part
            // of the character.
            None if key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SUPER) => {
                Edit::Unchanged
            }
            None => match key.code {
                KeyCode::Char(c) if !c.is_control() && (self.accepts)(c) => {
                    self.text.insert(self.cursor, c);
                    self.cursor += c.len_utf8();
                    Edit::Changed
                }
                _ => Edit::Unchanged,
            },
        }
    }

    /// The text as drawn in at most `width` columns, with the cursor mark at the cursor. Text
    /// wider than that shows the part around the cursor, the cursor always included, and never
    /// half of a wide character.
    pub fn view(&self, width: usize) -> String {
        let room = width.saturating_sub(1);
        let (before, after) = self.text.split_at(self.cursor);
        let after_width: usize = after.chars().map(width_of).sum();
        // Keep up to a third of the room for what follows the cursor, the rest for what precedes.
        let after_room = after_width.min(room / 3);
        let mut left = Vec::new();
        let mut used = 0;
        for c in before.chars().rev() {
            let w = width_of(c);
            if used + w > room - after_room {
                break;
            }
            used += w;
            left.push(c);
        }
        let mut out: String = left.into_iter().rev().collect();
        out.push(CURSOR);
        for c in after.chars() {
            let w = width_of(c);
            if used + w > room {
                break;
            }
            used += w;
            out.push(c);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(input: &mut TextInput, code: KeyCode) -> Edit {
        input.handle(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn typed(input: &mut TextInput, s: &str) {
        for c in s.chars() {
            assert_eq!(press(input, KeyCode::Char(c)), Edit::Changed);
        }
    }

    #[test]
    fn inserts_at_the_cursor_and_backspaces_before_it() {
        let mut i = TextInput::new("/pets");
        assert_eq!(i.view(80), "/pets▏");
        typed(&mut i, "/1");
        assert_eq!(i.text(), "/pets/1");
        press(&mut i, KeyCode::Left);
        press(&mut i, KeyCode::Left);
        assert_eq!(i.view(80), "/pets▏/1");
        assert_eq!(press(&mut i, KeyCode::Backspace), Edit::Changed);
        assert_eq!(i.text(), "/pet/1");
        typed(&mut i, "S");
        assert_eq!(i.text(), "/petS/1");
        press(&mut i, KeyCode::Home);
        assert_eq!(press(&mut i, KeyCode::Backspace), Edit::Unchanged, "nothing before the cursor");
        assert_eq!(press(&mut i, KeyCode::Delete), Edit::Changed);
        assert_eq!(i.text(), "petS/1");
        press(&mut i, KeyCode::End);
        assert_eq!(press(&mut i, KeyCode::Delete), Edit::Unchanged, "nothing after the cursor");
        assert_eq!(press(&mut i, KeyCode::Right), Edit::Unchanged);
        assert_eq!(i.view(80), "petS/1▏");
    }

    #[test]
    fn enter_submits_esc_cancels_and_chords_type_nothing() {
        let mut i = TextInput::new("");
        assert_eq!(press(&mut i, KeyCode::Enter), Edit::Submit);
        assert_eq!(press(&mut i, KeyCode::Esc), Edit::Cancel);
        assert_eq!(i.handle(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)), Edit::Unchanged);
        assert_eq!(i.handle(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::ALT)), Edit::Unchanged);
        assert_eq!(i.handle(KeyEvent::new(KeyCode::Char('X'), KeyModifiers::SHIFT)), Edit::Changed);
        assert_eq!(press(&mut i, KeyCode::Tab), Edit::Unchanged);
        assert_eq!(i.text(), "X");
    }

    #[test]
    fn a_filter_keeps_other_characters_out() {
        let mut i = TextInput::new("").accepting(|c| c.is_ascii_digit() || c == '-');
        for c in "2026-x12/20".chars() {
            press(&mut i, KeyCode::Char(c));
        }
        assert_eq!(i.text(), "2026-1220");
    }

    #[test]
    fn wide_characters_take_two_columns_and_combining_marks_none() {
        let mut i = TextInput::new("");
        typed(&mut i, "日本e\u{301}");
        assert_eq!(i.cursor_column(), 5, "two wide characters, an e and a combining accent");
        press(&mut i, KeyCode::Left);
        press(&mut i, KeyCode::Left);
        assert_eq!(i.cursor_column(), 4);
        press(&mut i, KeyCode::Left);
        assert_eq!(i.cursor_column(), 2);
        assert_eq!(press(&mut i, KeyCode::Backspace), Edit::Changed);
        assert_eq!(i.text(), "本e\u{301}");
        assert_eq!(i.cursor_column(), 0);
        typed(&mut i, "🙂");
        assert_eq!(i.cursor_column(), 2);
        assert_eq!(i.view(80), "🙂▏本e\u{301}");
    }

    #[test]
    fn a_long_text_shows_the_part_around_the_cursor() {
        let mut i = TextInput::new("abcdefghijklmnopqrstuvwxyz");
        assert_eq!(i.view(10), "rstuvwxyz▏");
        press(&mut i, KeyCode::Home);
        assert_eq!(i.view(10), "▏abcdefghi");
        for _ in 0..13 {
            press(&mut i, KeyCode::Right);
        }
        let v = i.view(10);
        assert!(v.contains("m▏n"), "{v}");
        assert_eq!(v.chars().count(), 10);
        // Wide characters are never cut in half: 4 columns hold the cursor and one of them.
        let wide = TextInput::new("日本語");
        assert_eq!(wide.view(4), "語▏");
        assert_eq!(wide.view(0), "▏");
    }
}
