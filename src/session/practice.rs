//! A practice session: a learner's choice turned into a queue, each question shown with its
//! options shuffled, answers graded and stored with their schedule before any feedback, misses
//! coming back later in the session, and the summary at the end.
use rand::Rng;

use super::{Services, SessionError};
use crate::bank::{Bank, Kind, Question, count_word};
use crate::progress::{self, Answer, PracticeChoice};
use crate::store::{Db, Mode, StoreError};
use crate::study::Millis;
use crate::study::practice::{self as logic, Filter, Grade, Presented, Session, Summary};

/// What an answer gave the learner, once it is stored.
#[derive(Debug, Clone)]
pub struct Feedback {
    pub grade: Grade,
    /// Chosen options as file indices.
    pub chosen: Vec<usize>,
    /// When the question comes back; `None` in cram mode, which leaves the schedule alone.
    pub next_in_days: Option<f64>,
    pub lapses: u32,
    /// The question comes back later in this session.
    pub requeued: bool,
}

/// Why an answer was not taken.
#[derive(Debug, thiserror::Error)]
pub enum NotTaken {
    /// Not the number of picks the question asks for; nothing was stored.
    #[error("{}", need_text(*.single, *.need, *.gave))]
    Picks { single: bool, need: usize, gave: usize },
    /// Nothing is being asked (the session is over).
    #[error("there is no question to answer")]
    NoQuestion,
    /// The store refused it: the answer is not graded, so no feedback is shown.
    #[error("your answer was not saved, so it is not graded yet: {0}")]
    Store(#[from] StoreError),
}

fn need_text(_single: bool, need: usize, gave: usize) -> String {
    format!("choose {} (you gave {gave})", count_word(need))
}

#[derive(Debug)]
pub struct PracticeSession {
    mode: Mode,
    core: Session,
    id: i64,
    presented: Option<Presented>,
    shown_at: Millis,
    feedback: Option<Feedback>,
}

impl PracticeSession {
    /// Starts what a learner chose (due, weak, or a filter at a level) in the same way for every
    /// front end; an empty choice is an error that says why.
    pub fn start(
        s: &mut Services,
        choice: PracticeChoice,
        mode: Mode,
        now: Millis,
        rng: &mut impl Rng,
    ) -> Result<PracticeSession, SessionError> {
        let due = choice == PracticeChoice::Due;
        let (filter, queue) = progress::practice_queue(s.db, s.bank, s.bank_name, choice, s.scheduler, now, rng)?;
        if queue.is_empty() {
            return Err(if due { SessionError::NothingDue } else { SessionError::NoQuestions });
        }
        let id = s.db.start_session(s.bank_name, mode, &filter.describe(s.bank), now)?;
        let mut p = PracticeSession {
            mode,
            core: Session::new(filter, queue, now),
            id,
            presented: None,
            shown_at: now,
            feedback: None,
        };
        p.present(s.bank, now, rng);
        Ok(p)
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }
    pub fn filter(&self) -> &Filter {
        &self.core.filter
    }
    pub fn queue(&self) -> &[String] {
        &self.core.queue
    }
    /// The position in the queue (0-based).
    pub fn pos(&self) -> usize {
        self.core.pos
    }
    pub fn answered(&self) -> usize {
        self.core.answered.len()
    }
    /// The id of the question being asked, if any.
    pub fn current(&self) -> Option<&str> {
        self.core.current()
    }
    /// The question being asked, if any.
    pub fn question<'b>(&self, bank: &'b Bank) -> Option<&'b Question> {
        bank.question(self.core.current()?)
    }
    /// How the current question's options are ordered on screen.
    pub fn presented(&self) -> Option<&Presented> {
        self.presented.as_ref()
    }
    /// The feedback on the current question, once it is answered.
    pub fn feedback(&self) -> Option<&Feedback> {
        self.feedback.as_ref()
    }

    /// Shows the question at the current position (skipping ids no longer in the bank) with its
    /// options in a fresh order.
    fn present(&mut self, bank: &Bank, now: Millis, rng: &mut impl Rng) {
        while let Some(id) = self.core.current() {
            if let Some(q) = bank.question(id) {
                self.presented = Some(Presented::new(q, rng));
                self.shown_at = now;
                self.feedback = None;
                return;
            }
            self.core.advance();
        }
        self.presented = None;
        self.feedback = None;
    }

    /// Grades the picks (display positions), stores the answer and its schedule in one
    /// transaction, and only then returns the feedback. Refused without storing anything when the
    /// number of picks is not what the question asks for.
    pub fn submit(
        &mut self,
        s: &mut Services,
        display: &[usize],
        confidence: Option<u8>,
        now: Millis,
    ) -> Result<&Feedback, NotTaken> {
        let (Some(q), Some(presented)) = (self.question(s.bank), &self.presented) else {
            return Err(NotTaken::NoQuestion);
        };
        if self.feedback.is_some() {
            return Err(NotTaken::NoQuestion);
        }
        if !logic::ready_to_submit(q, display.len()) {
            return Err(NotTaken::Picks {
                single: q.kind == Kind::Single,
                need: q.answer_count(),
                gave: display.len(),
            });
        }
        let chosen = presented.to_file_indices(display);
        let seconds = ((now - self.shown_at).max(0) as f64) / 1000.0;
        let answer =
            Answer { question: q, chosen: &chosen, confidence, seconds, mode: self.mode, session_id: Some(self.id) };
        let rec = progress::record(s.db, s.bank_name, s.scheduler, s.srs, &answer, now)?;
        let requeued = self.core.record(q, rec.correct, seconds);
        let grade = logic::grade(q, &chosen);
        Ok(self.feedback.insert(Feedback {
            grade,
            chosen,
            next_in_days: rec.next_in_days,
            lapses: rec.lapses,
            requeued,
        }))
    }

    /// Moves on to the next question (answered or skipped); returns whether one is left.
    pub fn advance(&mut self, bank: &Bank, now: Millis, rng: &mut impl Rng) -> bool {
        self.core.advance();
        self.present(bank, now, rng);
        !self.core.is_finished()
    }

    /// Ends the session in the store; the summary, or `None` when nothing was answered.
    pub fn finish(&mut self, db: &mut Db, bank: &Bank, now: Millis) -> Result<Option<Summary>, StoreError> {
        db.end_session(self.id, now)?;
        Ok((!self.core.answered.is_empty()).then(|| self.core.summary(bank, now)))
    }

    /// The summary so far (for a session ended without storing, e.g. after a store error).
    pub fn summary(&self, bank: &Bank, now: Millis) -> Summary {
        self.core.summary(bank, now)
    }
}
