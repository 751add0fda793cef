//! Which questions to practise next: due reviews, and weak areas ranked by recent accuracy and
//! predicted recall, interleaved with the services they are easily confused with.
use std::collections::HashMap;

use rand::Rng;
use rand::seq::SliceRandom;
use serde::Serialize;

use super::Millis;
use super::records::{QuestionStat, SrsCard};
use super::scheduler::{Card, Scheduler};
use crate::bank::{Bank, Domain, Question};

/// The assumed chance of answering a question never seen, stated wherever it is used.
pub const UNSEEN_PRIOR: f64 = 0.5;

/// How many recent answers count as "recent accuracy".
pub(crate) const RECENT: u32 = 5;

/// Recall is read at least this long after the last review. Right after an answer, FSRS says
/// 100% (the feedback has just shown the right option, even after a miss), which is the screen
/// talking, not memory; an exam is at the earliest tomorrow.
pub(crate) const RECALL_HORIZON_MS: Millis = super::stats::DAY_MS;

/// The smoothed accuracy of `right` answers out of `n`: (right + ½) / (n + 1), a prior of half
/// an answer right and half wrong, so one miss reads 25% and no answers read the 50% prior.
pub fn smoothed_accuracy(right: u32, n: u32) -> f64 {
    (f64::from(right) + UNSEEN_PRIOR) / (f64::from(n) + 1.0)
}

/// What is known about each question, gathered once.
pub struct Knowledge<'a> {
    pub stats: HashMap<&'a str, &'a QuestionStat>,
    pub cards: HashMap<&'a str, &'a SrsCard>,
}

impl<'a> Knowledge<'a> {
    pub fn new(stats: &'a [QuestionStat], cards: &'a [SrsCard]) -> Knowledge<'a> {
        Knowledge {
            stats: stats.iter().map(|s| (s.question_id.as_str(), s)).collect(),
            cards: cards.iter().map(|c| (c.question_id.as_str(), c)).collect(),
        }
    }

    /// Accuracy over the last few answers, if any.
    pub fn recent_accuracy(&self, id: &str) -> Option<f64> {
        let s = self.stats.get(id)?;
        let (right, n) = s.recent_results(RECENT);
        (n > 0).then(|| f64::from(right) / f64::from(n))
    }

    /// FSRS's predicted recall, read no sooner than a day after the last review.
    pub fn recall(&self, id: &str, s: &dyn Scheduler, now: Millis) -> Option<f64> {
        self.cards.get(id).map(|c| {
            let card = Card::from(*c);
            s.recall(&card, now.max(card.last_review + RECALL_HORIZON_MS))
        })
    }

    /// The predicted chance of answering right: the smoothed accuracy of the last five answers
    /// times the recall; unseen questions get the 50% prior. A multiplication, not a mean, so
    /// that a fresh miss cannot be outvoted by a recall that has not had time to decay: missed
    /// once reads at most 25%, below a question never seen.
    pub fn predicted(&self, id: &str, s: &dyn Scheduler, now: Millis) -> f64 {
        let (right, n) = self.stats.get(id).map_or((0, 0), |st| st.recent_results(RECENT));
        // Answers without a card (cram only) have not been scheduled: nothing known to decay.
        smoothed_accuracy(right, n) * self.recall(id, s, now).unwrap_or(1.0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaScore {
    pub id: String,
    pub title: String,
    pub total: usize,
    pub seen: usize,
    /// Accuracy over the recent answers of the questions seen.
    pub recent_accuracy: Option<f64>,
    /// Mean FSRS recall of the questions with a card.
    pub recall: Option<f64>,
    /// Mean predicted chance over every question in the area (unseen at the prior).
    pub predicted: f64,
}

fn mean(v: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = v.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| sum / n as f64)
}

fn score_area(id: &str, title: &str, qs: &[&Question], k: &Knowledge, s: &dyn Scheduler, now: Millis) -> AreaScore {
    AreaScore {
        id: id.to_string(),
        title: title.to_string(),
        total: qs.len(),
        seen: qs.iter().filter(|q| k.stats.contains_key(q.id.as_str())).count(),
        recent_accuracy: mean(qs.iter().filter_map(|q| k.recent_accuracy(&q.id))),
        recall: mean(qs.iter().filter_map(|q| k.recall(&q.id, s, now))),
        predicted: mean(qs.iter().map(|q| k.predicted(&q.id, s, now))).unwrap_or(UNSEEN_PRIOR),
    }
}

/// Topics, weakest first.
pub fn topic_scores(bank: &Bank, k: &Knowledge, s: &dyn Scheduler, now: Millis) -> Vec<AreaScore> {
    let mut v: Vec<AreaScore> = bank
        .topics
        .iter()
        .map(|t| score_area(&t.id, &t.title, &bank.questions_in_topic(&t.id).collect::<Vec<_>>(), k, s, now))
        .collect();
    v.sort_by(|a, b| a.predicted.total_cmp(&b.predicted).then_with(|| a.id.cmp(&b.id)));
    v
}

/// Domains, weakest first.
pub(crate) fn domain_scores(bank: &Bank, k: &Knowledge, s: &dyn Scheduler, now: Millis) -> Vec<AreaScore> {
    let mut v: Vec<AreaScore> = Domain::ALL
        .iter()
        .map(|d| {
            let qs: Vec<&Question> = bank.questions().iter().filter(|q| q.domain == Some(*d)).collect();
            score_area(d.id(), d.title(), &qs, k, s, now)
        })
        .collect();
    v.sort_by(|a, b| a.predicted.total_cmp(&b.predicted).then_with(|| a.id.cmp(&b.id)));
    v
}

/// Questions due for review at `now`, most overdue first, skipping any no longer in the bank.
/// How many questions a weak-areas session has (the app and plain mode alike).
pub(crate) const WEAK_SESSION: usize = 20;

pub fn due_queue(bank: &Bank, cards: &[SrsCard], now: Millis) -> Vec<String> {
    let mut due: Vec<&SrsCard> =
        cards.iter().filter(|c| c.due <= now && bank.question(&c.question_id).is_some()).collect();
    due.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.question_id.cmp(&b.question_id)));
    due.into_iter().map(|c| c.question_id.clone()).collect()
}

/// A weak-areas session: the weakest questions of the three weakest topics, plus questions
/// sharing a `confusable:` tag with a question answered wrongly, interleaved so look-alike
/// services alternate instead of coming in blocks.
pub fn weak_queue(
    bank: &Bank,
    k: &Knowledge,
    s: &dyn Scheduler,
    now: Millis,
    n: usize,
    rng: &mut impl Rng,
) -> Vec<String> {
    let weakest: Vec<String> = topic_scores(bank, k, s, now).into_iter().take(3).map(|a| a.id).collect();
    let missed_tags: Vec<&str> = bank
        .questions()
        .iter()
        .filter(|q| k.recent_accuracy(&q.id).is_some_and(|a| a < 1.0))
        .flat_map(|q| q.confusables())
        .collect();
    let mut pool: Vec<(&Question, f64)> = bank
        .questions()
        .iter()
        .filter(|q| weakest.contains(&q.topic) || q.confusables().any(|t| missed_tags.contains(&t)))
        .map(|q| (q, k.predicted(&q.id, s, now)))
        .collect();
    // Shuffle first so ties are broken by the seed, then weakest first.
    pool.shuffle(rng);
    pool.sort_by(|a, b| a.1.total_cmp(&b.1));
    pool.truncate(n);
    interleave(pool.into_iter().map(|(q, _)| q).collect())
}

/// Round-robin over groups of questions that share their first `confusable:` tag.
pub fn interleave(qs: Vec<&Question>) -> Vec<String> {
    let mut groups: Vec<(String, Vec<&Question>)> = Vec::new();
    for q in qs {
        let key = q.confusables().next().unwrap_or("").to_string();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, g)) => g.push(q),
            None => groups.push((key, vec![q])),
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while groups.iter().any(|(_, g)| i < g.len()) {
        for (_, g) in &groups {
            if let Some(q) = g.get(i) {
                out.push(q.id.clone());
            }
        }
        i += 1;
    }
    out
}
