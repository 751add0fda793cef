//! Lab scenarios: each can be completed by a scripted walkthrough, objectives are checked from
//! recorded traces, and every reference (note, questions, definition) resolves.
use gatewise::bank::{Bank, ContentSource};
use gatewise::lab::catalog::{SCENARIOS, find};
use gatewise::lab::{LabSession, preset_request};

enum Step {
    Send(usize),
    Fire(usize, usize),
    Advance(u64),
    Midnight,
    Variant(usize),
}
use Step::*;

fn walkthrough(id: &str) -> Vec<Step> {
    match id {
        "api-keys" => vec![Send(0), Send(1), Send(3)],
        "throttling" => vec![Fire(0, 3), Fire(1, 5), Advance(1_000), Send(0)],
        "quotas" => vec![Fire(0, 6), Midnight, Send(0)],
        "caching" => vec![Send(0), Send(0), Send(1), Send(2), Send(0), Advance(301_000), Send(0)],
        "authorizers" => vec![Send(0), Send(1), Send(2), Send(3), Send(4)],
        "mapping-templates" => vec![Send(0), Send(1), Send(2)],
        "stages" => vec![Send(0), Variant(1), Send(0)],
        "lambda-proxy" => vec![Send(0), Send(2)],
        "timeouts-and-errors" => vec![Send(0), Send(1), Send(2)],
        "rest-vs-http" => vec![Send(0), Variant(1), Send(0), Send(1)],
        "cors" => vec![Send(0), Send(1), Variant(1), Send(0)],
        other => panic!("no walkthrough for {other}"),
    }
}

#[test]
fn every_scenario_can_be_completed() {
    for s in SCENARIOS {
        let mut lab = LabSession::new(s, Vec::new()).expect("builds");
        for step in walkthrough(s.id) {
            match step {
                Send(p) => {
                    lab.send(preset_request(&s.presets[p]));
                }
                Fire(p, n) => {
                    for _ in 0..n {
                        lab.send(preset_request(&s.presets[p]));
                    }
                }
                Advance(ms) => lab.advance(ms),
                Midnight => lab.to_midnight(),
                Variant(v) => lab.set_variant(v).expect("variant"),
            }
        }
        let missing: Vec<&str> = s.objectives.iter().map(|o| o.id).filter(|id| !lab.met.contains(id)).collect();
        assert!(lab.complete(), "{}: objectives not met: {missing:?}", s.id);
    }
}

#[test]
fn objectives_that_come_after_another_wait_for_it() {
    let s = find("throttling").expect("scenario");
    let mut lab = LabSession::new(s, Vec::new()).expect("builds");
    // A 200 on the keyed route before any 429 does not count as "refilled".
    let newly = lab.send(preset_request(&s.presets[0]));
    assert!(newly.is_empty(), "{newly:?}");
    let newly = lab.send(preset_request(&s.presets[0]));
    assert_eq!(newly, ["plan-429"]);
    lab.advance(1_000);
    assert_eq!(lab.send(preset_request(&s.presets[0])), ["refilled"]);
}

#[test]
fn objectives_are_checked_from_recorded_traces_not_just_statuses() {
    let s = find("throttling").expect("scenario");
    let mut lab = LabSession::new(s, Vec::new()).expect("builds");
    // The unkeyed route's 429 comes from the stage bucket: it must not tick "usage-plan 429".
    for _ in 0..5 {
        lab.send(preset_request(&s.presets[1]));
    }
    assert!(lab.met.contains(&"stage-429"));
    assert!(!lab.met.contains(&"plan-429"));
    // A recorded exchange can be re-checked (as live HTTP traffic is).
    let ex = lab.history.iter().find(|e| e.trace.status == 429).cloned().expect("a 429");
    let mut fresh = LabSession::new(s, Vec::new()).expect("builds");
    assert_eq!(fresh.record(&ex.trace, &ex.response), ["stage-429"]);
}

#[test]
fn the_virtual_clock_crosses_midnight_utc() {
    let s = find("quotas").expect("scenario");
    let mut lab = LabSession::new(s, Vec::new()).expect("builds");
    lab.to_midnight();
    assert_eq!(lab.now.as_millis() % 86_400_000, 0);
    assert_eq!(lab.now.as_millis(), gatewise::lab::LAB_EPOCH_MS + 120_000);
}

#[test]
fn every_reference_resolves() {
    let bank = Bank::load(&ContentSource::Embedded).expect("bank");
    for s in SCENARIOS {
        assert!(bank.note(s.note).is_some(), "{}: note {}", s.id, s.note);
        assert!((2..=3).contains(&s.questions.len()), "{}: 2–3 questions", s.id);
        for q in s.questions {
            assert!(bank.question(q).is_some(), "{}: question {q}", s.id);
        }
        for v in 0..s.variants.len() {
            LabSession::new(s, Vec::new()).and_then(|mut l| l.set_variant(v)).expect("variant builds");
        }
        assert!(!s.objectives.is_empty() && !s.presets.is_empty());
    }
    // Notes that name a lab scenario name one that exists.
    for n in &bank.notes {
        if let Some(lab) = &n.lab {
            assert!(find(lab).is_some(), "note {} names lab {lab}", n.id);
        }
    }
}
