//! The session layer on its own, on a fake clock and a real SQLite file: one test per rule that
//! the terminal app and plain mode share (picks a question takes, what "answered" means, a
//! damaged stored exam, the clock's warnings and time up, resume after a kill, practice storing
//! before feedback).
use gatewise::bank::{Bank, ContentSource, Kind, LevelChoice};
use gatewise::progress::PracticeChoice;
use gatewise::session::exam::{Picked, SAVE_EVERY_MS};
use gatewise::session::practice::NotTaken;
use gatewise::session::{ExamSession, PracticeSession, Services, SessionError, Tick};
use gatewise::store::{Db, Mode};
use gatewise::study::exam::{AnswerState, ExamSpec};
use gatewise::study::practice::Filter;
use gatewise::study::scheduler::{Fsrs, SrsSettings};
use rand::SeedableRng;
use rand::rngs::StdRng;

const T0: i64 = 1_795_625_162_000;
const MIN: i64 = 60_000;

struct World {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    db: Db,
    bank: Bank,
    fsrs: Fsrs,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("progress.db");
        let db = Db::open(&path).expect("db");
        World { _dir: dir, path, db, bank: Bank::load(&ContentSource::Embedded).expect("bank"), fsrs: Fsrs::default() }
    }
    fn services(&mut self) -> Services<'_> {
        Services {
            db: &mut self.db,
            bank: &self.bank,
            bank_name: "builtin",
            scheduler: &self.fsrs,
            srs: SrsSettings::default(),
        }
    }
}

/// A 65-question exam of 90 minutes (the full mock), seeded.
fn full_exam(w: &mut World) -> ExamSession {
    ExamSession::start(&mut w.services(), ExamSpec::full(), 7, T0).expect("exam")
}

/// Moves to the first multiple-response question and returns how many picks it takes.
fn go_to_multiple(w: &mut World, e: &mut ExamSession) -> usize {
    let pos = e
        .items()
        .iter()
        .position(|i| w.bank.question(&i.question_id).is_some_and(|q| q.kind == Kind::Multiple))
        .expect("a multiple-response question in a full exam");
    e.go(&mut w.db, pos, T0).expect("go");
    e.question(&w.bank).expect("q").answer_count()
}

#[test]
fn a_multiple_response_with_fewer_picks_is_kept_as_incomplete_and_scored_wrong() {
    let mut w = World::new();
    let mut e = full_exam(&mut w);
    let need = go_to_multiple(&mut w, &mut e);
    let got = e.answer(&mut w.db, &w.bank, &[0], T0 + 1_000).expect("store");
    assert_eq!(got, Picked::Stored(AnswerState::Incomplete { picked: 1, need }));
    let counts = e.outstanding(&w.bank);
    assert_eq!((counts.incomplete, counts.answered), (1, 0));
    assert!(counts.describe().contains("1 incomplete"), "{}", counts.describe());
    // The same rule through the app's one-pick-at-a-time path.
    let pos = e.pos();
    e.toggle(&mut w.db, &w.bank, 0, T0 + 2_000).expect("unpick");
    assert_eq!(e.items()[pos].answer, None, "unpicking the only pick leaves it unanswered");
    e.toggle(&mut w.db, &w.bank, 1, T0 + 3_000).expect("pick");
    assert!(matches!(e.items()[pos].state(e.question(&w.bank)), AnswerState::Incomplete { picked: 1, .. }));
    let result = e.submit(&mut w.services(), T0 + 4_000).expect("submit");
    assert!(!result.item_correct[pos], "an incomplete answer is scored wrong");
}

#[test]
fn more_picks_than_a_question_takes_are_refused_in_both_paths() {
    let mut w = World::new();
    let mut e = full_exam(&mut w);
    let need = go_to_multiple(&mut w, &mut e);
    let too_many: Vec<usize> = (0..=need).collect();
    assert_eq!(e.answer(&mut w.db, &w.bank, &too_many, T0).expect("store"), Picked::TooMany { need });
    assert_eq!(e.current().answer, None, "nothing stored");
    for d in 0..need {
        assert!(matches!(e.toggle(&mut w.db, &w.bank, d, T0).expect("pick"), Picked::Stored(_)));
    }
    assert_eq!(e.toggle(&mut w.db, &w.bank, need, T0).expect("pick"), Picked::TooMany { need });
    assert_eq!(e.current().answer.as_ref().map(Vec::len), Some(need));
    assert_eq!(e.current().state(e.question(&w.bank)), AnswerState::Answered);
}

#[test]
fn a_damaged_stored_exam_is_refused_with_the_reason() {
    let mut w = World::new();
    let e = full_exam(&mut w);
    let mut row = w.db.in_progress_exam("builtin").expect("read").expect("row");
    assert_eq!(row.id, e.id());
    row.spec = "{not json".into();
    let err = ExamSession::resume(&row, T0).expect_err("damaged");
    assert!(matches!(err, SessionError::Damaged(_)));
    assert!(err.to_string().contains("settings are damaged"), "{err}");
    row.items.clear();
    row.spec = serde_json::to_string(&ExamSpec::quick()).expect("json");
    let err = ExamSession::resume(&row, T0).expect_err("empty");
    assert!(err.to_string().contains("no questions"), "{err}");
}

#[test]
fn the_clock_warns_at_30_15_and_5_minutes_and_says_when_time_is_up() {
    let mut w = World::new();
    let mut e = full_exam(&mut w);
    let limit = e.spec().limit_ms();
    let mut warnings = Vec::new();
    let mut t = T0;
    let up = loop {
        t += 30_000;
        match e.tick(&mut w.db, t).expect("tick") {
            Tick::Warning(m) => warnings.push(m),
            Tick::TimeUp => break t,
            Tick::Quiet => {}
        }
    };
    assert_eq!(warnings, vec![30, 15, 5]);
    assert_eq!(up - T0, limit, "time up exactly when the limit passes");
    assert!(e.expired(up));
}

#[test]
fn after_a_kill_the_exam_resumes_with_answers_flags_position_and_at_most_the_save_interval_lost() {
    let mut w = World::new();
    let mut e = full_exam(&mut w);
    e.answer(&mut w.db, &w.bank, &[0], T0 + MIN).ok();
    e.toggle_flag(&mut w.db, T0 + MIN).expect("flag");
    e.go(&mut w.db, 3, T0 + MIN).expect("go");
    // Ticks every second for ten minutes, then the process dies (no pause, no save).
    let mut t = T0 + MIN;
    for _ in 0..600 {
        t += 1_000;
        e.tick(&mut w.db, t).expect("tick");
    }
    let killed_at = t;
    let id = e.id();
    drop(e);
    drop(w.db);
    // An hour later the learner opens the app again.
    let db = Db::open(&w.path).expect("reopen");
    let row = db.in_progress_exam("builtin").expect("read").expect("unfinished exam");
    assert_eq!(row.id, id);
    let back = ExamSession::resume(&row, killed_at + 60 * MIN).expect("resume");
    let used = back.clock().elapsed(killed_at + 60 * MIN);
    let before_kill = killed_at - T0;
    assert!(used <= before_kill && before_kill - used < SAVE_EVERY_MS, "used {used} of {before_kill}");
    assert_eq!(back.pos(), 3);
    assert!(back.items()[0].flagged);
    assert!(back.items()[0].answer.is_some());
}

#[test]
fn practice_refuses_the_wrong_number_of_picks_without_storing_and_stores_before_feedback() {
    let mut w = World::new();
    let q = w.bank.questions().iter().find(|q| q.kind == Kind::Multiple).expect("multiple").clone();
    let choice = PracticeChoice::Pick(Filter::Ids("one".into(), vec![q.id.clone()]), LevelChoice::Exam);
    let mut rng = StdRng::seed_from_u64(3);
    let mut p = PracticeSession::start(&mut w.services(), choice, Mode::Practice, T0, &mut rng).expect("start");
    let err = p.submit(&mut w.services(), &[0], None, T0 + 5_000).expect_err("one pick");
    assert!(matches!(err, NotTaken::Picks { gave: 1, .. }));
    assert!(err.to_string().contains("(you gave 1)"), "{err}");
    assert_eq!(w.db.attempt_count().expect("count"), 0, "a refused answer is not stored");
    // Every wrong option, as many as it asks for: a miss.
    let order = p.presented().expect("shown").order.clone();
    let wrong: Vec<usize> = (0..order.len()).filter(|&d| !q.options[order[d]].correct).take(q.answer_count()).collect();
    let fb = p.submit(&mut w.services(), &wrong, Some(3), T0 + 9_000).expect("graded").clone();
    assert!(!fb.grade.correct);
    assert_eq!(w.db.attempt_count().expect("count"), 1, "stored before the feedback was returned");
    assert!(fb.next_in_days.is_some(), "practice mode schedules the card");
    // A miss comes back later in the session (here, right after: the queue had one question).
    assert!(fb.requeued && p.queue().len() == 2);
    assert!(p.advance(&w.bank, T0 + 10_000, &mut rng));
    let summary = p.finish(&mut w.db, &w.bank, T0 + 20_000).expect("end").expect("answered one");
    assert_eq!((summary.answered, summary.correct), (1, 0));
}

#[test]
fn practice_says_why_when_there_is_nothing_to_practise() {
    let mut w = World::new();
    let mut rng = StdRng::seed_from_u64(1);
    let err = PracticeSession::start(&mut w.services(), PracticeChoice::Due, Mode::Practice, T0, &mut rng)
        .expect_err("nothing due on a new database");
    assert!(matches!(err, SessionError::NothingDue));
    let none = PracticeChoice::Pick(Filter::Topics(vec!["no-such-topic".into()]), LevelChoice::Exam);
    let err = PracticeSession::start(&mut w.services(), none, Mode::Practice, T0, &mut rng).expect_err("empty");
    assert!(matches!(err, SessionError::NoQuestions));
    let mut p = PracticeSession::start(
        &mut w.services(),
        PracticeChoice::Pick(Filter::Mixed, LevelChoice::Exam),
        Mode::Cram,
        T0,
        &mut rng,
    )
    .expect("mixed");
    assert_eq!(p.finish(&mut w.db, &w.bank, T0 + 1_000).expect("end"), None, "nothing answered: no summary");
}
