//! Between the screens or commands and the layers below: gathers stored history for the pure
//! study logic, and records answers with their scheduling in one step. Used by the TUI, the
//! CLI and plain mode alike, so they score and store the same way.
use crate::bank::{Bank, Question};
use crate::store::{Db, ExamItemRow, ExamRow, Mode, NewAttempt, StoreError};
use crate::store::{Schedule, SrsCard};
use crate::study::Millis;
use crate::study::dashboard::{Dashboard, ExamPoint, Inputs, dashboard, is_mock};
use crate::study::exam::{ExamResult, ExamSpec, Item, score};
use crate::study::misconceptions::{BeliefStatus, Slip, beliefs, shown};
use crate::study::plan::plan;
use crate::study::practice::grade;
use crate::study::scheduler::{Scheduler, SrsSettings, rating_for, update_for_answer};

pub fn load_dashboard(
    db: &Db,
    bank: &Bank,
    bank_name: &str,
    s: &dyn Scheduler,
    now: Millis,
) -> Result<Dashboard, StoreError> {
    let stats = db.question_stats(bank_name)?;
    let daily = db.daily_stats(bank_name, 0)?;
    let cards = db.srs_cards(bank_name)?;
    let confidence = db.confidence_totals(bank_name)?;
    let exams = db
        .exam_history(bank_name)?
        .into_iter()
        .filter_map(|e| {
            let r: ExamResult = serde_json::from_str(e.result.as_deref()?).ok()?;
            let spec: ExamSpec = serde_json::from_str(&e.spec).ok()?;
            let point = ExamPoint {
                submitted_at: e.submitted_at.unwrap_or(e.created_at),
                scaled: r.scaled,
                percent: r.percent,
                questions: spec.questions,
                label: spec.label.clone(),
            };
            Some((spec, point))
        })
        .collect();
    let settings = crate::settings::srs(db)?;
    let plan = plan(bank, &cards, settings, now);
    Ok(dashboard(
        Inputs {
            bank,
            question_stats: &stats,
            daily: &daily,
            cards: &cards,
            exams,
            confidence: &confidence,
            plan,
            beliefs: load_beliefs(db, bank, bank_name, now)?,
        },
        s,
        now,
    ))
}

/// Mock exams' results (see `is_mock`), newest first, for Home's "Last exam"; custom exams of
/// a few questions are not a measure of readiness.
pub(crate) fn mock_results(db: &Db, bank_name: &str) -> Result<Vec<ExamResult>, StoreError> {
    Ok(db
        .exam_results_newest_first(bank_name)?
        .into_iter()
        .filter_map(|(spec, result)| {
            let spec: ExamSpec = serde_json::from_str(&spec).ok()?;
            is_mock(&spec).then(|| serde_json::from_str(&result).ok()).flatten()
        })
        .collect())
}

/// Questions of a bank answered at least once (for drawing an exam unseen-first).
pub(crate) fn seen_ids(db: &Db, bank_name: &str) -> Result<std::collections::HashSet<String>, StoreError> {
    Ok(db.question_stats(bank_name)?.into_iter().map(|s| s.question_id).collect())
}

/// Home's "what next" from the stored state.
pub(crate) fn what_next(
    db: &Db,
    bank: &Bank,
    bank_name: &str,
    s: &dyn Scheduler,
    now: Millis,
    home: crate::study::next::State,
) -> Result<crate::study::next::Suggestion, StoreError> {
    use crate::study::selection::{Knowledge, topic_scores};
    let stats = db.question_stats(bank_name)?;
    let cards = db.srs_cards(bank_name)?;
    let k = Knowledge::new(&stats, &cards);
    let weakest = topic_scores(bank, &k, s, now).into_iter().find(|a| a.seen > 0).map(|a| (a.title, a.predicted));
    let settings = crate::settings::srs(db)?;
    let plan = plan(bank, &cards, settings, now);
    let state = crate::study::next::State {
        weakest,
        exam_in_days: plan.as_ref().map(|p| p.days_left),
        daily_target: plan.map(|p| p.daily_target),
        ..home
    };
    Ok(crate::study::next::suggest(&state))
}

/// The beliefs this learner's answers have shown, active ones first.
pub(crate) fn load_beliefs(
    db: &Db,
    bank: &Bank,
    bank_name: &str,
    now: Millis,
) -> Result<Vec<BeliefStatus>, StoreError> {
    let slips: Vec<Slip> = db
        .misconception_slips(bank_name)?
        .into_iter()
        .map(|(question_id, at, ids)| Slip { question_id, at, ids })
        .collect();
    let last_right = db.last_right_answers(bank_name)?.into_iter().collect();
    Ok(beliefs(bank, &slips, &last_right, now))
}

/// What a learner asked to practise, from the set-up screen or the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PracticeChoice {
    /// Questions due for review, oldest first.
    Due,
    /// The weakest areas, look-alike services interleaved.
    Weak,
    /// Mixed, a domain or topics, at a level.
    Pick(crate::study::practice::Filter, crate::bank::LevelChoice),
}

/// The queue for a practice choice and the label it is stored under: one builder for every front
/// end, so `gatewise practice --due` and the app's "Due for review" row give the same session.
pub fn practice_queue(
    db: &Db,
    bank: &Bank,
    bank_name: &str,
    choice: PracticeChoice,
    s: &dyn Scheduler,
    now: Millis,
    rng: &mut impl rand::Rng,
) -> Result<(crate::study::practice::Filter, Vec<String>), StoreError> {
    use crate::study::practice::{Filter, choose};
    use crate::study::selection::{Knowledge, WEAK_SESSION, due_queue, weak_queue};
    Ok(match choice {
        PracticeChoice::Due => {
            let q = due_queue(bank, &db.srs_cards(bank_name)?, now);
            (Filter::Ids("due for review".into(), q.clone()), q)
        }
        PracticeChoice::Weak => {
            let (stats, cards) = (db.question_stats(bank_name)?, db.srs_cards(bank_name)?);
            let q = weak_queue(bank, &Knowledge::new(&stats, &cards), s, now, WEAK_SESSION, rng);
            (Filter::Ids("weak areas".into(), q.clone()), q)
        }
        PracticeChoice::Pick(filter, level) => choose(bank, filter, level, rng),
    })
}

/// How many questions are due now (what the set-up screen and Home show).
pub fn due_now(db: &Db, bank: &Bank, bank_name: &str, now: Millis) -> Result<usize, StoreError> {
    Ok(crate::study::selection::due_queue(bank, &db.srs_cards(bank_name)?, now).len())
}

/// One answer as the learner gave it.
pub struct Answer<'a> {
    pub question: &'a Question,
    /// Chosen option indices in file order.
    pub chosen: &'a [usize],
    pub confidence: Option<u8>,
    pub seconds: f64,
    pub mode: Mode,
    pub session_id: Option<i64>,
}

/// What recording an answer did.
pub struct Recorded {
    pub correct: bool,
    pub attempt_id: i64,
    /// Days until the question comes back (not for cram).
    pub next_in_days: Option<f64>,
    pub lapses: u32,
}

/// Grades an answer and commits it (and, unless cram, the card's new schedule) in one
/// transaction. Only when this returns may the learner see the feedback.
pub fn record(
    db: &mut Db,
    bank_name: &str,
    s: &dyn Scheduler,
    settings: SrsSettings,
    a: &Answer,
    now: Millis,
) -> Result<Recorded, StoreError> {
    let correct = grade(a.question, a.chosen).correct;
    let misconceptions = shown(a.question, a.chosen);
    let rating = rating_for(correct, a.confidence, a.seconds);
    let schedule = |prev: Option<&SrsCard>| update_for_answer(s, prev, &a.question.id, rating, now, settings);
    let attempt = NewAttempt {
        bank: bank_name,
        question_id: &a.question.id,
        choices: a.chosen,
        correct,
        confidence: a.confidence,
        seconds: a.seconds,
        mode: a.mode,
        session_id: a.session_id,
        exam_id: None,
        at: now,
        misconceptions: &misconceptions,
    };
    // Cram never changes a card; otherwise the card is read and rewritten in the same transaction.
    let (attempt_id, update) = db.record_answer(&attempt, (a.mode != Mode::Cram).then_some(&schedule as Schedule))?;
    Ok(Recorded {
        correct,
        attempt_id,
        next_in_days: update.as_ref().map(|u| u.scheduled_days),
        lapses: update.map_or(0, |u| u.card.lapses),
    })
}

/// The stored rows of an exam as items, and back: one conversion for every front end.
pub fn exam_items(rows: &[ExamItemRow]) -> Vec<Item> {
    rows.iter()
        .map(|r| Item {
            question_id: r.question_id.clone(),
            order: r.order.clone(),
            answer: r.answer.clone(),
            flagged: r.flagged,
        })
        .collect()
}

pub(crate) fn exam_rows(items: &[Item]) -> Vec<ExamItemRow> {
    items
        .iter()
        .map(|i| ExamItemRow {
            question_id: i.question_id.clone(),
            order: i.order.clone(),
            answer: i.answer.clone(),
            flagged: i.flagged,
        })
        .collect()
}

/// An unfinished exam ready to sit again, or why it cannot be (damaged settings, no questions).
pub fn resume_exam(row: &ExamRow) -> Result<(ExamSpec, Vec<Item>), String> {
    crate::study::exam::restore(&row.spec, exam_items(&row.items))
}

/// Scores an exam and stores, in one transaction, the result, the final answers as attempts
/// and their scheduling. Multiple response is all-or-nothing; questions since removed from
/// the bank are left out.
#[allow(clippy::too_many_arguments)]
pub fn submit_exam(
    db: &mut Db,
    bank: &Bank,
    bank_name: &str,
    s: &dyn Scheduler,
    settings: SrsSettings,
    exam_id: i64,
    items: &[Item],
    elapsed_ms: i64,
    now: Millis,
) -> Result<ExamResult, StoreError> {
    let result = score(bank, items, elapsed_ms);
    let answered = items.iter().filter(|i| i.answer.is_some()).count();
    // The exam records no per-question time; the average stands in for the rating's "quick".
    let per_q = if answered == 0 { 0.0 } else { elapsed_ms as f64 / 1000.0 / answered as f64 };
    let shows: Vec<Vec<String>> = items
        .iter()
        .map(|i| match (i.answer.as_deref(), bank.question(&i.question_id)) {
            (Some(choices), Some(q)) => shown(q, choices),
            _ => Vec::new(),
        })
        .collect();
    type Scheduler<'a> = Box<dyn Fn(Option<&SrsCard>) -> crate::store::SrsUpdate + 'a>;
    let mut rows: Vec<(NewAttempt, Scheduler)> = Vec::new();
    for ((item, &correct), showed) in items.iter().zip(&result.item_correct).zip(&shows) {
        let (Some(choices), Some(_)) = (item.answer.as_deref(), bank.question(&item.question_id)) else { continue };
        let rating = rating_for(correct, None, per_q);
        let id = item.question_id.as_str();
        let update: Scheduler = Box::new(move |prev| update_for_answer(s, prev, id, rating, now, settings));
        rows.push((
            NewAttempt {
                bank: bank_name,
                question_id: &item.question_id,
                choices,
                correct,
                confidence: None,
                seconds: per_q,
                mode: Mode::Exam,
                session_id: None,
                exam_id: Some(exam_id),
                at: now,
                misconceptions: showed,
            },
            update,
        ));
    }
    let json = serde_json::to_string(&result).unwrap_or_default();
    let rows: Vec<(NewAttempt, Option<Schedule>)> =
        rows.iter().map(|(a, f)| (a.clone(), Some(f.as_ref() as Schedule))).collect();
    db.submit_exam(exam_id, &json, elapsed_ms, &rows, now)?;
    Ok(result)
}

/// Progress at a glance, as Home shows it.
#[derive(Debug, Default)]
pub struct HomeFigures {
    pub glance: crate::study::stats::Glance,
    pub notes_read: usize,
    /// The latest mock exam's result (custom exams of a few questions are left out).
    pub last_exam: Option<ExamResult>,
    /// The one suggestion of what to do next.
    pub next: crate::study::next::Suggestion,
    /// Questions of this bank due for review now (the same count the practice set-up shows).
    pub due_now: usize,
    /// Answered and total questions of an unfinished exam, if there is one.
    pub unfinished_exam: Option<(usize, usize)>,
}

/// Home's figures. A failed read leaves that figure at its empty value and is returned beside
/// them, so one unreadable table does not blank the screen.
pub fn home_figures(
    db: &Db,
    bank: &Bank,
    bank_name: &str,
    s: &dyn Scheduler,
    now: Millis,
) -> (HomeFigures, Option<StoreError>) {
    let mut err = None;
    let glance = match (keep(&mut err, db.question_stats(bank_name)), keep(&mut err, db.daily_stats(bank_name, 0))) {
        (Some(q), Some(d)) => crate::study::stats::glance(bank, &q, &d, now),
        _ => Default::default(),
    };
    let due_now = keep(&mut err, due_now(db, bank, bank_name, now)).unwrap_or(0);
    let mocks = keep(&mut err, mock_results(db, bank_name)).unwrap_or_default();
    let unfinished_exam = keep(&mut err, db.in_progress_exam(bank_name))
        .flatten()
        .map(|e| (e.items.iter().filter(|i| i.answer.is_some()).count(), e.items.len()));
    let notes_read = keep(&mut err, db.notes_read(bank_name)).map_or(0, |ids| ids.len());
    let state = crate::study::next::State {
        unfinished_exam,
        due_now,
        seen: glance.seen,
        mocks_taken: mocks.len(),
        ..Default::default()
    };
    let next = keep(&mut err, what_next(db, bank, bank_name, s, now, state)).unwrap_or_default();
    let figures =
        HomeFigures { glance, notes_read, last_exam: mocks.into_iter().next(), next, due_now, unfinished_exam };
    (figures, err)
}

/// The value of a read, or `None` with its error kept.
fn keep<T>(err: &mut Option<StoreError>, read: Result<T, StoreError>) -> Option<T> {
    read.map_err(|e| *err = Some(e)).ok()
}

/// The unfinished exam of a bank, if there is one (what Home and `exam --resume` offer).
pub fn unfinished_exam(db: &Db, bank_name: &str) -> Result<Option<ExamRow>, StoreError> {
    db.in_progress_exam(bank_name)
}

/// The notes of a bank the learner has read.
pub fn notes_read(db: &Db, bank_name: &str) -> Result<std::collections::HashSet<String>, StoreError> {
    Ok(db.notes_read(bank_name)?.into_iter().collect())
}

/// Marks a note read (reaching its end).
pub fn mark_note_read(db: &mut Db, bank_name: &str, note_id: &str, now: Millis) -> Result<(), StoreError> {
    db.mark_note_read(bank_name, note_id, now)
}

/// Lab objectives met so far, as (scenario, objective) pairs.
pub fn lab_completions(db: &Db) -> Result<Vec<(String, String)>, StoreError> {
    db.lab_completions()
}

/// Stores a lab objective as met; whether it is newly met.
pub fn complete_lab_objective(db: &mut Db, scenario: &str, objective: &str, now: Millis) -> Result<bool, StoreError> {
    db.complete_lab_objective(scenario, objective, now)
}
