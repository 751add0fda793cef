//! A walk at 80x24 in a real terminal (tmux): Review's overview shows the exam-date plan and
//! today's heatmap row, and the Lab's trace scrolls down to the cache line. Skipped (and
//! passing) without tmux, like the other end-to-end tests.
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::e2e_tmux::{Tmux, tmux_or_skip};
use crate::sandbox::{Sandbox, bin};

/// 2026-11-25T16:46:02Z, so the exam date below is in the future whenever the test runs.
const NOW: &str = "1795625162000";

#[test]
fn review_plan_and_lab_trace_at_80x24() {
    if !tmux_or_skip("review_plan_and_lab_trace_at_80x24") {
        return;
    }
    let sandbox = Sandbox::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("walk.db");
    let set = sandbox
        .command()
        .env("GATEWISE_NOW_MS", NOW)
        .arg("--db")
        .arg(&db)
        .args(["plan", "--exam-date", "2026-12-20"])
        .output()
        .expect("plan");
    assert!(set.status.success(), "{}", String::from_utf8_lossy(&set.stderr));

    let cmd = format!("{}export GATEWISE_NOW_MS={NOW}; {} --db {}", sandbox.shell_prefix(), bin(), db.display());
    let t = Tmux::start("gatewise-e2e-walk", &cmd, 80, 24);
    t.wait_for("Progress");
    t.send(&["4"]);
    let s = t.wait_for("Daily target");
    assert!(s.contains("Exam on 2026-12-20"), "{s}");
    assert!(s.contains("today last"), "the heatmap's seven rows and legend:\n{s}");
    t.send(&["Escape"]);
    t.wait_for("Progress");
    t.send(&["5"]);
    t.wait_for("Caching");
    let idx = gatewise::lab::catalog::SCENARIOS.iter().position(|s| s.id == "caching").expect("caching");
    for _ in 0..idx {
        t.send(&["Down"]);
    }
    t.send(&["Enter"]);
    t.wait_for("Request");
    t.send(&["Enter"]);
    t.wait_for("1 request sent");
    t.send(&["Enter"]);
    t.wait_for("2 requests sent");
    let start = Instant::now();
    let mut s = t.screen();
    while !s.contains("cache HIT") {
        assert!(start.elapsed() < Duration::from_secs(15), "the trace never showed the cache line:\n{s}");
        t.send(&["Down"]);
        sleep(Duration::from_millis(100));
        s = t.screen();
    }
    assert!(s.contains("scroll"), "the pane says it scrolls:\n{s}");
    t.send(&["q"]);
    sleep(Duration::from_millis(300));
    let _ = Command::new("tmux").args(["kill-session", "-t", "gatewise-e2e-walk"]).status();
}
