//! Misconceptions as a learner meets them: a tagged distractor's belief is shown, counted,
//! corrected by a later right answer on a question testing the same belief, and shown again.
use std::collections::HashMap;

use gatewise::bank::{Bank, SourceFile, check};
use gatewise::study::misconceptions::{Slip, beliefs, feedback, shown};

const DAY: i64 = 86_400_000;

fn bank() -> Bank {
    let q = |id: &str, tag: &str| {
        format!(
            r#"{{"id":"{id}","topic":"t","domain":"security-compliance","difficulty":1,"level":"exam","kind":"single",
            "stem":"Stem {id}?","options":[
              {{"text":"Right","correct":true,"explanation":"Because."}},
              {{"text":"Keys","correct":false,"explanation":"No.","misconception":"{tag}"}},
              {{"text":"Other","correct":false,"explanation":"No."}},
              {{"text":"More","correct":false,"explanation":"No."}}],
            "explanation":"x","sources":["https://docs.aws.amazon.com/apigateway/latest/developerguide/welcome.html"],
            "notes":["n"]}}"#
        )
    };
    let files = vec![
        SourceFile { path: "content/topics.json".into(), text: r#"[{"id":"t","title":"T","order":1}]"#.into() },
        SourceFile {
            path: "content/notes/n.md".into(),
            text: "---\nid: n\ntitle: The note\ntopic: t\norder: 1\n---\n# Intro\n\n## API keys are **not** auth\n\nText.\n"
                .into(),
        },
        SourceFile {
            path: "content/misconceptions.json".into(),
            text: r#"[{"id":"keys-auth","belief":"API keys authenticate callers.","correction":"They identify clients.",
              "source":"https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html",
              "note":"n","heading":"API keys are not auth"}]"#
                .into(),
        },
        SourceFile { path: "questions/t.json".into(), text: format!("[{},{}]", q("q1", "keys-auth"), q("q2", "keys-auth")) },
    ];
    let (bank, problems) = check(&files);
    assert!(problems.is_empty(), "{problems:#?}");
    bank
}

#[test]
fn a_chosen_tagged_distractor_shows_its_belief_and_a_right_answer_shows_none() {
    let bank = bank();
    let q = bank.question("q1").expect("q1");
    assert_eq!(shown(q, &[1]), vec!["keys-auth".to_string()]);
    assert!(shown(q, &[0]).is_empty());
    assert!(shown(q, &[2]).is_empty(), "an untagged distractor shows nothing");
    let m = bank.misconception("keys-auth").expect("catalogued");
    let lines = feedback(&bank, m);
    assert_eq!(lines[0], "This choice reflects a common belief: \u{201c}API keys authenticate callers.\u{201d}");
    assert_eq!(lines[2], "Read: The note \u{203a} API keys are not auth");
}

#[test]
fn shown_repeated_corrected_and_shown_again() {
    let bank = bank();
    let now = 100 * DAY;
    let slip = |q: &str, at: i64| Slip { question_id: q.into(), at, ids: vec!["keys-auth".into()] };
    let mut right: HashMap<String, i64> = HashMap::new();

    // Shown once: listed, not active (needs two in a week), not corrected.
    let b = beliefs(&bank, &[slip("q1", now - DAY)], &right, now);
    assert_eq!(b.len(), 1);
    assert_eq!((b[0].times, b[0].active, b[0].corrected), (1, false, false));
    assert_eq!(b[0].questions, vec!["q1".to_string(), "q2".to_string()]);

    // Shown twice within the week: active, a weak area.
    let slips = [slip("q1", now - 2 * DAY), slip("q2", now - DAY)];
    let b = beliefs(&bank, &slips, &right, now);
    assert_eq!((b[0].times, b[0].times_last_week, b[0].active), (2, 2, true));

    // A right answer on another question testing the belief, after the last slip: corrected.
    right.insert("q1".into(), now - DAY / 2);
    let b = beliefs(&bank, &slips, &right, now);
    assert!(b[0].corrected && !b[0].active, "{b:?}");

    // Shown again after the correction: no longer corrected.
    let slips = [slip("q1", now - 2 * DAY), slip("q2", now - DAY), slip("q2", now - DAY / 4)];
    let b = beliefs(&bank, &slips, &right, now);
    assert!(!b[0].corrected && b[0].active, "{b:?}");
    assert_eq!(b[0].times, 3);

    // Old slips age out of the active window.
    let b = beliefs(&bank, &[slip("q1", now - 30 * DAY), slip("q1", now - 29 * DAY)], &HashMap::new(), now);
    assert!(!b[0].active && b[0].times_last_week == 0);
}

#[test]
fn the_catalogue_is_checked_against_tags_notes_and_headings() {
    let bad_heading = vec![
        SourceFile { path: "content/topics.json".into(), text: r#"[{"id":"t","title":"T","order":1}]"#.into() },
        SourceFile { path: "content/notes/n.md".into(), text: "---\nid: n\ntitle: N\ntopic: t\norder: 1\n---\n# Intro\n".into() },
        SourceFile {
            path: "content/misconceptions.json".into(),
            text: r#"[{"id":"m","belief":"b","correction":"c","source":"https://example.com/x","note":"n","heading":"Nope"}]"#.into(),
        },
        SourceFile {
            path: "questions/t.json".into(),
            text: r#"[{"id":"q","topic":"t","domain":"cloud-concepts","difficulty":1,"kind":"single","stem":"S?",
              "options":[{"text":"A","correct":true,"explanation":"e","misconception":"m"},
                         {"text":"B","correct":false,"explanation":"e","misconception":"unknown"},
                         {"text":"C","correct":false,"explanation":"e"},{"text":"D","correct":false,"explanation":"e"}],
              "explanation":"x","sources":["https://docs.aws.amazon.com/x"]}]"#
                .into(),
        },
    ];
    let (_, problems) = check(&bad_heading);
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let has = |needle: &str| text.iter().any(|t| t.contains(needle));
    assert!(has("has no heading `Nope`"), "{text:#?}");
    assert!(has("is not on an AWS documentation domain"), "{text:#?}");
    assert!(has("option 1 is correct but names misconception `m`"), "{text:#?}");
    assert!(has("option 2 names misconception `unknown`"), "{text:#?}");
}
