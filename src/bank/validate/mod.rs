//! Checks a bank and reports every problem with its file, line, column and id.
use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

mod items;

use super::load::SourceFile;
use super::{Bank, FaqEntry, Misconception, MissingField, Note, Question, Topic, parse_note};
use items::{check_faq, check_misconceptions, check_question, check_text};

/// A note is read on a screen; one this large is a mistake, and laying it out would stall the app.
pub(crate) const MAX_NOTE_BYTES: usize = 256 * 1024;

/// Hosts a source URL may point at: AWS's own documentation and product pages.
pub const SOURCE_HOSTS: [&str; 3] = ["docs.aws.amazon.com", "aws.amazon.com", "d1.awsstatic.com"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    /// Reported but not failing: fields an importer flagged as missing.
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub id: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": ")?;
        if self.severity == Severity::Warning {
            write!(f, "warning: ")?;
        }
        if let Some(id) = &self.id {
            write!(f, "[{id}] ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// serde_json ends its messages with its own "at line X column Y"; positions are reported
/// separately (and relative to the whole file), so drop it.
fn serde_message(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    msg.rsplit_once(" at line ").map_or(msg.clone(), |(m, _)| m.to_string())
}

/// Maps byte offsets in one file to 1-based line and character column.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Lines { text, starts }
    }

    fn at(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let col = self.text.get(start..offset.min(self.text.len())).map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }

    /// Byte offset of serde_json's (line, byte column) inside `slice`, which starts at `base`.
    fn serde_offset(base: usize, slice: &str, line: usize, column: usize) -> usize {
        let line_start = slice.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum::<usize>();
        base + line_start + column.saturating_sub(1)
    }
}

/// Collects problems for one file.
struct Reporter<'a> {
    file: &'a SourceFile,
    lines: Lines<'a>,
    out: &'a mut Vec<Problem>,
}

impl<'a> Reporter<'a> {
    fn at(&mut self, offset: Option<usize>, id: Option<&str>, severity: Severity, message: String) {
        let (line, column) = offset.map(|o| self.lines.at(o)).unzip();
        self.out.push(Problem {
            severity,
            file: self.file.path.clone(),
            line,
            column,
            id: id.map(str::to_string),
            message,
        });
    }

    fn error(&mut self, offset: Option<usize>, id: Option<&str>, message: impl Into<String>) {
        self.at(offset, id, Severity::Error, message.into());
    }

    fn offset_of(&self, raw: &RawValue) -> usize {
        (raw.get().as_ptr() as usize).saturating_sub(self.file.text.as_ptr() as usize)
    }

    /// Parses a top-level JSON array element by element so one bad element doesn't hide the rest.
    fn elements<T: DeserializeOwned>(&mut self) -> Vec<(T, usize, &'a str)> {
        let text: &'a str = &self.file.text;
        let raws: Vec<&RawValue> = match serde_json::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                let off = Lines::serde_offset(0, text, e.line(), e.column());
                self.error(Some(off), None, format!("malformed JSON: {}", serde_message(&e)));
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for raw in raws {
            let base = self.offset_of(raw);
            match serde_json::from_str::<T>(raw.get()) {
                Ok(v) => out.push((v, base, raw.get())),
                Err(e) => {
                    let id = serde_json::from_str::<serde_json::Value>(raw.get())
                        .ok()
                        .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_string));
                    let msg = serde_message(&e);
                    // serde places "missing field" at the closing brace; the object's start is
                    // where an editor wants to be.
                    let off = if msg.starts_with("missing field") {
                        base
                    } else {
                        Lines::serde_offset(base, raw.get(), e.line(), e.column())
                    };
                    self.error(Some(off), id.as_deref(), msg);
                }
            }
        }
        out
    }
}

/// Where a question's parts are, for precise messages.
#[derive(Deserialize, Default)]
struct Spans<'a> {
    #[serde(borrow, default)]
    options: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    sources: Vec<&'a RawValue>,
}

pub(crate) fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.split('-').all(|p| !p.is_empty() && p.chars().all(id_char))
}

/// A character an id may hold: an ASCII lower-case letter or digit, or a letter or digit of another
/// script that is not upper case, so a bank imported from Russian or Greek keeps readable,
/// distinct ids.
pub(crate) fn id_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || (!c.is_ascii() && c.is_alphanumeric() && !c.is_uppercase())
}

/// Why a source URL is not acceptable, if it isn't.
pub(crate) fn source_problem(url: &str) -> Option<String> {
    let Some(rest) = url.strip_prefix("https://") else {
        return Some(format!("source {url:?} is not an https:// URL"));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if SOURCE_HOSTS.contains(&host) {
        None
    } else {
        Some(format!("source {url:?} is not on an AWS documentation domain ({})", SOURCE_HOSTS.join(", ")))
    }
}

fn place<T>(r: &Reporter, value: T, offset: usize) -> Placed<T> {
    let (line, column) = r.lines.at(offset);
    Placed { value, file: r.file.path.clone(), line, column }
}

struct PlacedNote {
    note: Note,
    file: String,
    line: usize,
    topic_line: usize,
}

struct Placed<T> {
    value: T,
    file: String,
    line: usize,
    column: usize,
}

/// Checks every file and returns the bank built from the parts that parsed, with every problem found.
pub fn check(files: &[SourceFile]) -> (Bank, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut topics: Vec<Placed<Topic>> = Vec::new();
    let mut questions: Vec<Placed<Question>> = Vec::new();
    let mut faq: Vec<Placed<FaqEntry>> = Vec::new();
    let mut catalogue: Vec<Placed<Misconception>> = Vec::new();
    let mut notes: Vec<PlacedNote> = Vec::new();
    let mut broken_notes: Vec<String> = Vec::new();
    let mut saw_topics = false;

    for file in files {
        let mut r = Reporter { file, lines: Lines::new(&file.text), out: &mut problems };
        if file.path == "content/topics.json" {
            saw_topics = true;
            for (t, off, _) in r.elements::<Topic>() {
                let p = place(&r, t, off);
                topics.push(p);
            }
        } else if file.path == "content/faq.json" {
            for (f, off, raw) in r.elements::<FaqEntry>() {
                check_faq(&mut r, &f, off, raw);
                let p = place(&r, f, off);
                faq.push(p);
            }
        } else if file.path == "content/misconceptions.json" {
            for (m, off, _) in r.elements::<Misconception>() {
                check_text(&mut r, off, &m.id, "the entry", &format!("{}{}{}", m.belief, m.correction, m.heading));
                if let Some(msg) = source_problem(&m.source) {
                    r.error(Some(off), Some(&m.id), msg);
                }
                let p = place(&r, m, off);
                catalogue.push(p);
            }
        } else if file.path.starts_with("questions/") && file.path.ends_with(".json") {
            if file.path.ends_with("schema.json") {
                continue;
            }
            for (q, off, raw) in r.elements::<Question>() {
                check_question(&mut r, &q, off, raw);
                let p = place(&r, q, off);
                questions.push(p);
            }
        } else if let Some(name) = file.path.strip_prefix("content/notes/").and_then(|n| n.strip_suffix(".md")) {
            if let Some(c) = crate::term::first_control(&file.text) {
                let off = file.text.find(c);
                r.error(
                    off,
                    Some(name),
                    format!("the note contains the control character U+{:04X}; remove it", u32::from(c)),
                );
            }
            if file.text.len() > MAX_NOTE_BYTES {
                r.error(
                    Some(0),
                    Some(name),
                    format!(
                        "the note is {} KiB; notes are capped at {} KiB",
                        file.text.len() / 1024,
                        MAX_NOTE_BYTES / 1024
                    ),
                );
            }
            match parse_note(&file.text) {
                Ok(n) => {
                    if n.id != name {
                        let off = file.text.find("id:");
                        r.error(
                            off,
                            Some(&n.id),
                            format!("note id `{}` does not match its file name `{name}.md`", n.id),
                        );
                    }
                    let line_of = |key: &str| file.text.lines().position(|l| l.starts_with(key)).map_or(1, |i| i + 1);
                    notes.push(PlacedNote {
                        file: file.path.clone(),
                        line: line_of("id:"),
                        topic_line: line_of("topic:"),
                        note: n,
                    });
                }
                Err(errs) => {
                    // Still a note: references to it are not reported a second time.
                    broken_notes.push(name.to_string());
                    for e in errs {
                        let off = r.lines.starts.get(e.line - 1).copied();
                        r.error(off, Some(name), e.message);
                    }
                }
            }
        }
    }

    if !saw_topics {
        problems.push(Problem {
            severity: Severity::Error,
            file: "content/topics.json".into(),
            line: None,
            column: None,
            id: None,
            message: "missing: every bank needs a topic list".into(),
        });
    }

    let mut push = |severity, file: &str, line, column, id: &str, message: String| {
        problems.push(Problem {
            severity,
            file: file.to_string(),
            line: Some(line),
            column: Some(column),
            id: Some(id.to_string()),
            message,
        });
    };

    // Duplicate ids: report the later one and point back at the first.
    fn dupes<T>(
        items: &[Placed<T>],
        id: impl Fn(&T) -> &str,
        what: &str,
        push: &mut impl FnMut(Severity, &str, usize, usize, &str, String),
    ) {
        let mut seen: HashMap<&str, &Placed<T>> = HashMap::new();
        for p in items {
            let key = id(&p.value);
            if let Some(first) = seen.get(key) {
                push(
                    Severity::Error,
                    &p.file,
                    p.line,
                    p.column,
                    key,
                    format!("duplicate {what} id (first at {}:{})", first.file, first.line),
                );
            } else {
                seen.insert(key, p);
            }
        }
    }
    dupes(&topics, |t| t.id.as_str(), "topic", &mut push);
    dupes(&questions, |q| q.id.as_str(), "question", &mut push);
    dupes(&faq, |f| f.id.as_str(), "FAQ", &mut push);
    dupes(&catalogue, |m| m.id.as_str(), "misconception", &mut push);
    let mut note_ids: HashMap<&str, (&str, usize)> = HashMap::new();
    for p in &notes {
        if let Some((f0, l0)) = note_ids.get(p.note.id.as_str()) {
            push(Severity::Error, &p.file, p.line, 1, &p.note.id, format!("duplicate note id (first at {f0}:{l0})"));
        } else {
            note_ids.insert(&p.note.id, (&p.file, p.line));
        }
    }

    for name in &broken_notes {
        note_ids.entry(name).or_insert(("", 0));
    }
    let topic_ids: HashSet<&str> = topics.iter().map(|t| t.value.id.as_str()).collect();
    let known_topics = || topic_ids.iter().copied().collect::<Vec<_>>().join(", ");
    // Questions and FAQ entries both name a topic and may point at notes.
    let refs = questions
        .iter()
        .map(|q| (&q.file, q.line, q.column, &q.value.id, &q.value.topic, &q.value.notes))
        .chain(faq.iter().map(|f| (&f.file, f.line, f.column, &f.value.id, &f.value.topic, &f.value.notes)));
    for (file, line, column, id, topic, note_refs) in refs {
        if saw_topics && !topic_ids.contains(topic.as_str()) {
            push(Severity::Error, file, line, column, id, format!("unknown topic `{topic}`"));
        }
        for n in note_refs.iter().filter(|n| !note_ids.contains_key(n.as_str())) {
            push(Severity::Error, file, line, column, id, format!("points at note `{n}`, which does not exist"));
        }
    }
    for p in &notes {
        if saw_topics && !topic_ids.contains(p.note.topic.as_str()) {
            push(
                Severity::Error,
                &p.file,
                p.topic_line,
                1,
                &p.note.id,
                format!("unknown topic `{}` (known: {})", p.note.topic, known_topics()),
            );
        }
    }

    check_misconceptions(&catalogue, &questions, &notes, &mut push);

    problems.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    let bank = Bank::new(
        topics.into_iter().map(|p| p.value).collect(),
        questions.into_iter().map(|p| p.value).collect(),
        notes.into_iter().map(|p| p.note).collect(),
        faq.into_iter().map(|p| p.value).collect(),
        catalogue.into_iter().map(|p| p.value).collect(),
    );
    (bank, problems)
}
