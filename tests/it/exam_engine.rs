//! The exam engine with a fake clock: the draw, the clock, warnings and scoring.
use std::collections::HashSet;

use gatewise::bank::{Bank, ContentSource, Domain, Kind};
use gatewise::study::exam::{Clock, ExamSpec, Item, ReviewFilter, domain_quota, draw, scaled_estimate, score};

fn bank() -> Bank {
    Bank::load(&ContentSource::Embedded).expect("bank")
}

#[test]
fn full_mock_draws_by_the_domain_weights_without_repeats() {
    let b = bank();
    assert_eq!(
        domain_quota(65),
        vec![
            (Domain::CloudConcepts, 16),
            (Domain::SecurityCompliance, 19),
            (Domain::TechnologyServices, 22),
            (Domain::BillingPricingSupport, 8)
        ]
    );
    for seed in 0..20 {
        let items = draw(&b, &ExamSpec::full(), seed);
        assert_eq!(items.len(), 65);
        let ids: HashSet<&str> = items.iter().map(|i| i.question_id.as_str()).collect();
        assert_eq!(ids.len(), 65, "a question appeared twice");
        for (d, n) in domain_quota(65) {
            let got = items.iter().filter(|i| b.question(&i.question_id).is_some_and(|q| q.domain == Some(d))).count();
            assert_eq!(got, n, "{d:?} with seed {seed}");
        }
        for i in &items {
            let q = b.question(&i.question_id).expect("q");
            let mut order = i.order.clone();
            order.sort_unstable();
            assert_eq!(order, (0..q.options.len()).collect::<Vec<_>>(), "option order is a permutation");
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_exam_and_others_differ() {
    let b = bank();
    assert_eq!(draw(&b, &ExamSpec::quick(), 99), draw(&b, &ExamSpec::quick(), 99));
    assert_ne!(draw(&b, &ExamSpec::quick(), 99), draw(&b, &ExamSpec::quick(), 100));
}

#[test]
fn quick_and_custom_exams_and_topic_filters() {
    let b = bank();
    assert_eq!(draw(&b, &ExamSpec::quick(), 1).len(), 20);
    let spec = ExamSpec::custom(12, 15, vec!["caching".into()]);
    let items = draw(&b, &spec, 1);
    assert_eq!(items.len(), 12);
    assert!(items.iter().all(|i| b.question(&i.question_id).is_some_and(|q| q.topic == "caching")));
    // Asking for more than the pool has gives the whole pool, topped up across domains.
    // Mock exams draw from exam-level questions only.
    let all_caching = b.questions_in_topic("caching").filter(|q| q.level == gatewise::bank::Level::Exam).count();
    assert!(all_caching < b.questions_in_topic("caching").count(), "caching has deep dives to leave out");
    assert_eq!(draw(&b, &ExamSpec::custom(500, 60, vec!["caching".into()]), 3).len(), all_caching);
}

const MIN: i64 = 60_000;

#[test]
fn the_clock_counts_only_open_time_and_expires() {
    let mut c = Clock::new(28 * MIN, 0);
    c.resume(1_000);
    assert_eq!(c.elapsed(1_000 + 5 * MIN), 5 * MIN);
    c.pause(1_000 + 5 * MIN);
    // Closed for a day: nothing counts.
    assert_eq!(c.elapsed(1_000 + 24 * 60 * MIN), 5 * MIN);
    // Resumed from the stored 5 minutes, as `--resume` does.
    let mut r = Clock::new(28 * MIN, c.banked_ms);
    r.resume(10_000_000);
    assert_eq!(r.remaining(10_000_000 + 3 * MIN), 20 * MIN);
    assert!(!r.expired(10_000_000 + 23 * MIN - 1));
    assert!(r.expired(10_000_000 + 23 * MIN));
    assert_eq!(r.elapsed(10_000_000 + 99 * MIN), 28 * MIN, "never beyond the limit");
}

#[test]
fn warnings_at_30_15_and_5_minutes_left() {
    let mut c = Clock::new(90 * MIN, 0);
    c.resume(0);
    assert_eq!(c.warning_between(0, 59 * MIN), None);
    assert_eq!(c.warning_between(59 * MIN, 60 * MIN), Some(30));
    assert_eq!(c.warning_between(60 * MIN, 61 * MIN), None);
    assert_eq!(c.warning_between(74 * MIN, 75 * MIN), Some(15));
    assert_eq!(c.warning_between(84 * MIN + 59_999, 85 * MIN), Some(5));
    // A 28-minute exam never warns at 30.
    let mut q = Clock::new(28 * MIN, 0);
    q.resume(0);
    assert_eq!(q.warning_between(0, MIN), None);
    assert_eq!(q.warning_between(12 * MIN, 13 * MIN), Some(15));
}

fn item_for(b: &Bank, id: &str, answer: Option<Vec<usize>>) -> Item {
    let q = b.question(id).expect("q");
    Item { question_id: id.into(), order: (0..q.options.len()).collect(), answer, flagged: false }
}

#[test]
fn scoring_single_multiple_all_or_nothing_and_unanswered() {
    let b = bank();
    let single = b.questions().iter().find(|q| q.kind == Kind::Single).expect("single");
    let multi = b.questions().iter().find(|q| q.kind == Kind::Multiple).expect("multiple");
    let key_m = multi.correct_indices();
    let wrong_s = (0..single.options.len()).find(|i| !single.options[*i].correct).expect("a wrong option");
    let items = vec![
        item_for(&b, &single.id, Some(single.correct_indices())),
        item_for(&b, &single.id, Some(vec![wrong_s])),
        item_for(&b, &multi.id, Some(key_m.clone())),
        // One right and one missing: no partial credit.
        item_for(&b, &multi.id, Some(vec![key_m[0]])),
        item_for(&b, &single.id, None),
    ];
    let r = score(&b, &items, 123);
    assert_eq!(r.item_correct, [true, false, true, false, false]);
    assert_eq!((r.correct, r.total, r.unanswered), (2, 5, 1));
    assert_eq!(r.scaled, scaled_estimate(2, 5));
    assert_eq!(r.scaled, 460);
    assert!(!r.passed);
    assert_eq!(scaled_estimate(0, 65), 100);
    assert_eq!(scaled_estimate(65, 65), 1000);
    assert!(scaled_estimate(44, 65) >= 700 && scaled_estimate(43, 65) < 700);
    // Review filters.
    assert!(ReviewFilter::Unanswered.admits(&items[4], false));
    assert!(!ReviewFilter::Incorrect.admits(&items[0], true));
}

#[test]
fn a_question_removed_from_the_bank_is_not_scored() {
    let b = bank();
    let q = &b.questions()[0];
    let mut items = vec![item_for(&b, &q.id, Some(q.correct_indices()))];
    items.push(Item { question_id: "gone-001".into(), order: vec![0, 1, 2, 3], answer: Some(vec![0]), flagged: false });
    let r = score(&b, &items, 0);
    assert_eq!((r.correct, r.total), (1, 1));
}
