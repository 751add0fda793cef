//! `gatewise bank import`: turns a question file in another format (Moodle GIFT, Aiken, CSV, Markdown
//! checkboxes) into native questions, reporting every problem with its line, and writes the result as
//! a bank directory.
//!
//! Each format module only parses: it turns its text into [`Draft`]s and reports what it cannot read.
//! The rules every bank shares (4 to 6 options, at least one correct, valid sources and ids) and the
//! defaults for what a format lacks are applied once, here, so all formats behave alike.
mod aiken;
mod csv;
pub(in crate::bank) mod gift;
mod markdown;
mod write;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use super::validate::{source_problem, valid_id};
use super::{AnswerOption, Domain, Kind, Level, MissingField, Question, Topic};

pub use write::{WriteError, write_bank};

/// The domain given to questions whose source does not say (GIFT, Aiken, Markdown, an empty CSV cell):
/// API Gateway is a service, and most of the exam's API Gateway questions sit in this domain.
pub const DEFAULT_DOMAIN: Domain = Domain::TechnologyServices;
/// The difficulty given to questions whose source does not say: 2, "apply", the middle of the scale.
pub const DEFAULT_DIFFICULTY: u8 = 2;

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

/// One problem in the source. `line` is 1-based; 0 means the problem is with the options, not the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    pub line: usize,
    pub message: String,
}

impl ImportProblem {
    pub(crate) fn new(line: usize, message: impl Into<String>) -> Self {
        ImportProblem { line, message: message.into() }
    }
}

impl fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// A converted bank: questions and the topics they use, ready for [`write_bank`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Imported {
    pub questions: Vec<Question>,
    pub topics: Vec<Topic>,
}

/// Converts `text` from `format`. Every problem found is returned, sorted by line; on any problem no
/// question is returned, so a caller cannot write half a bank.
pub fn import(text: &str, format: ImportFormat, opts: &ImportOptions) -> Result<Imported, Vec<ImportProblem>> {
    // Spreadsheets and Windows editors often start UTF-8 files with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let parsed = match format {
        ImportFormat::Gift => gift::parse(text),
        ImportFormat::Aiken => aiken::parse(text),
        ImportFormat::Csv => csv::parse(text),
        ImportFormat::Markdown => markdown::parse(text),
    };
    finish(parsed, opts)
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
}

/// What a format module hands back.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub drafts: Vec<Draft>,
    pub topics: Vec<DeclaredTopic>,
    pub problems: Vec<ImportProblem>,
}

/// Lower-case ASCII letters and digits joined by single hyphens, cut at a hyphen to at most `max`
/// bytes; always passes `valid_id` unless empty.
pub(crate) fn slug(text: &str, max: usize) -> String {
    let mut out = String::new();
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let word = word.to_ascii_lowercase();
        let extra = if out.is_empty() { word.len() } else { word.len() + 1 };
        if out.len() + extra > max {
            if out.is_empty() {
                out = word.chars().take(max).collect();
            }
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word);
    }
    out
}

/// A topic from a name in the source: a valid id is used as is; anything else becomes its slug, with
/// the name kept as the title.
pub(crate) fn topic_from_name(name: &str) -> Option<DeclaredTopic> {
    let name = name.trim();
    let id = if valid_id(name) { name.to_string() } else { slug(name, 40) };
    (!id.is_empty()).then(|| DeclaredTopic { id, title: name.to_string(), order: None })
}

/// Applies the shared rules and defaults to what a format module read.
fn finish(parsed: Parsed, opts: &ImportOptions) -> Result<Imported, Vec<ImportProblem>> {
    let Parsed { drafts, topics: declared, mut problems } = parsed;
    if !valid_id(&opts.topic) {
        problems.push(ImportProblem::new(0, format!("default topic `{}` is not a valid id", opts.topic)));
    }
    if !valid_id(&opts.id_prefix) {
        problems.push(ImportProblem::new(0, format!("id prefix `{}` is not a valid id", opts.id_prefix)));
    }
    if drafts.is_empty() && problems.is_empty() {
        problems.push(ImportProblem::new(1, "no questions found"));
    }
    for d in &drafts {
        check_draft(d, &mut problems);
    }
    let ids = assign_ids(&drafts, &opts.id_prefix, &mut problems);
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(problems);
    }

    let questions: Vec<Question> = drafts
        .into_iter()
        .zip(ids)
        .map(|(d, id)| {
            let correct = d.options.iter().filter(|o| o.correct).count();
            let (kind, choose) =
                if correct > 1 { (Kind::Multiple, u8::try_from(correct).ok()) } else { (Kind::Single, None) };
            let mut missing = Vec::new();
            if d.explanation.trim().is_empty() || d.options.iter().any(|o| o.explanation.trim().is_empty()) {
                missing.push(MissingField::Explanation);
            }
            if d.sources.is_empty() {
                missing.push(MissingField::Sources);
            }
            Question {
                id,
                topic: d.topic.unwrap_or_else(|| opts.topic.clone()),
                domain: d.domain.unwrap_or(DEFAULT_DOMAIN),
                difficulty: d.difficulty.unwrap_or(DEFAULT_DIFFICULTY),
                level: d.level.unwrap_or_default(),
                kind,
                choose,
                stem: d.stem,
                options: d
                    .options
                    .into_iter()
                    .map(|o| AnswerOption {
                        text: o.text,
                        correct: o.correct,
                        explanation: o.explanation,
                        misconception: None,
                    })
                    .collect(),
                explanation: d.explanation,
                sources: d.sources,
                tags: d.tags,
                notes: d.notes,
                missing,
            }
        })
        .collect();
    let topics = used_topics(&questions, &declared);
    Ok(Imported { questions, topics })
}

/// The rules `bank check` would apply, reported at the source line instead of a JSON position.
fn check_draft(d: &Draft, problems: &mut Vec<ImportProblem>) {
    let mut report = |line: usize, message: String| problems.push(ImportProblem::new(line, message));
    if d.stem.trim().is_empty() {
        report(d.line, "the question has no text".into());
    }
    let n = d.options.len();
    if !(4..=6).contains(&n) {
        report(d.line, format!("has {n} options; a question needs 4 to 6"));
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, o) in d.options.iter().enumerate() {
        let text = o.text.trim();
        if text.is_empty() {
            report(o.line, format!("option {} has no text", i + 1));
        } else if let Some(first) = seen.get(text) {
            report(o.line, format!("option {} repeats the text of option {first}", i + 1));
        } else {
            seen.insert(text, i + 1);
        }
    }
    if n > 0 && !d.answer_reported && !d.options.iter().any(|o| o.correct) {
        report(d.line, "no option is marked correct".into());
    }
    if let Some(diff) = d.difficulty.filter(|x| !(1..=3).contains(x)) {
        report(d.line, format!("difficulty must be 1, 2 or 3, found {diff}"));
    }
    for url in &d.sources {
        if let Some(msg) = source_problem(url) {
            report(d.line, msg);
        }
    }
}

/// Ids in draft order: stated ids as they are (checked and unique), then generated ones that avoid
/// every stated id and each other by a `-2`, `-3` suffix.
fn assign_ids(drafts: &[Draft], prefix: &str, problems: &mut Vec<ImportProblem>) -> Vec<String> {
    let mut stated: HashMap<&str, usize> = HashMap::new();
    for d in drafts {
        let Some((id, line)) = &d.id else { continue };
        if !valid_id(id) {
            problems.push(ImportProblem::new(
                *line,
                format!("id `{id}` must be lower-case letters, digits and single hyphens"),
            ));
        } else if let Some(first) = stated.get(id.as_str()) {
            problems.push(ImportProblem::new(*line, format!("duplicate id `{id}` (first at line {first})")));
        } else {
            stated.insert(id, *line);
        }
    }
    let mut taken: HashSet<String> = stated.keys().map(|s| (*s).to_string()).collect();
    drafts
        .iter()
        .enumerate()
        .map(|(i, d)| {
            if let Some((id, _)) = &d.id {
                return id.clone();
            }
            let title = d.title.as_deref().map(|t| slug(t, 48)).filter(|s| !s.is_empty());
            let base = match title {
                Some(t) => format!("{prefix}-{t}"),
                None => format!("{prefix}-{:03}", i + 1),
            };
            let mut id = base.clone();
            let mut n = 2;
            while taken.contains(&id) {
                id = format!("{base}-{n}");
                n += 1;
            }
            taken.insert(id.clone());
            id
        })
        .collect()
}

/// The topics the questions use, in order of first use, titled and ordered as declared where declared.
fn used_topics(questions: &[Question], declared: &[DeclaredTopic]) -> Vec<Topic> {
    let mut topics: Vec<Topic> = Vec::new();
    for q in questions {
        if topics.iter().any(|t| t.id == q.topic) {
            continue;
        }
        let decl = declared.iter().find(|t| t.id == q.topic);
        let position = u32::try_from(topics.len() + 1).unwrap_or(u32::MAX);
        topics.push(Topic {
            id: q.topic.clone(),
            title: decl.map_or_else(|| q.topic.clone(), |t| t.title.clone()),
            order: decl.and_then(|t| t.order).unwrap_or(position),
        });
    }
    topics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_valid_ids_and_cut_at_a_hyphen() {
        assert_eq!(slug("What is API Gateway's default TTL?", 48), "what-is-api-gateway-s-default-ttl");
        assert_eq!(slug("one two three", 8), "one-two");
        assert_eq!(slug("supercalifragilistic", 5), "super");
        assert_eq!(slug("¿¡!", 10), "");
        assert!(valid_id(&slug(" Mixed -- CASE_name 42 ", 40)));
    }

    #[test]
    fn topic_names_keep_valid_ids_and_slug_the_rest() {
        let t = topic_from_name("usage-plans").expect("topic");
        assert_eq!((t.id.as_str(), t.title.as_str()), ("usage-plans", "usage-plans"));
        let t = topic_from_name("Usage plans & keys").expect("topic");
        assert_eq!((t.id.as_str(), t.title.as_str()), ("usage-plans-keys", "Usage plans & keys"));
        assert!(topic_from_name("***").is_none());
    }

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
}
