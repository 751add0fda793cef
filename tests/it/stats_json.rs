//! `gatewise stats --json` against a small history whose figures were worked out by hand.
use gatewise::store::{Db, Mode, NewAttempt, SrsCard, SrsUpdate};

const DAY: i64 = 86_400_000;
// 2026-11-25 12:00 UTC, a Wednesday; its week starts on Monday 2026-11-23.
const NOW: i64 = 1_795_564_800_000 + DAY / 2;

fn attempt<'a>(q: &'a str, correct: bool, confidence: Option<u8>, at: i64) -> NewAttempt<'a> {
    NewAttempt {
        bank: "builtin",
        question_id: q,
        choices: &[0],
        correct,
        confidence,
        seconds: 10.0,
        mode: Mode::Practice,
        session_id: None,
        exam_id: None,
        at,
        misconceptions: &[],
    }
}

#[test]
fn stats_json_matches_the_hand_computed_fixture() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("stats.db");
    {
        let mut db = Db::open(&path).expect("db");
        for d in [2, 1] {
            db.record_attempt(&attempt("ovw-001", true, Some(3), NOW - d * DAY)).expect("q1");
        }
        // The third right answer also schedules ovw-001 for three days from now.
        let card = SrsCard {
            question_id: "ovw-001".into(),
            stability: 5.0,
            difficulty: 5.0,
            due: NOW + 3 * DAY,
            last_review: NOW,
            reps: 3,
            lapses: 0,
        };
        let update = SrsUpdate { card, rating: 3, elapsed_days: 1.0, scheduled_days: 3.0 };
        db.record_answer(&attempt("ovw-001", true, Some(3), NOW), Some(&|_| update.clone())).expect("q1 today");
        db.record_attempt(&attempt("thr-001", false, Some(3), NOW - DAY)).expect("q2");
        db.record_attempt(&attempt("thr-001", false, Some(1), NOW)).expect("q2 today");
        // A question since removed from the bank, answered last week.
        db.record_attempt(&attempt("removed-001", true, None, NOW - 8 * DAY)).expect("q3");
    }
    let out = crate::sandbox::gatewise()
        .env("GATEWISE_NOW_MS", NOW.to_string())
        .arg("--db")
        .arg(&path)
        .args(["stats", "--json"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");

    // Only questions still in the bank count: 3 + 2 answers, 3 right.
    assert_eq!(v["answered"], 5);
    assert_eq!(v["correct"], 3);
    assert_eq!(v["seen"], 2);
    assert_eq!(v["mastered"], 1, "ovw-001's last three answers were right");
    assert_eq!(v["removed_questions"], 1);
    assert_eq!(v["streak"], 3, "Monday, Tuesday and today");

    // Twelve weeks, this one last: 5 answers, 3 right; last week holds the removed question's answer.
    let weeks = v["accuracy_by_week"].as_array().expect("weeks");
    assert_eq!(weeks.len(), 12);
    assert_eq!(weeks[11], serde_json::json!({"start": "2026-11-23", "answered": 5, "correct": 3}));
    assert_eq!(weeks[10], serde_json::json!({"start": "2026-11-16", "answered": 1, "correct": 1}));

    let days = v["study_days"].as_array().expect("days");
    assert_eq!(days.len(), 84);
    assert_eq!(days[83], 2);
    assert_eq!(days[82], 2);
    assert_eq!(days[81], 1);
    assert_eq!(days[75], 1);
    assert_eq!(days.iter().filter_map(serde_json::Value::as_i64).sum::<i64>(), 6);

    let due = v["due_next_14_days"].as_array().expect("due");
    assert_eq!(due.len(), 14);
    assert_eq!(due[3], 1);
    assert_eq!(due.iter().filter_map(serde_json::Value::as_u64).sum::<u64>(), 1);

    assert_eq!(v["most_missed"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["most_missed"][0]["question_id"], "thr-001");
    assert_eq!(v["most_missed"][0]["misses"], 2);
    assert_eq!(v["most_missed"][0]["answered"], 2);
    assert_eq!(v["most_missed"][0]["leech"], false);

    assert_eq!(
        v["calibration"],
        serde_json::json!([
            {"confidence": 1, "label": "unsure", "answered": 1, "correct": 0},
            {"confidence": 3, "label": "sure", "answered": 4, "correct": 3}
        ])
    );
    let overview = v["mastery_by_topic"].as_array().expect("topics").iter().find(|m| m["id"] == "overview").cloned();
    assert_eq!(overview.map(|m| (m["mastered"].clone(), m["seen"].clone())), Some((1.into(), 1.into())));
    assert!(v["readiness"]["formula"].as_str().is_some_and(|f| f.contains("50%")));
    assert_eq!(v["plan"], serde_json::Value::Null);
    // thr-001, missed twice, reads below a question never seen, so its topic is the weakest.
    assert_eq!(v["weak_topics"][0]["recent_accuracy"], 0.0);

    // The text report names confidence as the app does, and counts with the right plural.
    let text = crate::sandbox::gatewise()
        .env("GATEWISE_NOW_MS", NOW.to_string())
        .arg("--db")
        .arg(&path)
        .arg("stats")
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("When unsure, right 0% of 1 answer\n"), "{text}");
    assert!(text.contains("When sure, right 75% of 4 answers"), "{text}");
    assert!(!text.contains("confidence was"), "{text}");
    assert!(text.contains("streak 3 days"), "{text}");
}
