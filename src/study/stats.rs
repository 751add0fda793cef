//! Progress figures computed from stored history (passed in), for Home and the Review dashboard.
use std::collections::BTreeSet;

use serde::Serialize;

use super::Millis;
use super::records::{DailyStat, QuestionStat};
use crate::bank::Bank;

pub const DAY_MS: i64 = 86_400_000;

/// Days since the Unix epoch (UTC) of a time.
pub(crate) fn day_of(t: Millis) -> i64 {
    t.div_euclid(DAY_MS)
}

/// A question counts as mastered once its last three answers were all right.
pub(crate) fn is_mastered(s: &QuestionStat) -> bool {
    s.answered >= 3 && s.recent & 0b111 == 0b111
}

/// Progress at a glance, for the Home screen.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Glance {
    /// Questions in the bank answered at least once.
    pub seen: usize,
    pub mastered: usize,
    pub total: usize,
    pub answered: i64,
    pub correct: i64,
    /// Consecutive study days ending today (or yesterday, if nothing yet today).
    pub streak: u32,
}

impl Glance {
    pub(crate) fn accuracy(&self) -> Option<f64> {
        (self.answered > 0).then(|| 100.0 * self.correct as f64 / self.answered as f64)
    }
}

/// Only questions still in the bank count: history of removed questions is kept but skipped.
pub fn glance(bank: &Bank, per_question: &[QuestionStat], daily: &[DailyStat], now: Millis) -> Glance {
    let live: Vec<&QuestionStat> = per_question.iter().filter(|s| bank.question(&s.question_id).is_some()).collect();
    let days: BTreeSet<i64> = daily.iter().filter(|d| d.answered > 0).map(|d| d.day).collect();
    Glance {
        seen: live.len(),
        mastered: live.iter().filter(|s| is_mastered(s)).count(),
        total: bank.questions().len(),
        answered: live.iter().map(|s| s.answered).sum(),
        correct: live.iter().map(|s| s.correct).sum(),
        streak: streak(&days, day_of(now)),
    }
}

/// Length of the run of consecutive days that ends today, or yesterday when today has none yet.
pub fn streak(days: &BTreeSet<i64>, today: i64) -> u32 {
    let mut d = if days.contains(&today) { today } else { today - 1 };
    let mut n = 0;
    while days.contains(&d) {
        n += 1;
        d -= 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streak_counts_back_from_today_or_yesterday() {
        let days: BTreeSet<i64> = [7, 8, 9, 11].into_iter().collect();
        assert_eq!(streak(&days, 11), 1);
        assert_eq!(streak(&days, 12), 1);
        assert_eq!(streak(&days, 10), 3);
        assert_eq!(streak(&days, 13), 0);
    }
}
