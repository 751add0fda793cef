//! Plain mode: practice and exams line by line on standard input and output — no raw mode, no
//! colours, no cursor movement — with the same scoring, storage and timing as the terminal app.
//! End of input ends the session cleanly and keeps what was answered.
use std::io::Write;

use anyhow::Result;
use rand::Rng;

use crate::bank::{Bank, Kind, Question, count_word};
use crate::progress::PracticeChoice;
use crate::session::exam::Picked;
use crate::session::practice::NotTaken;
use crate::session::{ExamSession, PracticeSession, Services, SessionError, Tick};
use crate::store::{Db, Mode};
use crate::study::Millis;
use crate::study::exam::{self, AnswerState, ExamSpec};
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
pub(crate) fn parse_answer(line: &str, options: usize) -> Option<Parsed> {
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

/// What the learner did at an exam prompt.
enum ExamInput {
    Line(String),
    End,
    TimeUp,
}

impl<R: LineSource, W: Write> Plain<'_, R, W> {
    fn services(&mut self) -> Services<'_> {
        Services {
            db: self.db,
            bank: self.bank,
            bank_name: self.bank_name,
            scheduler: self.scheduler,
            srs: self.settings,
        }
    }

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

    /// A practice session on what the learner chose; returns how many were answered and how many
    /// were right.
    pub fn practice(&mut self, choice: PracticeChoice, mode: Mode, rng: &mut impl Rng) -> Result<(usize, usize)> {
        let now = (self.clock)();
        let mut session = match PracticeSession::start(&mut self.services(), choice, mode, now, rng) {
            Ok(s) => s,
            Err(e @ (SessionError::NothingDue | SessionError::NoQuestions)) => {
                writeln!(self.out, "Nothing to practise: {e}.")?;
                return Ok((0, 0));
            }
            Err(e) => return Err(e.into()),
        };
        writeln!(
            self.out,
            "Practice: {}. Answer with letters (B, or A,C for several); add ? if unsure or ! if sure.\n\
             s skips, q quits; end of input also stops and keeps your answers.",
            crate::text::plural(session.queue().len(), "question")
        )?;
        if mode == Mode::Cram {
            writeln!(self.out, "Cram mode: answers are recorded, the review schedule is not changed.")?;
        }
        'questions: while let (Some(q), Some(order)) =
            (session.question(self.bank), session.presented().map(|p| p.order.clone()))
        {
            // A question imported without a domain shows none.
            let domain = q.domain.map(|d| format!(" · {}", d.title())).unwrap_or_default();
            let header = format!(
                "Question {} of {} · {}{domain}",
                session.pos() + 1,
                session.queue().len(),
                self.bank.topic_title(&q.topic),
            );
            write_question(&mut self.out, q, &order, &header)?;
            let feedback = loop {
                let Some(line) = self.prompt("answer")? else { break 'questions };
                match line.as_str() {
                    "q" | "quit" => break 'questions,
                    "s" | "skip" => {
                        let now = (self.clock)();
                        session.advance(self.bank, now, rng);
                        continue 'questions;
                    }
                    _ => {}
                }
                let Some(a) = parse_answer(&line, q.options.len()) else {
                    writeln!(self.out, "Type option letters, e.g. B or A,C (s skips, q quits).")?;
                    continue;
                };
                let now = (self.clock)();
                match session.submit(&mut self.services(), &a.picks, a.confidence, now) {
                    Ok(fb) => break fb.clone(),
                    Err(e @ NotTaken::Picks { .. }) => {
                        writeln!(self.out, "{}.", crate::text::capitalise(&e.to_string()))?
                    }
                    Err(e) => return Err(e.into()),
                }
            };
            // Stored first; only then is the learner told the result.
            self.feedback(q, &order, &feedback.chosen, feedback.grade.correct, feedback.next_in_days)?;
            if feedback.requeued {
                writeln!(self.out, "It comes back later in this session.")?;
            }
            let now = (self.clock)();
            session.advance(self.bank, now, rng);
        }
        let now = (self.clock)();
        let s = session.finish(self.db, self.bank, now)?.unwrap_or_else(|| session.summary(self.bank, now));
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

    /// As [`Self::prompt`] during an exam: time passing is handed to the session (the clock is
    /// stored, warnings are printed, time up ends the wait), and a signal stops the clock and
    /// stores it before stopping, so neither a kill nor a hang-up gives time back.
    fn prompt_exam(&mut self, text: &str, session: &mut ExamSession) -> Result<ExamInput> {
        write!(self.out, "{text}> ")?;
        self.out.flush()?;
        loop {
            let waited = self.input.next_line()?;
            let now = (self.clock)();
            match waited {
                Waited::Line(l) => return Ok(ExamInput::Line(l)),
                Waited::End => return Ok(ExamInput::End),
                Waited::Tick => match session.tick(self.db, now)? {
                    Tick::TimeUp => return Ok(ExamInput::TimeUp),
                    Tick::Warning(m) => {
                        writeln!(self.out, "\n{m} minutes left.")?;
                        write!(self.out, "{text}> ")?;
                        self.out.flush()?;
                    }
                    Tick::Quiet => {}
                },
                Waited::Signal(sig) => {
                    session.pause(self.db, now)?;
                    writeln!(self.out, "\nExam saved; the clock is stopped. Resume with `gatewise exam --resume`.")?;
                    return Err(crate::term::Interrupted(sig).into());
                }
            }
        }
    }

    /// Sits an exam line by line: new (with a seed) or the unfinished one.
    pub fn exam(&mut self, resume: Option<crate::store::ExamRow>, spec: ExamSpec, seed: u64) -> Result<()> {
        let now = (self.clock)();
        let mut session = match resume {
            Some(row) => {
                let s = ExamSession::resume(&row, now)?;
                writeln!(self.out, "Resuming: time while the exam was closed did not count.")?;
                s
            }
            None => match ExamSession::start(&mut self.services(), spec, seed, now) {
                Err(SessionError::NoQuestions) => anyhow::bail!("no questions match that exam"),
                s => s?,
            },
        };
        writeln!(
            self.out,
            "{} (seed {seed}). Answer with letters; n next, p previous, m flags, g N goes to N, r lists all, s submits.\n\
             No feedback until you submit. End of input saves and stops the clock.",
            session.spec().label
        )?;
        let n = session.len();
        let mut show = true;
        loop {
            let now = (self.clock)();
            if session.expired(now) {
                writeln!(self.out, "Time is up: submitting with the answers given.")?;
                return self.submit(&mut session);
            }
            let pos = session.pos();
            // A question removed from the bank (or reshaped) since the draw is not scored; the
            // learner can still move on from it.
            let q = session.question(self.bank);
            if show {
                match q {
                    None => writeln!(
                        self.out,
                        "\nQuestion {} of {n} is no longer in the bank and will not be scored (n next, s submits).",
                        pos + 1
                    )?,
                    Some(q) => self.show_exam_question(&session, q, now)?,
                }
            }
            show = true;
            let line = match self.prompt_exam("exam", &mut session)? {
                ExamInput::Line(l) => l,
                ExamInput::TimeUp => {
                    writeln!(self.out, "\nTime is up: submitting with the answers given.")?;
                    return self.submit(&mut session);
                }
                ExamInput::End => {
                    let now = (self.clock)();
                    session.pause(self.db, now)?;
                    let answered = session.items().iter().filter(|i| i.answer.is_some()).count();
                    writeln!(
                        self.out,
                        "\nExam saved with {answered} of {n} answered; the clock is stopped. Resume with `gatewise exam --resume`."
                    )?;
                    return Ok(());
                }
            };
            let now = (self.clock)();
            // An answer typed after the limit does not count, as in the app.
            if session.expired(now) {
                writeln!(self.out, "Time is up: submitting with the answers given before it.")?;
                return self.submit(&mut session);
            }
            match line.split_whitespace().collect::<Vec<_>>().as_slice() {
                ["n"] => session.go(self.db, pos + 1, now)?,
                ["p"] => session.go(self.db, pos.saturating_sub(1), now)?,
                ["s"] => {
                    let counts = session.outstanding(self.bank);
                    let Some(yes) = self.prompt(&format!("Submit with {}? [y/N] ", counts.describe()))? else {
                        continue;
                    };
                    if matches!(yes.as_str(), "y" | "Y" | "yes") {
                        return self.submit(&mut session);
                    }
                }
                _ if q.is_none() => session.go(self.db, pos + 1, now)?,
                ["g", k] => match k.parse::<usize>() {
                    Ok(k) if (1..=n).contains(&k) => session.go(self.db, k - 1, now)?,
                    _ => writeln!(self.out, "Go to a question from 1 to {n}.")?,
                },
                ["m"] => {
                    session.toggle_flag(self.db, now)?;
                }
                ["r"] => {
                    for (i, it) in session.items().iter().enumerate() {
                        let state = it.state(self.bank.question(&it.question_id)).label();
                        writeln!(self.out, "  {:>3}  {state}{}", i + 1, if it.flagged { "  flagged" } else { "" })?;
                    }
                    show = false;
                }
                _ => {
                    let options = q.map_or(0, |q| q.options.len());
                    let Some(a) = parse_answer(&line, options) else {
                        writeln!(self.out, "Type option letters, or n, p, m, g N, r, s.")?;
                        show = false;
                        continue;
                    };
                    show = false;
                    match session.answer(self.db, self.bank, &a.picks, now)? {
                        Picked::Stored(AnswerState::Incomplete { picked, need }) => writeln!(
                            self.out,
                            "Kept as incomplete ({picked} of {need}): choose {} to complete it, or move on.",
                            count_word(need)
                        )?,
                        Picked::Stored(_) if pos + 1 == n => {
                            writeln!(self.out, "That was the last question: s submits, r lists all.")?
                        }
                        Picked::Stored(_) => {
                            session.go(self.db, pos + 1, now)?;
                            show = true;
                        }
                        Picked::TooMany { need } => writeln!(self.out, "Choose {}.", count_word(need))?,
                        Picked::Gone => {}
                    }
                }
            }
        }
    }

    /// The current exam question with its time left, flag, and the answer given so far.
    fn show_exam_question(&mut self, session: &ExamSession, q: &Question, now: Millis) -> Result<()> {
        let item = session.current();
        let flag = if item.flagged { " · flagged" } else { "" };
        let header = format!(
            "Question {} of {} · {} left{flag}",
            session.pos() + 1,
            session.len(),
            crate::clock::duration(session.remaining(now))
        );
        write_question(&mut self.out, q, &item.order, &header)?;
        if let Some(a) = &item.answer {
            let letters: Vec<String> = a
                .iter()
                .filter_map(|f| item.order.iter().position(|o| o == f))
                .map(|p| letter(p).to_string())
                .collect();
            writeln!(self.out, "Your answer: {}", letters.join(", "))?;
            if let state @ AnswerState::Incomplete { .. } = item.state(Some(q)) {
                writeln!(self.out, "Incomplete: {}", state.label())?;
            }
        }
        Ok(())
    }

    fn submit(&mut self, session: &mut ExamSession) -> Result<()> {
        let now = (self.clock)();
        let r = session.submit(&mut self.services(), now)?;
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
        for (i, item) in session.items().iter().enumerate() {
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
