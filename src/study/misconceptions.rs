//! Misconceptions: which catalogued wrong beliefs a learner's chosen distractors show, how often,
//! how recently, and whether a later right answer on a question testing the same belief has
//! corrected it.
use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::Millis;
use super::stats::DAY_MS;
use crate::bank::{Bank, Misconception, Question};

/// A belief shown at least this often within [`ACTIVE_WINDOW_MS`] counts as a weak area.
pub(crate) const ACTIVE_TIMES: usize = 2;
pub(crate) const ACTIVE_WINDOW_MS: Millis = 7 * DAY_MS;

/// The misconception ids of the distractors among `chosen` (file indices), in option order,
/// each once. A right answer shows none.
pub fn shown(q: &Question, chosen: &[usize]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for &i in chosen {
        if let Some(id) = q.options.get(i).filter(|o| !o.correct).and_then(|o| o.misconception.as_ref())
            && !out.contains(id)
        {
            out.push(id.clone());
        }
    }
    out
}

/// The catalogue entries for what an answer showed (unknown ids are skipped).
pub fn entries<'a>(bank: &'a Bank, q: &Question, chosen: &[usize]) -> Vec<&'a Misconception> {
    shown(q, chosen).iter().filter_map(|id| bank.misconception(id)).collect()
}

/// One recorded answer that showed beliefs.
#[derive(Debug, Clone, PartialEq)]
pub struct Slip {
    pub question_id: String,
    pub at: Millis,
    pub ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BeliefStatus {
    pub id: String,
    pub belief: String,
    pub correction: String,
    pub note: String,
    pub heading: String,
    pub source: String,
    /// How many answers showed it.
    pub times: usize,
    /// Within the last seven days.
    pub times_last_week: usize,
    pub last_at: Millis,
    /// Answered right, after the last slip, on a question whose distractors test this belief.
    pub corrected: bool,
    /// Shown twice or more in the last week and not corrected since: a weak area.
    pub active: bool,
    /// Questions whose distractors test this belief (for a drill).
    pub questions: Vec<String>,
}

/// Questions whose distractors carry each misconception id.
pub(crate) fn tested_by(bank: &Bank) -> BTreeMap<&str, Vec<&str>> {
    let mut map: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for q in bank.questions() {
        for o in q.options.iter().filter(|o| !o.correct) {
            if let Some(id) = &o.misconception {
                let v = map.entry(id.as_str()).or_default();
                if !v.contains(&q.id.as_str()) {
                    v.push(q.id.as_str());
                }
            }
        }
    }
    map
}

/// Every belief this learner has shown, the ones still active first, then by how often and how
/// recently. `last_right` is, per question, the time of its most recent right answer.
pub fn beliefs(bank: &Bank, slips: &[Slip], last_right: &HashMap<String, Millis>, now: Millis) -> Vec<BeliefStatus> {
    let tested = tested_by(bank);
    let mut seen: BTreeMap<&str, (usize, usize, Millis)> = BTreeMap::new();
    for s in slips {
        for id in &s.ids {
            let e = seen.entry(id.as_str()).or_insert((0, 0, Millis::MIN));
            e.0 += 1;
            e.1 += usize::from(now - s.at < ACTIVE_WINDOW_MS);
            e.2 = e.2.max(s.at);
        }
    }
    let mut out: Vec<BeliefStatus> = seen
        .into_iter()
        .filter_map(|(id, (times, times_last_week, last_at))| {
            let m = bank.misconception(id)?;
            let questions: Vec<String> = tested.get(id).into_iter().flatten().map(|q| (*q).to_string()).collect();
            let corrected = questions.iter().any(|q| last_right.get(q).is_some_and(|&t| t > last_at));
            Some(BeliefStatus {
                id: m.id.clone(),
                belief: m.belief.clone(),
                correction: m.correction.clone(),
                note: m.note.clone(),
                heading: m.heading.clone(),
                source: m.source.clone(),
                times,
                times_last_week,
                last_at,
                corrected,
                active: !corrected && times_last_week >= ACTIVE_TIMES,
                questions,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (b.active, !b.corrected, b.times, b.last_at)
            .cmp(&(a.active, !a.corrected, a.times, a.last_at))
            .then(a.id.cmp(&b.id))
    });
    out
}

/// The feedback lines for a belief an answer showed, worded once for every front end: the
/// belief, its correction, and where to read more.
pub fn feedback(bank: &Bank, m: &Misconception) -> [String; 3] {
    let note = bank.note(&m.note).map_or(m.note.as_str(), |n| n.title.as_str());
    [
        format!("This choice reflects a common belief: \u{201c}{}\u{201d}", m.belief),
        m.correction.clone(),
        format!("Read: {note} \u{203a} {}", m.heading),
    ]
}
