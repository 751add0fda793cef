//! The predicted chance behind readiness and weak areas, on hand-computed histories with a fake
//! clock: a fresh miss must read below a question never seen, and recall must not read ~100%
//! right after a lapse.
use gatewise::bank::{Bank, ContentSource};
use gatewise::store::{QuestionStat, SrsCard};
use gatewise::study::readiness::readiness;
use gatewise::study::scheduler::{Card, Fsrs, Rating, Scheduler, SrsSettings, update_for_answer};
use gatewise::study::selection::{Knowledge, UNSEEN_PRIOR, smoothed_accuracy};
use gatewise::study::stats::DAY_MS;

const NOW: i64 = 1_795_564_800_000; // 2026-11-25T00:00:00Z

/// A scheduler whose recall is easy to compute by hand: a half-life of `stability` days.
struct HalfLife;

impl Scheduler for HalfLife {
    fn review(&self, _: Option<&Card>, _: Rating, now: i64, _: f64) -> Card {
        Card { stability: 1.0, difficulty: 5.0, due: now + DAY_MS, last_review: now, reps: 1, lapses: 0 }
    }
    fn recall(&self, c: &Card, now: i64) -> f64 {
        0.5f64.powf((now - c.last_review) as f64 / DAY_MS as f64 / c.stability)
    }
}

/// `results` oldest first, the last one at `NOW`.
fn stat(id: &str, results: &[bool]) -> QuestionStat {
    let recent = results.iter().fold(0u16, |bits, &r| (bits << 1) | u16::from(r));
    QuestionStat {
        bank: "builtin".into(),
        question_id: id.into(),
        answered: results.len() as i64,
        correct: results.iter().filter(|r| **r).count() as i64,
        last_at: NOW,
        last_correct: results.last().copied().unwrap_or(false),
        recent,
    }
}

fn card(id: &str, stability: f64) -> SrsCard {
    SrsCard {
        question_id: id.into(),
        stability,
        difficulty: 5.0,
        due: NOW + DAY_MS,
        last_review: NOW,
        reps: 3,
        lapses: 0,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn hand_computed_histories() {
    let stats = vec![stat("missed1", &[false]), stat("missed3", &[false; 3]), stat("right3", &[true; 3])];
    // Stabilities in days; recall is read a day after the last review, so 0.5^(1/S).
    let cards = vec![card("missed1", 1.0), card("missed3", 0.5), card("right3", 4.0)];
    let k = Knowledge::new(&stats, &cards);
    let s = HalfLife;
    // Missed once: (0 + ½) / (1 + 1) = 0.25, recall 0.5^(1/1) = 0.5 → 0.125.
    assert!(close(k.recall("missed1", &s, NOW).unwrap_or(1.0), 0.5));
    assert!(close(k.predicted("missed1", &s, NOW), 0.125));
    // Missed three times: (0 + ½) / 4 = 0.125, recall 0.5^(1/0.5) = 0.25 → 0.03125.
    assert!(close(k.predicted("missed3", &s, NOW), 0.031_25));
    // Right three times: 3.5 / 4 = 0.875, recall 0.5^(1/4) = 0.840896… → 0.735784…
    assert!(close(k.predicted("right3", &s, NOW), 0.875 * 0.5f64.powf(0.25)));
    // Never seen: the prior.
    assert!(close(k.predicted("unseen", &s, NOW), UNSEEN_PRIOR));
    assert!(k.recall("unseen", &s, NOW).is_none());
    // Ten days on, recall has decayed from the review itself, not from the one-day floor.
    assert!(close(k.recall("right3", &s, NOW + 10 * DAY_MS).unwrap_or(0.0), 0.5f64.powf(10.0 / 4.0)));
    // The smoothing alone.
    assert!(close(smoothed_accuracy(0, 0), 0.5));
    assert!(close(smoothed_accuracy(0, 1), 0.25));
    assert!(close(smoothed_accuracy(5, 5), 5.5 / 6.0));
}

/// The history with the real scheduler: three wrong answers in a row, then `stats`.
#[test]
fn three_fresh_misses_with_fsrs_read_below_unseen() {
    let s = Fsrs::default();
    let mut prev: Option<SrsCard> = None;
    for i in 0..3 {
        let u = update_for_answer(&s, prev.as_ref(), "q", Rating::Again, NOW + i * 60_000, SrsSettings::default());
        prev = Some(u.card);
    }
    let cards = vec![prev.expect("a card")];
    let stats = vec![stat("q", &[false; 3])];
    let k = Knowledge::new(&stats, &cards);
    let now = NOW + 3 * 60_000;
    let recall = k.recall("q", &s, now).expect("recall");
    assert!(recall < 0.9, "recall right after a lapse reads {recall}");
    let p = k.predicted("q", &s, now);
    assert!(p < 0.5 * UNSEEN_PRIOR, "three fresh misses predict {p}");
    // One miss is worse than none and better than three.
    let one = vec![stat("q", &[false])];
    let k1 = Knowledge::new(&one, &cards);
    assert!(k1.predicted("q", &s, now) < UNSEEN_PRIOR);
    assert!(k1.predicted("q", &s, now) > p);
}

#[test]
fn readiness_with_nothing_seen_is_the_prior_and_a_miss_lowers_it() {
    let bank = Bank::load(&ContentSource::Embedded).expect("bank");
    let s = Fsrs::default();
    let r = readiness(&bank, &Knowledge::new(&[], &[]), &s, NOW);
    assert!(close(r.predicted, UNSEEN_PRIOR));
    assert_eq!(r.scaled, 550);
    let id = bank.questions().iter().find(|q| q.level == gatewise::bank::Level::Exam).expect("q").id.clone();
    let u = update_for_answer(&s, None, &id, Rating::Again, NOW, SrsSettings::default());
    let stats = vec![stat(&id, &[false])];
    let cards = vec![u.card];
    let after = readiness(&bank, &Knowledge::new(&stats, &cards), &s, NOW);
    assert!(after.predicted < r.predicted, "a miss lowers readiness");
    assert!(r.formula.contains("(right + ½) ÷ (answers + 1)"));
}
