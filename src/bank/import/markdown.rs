//! Markdown checkbox quizzes: a heading or paragraph as the question, a `- [x]` / `- [ ]` list as its
//! options, and an optional `>` block quote as the explanation. The exact shape is in
//! `questions/README.md`.
use super::{Draft, DraftOption, ImportProblem, Parsed};

#[derive(Debug, PartialEq, Eq)]
enum Line<'a> {
    Blank,
    /// `---`, `***` or `___`: ends a question.
    Break,
    Heading(&'a str),
    Checkbox(bool, &'a str),
    Quote(&'a str),
    /// A list item with no checkbox.
    Item(&'a str),
    /// Indented text: continues an option or the explanation.
    Indented(&'a str),
    Text(&'a str),
}

fn classify(raw: &str) -> Line<'_> {
    let t = raw.trim();
    if t.is_empty() {
        return Line::Blank;
    }
    let indent = raw.chars().take_while(|c| c.is_whitespace()).map(|c| if c == '\t' { 4 } else { 1 }).sum::<usize>();
    if indent <= 3 {
        let marks: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        if marks.len() >= 3 && ["-", "*", "_"].iter().any(|m| marks.chars().all(|c| c.to_string() == *m)) {
            return Line::Break;
        }
        let hashes = t.chars().take_while(|&c| c == '#').count();
        if (1..=6).contains(&hashes) && (t.len() == hashes || t[hashes..].starts_with([' ', '\t'])) {
            return Line::Heading(t[hashes..].trim().trim_end_matches('#').trim_end());
        }
        if let Some(q) = t.strip_prefix('>') {
            return Line::Quote(q.strip_prefix(' ').unwrap_or(q).trim_end());
        }
        if let Some(item) = t.strip_prefix(['-', '*', '+']).filter(|r| r.starts_with([' ', '\t'])) {
            let item = item.trim_start();
            for (mark, checked) in [("[ ]", false), ("[x]", true), ("[X]", true)] {
                if let Some(text) = item.strip_prefix(mark).filter(|r| r.is_empty() || r.starts_with([' ', '\t'])) {
                    return Line::Checkbox(checked, text.trim());
                }
            }
            return Line::Item(item);
        }
    }
    if indent >= 2 { Line::Indented(t) } else { Line::Text(t) }
}

/// `1. What...` or `2) What...`: the numbering is layout, not part of the question.
fn strip_number(t: &str) -> &str {
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits > 0
        && let Some(rest) = t[digits..].strip_prefix(['.', ')'])
        && rest.starts_with([' ', '\t'])
    {
        return rest.trim_start();
    }
    t
}

/// A common label inside the explanation quote; the app shows its own.
fn strip_label(t: &str) -> &str {
    for label in ["**explanation:**", "**explanation**:", "explanation:"] {
        if t.get(..label.len()).is_some_and(|s| s.eq_ignore_ascii_case(label)) {
            return t[label.len()..].trim_start();
        }
    }
    t
}

#[derive(PartialEq, Eq)]
enum Phase {
    Stem,
    Options,
    Explanation,
}

/// The question being read.
struct Open {
    draft: Draft,
    heading: Option<String>,
    phase: Phase,
    /// A blank line since the last text: the next text starts a paragraph (or a new question).
    blank: bool,
}

impl Open {
    fn new(line: usize) -> Open {
        Open { draft: Draft { line, ..Draft::default() }, heading: None, phase: Phase::Stem, blank: false }
    }
}

/// Appends a line of Markdown text: a soft line break is a space, a blank line a new paragraph.
fn append(to: &mut String, text: &str, new_paragraph: bool) {
    if !to.is_empty() {
        to.push_str(if new_paragraph { "\n\n" } else { " " });
    }
    to.push_str(text);
}

fn flush(open: Option<Open>, out: &mut Parsed) {
    let Some(mut q) = open else { return };
    if q.draft.options.is_empty() {
        // A heading with nothing under it is a section title, not a question.
        if !q.draft.stem.is_empty() {
            let msg = "no checkbox options (`- [x]` right, `- [ ]` wrong) after the question";
            out.problems.push(ImportProblem::new(q.draft.line, msg));
        }
        return;
    }
    q.draft.explanation = strip_label(&q.draft.explanation).to_string();
    out.drafts.push(q.draft);
}

pub(super) fn parse(text: &str) -> Parsed {
    let mut out = Parsed::default();
    let mut open: Option<Open> = None;
    // After a checkbox with no question: its siblings are skipped, not reported again.
    let mut orphan = false;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let mut line = classify(raw);
        // Text that means something only in certain places is plain text elsewhere.
        line = match (line, open.as_ref().map(|q| &q.phase)) {
            (Line::Quote(_), None | Some(Phase::Stem)) => Line::Text(raw.trim()),
            (Line::Item(_), None | Some(Phase::Stem | Phase::Explanation)) => Line::Text(raw.trim()),
            (Line::Indented(t), None | Some(Phase::Stem)) => Line::Text(t),
            (Line::Indented(t), Some(_)) if open.as_ref().is_some_and(|q| q.blank) => Line::Text(t),
            (l, _) => l,
        };
        if !matches!(line, Line::Checkbox(..) | Line::Indented(_) | Line::Blank) {
            orphan = false;
        }
        match line {
            Line::Blank => {
                if let Some(q) = open.as_mut() {
                    q.blank = true;
                }
            }
            Line::Break => flush(open.take(), &mut out),
            Line::Heading(h) => {
                flush(open.take(), &mut out);
                let mut q = Open::new(n);
                q.heading = Some(strip_number(h).to_string()).filter(|h| !h.is_empty());
                open = Some(q);
            }
            Line::Checkbox(checked, text) => match open.as_mut() {
                None if orphan => {}
                None => {
                    out.problems.push(ImportProblem::new(n, "a checkbox option with no question text before it"));
                    orphan = true;
                }
                Some(q) if q.phase == Phase::Explanation => {
                    let msg = "an option after the explanation; the `>` explanation comes after all the options";
                    out.problems.push(ImportProblem::new(n, msg));
                    // Counted all the same, so the option count is not reported as well.
                    q.draft.options.push(DraftOption {
                        line: n,
                        text: text.to_string(),
                        correct: checked,
                        ..DraftOption::default()
                    });
                }
                Some(q) => {
                    if q.phase == Phase::Stem {
                        // The heading is the question when no paragraph follows it, else its title.
                        match q.heading.take() {
                            Some(h) if q.draft.stem.is_empty() => q.draft.stem = h,
                            h => q.draft.title = h,
                        }
                        q.phase = Phase::Options;
                    }
                    let option =
                        DraftOption { line: n, text: text.to_string(), correct: checked, ..DraftOption::default() };
                    q.draft.options.push(option);
                    q.blank = false;
                }
            },
            Line::Quote(t) => {
                if let Some(q) = open.as_mut() {
                    let new_paragraph = q.phase == Phase::Explanation && (q.blank || t.is_empty());
                    q.phase = Phase::Explanation;
                    if !t.is_empty() {
                        append(&mut q.draft.explanation, t, new_paragraph);
                        q.blank = false;
                    } else {
                        q.blank = true;
                    }
                }
            }
            Line::Item(text) => {
                let msg = "a list item without a checkbox; write `- [x]` for a right option or `- [ ]` for a wrong one";
                out.problems.push(ImportProblem::new(n, msg));
                // Surely meant as an option: counted, so the option count is not reported as well.
                if let Some(q) = open.as_mut() {
                    q.draft.options.push(DraftOption { line: n, text: text.to_string(), ..DraftOption::default() });
                }
            }
            Line::Indented(t) => {
                if let Some(q) = open.as_mut() {
                    match q.phase {
                        Phase::Options => {
                            if let Some(o) = q.draft.options.last_mut() {
                                append(&mut o.text, t, false);
                            }
                        }
                        Phase::Explanation => append(&mut q.draft.explanation, t, false),
                        Phase::Stem => append(&mut q.draft.stem, t, q.blank),
                    }
                }
            }
            Line::Text(t) => match open.as_mut() {
                Some(q) if q.phase == Phase::Stem => {
                    let t = if q.draft.stem.is_empty() { strip_number(t) } else { t };
                    append(&mut q.draft.stem, t, q.blank);
                    q.blank = false;
                }
                // Lazy continuation: a quote's paragraph goes on without its `>`.
                Some(q) if q.phase == Phase::Explanation && !q.blank => append(&mut q.draft.explanation, t, false),
                _ => {
                    flush(open.take(), &mut out);
                    let mut q = Open::new(n);
                    q.draft.stem = strip_number(t).to_string();
                    open = Some(q);
                }
            },
        }
    }
    flush(open, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_classified() {
        assert_eq!(classify("  - [x] right"), Line::Checkbox(true, "right"));
        assert_eq!(classify("* [ ] wrong "), Line::Checkbox(false, "wrong"));
        assert_eq!(classify("- [X]"), Line::Checkbox(true, ""));
        assert_eq!(classify("- plain"), Line::Item("plain"));
        assert_eq!(classify("## 3. Heading ##"), Line::Heading("3. Heading"));
        assert_eq!(classify("#hashtag"), Line::Text("#hashtag"));
        assert_eq!(classify("> quoted"), Line::Quote("quoted"));
        assert_eq!(classify("- - -"), Line::Break);
        assert_eq!(classify("    more"), Line::Indented("more"));
        assert_eq!(strip_number("12) Which?"), "Which?");
        assert_eq!(strip_number("2024 was"), "2024 was");
        assert_eq!(strip_label("**Explanation:** Because."), "Because.");
    }
}
