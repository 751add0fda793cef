//! A question laid out as lines: stem, "Choose TWO", options with their boxes, and, once
//! revealed, every option's explanation, the overall explanation, sources and related note.
use ratatui::text::{Line, Span};

use crate::bank::{Kind, Question, count_word};
use crate::study::misconceptions;
use crate::tui::app::Ctx;
use crate::tui::markdown::wrap_spans;

/// A user bank's question may have up to 10 options.
pub(crate) const LETTERS: [char; 10] = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'];

pub struct QuestionView<'a> {
    pub q: &'a Question,
    /// `order[display position] = file index`.
    pub order: &'a [usize],
    /// Chosen display positions.
    pub selected: &'a [usize],
    pub cursor: Option<usize>,
    /// When set, the learner's chosen file indices, and explanations are shown.
    pub reveal: Option<&'a [usize]>,
    /// Lines above the stem (position, timer, verdict…).
    pub header: Vec<Line<'static>>,
}

/// The lines, and for each line the option (display position) it belongs to, for mouse clicks.
pub fn lines(v: &QuestionView, ctx: &Ctx, width: u16) -> (Vec<Line<'static>>, Vec<Option<usize>>) {
    let t = &ctx.theme;
    let w = usize::from(width.max(1));
    let q = v.q;
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut owner = Vec::new();
    let mut push = |ls: Vec<Line<'static>>, o: Option<usize>| {
        for l in ls {
            lines.push(l);
            owner.push(o);
        }
    };
    for h in &v.header {
        push(wrap_spans(&[], &[], &h.spans, w), None);
    }
    push(vec![Line::default()], None);
    push(wrap_spans(&[], &[], &[Span::styled(q.stem.clone(), t.text)], w), None);
    push(vec![Line::default()], None);
    if q.kind == Kind::Multiple {
        push(vec![Line::from(Span::styled(format!("Choose {}.", count_word(q.answer_count())), t.warn))], None);
    }
    for (pos, &file_idx) in v.order.iter().enumerate() {
        let Some(opt) = q.options.get(file_idx) else { continue };
        let chosen = v.selected.contains(&pos);
        let box_ = match (q.kind, chosen) {
            (Kind::Single, true) => "(•)",
            (Kind::Single, false) => "( )",
            (Kind::Multiple, true) => "[x]",
            (Kind::Multiple, false) => "[ ]",
        };
        let letter = LETTERS.get(pos).copied().unwrap_or('?');
        let (prefix, style) = match v.reveal {
            None => {
                let style = if v.cursor == Some(pos) { t.selected } else { t.text };
                (format!("{box_} {letter}. "), style)
            }
            Some(mine) => {
                let mine = mine.contains(&file_idx);
                let mark = match (opt.correct, mine) {
                    (true, _) => "✓",
                    (false, true) => "✗",
                    (false, false) => " ",
                };
                let style = if opt.correct {
                    t.good
                } else if mine {
                    t.bad
                } else {
                    t.text
                };
                (format!("{mark} {box_} {letter}. "), style)
            }
        };
        let indent = " ".repeat(prefix.chars().count());
        push(
            wrap_spans(
                &[Span::styled(prefix, style)],
                &[Span::raw(indent.clone())],
                &[Span::styled(opt.text.clone(), style)],
                w,
            ),
            Some(pos),
        );
        if let Some(mine) = v.reveal {
            let yours = if mine.contains(&file_idx) { "Your choice. " } else { "" };
            let verdict = if opt.correct { "Right: " } else { "Wrong: " };
            push(
                wrap_spans(
                    &[Span::raw(indent.clone())],
                    &[Span::raw(indent.clone())],
                    &[
                        Span::styled(format!("{yours}{verdict}"), t.accent),
                        Span::styled(opt.explanation.clone(), t.muted),
                    ],
                    w,
                ),
                Some(pos),
            );
            if mine.contains(&file_idx)
                && !opt.correct
                && let Some(m) = opt.misconception.as_deref().and_then(|id| ctx.bank.misconception(id))
            {
                let [belief, correction, read] = misconceptions::feedback(&ctx.bank, m);
                let lead = [Span::raw(indent.clone())];
                push(wrap_spans(&lead, &lead, &[Span::styled(belief, t.warn)], w), Some(pos));
                push(wrap_spans(&lead, &lead, &[Span::styled(correction, t.text)], w), Some(pos));
                push(
                    wrap_spans(&lead, &lead, &[Span::styled(read, t.accent), Span::styled(" (press o)", t.muted)], w),
                    Some(pos),
                );
            }
            push(vec![Line::default()], None);
        }
    }
    if v.reveal.is_some() {
        // An imported question may have no explanation: no empty "Why" heading.
        if !q.explanation.trim().is_empty() {
            push(vec![Line::from(Span::styled("Why", t.heading))], None);
            push(wrap_spans(&[], &[], &[Span::styled(q.explanation.clone(), t.text)], w), None);
            push(vec![Line::default()], None);
        }
        for s in &q.sources {
            push(wrap_spans(&[Span::styled("Source: ", t.muted)], &[], &[Span::styled(s.clone(), t.link)], w), None);
        }
        if let Some(n) = related_note(ctx, q) {
            push(
                vec![Line::from(vec![
                    Span::styled("Related note: ", t.muted),
                    Span::styled(n.to_string(), t.accent),
                    Span::styled(" (press o)", t.muted),
                ])],
                None,
            );
        }
    }
    (lines, owner)
}

/// The title of the note a question points at, or the first note on its topic.
pub(crate) fn related_note<'a>(ctx: &'a Ctx, q: &Question) -> Option<&'a str> {
    related_note_id(ctx, q).and_then(|id| ctx.bank.note(id)).map(|n| n.title.as_str())
}

/// Where `o` goes after an answer: the note section that corrects a belief the answer showed,
/// else the related note from its top.
pub(crate) fn note_target(ctx: &Ctx, q: &Question, chosen: &[usize]) -> Option<(String, Option<String>)> {
    if let Some(m) = misconceptions::entries(&ctx.bank, q, chosen).first() {
        return Some((m.note.clone(), Some(m.heading.clone())));
    }
    related_note_id(ctx, q).map(|id| (id.to_string(), None))
}

pub(crate) fn related_note_id<'a>(ctx: &'a Ctx, q: &Question) -> Option<&'a str> {
    q.notes
        .iter()
        .find_map(|n| ctx.bank.note(n))
        .or_else(|| ctx.bank.notes.iter().find(|n| n.topic == q.topic))
        .map(|n| n.id.as_str())
}
