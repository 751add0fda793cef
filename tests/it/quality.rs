//! The bank-quality measures on hand-built questions: the length cue, the longest-option
//! strategy with ties, near-duplicate stems, and `bank check` failing the rules for a bank.
use gatewise::bank::quality::{length_cue, longest_pick_score, near_duplicates, tagged_share};
use gatewise::bank::{AnswerOption, Domain, Kind, Level, Question};

fn q(id: &str, stem: &str, level: Level, opts: &[(&str, bool, Option<&str>)]) -> Question {
    let correct = opts.iter().filter(|o| o.1).count();
    Question {
        id: id.into(),
        topic: "t".into(),
        domain: Some(Domain::TechnologyServices),
        difficulty: 1,
        level,
        kind: if correct > 1 { Kind::Multiple } else { Kind::Single },
        choose: (correct > 1).then(|| u8::try_from(correct).expect("small")),
        stem: stem.into(),
        options: opts
            .iter()
            .map(|(t, c, m)| AnswerOption {
                text: (*t).into(),
                correct: *c,
                explanation: "why".into(),
                misconception: m.map(str::to_string),
            })
            .collect(),
        explanation: "x".into(),
        sources: vec![],
        tags: vec![],
        notes: vec![],
        missing: vec![],
    }
}

#[test]
fn the_longest_pick_scores_one_zero_or_its_share_of_a_tie() {
    let longest = q("a", "s", Level::Exam, &[("right answer", true, None), ("no", false, None), ("nah", false, None)]);
    assert_eq!(longest_pick_score(&longest), 1.0);
    let shortest = q("b", "s", Level::Exam, &[("ok", true, None), ("wrong one", false, None), ("nope", false, None)]);
    assert_eq!(longest_pick_score(&shortest), 0.0);
    let tie = q("c", "s", Level::Exam, &[("aaaa", true, None), ("bbbb", false, None), ("cc", false, None)]);
    assert_eq!(longest_pick_score(&tie), 0.5);
    // Choose TWO: one strictly longest right option, then a two-way tie for the second pick.
    let multi = q(
        "d",
        "s",
        Level::Exam,
        &[("longest one", true, None), ("mid1", true, None), ("mid2", false, None), ("x", false, None)],
    );
    assert_eq!(longest_pick_score(&multi), 0.5);
}

#[test]
fn length_cue_figures() {
    let qs = vec![
        q("a", "s", Level::Exam, &[("right answer", true, None), ("no", false, None), ("nah", false, None)]),
        q("b", "s", Level::Deep, &[("ok", true, None), ("wrong", false, None), ("nope", false, None)]),
    ];
    let cue = length_cue(&qs);
    assert_eq!(cue.single_longest, 0.5);
    // Exam level only: question a, which the longest pick gets right.
    assert_eq!(cue.longest_option_strategy, 1.0);
    // Ratios 12/2.5 = 4.8 and 2/4.5 = 0.444…; the median of two is their mean.
    assert!((cue.median_length_ratio - (4.8 + 2.0 / 4.5) / 2.0).abs() < 1e-9, "{cue:?}");
}

#[test]
fn near_duplicate_stems_are_found_and_distinct_ones_are_not() {
    let a = "A company wants to expose its Lambda functions to mobile clients over HTTPS with throttling";
    let b = "A company wants to expose its Lambda functions to mobile clients over HTTPS with throttling.";
    let c = "Which service caches API responses at the stage level for a REST API?";
    let opts: &[(&str, bool, Option<&str>)] = &[("x", true, None), ("y", false, None)];
    let qs = vec![q("a", a, Level::Exam, opts), q("b", b, Level::Exam, opts), q("c", c, Level::Exam, opts)];
    let dups = near_duplicates(&qs);
    assert_eq!(dups.len(), 1, "{dups:?}");
    assert_eq!((dups[0].0.as_str(), dups[0].1.as_str()), ("a", "b"));
}

#[test]
fn tagged_share_is_per_level_over_distractors() {
    let qs = vec![
        q("a", "s", Level::Exam, &[("r", true, None), ("w1", false, Some("m")), ("w2", false, None)]),
        q("b", "s", Level::Deep, &[("r", true, None), ("w1", false, None), ("w2", false, None)]),
    ];
    let t = tagged_share(&qs);
    assert_eq!(t["exam"], 0.5);
    assert_eq!(t["deep"], 0.0);
}
