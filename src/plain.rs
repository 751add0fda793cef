//! Plain mode: practice and exams line by line on standard input and output — no raw mode, no
//! colours, no cursor movement — with the same scoring, storage and timing as the terminal app.
//! End of input ends the session cleanly and keeps what was answered.
use std::io::Write;

use anyhow::Result;
use rand::Rng;

use crate::bank::{Bank, Kind, Question, count_word};
use crate::progress::{self, Answer};
use crate::store::{Db, Mode};
use crate::study::Millis;
use crate::study::exam::{self, Clock, ExamSpec, Item};
use crate::study::practice::{self as logic, Filter, Presented, Session};
use crate::study::scheduler::{Scheduler, SrsSettings};

mod input;
pub use input::{LineSource, MAX_LINE, Waited, read_capped_line};

/// Option letters; a user bank may have up to ten options.
const LETTERS: [char; 10] = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'];

fn letter(pos: usize) -> char {
    LETTERS.get(pos).copied().unwrap_or('?')
}

/// What plain mode needs from outside: the store, the bank, the scheduler, and the clock.
pub struct Plain<'a, R: LineSource, W: Write> {
    pub db: &'a mut Db,
    pub bank: &'a Bank,
    pub bank_name: &'a str,
    pub scheduler: &'a dyn Scheduler,
    pub settings: SrsSettings,
    pub input: R,
    pub out: W,
    /// Reads the time; passed in so tests can drive a fake clock.
    pub clock: &'a mut dyn FnMut() -> Millis,
}

/// A line of answer: display positions chosen and an optional confidence (`?` unsure, `!` sure).
#[derive(Debug, PartialEq, Eq)]
pub struct Parsed {
    pub picks: Vec<usize>,
    pub confidence: Option<u8>,
}

/// Parses "B", "a c", "1,3", "B!" or "A,C?"; `None` if anything is not an option letter or number.
pub fn parse_answer(line: &str, options: usize) -> Option<Parsed> {
    let t = line.trim();
    let (body, confidence) = match t.chars().last() {
        Some('!') => (&t[..t.len() - 1], Some(3)),
        Some('?') => (&t[..t.len() - 1], Some(1)),
        _ => (t, None),
    };
    let mut picks = Vec::new();
    for tok in body.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()) {
        let mut chars = tok.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else { return None };
        let i = match c.to_ascii_uppercase() {
            l @ 'A'..='J' => usize::from(l as u8 - b'A'),
            d @ '1'..='9' => usize::from(d as u8 - b'1'),
            _ => return None,
        };
        if i >= options {
            return None;
        }
        if !picks.contains(&i) {
            picks.push(i);
        }
    }
    (!picks.is_empty()).then_some(Parsed { picks, confidence })
}

fn write_question(out: &mut impl Write, q: &Question, order: &[usize], header: &str) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{header}")?;
    writeln!(out, "{}", q.stem)?;
    for (pos, &i) in order.iter().enumerate() {
        writeln!(out, "  {}. {}", letter(pos), q.options[i].text)?;
    }
    if q.kind == Kind::Multiple {
        writeln!(out, "Choose {}.", count_word(q.answer_count()))?;
    }
    Ok(())
}

impl<R: LineSource, W: Write> Plain<'_, R, W> {
    /// The next line of input, or `None` at end of input.
    /// A line, or `None` at end of input; ticks are ignored and a signal stops the session (what
    /// was answered is already stored).
    fn prompt(&mut self, text: &str) -> Result<Option<String>> {
        write!(self.out, "{text}> ")?;
        self.out.flush()?;
        loop {
            match self.input.next_line()? {
                Waited::Line(l) => return Ok(Some(l)),
                Waited::End => return Ok(None),
                Waited::Tick => {}
                Waited::Signal(sig) => return Err(crate::term::Interrupted(sig).into()),
            }
        }
    }

    /// As [`Self::prompt`] during an exam: the clock and position are stored on every tick, and
    /// on a signal before stopping, so neither a kill nor a hang-up gives time back.
    fn prompt_exam(&mut self, text: &str, id: i64, clock: &mut Clock, pos: usize) -> Result<Option<String>> {
        write!(self.out, "{text}> ")?;
        self.out.flush()?;
        loop {
            let waited = self.input.next_line()?;
            let now = (self.clock)();
            match waited {
                Waited::Line(l) => return Ok(Some(l)),
                Waited::End => return Ok(None),
                Waited::Tick => self.db.save_exam_clock(id, clock.elapsed(now), pos)?,
                Waited::Signal(sig) => {
                    clock.pause(now);
                    self.db.save_exam_clock(id, clock.elapsed(now), pos)?;
                    writeln!(self.out, "\nExam saved; the clock is stopped. Resume with `gatewise exam --resume`.")?;
                    return Err(crate::term::Interrupted(sig).into());
                }
            }
        }
    }

    /// A practice session over a queue; returns how many were answered and how many were right.
    pub fn practice(
        &mut self,
        filter: Filter,
        queue: Vec<String>,
        mode: Mode,
        rng: &mut impl Rng,
    ) -> Result<(usize, usize)> {
        let started = (self.clock)();
        let session_id = self.db.start_session(self.bank_name, mode, &filter.describe(self.bank), started)?;
        let mut session = Session::new(filter, queue, started);
        writeln!(
            self.out,
            "Practice: {}. Answer with letters (B, or A,C for several); add ? if unsure or ! if sure.\n\
             s skips, q quits; end of input also stops and keeps your answers.",
            crate::text::plural(session.queue.len(), "question")
        )?;
        if mode == Mode::Cram {
            writeln!(self.out, "Cram mode: answers are recorded, the review schedule is not changed.")?;
        }
        'questions: while let Some(id) = session.current().map(str::to_string) {
            let Some(q) = self.bank.question(&id) else {
                session.advance();
                continue;
            };
            let p = Presented::new(q, rng);
            // A question imported without a domain shows none.
            let domain = q.domain.map(|d| format!(" · {}", d.title())).unwrap_or_default();
            let header = format!(
                "Question {} of {} · {}{domain}",
                session.pos + 1,
                session.queue.len(),
                self.bank.topic_title(&q.topic),
            );
            write_question(&mut self.out, q, &p.order, &header)?;
            let shown = (self.clock)();
            let parsed = loop {
                let Some(line) = self.prompt("answer")? else { break 'questions };
                match line.as_str() {
                    "q" | "quit" => break 'questions,
                    "s" | "skip" => {
                        session.advance();
                        continue 'questions;
                    }
                    _ => {}
                }
                match parse_answer(&line, q.options.len()) {
                    Some(a) if logic::ready_to_submit(q, a.picks.len()) => break a,
                    Some(a) => {
                        writeln!(self.out, "Choose {} (you gave {}).", count_word(q.answer_count()), a.picks.len())?
                    }
                    None => writeln!(self.out, "Type option letters, e.g. B or A,C (s skips, q quits).")?,
                }
            };
            let now = (self.clock)();
            let chosen = p.to_file_indices(&parsed.picks);
            let seconds = (now - shown).max(0) as f64 / 1000.0;
            let answer = Answer {
                question: q,
                chosen: &chosen,
                confidence: parsed.confidence,
                seconds,
                mode,
                session_id: Some(session_id),
            };
            // Stored first; only then is the learner told the result.
            let rec = progress::record(self.db, self.bank_name, self.scheduler, self.settings, &answer, now)?;
            self.feedback(q, &p.order, &chosen, rec.correct, rec.next_in_days)?;
            if session.record(q, rec.correct, seconds) {
                writeln!(self.out, "It comes back later in this session.")?;
            }
            session.advance();
        }
        let now = (self.clock)();
        self.db.end_session(session_id, now)?;
        let s = session.summary(self.bank, now);
        writeln!(self.out)?;
        writeln!(
            self.out,
            "Session over: {} of {} right ({:.0}%) in {}.",
            s.correct,
            s.answered,
            s.percent(),
            crate::clock::duration((s.seconds * 1000.0) as i64)
        )?;
        for (topic, n) in &s.revisit {
            writeln!(self.out, "  revisit {topic}: {n} missed")?;
        }
        writeln!(self.out, "Every answer is saved.")?;
        Ok((s.answered, s.correct))
    }

    fn feedback(
        &mut self,
        q: &Question,
        order: &[usize],
        chosen: &[usize],
        correct: bool,
        next: Option<f64>,
    ) -> Result<()> {
        let key: Vec<String> = order
            .iter()
            .enumerate()
            .filter(|(_, i)| q.options[**i].correct)
            .map(|(p, _)| letter(p).to_string())
            .collect();
        if correct {
            writeln!(self.out, "Correct.")?;
        } else {
            writeln!(self.out, "Not quite. The answer is {}.", key.join(", "))?;
        }
        for (pos, &i) in order.iter().enumerate() {
            let o = &q.options[i];
            let yours = if chosen.contains(&i) { " (your choice)" } else { "" };
            let verdict = if o.correct { "right" } else { "wrong" };
            writeln!(self.out, "  {}{yours}: {verdict}. {}", letter(pos), o.explanation)?;
        }
        self.beliefs(q, chosen, "")?;
        // An imported question may have no explanation: no empty "Why".
        if !q.explanation.trim().is_empty() {
            writeln!(self.out, "Why: {}", q.explanation)?;
        }
        for s in &q.sources {
            writeln!(self.out, "Source: {s}")?;
        }
        match next {
            Some(d) => writeln!(self.out, "Back for review in {d:.0} day(s).")?,
            None => writeln!(self.out, "Cram: schedule unchanged.")?,
        }
        Ok(())
    }

    /// Sits an exam line by line: new (with a seed) or the unfinished one.
    pub fn exam(&mut self, resume: Option<crate::store::ExamRow>, spec: ExamSpec, seed: u64) -> Result<()> {
        let now = (self.clock)();
        let (id, spec, mut items, mut pos, banked) = match resume {
            Some(row) => {
                let (spec, items) =
                    progress::resume_exam(&row).map_err(|e| anyhow::anyhow!("cannot resume the exam: {e}"))?;
                writeln!(self.out, "Resuming: time while the exam was closed did not count.")?;
                (row.id, spec, items, row.position, row.elapsed_ms)
            }
            None => {
                let seen =
                    if spec.unseen_first { progress::seen_ids(self.db, self.bank_name)? } else { Default::default() };
                let items = exam::draw_with_history(self.bank, &spec, seed, &seen);
                anyhow::ensure!(!items.is_empty(), "no questions match that exam");
                let rows = progress::exam_rows(&items);
                let id = self.db.create_exam(self.bank_name, &serde_json::to_string(&spec)?, seed, &rows, now)?;
                (id, spec, items, 0, 0)
            }
        };
        let mut clock = Clock::new(spec.limit_ms(), banked);
        clock.resume(now);
        writeln!(
            self.out,
            "{} (seed {seed}). Answer with letters; n next, p previous, m flags, g N goes to N, r lists all, s submits.\n\
             No feedback until you submit. End of input saves and stops the clock.",
            spec.label
        )?;
        let n = items.len();
        let mut show = true;
        let mut saved_pos = pos;
        loop {
            let now = (self.clock)();
            if clock.expired(now) {
                writeln!(self.out, "Time is up: submitting with the answers given.")?;
                return self.submit(id, &items, &mut clock);
            }
            pos = pos.min(n - 1);
            let item = &items[pos];
            // A question removed from the bank (or reshaped) since the draw is not scored; the
            // learner can still move on from it.
            let q = self.bank.question(&item.question_id).filter(|q| item.fits(q));
            let Some(q) = q else {
                if show {
                    writeln!(
                        self.out,
                        "\nQuestion {} of {n} is no longer in the bank and will not be scored (n next, s submits).",
                        pos + 1
                    )?;
                }
                let Some(line) = self.prompt_exam("exam", id, &mut clock, pos)? else {
                    let now = (self.clock)();
                    clock.pause(now);
                    self.db.save_exam_clock(id, clock.elapsed(now), pos)?;
                    return Ok(());
                };
                match line.as_str() {
                    "p" => pos = pos.saturating_sub(1),
                    "s" => return self.submit(id, &items, &mut clock),
                    _ => pos = (pos + 1).min(n - 1),
                }
                continue;
            };
            if show {
                let flag = if item.flagged { " · flagged" } else { "" };
                let header = format!(
                    "Question {} of {n} · {} left{flag}",
                    pos + 1,
                    crate::clock::duration(clock.remaining(now))
                );
                write_question(&mut self.out, q, &item.order, &header)?;
                if let Some(a) = &item.answer {
                    let letters: Vec<String> = a
                        .iter()
                        .filter_map(|f| item.order.iter().position(|o| o == f))
                        .map(|p| letter(p).to_string())
                        .collect();
                    writeln!(self.out, "Your answer: {}", letters.join(", "))?;
                    if let state @ exam::AnswerState::Incomplete { .. } = item.state(Some(q)) {
                        writeln!(self.out, "Incomplete: {}", state.label())?;
                    }
                }
            }
            show = true;
            // Moving (n, p, g N) is stored too, so a resume lands on the same question.
            if pos != saved_pos {
                self.db.save_exam_clock(id, clock.elapsed(now), pos)?;
                saved_pos = pos;
            }
            let Some(line) = self.prompt_exam("exam", id, &mut clock, pos)? else {
                let now = (self.clock)();
                clock.pause(now);
                self.db.save_exam_clock(id, clock.elapsed(now), pos)?;
                writeln!(
                    self.out,
                    "\nExam saved with {} of {n} answered; the clock is stopped. Resume with `gatewise exam --resume`.",
                    items.iter().filter(|i| i.answer.is_some()).count()
                )?;
                return Ok(());
            };
            let now = (self.clock)();
            // An answer typed after the limit does not count, as in the app.
            if clock.expired(now) {
                writeln!(self.out, "Time is up: submitting with the answers given before it.")?;
                return self.submit(id, &items, &mut clock);
            }
            let elapsed = clock.elapsed(now);
            match line.split_whitespace().collect::<Vec<_>>().as_slice() {
                ["n"] => pos = (pos + 1).min(n - 1),
                ["p"] => pos = pos.saturating_sub(1),
                ["g", k] => match k.parse::<usize>() {
                    Ok(k) if (1..=n).contains(&k) => pos = k - 1,
                    _ => writeln!(self.out, "Go to a question from 1 to {n}.")?,
                },
                ["m"] => {
                    items[pos].flagged = !items[pos].flagged;
                    self.db.save_exam_item(id, pos, items[pos].answer.as_deref(), items[pos].flagged, elapsed, pos)?;
                }
                ["r"] => {
                    for (i, it) in items.iter().enumerate() {
                        let state = it.state(self.bank.question(&it.question_id)).label();
                        writeln!(self.out, "  {:>3}  {state}{}", i + 1, if it.flagged { "  flagged" } else { "" })?;
                    }
                    show = false;
                }
                ["s"] => {
                    let counts = exam::outstanding(self.bank, &items);
                    let Some(yes) = self.prompt(&format!("Submit with {}? [y/N] ", counts.describe()))? else {
                        continue;
                    };
                    if matches!(yes.as_str(), "y" | "Y" | "yes") {
                        return self.submit(id, &items, &mut clock);
                    }
                }
                _ => match parse_answer(&line, q.options.len()) {
                    Some(a) if a.picks.len() == q.answer_count() || q.kind == Kind::Single && a.picks.len() == 1 => {
                        let mut chosen: Vec<usize> =
                            a.picks.iter().filter_map(|&p| items[pos].order.get(p).copied()).collect();
                        chosen.sort_unstable();
                        items[pos].answer = Some(chosen);
                        let next = (pos + 1).min(n - 1);
                        self.db.save_exam_item(
                            id,
                            pos,
                            items[pos].answer.as_deref(),
                            items[pos].flagged,
                            elapsed,
                            next,
                        )?;
                        if pos + 1 == n {
                            writeln!(self.out, "That was the last question: s submits, r lists all.")?;
                            show = false;
                        }
                        pos = next;
                    }
                    Some(_) => {
                        writeln!(self.out, "Choose {}.", count_word(q.answer_count()))?;
                        show = false;
                    }
                    None => {
                        writeln!(self.out, "Type option letters, or n, p, m, g N, r, s.")?;
                        show = false;
                    }
                },
            }
        }
    }

    fn submit(&mut self, id: i64, items: &[Item], clock: &mut Clock) -> Result<()> {
        let now = (self.clock)();
        clock.pause(now);
        let elapsed = clock.elapsed(now);
        let r = progress::submit_exam(
            self.db,
            self.bank,
            self.bank_name,
            self.scheduler,
            self.settings,
            id,
            items,
            elapsed,
            now,
        )?;
        writeln!(self.out)?;
        writeln!(
            self.out,
            "Result: {} of {} correct ({:.0}%), estimated scaled score {} — {} (700 to pass). Time used {}.",
            r.correct,
            r.total,
            r.percent,
            r.scaled,
            if r.passed { "PASS" } else { "NOT YET" },
            crate::clock::duration(r.elapsed_ms)
        )?;
        writeln!(self.out, "{}", exam::SCALED_NOTE)?;
        for (i, item) in items.iter().enumerate() {
            let Some(q) = self.bank.question(&item.question_id) else { continue };
            let ok = r.item_correct.get(i).copied().unwrap_or(false);
            let mark = if item.answer.is_none() {
                "unanswered"
            } else if ok {
                "right"
            } else {
                "wrong"
            };
            writeln!(self.out, "\n{}. [{mark}] {}", i + 1, q.stem)?;
            if !ok {
                let key: Vec<&str> = q.options.iter().filter(|o| o.correct).map(|o| o.text.as_str()).collect();
                writeln!(self.out, "   Answer: {}", key.join(" / "))?;
                writeln!(self.out, "   Why: {}", q.explanation)?;
                self.beliefs(q, item.answer.as_deref().unwrap_or_default(), "   ")?;
            }
        }
        Ok(())
    }

    /// The misconceptions an answer showed, in the same words the app uses.
    fn beliefs(&mut self, q: &Question, chosen: &[usize], indent: &str) -> Result<()> {
        for m in crate::study::misconceptions::entries(self.bank, q, chosen) {
            for line in crate::study::misconceptions::feedback(self.bank, m) {
                writeln!(self.out, "{indent}{line}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_parse_in_the_forms_learners_type() {
        assert_eq!(parse_answer("b", 4), Some(Parsed { picks: vec![1], confidence: None }));
        assert_eq!(parse_answer("A, C!", 5), Some(Parsed { picks: vec![0, 2], confidence: Some(3) }));
        assert_eq!(parse_answer("1 3?", 5), Some(Parsed { picks: vec![0, 2], confidence: Some(1) }));
        assert_eq!(parse_answer("E", 4), None);
        assert_eq!(parse_answer("hello", 4), None);
        assert_eq!(parse_answer("", 4), None);
    }
}
