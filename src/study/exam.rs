//! The exam engine: drawing an exam from the bank by seed and domain weight, its clock
//! (time passed in; only time with the exam open counts), and scoring.
use std::collections::BTreeMap;

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::Millis;
use super::practice::grade;
use crate::bank::{Bank, Domain, Level, Question};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamSpec {
    pub questions: usize,
    pub minutes: u32,
    /// Empty: every topic.
    #[serde(default)]
    pub topics: Vec<String>,
    pub label: String,
    /// Draw questions never answered before repeats (within each domain's share), so a
    /// learner who has sat a few mocks meets new questions first. Stored specs without it
    /// drew at random.
    #[serde(default)]
    pub unseen_first: bool,
}

impl ExamSpec {
    /// The real exam's shape: 65 questions in 90 minutes.
    pub fn full() -> ExamSpec {
        ExamSpec {
            questions: 65,
            minutes: 90,
            topics: Vec::new(),
            label: "Full mock (65 questions, 90 minutes)".into(),
            unseen_first: false,
        }
    }

    /// 20 questions at the real exam's pace (90/65 minutes a question, rounded up).
    pub fn quick() -> ExamSpec {
        ExamSpec {
            questions: 20,
            minutes: 28,
            topics: Vec::new(),
            label: "Quick exam (20 questions, 28 minutes)".into(),
            unseen_first: false,
        }
    }

    pub fn custom(questions: usize, minutes: u32, topics: Vec<String>) -> ExamSpec {
        use crate::text::plural;
        let label = format!("Custom exam ({}, {})", plural(questions, "question"), plural(minutes, "minute"));
        ExamSpec { questions, minutes, topics, label, unseen_first: false }
    }

    /// The same exam, drawing unseen questions first.
    pub fn with_unseen_first(mut self, on: bool) -> ExamSpec {
        self.unseen_first = on;
        self
    }

    pub fn limit_ms(&self) -> i64 {
        i64::from(self.minutes) * 60_000
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub question_id: String,
    /// `order[display position] = file index`.
    pub order: Vec<usize>,
    /// Chosen file indices; `None` while unanswered.
    pub answer: Option<Vec<usize>>,
    pub flagged: bool,
}

impl Item {
    /// Whether this item can still be shown and scored with `q`: its stored option order is a
    /// permutation of the question's options (a question reshaped since the draw, or a damaged
    /// row, is shown as not scored instead).
    pub fn fits(&self, q: &Question) -> bool {
        let n = q.options.len();
        let mut seen = vec![false; n];
        self.order.len() == n && self.order.iter().all(|&i| i < n && !std::mem::replace(&mut seen[i], true))
    }
}

/// Where an exam question stands: what "answered" means, written once for every front end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerState {
    Unanswered,
    /// A multiple-response question with fewer picks than it asks for (scored wrong).
    Incomplete {
        picked: usize,
        need: usize,
    },
    Answered,
}

impl AnswerState {
    /// "unanswered", "incomplete (1 of 2)", "answered".
    pub fn label(self) -> String {
        match self {
            AnswerState::Unanswered => "unanswered".into(),
            AnswerState::Incomplete { picked, need } => format!("incomplete ({picked} of {need})"),
            AnswerState::Answered => "answered".into(),
        }
    }
}

impl Item {
    /// The item's state for its question (`None`: no longer in the bank).
    pub fn state(&self, q: Option<&Question>) -> AnswerState {
        match (&self.answer, q) {
            (None, _) => AnswerState::Unanswered,
            (Some(a), Some(q)) if q.kind == crate::bank::Kind::Multiple && a.len() < q.answer_count() => {
                AnswerState::Incomplete { picked: a.len(), need: q.answer_count() }
            }
            (Some(_), _) => AnswerState::Answered,
        }
    }
}

/// How many picks a question takes in an exam, written once for every front end: a single-answer
/// question exactly one; a multiple-response question at most what it asks for. Fewer is kept (the
/// item is then incomplete and scored wrong) so a learner can come back to it, as at the test
/// centre; more is refused.
pub fn accepts(q: &Question, picks: usize) -> bool {
    match q.kind {
        crate::bank::Kind::Single => picks == 1,
        crate::bank::Kind::Multiple => (1..=q.answer_count()).contains(&picks),
    }
}

/// The answer after choosing option `file_idx` on a question answered `current` so far: a single
/// answer replaces, a multiple response toggles. `None` when the pick is refused (a multiple
/// response already has as many picks as it asks for: unpick one first).
pub(crate) fn toggle_pick(q: &Question, current: &[usize], file_idx: usize) -> Option<Vec<usize>> {
    let mut chosen = current.to_vec();
    match q.kind {
        crate::bank::Kind::Single => chosen = vec![file_idx],
        crate::bank::Kind::Multiple => {
            if let Some(p) = chosen.iter().position(|&c| c == file_idx) {
                chosen.remove(p);
            } else if chosen.len() >= q.answer_count() {
                return None;
            } else {
                chosen.push(file_idx);
                chosen.sort_unstable();
            }
        }
    }
    Some(chosen)
}

/// How many items are unanswered, incomplete and flagged: what the submit confirmation states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outstanding {
    pub answered: usize,
    pub unanswered: usize,
    pub incomplete: usize,
    pub flagged: usize,
}

pub fn outstanding(bank: &Bank, items: &[Item]) -> Outstanding {
    let mut o = Outstanding::default();
    for i in items {
        match i.state(bank.question(&i.question_id)) {
            AnswerState::Unanswered => o.unanswered += 1,
            AnswerState::Incomplete { .. } => o.incomplete += 1,
            AnswerState::Answered => o.answered += 1,
        }
        o.flagged += usize::from(i.flagged);
    }
    o
}

impl Outstanding {
    /// "3 unanswered, 1 incomplete, 2 flagged" (incomplete only when there are some).
    pub fn describe(&self) -> String {
        let incomplete = if self.incomplete > 0 {
            format!(", {} incomplete (fewer picks than asked)", self.incomplete)
        } else {
            String::new()
        };
        format!("{} unanswered{incomplete}, {} flagged", self.unanswered, self.flagged)
    }
}

/// An unfinished exam read back from storage, checked once for every front end.
pub fn restore(spec_json: &str, items: Vec<Item>) -> Result<(ExamSpec, Vec<Item>), String> {
    let spec: ExamSpec =
        serde_json::from_str(spec_json).map_err(|e| format!("the stored exam's settings are damaged ({e})"))?;
    if items.is_empty() {
        return Err("the stored exam has no questions; start a new one".into());
    }
    Ok((spec, items))
}

/// How many questions of each domain a spec asks for, by the CLF-C02 weights (largest
/// remainder, so the counts add up exactly).
pub fn domain_quota(total: usize) -> Vec<(Domain, usize)> {
    let exact: Vec<(Domain, f64)> =
        Domain::ALL.iter().map(|&d| (d, total as f64 * f64::from(d.weight_percent()) / 100.0)).collect();
    let mut counts: Vec<(Domain, usize)> = exact.iter().map(|&(d, x)| (d, x.floor() as usize)).collect();
    let mut left = total - counts.iter().map(|c| c.1).sum::<usize>();
    let mut by_remainder: Vec<(usize, f64)> = exact.iter().enumerate().map(|(i, &(_, x))| (i, x - x.floor())).collect();
    by_remainder.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    for (i, _) in by_remainder {
        if left == 0 {
            break;
        }
        counts[i].1 += 1;
        left -= 1;
    }
    counts
}

/// Draws the questions of an exam: by domain weight as far as the pool allows, topped up from
/// the other domains, no question twice, order and option order shuffled, all from `seed`.
pub fn draw(bank: &Bank, spec: &ExamSpec, seed: u64) -> Vec<Item> {
    draw_with_history(bank, spec, seed, &std::collections::HashSet::new())
}

/// The questions an exam could draw (exam level, its topics) and how many of them are in
/// `seen`: what the start screen reports as "still unseen".
pub fn unseen_count(bank: &Bank, spec: &ExamSpec, seen: &std::collections::HashSet<String>) -> (usize, usize) {
    let pool: Vec<&Question> = bank.questions().iter().filter(|q| in_pool(q, spec)).collect();
    (pool.iter().filter(|q| !seen.contains(&q.id)).count(), pool.len())
}

fn in_pool(q: &Question, spec: &ExamSpec) -> bool {
    q.level == Level::Exam && (spec.topics.is_empty() || spec.topics.contains(&q.topic))
}

/// `draw`, knowing which questions the learner has answered: with `spec.unseen_first`, those
/// come after every unseen question of their domain (the same seed and history give the same
/// exam).
pub fn draw_with_history(
    bank: &Bank,
    spec: &ExamSpec,
    seed: u64,
    seen: &std::collections::HashSet<String>,
) -> Vec<Item> {
    let mut rng = StdRng::seed_from_u64(seed);
    // Mock exams measure CLF-C02 depth: deep-dive questions never fill one.
    let mut pool: Vec<&Question> = bank.questions().iter().filter(|q| in_pool(q, spec)).collect();
    // A stable starting order, so the same seed gives the same exam whatever the file order.
    pool.sort_by(|a, b| a.id.cmp(&b.id));
    pool.shuffle(&mut rng);
    if spec.unseen_first {
        // A stable sort keeps the shuffled order within the unseen and the seen.
        pool.sort_by_key(|q| seen.contains(&q.id));
    }
    let want = spec.questions.min(pool.len());
    let mut chosen: Vec<&Question> = Vec::with_capacity(want);
    // Domain weights apply to the questions that have a domain (all of the built-in bank); a user
    // bank's domain-less questions get their share of the pool, so the draw weighs what exists.
    let with_domain = pool.iter().filter(|q| q.domain.is_some()).count();
    let weighted = if with_domain == pool.len() { want } else { (want * with_domain).div_ceil(pool.len().max(1)) };
    for (domain, n) in domain_quota(weighted) {
        chosen.extend(pool.iter().filter(|q| q.domain == Some(domain)).take(n));
    }
    for q in &pool {
        if chosen.len() >= want {
            break;
        }
        if !chosen.iter().any(|c| c.id == q.id) {
            chosen.push(q);
        }
    }
    chosen.shuffle(&mut rng);
    chosen
        .into_iter()
        .map(|q| {
            let mut order: Vec<usize> = (0..q.options.len()).collect();
            order.shuffle(&mut rng);
            Item { question_id: q.id.clone(), order, answer: None, flagged: false }
        })
        .collect()
}

/// The exam clock. Time counts only between `resume` and `pause` (or the last `save`);
/// time while the app is closed does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// Time used before the current sitting.
    pub banked_ms: i64,
    /// When the current sitting's clock started, if it is running.
    pub running_since: Option<Millis>,
    pub limit_ms: i64,
}

/// Minutes-left marks at which the exam screen warns.
pub(crate) const WARNINGS_MIN: [u32; 3] = [30, 15, 5];

impl Clock {
    pub fn new(limit_ms: i64, banked_ms: i64) -> Clock {
        Clock { banked_ms, running_since: None, limit_ms }
    }

    pub fn resume(&mut self, now: Millis) {
        if self.running_since.is_none() {
            self.running_since = Some(now);
        }
    }

    pub fn pause(&mut self, now: Millis) {
        self.banked_ms = self.elapsed(now);
        self.running_since = None;
    }

    pub fn elapsed(&self, now: Millis) -> i64 {
        let running = self.running_since.map_or(0, |s| (now - s).max(0));
        (self.banked_ms + running).min(self.limit_ms)
    }

    pub fn remaining(&self, now: Millis) -> i64 {
        (self.limit_ms - self.elapsed(now)).max(0)
    }

    pub fn expired(&self, now: Millis) -> bool {
        self.remaining(now) == 0
    }

    /// The warning mark crossed between two readings, if any (only marks below the limit).
    pub fn warning_between(&self, before_ms: i64, now: Millis) -> Option<u32> {
        let left_before = self.limit_ms - before_ms;
        let left_now = self.remaining(now);
        WARNINGS_MIN.iter().copied().filter(|&m| i64::from(m) * 60_000 < self.limit_ms).find(|&m| {
            let mark = i64::from(m) * 60_000;
            left_before > mark && left_now <= mark
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    pub correct: usize,
    pub total: usize,
}

impl Tally {
    pub(crate) fn percent(&self) -> f64 {
        if self.total == 0 { 0.0 } else { 100.0 * self.correct as f64 / self.total as f64 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamResult {
    pub correct: usize,
    pub total: usize,
    pub unanswered: usize,
    pub percent: f64,
    /// Estimated on a straight line from 100 (none right) to 1000 (all right).
    pub scaled: u32,
    pub passed: bool,
    pub by_domain: BTreeMap<String, Tally>,
    pub by_topic: BTreeMap<String, Tally>,
    pub elapsed_ms: i64,
    /// Per item: was it right.
    pub item_correct: Vec<bool>,
}

pub(crate) const PASS_MARK: u32 = 700;

/// How the scaled score is estimated, shown beside every result.
pub(crate) const SCALED_NOTE: &str = "AWS does not publish how raw scores convert to the 100–1000 scale (it equates scores \
across exam forms). gatewise estimates it on a straight line, 100 + 900 × fraction correct, so 700 is about 67% \
correct here. Treat it as a rough guide, not a prediction.";

pub fn scaled_estimate(correct: usize, total: usize) -> u32 {
    if total == 0 {
        return 100;
    }
    (100.0 + 900.0 * correct as f64 / total as f64).round() as u32
}

/// Scores an exam. Multiple response is all-or-nothing; unanswered counts as wrong.
pub fn score(bank: &Bank, items: &[Item], elapsed_ms: i64) -> ExamResult {
    let mut by_domain: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_topic: BTreeMap<String, Tally> = BTreeMap::new();
    let mut item_correct = Vec::with_capacity(items.len());
    let mut scored = 0;
    for item in items {
        // A question removed from the bank since the exam was drawn cannot be graded.
        let Some(q) = bank.question(&item.question_id) else {
            item_correct.push(false);
            continue;
        };
        scored += 1;
        let ok = item.answer.as_ref().is_some_and(|a| grade(q, a).correct);
        item_correct.push(ok);
        // A domain-less question (from an imported bank) has a topic row but no domain row.
        let domain = q.domain.map(|d| (&mut by_domain, d.id().to_string()));
        for (map, key) in domain.into_iter().chain([(&mut by_topic, q.topic.clone())]) {
            let t = map.entry(key).or_insert(Tally { correct: 0, total: 0 });
            t.total += 1;
            t.correct += usize::from(ok);
        }
    }
    let correct = item_correct.iter().filter(|c| **c).count();
    let scaled = scaled_estimate(correct, scored);
    ExamResult {
        correct,
        total: scored,
        unanswered: items.iter().filter(|i| i.answer.is_none()).count(),
        percent: if scored == 0 { 0.0 } else { 100.0 * correct as f64 / scored as f64 },
        scaled,
        passed: scaled >= PASS_MARK,
        by_domain,
        by_topic,
        elapsed_ms,
        item_correct,
    }
}

/// Which questions a results review lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewFilter {
    All,
    Incorrect,
    Flagged,
    Unanswered,
}

impl ReviewFilter {
    pub fn next(self) -> ReviewFilter {
        match self {
            ReviewFilter::All => ReviewFilter::Incorrect,
            ReviewFilter::Incorrect => ReviewFilter::Flagged,
            ReviewFilter::Flagged => ReviewFilter::Unanswered,
            ReviewFilter::Unanswered => ReviewFilter::All,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReviewFilter::All => "all",
            ReviewFilter::Incorrect => "incorrect",
            ReviewFilter::Flagged => "flagged",
            ReviewFilter::Unanswered => "unanswered",
        }
    }

    pub fn admits(self, item: &Item, correct: bool) -> bool {
        match self {
            ReviewFilter::All => true,
            ReviewFilter::Incorrect => !correct,
            ReviewFilter::Flagged => item.flagged,
            ReviewFilter::Unanswered => item.answer.is_none(),
        }
    }
}
