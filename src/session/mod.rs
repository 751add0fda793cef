//! Study sessions as every front end runs them: an exam being sat and a practice session, each
//! owning its state, its rules and its persistence, so the terminal app and plain mode are thin
//! views over the same code. Time is passed in (`now`), so every rule is tested on a fake clock.
use crate::bank::Bank;
use crate::store::{Db, StoreError};
use crate::study::scheduler::{Scheduler, SrsSettings};

pub mod exam;
pub mod practice;

pub use exam::{ExamSession, Tick};
pub use practice::{Feedback, PracticeSession};

/// What a session needs from outside: the store, the bank and its name, and the scheduler with
/// the learner's settings. Borrowed for one call, so a front end keeps owning them.
pub struct Services<'a> {
    pub db: &'a mut Db,
    pub bank: &'a Bank,
    pub bank_name: &'a str,
    pub scheduler: &'a dyn Scheduler,
    pub srs: SrsSettings,
}

/// Why a session could not start or go on.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("nothing is due for review right now")]
    NothingDue,
    #[error("no questions match that choice")]
    NoQuestions,
    #[error("cannot resume the exam: {0}")]
    Damaged(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}
