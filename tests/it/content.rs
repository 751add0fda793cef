//! The shipped bank: everything loads and checks clean, and the minimums cannot shrink silently.
use gatewise::bank::{Bank, ContentSource, Domain, Kind, check, read_source};

fn bank() -> Bank {
    Bank::load(&ContentSource::Embedded).expect("the bundled bank loads and checks clean")
}

#[test]
fn every_shipped_file_loads_without_problems_or_warnings() {
    let files = read_source(&ContentSource::Embedded).expect("embedded");
    let (bank, problems) = check(&files);
    assert!(problems.is_empty(), "{problems:#?}");
    let question_files = files.iter().filter(|f| f.path.starts_with("questions/") && f.path.ends_with(".json")).count();
    assert!(question_files >= 13, "one file per topic");
    assert!(bank.faq.len() >= 25);
}

#[test]
fn question_bank_minimums() {
    let bank = bank();
    let n = bank.questions().len();
    assert!(n >= 200, "{n} questions");
    for t in &bank.topics {
        let c = bank.questions_in_topic(&t.id).count();
        assert!(c >= 10, "topic {} has {c} questions", t.id);
    }
    let multiple = bank.questions().iter().filter(|q| q.kind == Kind::Multiple).count();
    assert!(multiple * 4 >= n, "multiple response {multiple} of {n} is under 25%");
    for d in 1..=3 {
        assert!(bank.questions().iter().any(|q| q.difficulty == d), "no difficulty {d}");
    }
    for d in Domain::ALL {
        assert!(bank.questions().iter().any(|q| q.domain == Some(d)), "no {d:?}");
    }
    let billing = bank.questions().iter().filter(|q| q.domain == Some(Domain::BillingPricingSupport)).count();
    assert!(billing * 10 >= n, "billing-pricing-support {billing} of {n} is under 10%");
    // Enough per domain for a full 65-question mock at the exam weights.
    for d in Domain::ALL {
        let have = bank.questions().iter().filter(|q| q.domain == Some(d)).count() as u32;
        assert!(have * 100 >= 65 * d.weight_percent(), "{d:?}: {have}");
    }
}

#[test]
fn seed_scenarios_are_covered() {
    let bank = bank();
    for tag in ["scenario:serverless-front-door", "scenario:mobile-microservices", "scenario:rate-limiting"] {
        let c = bank.questions().iter().filter(|q| q.tags.iter().any(|t| t == tag)).count();
        assert!(c >= 3, "{tag}: {c}");
    }
}

#[test]
fn a_note_for_every_topic_with_the_required_sections() {
    let bank = bank();
    assert!(bank.notes.len() >= 14);
    for t in &bank.topics {
        assert!(bank.notes.iter().any(|n| n.topic == t.id), "no note for {}", t.id);
    }
    for n in &bank.notes {
        for section in [
            "## What it is",
            "## Key points",
            "> **Exam tip:**",
            "## How it shows up on the exam",
            "## Common traps",
            "## Sources",
        ] {
            assert!(n.body.contains(section), "note {} lacks {section:?}", n.id);
        }
    }
}

#[test]
fn faq_sets_the_seed_page_straight() {
    let bank = bank();
    let text: Vec<String> = bank.faq.iter().map(|f| format!("{} {}", f.question, f.answer).to_lowercase()).collect();
    let has = |needle: &[&str]| text.iter().any(|t| needle.iter().all(|n| t.contains(n)));
    assert!(has(&["private api", "vpc link"]), "private API vs VPC link");
    assert!(has(&["regional", "private"]), "Regional is not for VPC-internal APIs");
    assert!(has(&["what is amazon api gateway"]));
    assert!(has(&["api key", "not"]), "API keys are not authentication");
}

#[test]
fn every_single_answer_question_has_one_key_and_multiple_state_their_count() {
    for q in bank().questions() {
        match q.kind {
            Kind::Single => assert_eq!(q.answer_count(), 1, "{}", q.id),
            Kind::Multiple => assert_eq!(Some(q.answer_count() as u8), q.choose, "{}", q.id),
        }
    }
}

/// Content v2: two depths, enough exam-level questions for repeated mocks, no answer-length cue,
/// no near-duplicates, and misconception tags on most exam-level distractors.
#[test]
fn content_v2_levels_length_cue_and_misconceptions() {
    use gatewise::bank::Level;
    use gatewise::bank::quality::{self, MAX_LONGEST_STRATEGY, MAX_MULTI_LONGEST, MAX_SINGLE_LONGEST, RATIO_RANGE};
    let bank = bank();
    let exam: Vec<_> = bank.questions().iter().filter(|q| q.level == Level::Exam).collect();
    assert!(bank.questions().len() >= 300, "{} questions in all", bank.questions().len());
    assert!(exam.len() >= 200, "{} exam-level questions", exam.len());
    // A 65-question mock drawn by the guide's weights from exam-level questions alone, with room
    // to spare so three mocks in a row are not the same questions.
    for (d, n) in gatewise::study::exam::domain_quota(65) {
        let have = exam.iter().filter(|q| q.domain == Some(d)).count();
        assert!(have >= 2 * n, "{d:?}: {have} exam-level questions for a quota of {n}");
    }
    let cue = quality::length_cue(bank.questions());
    assert!(cue.single_longest <= MAX_SINGLE_LONGEST, "{cue:?}");
    assert!(cue.multiple_longest <= MAX_MULTI_LONGEST, "{cue:?}");
    assert!((RATIO_RANGE.0..=RATIO_RANGE.1).contains(&cue.median_length_ratio), "{cue:?}");
    assert!(cue.longest_option_strategy < MAX_LONGEST_STRATEGY, "{cue:?}");
    assert_eq!(quality::near_duplicates(bank.questions()), Vec::new());
    assert!(bank.misconceptions.len() >= 30, "{} misconceptions", bank.misconceptions.len());
    for id in ["private-api-is-vpc-link", "regional-is-vpc-internal", "api-keys-authenticate"] {
        assert!(bank.misconception(id).is_some(), "the catalogue lacks {id}");
    }
    let tagged = quality::tagged_share(bank.questions());
    assert!(tagged["exam"] >= 0.60, "{tagged:?}");
    assert!(quality::problems(&bank, gatewise::bank::Severity::Error).is_empty());
    assert_eq!(quality::builtin_problems(&bank), Vec::new());
}
