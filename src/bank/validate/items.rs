//! Checks of single items (questions, FAQ entries) and of the misconception catalogue's links.
use std::collections::HashSet;

use serde_json::value::RawValue;

use super::{MissingField, Placed, PlacedNote, Reporter, Severity, Spans, source_problem, valid_id};
use crate::bank::{FaqEntry, Kind, Misconception, Question, note_headings};

/// Every tag names a catalogue entry and sits on a distractor; every entry's note and heading exist.
pub(super) fn check_misconceptions(
    catalogue: &[Placed<Misconception>],
    questions: &[Placed<Question>],
    notes: &[PlacedNote],
    push: &mut impl FnMut(Severity, &str, usize, usize, &str, String),
) {
    for m in catalogue {
        let (e, p) = (&m.value, m);
        if !valid_id(&e.id) {
            push(
                Severity::Error,
                &p.file,
                p.line,
                p.column,
                &e.id,
                "id must be lower-case letters, digits and single hyphens".into(),
            );
        }
        if e.belief.trim().is_empty() || e.correction.trim().is_empty() {
            push(Severity::Error, &p.file, p.line, p.column, &e.id, "needs both a belief and a correction".into());
        }
        match notes.iter().find(|n| n.note.id == e.note) {
            None => push(
                Severity::Error,
                &p.file,
                p.line,
                p.column,
                &e.id,
                format!("points at note `{}`, which does not exist", e.note),
            ),
            Some(n) if !note_headings(&n.note.body).contains(&e.heading) => push(
                Severity::Error,
                &p.file,
                p.line,
                p.column,
                &e.id,
                format!("note `{}` has no heading `{}`", e.note, e.heading),
            ),
            Some(_) => {}
        }
    }
    for q in questions {
        for (i, o) in q.value.options.iter().enumerate() {
            let Some(tag) = &o.misconception else { continue };
            let msg = if o.correct {
                format!("option {} is correct but names misconception `{tag}`; only distractors reveal one", i + 1)
            } else if !catalogue.iter().any(|m| m.value.id == *tag) {
                format!("option {} names misconception `{tag}`, which is not in content/misconceptions.json", i + 1)
            } else {
                continue;
            };
            push(Severity::Error, &q.file, q.line, q.column, &q.value.id, msg);
        }
    }
}

fn check_sources(r: &mut Reporter, id: &str, sources: &[String], spans: &[&RawValue], fallback: usize, flagged: bool) {
    if sources.is_empty() {
        if flagged {
            r.at(Some(fallback), Some(id), Severity::Warning, "has no source (flagged as missing by import)".into());
        } else {
            r.error(Some(fallback), Some(id), "has no source: cite the AWS documentation page that states the fact");
        }
    }
    for (i, url) in sources.iter().enumerate() {
        if let Some(msg) = source_problem(url) {
            let off = spans.get(i).map_or(fallback, |s| r.offset_of(s));
            r.error(Some(off), Some(id), msg);
        }
    }
}

/// Text shown in a terminal may not carry control characters (escape sequences could retitle the
/// window or write the clipboard); newline and tab are layout.
pub(super) fn check_text(r: &mut Reporter, off: usize, id: &str, field: &str, text: &str) {
    if let Some(c) = crate::term::first_control(text) {
        r.error(
            Some(off),
            Some(id),
            format!("{field} contains the control character U+{:04X}; remove it", u32::from(c)),
        );
    }
}

pub(super) fn check_question(r: &mut Reporter, q: &Question, off: usize, raw: &str) {
    let spans: Spans = serde_json::from_str(raw).unwrap_or_default();
    let id = q.id.as_str();
    check_text(r, off, id, "the stem", &q.stem);
    check_text(r, off, id, "the explanation", &q.explanation);
    for (i, o) in q.options.iter().enumerate() {
        check_text(r, off, id, &format!("option {}", i + 1), &format!("{}{}", o.text, o.explanation));
    }
    if !valid_id(id) {
        r.error(Some(off), Some(id), "id must be lower-case letters, digits and single hyphens");
    }
    if !(1..=3).contains(&q.difficulty) {
        r.error(Some(off), Some(id), format!("difficulty must be 1, 2 or 3, found {}", q.difficulty));
    }
    if q.stem.trim().is_empty() {
        r.error(Some(off), Some(id), "the stem is empty");
    }
    let n = q.options.len();
    // A user bank's rule; the built-in bank's stricter 4 to 6 is in `quality::builtin_problems`.
    if !(2..=10).contains(&n) {
        r.error(Some(off), Some(id), format!("has {n} options; a question needs 2 to 10"));
    }
    let mut texts = HashSet::new();
    for (i, o) in q.options.iter().enumerate() {
        let at = Some(spans.options.get(i).map_or(off, |s| r.offset_of(s)));
        if o.text.trim().is_empty() {
            r.error(at, Some(id), format!("option {} has no text", i + 1));
        }
        if o.explanation.trim().is_empty() {
            if q.missing.contains(&MissingField::Explanation) {
                r.at(
                    at,
                    Some(id),
                    Severity::Warning,
                    format!("option {} has no explanation (flagged as missing by import)", i + 1),
                );
            } else {
                r.error(at, Some(id), format!("option {} has no explanation of why it is right or wrong", i + 1));
            }
        }
        if !texts.insert(o.text.trim()) {
            r.error(at, Some(id), format!("option {} repeats the text of an earlier option", i + 1));
        }
    }
    let correct = q.answer_count();
    match (q.kind, q.choose) {
        (Kind::Single, None) if correct != 1 => {
            r.error(
                Some(off),
                Some(id),
                format!("single-answer question has {correct} correct options; it needs exactly one"),
            );
        }
        (Kind::Single, Some(_)) => r.error(Some(off), Some(id), "`choose` is only for multiple-response questions"),
        (Kind::Multiple, None) => {
            r.error(Some(off), Some(id), "multiple-response question must state `choose` (how many to pick)")
        }
        (Kind::Multiple, Some(c)) if usize::from(c) != correct => {
            r.error(Some(off), Some(id), format!("says choose {c} but has {correct} correct options"));
        }
        (Kind::Multiple, Some(c)) if c < 2 => {
            r.error(Some(off), Some(id), "a multiple-response question chooses at least 2");
        }
        _ => {}
    }
    if q.explanation.trim().is_empty() {
        if q.missing.contains(&MissingField::Explanation) {
            r.at(
                Some(off),
                Some(id),
                Severity::Warning,
                "has no overall explanation (flagged as missing by import)".into(),
            );
        } else {
            r.error(Some(off), Some(id), "has no overall explanation");
        }
    }
    check_sources(r, id, &q.sources, &spans.sources, off, q.missing.contains(&MissingField::Sources));
}

pub(super) fn check_faq(r: &mut Reporter, f: &FaqEntry, off: usize, raw: &str) {
    let spans: Spans = serde_json::from_str(raw).unwrap_or_default();
    if !valid_id(&f.id) {
        r.error(Some(off), Some(&f.id), "id must be lower-case letters, digits and single hyphens");
    }
    check_text(r, off, &f.id, "the FAQ entry", &format!("{}{}", f.question, f.answer));
    if f.question.trim().is_empty() || f.answer.trim().is_empty() {
        r.error(Some(off), Some(&f.id), "an FAQ entry needs both a question and an answer");
    }
    check_sources(r, &f.id, &f.sources, &spans.sources, off, false);
}
