//! Practice: choosing questions, shuffling their options, grading an answer, and the session.
use rand::Rng;
use rand::seq::SliceRandom;
use serde::Serialize;

use super::Millis;
use crate::bank::{Bank, Domain, Kind, LevelChoice, Question};

/// Which questions a practice session draws from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    Mixed,
    Topics(Vec<String>),
    Domain(Domain),
    /// Exactly these questions, in this order (due reviews, weak areas, drills), with a label.
    Ids(String, Vec<String>),
}

impl Filter {
    pub fn describe(&self, bank: &Bank) -> String {
        match self {
            Filter::Mixed => "mixed".into(),
            Filter::Topics(t) => t.iter().map(|t| bank.topic_title(t)).collect::<Vec<_>>().join(", "),
            Filter::Domain(d) => d.title().into(),
            Filter::Ids(label, _) => label.clone(),
        }
    }

    fn admits(&self, q: &Question) -> bool {
        match self {
            Filter::Mixed | Filter::Ids(..) => true,
            Filter::Topics(t) => t.contains(&q.topic),
            Filter::Domain(d) => q.domain == Some(*d),
        }
    }
}

/// The questions a filter selects at the chosen level, shuffled (except `Ids`, which keeps its
/// order and ignores the level: those questions were picked one by one).
pub(crate) fn build_queue(bank: &Bank, filter: &Filter, level: LevelChoice, rng: &mut impl Rng) -> Vec<String> {
    if let Filter::Ids(_, ids) = filter {
        return ids.iter().filter(|id| bank.question(id).is_some()).cloned().collect();
    }
    let mut ids: Vec<String> =
        bank.questions().iter().filter(|q| filter.admits(q) && level.admits(q.level)).map(|q| q.id.clone()).collect();
    ids.shuffle(rng);
    ids
}

/// How many questions a filter offers at a level (what a set-up screen shows next to it).
pub fn count(bank: &Bank, filter: &Filter, level: LevelChoice) -> usize {
    bank.questions().iter().filter(|q| filter.admits(q) && level.admits(q.level)).count()
}

/// A practice choice as it is labelled and queued: deep dives and mixed levels say so in the
/// session's label, so history and summaries tell them apart from exam-level practice.
pub fn choose(bank: &Bank, filter: Filter, level: LevelChoice, rng: &mut impl Rng) -> (Filter, Vec<String>) {
    let queue = build_queue(bank, &filter, level, rng);
    let filter = match level {
        LevelChoice::Exam => filter,
        LevelChoice::Deep => Filter::Ids(format!("deep dive: {}", filter.describe(bank)), queue.clone()),
        LevelChoice::All => Filter::Ids(format!("{} (all levels)", filter.describe(bank)), queue.clone()),
    };
    (filter, queue)
}

/// A question as shown: `order[display position] = index in the file`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Presented {
    pub id: String,
    pub order: Vec<usize>,
}

impl Presented {
    pub fn new(q: &Question, rng: &mut impl Rng) -> Presented {
        let mut order: Vec<usize> = (0..q.options.len()).collect();
        order.shuffle(rng);
        Presented { id: q.id.clone(), order }
    }

    /// File indices of the options chosen at these display positions.
    pub(crate) fn to_file_indices(&self, display: &[usize]) -> Vec<usize> {
        let mut v: Vec<usize> = display.iter().filter_map(|&d| self.order.get(d).copied()).collect();
        v.sort_unstable();
        v
    }
}

/// The outcome of one answer. Multiple response is all-or-nothing, as on the exam.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grade {
    pub correct: bool,
    /// Correct options the learner did not choose (file indices).
    pub missed: Vec<usize>,
    /// Options chosen that are wrong (file indices).
    pub wrong: Vec<usize>,
}

pub fn grade(q: &Question, chosen: &[usize]) -> Grade {
    let key = q.correct_indices();
    let missed: Vec<usize> = key.iter().copied().filter(|i| !chosen.contains(i)).collect();
    let mut wrong: Vec<usize> = chosen.iter().copied().filter(|i| !key.contains(i)).collect();
    wrong.sort_unstable();
    wrong.dedup();
    Grade { correct: missed.is_empty() && wrong.is_empty(), missed, wrong }
}

/// Whether a selection can be submitted: one option for single answer, exactly the stated
/// number for multiple response (the exam does not accept more or fewer).
pub(crate) fn ready_to_submit(q: &Question, selected: usize) -> bool {
    match q.kind {
        Kind::Single => selected == 1,
        Kind::Multiple => selected == q.answer_count(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answered {
    pub id: String,
    pub topic: String,
    pub correct: bool,
    pub seconds: f64,
}

/// One practice session: a queue, the answers so far, and missed questions coming back.
#[derive(Debug, Clone)]
pub struct Session {
    pub filter: Filter,
    pub queue: Vec<String>,
    pub pos: usize,
    pub answered: Vec<Answered>,
    pub started_at: Millis,
    /// Missed questions come back this many questions later in the same session.
    pub requeue_gap: usize,
}

impl Session {
    pub fn new(filter: Filter, queue: Vec<String>, started_at: Millis) -> Session {
        Session { filter, queue, pos: 0, answered: Vec::new(), started_at, requeue_gap: 5 }
    }

    pub fn current(&self) -> Option<&str> {
        self.queue.get(self.pos).map(String::as_str)
    }

    pub(crate) fn is_finished(&self) -> bool {
        self.pos >= self.queue.len()
    }

    /// Records an answer to the current question. A miss is put back a few questions on
    /// (once per question per session), so it is seen again while the explanation is fresh.
    /// Returns whether it was put back.
    pub fn record(&mut self, q: &Question, correct: bool, seconds: f64) -> bool {
        self.answered.push(Answered { id: q.id.clone(), topic: q.topic.clone(), correct, seconds });
        let already_requeued = self.queue[self.pos + 1..].contains(&q.id);
        if !correct && !already_requeued && self.answered.iter().filter(|a| a.id == q.id).count() == 1 {
            let at = (self.pos + 1 + self.requeue_gap).min(self.queue.len());
            self.queue.insert(at, q.id.clone());
            return true;
        }
        false
    }

    pub fn advance(&mut self) {
        self.pos = (self.pos + 1).min(self.queue.len());
    }

    pub fn summary(&self, bank: &Bank, now: Millis) -> Summary {
        let correct = self.answered.iter().filter(|a| a.correct).count();
        let mut revisit: Vec<(String, usize)> = Vec::new();
        for a in self.answered.iter().filter(|a| !a.correct) {
            match revisit.iter_mut().find(|(t, _)| *t == a.topic) {
                Some((_, n)) => *n += 1,
                None => revisit.push((a.topic.clone(), 1)),
            }
        }
        revisit.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Summary {
            answered: self.answered.len(),
            correct,
            seconds: ((now - self.started_at).max(0) as f64) / 1000.0,
            revisit: revisit.into_iter().map(|(t, n)| (bank.topic_title(&t).to_string(), n)).collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub answered: usize,
    pub correct: usize,
    pub seconds: f64,
    /// Topic titles with the number of misses, most missed first.
    pub revisit: Vec<(String, usize)>,
}

impl Summary {
    pub(crate) fn percent(&self) -> f64 {
        if self.answered == 0 { 0.0 } else { 100.0 * self.correct as f64 / self.answered as f64 }
    }
}
