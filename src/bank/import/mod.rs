//! `gatewise bank import`: turns a question file in another format (Moodle GIFT, Aiken, CSV with
//! gatewise's columns or a Kahoot or Moodle `qformat_csv` sheet, Markdown checkboxes) into native
//! questions, and writes the result as a bank directory.
//!
//! Each format module only parses: it turns its text into [`Draft`]s and reports what it cannot read.
//! The rules every user bank shares (2 to 10 options, at least one correct, valid sources and ids) and
//! the defaults for what a format lacks are applied once, in `rules`, so all formats behave alike.
//!
//! What can be represented faithfully is imported; every other item is skipped and named with its
//! line and reason, so a learner sees exactly what did not come across. Only a problem with the file
//! as a whole (unreadable header, bad options, colliding topics, nothing importable) stops the import.
mod aiken;
mod csv;
pub(in crate::bank) mod gift;
mod gift_answers;
mod kahoot;
mod markdown;
mod moodle_csv;
mod rules;
mod text;
mod write;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use super::{Domain, Level, Question, Topic};

pub use write::{WriteError, write_bank};

pub(crate) use rules::{slug, topic_from_name};

/// The difficulty given to questions whose source does not say: 2, "apply", the middle of the scale.
pub(crate) const DEFAULT_DIFFICULTY: u8 = 2;
/// Files larger than this are refused before they are read: a question bank is text, and even a very
/// large one is a few megabytes.
pub(crate) const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    Gift,
    Aiken,
    Csv,
    Markdown,
}

impl ImportFormat {
    pub const ALL: [ImportFormat; 4] =
        [ImportFormat::Gift, ImportFormat::Aiken, ImportFormat::Csv, ImportFormat::Markdown];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ImportFormat::Gift => "gift",
            ImportFormat::Aiken => "aiken",
            ImportFormat::Csv => "csv",
            ImportFormat::Markdown => "markdown",
        }
    }
}

impl FromStr for ImportFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ImportFormat::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(s)).ok_or_else(|| {
            let names: Vec<&str> = ImportFormat::ALL.iter().map(|f| f.name()).collect();
            format!("unknown import format `{s}` (known: {})", names.join(", "))
        })
    }
}

/// What the source cannot say for itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// Topic id for questions whose source names none (no GIFT `$CATEGORY`, an empty CSV `topic`).
    pub topic: String,
    /// Generated ids are `<id_prefix>-<slug of the title>` or `<id_prefix>-<NNN>`.
    pub id_prefix: String,
}

impl ImportOptions {
    /// Topic and prefix both from the file name: `My Bank.gift` gives `my-bank` (or `imported` when
    /// the name has no letters or digits).
    pub fn for_file(path: &Path) -> ImportOptions {
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let slug = slug(&stem, 40);
        let slug = if slug.is_empty() { "imported".to_string() } else { slug };
        ImportOptions { topic: slug.clone(), id_prefix: slug }
    }
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions { topic: "imported".into(), id_prefix: "imported".into() }
    }
}

/// What a problem does to the import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file as a whole cannot be imported.
    Fatal,
    /// One item is left out; the reason is a short name the summary groups by ("numerical question",
    /// "invalid question").
    Skipped(&'static str),
    /// The item is imported, but something about it changed or could not come across.
    Warning,
}

/// Reason for an item that breaks the format's or the bank's rules.
pub(crate) const INVALID: &str = "invalid question";

/// One problem in the source. `line` is 1-based; 0 means the problem is with the options, not the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    pub line: usize,
    pub message: String,
    pub kind: ProblemKind,
}

impl ImportProblem {
    /// An item that breaks the format's or the bank's rules: skipped.
    pub(crate) fn new(line: usize, message: impl Into<String>) -> Self {
        ImportProblem { line, message: message.into(), kind: ProblemKind::Skipped(INVALID) }
    }

    /// An item of a kind gatewise has no faithful form for: skipped under `reason`.
    pub(crate) fn skip(line: usize, reason: &'static str, message: impl Into<String>) -> Self {
        ImportProblem { line, message: message.into(), kind: ProblemKind::Skipped(reason) }
    }

    pub(crate) fn fatal(line: usize, message: impl Into<String>) -> Self {
        ImportProblem { line, message: message.into(), kind: ProblemKind::Fatal }
    }

    pub(crate) fn warning(line: usize, message: impl Into<String>) -> Self {
        ImportProblem { line, message: message.into(), kind: ProblemKind::Warning }
    }

    pub(crate) fn is_warning(&self) -> bool {
        self.kind == ProblemKind::Warning
    }
}

impl fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ProblemKind::Warning => write!(f, "line {}: warning: {}", self.line, self.message),
            _ => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// A converted bank: questions and the topics they use, ready for [`write_bank`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Imported {
    pub questions: Vec<Question>,
    pub topics: Vec<Topic>,
}

/// What an import produced: the questions that came across, one entry per skipped item (its first
/// line, its reason, and every problem with it joined), and the warnings about imported questions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportReport {
    pub imported: Imported,
    pub skipped: Vec<ImportProblem>,
    pub warnings: Vec<ImportProblem>,
}

impl ImportReport {
    /// Skipped items counted by reason, for the summary line.
    pub fn skipped_by_reason(&self) -> BTreeMap<&'static str, usize> {
        let mut by = BTreeMap::new();
        for p in &self.skipped {
            if let ProblemKind::Skipped(r) = p.kind {
                *by.entry(r).or_default() += 1;
            }
        }
        by
    }

    /// "N imported, M skipped (by reason), K warnings".
    pub fn summary(&self) -> String {
        let reasons: Vec<String> = self.skipped_by_reason().into_iter().map(|(r, n)| format!("{n} {r}")).collect();
        let skipped = if reasons.is_empty() { String::new() } else { format!(" ({})", reasons.join(", ")) };
        format!(
            "{} imported, {} skipped{skipped}, {}",
            self.imported.questions.len(),
            self.skipped.len(),
            crate::text::plural(self.warnings.len(), "warning")
        )
    }
}

/// Converts `text` from `format`. Faithful questions are imported and every other item is listed in
/// [`ImportReport::skipped`]; `Err` carries the problems that stop the whole file (sorted by line), so
/// a caller never writes from a file it could not read.
pub fn import(text: &str, format: ImportFormat, opts: &ImportOptions) -> Result<ImportReport, Vec<ImportProblem>> {
    // Spreadsheets and Windows editors often start UTF-8 files with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let parsed = match format {
        ImportFormat::Gift => gift::parse(text),
        ImportFormat::Aiken => aiken::parse(text),
        ImportFormat::Csv => csv::parse(text),
        ImportFormat::Markdown => markdown::parse(text),
    };
    rules::finish(parsed, opts)
}

/// Decodes a file's bytes, or says where the first byte that is not UTF-8 is: its line and its byte
/// offset in the file, so it can be found with a hex editor.
pub(crate) fn decode(bytes: &[u8]) -> Result<&str, ImportProblem> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        ImportProblem::fatal(line, format!("the file is not UTF-8 text: invalid byte at offset {at}; save it as UTF-8"))
    })
}

/// A question as a format module read it, before the shared rules and defaults.
#[derive(Debug, Default)]
pub(crate) struct Draft {
    /// Where the question starts; question-wide problems point here.
    pub line: usize,
    /// An id the source states (CSV `id`, the GIFT `// gatewise:` comment), and its line.
    pub id: Option<(String, usize)>,
    /// A title (GIFT `::title::`, a Markdown heading over a paragraph) the id is made from.
    pub title: Option<String>,
    /// Topic id; `None` takes [`ImportOptions::topic`].
    pub topic: Option<String>,
    pub domain: Option<Domain>,
    pub difficulty: Option<u8>,
    /// Exam level unless the source says otherwise (gatewise's own GIFT comment).
    pub level: Option<Level>,
    pub stem: String,
    pub options: Vec<DraftOption>,
    pub explanation: String,
    pub sources: Vec<String>,
    pub tags: Vec<String>,
    pub notes: Vec<String>,
    /// The format already reported a problem with the answer key, so "no option is marked correct"
    /// would only repeat it.
    pub answer_reported: bool,
    /// Problems with this question found while parsing: any that is not a warning skips it.
    pub problems: Vec<ImportProblem>,
}

#[derive(Debug, Default)]
pub(crate) struct DraftOption {
    pub line: usize,
    pub text: String,
    pub correct: bool,
    pub explanation: String,
}

/// A topic the source declares (a GIFT category, a CSV topic name).
#[derive(Debug, Clone)]
pub(crate) struct DeclaredTopic {
    pub id: String,
    pub title: String,
    pub order: Option<u32>,
    /// What the source called it (a GIFT category path): two different names must not share an id.
    pub name: String,
    pub line: usize,
}

/// What a format module hands back.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub drafts: Vec<Draft>,
    pub topics: Vec<DeclaredTopic>,
    /// Problems outside any question that was read: skipped items, or fatal ones.
    pub problems: Vec<ImportProblem>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_for_a_file_come_from_its_name() {
        let o = ImportOptions::for_file(Path::new("/tmp/My Bank.gift"));
        assert_eq!(o, ImportOptions { topic: "my-bank".into(), id_prefix: "my-bank".into() });
        assert_eq!(ImportOptions::for_file(Path::new("___.csv")), ImportOptions::default());
    }

    #[test]
    fn format_names_parse() {
        for f in ImportFormat::ALL {
            assert_eq!(f.name().parse::<ImportFormat>(), Ok(f));
        }
        assert!("docx".parse::<ImportFormat>().is_err());
    }

    #[test]
    fn invalid_utf8_names_its_line_and_offset() {
        let p = decode(b"ok\nline two \xff here").expect_err("not UTF-8");
        assert_eq!(p.to_string(), "line 2: the file is not UTF-8 text: invalid byte at offset 12; save it as UTF-8");
    }
}
