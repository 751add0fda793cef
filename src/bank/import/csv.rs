//! CSV (RFC 4180, read by the `csv` crate): one question per row under a header row naming the
//! columns; the columns are documented in `questions/README.md`. Other quiz tools' sheets (Kahoot's,
//! Moodle's `qformat_csv` plugin's) are recognised by their header row, found by [`read_sheet`], and
//! read by `kahoot` and `moodle_csv`.
use super::{Draft, DraftOption, ImportProblem, Parsed, topic_from_name};
use crate::bank::Domain;

/// Up to ten options, as a user bank allows; two are required.
const LETTERS: [char; 10] = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];

/// Every column gatewise reads, and whether the header must have it.
fn known_columns() -> Vec<(String, bool)> {
    let mut cols: Vec<(String, bool)> =
        ["id", "topic", "domain", "difficulty", "stem"].iter().map(|c| ((*c).to_string(), *c == "stem")).collect();
    cols.extend(LETTERS.iter().map(|l| (format!("option_{l}"), matches!(l, 'a' | 'b'))));
    cols.push(("correct".into(), true));
    cols.push(("explanation".into(), false));
    cols.extend(LETTERS.iter().map(|l| (format!("explanation_{l}"), false)));
    cols.extend([("sources".into(), false), ("tags".into(), false)]);
    cols
}

/// Column positions by name, from the header row.
struct Columns {
    names: Vec<String>,
}

impl Columns {
    fn get<'r>(&self, record: &'r ::csv::StringRecord, name: &str) -> &'r str {
        self.names.iter().position(|n| n == name).and_then(|i| record.get(i)).map_or("", str::trim)
    }
}

pub(super) fn parse(text: &str) -> Parsed {
    let mut out = Parsed::default();
    if text.trim().is_empty() {
        return out;
    }
    if let Some(sheet) = super::moodle_csv::parse(text).or_else(|| super::kahoot::parse(text)) {
        return sheet;
    }
    let lines = LineIndex::new(text);
    let mut reader = ::csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(text.as_bytes());
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            out.problems
                .push(ImportProblem::fatal(lines.line(e.position()), format!("cannot read the header row: {e}")));
            return out;
        }
    };
    let header_line = lines.line(header.position()).max(1);
    let names: Vec<String> = header.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
    let known = known_columns();
    for (i, name) in names.iter().enumerate() {
        if !known.iter().any(|(k, _)| k == name) {
            let list: Vec<&str> = known.iter().map(|(k, _)| k.as_str()).collect();
            let msg = format!("unknown column `{name}` (known: {})", list.join(", "));
            out.problems.push(ImportProblem::fatal(header_line, msg));
        } else if names[..i].contains(name) {
            out.problems.push(ImportProblem::fatal(header_line, format!("column `{name}` appears twice")));
        }
    }
    for (name, required) in &known {
        if *required && !names.contains(name) {
            out.problems.push(ImportProblem::fatal(header_line, format!("the header has no `{name}` column")));
        }
    }
    if !out.problems.is_empty() {
        return out;
    }
    let cols = Columns { names };
    for result in reader.records() {
        match result {
            Ok(record) => {
                let line = lines.line(record.position());
                row(&cols, &record, line, &mut out);
            }
            Err(e) => {
                let msg = match e.kind() {
                    ::csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        field_count_problem(to_usize(*len), to_usize(*expected_len))
                    }
                    _ => e.to_string(),
                };
                out.problems.push(ImportProblem::new(lines.line(e.position()), msg));
            }
        }
    }
    out
}

/// A row with more or fewer fields than its header: most often a comma in a text that is not in
/// double quotes, which shifts every cell after it.
pub(super) fn field_count_problem(len: usize, header: usize) -> String {
    let hint = if len > header { " (a comma in a text that is not in double quotes?)" } else { "" };
    format!("the row has {len} fields; the header has {header}{hint}")
}

/// A header cell as the sheet readers compare it: trimmed, lower case, single spaces.
pub(super) fn header_key(cell: &str) -> String {
    cell.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Reads another quiz tool's sheet: the first of the top `search_rows` rows that `header` recognises
/// is its header row, and every row under it that is not blank goes through `row` (given its line):
/// a draft, or a problem that skips the row without one. `None` when no row is recognised, or a row above the header cannot be read: the text is
/// then read as gatewise's own CSV, whose reader reports what is wrong with it.
pub(super) fn read_sheet<C>(
    text: &str,
    search_rows: usize,
    header: impl Fn(&::csv::StringRecord) -> Option<C>,
    row: impl Fn(&C, &::csv::StringRecord, usize) -> Result<Draft, ImportProblem>,
) -> Option<Parsed> {
    // Flexible: templates pad their title blocks and empty rows to any width.
    let mut reader = ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let mut cols = None;
    for result in records.by_ref().take(search_rows) {
        let Ok(record) = result else { return None };
        if let Some(c) = header(&record) {
            cols = Some(c);
            break;
        }
    }
    let cols = cols?;
    let lines = LineIndex::new(text);
    let mut out = Parsed::default();
    for result in records {
        match result {
            // Empty rows below the questions (`;;;;;;` in Kahoot's template, a spreadsheet's tail).
            Ok(record) if record.iter().all(|c| c.trim().is_empty()) => {}
            Ok(record) => match row(&cols, &record, lines.line(record.position())) {
                Ok(draft) => out.drafts.push(draft),
                Err(problem) => out.problems.push(problem),
            },
            Err(e) => out.problems.push(ImportProblem::new(lines.line(e.position()), e.to_string())),
        }
    }
    Some(out)
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Line numbers from byte offsets. The `csv` crate's own line count is off by one after CRLF line
/// ends (a record after one starts at its `\n`), so the line is counted from the byte offset.
pub(super) struct LineIndex(Vec<usize>);

impl LineIndex {
    pub(super) fn new(text: &str) -> LineIndex {
        LineIndex(text.match_indices('\n').map(|(i, _)| i).collect())
    }

    pub(super) fn line(&self, pos: Option<&::csv::Position>) -> usize {
        pos.map_or(0, |p| self.0.partition_point(|&nl| nl <= to_usize(p.byte())) + 1)
    }
}

/// One data row into a draft; problems with its cells are reported at the row's first line.
fn row(cols: &Columns, record: &::csv::StringRecord, line: usize, out: &mut Parsed) {
    let mut draft = Draft { line, stem: cols.get(record, "stem").to_string(), ..Draft::default() };
    let mut problems = Vec::new();
    let mut problem = |msg: String| problems.push(ImportProblem::new(line, msg));
    let id = cols.get(record, "id");
    if !id.is_empty() {
        draft.id = Some((id.to_string(), line));
    }
    let domain = cols.get(record, "domain");
    if !domain.is_empty() {
        draft.domain = Domain::from_id(domain);
        if draft.domain.is_none() {
            let known: Vec<&str> = Domain::ALL.iter().map(|d| d.id()).collect();
            problem(format!("unknown domain `{domain}` (known: {})", known.join(", ")));
        }
    }
    let difficulty = cols.get(record, "difficulty");
    if !difficulty.is_empty() {
        match difficulty.parse::<u8>() {
            Ok(d) => draft.difficulty = Some(d),
            Err(_) => problem(format!("difficulty must be 1, 2 or 3, found `{difficulty}`")),
        }
    }

    let mut ended: Option<char> = None;
    for l in LETTERS {
        let text = cols.get(record, &format!("option_{l}"));
        let explanation = cols.get(record, &format!("explanation_{l}"));
        if text.is_empty() {
            if !explanation.is_empty() {
                problem(format!("explanation_{l} has text but option_{l} is empty"));
            }
            ended.get_or_insert(l);
            continue;
        }
        if let Some(gap) = ended {
            problem(format!("option_{l} has text but option_{gap} before it is empty"));
        }
        draft.options.push(DraftOption {
            line,
            text: text.to_string(),
            correct: false,
            explanation: explanation.to_string(),
        });
    }

    let correct = cols.get(record, "correct");
    let letters: Vec<&str> = correct.split([';', ',', ' ', '\t', '\n']).filter(|s| !s.is_empty()).collect();
    for l in letters {
        let index = LETTERS.iter().position(|c| l.len() == 1 && l.eq_ignore_ascii_case(&c.to_string()));
        match index.and_then(|i| draft.options.get_mut(i)) {
            Some(o) => o.correct = true,
            None if index.is_some() => {
                let (upper, lower) = (l.to_ascii_uppercase(), l.to_ascii_lowercase());
                problem(format!("`correct` names {upper}, but option_{lower} is empty"));
                draft.answer_reported = true;
            }
            None => {
                problem(format!("`correct` has `{l}`, which is not an option letter A to J"));
                draft.answer_reported = true;
            }
        }
    }

    draft.explanation = cols.get(record, "explanation").to_string();
    draft.sources = cols.get(record, "sources").split_whitespace().map(str::to_string).collect();
    draft.tags = cols.get(record, "tags").split_whitespace().map(str::to_string).collect();
    let topic = cols.get(record, "topic");
    if !topic.is_empty() {
        match topic_from_name(topic, line) {
            Some(t) => {
                draft.topic = Some(t.id.clone());
                out.topics.push(t);
            }
            None => problem(format!("topic `{topic}` has no letters or digits to make an id from")),
        }
    }
    draft.problems = problems;
    out.drafts.push(draft);
}
