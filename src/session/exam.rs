//! An exam being sat: items, position, answers, flags and the clock, with every change stored as
//! it happens, so a kill loses at most a couple of seconds and never gives time back.
use super::{Services, SessionError};
use crate::bank::{Bank, Question};
use crate::progress;
use crate::store::{Db, ExamRow, StoreError};
use crate::study::Millis;
use crate::study::exam::{self, AnswerState, Clock, ExamResult, ExamSpec, Item, Outstanding};

/// How often the clock is written while the exam is open (at most this is lost to a kill).
pub const SAVE_EVERY_MS: i64 = 2_000;

/// What the passing of time did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tick {
    Quiet,
    /// A warning threshold was crossed: this many minutes left.
    Warning(u32),
    /// The limit has passed: the exam must be submitted with the answers given.
    TimeUp,
}

/// The outcome of giving an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picked {
    /// Stored; the item now stands here (answered, or incomplete with fewer picks than asked).
    Stored(AnswerState),
    /// Not taken: more picks than the question asks for, or an option that does not exist.
    TooMany { need: usize },
    /// The item's question is no longer in the bank (it will not be scored).
    Gone,
}

#[derive(Debug)]
pub struct ExamSession {
    id: i64,
    spec: ExamSpec,
    items: Vec<Item>,
    pos: usize,
    clock: Clock,
    saved_elapsed: i64,
    seen_elapsed: i64,
}

impl ExamSession {
    /// Draws and stores a new exam, and starts its clock.
    pub fn start(s: &mut Services, spec: ExamSpec, seed: u64, now: Millis) -> Result<ExamSession, SessionError> {
        let seen = if spec.unseen_first { progress::seen_ids(s.db, s.bank_name)? } else { Default::default() };
        let items = exam::draw_with_history(s.bank, &spec, seed, &seen);
        if items.is_empty() {
            return Err(SessionError::NoQuestions);
        }
        // An ExamSpec is plain data; serialising it cannot fail.
        let spec_json = serde_json::to_string(&spec).unwrap_or_default();
        let id = s.db.create_exam(s.bank_name, &spec_json, seed, &progress::exam_rows(&items), now)?;
        let mut clock = Clock::new(spec.limit_ms(), 0);
        clock.resume(now);
        Ok(ExamSession { id, spec, items, pos: 0, clock, saved_elapsed: 0, seen_elapsed: 0 })
    }

    /// Rebuilds an unfinished exam from the store with its answers, flags, position and time;
    /// a damaged one is refused with the reason, the same in every front end.
    pub fn resume(row: &ExamRow, now: Millis) -> Result<ExamSession, SessionError> {
        let (spec, items) = progress::resume_exam(row).map_err(SessionError::Damaged)?;
        let mut clock = Clock::new(spec.limit_ms(), row.elapsed_ms);
        clock.resume(now);
        let pos = row.position.min(items.len().saturating_sub(1));
        Ok(ExamSession {
            id: row.id,
            spec,
            items,
            pos,
            clock,
            saved_elapsed: row.elapsed_ms,
            seen_elapsed: row.elapsed_ms,
        })
    }

    pub fn id(&self) -> i64 {
        self.id
    }
    pub fn spec(&self) -> &ExamSpec {
        &self.spec
    }
    pub fn items(&self) -> &[Item] {
        &self.items
    }
    pub fn pos(&self) -> usize {
        self.pos
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn current(&self) -> &Item {
        &self.items[self.pos]
    }
    pub fn clock(&self) -> &Clock {
        &self.clock
    }
    pub fn remaining(&self, now: Millis) -> i64 {
        self.clock.remaining(now)
    }
    pub fn expired(&self, now: Millis) -> bool {
        self.clock.expired(now)
    }

    /// The current item's question, if it is still in the bank in the shape it was drawn with.
    pub fn question<'b>(&self, bank: &'b Bank) -> Option<&'b Question> {
        let item = self.current();
        bank.question(&item.question_id).filter(|q| item.fits(q))
    }

    /// Answered, unanswered, incomplete and flagged counts (what the submit dialog states).
    pub fn outstanding(&self, bank: &Bank) -> Outstanding {
        exam::outstanding(bank, &self.items)
    }

    /// Called as time passes: warnings, the clock stored every [`SAVE_EVERY_MS`], time up.
    pub fn tick(&mut self, db: &mut Db, now: Millis) -> Result<Tick, StoreError> {
        let warning = self.clock.warning_between(self.seen_elapsed, now);
        let elapsed = self.clock.elapsed(now);
        self.seen_elapsed = elapsed;
        if self.clock.expired(now) {
            return Ok(Tick::TimeUp);
        }
        if elapsed - self.saved_elapsed >= SAVE_EVERY_MS {
            self.save_clock(db, now)?;
        }
        Ok(warning.map_or(Tick::Quiet, Tick::Warning))
    }

    /// Moves to question `pos` (clamped); the position is stored so a resume lands there.
    pub fn go(&mut self, db: &mut Db, pos: usize, now: Millis) -> Result<(), StoreError> {
        let pos = pos.min(self.items.len().saturating_sub(1));
        if pos != self.pos {
            self.pos = pos;
            self.save_clock(db, now)?;
        }
        Ok(())
    }

    /// Chooses the option at display position `display` on the current question: a single answer
    /// replaces, a multiple response toggles (refused past the number it asks for).
    pub fn toggle(&mut self, db: &mut Db, bank: &Bank, display: usize, now: Millis) -> Result<Picked, StoreError> {
        let Some(q) = self.question(bank) else { return Ok(Picked::Gone) };
        let item = &self.items[self.pos];
        let Some(&file_idx) = item.order.get(display) else { return Ok(Picked::TooMany { need: q.answer_count() }) };
        let Some(chosen) = exam::toggle_pick(q, item.answer.as_deref().unwrap_or_default(), file_idx) else {
            return Ok(Picked::TooMany { need: q.answer_count() });
        };
        self.items[self.pos].answer = (!chosen.is_empty()).then_some(chosen);
        self.save_item(db, self.pos, now)?;
        Ok(Picked::Stored(self.items[self.pos].state(Some(q))))
    }

    /// Gives the whole answer to the current question at once (display positions, as typed in
    /// plain mode). Fewer picks than a multiple response asks for are kept as incomplete.
    pub fn answer(&mut self, db: &mut Db, bank: &Bank, display: &[usize], now: Millis) -> Result<Picked, StoreError> {
        let Some(q) = self.question(bank) else { return Ok(Picked::Gone) };
        let item = &self.items[self.pos];
        let mut chosen: Vec<usize> = display.iter().filter_map(|&p| item.order.get(p).copied()).collect();
        chosen.sort_unstable();
        chosen.dedup();
        if chosen.len() != display.len() || !exam::accepts(q, chosen.len()) {
            return Ok(Picked::TooMany { need: q.answer_count() });
        }
        self.items[self.pos].answer = Some(chosen);
        self.save_item(db, self.pos, now)?;
        Ok(Picked::Stored(self.items[self.pos].state(Some(q))))
    }

    /// Flags or unflags the current question; returns whether it is now flagged.
    pub fn toggle_flag(&mut self, db: &mut Db, now: Millis) -> Result<bool, StoreError> {
        let flagged = !self.items[self.pos].flagged;
        self.items[self.pos].flagged = flagged;
        self.save_item(db, self.pos, now)?;
        Ok(flagged)
    }

    /// Stops the clock and stores it (leaving the exam, closing the app, a signal, end of input),
    /// so no time is lost or given back.
    pub fn pause(&mut self, db: &mut Db, now: Millis) -> Result<(), StoreError> {
        self.clock.pause(now);
        self.save_clock(db, now)
    }

    /// Scores the exam and stores the result with its attempts in one transaction. If storing
    /// fails the clock runs on and the answers stay saved, so the learner can try again.
    pub fn submit(&mut self, s: &mut Services, now: Millis) -> Result<ExamResult, StoreError> {
        self.clock.pause(now);
        let elapsed = self.clock.elapsed(now);
        let result =
            progress::submit_exam(s.db, s.bank, s.bank_name, s.scheduler, s.srs, self.id, &self.items, elapsed, now);
        if result.is_err() {
            self.clock.resume(now);
        }
        result
    }

    fn save_item(&mut self, db: &mut Db, idx: usize, now: Millis) -> Result<(), StoreError> {
        let elapsed = self.clock.elapsed(now);
        let item = &self.items[idx];
        db.save_exam_item(self.id, idx, item.answer.as_deref(), item.flagged, elapsed, self.pos)?;
        self.saved_elapsed = elapsed;
        Ok(())
    }

    fn save_clock(&mut self, db: &mut Db, now: Millis) -> Result<(), StoreError> {
        let elapsed = self.clock.elapsed(now);
        db.save_exam_clock(self.id, elapsed, self.pos)?;
        self.saved_elapsed = elapsed;
        Ok(())
    }
}
