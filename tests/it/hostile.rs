//! Hostile and careless input at the edges: escape sequences in bank text never reach the
//! terminal and are refused by `bank check`; a closed pipe ends quietly.
use std::io::Read;
use std::path::Path;
use std::process::Stdio;

use crate::sandbox::Sandbox;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

fn minimal() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal")
}

/// Nothing below 0x20 but newline and tab, no DEL, no C1 control.
fn assert_terminal_safe(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let bad: Vec<char> = text.chars().filter(|&c| c.is_control() && c != '\n' && c != '\t').collect();
    assert!(bad.is_empty(), "control characters reached stdout: {bad:?}\n{text}");
}

#[test]
fn bank_check_refuses_escape_sequences_in_content() {
    let dir = tempfile::tempdir().expect("dir");
    let bank = dir.path().join("bank");
    copy_dir(&minimal(), &bank);
    let qfile = std::fs::read_dir(bank.join("questions"))
        .expect("q")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "json") && !p.ends_with("schema.json"));
    let qfile = qfile.expect("a question file");
    let text = std::fs::read_to_string(&qfile).expect("read");
    let hostile = text.replacen("\"stem\": \"", "\"stem\": \"\\u001b]0;PWNED\\u0007", 1);
    assert_ne!(text, hostile, "the fixture has a stem to poison");
    std::fs::write(&qfile, hostile).expect("write");
    let sandbox = Sandbox::new();
    let out = sandbox.command().args(["bank", "check"]).arg(&bank).output().expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("control character U+001B"), "{err}");
    assert_terminal_safe(&out.stderr);
}

#[test]
fn names_printed_by_the_cli_lose_their_escape_sequences() {
    let dir = tempfile::tempdir().expect("dir");
    let bank = dir.path().join("evil\u{1b}]0;PWNED\u{7}\u{9b}2J");
    copy_dir(&minimal(), &bank);
    let sandbox = Sandbox::new();
    let out = sandbox.command().args(["bank", "stats", "--content"]).arg(&bank).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("PWNED"), "the name is printed, cleaned");
    assert_terminal_safe(&out.stdout);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let sandbox = Sandbox::new();
    let mut child = sandbox
        .command()
        .args(["bank", "export", "--format", "gift", "--db"])
        .arg(sandbox.home().join("g.db"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut one = [0u8; 1];
    stdout.read_exact(&mut one).expect("a first byte");
    drop(stdout);
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "exit {:?}: {}", out.status, String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn progress_import_checks_every_field_and_refuses_an_exam_without_questions() {
    use gatewise::store::{Db, ExportError};
    let mut src = Db::open_in_memory().expect("db");
    let items = vec![gatewise::store::ExamItemRow {
        question_id: "ovw-001".into(),
        order: vec![0, 1, 2, 3],
        answer: None,
        flagged: false,
    }];
    src.create_exam("builtin", "{}", 1, &items, 5).expect("exam");
    let good = src.export_json(9).expect("export");
    let edit = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v: serde_json::Value = serde_json::from_str(&good).expect("json");
        f(&mut v);
        v.to_string()
    };
    let refused = |text: String| {
        let mut db = Db::open_in_memory().expect("db");
        let err = db.import_json(&text).expect_err("refused");
        assert!(db.is_empty().expect("empty"), "nothing was written");
        err
    };
    let text_ms = edit(&|v| v["tables"]["exams"][0]["elapsed_ms"] = "lots".into());
    let err = refused(text_ms);
    assert!(matches!(&err, ExportError::Row { .. }) && err.to_string().contains("must be integer"), "{err}");
    let negative = edit(&|v| v["tables"]["exams"][0]["elapsed_ms"] = (-3_600_000).into());
    assert!(refused(negative).to_string().contains("may not be negative"));
    let no_items = edit(&|v| v["tables"]["exam_items"] = serde_json::json!([]));
    assert!(refused(no_items).to_string().contains("has no questions"));
    let mut ok = Db::open_in_memory().expect("db");
    ok.import_json(&good).expect("the untouched export imports");
}

#[test]
fn a_damaged_stored_exam_is_refused_alike_and_a_bad_option_order_is_not_shown() {
    use gatewise::study::exam::{Item, restore};
    let err = restore("{}", vec![]).expect_err("settings");
    assert!(err.contains("settings are damaged"), "{err}");
    let spec = serde_json::to_string(&gatewise::study::exam::ExamSpec::quick()).expect("spec");
    assert!(restore(&spec, vec![]).expect_err("empty").contains("no questions"));
    let bank = gatewise::bank::Bank::load(&gatewise::bank::ContentSource::Embedded).expect("bank");
    let q = bank.questions().iter().find(|q| q.options.len() == 4).expect("4 options");
    let item = |order: Vec<usize>| Item { question_id: q.id.clone(), order, answer: None, flagged: false };
    assert!(item(vec![2, 0, 3, 1]).fits(q));
    assert!(!item(vec![0, 1, 2, 3, 0, 1, 2]).fits(q), "seven entries for four options");
    assert!(!item(vec![0, 0, 1, 2]).fits(q), "a repeated option");
    assert!(!item(vec![0, 1, 2, 9]).fits(q), "an option that does not exist");
}

#[test]
fn unusual_paths_get_one_clear_line() {
    let sandbox = Sandbox::new();
    let run = |args: &[&str], env: Option<(&str, &str)>| {
        let mut c = sandbox.command();
        c.args(args);
        if let Some((k, v)) = env {
            c.env(k, v);
        }
        let out = c.output().expect("run");
        assert!(!out.status.success(), "{args:?} should fail");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let missing = run(&["--content", "/nonexistent/bank", "bank", "stats"], None);
    assert_eq!(missing.matches("No such file or directory").count(), 1, "{missing}");
    let empty = run(&["stats"], Some(("GATEWISE_DB", "")));
    assert!(empty.contains("GATEWISE_DB is set but empty"), "{empty}");
    let device = run(&["--db", "/dev/null", "stats"], None);
    assert!(device.contains("not a regular file") && !device.contains("progress reset"), "{device}");
    let long = sandbox.home().join(format!("{}.db", "a".repeat(300)));
    let long = run(&["--db", long.to_str().expect("utf8"), "stats"], None);
    assert!(long.contains("longer than file systems allow") && !long.contains("permissions"), "{long}");
}

#[test]
fn bank_import_skips_a_question_carrying_escape_sequences() {
    let dir = tempfile::tempdir().expect("dir");
    let gift = dir.path().join("evil.gift");
    std::fs::write(
        &gift,
        "::ok:: Which API type caches responses? {=REST ~HTTP ~WebSocket ~None}\n\n\
         ::evil:: Which \u{1b}]52;c;cGF5bG9hZA==\u{7} type? {=REST ~HTTP ~WebSocket ~None}\n",
    )
    .expect("write");
    let out_dir = dir.path().join("bank");
    let sandbox = Sandbox::new();
    let out = sandbox
        .command()
        .args(["bank", "import"])
        .arg(&gift)
        .args(["--format", "gift", "--out"])
        .arg(&out_dir)
        .output()
        .expect("run");
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{all}");
    assert!(all.contains("control character U+001B"), "{all}");
    assert!(all.contains("1 imported"), "{all}");
    assert_terminal_safe(&out.stdout);
    assert_terminal_safe(&out.stderr);
}
