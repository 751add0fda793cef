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
        ("qas-multichoice.gift", ImportFormat::Gift, 4, &[]),
        (
            "qas-all.gift",
            ImportFormat::Gift,
            9,
            &[("description", 1), ("essay", 2), ("matching", 2), ("numerical", 4), ("short answer", 4)],
        ),
        ("moodle-questions.aiken.txt", ImportFormat::Aiken, 2, &[]),
        ("moodle-aiken_errors.txt", ImportFormat::Aiken, 2, &[("invalid question", 3)]),
        ("qas-aiken_1.txt", ImportFormat::Aiken, 4, &[("invalid question", 1)]),
        ("qas-kahoot.csv", ImportFormat::Csv, 4, &[("invalid question", 1)]),
        ("gsharma-sample.csv", ImportFormat::Csv, 10, &[]),
        ("gsharma-extended_sample.csv", ImportFormat::Csv, 10, &[]),
    ];
    let mut failed = Vec::new();
    for (file, format, imported, skipped) in cases {
        let r = load(file, *format);
        let want: BTreeMap<&str, usize> = skipped.iter().copied().collect();
        if (r.imported.questions.len(), r.skipped_by_reason()) != (*imported, want) {
            failed.push(format!("{file}: {}\n{:#?}", r.summary(), r.skipped));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
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

#[test]
fn other_real_files_field_by_field() {
    let r = load("qas-multichoice.gift", ImportFormat::Gift);
    let q = |id: &str| r.imported.questions.iter().find(|q| q.id == id).unwrap_or_else(|| panic!("{id}"));
    // `// [id:108]` names the question; three weights of 33.33333% make full marks.
    let dates = q("qas-multichoice-108");
    assert_eq!((dates.kind, dates.choose, dates.correct_indices()), (Kind::Multiple, Some(3), vec![0, 1, 2]));
    assert_eq!(dates.stem, "Why is the 20th August an important date? (You may choose more than one answer.)");
    let mooc = q("qas-multichoice-multichoice2");
    assert_eq!(
        mooc.options[0].explanation,
        "Check out the site [http://learn.moodle.net/] available until January 2014 to see the archive.",
        "HTML feedback as text, the app's own verdict (`Correct!`) dropped"
    );
    let statements = q("qas-multichoice-multichoice4");
    assert_eq!(
        (statements.options.len(), statements.correct_indices()),
        (6, vec![0, 2, 5]),
        "negative weights are wrong"
    );
    assert_eq!(
        q("qas-multichoice-1015").explanation,
        "Remember - the developer docs Release notes are your friend! [http://docs.moodle.org/dev/Releases]"
    );

    let r = load("moodle-aiken_errors.txt", ImportFormat::Aiken);
    let skipped: Vec<String> = r.skipped.iter().map(ToString::to_string).collect();
    assert_eq!(
        skipped,
        [
            "line 1: has 1 options; a question needs 2 to 10",
            "line 5: an option with no question text before it",
            "line 14: no `ANSWER:` line after the options",
        ]
    );
    let last = &r.imported.questions[1];
    let texts: Vec<&str> = last.options.iter().map(|o| o.text.as_str()).collect();
    assert_eq!(
        (last.stem.as_str(), texts.as_slice(), last.correct_indices()),
        ("A second good question", ["Incorrect (No space)", "Correct (No space)"].as_slice(), vec![1])
    );

    let r = load("moodle-questions.aiken.txt", ImportFormat::Aiken);
    let html = &r.imported.questions[1];
    assert_eq!(
        html.stem,
        "Moodle's abilities include handling user input that includes <html class=\"cool\"> & images:"
    );
    assert_eq!(html.correct_indices(), [0]);

    let r = load("qas-kahoot.csv", ImportFormat::Csv);
    let first = &r.imported.questions[0];
    let texts: Vec<&str> = first.options.iter().map(|o| o.text.as_str()).collect();
    assert_eq!((texts.as_slice(), first.correct_indices()), (["2.6", "-2.0", "2.0", "2.5"].as_slice(), vec![3]));
    let three = &r.imported.questions[1];
    assert_eq!(three.options.len(), 3, "an empty Answer 4 is left out");
    assert_eq!(
        r.skipped[0].to_string(),
        "line 6: option 2 repeats the text of option 1; option 3 repeats the text of option 1; option 4 repeats the text of option 1"
    );
}

#[test]
fn moodle_qformat_csv_sheets_field_by_field() {
    for file in ["gsharma-sample.csv", "gsharma-extended_sample.csv"] {
        let r = load(file, ImportFormat::Csv);
        let prefix = file.trim_end_matches(".csv").replace('_', "-");
        let q = |n: &str| {
            let id = format!("{prefix}-question{n}");
            r.imported.questions.iter().find(|q| q.id == id).unwrap_or_else(|| panic!("{file}: {id}"))
        };
        let dmesg = q("1");
        let texts: Vec<&str> = dmesg.options.iter().map(|o| o.text.as_str()).collect();
        assert_eq!(
            (dmesg.stem.as_str(), texts.as_slice(), dmesg.kind, dmesg.correct_indices()),
            (
                "The dmesg command",
                [
                    "Shows user login logoff attempts",
                    "Shows the syslog file for info messages",
                    "kernel log messages",
                    "Shows the daemon log messages"
                ]
                .as_slice(),
                Kind::Single,
                vec![2]
            ),
            "{file}: `Answer 1` is C, `Answer 2` empty"
        );
        assert!(dmesg.explanation.is_empty() && dmesg.domain.is_none(), "{file}: no generalfeedback column");
        let mknod = q("2");
        assert_eq!(mknod.stem, "The command \u{201c}mknod myfifo b 4 16\u{201d}", "{file}: curly quotes kept");
        assert_eq!(
            (mknod.kind, mknod.choose, mknod.correct_indices()),
            (Kind::Multiple, Some(2), vec![0, 1]),
            "{file}: `A,B` is a Choose TWO question"
        );
        assert_eq!(mknod.options[3].text, "None ,of the mentioned", "{file}: the quoted comma stays in the text");
        let inode = q("7");
        let texts: Vec<&str> = inode.options.iter().map(|o| o.text.as_str()).collect();
        assert_eq!(texts, ["\u{2013}l", "\u{2013}o", "\u{2013}a", "\u{2013}i"], "{file}: en dashes kept");
        assert_eq!(inode.correct_indices(), [3]);
        assert_eq!(q("8").stem, "Find / -name \u{2018}*\u{2019} will");
        assert!(r.warnings.is_empty(), "{file}: {:?}", r.warnings);
    }
}
