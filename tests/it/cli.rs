//! The binary's commands and exit codes, through assert_cmd.
use std::fs;
use std::path::Path;

use predicates::prelude::*;

use crate::sandbox::gatewise;

fn fixture() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/minimal"))
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for e in fs::read_dir(from).expect("read fixture") {
        let e = e.expect("entry");
        let dest = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            fs::copy(e.path(), dest).expect("copy");
        }
    }
}

#[test]
fn bank_check_passes_on_the_bundled_bank() {
    gatewise().args(["bank", "check"]).assert().success().stdout(predicate::str::starts_with("ok: "));
}

#[test]
fn bank_check_reads_a_directory_argument_and_content_flag() {
    gatewise()
        .args(["bank", "check"])
        .arg(fixture())
        .assert()
        .success()
        .stdout(predicate::str::contains("2 questions"));
    gatewise().arg("--content").arg(fixture()).args(["bank", "check"]).assert().success();
}

#[test]
fn bank_stats_json_has_the_documented_keys() {
    let out = gatewise().arg("--content").arg(fixture()).args(["bank", "stats", "--json"]).output().expect("runs");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    for key in ["questions", "notes", "faq", "by_topic", "by_domain", "by_kind", "by_difficulty"] {
        assert!(v.get(key).is_some(), "missing {key} in {v}");
    }
    assert_eq!(v["questions"], 2);
    assert_eq!(v["by_kind"]["single"], 1);
    assert_eq!(v["by_kind"]["multiple"], 1);
    assert_eq!(v["by_domain"]["billing-pricing-support"], 1);
    assert_eq!(v["by_difficulty"]["2"], 1);
}

#[test]
fn a_broken_content_dir_is_a_clear_error_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(fixture(), dir.path());
    let q = dir.path().join("questions/throttling.json");
    let text = fs::read_to_string(&q).expect("read").replacen("\"choose\": 2", "\"choose\": 3", 1);
    fs::write(&q, text).expect("write");
    gatewise()
        .arg("--content")
        .arg(dir.path())
        .args(["bank", "stats"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "questions/throttling.json:19:3: [t-002] says choose 3 but has 2 correct options",
        ))
        .stderr(predicate::str::contains("panicked").not());
    gatewise().args(["bank", "check"]).arg(dir.path()).assert().code(1).stderr(predicate::str::contains("1 error, "));
    // The TUI refuses to start on it too, before touching the terminal.
    gatewise().arg("--content").arg(dir.path()).assert().failure().stderr(predicate::str::contains("[t-002]"));
}

#[test]
fn missing_and_non_bank_dirs_are_named() {
    gatewise()
        .args(["bank", "check", "/nonexistent/bank"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("/nonexistent/bank"));
    let dir = tempfile::tempdir().expect("tempdir");
    gatewise()
        .args(["bank", "check"])
        .arg(dir.path())
        .assert()
        .failure()
        .stderr(predicate::str::contains("has no questions/ directory"));
    fs::create_dir_all(dir.path().join("questions")).expect("mkdir");
    fs::write(dir.path().join("questions/x.json"), [0xff, 0xfe]).expect("write");
    gatewise().args(["bank", "check"]).arg(dir.path()).assert().failure().stderr(predicate::str::contains("not UTF-8"));
}

#[test]
fn completions_and_help() {
    gatewise().args(["completions", "bash"]).assert().success().stdout(predicate::str::contains("gatewise"));
    for args in [&["--help"][..], &["bank", "--help"], &["bank", "check", "--help"], &["bank", "stats", "--help"]] {
        gatewise().args(args).assert().success().stdout(predicate::str::contains("Usage"));
    }
}

#[test]
fn progress_export_import_and_reset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("p.db");
    {
        let mut d = gatewise::store::Db::open(&db).expect("db");
        d.set_setting("theme", "light").expect("setting");
    }
    let export = dir.path().join("out.json");
    gatewise().arg("--db").arg(&db).args(["progress", "export"]).arg(&export).assert().success();
    let text = fs::read_to_string(&export).expect("export written");
    assert!(text.contains("\"format\": \"gatewise-progress\""));

    // Reset asks first; "n" changes nothing.
    gatewise().arg("--db").arg(&db).args(["progress", "reset"]).write_stdin("n\n").assert().failure();
    assert!(db.exists());
    gatewise()
        .arg("--db")
        .arg(&db)
        .args(["progress", "reset"])
        .write_stdin("y\n")
        .assert()
        .success()
        .stdout(predicate::str::contains(".bak-"));
    assert!(!db.exists());
    let backups: Vec<_> = fs::read_dir(dir.path())
        .expect("ls")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("p.db.bak-"))
        .collect();
    assert!(!backups.is_empty(), "the old database is kept as a backup");

    // Import into the fresh database, all or nothing.
    gatewise().arg("--db").arg(&db).args(["progress", "import"]).arg(&export).assert().success();
    let d = gatewise::store::Db::open(&db).expect("db");
    assert_eq!(d.setting("theme").expect("read").as_deref(), Some("light"));
    drop(d);
    gatewise()
        .arg("--db")
        .arg(&db)
        .args(["progress", "import"])
        .arg(&export)
        .assert()
        .failure()
        .stderr(predicate::str::contains("already holds progress"));
    gatewise().arg("--db").arg(&db).args(["progress", "reset", "--yes"]).assert().success();
}

#[test]
fn a_bad_database_gets_a_message_naming_it_and_the_way_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("notes.txt");
    fs::write(&db, "not sqlite at all, just some text that is long enough to be a header").expect("write");
    let before = fs::read(&db).expect("read");
    gatewise()
        .arg("--db")
        .arg(&db)
        .args(["progress", "export"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(db.display().to_string()))
        .stderr(predicate::str::contains("gatewise progress reset"));
    assert_eq!(fs::read(&db).expect("read"), before);
}

#[test]
fn exam_history_and_argument_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("h.db");
    gatewise()
        .arg("--db")
        .arg(&db)
        .args(["exam", "history"])
        .assert()
        .success()
        .stdout(predicate::str::contains("No exams"));
    gatewise().arg("--db").arg(&db).args(["exam", "history", "--json"]).assert().success().stdout("[]\n");
    gatewise()
        .arg("--db")
        .arg(&db)
        .args(["exam", "--topic", "nope"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("unknown topic \"nope\""));
    gatewise()
        .arg("--db")
        .arg(&db)
        .args(["exam", "--resume"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no unfinished exam"));
    gatewise().arg("--db").arg(&db).args(["exam", "--questions", "5"]).assert().code(2);
    gatewise().arg("--db").arg(&db).args(["exam", "--full", "--questions", "5", "--minutes", "3"]).assert().code(2);
}

#[test]
fn gateway_check_reports_every_problem_with_its_json_path() {
    for entry in fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/apis")).expect("assets") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            gatewise()
                .args(["gateway", "check"])
                .arg(&path)
                .assert()
                .success()
                .stdout(predicate::str::starts_with("ok: "));
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.json");
    fs::write(&bad, r#"{"name":"x","type":"REST","stages":[],"routes":[{"method":"GET"}],"bogus":1}"#).expect("write");
    gatewise()
        .args(["gateway", "check"])
        .arg(&bad)
        .assert()
        .failure()
        .stderr(predicate::str::contains("$.bogus: unknown field `bogus`"))
        .stderr(predicate::str::contains("$.routes[0]: missing field `path`"))
        .stderr(predicate::str::contains("panicked").not());
    fs::write(&bad, "{ not json").expect("write");
    gatewise().args(["gateway", "check"]).arg(&bad).assert().failure().stderr(predicate::str::contains("line 1"));
}

#[test]
fn user_banks_in_the_data_directory_are_selectable_and_keep_their_own_progress() {
    let data = tempfile::tempdir().expect("tempdir");
    let banks = data.path().join("gatewise/banks/mybank");
    copy_dir(fixture(), &banks);
    let run = || {
        let mut c = gatewise();
        c.env("XDG_DATA_HOME", data.path());
        c
    };
    run()
        .args(["--bank", "mybank", "bank", "stats"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Bank: mybank"));
    run()
        .args(["--bank", "nope", "bank", "stats"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no bank named \"nope\""))
        .stderr(predicate::str::contains("builtin, mybank"));
    run().args(["--bank", "mybank", "practice", "--plain"]).write_stdin("a\na,b\na\na,b\n").assert().success();
    let db = gatewise::store::Db::open(&data.path().join("gatewise/gatewise.db")).expect("db");
    let attempts = db.recent_attempts(10).expect("attempts");
    assert!(!attempts.is_empty());
    assert!(attempts.iter().all(|a| a.bank == "mybank"), "{attempts:?}");
    assert!(db.question_stats("builtin").expect("stats").is_empty(), "the built-in bank's progress is separate");
}

#[test]
fn stats_markdown_is_a_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    gatewise()
        .arg("--db")
        .arg(dir.path().join("m.db"))
        .args(["stats", "--format", "markdown"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("# gatewise progress report"))
        .stdout(predicate::str::contains("## Mastery by domain"))
        .stdout(predicate::str::contains("| Cloud Concepts | 0 | 0 |"));
}

#[test]
fn bank_import_writes_a_checkable_bank_or_nothing_and_export_round_trips() {
    let data = tempfile::tempdir().expect("tempdir");
    let run = || {
        let mut c = gatewise();
        c.env("XDG_DATA_HOME", data.path());
        c
    };
    let fixtures = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import"));
    // Into the data directory by default, so the app lists it.
    run()
        .args(["bank", "import"])
        .arg(fixtures.join("aiken/constructs.txt"))
        .args(["--format", "aiken"])
        .assert()
        .success()
        .stdout(predicate::str::contains("gatewise --bank constructs"));
    let dir = data.path().join("gatewise/banks/constructs");
    run()
        .args(["bank", "check"])
        .arg(&dir)
        .assert()
        .success()
        .stderr(predicate::str::contains("flagged as missing by import"));
    run().args(["--bank", "constructs", "bank", "stats", "--json"]).assert().success();
    // Again into the same place: refused, nothing overwritten.
    let before = fs::read_dir(&dir).expect("ls").count();
    run()
        .args(["bank", "import"])
        .arg(fixtures.join("aiken/constructs.txt"))
        .args(["--format", "aiken"])
        .assert()
        .failure();
    assert_eq!(fs::read_dir(&dir).expect("ls").count(), before);
    // A broken file: every problem with its line, nothing written.
    let out = data.path().join("broken-bank");
    let bad = fs::read_dir(fixtures.join("csv/errors")).expect("errors").flatten().next().expect("a fixture").path();
    run()
        .args(["bank", "import"])
        .arg(&bad)
        .args(["--format", "csv", "--out"])
        .arg(&out)
        .assert()
        .failure()
        .stderr(predicate::str::contains(format!("{}:", bad.display())))
        .stderr(predicate::str::contains("nothing was written"));
    assert!(!out.exists());

    // Export the built-in bank as GIFT, import it back: every question survives.
    let gift = data.path().join("all.gift");
    run().args(["bank", "export", "--format", "gift", "--out"]).arg(&gift).assert().success();
    let back = data.path().join("back");
    run()
        .args(["bank", "import"])
        .arg(&gift)
        .args(["--format", "gift", "--out"])
        .arg(&back)
        .assert()
        .success()
        .stdout(predicate::str::contains("342 imported, 0 skipped, 0 warnings"))
        .stdout(predicate::str::contains("wrote 342 questions on 13 topics"));
    run().args(["bank", "check"]).arg(&back).assert().success();
    let anki = data.path().join("anki.txt");
    run().args(["bank", "export", "--format", "anki", "--out"]).arg(&anki).assert().success();
    assert!(fs::read_to_string(&anki).expect("anki").starts_with("#separator:tab\n#html:true\n"));
}
