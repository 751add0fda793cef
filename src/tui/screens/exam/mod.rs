//! Exams: choosing one, sitting it like the test centre (timer, flags, review list), and
//! the results with a question-by-question review.
mod results;
mod sitting;
mod start;

pub use results::Results;
pub use sitting::{ExamScreen, View};
pub use start::ExamStart;

use crate::store::ExamItemRow;
use crate::study::exam::Item;

pub use crate::clock::duration as clock_text;

fn to_row(i: &Item) -> ExamItemRow {
    ExamItemRow {
        question_id: i.question_id.clone(),
        order: i.order.clone(),
        answer: i.answer.clone(),
        flagged: i.flagged,
    }
}

fn from_row(r: &ExamItemRow) -> Item {
    Item { question_id: r.question_id.clone(), order: r.order.clone(), answer: r.answer.clone(), flagged: r.flagged }
}
