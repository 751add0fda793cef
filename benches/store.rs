//! Store benchmark: recording an answer (one transaction, on a real file) and the Review
//! dashboard's reads over a history of 1,000,000 attempts. Run: `cargo bench --bench store`.
use std::time::{Duration, Instant};

use gatewise::store::{Db, Mode, NewAttempt};

fn median(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[v.len() * 95 / 100])
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bench.db");
    let mut db = Db::open(&path).expect("open");
    let total: i64 = std::env::var("ATTEMPTS").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let start_ms: i64 = 1_735_689_600_000; // 2025-01-01
    let ids: Vec<String> = (0..2_000).map(|i| format!("q-{i:04}")).collect();

    let t = Instant::now();
    let modes = [Mode::Practice, Mode::Exam, Mode::Cram, Mode::Lab];
    let batch: Vec<NewAttempt> = (0..total)
        .map(|i| NewAttempt {
            bank: "builtin",
            question_id: &ids[(i * 7919 % 2_000) as usize],
            choices: &[1, 3],
            correct: i % 3 != 0,
            confidence: [None, Some(1), Some(2), Some(3)][(i % 4) as usize],
            seconds: (i % 90) as f64,
            mode: modes[(i % 4) as usize],
            session_id: None,
            exam_id: None,
            // Spread over two years.
            at: start_ms + i * 63_072,
            misconceptions: &[],
        })
        .collect();
    db.record_attempts_bulk(&batch).expect("bulk");
    drop(batch);
    println!("populated {total} attempts in {:.1} s", t.elapsed().as_secs_f64());

    // Recording one answer: its own transaction, WAL, on a real file.
    let mut times = Vec::new();
    for i in 0..2_000 {
        let a = NewAttempt {
            bank: "builtin",
            question_id: &ids[i % 2_000],
            choices: &[0],
            correct: true,
            confidence: Some(3),
            seconds: 10.0,
            mode: Mode::Practice,
            session_id: None,
            exam_id: None,
            at: start_ms + total * 63_072 + i as i64,
            misconceptions: &[],
        };
        let t = Instant::now();
        db.record_attempt(&a).expect("record");
        times.push(t.elapsed());
    }
    let (med, p95) = median(times);
    println!("record_attempt: median {:.3} ms, p95 {:.3} ms", med.as_secs_f64() * 1e3, p95.as_secs_f64() * 1e3);

    // The dashboard's reads, all together.
    let mut times = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let daily = db.daily_stats("builtin", 0).expect("daily");
        let per_q = db.question_stats("builtin").expect("per question");
        let recent = db.recent_attempts(20).expect("recent");
        std::hint::black_box((daily.len(), per_q.len(), recent.len()));
        times.push(t.elapsed());
    }
    let (med, p95) = median(times);
    println!(
        "dashboard reads over {} attempts: median {:.2} ms, p95 {:.2} ms",
        db.attempt_count().expect("count"),
        med.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3
    );
    for sql in [
        "SELECT * FROM daily_stats WHERE bank = 'builtin' AND day >= 0",
        "SELECT * FROM question_stats WHERE bank = 'builtin'",
    ] {
        println!("plan {sql}: {}", db.explain(sql).expect("plan").join(" | "));
    }
}
