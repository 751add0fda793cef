//! The content: questions, notes, FAQ and topics; loading them (embedded or from a directory) and
//! checking them.
pub mod export;
mod faq;
pub mod import;
mod load;
mod misconception;
mod note;
pub mod quality;
mod question;
pub mod stats;
mod validate;

use std::collections::HashMap;

pub use faq::{FaqEntry, Topic};
pub use load::{ContentSource, LoadError, SourceFile, read_source};
pub use misconception::{Misconception, note_headings, plain_heading};
pub use note::{FrontMatterError, Note, parse_note};
pub use question::{AnswerOption, Domain, Kind, Level, LevelChoice, MissingField, Question, count_word};
pub use validate::{Problem, SOURCE_HOSTS, Severity, check};

/// A loaded bank. Built only through [`Bank::load`] or [`check`], so ids are unique and
/// every cross-reference resolves.
#[derive(Debug, Clone, Default)]
pub struct Bank {
    pub topics: Vec<Topic>,
    /// Private: the id index below must stay in step with it (see [`Bank::questions`]).
    questions: Vec<Question>,
    pub notes: Vec<Note>,
    pub faq: Vec<FaqEntry>,
    /// Empty for banks without a catalogue (imported banks).
    pub misconceptions: Vec<Misconception>,
    by_id: HashMap<String, usize>,
}

impl Bank {
    /// The questions in file order. Read-only: the id index is built once with them.
    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    fn new(
        mut topics: Vec<Topic>,
        questions: Vec<Question>,
        mut notes: Vec<Note>,
        faq: Vec<FaqEntry>,
        misconceptions: Vec<Misconception>,
    ) -> Bank {
        topics.sort_by_key(|t| t.order);
        let topic_order: HashMap<&str, u32> = topics.iter().map(|t| (t.id.as_str(), t.order)).collect();
        notes.sort_by_key(|n| (topic_order.get(n.topic.as_str()).copied().unwrap_or(u32::MAX), n.order));
        let by_id = questions.iter().enumerate().map(|(i, q)| (q.id.clone(), i)).collect();
        Bank { topics, questions, notes, faq, misconceptions, by_id }
    }

    /// Loads and checks a bank; any problem is an error listing all of them.
    pub fn load(source: &ContentSource) -> Result<Bank, LoadError> {
        let files = read_source(source)?;
        let (bank, mut problems) = check(&files);
        problems.retain(|p| p.severity == Severity::Error);
        if problems.is_empty() { Ok(bank) } else { Err(LoadError::Invalid { origin: source.describe(), problems }) }
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.by_id.get(id).map(|&i| &self.questions[i])
    }

    pub fn misconception(&self, id: &str) -> Option<&Misconception> {
        self.misconceptions.iter().find(|m| m.id == id)
    }

    pub fn note(&self, id: &str) -> Option<&Note> {
        self.notes.iter().find(|n| n.id == id)
    }

    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }

    pub(crate) fn topic_title<'a>(&'a self, id: &'a str) -> &'a str {
        self.topic(id).map_or(id, |t| t.title.as_str())
    }

    pub fn questions_in_topic<'a>(&'a self, topic: &'a str) -> impl Iterator<Item = &'a Question> + 'a {
        self.questions.iter().filter(move |q| q.topic == topic)
    }
}
