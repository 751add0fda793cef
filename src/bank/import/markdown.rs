//! Markdown checkbox quizzes as they are written on GitHub: a heading or paragraph as the question
//! (a heading followed by code, an image or a paragraph keeps all of them), a `- [x]` / `- [ ]` list
//! as its options, an optional `>` block quote as the explanation, and reference links after the
//! options as its sources. The exact shape is in `questions/README.md`.
use super::{Draft, DraftOption, ImportProblem, Parsed};
use crate::bank::validate::source_problem;

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

/// `1. What...`, `2) What...` or `Q3. What...`: the numbering is layout, not part of the question.
fn strip_number(t: &str) -> &str {
    let unq = t.strip_prefix(['Q', 'q']).filter(|r| r.starts_with(|c: char| c.is_ascii_digit())).unwrap_or(t);
    let digits = unq.chars().take_while(char::is_ascii_digit).count();
    if digits > 0
        && let Some(rest) = unq[digits..].strip_prefix(['.', ')', ':'])
        && rest.starts_with([' ', '\t'])
    {
        return rest.trim_start();
    }
    t
}

/// A line after the options that belongs to the question, not the next one: a reference link
/// (`[Reference](https://...)`, a bare URL) or a labelled note such as `Explanation: ...`.
fn is_after_note(t: &str) -> bool {
    let plain = t.trim_start_matches(['*', '_']).to_ascii_lowercase();
    (t.starts_with('[') && t.contains("]("))
        || t.starts_with("http://")
        || t.starts_with("https://")
        || t.starts_with("<http")
        || ["reference", "explanation", "source", "answer:", "note:", "ref:"].iter().any(|l| plain.starts_with(l))
}

/// The URL of a reference link line, if the line is only that.
fn link_url(t: &str) -> Option<&str> {
    let t = t.trim_start_matches(['<']).trim_end_matches(['>']);
    if t.starts_with("https://") && !t.contains(char::is_whitespace) {
        return Some(t);
    }
    let (_, rest) = t.split_once("](")?;
    let url = rest.strip_suffix(')')?;
    (!url.contains(char::is_whitespace)).then_some(url)
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

/// A line of a fenced code block (fences included), kept as written with its line break, in the
/// part of the question being read.
fn code_line(open: &mut Option<Open>, raw: &str, n: usize, closes: bool) {
    let q = open.get_or_insert_with(|| Open::new(n));
    let target = match q.phase {
        Phase::Stem => &mut q.draft.stem,
        Phase::Options => match q.draft.options.last_mut() {
            Some(o) => &mut o.text,
            None => &mut q.draft.stem,
        },
        Phase::Explanation => &mut q.draft.explanation,
    };
    let starts = raw.trim_start().starts_with("```") || raw.trim_start().starts_with("~~~");
    if !target.is_empty() {
        // A block starts a paragraph of its own; its lines follow one another.
        target.push_str(if starts && !target.ends_with('\n') && !closes { "\n\n" } else { "\n" });
    }
    target.push_str(raw.trim_end());
    // Text after the block starts a new paragraph.
    q.blank = closes;
}

pub(super) fn parse(text: &str) -> Parsed {
    let mut out = Parsed::default();
    let mut open: Option<Open> = None;
    // After a checkbox with no question: its siblings are skipped, not reported again.
    let mut orphan = false;
    // Inside a fenced code block: its fence, and every line kept as written.
    let mut fence: Option<&str> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let t = raw.trim();
        let opens = ["```", "~~~"].into_iter().find(|f| t.starts_with(f));
        if fence.is_some() || opens.is_some() {
            match fence {
                Some(f) if t.starts_with(f) && t.trim_start_matches(f).trim().is_empty() => fence = None,
                Some(_) => {}
                None => fence = opens,
            }
            code_line(&mut open, raw, n, fence.is_none());
            continue;
        }
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
                    q.draft.problems.push(ImportProblem::new(n, msg));
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
                        // The heading is the question; code, images and paragraphs under it are
                        // part of it. It also names the question's id.
                        if let Some(h) = q.heading.take() {
                            if !q.draft.stem.is_empty() {
                                q.draft.stem = format!("{h}\n\n{}", q.draft.stem);
                                q.draft.title = Some(h);
                            } else {
                                q.draft.stem = h;
                            }
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
                // Surely meant as an option: counted, so the option count is not reported as well.
                match open.as_mut() {
                    Some(q) => {
                        q.draft.problems.push(ImportProblem::new(n, msg));
                        q.draft.options.push(DraftOption { line: n, text: text.to_string(), ..DraftOption::default() });
                    }
                    None => out.problems.push(ImportProblem::new(n, msg)),
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
                // A reference link or a labelled note after the options is this question's.
                Some(q) if is_after_note(t) => {
                    match link_url(t).filter(|u| source_problem(u).is_none()) {
                        Some(url) => q.draft.sources.push(url.to_string()),
                        None => append(&mut q.draft.explanation, strip_label(t), true),
                    }
                    q.phase = Phase::Explanation;
                    q.blank = false;
                }
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
