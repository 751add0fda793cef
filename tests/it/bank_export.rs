//! Exports: native → GIFT → native keeps every question of the bundled bank and of every import
//! fixture; the Anki file has the headers Anki reads and one well-formed note per question.
use std::fs;
use std::path::Path;

use gatewise::bank::export::{ExportFormat, export, export_anki, export_gift};
use gatewise::bank::import::{ImportFormat, ImportOptions, Imported, import};
use gatewise::bank::{AnswerOption, Bank, ContentSource, Domain, Kind, Level, MissingField, Question, Topic};

fn bundled() -> Bank {
    Bank::load(&ContentSource::Embedded).expect("the bundled bank loads")
}

fn reimport(gift: &str) -> Imported {
    let report =
        import(gift, ImportFormat::Gift, &ImportOptions::default()).unwrap_or_else(|p| panic!("{p:#?}\n{gift}"));
    assert_eq!((report.skipped.len(), report.warnings.len()), (0, 0), "{report:#?}");
    report.imported
}

fn by_order(mut topics: Vec<Topic>) -> Vec<Topic> {
    topics.sort_by_key(|t| t.order);
    topics
}

#[test]
fn every_bundled_question_round_trips_through_gift() {
    let bank = bundled();
    let gift = export_gift(bank.questions(), &bank.topics);
    let back = reimport(&gift);
    assert_eq!(back.questions.len(), bank.questions().len());
    for (got, want) in back.questions.iter().zip(bank.questions()) {
        // Misconception tags name the built-in catalogue, which an imported bank does not have.
        let mut want = want.clone();
        want.options.iter_mut().for_each(|o| o.misconception = None);
        assert_eq!(*got, want, "question {} changed in the round trip", want.id);
    }
    assert!(bank.questions().iter().any(|q| q.level == Level::Deep), "levels are part of the round trip");
    assert_eq!(by_order(back.topics), bank.topics, "topic ids, titles and order survive too");
}

#[test]
fn every_import_fixture_round_trips_through_gift() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let opts = ImportOptions { topic: "practice".into(), id_prefix: "my".into() };
    for (file, format) in [
        ("gift/constructs.gift", ImportFormat::Gift),
        ("aiken/constructs.txt", ImportFormat::Aiken),
        ("csv/constructs.csv", ImportFormat::Csv),
        ("markdown/constructs.md", ImportFormat::Markdown),
    ] {
        let text = fs::read_to_string(root.join(file)).expect("fixture");
        let first = import(&text, format, &opts).expect("imports").imported;
        let back = reimport(&export_gift(&first.questions, &first.topics));
        assert_eq!(back.questions, first.questions, "{file}");
        assert_eq!(back.topics, first.topics, "{file}");
    }
}

fn question(id: &str, kind: Kind, stem: &str, options: &[(&str, bool, &str)]) -> Question {
    let correct = options.iter().filter(|o| o.1).count();
    Question {
        id: id.into(),
        topic: "caching".into(),
        domain: Some(Domain::TechnologyServices),
        difficulty: 2,
        level: Level::Exam,
        kind,
        choose: (kind == Kind::Multiple).then(|| u8::try_from(correct).expect("small")),
        stem: stem.into(),
        options: options
            .iter()
            .map(|(text, correct, explanation)| AnswerOption {
                text: (*text).into(),
                correct: *correct,
                explanation: (*explanation).into(),
                misconception: None,
            })
            .collect(),
        explanation: "Overall.".into(),
        sources: vec!["https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html".into()],
        tags: vec!["rest-only".into()],
        notes: vec!["caching".into()],
        missing: Vec::new(),
    }
}

#[test]
fn gift_export_writes_moodle_weights_feedback_and_the_gatewise_comment() {
    let single = question(
        "q-1",
        Kind::Single,
        "Cache {TTL}: how long?\nPick one.",
        &[("300 s", true, "Default = 300."), ("60 s", false, "No ~ way."), ("%5", false, ""), ("0 s", false, "#0")],
    );
    let multiple = question(
        "q-2",
        Kind::Multiple,
        "Which THREE?",
        &[("a", true, ""), ("b", true, ""), ("c", true, ""), ("d", false, ""), ("e", false, "")],
    );
    let topics = [Topic { id: "caching".into(), title: "Caching / TTL".into(), order: 8 }];
    let gift = export_gift(&[single.clone(), multiple.clone()], &topics);
    let body = gift.split_once("\n\n").map(|(_, b)| b).expect("header then body");
    let expected = concat!(
        "// gatewise-topic: {\"id\":\"caching\",\"order\":8}\n",
        "$CATEGORY: Caching // TTL\n",
        "\n",
        "// gatewise: {\"id\":\"q-1\",\"domain\":\"technology-services\",\"difficulty\":2,\"level\":\"exam\",",
        "\"sources\":[\"https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html\"],",
        "\"tags\":[\"rest-only\"],\"notes\":[\"caching\"]}\n",
        "::q-1::[markdown]Cache \\{TTL\\}\\: how long?\\nPick one. {\n",
        "\t=300 s #Default \\= 300.\n",
        "\t~60 s #No \\~ way.\n",
        "\t~%0%%5\n",
        "\t~0 s #\\#0\n",
        "\t####Overall.\n",
        "}\n",
        "\n",
        "// gatewise: {\"id\":\"q-2\",\"domain\":\"technology-services\",\"difficulty\":2,\"level\":\"exam\",",
        "\"sources\":[\"https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html\"],",
        "\"tags\":[\"rest-only\"],\"notes\":[\"caching\"]}\n",
        "::q-2::[markdown]Which THREE? {\n",
        "\t~%33.33333%a\n",
        "\t~%33.33333%b\n",
        "\t~%33.33333%c\n",
        "\t~%-100%d\n",
        "\t~%-100%e\n",
        "\t####Overall.\n",
        "}\n",
    );
    assert_eq!(body, expected);
    let back = reimport(&gift);
    let mut want = vec![single, multiple];
    for q in &mut want {
        // Both have options without an explanation: flagged on the way back in, never invented.
        q.missing = vec![MissingField::Explanation];
    }
    assert_eq!(back.questions, want);
    assert_eq!(back.topics, topics);
}

/// Reads the export as Anki 2.1.55+ does: `#key:value` header lines, then tab-separated records
/// with `#` comments and RFC 4180 quoting.
fn anki_records(text: &str) -> (Vec<&str>, Vec<csv::StringRecord>) {
    let headers: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .delimiter(b'\t')
        .from_reader(text.as_bytes());
    let records = reader.records().collect::<Result<Vec<_>, _>>().expect("Anki's reader accepts every record");
    (headers, records)
}

#[test]
fn anki_export_has_the_headers_and_one_note_per_question() {
    let bank = bundled();
    let text = export_anki(bank.questions(), "builtin");
    let (headers, records) = anki_records(&text);
    // No `#columns:`: it maps by field name, and a non-English Anki names Basic's fields otherwise.
    assert_eq!(
        headers,
        [
            "#separator:tab",
            "#html:true",
            "#notetype:Basic",
            "#guid column:1",
            "#tags column:4",
            "#deck:gatewise::builtin",
        ]
    );
    // Only keys Anki reads (docs.ankiweb.net/importing/text-files.html#file-headers, and
    // rslib/src/import_export/text/csv/metadata.rs): an unknown one, such as `#if matches:`, is
    // skipped without a word, so it would only look like it did something.
    const ANKI_KEYS: [&str; 10] = [
        "separator",
        "html",
        "tags",
        "columns",
        "notetype",
        "deck",
        "notetype column",
        "deck column",
        "tags column",
        "guid column",
    ];
    for h in &headers {
        let key = h.trim_start_matches('#').split_once(':').map(|(k, _)| k.trim().to_ascii_lowercase());
        assert!(key.is_some_and(|k| ANKI_KEYS.contains(&k.as_str())), "{h} is not a header Anki reads");
    }
    assert!(text.starts_with(&format!("{}\n", headers.join("\n"))), "the exact header, first");
    assert_eq!(records.len(), bank.questions().len());
    assert_eq!(text.lines().count(), headers.len() + bank.questions().len(), "one line per note: no raw line breaks");
    for (r, q) in records.iter().zip(bank.questions()) {
        assert_eq!(r.len(), 4, "{}", q.id);
        assert_eq!(&r[0], format!("gatewise-builtin-{}", q.id), "GUIDs name the bank: ids are unique per bank only");
        assert!(r[3].split(' ').any(|t| t == format!("topic::{}", q.topic)), "{}", &r[3]);
        assert!(r[3].split(' ').any(|t| t == format!("domain::{}", q.domain.map_or("", |d| d.id()))), "{}", &r[3]);
        // A field opening with a quote would be read as a quoted field.
        assert!(!r[1].starts_with('"') && !r[2].starts_with('"'), "{}", q.id);
    }

    for (r, q) in records.iter().zip(bank.questions()).filter(|(_, q)| q.kind == Kind::Multiple) {
        let choose = format!("choose {}", gatewise::bank::count_word(q.answer_count()).to_ascii_lowercase());
        assert_eq!(r[1].to_ascii_lowercase().matches(&choose).count(), 1, "says how many to pick once: {}", q.id);
    }

    let i = bank.questions().iter().position(|q| q.id == "cch-001").expect("cch-001 exists");
    let r = &records[i];
    assert!(r[1].contains("<br><br>A. HTTP API<br>B. REST API<br>"), "{}", &r[1]);
    assert!(r[2].starts_with("<b>Answer: B</b><br><br>Caching is a REST API feature"), "{}", &r[2]);
    assert!(r[2].contains("&quot;API Gateway caching improves performance&quot;"), "{}", &r[2]);
    assert!(r[2].contains(
        "<a href=\"https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html\">"
    ));
    assert_eq!(&r[3], "gatewise topic::caching domain::technology-services rest-only api-types");
}

#[test]
fn anki_export_escapes_html_tabs_and_line_breaks() {
    let q = question(
        "q-3",
        Kind::Multiple,
        "Tabs\tand <tags> & \"quotes\"\nover two lines",
        &[("a", true, "why a"), ("b", true, ""), ("c", false, ""), ("d", false, "")],
    );
    let text = export_anki(&[q], "mine");
    let (_, records) = anki_records(&text);
    assert_eq!(records.len(), 1);
    assert_eq!(
        &records[0][1],
        "Tabs&#9;and &lt;tags&gt; &amp; &quot;quotes&quot;<br>over two lines<br><br>A. a<br>B. b<br>C. c<br>D. d<br><br><i>Choose TWO.</i>"
    );
    assert!(records[0][2].starts_with("<b>Answers: A, B</b><br><br>Overall.<br><br>A. why a<br><br>Sources: "));
}

#[test]
fn export_formats_by_name() {
    assert_eq!("anki".parse::<ExportFormat>(), Ok(ExportFormat::Anki));
    assert_eq!("GIFT".parse::<ExportFormat>(), Ok(ExportFormat::Gift));
    assert!("pdf".parse::<ExportFormat>().is_err());
    let bank = bundled();
    assert_eq!(
        export(bank.questions(), &bank.topics, ExportFormat::Gift, "b"),
        export_gift(bank.questions(), &bank.topics)
    );
    assert_eq!(export(bank.questions(), &bank.topics, ExportFormat::Anki, "b"), export_anki(bank.questions(), "b"));
}

/// Text made of GIFT's special characters among others, trimmed and not empty, as bank text is.
fn gift_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::strategy::Strategy;
    "[a-zA-Z0-9 ~=#{}:%\\\\/>\n-]{1,24}".prop_map(|s| s.trim().to_string()).prop_filter("not empty", |s| !s.is_empty())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(100))]

    /// Any text, however full of GIFT's control characters, comes back unchanged.
    #[test]
    fn any_text_round_trips_through_gift(
        stem in gift_text(),
        texts in proptest::collection::hash_set(gift_text(), 4..=6),
        explanations in proptest::collection::vec(gift_text(), 7),
        right in proptest::collection::btree_set(0usize..4, 1..=3),
    ) {
        let options: Vec<(&str, bool, &str)> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), right.contains(&i), explanations[i].as_str()))
            .collect();
        let kind = if right.len() > 1 { Kind::Multiple } else { Kind::Single };
        let mut q = question("q-9", kind, &stem, &options);
        q.explanation = explanations[6].clone();
        let topics = [Topic { id: "caching".into(), title: explanations[6].replace('\n', " "), order: 1 }];
        let back = reimport(&export_gift(std::slice::from_ref(&q), &topics));
        proptest::prop_assert_eq!(&back.questions, &vec![q]);
    }
}
