//! One fixture per error class fed to the validator, each asserting the exact problem reported.
use std::path::Path;

use gatewise::bank::{self, ContentSource, SourceFile};

fn fixture() -> Vec<SourceFile> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal");
    bank::read_source(&ContentSource::Dir(dir)).expect("fixture reads")
}

/// The fixture with `from` replaced by `to` (exactly once) in `file`, checked.
fn problems_after(file: &str, from: &str, to: &str) -> Vec<String> {
    let mut files = fixture();
    let f = files.iter_mut().find(|f| f.path == file).expect("file in fixture");
    assert_eq!(f.text.matches(from).count(), 1, "{from:?} must occur once in {file}");
    f.text = f.text.replacen(from, to, 1);
    bank::check(&files).1.iter().map(ToString::to_string).collect()
}

const Q: &str = "questions/throttling.json";

#[test]
fn the_fixture_is_clean() {
    let (bank, problems) = bank::check(&fixture());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(bank.questions().len(), 2);
    assert_eq!(bank.notes.len(), 1);
    assert_eq!(bank.faq.len(), 1);
}

#[test]
fn malformed_json() {
    let p = problems_after(Q, "\"difficulty\": 1,", "\"difficulty\": 1");
    assert_eq!(p, ["questions/throttling.json:7:5: malformed JSON: expected `,` or `}`"]);
}

#[test]
fn unknown_field() {
    let p =
        problems_after(Q, "\"explanation\": \"Forbidden is for keys.\"", "\"explantion\": \"Forbidden is for keys.\"");
    assert_eq!(
        p,
        [
            "questions/throttling.json:11:52: [t-001] unknown field `explantion`, expected one of `text`, `correct`, `explanation`, `misconception`"
        ]
    );
}

#[test]
fn missing_field() {
    let p = problems_after(Q, "    \"difficulty\": 2,\n", "");
    assert_eq!(p, ["questions/throttling.json:19:3: [t-002] missing field `difficulty`"]);
}

#[test]
fn duplicate_id() {
    let p = problems_after(Q, "\"id\": \"t-002\"", "\"id\": \"t-001\"");
    assert_eq!(
        p,
        ["questions/throttling.json:19:3: [t-001] duplicate question id (first at questions/throttling.json:2)"]
    );
}

#[test]
fn single_answer_without_exactly_one_correct() {
    let p = problems_after(Q, "\"text\": \"403\", \"correct\": false", "\"text\": \"403\", \"correct\": true");
    assert_eq!(
        p,
        ["questions/throttling.json:2:3: [t-001] single-answer question has 2 correct options; it needs exactly one"]
    );
}

#[test]
fn multiple_response_count_differs() {
    let p = problems_after(Q, "\"choose\": 2", "\"choose\": 3");
    assert_eq!(p, ["questions/throttling.json:19:3: [t-002] says choose 3 but has 2 correct options"]);
}

#[test]
fn too_few_options() {
    let p = problems_after(
        Q,
        "      {\"text\": \"504\", \"correct\": false, \"explanation\": \"Integration timeout.\"}\n",
        "",
    );
    let p2: Vec<_> = p.iter().map(String::as_str).collect();
    // Removing the last option leaves a trailing comma: that is reported as malformed JSON, so
    // fix the comma too and check the option count rule on its own.
    assert!(p2[0].contains("malformed JSON"), "{p2:?}");
    let p = problems_after(
        Q,
        ",\n      {\"text\": \"504\", \"correct\": false, \"explanation\": \"Integration timeout.\"}\n",
        "\n",
    );
    // A user bank may have 2 to 10 options; only the built-in bank keeps 4 to 6.
    assert_eq!(p, Vec::<String>::new());
}

#[test]
fn option_without_explanation() {
    let p = problems_after(Q, "\"explanation\": \"Server error.\"", "\"explanation\": \" \"");
    assert_eq!(p, ["questions/throttling.json:12:7: [t-001] option 3 has no explanation of why it is right or wrong"]);
}

#[test]
fn no_source() {
    let p = problems_after(Q, "[\"https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html\"]", "[]");
    assert_eq!(
        p,
        ["questions/throttling.json:19:3: [t-002] has no source: cite the AWS documentation page that states the fact"]
    );
}

#[test]
fn source_off_the_aws_documentation_domains() {
    let p = problems_after(
        Q,
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html",
        "https://tutorialsdojo.com/amazon-api-gateway/",
    );
    assert_eq!(
        p,
        [
            "questions/throttling.json:34:17: [t-002] source \"https://tutorialsdojo.com/amazon-api-gateway/\" is not on an AWS documentation domain (docs.aws.amazon.com, aws.amazon.com, d1.awsstatic.com)"
        ]
    );
    let p = problems_after(
        Q,
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html",
        "http://docs.aws.amazon.com/x",
    );
    assert_eq!(
        p,
        ["questions/throttling.json:34:17: [t-002] source \"http://docs.aws.amazon.com/x\" is not an https:// URL"]
    );
}

#[test]
fn question_pointing_at_a_missing_note() {
    let p = problems_after(Q, "\"notes\": [\"throttling\"]", "\"notes\": [\"throttle\"]");
    assert_eq!(p, ["questions/throttling.json:2:3: [t-001] points at note `throttle`, which does not exist"]);
}

#[test]
fn faq_pointing_at_a_missing_note() {
    let p = problems_after("content/faq.json", "\"notes\": [\"throttling\"]", "\"notes\": [\"caching\"]");
    assert_eq!(p, ["content/faq.json:2:3: [faq-429] points at note `caching`, which does not exist"]);
}

#[test]
fn note_with_unknown_topic_and_bad_front_matter() {
    let p = problems_after("content/notes/throttling.md", "topic: throttling", "topic: throttle");
    assert_eq!(p, ["content/notes/throttling.md:4:1: [throttling] unknown topic `throttle` (known: throttling)"]);
    let p = problems_after("content/notes/throttling.md", "order: 1", "order: first");
    assert_eq!(p, ["content/notes/throttling.md:5:1: [throttling] `order` must be a whole number, found \"first\""]);
}

#[test]
fn question_with_unknown_topic() {
    let p = problems_after(
        Q,
        "\"topic\": \"throttling\",\n    \"domain\": \"billing",
        "\"topic\": \"pricing\",\n    \"domain\": \"billing",
    );
    assert_eq!(p, ["questions/throttling.json:19:3: [t-002] unknown topic `pricing`"]);
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let mut files = fixture();
    let f = files.iter_mut().find(|f| f.path == Q).expect("file");
    f.text = f.text.replacen("\"choose\": 2", "\"choose\": 3", 1).replacen(
        "\"text\": \"403\", \"correct\": false",
        "\"text\": \"403\", \"correct\": true",
        1,
    );
    let (_, problems) = bank::check(&files);
    assert_eq!(problems.len(), 2, "{problems:?}");
}
