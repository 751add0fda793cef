//! End to end in a real terminal (tmux): start the binary on a temp database, answer a
//! practice question, quit, and check the terminal and the database afterwards. Without tmux
//! each test says it is skipped and passes (CI installs tmux, so it runs there).
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::sandbox::{Sandbox, bin};

pub struct Tmux {
    pub name: String,
}

impl Tmux {
    pub fn start(name: &str, cmd: &str, w: u16, h: u16) -> Tmux {
        let _ = Command::new("tmux").args(["kill-session", "-t", name]).status();
        let ok = Command::new("tmux")
            .args(["new-session", "-d", "-s", name, "-x", &w.to_string(), "-y", &h.to_string(), cmd])
            .env_remove("NO_COLOR")
            .status()
            .expect("tmux is installed (.ci/run installs it)");
        assert!(ok.success());
        Tmux { name: name.to_string() }
    }

    pub fn send(&self, keys: &[&str]) {
        for k in keys {
            assert!(Command::new("tmux").args(["send-keys", "-t", &self.name, k]).status().expect("send").success());
            sleep(Duration::from_millis(60));
        }
    }

    pub fn screen(&self) -> String {
        let out = Command::new("tmux").args(["capture-pane", "-p", "-t", &self.name]).output().expect("capture");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the screen contains `text`, or panics with what it shows.
    pub fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(15) {
                panic!("timed out waiting for {text:?}; screen:\n{s}");
            }
            sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.name]).status();
    }
}

/// Whether tmux runs here; if not, says on stderr that `test` is skipped. Written to the stderr
/// handle rather than with `eprintln!`, which the test harness captures, so it shows.
pub fn tmux_or_skip(test: &str) -> bool {
    let found = Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success());
    if !found {
        let _ = writeln!(std::io::stderr(), "skipping {test}: tmux not found (CI installs it)");
    }
    found
}

#[test]
fn practice_one_question_in_a_real_terminal() {
    if !tmux_or_skip("practice_one_question_in_a_real_terminal") {
        return;
    }
    let sandbox = Sandbox::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("e2e.db");
    let marker = dir.path().join("stty.txt");
    // After gatewise exits, record the terminal modes, then keep the pane open to read it.
    let cmd = format!(
        "{}{} --db {}; echo EXIT=$?; stty -a > {}; sleep 30",
        sandbox.shell_prefix(),
        bin(),
        db.display(),
        marker.display()
    );
    let t = Tmux::start("gatewise-e2e-practice", &cmd, 100, 30);
    t.wait_for("Progress");
    t.send(&["2"]);
    t.wait_for("Practise what?");
    t.send(&["Enter"]);
    t.wait_for("Question 1 of");
    // a, then b, then c: single-answer questions take the first, multiple response the rest.
    for k in ["a", "b", "c", "d"] {
        t.send(&[k, "Enter"]);
        sleep(Duration::from_millis(200));
        let s = t.screen();
        if s.contains("✓ Correct") || s.contains("✗ Not quite") {
            break;
        }
    }
    let s = t.screen();
    assert!(s.contains("✓ Correct") || s.contains("✗ Not quite"), "{s}");
    t.send(&["q"]);
    let s = t.wait_for("EXIT=0");
    assert!(!s.contains("Practice ·"), "the alternate screen was left:\n{s}");
    // Canonical mode and echo are back: the terminal is usable.
    let start = Instant::now();
    while !Path::new(&marker).exists() && start.elapsed() < Duration::from_secs(5) {
        sleep(Duration::from_millis(50));
    }
    sleep(Duration::from_millis(100));
    let modes = std::fs::read_to_string(&marker).expect("stty output");
    assert!(modes.contains(" icanon") && modes.contains(" echo "), "{modes}");

    let store = gatewise::store::Db::open(&db).expect("db");
    assert_eq!(store.attempt_count().expect("count"), 1);
}

#[test]
fn an_exam_survives_sigkill_and_resumes_as_it_was() {
    if !tmux_or_skip("an_exam_survives_sigkill_and_resumes_as_it_was") {
        return;
    }
    let sandbox = Sandbox::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("exam.db");
    let pidfile = dir.path().join("pid");
    let cmd = format!(
        "{}sh -c 'echo $$ > {}; exec {} --db {} exam --questions 5 --minutes 10 --seed 11'",
        sandbox.shell_prefix(),
        pidfile.display(),
        bin(),
        db.display()
    );
    let t = Tmux::start("gatewise-e2e-exam", &cmd, 100, 30);
    t.wait_for("Question 1 of 5");
    t.send(&["a", "m", "n"]);
    t.wait_for("Question 2 of 5");
    t.send(&["b", "n"]);
    t.wait_for("Question 3 of 5");
    sleep(Duration::from_millis(300));
    let pid = std::fs::read_to_string(&pidfile).expect("pid").trim().to_string();
    assert!(Command::new("kill").args(["-9", &pid]).status().expect("kill").success());
    drop(t);

    // The store has everything as it was.
    {
        let store = gatewise::store::Db::open(&db).expect("db");
        let e = store.in_progress_exam("builtin").expect("read").expect("an unfinished exam");
        assert_eq!(e.position, 2);
        assert!(e.items[0].flagged && e.items[0].answer.is_some());
        assert!(!e.items[1].flagged && e.items[1].answer.is_some());
        assert!(e.items[2].answer.is_none());
    }

    let cmd = format!("{}{} --db {} exam --resume", sandbox.shell_prefix(), bin(), db.display());
    let t = Tmux::start("gatewise-e2e-exam-resume", &cmd, 100, 30);
    let s = t.wait_for("Question 3 of 5");
    // The second answer is one pick; on a "Choose TWO" question that counts as incomplete.
    assert!(s.contains("2 answered · 1 flagged") || s.contains("1 answered · 1 flagged"), "{s}");
    assert!(s.contains("Time while the exam was closed did not count"), "{s}");
    t.send(&["r"]);
    let s = t.wait_for("unanswered");
    // Item 1 is shown as answered, or incomplete if it asks for more picks than the one given.
    assert!(
        s.lines().any(|l| l.contains("  1  ") && l.contains("⚑ flagged") && l.contains("answered")
            || l.contains("  1  incomplete")),
        "{s}"
    );
    t.send(&["s", "Enter"]);
    t.wait_for("estimated scaled score");
    t.send(&["q"]);
    sleep(Duration::from_millis(300));
    let store = gatewise::store::Db::open(&db).expect("db");
    assert_eq!(store.exam_history("builtin").expect("history").len(), 1);
}

#[test]
fn sigterm_restores_the_terminal() {
    if !tmux_or_skip("sigterm_restores_the_terminal") {
        return;
    }
    let sandbox = Sandbox::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("term.db");
    let pidfile = dir.path().join("pid");
    let marker = dir.path().join("stty.txt");
    let cmd = format!(
        "{}sh -c '{} --db {} & echo $! > {}; wait; echo EXIT=$?; stty -a > {}; sleep 30'",
        sandbox.shell_prefix(),
        bin(),
        db.display(),
        pidfile.display(),
        marker.display()
    );
    let t = Tmux::start("gatewise-e2e-sigterm", &cmd, 100, 30);
    // Backgrounded by sh, the app still owns the pane's terminal for drawing.
    t.wait_for("Progress");
    let pid = std::fs::read_to_string(&pidfile).expect("pid").trim().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    t.wait_for("EXIT=");
    let start = Instant::now();
    while !marker.exists() && start.elapsed() < Duration::from_secs(5) {
        sleep(Duration::from_millis(50));
    }
    sleep(Duration::from_millis(100));
    let modes = std::fs::read_to_string(&marker).expect("stty output");
    assert!(modes.contains(" icanon") && modes.contains(" echo "), "{modes}");
}

/// Copies a bank directory (a few small files) for a test.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn home_lists_user_banks_after_launching_into_practice() {
    if !tmux_or_skip("home_lists_user_banks_after_launching_into_practice") {
        return;
    }
    let sandbox = Sandbox::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("banks.db");
    // A user bank where `gatewise bank import --out` puts them: banks/ beside the database.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal");
    copy_dir(&fixture, &dir.path().join("banks/mini"));
    let cmd = format!("{}{} --db {} practice; sleep 30", sandbox.shell_prefix(), bin(), db.display());
    let t = Tmux::start("gatewise-e2e-banks", &cmd, 120, 30);
    t.wait_for("Question 1 of");
    t.send(&["Escape"]);
    t.wait_for("Progress");
    t.send(&["b"]);
    let s = t.wait_for("Enter study this bank");
    assert!(s.contains("banks/mini"), "the user bank is listed:\n{s}");
    t.send(&["q"]);
}
