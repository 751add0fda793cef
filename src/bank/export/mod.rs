//! `gatewise bank export`: writes questions in formats other tools read, Anki's text import and
//! Moodle GIFT. Both return the file's text; writing it (atomically) is the caller's job.
mod anki;
mod gift;

use std::str::FromStr;

use super::{Question, Topic};

pub use anki::export_anki;
pub use gift::export_gift;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Anki,
    Gift,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 2] = [ExportFormat::Anki, ExportFormat::Gift];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Anki => "anki",
            ExportFormat::Gift => "gift",
        }
    }

    /// The usual file extension, without the dot: Anki imports `.txt`, Moodle `.gift` or `.txt`.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Anki => "txt",
            ExportFormat::Gift => "gift",
        }
    }
}

impl FromStr for ExportFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ExportFormat::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(s)).ok_or_else(|| {
            let names: Vec<&str> = ExportFormat::ALL.iter().map(|f| f.name()).collect();
            format!("unknown export format `{s}` (known: {})", names.join(", "))
        })
    }
}

/// The export of `questions` in `format`; `topics` give GIFT its category names, and `bank` (the
/// bank's name) Anki its deck and note GUIDs.
pub fn export(questions: &[Question], topics: &[Topic], format: ExportFormat, bank: &str) -> String {
    match format {
        ExportFormat::Anki => export_anki(questions, bank),
        ExportFormat::Gift => export_gift(questions, topics),
    }
}
