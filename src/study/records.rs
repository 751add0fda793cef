//! The learner's records as the study logic reads them: answer modes, a card's spaced-repetition
//! state, daily and per-question tallies. The store persists these; study owns their meaning.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    Practice,
    Exam,
    /// Practice that must not change the spaced-repetition schedule.
    Cram,
    Lab,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Practice => "practice",
            Mode::Exam => "exam",
            Mode::Cram => "cram",
            Mode::Lab => "lab",
        }
    }

    /// The mode from its stored name (an unknown name reads as practice).
    pub fn parse(s: &str) -> Mode {
        match s {
            "exam" => Mode::Exam,
            "cram" => Mode::Cram,
            "lab" => Mode::Lab,
            _ => Mode::Practice,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SrsCard {
    pub question_id: String,
    pub stability: f64,
    pub difficulty: f64,
    pub due: i64,
    pub last_review: i64,
    pub reps: u32,
    pub lapses: u32,
}

/// A review to record: the card's new state and how it got there.
#[derive(Debug, Clone, PartialEq)]
pub struct SrsUpdate {
    pub card: SrsCard,
    pub rating: u8,
    pub elapsed_days: f64,
    pub scheduled_days: f64,
}

/// One day's answers in one mode at one confidence level (0 = not given).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DailyStat {
    pub day: i64,
    pub mode: Mode,
    pub confidence: u8,
    pub answered: i64,
    pub correct: i64,
    pub seconds: f64,
}

/// Everything answered on one question so far.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionStat {
    pub bank: String,
    pub question_id: String,
    pub answered: i64,
    pub correct: i64,
    pub last_at: i64,
    pub last_correct: bool,
    /// Bit i is the result of the i-th most recent attempt (up to 16).
    pub recent: u16,
}

impl QuestionStat {
    /// How many of the last `n` (≤ 16) attempts were right, and how many there were.
    pub fn recent_results(&self, n: u32) -> (u32, u32) {
        let n = n.min(16).min(u32::try_from(self.answered).unwrap_or(16));
        let mask = if n == 16 { u16::MAX } else { (1u16 << n) - 1 };
        ((self.recent & mask).count_ones(), n)
    }
}
