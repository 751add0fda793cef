//! Aiken: a question's text, lettered options (`A.` or `A)`), then `ANSWER: B`.
//!
//! Aiken has one right answer, and as in Moodle the letter is what starts the `ANSWER:` value
//! (`ANSWER: B) the text` is B). `ANSWER: A, C` (letters split by commas, semicolons or spaces) is
//! also read, as a multiple-response question. The format has no explanations or sources.
use super::{Draft, DraftOption, ImportProblem, Parsed};

enum Phase {
    /// Between questions.
    Idle,
    /// Reading the question's text.
    Stem,
    /// Reading options, waiting for `ANSWER:`.
    Options,
    /// After a misplaced option: skip to the next `ANSWER:` so one mistake is reported once.
    Skip,
}

/// `A. text` or `A) text`: the option's index and text. `B)text` with no space is an option only
/// where that letter is the one expected next (`expected`), so `I.e. this` in a question's text
/// stays text.
fn option_line(line: &str, expected: usize) -> Option<(usize, &str)> {
    let mut chars = line.chars();
    let letter = chars.next().filter(char::is_ascii_uppercase)?;
    let rest = chars.as_str();
    let text = rest.strip_prefix('.').or_else(|| rest.strip_prefix(')'))?;
    let index = usize::from(letter as u8 - b'A');
    if !(text.is_empty() || text.starts_with([' ', '\t']) || index == expected) {
        return None;
    }
    Some((index, text.trim()))
}

fn letter(i: usize) -> char {
    u8::try_from(i).ok().and_then(|i| b'A'.checked_add(i)).map_or('?', char::from)
}

/// `ANSWER: ...`, any case: what follows the colon.
fn answer_line(line: &str) -> Option<&str> {
    let (key, value) = line.split_once(':')?;
    key.trim().eq_ignore_ascii_case("answer").then_some(value)
}

/// Sets `correct` from an `ANSWER:` value, or says what is wrong with it.
fn mark_answers(value: &str, options: &mut [DraftOption]) -> Result<(), String> {
    let mut letters: Vec<&str> = value.split([',', ';', ' ', '\t']).filter(|s| !s.is_empty()).collect();
    if letters.is_empty() {
        return Err("`ANSWER:` names no option".into());
    }
    // `ANSWER: B) the text` or `ANSWER: B. text`: Moodle takes the letter that starts the value.
    let single = |l: &&str| l.chars().count() == 1;
    if !letters.iter().all(single) {
        let value = value.trim();
        let mut chars = value.chars();
        if let (Some(c), next) = (chars.next(), chars.next())
            && c.is_ascii_alphabetic()
            && next.is_none_or(|n| !n.is_alphanumeric())
        {
            letters = vec![&value[..1]];
        }
    }
    for l in letters {
        let mut chars = l.chars();
        let index = match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii_alphabetic() => usize::from(c.to_ascii_uppercase() as u8 - b'A'),
            _ => return Err(format!("`{l}` is not an option letter")),
        };
        match options.get_mut(index) {
            Some(o) => o.correct = true,
            None => {
                let last = letter(options.len().saturating_sub(1));
                return Err(format!("`ANSWER:` names {}, but the options end at {last}", letter(index)));
            }
        }
    }
    Ok(())
}

pub(super) fn parse(text: &str) -> Parsed {
    let mut out = Parsed::default();
    let mut phase = Phase::Idle;
    let mut draft = Draft::default();
    let mut stem: Vec<&str> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let expected = if matches!(phase, Phase::Options) { draft.options.len() } else { 0 };
        let option = option_line(line, expected);
        let answer = answer_line(line);
        match phase {
            Phase::Skip => {
                if answer.is_some() {
                    phase = Phase::Idle;
                }
            }
            Phase::Idle | Phase::Stem if answer.is_some() => {
                out.problems.push(ImportProblem::new(n, "`ANSWER:` line with no options before it"));
                phase = Phase::Idle;
                stem.clear();
            }
            Phase::Idle => match option {
                Some(_) => {
                    out.problems.push(ImportProblem::new(n, "an option with no question text before it"));
                    phase = Phase::Skip;
                }
                None => {
                    draft = Draft { line: n, ..Draft::default() };
                    stem = vec![line];
                    phase = Phase::Stem;
                }
            },
            Phase::Stem => match option {
                Some((0, text)) => {
                    draft.stem = stem.join("\n");
                    draft.options.push(DraftOption { line: n, text: text.to_string(), ..DraftOption::default() });
                    phase = Phase::Options;
                }
                Some((index, _)) => {
                    let msg = format!("the first option is lettered {}; options start at A", letter(index));
                    out.problems.push(ImportProblem::new(n, msg));
                    phase = Phase::Skip;
                }
                None => stem.push(line),
            },
            Phase::Options => match (option, answer) {
                (_, Some(value)) => {
                    match mark_answers(value, &mut draft.options) {
                        Ok(()) => out.drafts.push(std::mem::take(&mut draft)),
                        Err(msg) => out.problems.push(ImportProblem::new(n, msg)),
                    }
                    phase = Phase::Idle;
                }
                (Some((index, text)), None) => {
                    let expected = draft.options.len();
                    if index == expected {
                        draft.options.push(DraftOption { line: n, text: text.to_string(), ..DraftOption::default() });
                    } else {
                        let msg = format!("option {} follows option {}", letter(index), letter(expected - 1));
                        out.problems.push(ImportProblem::new(n, format!("{msg}; letter options A, B, C... in order")));
                        phase = Phase::Skip;
                    }
                }
                (None, None) => {
                    // Most likely the next question, after a forgotten `ANSWER:` line.
                    out.problems.push(ImportProblem::new(draft.line, "no `ANSWER:` line after the options"));
                    draft = Draft { line: n, ..Draft::default() };
                    stem = vec![line];
                    phase = Phase::Stem;
                }
            },
        }
    }
    match phase {
        Phase::Stem => out.problems.push(ImportProblem::new(draft.line, "the question has no options")),
        Phase::Options => out.problems.push(ImportProblem::new(draft.line, "no `ANSWER:` line after the options")),
        Phase::Idle | Phase::Skip => {}
    }
    out
}
