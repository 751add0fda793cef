//! "What next": one concrete suggestion for Home from the learner's state, chosen by a fixed
//! order of urgency so the same state always gives the same advice.
use serde::Serialize;

use crate::text::plural;

/// What the suggestion is chosen from (gathered by the caller; no clock read here).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct State {
    /// Answered and total questions of an unfinished exam.
    pub unfinished_exam: Option<(usize, usize)>,
    pub due_now: usize,
    /// Questions answered at least once.
    pub seen: usize,
    pub mocks_taken: usize,
    /// Whole days until the exam date, if one is set.
    pub exam_in_days: Option<i64>,
    /// Today's target from the exam-date plan.
    pub daily_target: Option<usize>,
    /// The weakest topic seen so far and its predicted chance.
    pub weakest: Option<(String, f64)>,
}

/// Questions seen before a first mock is worth sitting: about a quick mock's worth.
pub(crate) const SEEN_BEFORE_FIRST_MOCK: usize = 20;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub enum Suggestion {
    FinishExam {
        answered: usize,
        total: usize,
    },
    Reviews {
        due: usize,
    },
    FirstMock,
    ExamDate {
        days: i64,
        target: usize,
    },
    Weakest {
        topic: String,
        predicted: f64,
    },
    #[default]
    Start,
}

/// An unfinished exam first (its clock is waiting), then due reviews (they decay), then a
/// first mock once there is something to measure, then the exam-date target, then the
/// weakest topic; a learner with no answers yet is pointed at the notes.
pub(crate) fn suggest(s: &State) -> Suggestion {
    if let Some((answered, total)) = s.unfinished_exam {
        return Suggestion::FinishExam { answered, total };
    }
    if s.due_now > 0 {
        return Suggestion::Reviews { due: s.due_now };
    }
    if s.mocks_taken == 0 && s.seen >= SEEN_BEFORE_FIRST_MOCK {
        return Suggestion::FirstMock;
    }
    if let (Some(days), Some(target)) = (s.exam_in_days, s.daily_target) {
        return Suggestion::ExamDate { days, target };
    }
    match &s.weakest {
        Some((topic, predicted)) if s.seen > 0 => Suggestion::Weakest { topic: topic.clone(), predicted: *predicted },
        _ => Suggestion::Start,
    }
}

impl Suggestion {
    /// The sentence Home shows, naming the key that acts on it.
    pub fn text(&self) -> String {
        match self {
            Suggestion::FinishExam { answered, total } => {
                format!("Finish your exam: {answered} of {total} answered. Press 3 to resume.")
            }
            Suggestion::Reviews { due } => {
                format!("Review {} due now: press 2, then Due for review.", plural(*due, "question"))
            }
            Suggestion::FirstMock => "Take your first mock: press 3 for a quick exam (20 questions).".into(),
            Suggestion::ExamDate { days, target } => {
                format!("Exam in {}: answer {} today (press 2).", plural(*days, "day"), plural(*target, "question"))
            }
            Suggestion::Weakest { topic, predicted } => {
                format!("Weakest topic: {topic} ({:.0}% predicted). Press 2, then Weak areas.", predicted * 100.0)
            }
            Suggestion::Start => "Start with a note: press 1 for Study, then p to practise its topic.".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urgency_order() {
        let mut s = State {
            unfinished_exam: Some((3, 20)),
            due_now: 4,
            seen: 30,
            mocks_taken: 0,
            exam_in_days: Some(6),
            daily_target: Some(12),
            weakest: Some(("Caching".into(), 0.31)),
        };
        assert_eq!(suggest(&s), Suggestion::FinishExam { answered: 3, total: 20 });
        s.unfinished_exam = None;
        assert_eq!(suggest(&s), Suggestion::Reviews { due: 4 });
        s.due_now = 0;
        assert_eq!(suggest(&s), Suggestion::FirstMock);
        s.mocks_taken = 1;
        assert_eq!(suggest(&s), Suggestion::ExamDate { days: 6, target: 12 });
        s.exam_in_days = None;
        assert!(suggest(&s).text().starts_with("Weakest topic: Caching (31% predicted)"));
        assert_eq!(suggest(&State::default()), Suggestion::Start);
        assert_eq!(Suggestion::Reviews { due: 1 }.text(), "Review 1 question due now: press 2, then Due for review.");
    }
}
