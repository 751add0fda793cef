//! Moodle GIFT, read as Moodle reads it: titles, categories, comments, escapes, text-format markers,
//! per-answer and general feedback, answer weights, true/false and missing-word questions, and
//! gatewise's own `// gatewise:` comments. Question types with no faithful form here (numerical,
//! short answer, matching, essay, description) are skipped by name; answers are in `gift_answers`.
//!
//! A question is a block of lines ended by a blank line. Comment lines (`//`) are dropped anywhere,
//! except those that carry data: `// gatewise-topic: {...}` before a `$CATEGORY:` line,
//! `// gatewise: {...}` before a question (see `export::gift`), and Moodle 4's `// [id:...]` and
//! `// [tag:...]`.
use serde::{Deserialize, Serialize};

use super::gift_answers::parse_answers;
use super::text::{TextFormat, split_format, to_bank_text};
use super::{DeclaredTopic, Draft, ImportProblem, Parsed, topic_from_name};
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
pub(super) struct Tok {
    pub c: char,
    pub special: bool,
    pub line: usize,
}

impl Tok {
    pub fn is(&self, c: char) -> bool {
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
    // `lines` splits at `\n` and drops a `\r` before it, so CRLF files count lines as LF ones do.
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

pub(super) const UNCLOSED: &str = "the answer block is not closed with `}` (a blank line ends a question)";

/// Moodle 4 writes a question's id number and tags as `// [id:Q12] [tag:caching] [tag:keys]`.
fn moodle_comment(comment: &str, id: &mut Option<String>, tags: &mut Vec<String>) {
    let mut rest = comment;
    while let Some(start) = rest.find('[') {
        rest = &rest[start + 1..];
        let Some(end) = rest.find(']') else { break };
        let item = &rest[..end];
        rest = &rest[end + 1..];
        if let Some(v) = item.strip_prefix("id:").map(str::trim).filter(|v| !v.is_empty()) {
            *id = Some(v.to_string());
        } else if let Some(v) = item.strip_prefix("tag:").map(str::trim).filter(|v| !v.is_empty()) {
            // A bank tag is one word.
            tags.push(v.split_whitespace().collect::<Vec<_>>().join("-"));
        }
    }
}

/// One blank-line-separated block: categories, a question, or both.
fn parse_block(block: &[(usize, &str)], state: &mut State, out: &mut Parsed) {
    let mut question_meta: Option<(QuestionMeta, usize)> = None;
    let mut topic_meta: Option<(TopicMeta, usize)> = None;
    let mut meta_problems: Vec<ImportProblem> = Vec::new();
    let (mut moodle_id, mut moodle_tags) = (None, Vec::new());
    let mut lines: Vec<(usize, &str)> = Vec::new();
    for &(n, line) in block {
        let t = line.trim();
        if let Some(json) = t.strip_prefix(TOPIC_META) {
            match serde_json::from_str::<TopicMeta>(json) {
                Ok(m) => topic_meta = Some((m, n)),
                Err(e) => out
                    .problems
                    .push(ImportProblem::fatal(n, format!("bad `{TOPIC_META}` comment: {}", serde_message(&e)))),
            }
        } else if let Some(json) = t.strip_prefix(QUESTION_META) {
            if question_meta.is_some() {
                meta_problems
                    .push(ImportProblem::new(n, format!("a second `{QUESTION_META}` comment for one question")));
            }
            match serde_json::from_str::<QuestionMeta>(json) {
                Ok(m) => question_meta = Some((m, n)),
                Err(e) => meta_problems
                    .push(ImportProblem::new(n, format!("bad `{QUESTION_META}` comment: {}", serde_message(&e)))),
            }
        } else if let Some(comment) = t.strip_prefix("//") {
            moodle_comment(comment, &mut moodle_id, &mut moodle_tags);
        } else {
            lines.push((n, t));
        }
    }

    // Any number of `$CATEGORY:` lines may open a block; the last one holds for what follows.
    while let Some(&(n, first)) = lines.first()
        && let Some(name) = first.strip_prefix("$CATEGORY:")
    {
        lines.remove(0);
        category(name, n, topic_meta.take(), state, out);
    }
    if let Some((_, n)) = topic_meta {
        out.problems
            .push(ImportProblem::fatal(n, format!("`{TOPIC_META}` comment with no `$CATEGORY:` line after it")));
    }
    if lines.is_empty() {
        if let Some((_, n)) = question_meta {
            out.problems.push(ImportProblem::new(
                n,
                format!("`{QUESTION_META}` comment with no question after it (a blank line ends a question)"),
            ));
        }
        out.problems.append(&mut meta_problems);
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
            d.problems.append(&mut meta_problems);
            if let Some(id) = moodle_id {
                // Moodle's id number is the most stable name the question has.
                d.title = Some(id);
            }
            d.tags = moodle_tags;
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

/// A `$CATEGORY:` line: the topic for the questions after it.
fn category(name: &str, n: usize, meta: Option<(TopicMeta, usize)>, state: &mut State, out: &mut Parsed) {
    let path = category_path(name);
    let leaf = path.last().cloned().unwrap_or_default();
    // The gatewise comment states the id, so the name is only the title and may be anything.
    let topic = match meta {
        Some((m, mn)) => {
            if !valid_id(&m.id) {
                let msg = format!("topic id `{}` must be lower-case letters, digits and single hyphens", m.id);
                out.problems.push(ImportProblem::fatal(mn, msg));
            }
            Some(DeclaredTopic { id: m.id.clone(), title: leaf, order: m.order, name: m.id, line: n })
        }
        None => topic_from_name(&leaf, n).map(|mut t| {
            // Two categories with the same last part under different parents are different topics.
            t.name = path.join("/");
            t
        }),
    };
    match topic {
        Some(t) => {
            state.category = Some(t.id.clone());
            out.topics.push(t);
        }
        None => out.problems.push(ImportProblem::fatal(n, "the category has no name to make a topic from")),
    }
}

/// The parts of a Moodle category path (`$course$/top/Caching`) below its context (`$course$`,
/// `$system$`...) and Moodle's hidden `top`; `//` is a slash inside a name.
fn category_path(path: &str) -> Vec<String> {
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
    let mut parts: Vec<String> = parts.iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect();
    if parts.first().is_some_and(|p| p.len() > 2 && p.starts_with('$') && p.ends_with('$')) {
        parts.remove(0);
    }
    if parts.first().is_some_and(|p| p == "top") && parts.len() > 1 {
        parts.remove(0);
    }
    parts
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
pub(super) fn text_of(toks: &[Tok], line_break: char) -> String {
    let s: String = toks.iter().map(|t| if t.is('\n') { line_break } else { t.c }).collect();
    s.trim().to_string()
}

pub(super) fn trim_toks(toks: &[Tok]) -> &[Tok] {
    let start = toks.iter().position(|t| !t.is_space()).unwrap_or(toks.len());
    let end = toks.iter().rposition(|t| !t.is_space()).map_or(start, |e| e + 1);
    &toks[start..end.max(start)]
}

/// A text with an optional format marker, in bank text; images it names that are not in the file
/// become warnings on the question. Text with no marker is in `default`.
pub(super) fn bank_text(raw: &str, default: TextFormat, line: usize, warnings: &mut Vec<ImportProblem>) -> String {
    let (format, text) = split_format(raw);
    to_bank_text(text, format.unwrap_or(default), line, warnings)
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

    let Some(open) = rest.iter().position(|t| t.is('{')) else {
        let what = "a description (text with no answer block) is not a question";
        return Err(ImportProblem::skip(line, "description", what));
    };
    let open_line = rest[open].line;
    let mut close = None;
    for (i, t) in rest.iter().enumerate().skip(open + 1) {
        if t.is('{') {
            return Err(ImportProblem::new(t.line, "`{` inside an answer block; write a literal brace as `\\{`"));
        }
        if t.is('}') {
            close = Some(i);
            break;
        }
    }
    let Some(close) = close else {
        return Err(ImportProblem::new(open_line, UNCLOSED));
    };
    // Missing-word format, as Moodle reads it: text after the answer block puts a blank where the
    // block was.
    let before = text_of(&rest[..open], '\n');
    let after = text_of(&rest[close + 1..], '\n');
    let raw_stem = if after.is_empty() { before } else { format!("{before} _____ {after}") };
    let (format, _) = split_format(&raw_stem);
    let format = format.unwrap_or(TextFormat::Moodle);
    let mut warnings = Vec::new();
    let stem = bank_text(&raw_stem, format, line, &mut warnings);
    let answers = parse_answers(&rest[open + 1..close], open_line, format, &mut warnings)?;
    Ok(Draft {
        line,
        title,
        stem,
        options: answers.options,
        explanation: answers.general,
        problems: warnings,
        ..Draft::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_paths_drop_the_context_and_top() {
        assert_eq!(category_path("$course$/top/Caching"), ["Caching"]);
        assert_eq!(category_path("$course$/Default for X/Caching/"), ["Default for X", "Caching"]);
        assert_eq!(category_path("top/Plans//keys"), ["Plans/keys"]);
        assert_eq!(category_path(" Throttling "), ["Throttling"]);
        assert_eq!(category_path("top"), ["top"]);
    }

    #[test]
    fn moodle_4_comments_carry_id_and_tags() {
        let (mut id, mut tags) = (None, Vec::new());
        moodle_comment(" [id:Q-12] [tag:api keys] [tag:caching] note", &mut id, &mut tags);
        assert_eq!(
            (id.as_deref(), tags.as_slice()),
            (Some("Q-12"), ["api-keys".to_string(), "caching".into()].as_slice())
        );
    }
}
