//! A GIFT answer block with Moodle's semantics: which question type it is, which answers are right
//! (`=` is the right answer of a single-answer question; in a multiple-answer question the answers
//! with positive `%w%` weights, which must add up to 100, are right; negative weights are wrong
//! options), per-answer `#` feedback and `####` general feedback, each with its own format marker.
use super::gift::{Tok, text_of, trim_toks};
use super::text::TextFormat;
use super::{DraftOption, ImportProblem};

/// What an answer block gives a question.
pub(super) struct Answers {
    pub options: Vec<DraftOption>,
    pub general: String,
}

/// One answer as written: its weight in percent (`=` is 100) and its text and feedback tokens.
struct Raw<'a> {
    line: usize,
    full_credit_marker: bool,
    toks: &'a [Tok],
}

fn unsupported(line: usize, reason: &'static str, what: &str) -> ImportProblem {
    ImportProblem::skip(line, reason, format!("{what} have no faithful form as a choice question"))
}

/// Moodle's weight: `%50%`, `%-33.33333%`, at the very start of an answer (after `~`).
fn split_weight(text: &str) -> (Option<f64>, &str) {
    let weighted = text.strip_prefix('%').and_then(|rest| {
        let (number, after) = rest.split_once('%')?;
        let digits = number.trim_start_matches('-');
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return None;
        }
        Some((number.parse::<f64>().ok()?, after))
    });
    match weighted {
        Some((w, after)) => (Some(w), after),
        None => (None, text),
    }
}

/// Answer text and feedback, split at the first `#` as Moodle does (later ones are feedback text).
fn text_and_feedback(toks: &[Tok]) -> (String, String) {
    match toks.iter().position(|t| t.is('#')) {
        Some(i) => (text_of(&toks[..i], ' '), text_of(&toks[i + 1..], ' ')),
        None => (text_of(toks, ' '), String::new()),
    }
}

/// The options and general feedback of an answer block. `format` is the question text's format,
/// which answers and feedback without a marker of their own share.
pub(super) fn parse_answers(
    inner: &[Tok],
    open_line: usize,
    format: TextFormat,
    warnings: &mut Vec<ImportProblem>,
) -> Result<Answers, ImportProblem> {
    let mut inner = trim_toks(inner);
    // General feedback follows the last `####`.
    let mut general = String::new();
    if let Some(at) = inner.windows(4).rposition(|w| w.iter().all(|t| t.is('#'))) {
        let line = inner[at].line;
        general = super::gift::bank_text(&text_of(&inner[at + 4..], ' '), format, line, warnings);
        inner = trim_toks(&inner[..at]);
    }
    let Some(first) = inner.first() else {
        return Err(unsupported(open_line, "essay", "essay questions (`{}`)"));
    };
    if first.is('#') {
        return Err(unsupported(open_line, "numerical", "numerical questions (`{#...}`)"));
    }
    let has_tilde = inner.iter().any(|t| t.is('~'));
    if !has_tilde {
        let all = text_of(inner, ' ');
        if inner.iter().any(|t| t.is('=')) && all.contains("->") {
            return Err(unsupported(open_line, "matching", "matching questions (`=a -> b`)"));
        }
        let head = inner.iter().position(|t| t.is('#')).map_or(inner, |i| &inner[..i]);
        if ["T", "TRUE", "F", "FALSE"].contains(&text_of(head, ' ').as_str()) {
            return true_false(inner, open_line, format, warnings, general);
        }
        // Moodle reads every other block without a `~` (`{=a =b}`, `{Paris}`) as short answer.
        return Err(unsupported(open_line, "short answer", "short-answer questions (answers without `~`)"));
    }

    // Every `=` and `~` starts an answer; `~=` is a `=` answer (Moodle reads `~` as an empty one).
    // Text before the first marker is an answer too, as in Moodle: wrong unless it has a `%w%` weight.
    let mut raws: Vec<Raw> = Vec::new();
    let mut start = 0;
    for i in 0..=inner.len() {
        if i == inner.len() || inner[i].is('=') || inner[i].is('~') {
            if i > start {
                let lead = inner[start];
                let marked = lead.is('=') || lead.is('~');
                let toks = if marked { &inner[start + 1..i] } else { &inner[start..i] };
                if !trim_toks(toks).is_empty() || lead.is('=') {
                    raws.push(Raw { line: lead.line, full_credit_marker: lead.is('='), toks });
                }
                if !marked {
                    let word = text_and_feedback(toks).0;
                    warnings.push(ImportProblem::warning(
                        lead.line,
                        format!("answer `{word}` has no `=` or `~` before it; read as Moodle does, as a `~` answer"),
                    ));
                }
            }
            start = i;
        }
    }
    let single = raws.iter().any(|r| r.full_credit_marker);
    let mut weighted: Vec<(f64, DraftOption)> = Vec::new();
    for r in &raws {
        let (text, feedback) = text_and_feedback(r.toks);
        // `=text` is full credit with its text as written, even one starting with `%`.
        let (weight, text) = if r.full_credit_marker { (Some(100.0), text.as_str()) } else { split_weight(&text) };
        let weight = weight.unwrap_or(0.0);
        if !(-100.0..=100.0).contains(&weight) {
            return Err(ImportProblem::new(r.line, format!("weight {weight}% is outside -100% to 100%")));
        }
        let option = DraftOption {
            line: r.line,
            text: super::gift::bank_text(text.trim(), format, r.line, warnings),
            correct: false,
            explanation: super::gift::bank_text(&feedback, format, r.line, warnings),
        };
        weighted.push((weight, option));
    }
    mark_right(&mut weighted, single, open_line, warnings)?;
    Ok(Answers { options: weighted.into_iter().map(|(_, o)| o).collect(), general })
}

/// Sets `correct` by Moodle's weights, or says why the grading cannot be kept.
fn mark_right(
    weighted: &mut [(f64, DraftOption)],
    single: bool,
    open_line: usize,
    warnings: &mut Vec<ImportProblem>,
) -> Result<(), ImportProblem> {
    const FULL: f64 = 100.0;
    if single {
        // One answer is picked; only a full-credit one is right.
        let full = weighted.iter().filter(|(w, _)| *w >= FULL).count();
        if full > 1 {
            return Err(ImportProblem::skip(
                open_line,
                "several full-credit answers",
                format!(
                    "{full} answers each earn full credit in a single-answer question; a bank question has one right answer"
                ),
            ));
        }
        for (i, (w, o)) in weighted.iter_mut().enumerate() {
            o.correct = *w >= FULL;
            if *w > 0.0 && *w < FULL {
                warnings.push(ImportProblem::warning(
                    o.line,
                    format!("option {} earns {w}% partial credit in Moodle; here it counts as wrong", i + 1),
                ));
            }
        }
        return Ok(());
    }
    // Multiple answer: the positive weights must add up to full marks, so that picking exactly the
    // right ones is the one full-credit answer.
    let sum: f64 = weighted.iter().map(|(w, _)| *w).filter(|w| *w > 0.0).sum();
    if sum <= 0.0 {
        return Err(ImportProblem::new(open_line, "no option is marked correct"));
    }
    if (sum - FULL).abs() > 0.1 {
        return Err(ImportProblem::skip(
            open_line,
            "partial credit",
            format!(
                "the positive weights add up to {}%, not 100%: partial credit has no faithful form as right and wrong options",
                (sum * 1000.0).round() / 1000.0
            ),
        ));
    }
    for (w, o) in weighted.iter_mut() {
        o.correct = *w > 0.0;
    }
    Ok(())
}

/// `{T}`, `{FALSE#wrong feedback#right feedback}`: two options, True and False.
fn true_false(
    inner: &[Tok],
    open_line: usize,
    format: TextFormat,
    warnings: &mut Vec<ImportProblem>,
    general: String,
) -> Result<Answers, ImportProblem> {
    let mut parts = inner.split(|t| t.is('#'));
    let answer = parts.next().map(|p| text_of(p, ' ')).unwrap_or_default();
    let wrong = parts.next().map(|p| text_of(p, ' ')).unwrap_or_default();
    // Anything after the second `#` is the right-answer feedback, `#` and all.
    let right_at = inner.iter().enumerate().filter(|(_, t)| t.is('#')).nth(1).map(|(i, _)| i + 1);
    let right = right_at.map(|i| text_of(&inner[i..], ' ')).unwrap_or_default();
    let truth = answer.starts_with('T');
    let mut feedback = |text: &str| super::gift::bank_text(text, format, open_line, warnings);
    let (right, wrong) = (feedback(&right), feedback(&wrong));
    let option = |text: &str, correct: bool| DraftOption {
        line: open_line,
        text: text.to_string(),
        correct,
        explanation: if correct { right.clone() } else { wrong.clone() },
    };
    Ok(Answers { options: vec![option("True", truth), option("False", !truth)], general })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_split_off_only_when_numeric() {
        assert_eq!(split_weight("%50%half"), (Some(50.0), "half"));
        assert_eq!(split_weight("%-33.333% minus"), (Some(-33.333), " minus"));
        assert_eq!(split_weight("%0%%literal"), (Some(0.0), "%literal"));
        assert_eq!(split_weight("%about% text"), (None, "%about% text"));
        assert_eq!(split_weight("100% sure"), (None, "100% sure"));
    }
}
