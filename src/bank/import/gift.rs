//! Moodle GIFT: multiple-choice and multiple-response questions with titles, feedback, categories,
//! comments, escapes and gatewise's own `// gatewise:` comments; other GIFT question types are
//! reported, not guessed at.
//!
//! A question is a block of lines ended by a blank line. Comment lines (`//`) are dropped anywhere,
//! except the two gatewise carries data in: `// gatewise-topic: {...}` before a `$CATEGORY:` line and
//! `// gatewise: {...}` before a question (see `export::gift`).
use serde::{Deserialize, Serialize};

use super::{DeclaredTopic, Draft, DraftOption, ImportProblem, Parsed, topic_from_name};
use crate::bank::validate::valid_id;
use crate::bank::{Domain, Level};

pub(in crate::bank) const QUESTION_META: &str = "// gatewise:";
pub(in crate::bank) const TOPIC_META: &str = "// gatewise-topic:";

/// What GIFT cannot say about a question, carried in a `// gatewise: {json}` comment line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(in crate::bank) struct QuestionMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<Domain>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difficulty: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A topic's id and order, carried in a `// gatewise-topic: {json}` comment before its category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(in crate::bank) struct TopicMeta {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<u32>,
}

/// One character of a question after escapes are resolved. `special` marks an unescaped GIFT control
/// character (`~ = # { } :`) or a line break in the source (`'\n'`), which is layout, not text.
#[derive(Debug, Clone, Copy)]
struct Tok {
    c: char,
    special: bool,
    line: usize,
}

impl Tok {
    fn is(&self, c: char) -> bool {
        self.special && self.c == c
    }

    fn is_space(&self) -> bool {
        self.c.is_whitespace() && (!self.special || self.c == '\n')
    }
}

pub(super) fn parse(text: &str) -> Parsed {
    let mut out = Parsed::default();
    let mut state = State::default();
    let mut block: Vec<(usize, &str)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            parse_block(&block, &mut state, &mut out);
            block.clear();
        } else {
            block.push((i + 1, line));
        }
    }
    parse_block(&block, &mut state, &mut out);
    out
}

/// serde_json's message without its "at line 1 column N": the line is reported, and the column is
/// inside the comment's JSON, not the file.
fn serde_message(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    msg.rsplit_once(" at line ").map_or(msg.clone(), |(m, _)| m.to_string())
}

/// What carries from one block to the next.
#[derive(Default)]
struct State {
    /// The topic of the last `$CATEGORY:`.
    category: Option<String>,
    /// The last question's answer block was cut by a blank line: its tail (a block closing a `}` it
    /// never opened) is part of that one mistake, not another.
    unclosed: bool,
}

const UNCLOSED: &str = "the answer block is not closed with `}` (a blank line ends a question)";

/// One blank-line-separated block: a category, a question, or both.
fn parse_block(block: &[(usize, &str)], state: &mut State, out: &mut Parsed) {
    let mut question_meta: Option<(QuestionMeta, usize)> = None;
    let mut topic_meta: Option<(TopicMeta, usize)> = None;
    let mut lines: Vec<(usize, &str)> = Vec::new();
    for &(n, line) in block {
        let t = line.trim();
        if let Some(json) = t.strip_prefix(TOPIC_META) {
            match serde_json::from_str::<TopicMeta>(json) {
                Ok(m) => topic_meta = Some((m, n)),
                Err(e) => out
                    .problems
                    .push(ImportProblem::new(n, format!("bad `{TOPIC_META}` comment: {}", serde_message(&e)))),
            }
        } else if let Some(json) = t.strip_prefix(QUESTION_META) {
            if question_meta.is_some() {
                out.problems
                    .push(ImportProblem::new(n, format!("a second `{QUESTION_META}` comment for one question")));
            }
            match serde_json::from_str::<QuestionMeta>(json) {
                Ok(m) => question_meta = Some((m, n)),
                Err(e) => out
                    .problems
                    .push(ImportProblem::new(n, format!("bad `{QUESTION_META}` comment: {}", serde_message(&e)))),
            }
        } else if !t.starts_with("//") {
            lines.push((n, t));
        }
    }

    if let Some(&(n, first)) = lines.first()
        && let Some(name) = first.strip_prefix("$CATEGORY:")
    {
        lines.remove(0);
        let leaf = category_leaf(name);
        // The gatewise comment states the id, so the name is only the title and may be anything.
        let topic = match topic_meta.take() {
            Some((m, mn)) => {
                if !valid_id(&m.id) {
                    let msg = format!("topic id `{}` must be lower-case letters, digits and single hyphens", m.id);
                    out.problems.push(ImportProblem::new(mn, msg));
                }
                Some(DeclaredTopic { id: m.id, title: leaf, order: m.order })
            }
            None => topic_from_name(&leaf),
        };
        match topic {
            Some(t) => {
                state.category = Some(t.id.clone());
                out.topics.push(t);
            }
            None => out.problems.push(ImportProblem::new(n, "the category has no name to make a topic from")),
        }
    }
    if let Some((_, n)) = topic_meta {
        out.problems.push(ImportProblem::new(n, format!("`{TOPIC_META}` comment with no `$CATEGORY:` line after it")));
    }
    if lines.is_empty() {
        if let Some((_, n)) = question_meta {
            out.problems.push(ImportProblem::new(
                n,
                format!("`{QUESTION_META}` comment with no question after it (a blank line ends a question)"),
            ));
        }
        return;
    }
    let toks = tokens(&lines);
    let open = toks.iter().position(|t| t.is('{'));
    let close = toks.iter().position(|t| t.is('}'));
    if std::mem::take(&mut state.unclosed) && close.is_some() && (open.is_none() || close < open) {
        return;
    }
    match parse_question(&toks) {
        Ok(mut d) => {
            d.topic = state.category.clone();
            if let Some((m, n)) = question_meta {
                d.id = m.id.map(|id| (id, n));
                d.domain = m.domain;
                d.difficulty = m.difficulty;
                d.level = m.level;
                d.sources = m.sources;
                d.tags = m.tags;
                d.notes = m.notes;
            }
            out.drafts.push(d);
        }
        Err(p) => {
            state.unclosed = p.message == UNCLOSED;
            out.problems.push(p);
        }
    }
}

/// The last part of a Moodle category path (`$course$/top/Caching`), which names the topic; `//` is a
/// slash inside a name.
fn category_leaf(path: &str) -> String {
    let mut parts = vec![String::new()];
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '/' && chars.peek() != Some(&'/') {
            parts.push(String::new());
            continue;
        }
        if c == '/' {
            chars.next();
        }
        if let Some(last) = parts.last_mut() {
            last.push(c);
        }
    }
    parts.iter().rev().map(|p| p.trim()).find(|p| !p.is_empty()).unwrap_or_default().to_string()
}

/// Resolves escapes (`\~ \= \# \{ \} \: \\`, and `\n` for a line break inside text).
fn tokens(lines: &[(usize, &str)]) -> Vec<Tok> {
    let mut out = Vec::new();
    for (i, &(line, text)) in lines.iter().enumerate() {
        if i > 0 {
            out.push(Tok { c: '\n', special: true, line });
        }
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            let tok = |c, special| Tok { c, special, line };
            match c {
                '\\' => match chars.next() {
                    Some('n') => out.push(tok('\n', false)),
                    Some(e @ ('~' | '=' | '#' | '{' | '}' | ':' | '\\')) => out.push(tok(e, false)),
                    // Not a GIFT escape: keep the backslash, as Moodle does.
                    Some(other) => out.extend([tok('\\', false), tok(other, false)]),
                    None => out.push(tok('\\', false)),
                },
                '~' | '=' | '#' | '{' | '}' | ':' => out.push(tok(c, true)),
                _ => out.push(tok(c, false)),
            }
        }
    }
    out
}

/// The text of some tokens, trimmed. A source line break becomes `line_break`: a newline in a
/// question's text, a space in answers and feedback.
fn text_of(toks: &[Tok], line_break: char) -> String {
    let s: String = toks.iter().map(|t| if t.is('\n') { line_break } else { t.c }).collect();
    s.trim().to_string()
}

fn trim_toks(toks: &[Tok]) -> &[Tok] {
    let start = toks.iter().position(|t| !t.is_space()).unwrap_or(toks.len());
    let end = toks.iter().rposition(|t| !t.is_space()).map_or(start, |e| e + 1);
    &toks[start..end.max(start)]
}

fn unsupported(line: usize, what: &str) -> ImportProblem {
    ImportProblem::new(line, format!("{what} are not supported: a bank question has 4 to 6 options to choose from"))
}

fn parse_question(toks: &[Tok]) -> Result<Draft, ImportProblem> {
    let toks = trim_toks(toks);
    let line = toks.first().map_or(0, |t| t.line);
    let mut rest = toks;
    let mut title = None;
    if rest.len() >= 2 && rest[0].is(':') && rest[1].is(':') {
        let body = &rest[2..];
        let end = body.windows(2).position(|w| w[0].is(':') && w[1].is(':'));
        let Some(end) = end else {
            return Err(ImportProblem::new(line, "the title opened with `::` is not closed with `::`"));
        };
        title = Some(text_of(&body[..end], ' ')).filter(|t| !t.is_empty());
        rest = trim_toks(&body[end + 2..]);
    }
    // A text-format marker (`[markdown]`, `[html]`...) says how Moodle renders the text; gatewise
    // keeps the text as written.
    for marker in ["[html]", "[moodle]", "[plain]", "[markdown]"] {
        let n = marker.chars().count();
        if rest.len() >= n && rest[..n].iter().map(|t| t.c).eq(marker.chars()) {
            rest = &rest[n..];
            break;
        }
    }

    let Some(open) = rest.iter().position(|t| t.is('{')) else {
        return Err(ImportProblem::new(line, "no answer block `{...}`: a description is not a question"));
    };
    let open_line = rest[open].line;
    let inner_start = open + 1;
    let mut close = None;
    for (i, t) in rest.iter().enumerate().skip(inner_start) {
        if t.is('{') {
            return Err(ImportProblem::new(t.line, "`{` inside an answer block; write a literal brace as `\\{`"));
        }
        if t.is('}') {
            close = Some(i);
            break;
        }
    }
    let Some(close) = close else {
        return Err(ImportProblem::new(
            open_line,
            "the answer block is not closed with `}` (a blank line ends a question)",
        ));
    };
    if let Some(t) = rest[close + 1..].iter().find(|t| !t.is_space()) {
        return Err(ImportProblem::new(
            t.line,
            "text after the answer block (missing-word format) is not supported; put the answer block last",
        ));
    }
    let (options, explanation) = parse_answers(&rest[inner_start..close], open_line)?;
    Ok(Draft { line, title, stem: text_of(&rest[..open], '\n'), options, explanation, ..Draft::default() })
}

struct Answer {
    marker: char,
    line: usize,
    text: Vec<Tok>,
    feedback: Option<Vec<Tok>>,
}

/// The options and general feedback of an answer block.
fn parse_answers(inner: &[Tok], open_line: usize) -> Result<(Vec<DraftOption>, String), ImportProblem> {
    let inner = trim_toks(inner);
    let hashes = |at: usize| inner[at..].iter().take_while(|t| t.is('#')).count();
    match inner.first() {
        None => return Err(unsupported(open_line, "essay questions (`{}`)")),
        Some(t) if t.is('#') && hashes(0) >= 4 => return Err(unsupported(open_line, "essay questions (`{}`)")),
        Some(t) if t.is('#') => return Err(unsupported(open_line, "numeric questions (`{#...}`)")),
        Some(t) if !(t.is('=') || t.is('~')) => {
            let end = inner.iter().position(|t| t.special && t.c != '\n').unwrap_or(inner.len());
            let word = text_of(&inner[..end], ' ');
            if ["T", "TRUE", "F", "FALSE"].contains(&word.to_ascii_uppercase().as_str()) {
                return Err(unsupported(open_line, "true/false questions (`{T}`, `{F}`)"));
            }
            return Err(ImportProblem::new(
                t.line,
                format!("an answer starts with `=` (right) or `~` (wrong), found `{word}`"),
            ));
        }
        Some(_) => {}
    }

    let mut answers: Vec<Answer> = Vec::new();
    let mut general: Vec<Tok> = Vec::new();
    let mut i = 0;
    while i < inner.len() {
        let t = inner[i];
        if t.is('=') || t.is('~') {
            answers.push(Answer { marker: t.c, line: t.line, text: Vec::new(), feedback: None });
            i += 1;
            continue;
        }
        let Some(current) = answers.last_mut() else { break };
        if t.is('#') {
            match hashes(i) {
                4 => {
                    general = inner[i + 4..].to_vec();
                    break;
                }
                1 if current.feedback.is_none() => {
                    current.feedback = Some(Vec::new());
                    i += 1;
                    continue;
                }
                1 => {
                    return Err(ImportProblem::new(t.line, "a second `#` in one answer; write a literal `#` as `\\#`"));
                }
                n => {
                    return Err(ImportProblem::new(
                        t.line,
                        format!("`{}` is neither feedback (`#`) nor general feedback (`####`)", "#".repeat(n)),
                    ));
                }
            }
        }
        match &mut current.feedback {
            Some(f) => f.push(t),
            None => current.text.push(t),
        }
        i += 1;
    }

    if answers.iter().all(|a| a.marker == '=') {
        if answers.iter().any(|a| text_of(&a.text, ' ').contains("->")) {
            return Err(unsupported(open_line, "matching questions (`=a -> b`)"));
        }
        return Err(unsupported(open_line, "short-answer questions (only `=` answers)"));
    }
    let mut options = Vec::new();
    for a in answers {
        let text = text_of(&a.text, ' ');
        let (weight, text) = split_weight(&text);
        if let Some(w) = weight
            && !(-100.0..=100.0).contains(&w)
        {
            return Err(ImportProblem::new(a.line, format!("weight {w}% is outside -100% to 100%")));
        }
        options.push(DraftOption {
            line: a.line,
            text: text.to_string(),
            // `=` is right and `~` wrong unless a weight says otherwise: in multiple response every
            // answer is `~` and the positive weights are the right ones.
            correct: weight.map_or(a.marker == '=', |w| w > 0.0),
            explanation: a.feedback.map(|f| text_of(&f, ' ')).unwrap_or_default(),
        });
    }
    Ok((options, text_of(&general, ' ')))
}

/// `%50%text` is weight 50 and `text`; anything that is not `%number%` is all text.
fn split_weight(text: &str) -> (Option<f64>, &str) {
    let weighted = text.strip_prefix('%').and_then(|rest| {
        let (number, after) = rest.split_once('%')?;
        Some((number.trim().parse::<f64>().ok()?, after.trim_start()))
    });
    match weighted {
        Some((w, after)) => (Some(w), after),
        None => (None, text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_split_off_only_when_numeric() {
        assert_eq!(split_weight("%50%half"), (Some(50.0), "half"));
        assert_eq!(split_weight("%-33.333% minus"), (Some(-33.333), "minus"));
        assert_eq!(split_weight("%0%%literal"), (Some(0.0), "%literal"));
        assert_eq!(split_weight("%about% text"), (None, "%about% text"));
        assert_eq!(split_weight("100% sure"), (None, "100% sure"));
    }

    #[test]
    fn category_paths_name_their_last_part() {
        assert_eq!(category_leaf("$course$/top/Caching"), "Caching");
        assert_eq!(category_leaf("Caching/"), "Caching");
        assert_eq!(category_leaf("top/Plans//keys"), "Plans/keys");
        assert_eq!(category_leaf(" Throttling "), "Throttling");
    }
}
