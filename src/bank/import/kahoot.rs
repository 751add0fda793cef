//! Kahoot's quiz spreadsheet saved as CSV: a number column, the question, `Answer 1` to `Answer 4`, a
//! time limit and `Correct answer(s)` as answer numbers (`2`, or `1,3`). Kahoot's own template has a
//! title block above its header row, and Blooket's and other quiz tools' templates have the same
//! columns under slightly different names, so the header row is found by its names.
//!
//! A Kahoot player picks one answer and any answer marked correct scores, so a row with several
//! correct answers has no faithful form as a single-answer question and is skipped; the time limit
//! has no place in a bank (an exam's clock is the exam's) and is left out.
use super::{Draft, DraftOption, ImportProblem, Parsed};

/// How far down the file the header row may be: Kahoot's template puts it on row 8.
const HEADER_SEARCH_ROWS: usize = 20;

/// The reason a row with several correct answers is skipped under, as GIFT's `=` answers are.
const SEVERAL: &str = "several full-credit answers";

/// Where each column the import reads is, from the header row.
struct Columns {
    question: usize,
    /// Column of answer 1, 2, ... in order; the index is the answer's number less one.
    answers: Vec<usize>,
    correct: usize,
}

/// A header cell without Kahoot's hints (`Question - max 120 characters`, `Time limit (sec) – 5,
/// 10...`) and in lower case with single spaces.
fn header_name(cell: &str) -> String {
    let cell = cell.split(" - ").next().unwrap_or(cell);
    let cell = cell.split(" – ").next().unwrap_or(cell);
    super::csv::header_key(cell)
}

/// `answer 3`, `answer3`, Blooket's `answer 3 (optional)`: the answer's number.
fn answer_number(name: &str) -> Option<usize> {
    let n = name.strip_prefix("answer")?;
    let n = n.split('(').next().unwrap_or(n).trim();
    n.parse::<usize>().ok().filter(|n| (1..=10).contains(n))
}

/// The columns, when `row` is a Kahoot-style header: a question column, `Answer 1` and `Answer 2` at
/// least, numbered without gaps, and a correct-answers column.
fn columns(row: &::csv::StringRecord) -> Option<Columns> {
    let names: Vec<String> = row.iter().map(header_name).collect();
    let question = names.iter().position(|n| n == "question" || n == "question text")?;
    let correct = names.iter().position(|n| n == "correct" || n.starts_with("correct answer"))?;
    let mut answers: Vec<(usize, usize)> =
        names.iter().enumerate().filter_map(|(i, n)| answer_number(n).map(|k| (k, i))).collect();
    answers.sort_unstable();
    let numbered = answers.iter().enumerate().all(|(i, (k, _))| *k == i + 1);
    (answers.len() >= 2 && numbered).then(|| Columns {
        question,
        answers: answers.into_iter().map(|a| a.1).collect(),
        correct,
    })
}

/// Reads `text` when it is a Kahoot-style sheet, `None` when no Kahoot header row is near its top.
pub(super) fn parse(text: &str) -> Option<Parsed> {
    super::csv::read_sheet(text, HEADER_SEARCH_ROWS, columns, |cols, record, line| Ok(row(cols, record, line)))
}

/// One question row: its answers in column order (empty ones left out) and the numbered ones right.
fn row(cols: &Columns, record: &::csv::StringRecord, line: usize) -> Draft {
    let cell = |i: usize| record.get(i).map_or("", str::trim);
    let mut draft = Draft { line, stem: cell(cols.question).to_string(), ..Draft::default() };
    // The option each answer number became, if its cell has text.
    let mut by_number: Vec<Option<usize>> = Vec::new();
    for &col in &cols.answers {
        let text = cell(col);
        if text.is_empty() {
            by_number.push(None);
        } else {
            by_number.push(Some(draft.options.len()));
            draft.options.push(DraftOption { line, text: text.to_string(), ..DraftOption::default() });
        }
    }
    let raw = cell(cols.correct);
    let numbers: Vec<&str> = raw.split([',', ';', ' ']).filter(|s| !s.is_empty()).collect();
    let mut right = Vec::new();
    for n in &numbers {
        let option = n.parse::<usize>().ok().and_then(|k| by_number.get(k.wrapping_sub(1)));
        match option {
            Some(Some(i)) => right.push(*i),
            Some(None) => {
                draft
                    .problems
                    .push(ImportProblem::new(line, format!("the correct answer is {n}, but answer {n} is empty")));
            }
            None => draft.problems.push(ImportProblem::new(
                line,
                format!("the correct answer `{n}` is not an answer number 1 to {}", cols.answers.len()),
            )),
        }
    }
    right.sort_unstable();
    right.dedup();
    if right.len() > 1 {
        let msg = format!(
            "answers {} are all correct: a Kahoot player picks one and any of them scores, and a bank question has one right answer",
            numbers.join(", ")
        );
        draft.problems.push(ImportProblem::skip(line, SEVERAL, msg));
    }
    for i in right {
        draft.options[i].correct = true;
    }
    draft.answer_reported = !draft.problems.is_empty();
    draft
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_drop_kahoots_hints() {
        assert_eq!(header_name("Question - max 120 characters"), "question");
        assert_eq!(header_name("Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs"), "time limit (sec)");
        assert_eq!(header_name(" Correct  answer(s) - choose at least one"), "correct answer(s)");
        assert_eq!(answer_number("answer 4"), Some(4));
        assert_eq!(answer_number("answer1"), Some(1));
        assert_eq!(answer_number("answers"), None);
        assert_eq!(answer_number(&header_name("Answer 3\n(Optional)")), Some(3), "Blooket's template");
    }

    #[test]
    fn gatewise_csv_is_not_kahoot() {
        assert!(parse("stem,option_a,option_b,correct\nQ?,a,b,A\n").is_none());
        assert!(parse("").is_none());
    }
}
