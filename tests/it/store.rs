//! The progress store on real files: migrations, durability, bad files, concurrency, transfer.
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use gatewise::store::{Db, Mode, NewAttempt, StoreError};

fn attempt<'a>(q: &'a str, correct: bool, at: i64) -> NewAttempt<'a> {
    NewAttempt {
        bank: "builtin",
        question_id: q,
        choices: &[1],
        correct,
        confidence: Some(2),
        seconds: 12.5,
        mode: Mode::Practice,
        session_id: None,
        exam_id: None,
        at,
        misconceptions: &[],
    }
}

fn db_in(dir: &Path) -> PathBuf {
    dir.join("gatewise.db")
}

#[test]
fn migrations_apply_twice_without_change_empty_and_populated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db_in(dir.path());
    let (v1, t1) = {
        let db = Db::open(&path).expect("open");
        (db.version().expect("v"), db.tables().expect("tables"))
    };
    let db = Db::open(&path).expect("reopen");
    assert_eq!(db.version().expect("v"), v1);
    assert_eq!(db.tables().expect("tables"), t1);
    assert_eq!(v1, gatewise::store::schema_version());
    drop(db);

    let mut db = Db::open(&path).expect("open");
    db.record_attempt(&attempt("thr-001", true, 1_000)).expect("record");
    db.set_setting("exam_date", "2026-12-20").expect("setting");
    let before = db.export_json(0).expect("export");
    drop(db);
    let db = Db::open(&path).expect("reopen populated");
    assert_eq!(db.version().expect("v"), v1);
    assert_eq!(db.export_json(0).expect("export"), before);
}

#[test]
fn attempts_roll_up_into_daily_and_question_stats() {
    let mut db = Db::open_in_memory().expect("db");
    let day = 20_000 * 86_400_000;
    db.record_attempt(&attempt("a", true, day + 5)).expect("1");
    db.record_attempt(&attempt("a", false, day + 6)).expect("2");
    db.record_attempt(&NewAttempt { confidence: None, ..attempt("b", true, day + 86_400_000) }).expect("3");
    let daily = db.daily_stats("builtin", 0).expect("daily");
    assert_eq!(daily.len(), 2);
    assert_eq!((daily[0].day, daily[0].answered, daily[0].correct, daily[0].confidence), (20_000, 2, 1, 2));
    assert_eq!((daily[1].day, daily[1].answered, daily[1].confidence), (20_001, 1, 0));
    let qs = db.question_stats("builtin").expect("q");
    let a = qs.iter().find(|q| q.question_id == "a").expect("a");
    assert_eq!((a.answered, a.correct, a.last_correct, a.recent), (2, 1, false, 0b10));
    assert_eq!(a.recent_results(5), (1, 2));
    let recent = db.recent_attempts(1).expect("recent");
    assert_eq!(recent[0].question_id, "b");
    assert_eq!(recent[0].confidence, None);
}

#[test]
fn dashboard_queries_use_indexes() {
    let db = Db::open_in_memory().expect("db");
    let plans = [
        db.explain("SELECT * FROM daily_stats WHERE bank = 'builtin' AND day >= 5").expect("plan"),
        db.explain("SELECT * FROM question_stats WHERE bank = 'builtin'").expect("plan"),
        db.explain("SELECT last_at FROM question_stats WHERE bank = 'b' AND question_id = 'q'").expect("plan"),
        db.explain("SELECT * FROM srs_cards WHERE bank = 'b' AND due <= 5").expect("plan"),
    ];
    for plan in plans {
        let text = plan.join(" | ");
        assert!(text.contains("SEARCH") && (text.contains("PRIMARY KEY") || text.contains("INDEX")), "{text}");
    }
}

// --- bad states: a clear message and the file byte-for-byte unchanged ---------------------

fn assert_refused_untouched(path: &Path, expect: &str) {
    let before = fs::read(path).expect("read before");
    let err = Db::open(path).expect_err("must refuse");
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()), "message names the file: {msg}");
    assert!(msg.contains(expect), "{msg}");
    assert_eq!(fs::read(path).expect("read after"), before, "file changed");
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db_in(dir.path());
    fs::write(&path, "these are my notes, not a database\n".repeat(200)).expect("write");
    assert_refused_untouched(&path, "gatewise progress reset");
    assert!(matches!(Db::open(&path), Err(StoreError::NotADatabase { .. })));
}

#[test]
fn a_damaged_database_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db_in(dir.path());
    {
        let mut db = Db::open(&path).expect("open");
        for i in 0..200 {
            db.record_attempt(&attempt(&format!("q{i}"), i % 2 == 0, i)).expect("record");
        }
    }
    // Checkpointed on close; now scribble over the schema page.
    let mut bytes = fs::read(&path).expect("read");
    assert!(bytes.len() > 4096 * 3);
    for b in &mut bytes[100..4000] {
        *b = 0x5a;
    }
    fs::write(&path, &bytes).expect("write");
    assert_refused_untouched(&path, "not a gatewise progress database");
}

#[test]
fn a_database_from_a_newer_version_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db_in(dir.path());
    {
        let conn = rusqlite::Connection::open(&path).expect("sqlite");
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;").expect("future schema");
    }
    assert_refused_untouched(&path, "newer gatewise (schema version 99");
}

#[test]
fn a_missing_directory_is_named() {
    let err = Db::open(Path::new("/nonexistent-gatewise-dir/sub/gatewise.db")).expect_err("refuse");
    assert_eq!(
        err.to_string(),
        "the directory /nonexistent-gatewise-dir/sub does not exist; create it or choose another place with --db"
    );
}

#[test]
fn a_read_only_place_is_named() {
    // /proc refuses new files even to root, so this holds however the tests are run.
    let err = Db::open(Path::new("/proc/gatewise.db")).expect_err("refuse");
    let msg = err.to_string();
    assert!(msg.starts_with("cannot write to /proc/gatewise.db"), "{msg}");
}

// --- two processes, and SIGKILL --------------------------------------------------------

/// Child-process roles: the test binary re-runs itself with GATEWISE_STORE_CHILD set.
#[test]
fn child_process_role() {
    let Ok(role) = std::env::var("GATEWISE_STORE_CHILD") else { return };
    let path = PathBuf::from(std::env::var("GATEWISE_STORE_PATH").expect("path"));
    let mut db = Db::open(&path).expect("child open");
    match role.as_str() {
        "ack-then-hang" => {
            let id = db.record_attempt(&attempt("killed-q", true, 42)).expect("record");
            println!("ACK {id}");
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
        writer => {
            for i in 0..300 {
                db.record_attempt(&attempt(&format!("{writer}-{i}"), i % 3 == 0, i)).expect("concurrent record");
            }
        }
    }
}

fn child(role: &str, path: &Path) -> Command {
    let mut c = Command::new(std::env::current_exe().expect("test exe"));
    c.args(["--exact", "store::child_process_role", "--nocapture", "--test-threads=1"])
        .env("GATEWISE_STORE_CHILD", role)
        .env("GATEWISE_STORE_PATH", path);
    c
}

#[test]
fn an_acknowledged_answer_survives_sigkill() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db_in(dir.path());
    let mut proc = child("ack-then-hang", &path).stdout(Stdio::piped()).spawn().expect("spawn");
    let stdout = proc.stdout.take().expect("stdout");
    // libtest prints "test child_process_role ... " on the same line before the child's output.
    let ack = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.find("ACK ").map(|i| l[i..].to_string()))
        .expect("ack");
    proc.kill().expect("SIGKILL"); // Child::kill sends SIGKILL on Unix
    proc.wait().expect("reap");
    let db = Db::open(&path).expect("reopen");
    let last = db.recent_attempts(1).expect("read");
    assert_eq!(format!("ACK {}", last[0].id), ack);
    assert_eq!(last[0].question_id, "killed-q");
    assert_eq!(db.integrity_check().expect("check"), "ok");
}

#[test]
fn two_instances_writing_at_once_do_not_corrupt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db_in(dir.path());
    Db::open(&path).expect("create");
    let a = child("writer-a", &path).stdout(Stdio::null()).spawn().expect("a");
    let b = child("writer-b", &path).stdout(Stdio::null()).spawn().expect("b");
    for mut c in [a, b] {
        assert!(c.wait().expect("wait").success());
    }
    let db = Db::open(&path).expect("reopen");
    assert_eq!(db.attempt_count().expect("count"), 600);
    assert_eq!(db.question_stats("builtin").expect("stats").len(), 600);
    assert_eq!(db.integrity_check().expect("check"), "ok");
}

// --- export / import --------------------------------------------------------------------

#[test]
fn export_import_round_trip_and_all_or_nothing() {
    let mut src = Db::open_in_memory().expect("db");
    for i in 0..5 {
        src.record_attempt(&attempt("q", i % 2 == 0, i)).expect("record");
    }
    src.mark_note_read("builtin", "throttling", 7).expect("note");
    src.complete_lab_objective("throttling", "see-429", 8).expect("lab");
    src.set_setting("theme", "light").expect("setting");
    let json = src.export_json(99).expect("export");

    let mut dst = Db::open_in_memory().expect("db");
    assert_eq!(dst.import_json(&json).expect("import"), 8);
    assert_eq!(dst.export_json(99).expect("export"), json);
    assert_eq!(dst.question_stats("builtin").expect("stats")[0].answered, 5, "roll-ups rebuilt");

    // Not into a database with progress.
    let err = dst.import_json(&json).expect_err("not empty");
    assert!(err.to_string().contains("already holds progress"), "{err}");

    // A bad row in the middle: nothing lands.
    let mut broken: serde_json::Value = serde_json::from_str(&json).expect("json");
    broken["tables"]["attempts"][3]["mode"] = "nap".into();
    let mut fresh = Db::open_in_memory().expect("db");
    let err = fresh.import_json(&broken.to_string()).expect_err("bad row");
    assert!(err.to_string().starts_with("attempts row 4: CHECK constraint failed"), "{err}");
    assert!(fresh.is_empty().expect("empty"), "a failed import left rows behind");

    broken["tables"]["attempts"][3]["mood"] = "x".into();
    let err = fresh.import_json(&broken.to_string()).expect_err("unknown field");
    assert!(err.to_string().contains("unknown field \"mood\""), "{err}");
    let err = fresh.import_json("{\"format\": \"anki\"}").expect_err("not ours");
    assert!(err.to_string().starts_with("not a gatewise progress export"), "{err}");
}

#[test]
fn a_version_1_database_is_migrated_with_its_roll_ups_rebuilt_per_bank() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db_in(dir.path());
    {
        let conn = rusqlite::Connection::open(&path).expect("sqlite");
        conn.execute_batch(gatewise::store::MIGRATIONS[0]).expect("v1 schema");
        conn.pragma_update(None, "user_version", 1).expect("version");
        for (bank, q, at) in [("builtin", "a", 5), ("builtin", "b", 86_400_005), ("mine", "a", 7)] {
            conn.execute(
                "INSERT INTO attempts (bank, question_id, choices, correct, confidence, seconds, mode, answered_at)
                 VALUES (?1, ?2, '[0]', 1, 3, 4.0, 'practice', ?3)",
                rusqlite::params![bank, q, at],
            )
            .expect("attempt");
        }
    }
    let db = Db::open(&path).expect("migrates");
    assert_eq!(db.version().expect("v"), gatewise::store::schema_version());
    let builtin = db.daily_stats("builtin", 0).expect("daily");
    assert_eq!(builtin.iter().map(|d| d.answered).sum::<i64>(), 2);
    assert_eq!(db.daily_stats("mine", 0).expect("daily").len(), 1);
    assert_eq!(db.confidence_totals("mine").expect("calibration"), vec![(3, 1, 1)]);
    drop(db);
    // And the trigger keeps them per bank from now on.
    let mut db = Db::open(&path).expect("reopen");
    db.record_attempt(&NewAttempt { bank: "mine", ..attempt("c", true, 9) }).expect("record");
    assert_eq!(db.daily_stats("mine", 0).expect("daily").iter().map(|d| d.answered).sum::<i64>(), 2);
    assert_eq!(db.daily_stats("builtin", 0).expect("daily").iter().map(|d| d.answered).sum::<i64>(), 2);
}

#[test]
fn another_programs_sqlite_file_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db_in(dir.path());
    {
        let conn = rusqlite::Connection::open(&path).expect("sqlite");
        conn.execute_batch("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');")
            .expect("other app");
    }
    assert_refused_untouched(&path, "another program");
}

#[test]
fn an_exam_is_submitted_once_even_if_asked_twice() {
    use gatewise::store::ExamItemRow;
    let mut db = Db::open_in_memory().expect("db");
    let items =
        vec![ExamItemRow { question_id: "q".into(), order: vec![0, 1, 2, 3], answer: Some(vec![1]), flagged: false }];
    let id = db.create_exam("builtin", "{}", 1, &items, 0).expect("exam");
    let a = NewAttempt { mode: Mode::Exam, exam_id: Some(id), ..attempt("q", true, 10) };
    db.submit_exam(id, "{}", 1000, &[(a.clone(), None)], 10).expect("submit");
    // A second submit (another window) is refused and told so; nothing is recorded twice.
    let again = db.submit_exam(id, "{}", 1000, &[(a, None)], 20).expect_err("closed");
    assert!(matches!(again, StoreError::ExamClosed { .. }), "{again}");
    assert!(again.to_string().contains("already submitted"), "{again}");
    assert_eq!(db.attempt_count().expect("count"), 1);
    // And a late answer or clock save from that window cannot change the submitted exam.
    let late = db.save_exam_item(id, 0, Some(&[2]), true, 5000, 0).expect_err("closed for writing");
    assert!(matches!(late, StoreError::ExamClosed { .. }), "{late}");
    assert!(db.save_exam_clock(id, 9000, 0).is_err());
    let stored = db.exam(id).expect("read").expect("exam");
    assert_eq!((stored.items[0].answer.clone(), stored.elapsed_ms), (None, 1000), "as submitted");
}

#[test]
fn starting_a_new_exam_sets_the_unfinished_one_aside() {
    use gatewise::store::ExamItemRow;
    let mut db = Db::open_in_memory().expect("db");
    let items = vec![ExamItemRow { question_id: "q".into(), order: vec![0, 1, 2, 3], answer: None, flagged: false }];
    let old = db.create_exam("builtin", "{}", 1, &items, 0).expect("old");
    let new = db.create_exam("builtin", "{}", 2, &items, 10).expect("new");
    assert_eq!(db.in_progress_exam("builtin").expect("read").map(|e| e.id), Some(new));
    db.submit_exam(new, "{\"x\":1}", 5, &[], 20).expect("submit");
    assert!(db.in_progress_exam("builtin").expect("read").is_none(), "the old one is not offered again");
    let hist = db.exam_history("builtin").expect("history");
    assert_eq!(hist.iter().map(|e| e.id).collect::<Vec<_>>(), vec![new], "set-aside exams have no result");
    assert_ne!(old, new);
    // Other banks keep theirs.
    let other = db.create_exam("mine", "{}", 3, &items, 30).expect("other bank");
    db.create_exam("builtin", "{}", 4, &items, 40).expect("builtin again");
    assert_eq!(db.in_progress_exam("mine").expect("read").map(|e| e.id), Some(other));
}

#[test]
fn misconceptions_are_stored_with_the_attempt_and_carried_by_export_and_import() {
    let mut db = Db::open_in_memory().expect("db");
    let ids = ["api-keys-authenticate".to_string(), "throttling-is-exact".to_string()];
    db.record_attempt(&NewAttempt { correct: false, misconceptions: &ids, ..attempt("q", false, 10) }).expect("slip");
    db.record_attempt(&attempt("q", true, 20)).expect("right");
    let slips = db.misconception_slips("builtin").expect("slips");
    assert_eq!(slips, vec![("q".to_string(), 10, ids.to_vec())]);
    assert_eq!(db.last_right_answers("builtin").expect("right"), vec![("q".to_string(), 20)]);
    let json = db.export_json(30).expect("export");
    let mut other = Db::open_in_memory().expect("db");
    other.import_json(&json).expect("import");
    assert_eq!(other.misconception_slips("builtin").expect("slips"), slips);
    // An export written before the column existed (schema 2) still imports: the column defaults.
    let mut old: serde_json::Value = serde_json::from_str(&json).expect("json");
    old["schema"] = 2.into();
    for row in old["tables"]["attempts"].as_array_mut().expect("attempts") {
        row.as_object_mut().expect("row").remove("misconceptions").expect("the column is exported");
    }
    let mut third = Db::open_in_memory().expect("db");
    third.import_json(&old.to_string()).expect("an older export imports");
    assert_eq!(third.misconception_slips("builtin").expect("slips"), Vec::new());
}

/// Two real processes answering the same cards at once: every review is reflected in its card
/// (the card is read inside the write transaction), so reviews == reps.
#[test]
fn concurrent_instances_lose_no_schedule_update() {
    let dir = tempfile::tempdir().expect("dir");
    let db_file = db_in(dir.path());
    drop(Db::open(&db_file).expect("create"));
    // One of these fits every question (single, choose TWO, choose THREE); the others are refused.
    let input = "A\nA,B\nA,B,C\n".repeat(100);
    let sandbox = crate::sandbox::Sandbox::new();
    let spawn = || {
        let mut c = sandbox.command();
        c.args(["--db", db_file.to_str().expect("utf8"), "practice", "--plain", "--topic", "caching"]);
        c.stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::piped());
        let mut child = c.spawn().expect("spawn");
        let mut stdin = child.stdin.take().expect("stdin");
        let text = input.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            let _ = stdin.write_all(text.as_bytes());
        });
        child
    };
    let (a, b) = (spawn(), spawn());
    for child in [a, b] {
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let db = Db::open(&db_file).expect("open");
    let (reviews, reps) = db.review_and_rep_totals("builtin").expect("totals");
    assert!(reviews > 20, "the two sessions answered ({reviews} reviews)");
    assert_eq!(reviews, reps, "every review is counted in its card");
}

/// Several instances creating a new database at once all succeed.
#[test]
fn concurrent_first_launches_all_succeed() {
    let dir = tempfile::tempdir().expect("dir");
    let db_file = db_in(dir.path());
    let sandbox = crate::sandbox::Sandbox::new();
    let children: Vec<_> = (0..8)
        .map(|_| {
            let mut c = sandbox.command();
            c.args(["--db", db_file.to_str().expect("utf8"), "stats", "--json"]);
            c.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("spawn")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn a_negative_schema_version_is_refused_in_one_line() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db_in(dir.path());
    {
        let conn = rusqlite::Connection::open(&path).expect("sqlite");
        conn.execute_batch("CREATE TABLE t (x); PRAGMA user_version = -3;").expect("setup");
    }
    let err = Db::open(&path).expect_err("refused");
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
    assert!(!err.to_string().contains("CREATE TABLE"), "{err}");
}

/// `progress reset` while another process holds the database is refused, not split silently.
#[test]
fn reset_refuses_while_a_session_holds_the_database_and_a_moved_file_is_not_written() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db_in(dir.path());
    let mut db = Db::open(&path).expect("open");
    let sandbox = crate::sandbox::Sandbox::new();
    let out = sandbox
        .command()
        .args(["--db", path.to_str().expect("utf8"), "progress", "reset", "--yes"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("in use by another gatewise"), "{out:?}");
    assert!(path.exists(), "nothing was moved");
    // Were the file moved anyway (by hand), the session refuses to write into the moved file.
    std::fs::rename(&path, dir.path().join("elsewhere.db")).expect("move");
    let err = db.record_attempt(&attempt("q", true, 1)).expect_err("refused");
    assert!(matches!(err, StoreError::Replaced { .. }), "{err}");
}

/// The lost-update interleaving, made deterministic: another instance changes the card and
/// commits while this one is about to schedule the same card. The card must reflect both.
#[test]
fn a_card_changed_by_another_instance_mid_answer_is_not_overwritten() {
    use gatewise::bank::{Bank, ContentSource};
    use gatewise::progress::{Answer, record};
    use gatewise::study::scheduler::{Fsrs, SrsSettings};
    let dir = tempfile::tempdir().expect("dir");
    let path = db_in(dir.path());
    let bank = Bank::load(&ContentSource::Embedded).expect("bank");
    let q = bank.questions()[0].clone();
    let right = q.correct_indices();
    let answer = move |db: &mut Db, at: i64| {
        let a = Answer {
            question: &q,
            chosen: &right,
            confidence: Some(2),
            seconds: 30.0,
            mode: Mode::Practice,
            session_id: None,
        };
        record(db, "builtin", &Fsrs::default(), SrsSettings::default(), &a, at).expect("record");
    };
    let mut db = Db::open(&path).expect("open");
    let answer = std::sync::Arc::new(answer);
    answer(&mut db, 1_000);
    // Another instance holds the write lock and has bumped the card, not yet committed.
    let other = rusqlite::Connection::open(&path).expect("other");
    other.execute_batch("BEGIN IMMEDIATE; UPDATE srs_cards SET reps = reps + 1;").expect("other writes");
    let later = std::sync::Arc::clone(&answer);
    let worker = std::thread::spawn(move || {
        later(&mut db, 2_000);
        db
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    other.execute_batch("COMMIT").expect("other commits");
    let db = worker.join().expect("worker");
    let card = db.srs_card("builtin", &bank.questions()[0].id).expect("read").expect("card");
    assert_eq!(card.reps, 3, "one review here, one by the other instance, one more here");
}

/// A database damaged outside its first page is refused when opened, before anything writes,
/// and the file is left as it was.
#[test]
fn damage_beyond_the_first_page_is_refused_before_any_write() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db_in(dir.path());
    {
        let mut db = Db::open(&path).expect("open");
        let batch: Vec<String> = (0..3000).map(|i| format!("question-{i}")).collect();
        for (i, q) in batch.iter().enumerate() {
            db.record_attempt(&attempt(q, i % 2 == 0, i as i64)).expect("record");
        }
    }
    // Fold the WAL back into the file, then scribble over a page in the middle.
    rusqlite::Connection::open(&path).expect("sqlite").execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").expect("ckpt");
    let mut bytes = fs::read(&path).expect("read");
    assert!(bytes.len() > 40 * 4096, "a file of many pages ({} bytes)", bytes.len());
    let mid = (bytes.len() / 4096 / 2) * 4096;
    for b in &mut bytes[mid..mid + 4096] {
        *b = 0xA5;
    }
    fs::write(&path, &bytes).expect("write");
    let err = Db::open(&path).expect_err("refused");
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
    assert_eq!(fs::read(&path).expect("read"), bytes, "left as it was");
}
