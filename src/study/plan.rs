//! The exam-date plan: days left and a daily target that covers the bank before the exam.
use serde::Serialize;

use super::Millis;
use super::records::SrsCard;
use super::scheduler::{RETENTION_DEFAULT, SrsSettings, clamp_retention};
use super::stats::{DAY_MS, day_of};
use crate::bank::Bank;
use crate::clock::{date, parse_date};

/// Settings from their stored text: retention (clamped) and the exam date.
pub(crate) fn settings_from(retention: Option<&str>, exam_date: Option<&str>) -> SrsSettings {
    let retention = retention.and_then(|r| r.parse().ok()).map_or(RETENTION_DEFAULT, clamp_retention);
    let exam_at = exam_date.and_then(parse_date).map(|d| d * DAY_MS);
    SrsSettings { retention, exam_at }
}

/// Checks an exam date typed by the learner: `YYYY-MM-DD`, after today (UTC). Returns the
/// normalised date to store.
pub(crate) fn parse_exam_date(text: &str, now: Millis) -> Result<String, String> {
    let Some(day) = parse_date(text) else {
        return Err(format!("{text:?} is not a date in the form YYYY-MM-DD"));
    };
    if day <= day_of(now) {
        return Err(format!("{text} is not in the future"));
    }
    Ok(date(day))
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub exam_date: String,
    /// Whole days from today until the exam day (0 on the day itself).
    pub days_left: i64,
    pub unseen: usize,
    pub due_now: usize,
    /// Reviews falling due between tomorrow and the day before the exam.
    pub due_before_exam: usize,
    pub new_per_day: usize,
    pub reviews_per_day: usize,
    pub daily_target: usize,
    pub retention: f64,
}

/// A plan that meets every unseen question by the day before the exam, leaving that day for
/// reviews, with the reviews already scheduled spread over the days left.
pub fn plan(bank: &Bank, cards: &[SrsCard], settings: SrsSettings, now: Millis) -> Option<Plan> {
    let exam_at = settings.exam_at?;
    let today = day_of(now);
    let exam_day = day_of(exam_at);
    let days_left = (exam_day - today).max(0);
    let seen: std::collections::HashSet<&str> = cards.iter().map(|c| c.question_id.as_str()).collect();
    let unseen = bank.questions().iter().filter(|q| !seen.contains(q.id.as_str())).count();
    let live: Vec<&SrsCard> = cards.iter().filter(|c| bank.question(&c.question_id).is_some()).collect();
    let due_now = live.iter().filter(|c| c.due <= now).count();
    let due_before_exam = live.iter().filter(|c| c.due > now && c.due < exam_at).count();
    let study_days = usize::try_from(days_left).unwrap_or(0).max(1);
    let new_days = study_days.saturating_sub(1).max(1);
    let new_per_day = unseen.div_ceil(new_days);
    let reviews_per_day = (due_now + due_before_exam).div_ceil(study_days);
    Some(Plan {
        exam_date: date(exam_day),
        days_left,
        unseen,
        due_now,
        due_before_exam,
        new_per_day,
        reviews_per_day,
        daily_target: new_per_day + reviews_per_day,
        retention: settings.retention,
    })
}

impl Plan {
    pub fn describe(&self) -> String {
        use crate::text::plural;
        let mut s = format!("Exam on {} — {} left.\n", self.exam_date, plural(self.days_left, "day"));
        s += &format!(
            "Daily target: {} ({} new + {}).\n",
            plural(self.daily_target, "question"),
            self.new_per_day,
            plural(self.reviews_per_day, "review")
        );
        s += &format!(
            "{} not yet in your review schedule; {} due now, {} more due before the exam.\n",
            plural(self.unseen, "question"),
            plural(self.due_now, "review"),
            self.due_before_exam
        );
        s += &format!(
            "Reviews are scheduled for {:.0}% recall and capped so every card you have seen comes due before the exam day.\n",
            self.retention * 100.0
        );
        s
    }
}
