//! Importers against hand-written fixtures: one file per format using every construct it reads
//! (compared whole with a reviewed `constructs.expected.json`), one file per error it reports (the
//! exact line and message), and `write_bank`'s all-or-nothing directory.
use std::fs;
use std::path::{Path, PathBuf};

use gatewise::bank::import::{ImportFormat, ImportOptions, Imported, WriteError, import, write_bank};
use gatewise::bank::{self, ContentSource, Kind, MissingField, Severity};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import")
}

fn opts() -> ImportOptions {
    ImportOptions { topic: "practice".into(), id_prefix: "my".into() }
}

fn read(path: &str) -> String {
    fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn imported(format: ImportFormat, path: &str) -> Imported {
    let report = import(&read(path), format, &opts()).unwrap_or_else(|p| panic!("{path}: {p:#?}"));
    assert_eq!(report.skipped, [], "{path}");
    report.imported
}

/// Everything an import reports, as the command prints it: skipped items and warnings, or the
/// problems that stopped it.
fn reported(text: &str, format: ImportFormat) -> Vec<String> {
    match import(text, format, &opts()) {
        Ok(r) => r.skipped.iter().chain(&r.warnings).map(ToString::to_string).collect(),
        // The closing "none of the items could be imported" only repeats the list.
        Err(problems) => {
            problems.iter().map(ToString::to_string).filter(|p| !p.starts_with("line 1: none of the")).collect()
        }
    }
}

/// The whole result against the reviewed expectation next to the fixture.
fn assert_matches_expected(format: ImportFormat, dir: &str, file: &str) -> Imported {
    let got = imported(format, &format!("{dir}/{file}"));
    let expected: serde_json::Value =
        serde_json::from_str(&read(&format!("{dir}/constructs.expected.json"))).expect("expected JSON parses");
    let actual = serde_json::json!({ "topics": got.topics, "questions": got.questions });
    assert_eq!(actual, expected, "{dir}/{file} differs from {dir}/constructs.expected.json");
    got
}

#[test]
fn gift_reads_every_supported_construct() {
    let got = assert_matches_expected(ImportFormat::Gift, "gift", "constructs.gift");
    let q = &got.questions;
    assert_eq!(q.len(), 4);
    // No category yet: the default topic; no feedback: flagged, not invented.
    assert_eq!((q[0].id.as_str(), q[0].topic.as_str()), ("my-001", "practice"));
    assert_eq!(q[0].missing, [MissingField::Explanation, MissingField::Sources]);
    // `::title::` names the id; `$CATEGORY` path's last part is the topic; `#` and `####` feedback.
    assert_eq!((q[1].id.as_str(), q[1].topic.as_str()), ("my-default-limit", "throttling-basics"));
    assert_eq!(q[1].options[0].explanation, "The token bucket is empty, so the request is throttled.");
    assert_eq!(q[1].explanation, "Throttling works like a token bucket, per account and Region.");
    assert_eq!(got.topics[1].title, "Throttling basics");
    // Weights: positive is right; escapes; a question over two lines.
    assert_eq!((q[2].kind, q[2].choose), (Kind::Multiple, Some(2)));
    assert_eq!(q[2].correct_indices(), [0, 1]);
    assert_eq!(q[2].stem, "Which TWO characters need escaping in GIFT text such as { this } or a: colon?\nChoose two.");
    assert_eq!(q[2].options[3].text, "A backslash-n \\n pair");
    assert_eq!(q[2].options[3].explanation, "Not a special character\nat all.");
    // The `// gatewise:` comment restores what GIFT cannot carry.
    assert_eq!(
        (q[3].id.as_str(), q[3].difficulty, q[3].domain.map(|d| d.id())),
        ("cch-900", 3, Some("billing-pricing-support"))
    );
    assert_eq!(q[3].missing, [MissingField::Explanation]);
    assert_eq!(q[3].options[4].text, "%15 seconds");
}

#[test]
fn aiken_reads_every_supported_construct() {
    let got = assert_matches_expected(ImportFormat::Aiken, "aiken", "constructs.txt");
    let q = &got.questions;
    assert_eq!(q.iter().map(|q| q.id.as_str()).collect::<Vec<_>>(), ["my-001", "my-002", "my-003"]);
    assert_eq!((q[1].kind, q[1].choose, q[1].correct_indices()), (Kind::Multiple, Some(2), vec![0, 2]));
    assert_eq!(q[1].stem, "A question may run over\nmore than one line. Which TWO are API Gateway API types?");
    assert_eq!(q[2].options.len(), 6);
}

#[test]
fn csv_reads_every_supported_construct() {
    let got = assert_matches_expected(ImportFormat::Csv, "csv", "constructs.csv");
    let q = &got.questions;
    // Quoted commas, doubled quotes and a line break inside a field.
    assert_eq!(q[0].stem, "Which HTTP status code, by default, means \"throttled\"?");
    assert_eq!(q[0].explanation, "The token bucket is empty,\nso API Gateway rejects the request.");
    assert!(q[0].missing.is_empty(), "every field given, nothing flagged");
    // Empty cells take the defaults; `a;c` in any case.
    assert_eq!((q[1].id.as_str(), q[1].topic.as_str(), q[1].difficulty), ("my-002", "practice", 2));
    assert_eq!(q[1].correct_indices(), [0, 2]);
    assert_eq!(q[2].sources.len(), 2);
    assert_eq!((got.topics[2].id.as_str(), got.topics[2].title.as_str()), ("caching-ttls", "Caching & TTLs"));
}

#[test]
fn markdown_reads_every_supported_construct() {
    let got = assert_matches_expected(ImportFormat::Markdown, "markdown", "constructs.md");
    let q = &got.questions;
    assert_eq!(q.len(), 4, "the quiz's title heading is not a question");
    assert_eq!(q[0].explanation, "The token bucket is empty, so the request is rejected.\n\nRetry with backoff.");
    assert_eq!(q[1].id, "my-caching-basics", "a heading over a paragraph is a title");
    assert_eq!(q[1].options[3].text, "Neither: caching always needs Amazon CloudFront");
    assert_eq!(q[2].stem, "Which TWO are API Gateway API types?");
    assert_eq!(q[3].correct_indices(), [1]);
}

/// Each error fixture, the format to read it as, and exactly what must be reported.
const ERRORS: &[(&str, &[&str])] = &[
    ("gift/errors/category-no-name.gift", &["line 1: the category has no name to make a topic from"]),
    ("gift/errors/description.gift", &["line 2: a description (text with no answer block) is not a question"]),
    ("gift/errors/essay.gift", &["line 1: essay questions (`{}`) have no faithful form as a choice question"]),
    (
        "gift/errors/matching.gift",
        &["line 1: matching questions (`=a -> b`) have no faithful form as a choice question"],
    ),
    ("gift/errors/nested-brace.gift", &["line 2: `{` inside an answer block; write a literal brace as `\\{`"]),
    // Moodle reads `a` before the first `~` as a wrong answer, so no answer is right.
    ("gift/errors/no-marker.gift", &["line 1: no option is marked correct"]),
    (
        "gift/errors/numeric.gift",
        &["line 1: numerical questions (`{#...}`) have no faithful form as a choice question"],
    ),
    (
        "gift/errors/question-meta-json.gift",
        &[
            "line 1: bad `// gatewise:` comment: unknown field `colour`, expected one of `id`, `domain`, `difficulty`, `level`, `sources`, `tags`, `notes`",
        ],
    ),
    (
        "gift/errors/question-meta-orphan.gift",
        &["line 1: `// gatewise:` comment with no question after it (a blank line ends a question)"],
    ),
    (
        "gift/errors/rules.gift",
        &[
            "line 4: no option is marked correct",
            // Moodle drops an empty answer (`~` alone), so three options remain.
            "line 9: option 3 repeats the text of option 1",
            // One item, every problem with it.
            "line 14: difficulty must be 1, 2 or 3, found 7; source \"http://example.com/page\" is not an https:// URL",
            "line 19: duplicate id `q-1` (first at line 16)",
            "line 22: the question has no text",
        ],
    ),
    ("gift/errors/second-question-meta.gift", &["line 2: a second `// gatewise:` comment for one question"]),
    (
        "gift/errors/short-answer.gift",
        &["line 1: short-answer questions (answers without `~`) have no faithful form as a choice question"],
    ),
    ("gift/errors/title-unclosed.gift", &["line 1: the title opened with `::` is not closed with `::`"]),
    (
        "gift/errors/topic-meta-id.gift",
        &["line 1: topic id `Caching Rules` must be lower-case letters, digits and single hyphens"],
    ),
    ("gift/errors/topic-meta-json.gift", &["line 1: bad `// gatewise-topic:` comment: missing field `id`"]),
    (
        "gift/errors/topic-meta-orphan.gift",
        &["line 3: `// gatewise-topic:` comment with no `$CATEGORY:` line after it"],
    ),
    (
        "gift/errors/unclosed-block.gift",
        &["line 1: the answer block is not closed with `}` (a blank line ends a question)"],
    ),
    ("gift/errors/weight-range.gift", &["line 2: weight 150% is outside -100% to 100%"]),
    ("aiken/errors/answer-beyond.txt", &["line 6: `ANSWER:` names E, but the options end at D"]),
    ("aiken/errors/answer-empty.txt", &["line 6: `ANSWER:` names no option"]),
    ("aiken/errors/answer-missing-at-end.txt", &["line 1: no `ANSWER:` line after the options"]),
    ("aiken/errors/answer-missing.txt", &["line 1: no `ANSWER:` line after the options"]),
    ("aiken/errors/answer-not-letter.txt", &["line 6: `AB` is not an option letter"]),
    ("aiken/errors/answer-without-options.txt", &["line 2: `ANSWER:` line with no options before it"]),
    ("aiken/errors/first-option-not-a.txt", &["line 2: the first option is lettered B; options start at A"]),
    ("aiken/errors/letter-order.txt", &["line 4: option D follows option B; letter options A, B, C... in order"]),
    ("aiken/errors/no-options.txt", &["line 1: the question has no options"]),
    ("aiken/errors/option-without-question.txt", &["line 1: an option with no question text before it"]),
    ("csv/errors/correct-empty-option.csv", &["line 2: `correct` names E, but option_e is empty"]),
    (
        "csv/errors/correct-not-letter.csv",
        &["line 2: `correct` has `1`, which is not an option letter A to J", "line 3: no option is marked correct"],
    ),
    (
        "csv/errors/difficulty.csv",
        &["line 2: difficulty must be 1, 2 or 3, found `hard`", "line 3: difficulty must be 1, 2 or 3, found 4"],
    ),
    (
        "csv/errors/domain.csv",
        &[
            "line 2: unknown domain `networking` (known: cloud-concepts, security-compliance, technology-services, billing-pricing-support)",
        ],
    ),
    ("csv/errors/duplicate-column.csv", &["line 1: column `stem` appears twice"]),
    ("csv/errors/empty.csv", &["line 1: no questions found"]),
    ("csv/errors/explanation-without-option.csv", &["line 2: explanation_e has text but option_e is empty"]),
    ("csv/errors/field-count.csv", &["line 3: the row has 5 fields; the header has 6"]),
    (
        "csv/errors/ids.csv",
        &[
            "line 2: id `Bad Id` must be lower-case letters, digits and single hyphens",
            "line 4: duplicate id `q-1` (first at line 3)",
        ],
    ),
    ("csv/errors/missing-column.csv", &["line 1: the header has no `option_b` column"]),
    ("csv/errors/option-gap.csv", &["line 2: option_f has text but option_e before it is empty"]),
    (
        "csv/errors/source.csv",
        &[
            "line 2: source \"https://example.com/apigw\" is not on an AWS documentation domain (docs.aws.amazon.com, aws.amazon.com, d1.awsstatic.com)",
        ],
    ),
    ("csv/errors/topic.csv", &["line 2: topic `???` has no letters or digits to make an id from"]),
    (
        "csv/errors/unknown-column.csv",
        &[
            "line 1: unknown column `colour` (known: id, topic, domain, difficulty, stem, option_a, option_b, option_c, option_d, option_e, option_f, option_g, option_h, option_i, option_j, correct, explanation, explanation_a, explanation_b, explanation_c, explanation_d, explanation_e, explanation_f, explanation_g, explanation_h, explanation_i, explanation_j, sources, tags)",
        ],
    ),
    (
        "markdown/errors/no-options.md",
        &["line 1: no checkbox options (`- [x]` right, `- [ ]` wrong) after the question"],
    ),
    (
        "markdown/errors/option-after-explanation.md",
        &["line 6: an option after the explanation; the `>` explanation comes after all the options"],
    ),
    ("markdown/errors/orphan-checkbox.md", &["line 1: a checkbox option with no question text before it"]),
    (
        "markdown/errors/plain-item.md",
        &["line 4: a list item without a checkbox; write `- [x]` for a right option or `- [ ]` for a wrong one"],
    ),
    (
        "markdown/errors/rules.md",
        &[
            "line 6: no option is marked correct",
            "line 14: option 2 has no text; line 15: option 3 repeats the text of option 1",
        ],
    ),
];

fn format_of(path: &str) -> ImportFormat {
    path.split('/').next().and_then(|d| d.parse().ok()).unwrap_or_else(|| panic!("no format for {path}"))
}

#[test]
fn every_error_is_reported_with_its_line_and_message() {
    let mut failures = Vec::new();
    for (path, expected) in ERRORS {
        let got = reported(&read(path), format_of(path));
        if got != *expected {
            failures.push(format!("{path}:\n  expected {expected:#?}\n  got {got:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_error_fixture_is_checked() {
    for format in ImportFormat::ALL {
        let dir = root().join(format.name()).join("errors");
        for entry in fs::read_dir(&dir).expect("errors dir").flatten() {
            let name = format!("{}/errors/{}", format.name(), entry.file_name().to_string_lossy());
            assert!(ERRORS.iter().any(|(p, _)| *p == name), "{name} is not in ERRORS");
        }
    }
}

#[test]
fn bad_options_are_reported_at_line_0() {
    let bad = ImportOptions { topic: "My Topic".into(), id_prefix: "".into() };
    let problems = import("Q? {=a ~b ~c ~d}", ImportFormat::Gift, &bad).expect_err("bad options");
    let got: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(got, ["line 0: default topic `My Topic` is not a valid id", "line 0: id prefix `` is not a valid id"]);
}

#[test]
fn generated_ids_never_collide() {
    let text = "::Same::A? {=a ~b ~c ~d}\n\n::Same::B? {=a ~b ~c ~d}\n\n// gatewise: {\"id\": \"my-same\"}\nC? {=a ~b ~c ~d}\n";
    let got = import(text, ImportFormat::Gift, &opts()).expect("imports").imported;
    let ids: Vec<&str> = got.questions.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids, ["my-same-2", "my-same-3", "my-same"], "a stated id keeps its name; generated ones step aside");
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_are_accepted() {
    let text = "\u{feff}Which?\r\nA. a\r\nB. b\r\nC. c\r\nD. d\r\nANSWER: B\r\n";
    let got = import(text, ImportFormat::Aiken, &opts()).expect("imports").imported;
    assert_eq!(got.questions[0].stem, "Which?");
    assert_eq!(got.questions[0].correct_indices(), [1]);
}

/// A fresh directory under the system temp dir, removed on drop.
fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).expect("list").flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn a_written_bank_passes_check_with_warnings_only_for_flagged_fields() {
    let tmp = scratch();
    let out = tmp.path().join("bank");
    let mut all = imported(ImportFormat::Gift, "gift/constructs.gift");
    let csv = imported(ImportFormat::Csv, "csv/constructs.csv");
    // Ids from two files must not clash: the CSV's generated ones get their own prefix here.
    for mut q in csv.questions {
        q.id = format!("csv-{}", q.id);
        all.questions.push(q);
    }
    for t in csv.topics {
        if !all.topics.iter().any(|x| x.id == t.id) {
            all.topics.push(t);
        }
    }
    let written = write_bank(&out, &all).expect("writes");
    assert!(written.contains(&out.join("content/topics.json")));
    assert!(written.contains(&out.join("questions/throttling-basics.json")));
    assert!(written.iter().all(|p| p.is_file()));

    let files = bank::read_source(&ContentSource::Dir(out.clone())).expect("reads back");
    let (bank, problems) = bank::check(&files);
    assert_eq!(bank.questions().len(), all.questions.len());
    assert!(problems.iter().all(|p| p.severity == Severity::Warning), "{problems:#?}");
    assert!(problems.iter().all(|p| p.message.contains("(flagged as missing by import)")), "{problems:#?}");
    // One warning for each flagged field: no source, no overall explanation, each empty option.
    let expected: usize = all
        .questions
        .iter()
        .map(|q| {
            usize::from(q.sources.is_empty())
                + usize::from(q.explanation.is_empty())
                + q.options.iter().filter(|o| o.explanation.is_empty()).count()
        })
        .sum();
    assert_eq!(problems.len(), expected);
    assert!(bank::Bank::load(&ContentSource::Dir(out)).is_ok(), "loads as a bank");
    assert_eq!(listing(tmp.path()), ["bank"], "no temporary directory left beside it");
}

#[test]
fn write_bank_refuses_a_non_empty_directory_and_touches_nothing() {
    let tmp = scratch();
    let out = tmp.path().join("bank");
    fs::create_dir(&out).expect("mkdir");
    fs::write(out.join("keep.txt"), "mine").expect("write");
    let got = imported(ImportFormat::Aiken, "aiken/constructs.txt");
    let err = write_bank(&out, &got).expect_err("refuses");
    assert!(matches!(err, WriteError::NotEmpty { .. }), "{err}");
    assert!(err.to_string().contains("already exists and is not an empty directory"), "{err}");
    assert_eq!(listing(&out), ["keep.txt"]);
    assert_eq!(fs::read_to_string(out.join("keep.txt")).expect("read"), "mine");
    assert_eq!(listing(tmp.path()), ["bank"], "nothing left beside it");

    // A file in the way is refused the same way.
    let file = tmp.path().join("file");
    fs::write(&file, "x").expect("write");
    assert!(matches!(write_bank(&file, &got), Err(WriteError::NotEmpty { .. })));
}

#[test]
fn write_bank_fills_an_existing_empty_directory() {
    let tmp = scratch();
    let out = tmp.path().join("bank");
    fs::create_dir(&out).expect("mkdir");
    write_bank(&out, &imported(ImportFormat::Markdown, "markdown/constructs.md")).expect("writes");
    assert_eq!(listing(&out), ["content", "questions"]);
    assert_eq!(listing(&out.join("content")), ["faq.json", "topics.json"]);
    assert_eq!(listing(&out.join("questions")), ["practice.json"]);
}

#[test]
fn write_bank_leaves_nothing_behind_when_it_cannot_write() {
    let tmp = scratch();
    let got = imported(ImportFormat::Aiken, "aiken/constructs.txt");
    let err = write_bank(&tmp.path().join("missing/bank"), &got).expect_err("no parent");
    assert!(matches!(err, WriteError::NoParent { .. }), "{err}");

    // A bank that would not pass `bank check` is refused before anything is written.
    let mut broken = got.clone();
    broken.topics.clear();
    let err = write_bank(&tmp.path().join("bank"), &broken).expect_err("invalid");
    let WriteError::Invalid { problems } = &err else { panic!("{err}") };
    assert!(problems.iter().any(|p| p.message == "unknown topic `practice`"), "{problems:#?}");

    // A topic id that is not a plain id never becomes a path.
    let mut escaping = got.clone();
    escaping.questions[0].topic = "../../escape".into();
    let err = write_bank(&tmp.path().join("bank"), &escaping).expect_err("invalid topic id");
    assert!(err.to_string().contains("[../../escape] topic id must be lower-case"), "{err}");

    let empty = Imported { questions: Vec::new(), topics: got.topics.clone() };
    let err = write_bank(&tmp.path().join("bank"), &empty).expect_err("empty");
    assert!(err.to_string().contains("no questions to write"), "{err}");
    assert!(listing(tmp.path()).is_empty(), "{:?}", listing(tmp.path()));
}

#[test]
fn note_links_are_dropped_from_a_written_bank() {
    let tmp = scratch();
    let out = tmp.path().join("bank");
    let mut got = imported(ImportFormat::Aiken, "aiken/constructs.txt");
    got.questions[0].notes = vec!["throttling".into()];
    write_bank(&out, &got).expect("writes though the note does not exist there");
    let bank = bank::Bank::load(&ContentSource::Dir(out)).expect("loads");
    assert!(bank.questions().iter().all(|q| q.notes.is_empty()));
}

/// The first fenced block under a `#### <title>` heading of questions/README.md.
fn readme_example(title: &str) -> String {
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("questions/README.md")).expect("README");
    let section =
        readme.split("\n#### ").find(|s| s.starts_with(title)).unwrap_or_else(|| panic!("no {title} section"));
    let body = section.split("\n```").nth(1).unwrap_or_else(|| panic!("no example in {title}"));
    body.split_once('\n').map(|(_, code)| code.to_string()).unwrap_or_default()
}

#[test]
fn the_readme_examples_import() {
    for (title, format, count) in [
        ("GIFT", ImportFormat::Gift, 1),
        ("Aiken", ImportFormat::Aiken, 1),
        ("CSV", ImportFormat::Csv, 1),
        ("Markdown", ImportFormat::Markdown, 2),
    ] {
        let got = import(&readme_example(title), format, &opts()).unwrap_or_else(|p| panic!("{title}: {p:#?}"));
        assert_eq!((got.imported.questions.len(), got.skipped.len()), (count, 0), "{title}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Whatever the text, every importer answers with questions or problems; none panics.
    #[test]
    fn no_input_makes_an_importer_panic(text in "([-=~#{}:%\\\\/>*+\\[\\]xX .,;A-F0-9a-z\"\t]|\n|\r\n|ANSWER: |\\$CATEGORY: |// gatewise: ){0,200}") {
        for format in ImportFormat::ALL {
            let _ = import(&text, format, &opts());
        }
    }
}
