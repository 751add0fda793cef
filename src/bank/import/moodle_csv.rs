//! The sheet of Moodle's `qformat_csv` plugin (Gopal Sharma's "CSV format"): a header row
//! `questionname,questiontext,A,B,C,D,Answer 1,Answer 2` (the extended sheet adds feedback, numbering
//! and mark columns), then one four-option question a row, `Answer 1` holding the right option's
//! letter and `Answer 2`, when filled, a second one.
//!
//! The plugin's reader (its `format.php`) makes a row with both answers a multiple-answer question
//! worth 50% an option; gatewise makes it a "Choose TWO" question, right only when both are chosen.
//! Which of Moodle's rules are followed and which are not is listed in `questions/README.md`.
use ::csv::StringRecord;

use super::csv::{field_count_problem, header_key, read_sheet};
use super::text::{TextFormat, to_bank_text};
use super::{Draft, DraftOption, ImportProblem, Parsed};

/// The option columns the plugin reads, in order.
const LETTERS: [char; 4] = ['A', 'B', 'C', 'D'];

/// Where each column the import reads is, from the header row.
#[derive(Debug, PartialEq, Eq)]
struct Columns {
    /// How many fields the header has; every row must have as many.
    width: usize,
    name: Option<usize>,
    text: usize,
    /// The option columns the sheet has, with their letters, A to D in order.
    options: Vec<(char, usize)>,
    answer1: usize,
    answer2: Option<usize>,
    feedback: Option<usize>,
}

/// The columns, when `row` is this plugin's header: `questiontext`, `A`, `B` and `Answer 1` at least
/// (names in any case and order). Its other columns (`answernumbering`, the three outcome feedbacks,
/// `defaultmark`, `penalty`, `hidden`, anything else) have no place in a bank and are not read.
fn columns(row: &StringRecord) -> Option<Columns> {
    let names: Vec<String> = row.iter().map(header_key).collect();
    let at = |name: &str| names.iter().position(|n| n == name);
    let options: Vec<(char, usize)> =
        LETTERS.iter().filter_map(|&l| at(&l.to_ascii_lowercase().to_string()).map(|i| (l, i))).collect();
    if options.iter().filter(|(l, _)| matches!(l, 'A' | 'B')).count() < 2 {
        return None;
    }
    Some(Columns {
        width: names.len(),
        name: at("questionname"),
        text: at("questiontext")?,
        options,
        answer1: at("answer 1")?,
        answer2: at("answer 2"),
        feedback: at("generalfeedback"),
    })
}

/// Reads `text` when its first row is this plugin's header (the plugin reads the header from the
/// first line only), `None` otherwise.
pub(super) fn parse(text: &str) -> Option<Parsed> {
    read_sheet(text, 1, columns, row)
}

/// One question row. A row whose field count differs from the header's is skipped whole: a stray
/// comma has shifted its cells, so its letters may name the wrong options.
fn row(cols: &Columns, record: &StringRecord, line: usize) -> Result<Draft, ImportProblem> {
    if record.len() != cols.width {
        return Err(ImportProblem::new(line, field_count_problem(record.len(), cols.width)));
    }
    let cell = |i: usize| record.get(i).map_or("", str::trim);
    let mut warnings = Vec::new();
    // The plugin stores every text as HTML; text without markup stays as written.
    let mut text = |i: usize| to_bank_text(cell(i), TextFormat::Moodle, line, &mut warnings);
    let mut draft = Draft {
        line,
        title: cols.name.map(cell).filter(|n| !n.is_empty()).map(str::to_string),
        stem: text(cols.text),
        explanation: cols.feedback.map(&mut text).unwrap_or_default(),
        ..Draft::default()
    };
    // The option each present letter became, if its cell has text.
    let mut by_letter: Vec<(char, Option<usize>)> = Vec::new();
    for &(letter, col) in &cols.options {
        let option = text(col);
        if option.is_empty() {
            by_letter.push((letter, None));
        } else {
            by_letter.push((letter, Some(draft.options.len())));
            draft.options.push(DraftOption { line, text: option, ..DraftOption::default() });
        }
    }
    draft.problems = warnings;

    let first = cell(cols.answer1);
    let second = cols.answer2.map_or("", cell);
    let mut problems = Vec::new();
    if first.is_empty() {
        problems.push(if second.is_empty() {
            "`Answer 1` is empty: it names the right option, A to D".to_string()
        } else {
            format!("`Answer 2` is {second} but `Answer 1` is empty")
        });
    }
    for (column, key) in [("Answer 1", first), ("Answer 2", second)] {
        if key.is_empty() {
            continue;
        }
        let letter = key.chars().next().filter(|_| key.chars().count() == 1).map(|c| c.to_ascii_uppercase());
        let Some(letter) = letter.filter(|l| LETTERS.contains(l)) else {
            problems.push(format!("`{column}` is `{key}`, not an option letter A to D"));
            continue;
        };
        match by_letter.iter().find(|(l, _)| *l == letter).map(|(_, option)| *option) {
            Some(Some(i)) if draft.options[i].correct => {
                problems.push(format!("`Answer 1` and `Answer 2` both name {letter}"));
            }
            Some(Some(i)) => draft.options[i].correct = true,
            Some(None) => problems.push(format!("`{column}` names {letter}, but option {letter} is empty")),
            None => problems.push(format!("`{column}` names {letter}, but the sheet has no {letter} column")),
        }
    }
    draft.answer_reported = !problems.is_empty();
    draft.problems.extend(problems.into_iter().map(|p| ImportProblem::new(line, p)));
    Ok(draft)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::Kind;
    use crate::bank::import::{ImportFormat, ImportOptions, import};

    fn header(cells: &str) -> Option<Columns> {
        columns(&StringRecord::from(cells.split(',').collect::<Vec<_>>()))
    }

    #[test]
    fn the_plugins_headers_are_recognised_by_name() {
        let simple = header("questionname,questiontext,A,B,C,D,Answer 1,Answer 2").expect("simple sheet");
        assert_eq!(
            simple,
            Columns {
                width: 8,
                name: Some(0),
                text: 1,
                options: vec![('A', 2), ('B', 3), ('C', 4), ('D', 5)],
                answer1: 6,
                answer2: Some(7),
                feedback: None,
            }
        );
        let extended = header(
            "questionname,questiontext,A,B,C,D,Answer 1,Answer 2,answernumbering, correctfeedback,\
             partiallycorrectfeedback, incorrectfeedback, defaultmark,generalfeedback",
        )
        .expect("extended sheet, with the spaces the plugin's own export writes");
        assert_eq!((extended.width, extended.feedback), (14, Some(13)));
        let loose = header(" QuestionText ,answer 1,b,a").expect("any case, any order");
        assert_eq!(
            (loose.options, loose.answer1, loose.name, loose.answer2),
            (vec![('A', 3), ('B', 2)], 1, None, None)
        );
    }

    #[test]
    fn other_headers_are_not_this_sheet() {
        assert_eq!(header("questionname,questiontext,A,C,D,Answer 1"), None, "no B");
        assert_eq!(header("questionname,questiontext,A,B,C,D,Answer"), None, "no Answer 1");
        assert_eq!(header("questionname,question text,A,B,Answer 1"), None, "no questiontext");
        assert_eq!(header("stem,option_a,option_b,correct"), None, "gatewise's own columns");
        assert!(parse("Quiz,,,\nquestiontext,A,B,Answer 1\nQ?,x,y,A\n").is_none(), "header only on the first row");
        assert!(parse("").is_none());
    }

    fn csv(text: &str) -> crate::bank::import::ImportReport {
        import(text, ImportFormat::Csv, &ImportOptions::default()).expect("some row imports")
    }

    const HEAD: &str = "questionname,questiontext,A,B,C,D,Answer 1,Answer 2\n";

    #[test]
    fn a_bad_letter_skips_the_row_with_its_line_and_reason() {
        let r = csv(&format!(
            "{HEAD}Good,Which code is throttling?,429,403,500,504,A,\n\
             Bad,Which code is a server error?,429,403,500,504,E,\n\
             Word,Which code is forbidden?,429,403,500,504,B or C,\n\
             Empty,Which code is a timeout?,429,403,500,,D,\n\
             Twice,Which codes are client errors?,429,403,500,504,A,a\n\
             Shifted,Which, of these?,429,403,500,504,A,\n\
             None,Which code means OK?,200,403,500,504,,\n"
        ));
        let skipped: Vec<String> = r.skipped.iter().map(ToString::to_string).collect();
        assert_eq!(
            skipped,
            [
                "line 3: `Answer 1` is `E`, not an option letter A to D",
                "line 4: `Answer 1` is `B or C`, not an option letter A to D",
                "line 5: `Answer 1` names D, but option D is empty",
                "line 6: `Answer 1` and `Answer 2` both name A",
                "line 7: the row has 9 fields; the header has 8 (a comma in a text that is not in double quotes?)",
                "line 8: `Answer 1` is empty: it names the right option, A to D",
            ]
        );
        assert_eq!(r.imported.questions.len(), 1);
        assert_eq!(r.imported.questions[0].id, "imported-good");
    }

    #[test]
    fn two_answers_make_choose_two_html_becomes_text_and_quoted_line_breaks_stay() {
        let r = csv(&format!(
            "{HEAD}Pair,Which two are <b>4xx</b> codes?,429,403,500,504,b,A\n\
             Three,Pick one,yes,no,,,b,\n\
             Lines,\"First line\nsecond line\",x,y,,,A,\n\
             After,Read at its line?,x,y,,,Z,\n"
        ));
        let pair = &r.imported.questions[0];
        assert_eq!(pair.stem, "Which two are **4xx** codes?");
        assert_eq!((pair.kind, pair.choose, pair.correct_indices()), (Kind::Multiple, Some(2), vec![0, 1]));
        let two = &r.imported.questions[1];
        assert_eq!((two.options.len(), two.correct_indices()), (2, vec![1]), "empty C and D are left out");
        assert_eq!(r.imported.questions[2].stem, "First line\nsecond line", "a quoted line break is text");
        assert_eq!(r.skipped[0].to_string(), "line 6: `Answer 1` is `Z`, not an option letter A to D");
    }
}
