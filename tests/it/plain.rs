//! Plain mode driven through standard input: answers stored, score printed, end of input handled.
use std::path::Path;

use gatewise::bank::{Bank, ContentSource, LevelChoice};
use gatewise::plain::Plain;
use gatewise::progress::PracticeChoice;
use gatewise::store::{Db, Mode};
use gatewise::study::practice::{Filter, Presented};
use gatewise::study::scheduler::{Fsrs, SrsSettings};
use predicates::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

const T0: i64 = 1_795_625_162_000;

/// One practice session over one question in plain mode, on an in-memory input and a fake clock
/// that advances `step_ms` per read; returns (answered, right, what was printed).
fn practise_one(
    db: &mut Db,
    bank: &Bank,
    qid: &str,
    input: &str,
    step_ms: i64,
    rng: &StdRng,
) -> (usize, usize, String) {
    let mut t = T0;
    let mut clock = || {
        t += step_ms;
        t
    };
    let mut out = Vec::new();
    let mut p = Plain {
        db,
        bank,
        bank_name: "builtin",
        scheduler: &Fsrs::default(),
        settings: SrsSettings::default(),
        input: input.as_bytes(),
        out: &mut out,
        clock: &mut clock,
    };
    let (answered, correct) = p
        .practice(
            PracticeChoice::Pick(Filter::Ids("one".into(), vec![qid.to_string()]), LevelChoice::Exam),
            Mode::Practice,
            &mut rng.clone(),
        )
        .expect("session");
    (answered, correct, String::from_utf8(out).expect("utf8"))
}

#[test]
fn practice_grades_stores_and_reports_with_a_fake_clock() {
    let bank = Bank::load(&ContentSource::Embedded).expect("bank");
    let q = bank.questions().iter().find(|q| q.kind == gatewise::bank::Kind::Single).expect("single").clone();
    let rng = StdRng::seed_from_u64(9);
    // The letter of the right option, as the session will shuffle it.
    let order = Presented::new(&q, &mut rng.clone()).order;
    let right = order.iter().position(|&i| q.options[i].correct).expect("key");
    let letter = (b'A' + right as u8) as char;
    let wrong = (b'A' + ((right + 1) % order.len()) as u8) as char;

    let mut db = Db::open_in_memory().expect("db");
    let input = format!("zzz\n{wrong},{letter}\n{letter}!\n");
    let (answered, correct, text) = practise_one(&mut db, &bank, &q.id, &input, 12_000, &rng);
    assert_eq!((answered, correct), (1, 1), "{text}");
    assert!(text.contains("Type option letters"), "{text}");
    assert!(text.contains("Choose ONE (you gave 2)"), "{text}");
    assert!(text.contains("Correct."), "{text}");
    assert!(text.contains("Session over: 1 of 1 right (100%)"), "{text}");
    let a = db.recent_attempts(5).expect("attempts");
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].confidence, Some(3));
    assert!(a[0].correct);
    assert!(db.srs_card("builtin", &q.id).expect("card").is_some(), "practice schedules the card");
}

fn fixture() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/minimal"))
}

fn gatewise(db: &Path) -> crate::sandbox::Gatewise {
    let mut c = crate::sandbox::gatewise();
    c.arg("--db").arg(db).arg("--content").arg(fixture());
    c
}

#[test]
fn practice_plain_over_stdin_stores_answers_and_stops_cleanly_at_eof() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("plain.db");
    // One answer, then end of input in the middle of the second question.
    gatewise(&db)
        .args(["practice", "--plain"])
        .write_stdin("a,b\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("Question 1 of 2"))
        .stdout(predicate::str::contains("Session over:"))
        .stdout(predicate::str::contains("Every answer is saved."))
        .stdout(predicate::str::contains("\u{1b}[").not());
    let store = Db::open(&db).expect("db");
    let attempts = store.recent_attempts(10).expect("attempts");
    // "a,b" answers the multiple-response question, or is refused for the single one (then EOF).
    assert!(attempts.len() <= 1);
    gatewise(&db)
        .args(["practice", "--plain", "--cram"])
        .write_stdin("a\na,b\na,b\na\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("Cram mode"));
    let store = Db::open(&db).expect("db");
    assert!(store.recent_attempts(10).expect("attempts").iter().any(|a| a.mode == Mode::Cram));
}

#[test]
fn exam_plain_saves_at_eof_and_resumes_to_a_result() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("exam.db");
    gatewise(&db)
        .args(["exam", "--plain", "--questions", "2", "--minutes", "5", "--seed", "3"])
        .write_stdin("m\nx\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("Question 1 of 2"))
        .stdout(predicate::str::contains("Exam saved with 0 of 2 answered"));
    let store = Db::open(&db).expect("db");
    let e = store.in_progress_exam("minimal").expect("read").expect("unfinished exam");
    assert!(e.items[0].flagged);
    drop(store);
    gatewise(&db)
        .args(["exam", "--plain", "--resume"])
        .write_stdin("s\ny\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("Resuming"))
        .stdout(predicate::str::contains("Result: 0 of 2 correct"))
        .stdout(predicate::str::contains("estimated scaled score 100"));
    let store = Db::open(&db).expect("db");
    assert_eq!(store.exam_history("minimal").expect("history").len(), 1);
}

#[test]
fn an_exam_answer_typed_after_time_is_up_does_not_count() {
    let bank = Bank::load(&ContentSource::Embedded).expect("bank");
    let mut db = Db::open_in_memory().expect("db");
    // The clock jumps past the 1-minute limit between showing the question and reading the answer.
    let times = [T0, T0, T0 + 61_000, T0 + 61_000, T0 + 61_000, T0 + 61_000];
    let mut i = 0;
    let mut clock = || {
        let t = times[i.min(times.len() - 1)];
        i += 1;
        t
    };
    let text = sit_plain_exam(
        &mut db,
        &bank,
        "a\n".as_bytes(),
        &mut clock,
        gatewise::study::exam::ExamSpec::custom(2, 1, Vec::new()),
        4,
    );
    assert!(text.contains("Time is up"), "{text}");
    assert!(text.contains("Result: 0 of 2 correct"), "{text}");
    let hist = db.exam_history("builtin").expect("history");
    assert_eq!(hist.len(), 1);
    assert!(hist[0].items.iter().all(|i| i.answer.is_none()));
    assert_eq!(db.attempt_count().expect("count"), 0);
}

#[test]
fn plain_practice_names_the_belief_a_wrong_answer_shows_in_the_apps_words() {
    let bank = Bank::load(&ContentSource::Embedded).expect("bank");
    let q = bank
        .questions()
        .iter()
        .find(|q| q.kind == gatewise::bank::Kind::Single && q.options.iter().any(|o| o.misconception.is_some()))
        .expect("a single-answer question with a tagged distractor")
        .clone();
    let rng = StdRng::seed_from_u64(3);
    let order = Presented::new(&q, &mut rng.clone()).order;
    let pos = order.iter().position(|&i| q.options[i].misconception.is_some()).expect("tagged");
    let letter = (b'A' + pos as u8) as char;
    let mut db = Db::open_in_memory().expect("db");
    let (_, _, text) = practise_one(&mut db, &bank, &q.id, &format!("{letter}\n"), 5_000, &rng);
    let m = gatewise::study::misconceptions::entries(&bank, &q, &[order[pos]])[0];
    for line in gatewise::study::misconceptions::feedback(&bank, m) {
        assert!(text.contains(&line), "plain mode lacks {line:?}:\n{text}");
    }
    let slips = db.misconception_slips("builtin").expect("slips");
    assert_eq!(slips.len(), 1);
    assert_eq!(slips[0].2, vec![m.id.clone()], "stored with the attempt");
}

/// A plain exam stores its clock while idle and on SIGTERM, and its position when moving: a
/// signal or a kill gives no time back, and a resume lands on the same question.
#[test]
fn plain_exam_clock_and_position_survive_signals_and_kills() {
    use std::io::Write;
    use std::process::Stdio;
    use std::time::Duration;
    let sandbox = crate::sandbox::Sandbox::new();
    let db_file = sandbox.home().join("exam.db");
    let start = |resume: bool| {
        let mut c = sandbox.command();
        c.args(["--db", db_file.to_str().expect("utf8"), "exam", "--plain"]);
        c.args(if resume { vec!["--resume"] } else { vec!["--questions", "5", "--minutes", "10", "--seed", "4"] });
        c.stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("spawn")
    };
    let signal = |pid: u32, sig: &str| {
        let ok = std::process::Command::new("kill").args([sig, &pid.to_string()]).status().expect("kill");
        assert!(ok.success());
    };
    let stored = || {
        let db = Db::open(&db_file).expect("db");
        let row = db.in_progress_exam("builtin").expect("read").expect("unfinished exam");
        (row.elapsed_ms, row.position)
    };

    // SIGTERM after moving to question 2 and waiting: time and position kept, exit 128 + 15.
    let mut child = start(false);
    let mut stdin = child.stdin.take().expect("stdin");
    std::thread::sleep(Duration::from_millis(1500));
    writeln!(stdin, "n").expect("next");
    std::thread::sleep(Duration::from_millis(1500));
    signal(child.id(), "-TERM");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(143), "{}", String::from_utf8_lossy(&out.stderr));
    let (elapsed, position) = stored();
    assert!(elapsed >= 2_500, "the clock kept {elapsed} ms of about 3 s");
    assert_eq!(position, 1, "resumes on question 2");
    drop(stdin);

    // SIGKILL while idle: at most the tick interval (2 s) is lost.
    let mut child = start(true);
    let stdin = child.stdin.take().expect("stdin");
    std::thread::sleep(Duration::from_millis(4500));
    signal(child.id(), "-KILL");
    let _ = child.wait();
    drop(stdin);
    let (after_kill, position) = stored();
    assert!(after_kill - elapsed >= 2_000, "kept {} ms of 4.5 s idle", after_kill - elapsed);
    assert_eq!(position, 1);
}

#[test]
fn invalid_utf8_and_overlong_lines_do_not_end_a_plain_session() {
    use gatewise::plain::{MAX_LINE, read_capped_line};
    let mut input: Vec<u8> = b"\xff\xfeB\n".to_vec();
    input.extend(std::iter::repeat_n(b'x', MAX_LINE * 3));
    input.extend(b"\nC\n");
    let mut r = std::io::BufReader::new(&input[..]);
    assert_eq!(read_capped_line(&mut r).expect("read"), Some("\u{fffd}\u{fffd}B".to_string()));
    let long = read_capped_line(&mut r).expect("read").expect("a line");
    assert_eq!(long.len(), MAX_LINE, "cut at the cap");
    assert_eq!(read_capped_line(&mut r).expect("read"), Some("C".to_string()), "the rest of the long line is skipped");
    assert_eq!(read_capped_line(&mut r).expect("read"), None);
}

#[test]
fn plain_exam_keeps_one_pick_of_a_choose_two_as_incomplete_in_the_question_list_and_submit() {
    let bank = Bank::load(&ContentSource::Embedded).expect("bank");
    let mut db = Db::open_in_memory().expect("db");
    let spec = gatewise::study::exam::ExamSpec::full();
    // The session draws as the engine does: find where the first multiple response lands.
    let items = gatewise::study::exam::draw_with_history(&bank, &spec, 11, &Default::default());
    let (pos, need) = items
        .iter()
        .enumerate()
        .find_map(|(i, it)| {
            let q = bank.question(&it.question_id)?;
            (q.kind == gatewise::bank::Kind::Multiple).then(|| (i, q.answer_count()))
        })
        .expect("a multiple-response question");
    let input = format!("g {}\na\nr\ns\ny\n", pos + 1);
    let mut t = T0;
    let mut clock = || {
        t += 1_000;
        t
    };
    let text = sit_plain_exam(&mut db, &bank, input.as_bytes(), &mut clock, spec, 11);
    assert!(text.contains(&format!("Kept as incomplete (1 of {need})")), "{text}");
    assert!(text.contains(&format!("{:>3}  incomplete (1 of {need})", pos + 1)), "{text}");
    assert!(text.contains("1 incomplete (fewer picks than asked)"), "{text}");
    assert!(text.contains("Result: 0 of 65 correct"), "{text}");
}

/// Sits a plain-mode exam on in-memory input and a fake clock; returns what was printed.
fn sit_plain_exam(
    db: &mut Db,
    bank: &Bank,
    input: impl gatewise::plain::LineSource,
    clock: &mut dyn FnMut() -> i64,
    spec: gatewise::study::exam::ExamSpec,
    seed: u64,
) -> String {
    let mut out = Vec::new();
    let mut p = Plain {
        db,
        bank,
        bank_name: "builtin",
        scheduler: &Fsrs::default(),
        settings: SrsSettings::default(),
        input,
        out: &mut out,
        clock,
    };
    p.exam(None, spec, seed).expect("exam");
    String::from_utf8(out).expect("utf8")
}

/// Input that only ever says time passed (a learner thinking), as the stdin thread's ticks do.
struct OnlyTicks;

impl gatewise::plain::LineSource for OnlyTicks {
    fn next_line(&mut self) -> std::io::Result<gatewise::plain::Waited> {
        Ok(gatewise::plain::Waited::Tick)
    }
}

#[test]
fn plain_exam_warns_and_submits_when_time_runs_out_while_the_learner_thinks() {
    let bank = Bank::load(&ContentSource::Embedded).expect("bank");
    let mut db = Db::open_in_memory().expect("db");
    // A 40-minute exam and a clock that moves a minute per tick: the 30-, 15- and 5-minute
    // warnings print and time up submits without another line being typed.
    let mut t = T0;
    let mut clock = || {
        t += 60_000;
        t
    };
    let text = sit_plain_exam(
        &mut db,
        &bank,
        OnlyTicks,
        &mut clock,
        gatewise::study::exam::ExamSpec::custom(3, 40, Vec::new()),
        8,
    );
    for m in [30, 15, 5] {
        assert!(text.contains(&format!("{m} minutes left.")), "{m}: {text}");
    }
    assert!(text.contains("Time is up: submitting with the answers given."), "{text}");
    assert!(text.contains("Result: 0 of 3 correct"), "{text}");
    assert_eq!(db.exam_history("builtin").expect("history").len(), 1);
}
