//! The suite never touches the real user's data: what the binary keeps goes under the sandbox's
//! fake HOME, and the commands the suite runs that need no database leave its data directory
//! absent (so nothing is created in a real HOME either).
use std::fs;
use std::path::{Path, PathBuf};

use crate::sandbox::Sandbox;

fn minimal_bank() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/minimal"))
}

fn bundled_apis() -> Vec<PathBuf> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/apis");
    let mut apis: Vec<PathBuf> = fs::read_dir(dir)
        .expect("assets/apis")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    apis.sort();
    apis
}

/// Runs `args` in the sandbox; it must succeed and leave the fake HOME as it was: empty, with no
/// data directory.
fn run_leaves_home_empty(s: &Sandbox, args: &[&std::ffi::OsStr]) {
    s.assert_cmd().args(args).assert().success();
    assert!(!s.data_home().exists(), "{args:?} created {}", s.data_home().display());
    let written: Vec<PathBuf> = fs::read_dir(s.home()).expect("fake HOME").flatten().map(|e| e.path()).collect();
    assert!(written.is_empty(), "{args:?} wrote into the fake HOME: {written:?}");
}

fn os(args: &[&'static str]) -> Vec<&'static std::ffi::OsStr> {
    args.iter().map(|a| std::ffi::OsStr::new(*a)).collect()
}

#[test]
fn commands_without_a_database_leave_the_data_directory_absent() {
    let s = Sandbox::new();
    run_leaves_home_empty(&s, &os(&["bank", "check"]));
    run_leaves_home_empty(&s, &[os(&["bank", "check"]), vec![minimal_bank().as_os_str()]].concat());
    let apis = bundled_apis();
    assert!(!apis.is_empty());
    for api in &apis {
        run_leaves_home_empty(&s, &[os(&["gateway", "check"]), vec![api.as_os_str()]].concat());
    }
    run_leaves_home_empty(&s, &os(&["completions", "bash"]));
    // With --db the database goes where it is told, not into the data directory.
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let db = elsewhere.path().join("stats.db");
    run_leaves_home_empty(&s, &[os(&["--db"]), vec![db.as_os_str()], os(&["stats", "--json"])].concat());
}

/// Depends on `bank stats` not opening the database (a change made on another branch, in
/// src/commands/bank.rs and src/commands/mod.rs): fails until that change is merged.
#[test]
fn bank_stats_leaves_the_data_directory_absent() {
    let s = Sandbox::new();
    run_leaves_home_empty(&s, &os(&["bank", "stats"]));
    run_leaves_home_empty(&s, &os(&["bank", "stats", "--json"]));
    run_leaves_home_empty(&s, &[os(&["--content"]), vec![minimal_bank().as_os_str()], os(&["bank", "stats"])].concat());
}

#[test]
fn progress_without_db_goes_under_the_fake_home() {
    let s = Sandbox::new();
    s.assert_cmd().args(["exam", "history", "--json"]).assert().success().stdout("[]\n");
    assert!(s.data_home().join("gatewise/gatewise.db").is_file(), "the default database is in the sandbox");
}
