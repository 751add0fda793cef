//! Spaced repetition: every question is a card scheduled by FSRS (the `fsrs` crate) behind a
//! small trait, the rating comes from the answer, and intervals are capped by the exam date.
use serde::Serialize;

use super::Millis;
use super::records::{SrsCard, SrsUpdate};
use super::stats::DAY_MS;

/// How well the learner recalled a question, in FSRS's four grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Rating {
    Again = 1,
    Hard = 2,
    Good = 3,
    Easy = 4,
}

/// An answer counts as quick when it took at most this long.
pub(crate) const QUICK_SECONDS: f64 = 20.0;

/// The rating an answer earns: wrong → Again; right but unsure (confidence 1) → Hard;
/// right, sure (confidence 3) and quick (≤ 20 s) → Easy; any other right answer → Good.
pub fn rating_for(correct: bool, confidence: Option<u8>, seconds: f64) -> Rating {
    match (correct, confidence) {
        (false, _) => Rating::Again,
        (true, Some(1)) => Rating::Hard,
        (true, Some(3)) if seconds <= QUICK_SECONDS => Rating::Easy,
        (true, _) => Rating::Good,
    }
}

/// The memory state of one question.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Card {
    pub stability: f64,
    pub difficulty: f64,
    pub due: Millis,
    pub last_review: Millis,
    pub reps: u32,
    pub lapses: u32,
}

/// A question missed this many times is a leech: it needs its note, not more drilling.
pub const LEECH_LAPSES: u32 = 6;

impl Card {
    pub fn is_leech(&self) -> bool {
        self.lapses >= LEECH_LAPSES
    }

    pub fn interval_days(&self) -> f64 {
        (self.due - self.last_review) as f64 / DAY_MS as f64
    }
}

/// Desired retention: the probability of recall the schedule aims for when a card comes due.
pub(crate) const RETENTION_DEFAULT: f64 = 0.90;
pub(crate) const RETENTION_MIN: f64 = 0.70;
pub(crate) const RETENTION_MAX: f64 = 0.97;

pub(crate) fn clamp_retention(r: f64) -> f64 {
    if r.is_finite() { r.clamp(RETENTION_MIN, RETENTION_MAX) } else { RETENTION_DEFAULT }
}

/// What a scheduler must do. The app uses FSRS; tests may use anything that keeps the contract.
pub trait Scheduler {
    /// The card after a review with `rating` at `now`.
    fn review(&self, card: Option<&Card>, rating: Rating, now: Millis, retention: f64) -> Card;
    /// The predicted probability of recalling the card at `now`.
    fn recall(&self, card: &Card, now: Millis) -> f64;
}

/// FSRS with its default parameters.
pub struct Fsrs {
    inner: fsrs::FSRS,
    decay: f32,
}

impl Default for Fsrs {
    fn default() -> Self {
        Fsrs { inner: fsrs::FSRS::default(), decay: fsrs::DEFAULT_PARAMETERS[20] }
    }
}

impl Scheduler for Fsrs {
    fn review(&self, card: Option<&Card>, rating: Rating, now: Millis, retention: f64) -> Card {
        let memory = card.map(|c| fsrs::MemoryState { stability: c.stability as f32, difficulty: c.difficulty as f32 });
        let elapsed_days = card.map_or(0, |c| u32::try_from((now - c.last_review).max(0) / DAY_MS).unwrap_or(u32::MAX));
        let retention = clamp_retention(retention) as f32;
        let (memory, interval) = match self.inner.next_states(memory, retention, elapsed_days) {
            Ok(next) => {
                let s = match rating {
                    Rating::Again => next.again,
                    Rating::Hard => next.hard,
                    Rating::Good => next.good,
                    Rating::Easy => next.easy,
                };
                (s.memory, s.interval)
            }
            // FSRS only fails on invalid parameters, which the defaults are not; keep the old
            // state and review tomorrow rather than lose the answer.
            Err(_) => (memory.unwrap_or(fsrs::MemoryState { stability: 1.0, difficulty: 5.0 }), 1.0),
        };
        // Whole days, at least one: a missed question also comes back in the same session.
        let days = f64::from(interval).round().max(1.0);
        let (reps, lapses) = card.map_or((0, 0), |c| (c.reps, c.lapses));
        Card {
            stability: f64::from(memory.stability),
            difficulty: f64::from(memory.difficulty),
            due: now + (days * DAY_MS as f64) as i64,
            last_review: now,
            reps: reps + 1,
            lapses: lapses + u32::from(rating == Rating::Again && card.is_some()),
        }
    }

    fn recall(&self, card: &Card, now: Millis) -> f64 {
        let days = ((now - card.last_review).max(0) as f64 / DAY_MS as f64) as f32;
        let state = fsrs::MemoryState { stability: card.stability as f32, difficulty: card.difficulty as f32 };
        f64::from(fsrs::current_retrievability(state, days, self.decay)).clamp(0.0, 1.0)
    }
}

/// Caps a card's due time so it comes due before the exam: at the latest the day before,
/// and never earlier than now.
pub fn cap_for_exam(mut card: Card, exam_at: Option<Millis>, now: Millis) -> Card {
    if let Some(exam) = exam_at
        && exam > now
    {
        card.due = card.due.min((exam - DAY_MS).max(now));
    }
    card
}

/// Reviews a card with the scheduler and applies the exam-date cap.
pub fn schedule(
    s: &dyn Scheduler,
    card: Option<&Card>,
    rating: Rating,
    now: Millis,
    retention: f64,
    exam_at: Option<Millis>,
) -> Card {
    cap_for_exam(s.review(card, rating, now, retention), exam_at, now)
}

/// The learner's scheduling settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SrsSettings {
    pub retention: f64,
    /// Start of the exam day (UTC), if an exam date is set.
    pub exam_at: Option<Millis>,
}

impl Default for SrsSettings {
    fn default() -> Self {
        SrsSettings { retention: RETENTION_DEFAULT, exam_at: None }
    }
}

impl From<&SrsCard> for Card {
    fn from(c: &SrsCard) -> Card {
        Card {
            stability: c.stability,
            difficulty: c.difficulty,
            due: c.due,
            last_review: c.last_review,
            reps: c.reps,
            lapses: c.lapses,
        }
    }
}

/// The stored update an answer makes to its question's card.
pub fn update_for_answer(
    s: &dyn Scheduler,
    previous: Option<&SrsCard>,
    question_id: &str,
    rating: Rating,
    now: Millis,
    settings: SrsSettings,
) -> SrsUpdate {
    let prev: Option<Card> = previous.map(Card::from);
    let card = schedule(s, prev.as_ref(), rating, now, settings.retention, settings.exam_at);
    SrsUpdate {
        card: SrsCard {
            question_id: question_id.to_string(),
            stability: card.stability,
            difficulty: card.difficulty,
            due: card.due,
            last_review: card.last_review,
            reps: card.reps,
            lapses: card.lapses,
        },
        rating: rating as u8,
        elapsed_days: prev.map_or(0.0, |p| (now - p.last_review).max(0) as f64 / DAY_MS as f64),
        scheduled_days: card.interval_days(),
    }
}
