//! Real public question files (tests/fixtures/import/real/, sources and licences in SOURCES.md):
//! per file, how many items import, how many are skipped and why, and a few questions field by field.
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use gatewise::bank::Kind;
use gatewise::bank::import::{ImportFormat, ImportOptions, ImportReport, import};

fn load(file: &str, format: ImportFormat) -> ImportReport {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/real").join(file);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    import(&text, format, &ImportOptions::for_file(&path)).unwrap_or_else(|p| panic!("{file}: {p:#?}"))
}

/// A file, its format, how many questions import, and the skipped items by reason.
type Case = (&'static str, ImportFormat, usize, &'static [(&'static str, usize)]);

#[test]
fn each_real_file_imports_what_it_can_and_names_the_rest() {
    let cases: &[Case] = &[
        (
            "moodle-questions.gift.txt",
            ImportFormat::Gift,
            5,
            &[("essay", 1), ("matching", 1), ("numerical", 1), ("short answer", 1)],
        ),
        ("moodle-questions_in_category.gift.txt", ImportFormat::Gift, 2, &[("matching", 1), ("short answer", 1)]),
        ("linkedin-aws-quiz.md", ImportFormat::Markdown, 128, &[("invalid question", 4)]),
        ("linkedin-json-quiz.md", ImportFormat::Markdown, 277, &[("invalid question", 3)]),
        ("linkedin-rest-api-quiz.md", ImportFormat::Markdown, 72, &[]),
    ];
    for (file, format, imported, skipped) in cases {
        let r = load(file, *format);
        let want: BTreeMap<&str, usize> = skipped.iter().copied().collect();
        assert_eq!((r.imported.questions.len(), r.skipped_by_reason()), (*imported, want), "{file}: {:#?}", r.skipped);
    }
}

#[test]
fn moodle_fixture_questions_field_by_field() {
    let r = load("moodle-questions.gift.txt", ImportFormat::Gift);
    let q = |id: &str| r.imported.questions.iter().find(|q| q.id == id).unwrap_or_else(|| panic!("{id}"));
    let q2 = q("moodle-questions-gift-q2");
    assert_eq!(q2.stem, "What's between orange and green in the spectrum?");
    assert_eq!((q2.kind, q2.correct_indices()), (Kind::Single, vec![0]));
    // `[html]wrong, it's yellow`: marker gone, and the verdict the app prints itself.
    assert_eq!(q2.options[1].explanation, "it's yellow");
    assert_eq!(q2.options[2].text, "blue", "[plain] marker gone");
    let colours = q("moodle-questions-gift-colours");
    assert_eq!((colours.kind, colours.correct_indices()), (Kind::Multiple, vec![0, 2]), "weights 50+50 are right");
    let tf = q("moodle-questions-gift-q1");
    assert_eq!(tf.correct_indices(), [1], "{{FALSE}}");
    assert_eq!(tf.explanation, "This is, of course, a Hitchiker's Guide to the Galaxy reference.");
    assert!(tf.domain.is_none(), "no CLF-C02 domain unless the file says so");

    let r = load("moodle-questions_in_category.gift.txt", ImportFormat::Gift);
    let greeting = &r.imported.questions[0];
    assert_eq!(greeting.topic, "default-for-new-features");
    assert_eq!(greeting.stem, "[Listen to this greeting:]\n\nWhat language is being spoken?");
    assert_eq!(greeting.correct_indices(), [1]);
    assert_eq!(r.imported.topics[0].title, "Default for New Features");
}
