//! The binary's commands and exit codes, through assert_cmd.
use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn gatewise() -> Command {
    let mut c = Command::cargo_bin("gatewise").expect("binary builds");
    c.env_remove("GATEWISE_DB");
    c
}

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
    gatewise().args(["bank", "check"]).arg(dir.path()).assert().code(1).stderr(predicate::str::contains("1 error(s)"));
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
