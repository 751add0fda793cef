//! Importers read other tools' files as those tools do: Moodle's GIFT semantics (weights, `~=`,
//! true/false, missing word, categories, format markers, HTML, Moodle 4 comments), Moodle's Aiken,
//! GitHub Markdown quizzes, CSV from Windows; and the command's partial import, `--strict` and limits.
use std::fs;

use gatewise::bank::import::{ImportFormat, ImportOptions, ImportReport, import};
use gatewise::bank::{Kind, MissingField};
use predicates::prelude::predicate;

use crate::sandbox::Sandbox;

fn opts() -> ImportOptions {
    ImportOptions { topic: "practice".into(), id_prefix: "my".into() }
}

fn gift(text: &str) -> ImportReport {
    import(text, ImportFormat::Gift, &opts()).unwrap_or_else(|p| panic!("{p:#?}"))
}

fn lines(ps: &[gatewise::bank::import::ImportProblem]) -> Vec<String> {
    ps.iter().map(ToString::to_string).collect()
}

#[test]
fn an_equals_answer_is_the_right_one_and_partial_credit_counts_as_wrong_with_a_warning() {
    let r = gift("Difficult question.{~wrong answer ~%50%half credit answer =full credit answer}");
    let q = &r.imported.questions[0];
    assert_eq!((q.kind, q.correct_indices()), (Kind::Single, vec![2]));
    assert_eq!(
        lines(&r.warnings),
        ["line 1: warning: option 2 earns 50% partial credit in Moodle; here it counts as wrong"]
    );
}

#[test]
fn positive_weights_adding_up_to_100_make_a_multiple_answer_question() {
    let r = gift("Two? {\n~%-50%No one\n~%50%Grant\n~%50%Grant's wife\n~%-50%Grant's father }");
    let q = &r.imported.questions[0];
    assert_eq!((q.kind, q.choose, q.correct_indices()), (Kind::Multiple, Some(2), vec![1, 2]));
    let r = gift("Thirds? {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}");
    assert_eq!(r.imported.questions[0].correct_indices(), [0, 1, 2]);
}

#[test]
fn weights_that_do_not_add_up_and_several_full_credit_answers_are_skipped_by_name() {
    let text = "Half? {~%50%a ~%25%b ~c}\n\nOne of two? {=a =b ~c}\n\nFine? {=a ~b}";
    let r = gift(text);
    assert_eq!(r.imported.questions.len(), 1);
    assert_eq!(
        lines(&r.skipped),
        [
            "line 1: the positive weights add up to 75%, not 100%: partial credit has no faithful form as right and wrong options",
            "line 3: 2 answers each earn full credit in a single-answer question; a bank question has one right answer",
        ]
    );
    assert_eq!(r.summary(), "1 imported, 2 skipped (1 partial credit, 1 several full-credit answers), 0 warnings");
}

#[test]
fn an_answer_before_the_first_marker_is_kept_as_moodle_keeps_it() {
    // Moodle's format.php splits the block at every `~` (after turning `=` into `~=`) and keeps the
    // text before the first one as an answer: weight 0, or its own `%w%`.
    let r = gift("Q? {\n  first#not this one\n  ~second\n  =third\n}");
    let q = &r.imported.questions[0];
    let texts: Vec<&str> = q.options.iter().map(|o| o.text.as_str()).collect();
    assert_eq!(
        (texts.as_slice(), q.kind, q.correct_indices()),
        (["first", "second", "third"].as_slice(), Kind::Single, vec![2])
    );
    assert_eq!(q.options[0].explanation, "not this one");
    assert_eq!(
        lines(&r.warnings),
        ["line 2: warning: answer `first` has no `=` or `~` before it; read as Moodle does, as a `~` answer"]
    );
    let r = gift("Two? {%50%Grant ~%50%Grant's wife ~No one}");
    let q = &r.imported.questions[0];
    assert_eq!((q.kind, q.correct_indices()), (Kind::Multiple, vec![0, 1]), "its own weight counts");
    // Without any `~` Moodle reads the block as short answer, whatever the first answer.
    let r = gift("Capital? {Paris}\n\nOther? {Paris =Lyon}\n\nFine? {=a ~b}");
    assert_eq!(r.skipped_by_reason().get("short answer"), Some(&2));
}

#[test]
fn tilde_equals_is_a_right_answer_and_feedback_keeps_later_hashes() {
    let r = gift("Q? {\n~=yellow # right; good! #1\n~red # wrong, it's yellow\n~[plain]blue\n}");
    let q = &r.imported.questions[0];
    assert_eq!(q.correct_indices(), [0]);
    assert_eq!(q.options[0].explanation, "good! #1", "the verdict label is the app's to print");
    assert_eq!(q.options[2].text, "blue", "a format marker is not text");
}

#[test]
fn true_false_and_missing_word_questions_import_as_moodle_shows_them() {
    let r = gift(
        "::Q1:: 42 is the answer.{\nFALSE#42 is the Ultimate Answer.#You gave the right answer.\n####A reference.}\n\nGrant is {~buried =entombed ~living} in Grant's tomb.",
    );
    let [tf, mw] = &r.imported.questions[..] else { panic!("{r:#?}") };
    assert_eq!(tf.options.iter().map(|o| o.text.as_str()).collect::<Vec<_>>(), ["True", "False"]);
    assert_eq!(tf.correct_indices(), [1]);
    assert_eq!(
        (tf.options[0].explanation.as_str(), tf.options[1].explanation.as_str()),
        ("42 is the Ultimate Answer.", "You gave the right answer.")
    );
    assert_eq!(tf.explanation, "A reference.");
    assert_eq!(mw.stem, "Grant is _____ in Grant's tomb.");
    assert_eq!(mw.correct_indices(), [1]);
}

#[test]
fn unsupported_types_are_skipped_by_name_and_the_rest_imports() {
    let text = "When? {#1822:5}\n\nWho? {=no one =nobody}\n\nMatch. {=a -> b =c -> d}\n\nEssay? {}\n\nJust text.\n\nOK? {=yes ~no}";
    let r = gift(text);
    assert_eq!(
        r.summary(),
        "1 imported, 5 skipped (1 description, 1 essay, 1 matching, 1 numerical, 1 short answer), 0 warnings"
    );
}

#[test]
fn consecutive_categories_keep_the_last_and_the_title() {
    let r = gift("$CATEGORY: $course$/top/First\n$CATEGORY: $course$/top/Второй раздел\n::Name::Q? {=a ~b}");
    let q = &r.imported.questions[0];
    assert_eq!((q.id.as_str(), q.topic.as_str(), q.stem.as_str()), ("my-name", "второй-раздел", "Q?"));
    assert_eq!(r.imported.topics[0].title, "Второй раздел");
}

#[test]
fn categories_that_would_share_an_id_are_an_error_naming_both() {
    let text = "$CATEGORY: $course$/A/Intro\n\nQ? {=a ~b}\n\n$CATEGORY: $course$/B/Intro\n\nR? {=a ~b}";
    let problems = import(text, ImportFormat::Gift, &opts()).expect_err("collision");
    assert_eq!(
        lines(&problems),
        [
            "line 5: categories `A/Intro` (line 1) and `B/Intro` both make topic id `intro`; rename one so they stay apart"
        ]
    );
}

#[test]
fn html_from_moodle_becomes_readable_text() {
    let text = "::Q:: [html]<p dir\\=\"ltr\">Which&nbsp;caf&eacute; is <b>open</b>?</p><p><img src\\=\"@@PLUGINFILE@@/map.png\"></p>{\n=[html]<p>Mine</p> #<p>Wrong\\: no</p>\n~Yours #Wrong\\: Wrong\\: it is closed\n}";
    let r = gift(text);
    let q = &r.imported.questions[0];
    assert_eq!(q.stem, "Which café is **open**?\n\n[image: map.png]");
    assert_eq!(q.options[0].text, "Mine");
    assert_eq!(q.options[1].explanation, "Wrong: it is closed", "one verdict label dropped, as the app prints its own");
    assert_eq!(lines(&r.warnings), ["line 1: warning: image `map.png` is not in the file; a placeholder names it"]);
    assert!(q.missing.contains(&MissingField::Explanation), "no general feedback: flagged");
}

#[test]
fn moodle_4_comments_name_the_id_and_tags() {
    let r = gift("// question: 1  name: Q\n// [id:Chapter-1 Q3] [tag:api keys]\n::Q::Which? {=a ~b}");
    let q = &r.imported.questions[0];
    assert_eq!((q.id.as_str(), q.tags.as_slice()), ("my-chapter-1-q3", ["api-keys".to_string()].as_slice()));
}

#[test]
fn aiken_reads_options_and_answers_as_moodle_does() {
    let text = "Which?\nA) REST\nB)API\nC) None\nANSWER: B) API\n";
    let r = import(text, ImportFormat::Aiken, &opts()).expect("imports");
    let q = &r.imported.questions[0];
    assert_eq!((q.options[1].text.as_str(), q.correct_indices()), ("API", vec![1]));
}

#[test]
fn csv_with_crlf_line_ends_reports_the_right_lines() {
    let text = "stem,option_a,option_b,correct\r\nFine?,a,b,A\r\nBroken?,a,b,Z\r\n";
    let r = import(text, ImportFormat::Csv, &opts()).expect("imports");
    assert_eq!(lines(&r.skipped), ["line 3: `correct` has `Z`, which is not an option letter A to J"]);
}

#[test]
fn github_markdown_quizzes_keep_code_images_and_references() {
    let text = "## Quiz\n\n#### Q1. What does this print?\n\n```js\nconsole.log(1 - 1);\n- not an option\n```\n\n- [ ] 1\n- [x] 0\n\n[Reference](https://docs.aws.amazon.com/apigateway/latest/developerguide/welcome.html)\n\n#### Q2. Which picture?\n\n![image](images/q2.png)\n\n- [x] A\n- [ ] B\n\n[Reference](https://example.com/q2)\n";
    let r = import(text, ImportFormat::Markdown, &opts()).expect("imports");
    assert_eq!(r.skipped, []);
    let [q1, q2] = &r.imported.questions[..] else { panic!("{r:#?}") };
    assert_eq!(q1.stem, "What does this print?\n\n```js\nconsole.log(1 - 1);\n- not an option\n```");
    assert_eq!(q1.sources, ["https://docs.aws.amazon.com/apigateway/latest/developerguide/welcome.html"]);
    assert_eq!(q2.stem, "Which picture?\n\n![image](images/q2.png)");
    assert_eq!(q2.explanation, "[Reference](https://example.com/q2)");
}

#[test]
fn kahoot_and_blooket_sheets_are_read_by_their_header_rows() {
    let csv = |text: &str| import(text, ImportFormat::Csv, &opts()).unwrap_or_else(|p| panic!("{p:#?}"));
    // Kahoot's template saved as CSV: a title block, the header on row 8, empty rows after.
    let mut kahoot = String::from("Quiz template,,,,,,,\nAdd questions below,,,,,,,\n");
    kahoot.push_str(&",,,,,,,\n".repeat(5));
    kahoot.push_str(concat!(
        ",Question - max 120 characters,Answer 1 - max 75 characters,Answer 2 - max 75 characters,",
        "Answer 3 - max 75 characters,Answer 4 - max 75 characters,",
        "\"Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs\",Correct answer(s) - choose at least one\n",
        "1,Which API type has a stage cache?,HTTP API,REST API,,,20,2\n",
        "2,Pick one,a,b,c,d,20,\"1,3\"\n",
        "3,Which one?,a,,c,,20,2\n",
        ",,,,,,,\n",
    ));
    let r = csv(&kahoot);
    let q = &r.imported.questions[0];
    assert_eq!(
        (q.stem.as_str(), q.options.len(), q.correct_indices()),
        ("Which API type has a stage cache?", 2, vec![1])
    );
    assert_eq!(
        lines(&r.skipped),
        [
            "line 10: answers 1, 3 are all correct: a Kahoot player picks one and any of them scores, and a bank question has one right answer",
            "line 11: the correct answer is 2, but answer 2 is empty",
        ]
    );
    assert_eq!(r.summary(), "1 imported, 2 skipped (1 invalid question, 1 several full-credit answers), 0 warnings");
    // Blooket's template: a two-line title cell and header cells with notes on a second line.
    let blooket = concat!(
        "\"Blooket\nImport Template\",,,,,,,\n",
        "Question #,Question Text,Answer 1,Answer 2,\"Answer 3\n(Optional)\",\"Answer 4\n(Optional)\",",
        "\"Time Limit (sec)\n(Max: 300 seconds)\",\"Correct Answer(s)\n(Only include Answer #)\"\n",
        "1,What is 2 + 2?,3,4,5,,20,2\n",
    );
    let r = csv(blooket);
    let q = &r.imported.questions[0];
    let texts: Vec<&str> = q.options.iter().map(|o| o.text.as_str()).collect();
    assert_eq!(
        (q.stem.as_str(), texts.as_slice(), q.correct_indices()),
        ("What is 2 + 2?", ["3", "4", "5"].as_slice(), vec![1])
    );
    assert!(r.skipped.is_empty() && r.warnings.is_empty(), "{r:#?}");
}

#[test]
fn the_command_imports_what_it_can_lists_the_rest_and_strict_writes_nothing() {
    let sb = Sandbox::new();
    let dir = sb.data_home();
    fs::create_dir_all(&dir).expect("mkdir");
    let file = dir.join("mixed.gift");
    fs::write(&file, "When? {#1822}\n\nOK? {=yes ~no}\n").expect("write");
    let strict = dir.join("strict");
    sb.assert_cmd()
        .args(["bank", "import"])
        .arg(&file)
        .args(["--format", "gift", "--strict", "--out"])
        .arg(&strict)
        .assert()
        .failure()
        .stderr(predicate::str::contains("mixed.gift:1: skipped: numerical questions"))
        .stderr(predicate::str::contains("--strict: nothing was written"));
    assert!(!strict.exists());
}

#[cfg(unix)]
#[test]
fn out_dot_fills_the_empty_working_directory_in_place() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let sb = Sandbox::new();
    let dir = sb.data_home();
    fs::create_dir_all(&dir).expect("mkdir");
    let file = dir.join("mixed.gift");
    fs::write(&file, "When? {#1822}\n\nOK? {=yes ~no}\n").expect("write");
    let here = dir.join("here");
    fs::create_dir(&here).expect("mkdir");
    fs::set_permissions(&here, fs::Permissions::from_mode(0o750)).expect("chmod");
    let before = fs::metadata(&here).expect("stat");
    sb.assert_cmd()
        .current_dir(&here)
        .args(["bank", "import"])
        .arg(&file)
        .args(["--format", "gift", "--out", "."])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 imported, 1 skipped (1 numerical), 0 warnings"));
    let after = fs::metadata(&here).expect("stat");
    // The same directory, not a new one renamed over it: a shell sitting in it sees the bank.
    assert_eq!((after.ino(), after.mode() & 0o777), (before.ino(), 0o750));
    let mut entries: Vec<String> = fs::read_dir(&here)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    assert_eq!(entries, ["content", "questions"], "no staging directory is left behind");
    sb.assert_cmd().args(["bank", "check"]).arg(&here).assert().success();
    // Now it is not empty: a second import refuses and changes nothing.
    sb.assert_cmd()
        .current_dir(&here)
        .args(["bank", "import"])
        .arg(&file)
        .args(["--format", "gift", "--out", "."])
        .assert()
        .failure()
        .stderr(predicate::str::contains("already exists and is not an empty directory"));
    assert_eq!(fs::read_dir(&here).expect("ls").count(), 2);
}

#[test]
fn the_command_names_the_first_byte_that_is_not_utf8() {
    let sb = Sandbox::new();
    let dir = sb.data_home();
    fs::create_dir_all(&dir).expect("mkdir");
    let file = dir.join("latin1.txt");
    fs::write(&file, b"Which?\nA. caf\xe9\n").expect("write");
    sb.assert_cmd()
        .args(["bank", "import"])
        .arg(&file)
        .args(["--format", "aiken", "--out"])
        .arg(dir.join("out"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("latin1.txt:2: the file is not UTF-8 text: invalid byte at offset 13"));
}
