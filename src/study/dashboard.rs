//! Everything the Review dashboard and `gatewise stats` show, computed from stored history.
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::Millis;
use super::exam::ExamSpec;
use super::misconceptions::BeliefStatus;
use super::plan::Plan;
use super::readiness::{Readiness, readiness};
use super::records::{DailyStat, QuestionStat, SrsCard};
use super::scheduler::{LEECH_LAPSES, Scheduler};
use super::selection::{AreaScore, Knowledge, domain_scores, topic_scores};
use super::stats::{day_of, is_mastered, streak};
use crate::bank::{Bank, Domain, Level};
use crate::clock::date;

/// Weeks of history in the accuracy chart, days in the heatmap, days of reviews ahead.
pub(crate) const WEEKS: i64 = 12;
pub(crate) const HEATMAP_DAYS: i64 = 84;
pub(crate) const DUE_DAYS: usize = 14;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Week {
    /// First day of the week (Monday), `YYYY-MM-DD`.
    pub start: String,
    pub answered: i64,
    pub correct: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mastery {
    pub id: String,
    pub title: String,
    pub mastered: usize,
    pub seen: usize,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExamPoint {
    pub submitted_at: i64,
    pub scaled: u32,
    pub percent: f64,
    pub questions: usize,
    pub label: String,
}

/// The fewest questions an exam needs to count as a mock (the quick exam's 20): fewer
/// questions say too little to plot beside a 65-question score.
pub(crate) const MOCK_MIN_QUESTIONS: usize = 20;

/// Whether an exam counts in the mock-exam trend and as Home's "Last exam": at least
/// `MOCK_MIN_QUESTIONS` drawn from every topic, so by the CLF-C02 domain weights (the full
/// and quick mocks, or a custom exam of that shape). Smaller or topic-limited exams are listed
/// apart.
pub(crate) fn is_mock(spec: &ExamSpec) -> bool {
    spec.questions >= MOCK_MIN_QUESTIONS && spec.topics.is_empty()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Missed {
    pub question_id: String,
    pub topic: String,
    pub misses: i64,
    pub answered: i64,
    pub leech: bool,
    /// The note to read instead of drilling a leech again.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// 1 unsure, 2 fairly sure, 3 sure (stored as a number; `label` is what the app says).
    pub confidence: u8,
    /// "unsure", "fairly sure" or "sure", the app's words.
    pub label: &'static str,
    pub answered: i64,
    pub correct: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    pub answered: i64,
    pub correct: i64,
    pub seen: usize,
    pub mastered: usize,
    pub total: usize,
    pub streak: u32,
    pub accuracy_by_week: Vec<Week>,
    pub mastery_by_topic: Vec<Mastery>,
    pub mastery_by_domain: Vec<Mastery>,
    /// Exam-level questions and deep dives, shown apart.
    pub mastery_by_level: Vec<Mastery>,
    /// Mock exams (see `is_mock`), oldest first: the trend.
    pub exams: Vec<ExamPoint>,
    /// Smaller or topic-limited exams, oldest first, listed apart from the trend.
    pub custom_exams: Vec<ExamPoint>,
    /// Answers per day over the last 12 weeks, oldest first (a heatmap row per week).
    pub study_days: Vec<i64>,
    pub due_next_14_days: Vec<usize>,
    pub most_missed: Vec<Missed>,
    pub calibration: Vec<Calibration>,
    pub weak_topics: Vec<AreaScore>,
    pub weak_domains: Vec<AreaScore>,
    pub readiness: Readiness,
    pub plan: Option<Plan>,
    /// Answers kept for questions no longer in the bank (counted nowhere else).
    pub removed_questions: usize,
    /// Wrong beliefs the learner's answers have shown, active ones first.
    pub misconceptions: Vec<BeliefStatus>,
}

pub struct Inputs<'a> {
    pub bank: &'a Bank,
    pub question_stats: &'a [QuestionStat],
    pub daily: &'a [DailyStat],
    pub cards: &'a [SrsCard],
    /// Every submitted exam with its spec, oldest first; `dashboard` sorts mocks from the rest.
    pub exams: Vec<(ExamSpec, ExamPoint)>,
    pub confidence: &'a [(u8, i64, i64)],
    pub plan: Option<Plan>,
    pub beliefs: Vec<BeliefStatus>,
}

pub fn dashboard(i: Inputs, s: &dyn Scheduler, now: Millis) -> Dashboard {
    let bank = i.bank;
    let live: Vec<&QuestionStat> =
        i.question_stats.iter().filter(|q| bank.question(&q.question_id).is_some()).collect();
    let k = Knowledge::new(i.question_stats, i.cards);
    let today = day_of(now);

    // Weeks start on Monday; 1970-01-01 was a Thursday.
    let week_of = |day: i64| day - (day + 3).rem_euclid(7);
    let this_week = week_of(today);
    let mut weeks: BTreeMap<i64, (i64, i64)> = (0..WEEKS).map(|w| (this_week - 7 * (WEEKS - 1 - w), (0, 0))).collect();
    let mut per_day: BTreeMap<i64, i64> = BTreeMap::new();
    for d in i.daily {
        if let Some(w) = weeks.get_mut(&week_of(d.day)) {
            w.0 += d.answered;
            w.1 += d.correct;
        }
        *per_day.entry(d.day).or_default() += d.answered;
    }
    let days: BTreeSet<i64> = per_day.iter().filter(|(_, n)| **n > 0).map(|(d, _)| *d).collect();

    let mastery = |id: &str, title: &str, qs: Vec<&crate::bank::Question>| Mastery {
        id: id.to_string(),
        title: title.to_string(),
        mastered: qs.iter().filter(|q| k.stats.get(q.id.as_str()).is_some_and(|s| is_mastered(s))).count(),
        seen: qs.iter().filter(|q| k.stats.contains_key(q.id.as_str())).count(),
        total: qs.len(),
    };

    let mut due = vec![0usize; DUE_DAYS];
    for c in i.cards.iter().filter(|c| bank.question(&c.question_id).is_some()) {
        let offset = (day_of(c.due) - today).max(0);
        if let Some(slot) = usize::try_from(offset).ok().and_then(|o| due.get_mut(o)) {
            *slot += 1;
        }
    }

    let mut missed: Vec<Missed> = live
        .iter()
        .filter(|q| q.answered > q.correct)
        .map(|q| {
            let lapses = k.cards.get(q.question_id.as_str()).map_or(0, |c| c.lapses);
            let question = bank.question(&q.question_id);
            Missed {
                question_id: q.question_id.clone(),
                topic: question.map(|x| x.topic.clone()).unwrap_or_default(),
                misses: q.answered - q.correct,
                answered: q.answered,
                leech: lapses >= LEECH_LAPSES,
                note: question.and_then(|x| x.notes.first().cloned()),
            }
        })
        .collect();
    missed.sort_by(|a, b| b.misses.cmp(&a.misses).then(a.question_id.cmp(&b.question_id)));
    missed.truncate(10);

    Dashboard {
        answered: live.iter().map(|q| q.answered).sum(),
        correct: live.iter().map(|q| q.correct).sum(),
        seen: live.len(),
        mastered: live.iter().filter(|q| is_mastered(q)).count(),
        total: bank.questions().len(),
        streak: streak(&days, today),
        accuracy_by_week: weeks
            .into_iter()
            .map(|(d, (a, c))| Week { start: date(d), answered: a, correct: c })
            .collect(),
        mastery_by_topic: bank
            .topics
            .iter()
            .map(|t| mastery(&t.id, &t.title, bank.questions_in_topic(&t.id).collect()))
            .collect(),
        mastery_by_domain: Domain::ALL
            .iter()
            .map(|d| mastery(d.id(), d.title(), bank.questions().iter().filter(|q| q.domain == Some(*d)).collect()))
            .collect(),
        mastery_by_level: Level::ALL
            .iter()
            .map(|l| mastery(l.id(), l.title(), bank.questions().iter().filter(|q| q.level == *l).collect()))
            .collect(),
        exams: i.exams.iter().filter(|(spec, _)| is_mock(spec)).map(|(_, p)| p.clone()).collect(),
        custom_exams: i.exams.iter().filter(|(spec, _)| !is_mock(spec)).map(|(_, p)| p.clone()).collect(),
        study_days: (0..HEATMAP_DAYS)
            .map(|n| per_day.get(&(today - HEATMAP_DAYS + 1 + n)).copied().unwrap_or(0))
            .collect(),
        due_next_14_days: due,
        most_missed: missed,
        calibration: i
            .confidence
            .iter()
            .map(|&(c, a, r)| Calibration {
                confidence: c,
                label: crate::text::confidence_label(c),
                answered: a,
                correct: r,
            })
            .collect(),
        weak_topics: topic_scores(bank, &k, s, now),
        weak_domains: domain_scores(bank, &k, s, now),
        readiness: readiness(bank, &k, s, now),
        plan: i.plan,
        removed_questions: i.question_stats.len() - live.len(),
        misconceptions: i.beliefs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::ContentSource;
    use crate::study::scheduler::Fsrs;
    use crate::study::stats::DAY_MS;

    #[test]
    fn only_full_sized_all_topic_exams_are_mocks() {
        assert!(is_mock(&ExamSpec::full()));
        assert!(is_mock(&ExamSpec::quick()));
        assert!(is_mock(&ExamSpec::custom(30, 40, Vec::new())));
        assert!(!is_mock(&ExamSpec::custom(2, 3, Vec::new())));
        assert!(!is_mock(&ExamSpec::custom(19, 30, Vec::new())));
        assert!(!is_mock(&ExamSpec::custom(40, 60, vec!["caching".into()])));
    }

    /// With a fake clock: the trend holds the mocks, in order, and the custom exams are apart.
    #[test]
    fn custom_exams_stay_out_of_the_trend() {
        let bank = Bank::load(&ContentSource::Embedded).expect("bank");
        let now = 1_795_564_800_000;
        let point = |at: i64, scaled: u32, q: usize| ExamPoint {
            submitted_at: at,
            scaled,
            percent: 50.0,
            questions: q,
            label: String::new(),
        };
        let exams = vec![
            (ExamSpec::quick(), point(now - 3 * DAY_MS, 640, 20)),
            (ExamSpec::custom(2, 3, Vec::new()), point(now - 2 * DAY_MS, 1000, 2)),
            (ExamSpec::custom(5, 7, Vec::new()), point(now - DAY_MS, 100, 5)),
            (ExamSpec::full(), point(now, 712, 65)),
        ];
        let d = dashboard(
            Inputs {
                bank: &bank,
                question_stats: &[],
                daily: &[],
                cards: &[],
                exams,
                confidence: &[(2, 4, 3)],
                plan: None,
                beliefs: Vec::new(),
            },
            &Fsrs::default(),
            now,
        );
        assert_eq!(d.exams.iter().map(|e| e.scaled).collect::<Vec<_>>(), vec![640, 712]);
        assert_eq!(d.custom_exams.iter().map(|e| e.questions).collect::<Vec<_>>(), vec![2, 5]);
        assert_eq!(d.calibration[0].label, "fairly sure");
    }
}
