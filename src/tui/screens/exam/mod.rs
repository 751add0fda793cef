//! Exams: choosing one, sitting it like the test centre (timer, flags, review list), and
//! the results with a question-by-question review.
mod results;
mod sitting;
mod start;

pub use results::Results;
pub use sitting::{ExamScreen, View};
pub use start::ExamStart;

pub use crate::clock::duration as clock_text;
