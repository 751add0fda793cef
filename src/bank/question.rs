//! The question type as stored in `questions/<topic>.json`, and its small vocabularies.
use serde::{Deserialize, Serialize};

/// The four CLF-C02 content domains with their exam weights (exam guide v1.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Domain {
    CloudConcepts,
    SecurityCompliance,
    TechnologyServices,
    BillingPricingSupport,
}

impl Domain {
    pub const ALL: [Domain; 4] =
        [Domain::CloudConcepts, Domain::SecurityCompliance, Domain::TechnologyServices, Domain::BillingPricingSupport];

    /// The id used in files and JSON output.
    pub fn id(self) -> &'static str {
        match self {
            Domain::CloudConcepts => "cloud-concepts",
            Domain::SecurityCompliance => "security-compliance",
            Domain::TechnologyServices => "technology-services",
            Domain::BillingPricingSupport => "billing-pricing-support",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Domain::CloudConcepts => "Cloud Concepts",
            Domain::SecurityCompliance => "Security and Compliance",
            Domain::TechnologyServices => "Cloud Technology and Services",
            Domain::BillingPricingSupport => "Billing, Pricing, and Support",
        }
    }

    /// Share of scored content on the real exam, in percent.
    pub fn weight_percent(self) -> u32 {
        match self {
            Domain::CloudConcepts => 24,
            Domain::SecurityCompliance => 30,
            Domain::TechnologyServices => 34,
            Domain::BillingPricingSupport => 12,
        }
    }

    pub(crate) fn from_id(id: &str) -> Option<Domain> {
        Domain::ALL.into_iter().find(|d| d.id() == id)
    }
}

/// How deep a question goes. `Exam` is what CLF-C02 asks (which service, what benefit, who is
/// responsible, how it is priced); `Deep` is associate depth and beyond, a choice the learner makes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    #[default]
    Exam,
    Deep,
}

impl Level {
    pub const ALL: [Level; 2] = [Level::Exam, Level::Deep];

    pub fn id(self) -> &'static str {
        match self {
            Level::Exam => "exam",
            Level::Deep => "deep",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Level::Exam => "Exam level",
            Level::Deep => "Deep dive",
        }
    }
}

/// Which levels a learner asked for: the default is the exam level only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum LevelChoice {
    #[default]
    Exam,
    Deep,
    All,
}

impl LevelChoice {
    pub fn admits(self, level: Level) -> bool {
        match self {
            LevelChoice::Exam => level == Level::Exam,
            LevelChoice::Deep => level == Level::Deep,
            LevelChoice::All => true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Single,
    Multiple,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerOption {
    pub text: String,
    pub correct: bool,
    pub explanation: String,
    /// The catalogued wrong belief that picking this distractor shows (an id in
    /// `content/misconceptions.json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub misconception: Option<String>,
}

/// A field an importer could not fill from its source format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MissingField {
    Explanation,
    Sources,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub topic: String,
    /// The CLF-C02 domain. Every built-in question has one; an imported question has none unless its
    /// file states it, since a foreign bank's subject is rarely an exam domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<Domain>,
    pub difficulty: u8,
    #[serde(default)]
    pub level: Level,
    pub kind: Kind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choose: Option<u8>,
    pub stem: String,
    pub options: Vec<AnswerOption>,
    pub explanation: String,
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<MissingField>,
}

impl Question {
    /// How many options the learner must pick.
    pub fn answer_count(&self) -> usize {
        self.options.iter().filter(|o| o.correct).count()
    }

    /// Indices (in file order) of the correct options.
    pub fn correct_indices(&self) -> Vec<usize> {
        self.options.iter().enumerate().filter(|(_, o)| o.correct).map(|(i, _)| i).collect()
    }

    /// Services this question is contrasted with, from `confusable:<service>` tags.
    pub fn confusables(&self) -> impl Iterator<Item = &str> {
        self.tags.iter().filter_map(|t| t.strip_prefix("confusable:"))
    }
}

/// "TWO", "THREE" as the exam words it.
pub fn count_word(n: usize) -> String {
    const WORDS: [&str; 7] = ["ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX"];
    WORDS.get(n).map_or_else(|| n.to_string(), |w| (*w).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_weights_sum_to_100_and_ids_round_trip() {
        assert_eq!(Domain::ALL.iter().map(|d| d.weight_percent()).sum::<u32>(), 100);
        for d in Domain::ALL {
            assert_eq!(Domain::from_id(d.id()), Some(d));
        }
    }

    #[test]
    fn count_words() {
        assert_eq!(count_word(2), "TWO");
        assert_eq!(count_word(3), "THREE");
        assert_eq!(count_word(9), "9");
    }
}
