//! Counts over a bank, for `gatewise bank stats` and the content-minimum tests.
use std::collections::BTreeMap;

use serde::Serialize;

use super::quality::{LengthCue, length_cue, tagged_share};
use super::{Bank, Kind, Level};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindCounts {
    pub single: usize,
    pub multiple: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BankStats {
    pub questions: usize,
    pub notes: usize,
    pub faq: usize,
    pub topics: usize,
    pub by_topic: BTreeMap<String, usize>,
    pub by_domain: BTreeMap<String, usize>,
    pub by_kind: KindCounts,
    pub by_difficulty: BTreeMap<String, usize>,
    pub by_level: BTreeMap<String, usize>,
    /// `exam`-level questions per CLF-C02 domain: what mock exams and readiness draw on.
    pub exam_by_domain: BTreeMap<String, usize>,
    pub length_cue: LengthCue,
    /// Entries in the misconception catalogue.
    pub misconceptions: usize,
    /// Share of distractors tagged with a misconception, per level.
    pub misconception_tagged: BTreeMap<String, f64>,
}

pub(crate) fn bank_stats(bank: &Bank) -> BankStats {
    let mut by_topic: BTreeMap<String, usize> = bank.topics.iter().map(|t| (t.id.clone(), 0)).collect();
    let mut by_domain: BTreeMap<String, usize> = super::Domain::ALL.iter().map(|d| (d.id().to_string(), 0)).collect();
    let mut by_difficulty: BTreeMap<String, usize> = (1..=3).map(|d| (d.to_string(), 0)).collect();
    let mut by_level: BTreeMap<String, usize> = Level::ALL.iter().map(|l| (l.id().to_string(), 0)).collect();
    let mut exam_by_domain: BTreeMap<String, usize> =
        super::Domain::ALL.iter().map(|d| (d.id().to_string(), 0)).collect();
    let mut by_kind = KindCounts { single: 0, multiple: 0 };
    for q in &bank.questions {
        *by_topic.entry(q.topic.clone()).or_default() += 1;
        // Imported questions may have no CLF-C02 domain; they are counted by topic only.
        if let Some(d) = q.domain {
            *by_domain.entry(d.id().to_string()).or_default() += 1;
        }
        *by_difficulty.entry(q.difficulty.to_string()).or_default() += 1;
        *by_level.entry(q.level.id().to_string()).or_default() += 1;
        if q.level == Level::Exam
            && let Some(d) = q.domain
        {
            *exam_by_domain.entry(d.id().to_string()).or_default() += 1;
        }
        match q.kind {
            Kind::Single => by_kind.single += 1,
            Kind::Multiple => by_kind.multiple += 1,
        }
    }
    BankStats {
        questions: bank.questions.len(),
        notes: bank.notes.len(),
        faq: bank.faq.len(),
        topics: bank.topics.len(),
        by_topic,
        by_domain,
        by_kind,
        by_difficulty,
        by_level,
        exam_by_domain,
        length_cue: length_cue(&bank.questions),
        misconceptions: bank.misconceptions.len(),
        misconception_tagged: tagged_share(&bank.questions),
    }
}

impl BankStats {
    /// A human-readable table.
    pub(crate) fn to_text(&self, bank: &Bank) -> String {
        use crate::text::{plural, plural_as};
        let mut s = format!(
            "{} ({} single, {} multiple response), {}, {}, {}\n\nBy topic:\n",
            plural(self.questions, "question"),
            self.by_kind.single,
            self.by_kind.multiple,
            plural(self.notes, "note"),
            plural_as(self.faq, "FAQ entry", "FAQ entries"),
            plural(self.topics, "topic")
        );
        for t in &bank.topics {
            s += &format!("  {:<44} {:>4}\n", t.title, self.by_topic.get(&t.id).copied().unwrap_or(0));
        }
        s += "\nBy CLF-C02 domain:\n";
        for d in super::Domain::ALL {
            let n = self.by_domain.get(d.id()).copied().unwrap_or(0);
            let pct = if self.questions == 0 { 0.0 } else { 100.0 * n as f64 / self.questions as f64 };
            s += &format!("  {:<44} {:>4}  ({pct:.0}%; exam weight {}%)\n", d.title(), n, d.weight_percent());
        }
        s += "\nBy level (mock exams and readiness use the exam level):\n";
        for l in Level::ALL {
            s += &format!("  {:<44} {:>4}\n", l.title(), self.by_level.get(l.id()).copied().unwrap_or(0));
        }
        s += "\nBy difficulty:\n";
        for (d, n) in &self.by_difficulty {
            s += &format!("  {d:<44} {n:>4}\n");
        }
        s += &format!("\n{}\n", self.length_cue.describe());
        if self.misconceptions > 0 {
            let tagged: Vec<String> =
                self.misconception_tagged.iter().map(|(l, x)| format!("{:.0}% at {l} level", 100.0 * x)).collect();
            s += &format!(
                "{} misconceptions catalogued; distractors tagged: {}\n",
                self.misconceptions,
                tagged.join(", ")
            );
        }
        s
    }
}
