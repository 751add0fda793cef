//! Spaced repetition with a fake clock: the rating map, simulated weeks, the exam-date cap,
//! cram, leeches, due queues and weak areas.
use gatewise::bank::{Bank, ContentSource, Kind};
use gatewise::progress::{Answer, record};
use gatewise::store::{Db, Mode};
use gatewise::study::scheduler::{
    Card, Fsrs, LEECH_LAPSES, Rating, Scheduler, SrsSettings, cap_for_exam, rating_for, schedule,
};
use gatewise::study::selection::{Knowledge, due_queue, interleave, weak_queue};
use gatewise::study::stats::DAY_MS;
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

const T0: i64 = 1_795_564_800_000; // 2026-11-25T00:00:00Z

#[test]
fn the_rating_comes_from_the_answer() {
    assert_eq!(rating_for(false, Some(3), 2.0), Rating::Again);
    assert_eq!(rating_for(true, Some(1), 5.0), Rating::Hard);
    assert_eq!(rating_for(true, Some(2), 5.0), Rating::Good);
    assert_eq!(rating_for(true, None, 5.0), Rating::Good);
    assert_eq!(rating_for(true, Some(3), 20.0), Rating::Easy);
    assert_eq!(rating_for(true, Some(3), 21.0), Rating::Good, "sure but slow is Good");
}

#[test]
fn simulated_weeks_of_correct_reviews_grow_the_interval() {
    let s = Fsrs::default();
    let mut now = T0;
    let mut card = s.review(None, Rating::Good, now, 0.9);
    let mut intervals = vec![card.interval_days()];
    for _ in 0..6 {
        now = card.due;
        card = s.review(Some(&card), Rating::Good, now, 0.9);
        intervals.push(card.interval_days());
    }
    assert!(intervals.windows(2).all(|w| w[1] >= w[0]), "{intervals:?}");
    assert!(intervals.last().copied().unwrap_or(0.0) > 30.0, "{intervals:?}");
    // A lapse shortens it and is counted.
    let lapsed = s.review(Some(&card), Rating::Again, card.due, 0.9);
    assert!(lapsed.interval_days() < card.interval_days());
    assert_eq!(lapsed.lapses, 1);
    // Higher retention means shorter intervals.
    let strict = s.review(Some(&card), Rating::Good, card.due, 0.97);
    let loose = s.review(Some(&card), Rating::Good, card.due, 0.70);
    assert!(strict.interval_days() < loose.interval_days());
}

#[test]
fn recall_decays_with_time() {
    let s = Fsrs::default();
    let c = s.review(None, Rating::Good, T0, 0.9);
    let soon = s.recall(&c, T0 + DAY_MS);
    let later = s.recall(&c, T0 + 30 * DAY_MS);
    assert!(soon > later && soon <= 1.0 && later >= 0.0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Correct answers given when a card is due (or later) never shorten its interval.
    #[test]
    fn repeated_correct_answers_never_shorten_the_interval(
        ratings in proptest::collection::vec(prop_oneof![Just(Rating::Good), Just(Rating::Easy)], 1..10),
        late in proptest::collection::vec(0i64..5, 10),
        retention in 0.70f64..0.97,
    ) {
        let s = Fsrs::default();
        let mut card = s.review(None, Rating::Good, T0, retention);
        for (i, r) in ratings.iter().enumerate() {
            let now = card.due + late[i] * DAY_MS;
            let next = s.review(Some(&card), *r, now, retention);
            prop_assert!(next.interval_days() >= card.interval_days(), "{} < {}", next.interval_days(), card.interval_days());
            card = next;
        }
    }

    /// With an exam date, every card reviewed before it comes due at least once before it.
    #[test]
    fn every_seen_card_is_due_before_the_exam(
        reviews in proptest::collection::vec((0i64..60, prop_oneof![Just(Rating::Again), Just(Rating::Hard), Just(Rating::Good), Just(Rating::Easy)]), 1..12),
        exam_in_days in 1i64..90,
    ) {
        let s = Fsrs::default();
        let exam_at = T0 + exam_in_days * DAY_MS;
        let mut card: Option<Card> = None;
        let mut now = T0;
        for (gap, rating) in reviews {
            now += gap * DAY_MS / 4;
            if now >= exam_at {
                break;
            }
            let c = schedule(&s, card.as_ref(), rating, now, 0.9, Some(exam_at));
            prop_assert!(c.due < exam_at, "due {} not before the exam {}", c.due, exam_at);
            prop_assert!(c.due >= now);
            card = Some(c);
        }
    }
}

#[test]
fn the_cap_leaves_cards_alone_without_an_exam_or_after_it() {
    let c = Card { stability: 10.0, difficulty: 5.0, due: T0 + 40 * DAY_MS, last_review: T0, reps: 3, lapses: 0 };
    assert_eq!(cap_for_exam(c, None, T0), c);
    assert_eq!(cap_for_exam(c, Some(T0 - DAY_MS), T0), c);
    assert_eq!(cap_for_exam(c, Some(T0 + 10 * DAY_MS), T0).due, T0 + 9 * DAY_MS);
}

fn bank() -> Bank {
    Bank::load(&ContentSource::Embedded).expect("bank")
}

fn answer(db: &mut Db, b: &Bank, id: &str, right: bool, mode: Mode, now: i64) -> gatewise::progress::Recorded {
    let q = b.question(id).expect("q");
    let chosen: Vec<usize> = if right {
        q.correct_indices()
    } else {
        (0..q.options.len()).filter(|i| !q.options[*i].correct).take(q.answer_count()).collect()
    };
    let a = Answer { question: q, chosen: &chosen, confidence: Some(2), seconds: 30.0, mode, session_id: None };
    record(db, "builtin", &Fsrs::default(), SrsSettings::default(), &a, now).expect("record")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Cram answers are logged but never change any card or the review log.
    #[test]
    fn cram_never_changes_scheduling_state(history in proptest::collection::vec((0usize..20, any::<bool>(), any::<bool>()), 1..30)) {
        let b = bank();
        let mut db = Db::open_in_memory().expect("db");
        let mut now = T0;
        for (q, right, cram) in history {
            now += DAY_MS / 3;
            let id = b.questions()[q].id.clone();
            let before = (db.srs_cards("builtin").expect("cards"), db.review_log("builtin").expect("log"));
            let r = answer(&mut db, &b, &id, right, if cram { Mode::Cram } else { Mode::Practice }, now);
            if cram {
                prop_assert_eq!(&before.0, &db.srs_cards("builtin").expect("cards"));
                prop_assert_eq!(&before.1, &db.review_log("builtin").expect("log"));
                prop_assert!(r.next_in_days.is_none());
            }
        }
        // Every attempt was logged, cram or not.
        prop_assert!(db.attempt_count().expect("count") > 0);
    }
}

#[test]
fn every_answer_is_in_the_review_log_and_leeches_are_marked() {
    let b = bank();
    let mut db = Db::open_in_memory().expect("db");
    let id = b.questions()[0].id.clone();
    let mut now = T0;
    let mut last = answer(&mut db, &b, &id, true, Mode::Practice, now);
    for _ in 0..LEECH_LAPSES {
        now += 2 * DAY_MS;
        last = answer(&mut db, &b, &id, false, Mode::Practice, now);
    }
    assert_eq!(last.lapses, LEECH_LAPSES);
    let log = db.review_log("builtin").expect("log");
    assert_eq!(log.len(), 1 + LEECH_LAPSES as usize);
    assert!(log[1..].iter().all(|e| e.rating == 1));
    let card = db.srs_card("builtin", &id).expect("read").expect("card");
    assert!(Card::from(&card).is_leech());
}

#[test]
fn the_due_queue_is_most_overdue_first_and_skips_removed_questions() {
    let b = bank();
    let mut db = Db::open_in_memory().expect("db");
    let (a, c) = (b.questions()[0].id.clone(), b.questions()[1].id.clone());
    answer(&mut db, &b, &a, true, Mode::Practice, T0);
    answer(&mut db, &b, &c, false, Mode::Practice, T0 + 1000);
    let mut cards = db.srs_cards("builtin").expect("cards");
    assert!(due_queue(&b, &cards, T0).is_empty());
    let later = T0 + 400 * DAY_MS;
    let q = due_queue(&b, &cards, later);
    assert_eq!(q.len(), 2);
    // The missed one (shorter interval) is more overdue.
    assert_eq!(q[0], c);
    cards[0].question_id = "removed-001".into();
    assert_eq!(due_queue(&b, &cards, later).len(), 1);
}

#[test]
fn weak_areas_come_from_the_weakest_topics_and_interleave_look_alikes() {
    let b = bank();
    let mut db = Db::open_in_memory().expect("db");
    // Miss every caching question; get every security question right.
    let mut now = T0;
    for q in b.questions().iter().filter(|q| q.topic == "caching" || q.topic == "security") {
        now += 1000;
        answer(&mut db, &b, &q.id.clone(), q.topic == "security", Mode::Practice, now);
    }
    let stats = db.question_stats("builtin").expect("stats");
    let cards = db.srs_cards("builtin").expect("cards");
    let k = Knowledge::new(&stats, &cards);
    let s = Fsrs::default();
    let topics = gatewise::study::selection::topic_scores(&b, &k, &s, now);
    assert_eq!(topics[0].id, "caching");
    assert_eq!(topics.last().map(|t| t.id.as_str()), Some("security"));
    let mut rng = StdRng::seed_from_u64(1);
    let q = weak_queue(&b, &k, &s, now, 20, &mut rng);
    assert_eq!(q.len(), 20);
    let caching = q.iter().filter(|id| b.question(id).is_some_and(|x| x.topic == "caching")).count();
    assert!(caching >= 10, "{caching} caching questions");
    assert!(
        q.iter().all(|id| b.question(id).is_some_and(|x| x.topic != "security" || x.confusables().next().is_some()))
    );
}

#[test]
fn interleaving_alternates_confusable_groups() {
    let b = bank();
    let tagged: Vec<&gatewise::bank::Question> = b
        .questions()
        .iter()
        .filter(|q| q.confusables().next().is_some_and(|t| t == "alb" || t == "cloudfront"))
        .collect();
    let mut sorted = tagged.clone();
    sorted.sort_by_key(|q| q.confusables().next().map(str::to_string));
    let out = interleave(sorted);
    let first: Vec<String> = out
        .iter()
        .take(4)
        .map(|id| b.question(id).and_then(|q| q.confusables().next().map(str::to_string)).unwrap_or_default())
        .collect();
    assert_ne!(first[0], first[1]);
    assert_ne!(first[1], first[2]);
    assert!(b.questions().iter().any(|q| q.kind == Kind::Multiple));
}
