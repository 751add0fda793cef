//! Spaced-repetition state: one card per question and the full review log, written in the
//! same transaction as the answer that changed them.
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;

use super::attempts::{NewAttempt, insert_attempt};
use super::{Db, Result};
use crate::study::records::{SrsCard, SrsUpdate};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewEntry {
    pub question_id: String,
    pub rating: u8,
    pub reviewed_at: i64,
    pub elapsed_days: f64,
    pub scheduled_days: f64,
    pub stability: f64,
    pub difficulty: f64,
}

/// Computes a card's new state from its stored one (none for a first review).
pub type Schedule<'a> = &'a dyn Fn(Option<&SrsCard>) -> SrsUpdate;

/// The stored card, read inside a transaction.
pub(super) fn card_in(tx: &Transaction, bank: &str, question_id: &str) -> rusqlite::Result<Option<SrsCard>> {
    tx.prepare_cached(&format!("{CARD_COLS} WHERE bank = ?1 AND question_id = ?2"))?
        .query_row(params![bank, question_id], card_from)
        .optional()
}

pub(super) fn apply_update(tx: &Transaction, bank: &str, u: &SrsUpdate, attempt_id: i64) -> rusqlite::Result<()> {
    let c = &u.card;
    tx.prepare_cached(
        "INSERT INTO srs_cards (bank, question_id, stability, difficulty, due, last_review, reps, lapses)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (bank, question_id) DO UPDATE SET stability = excluded.stability,
             difficulty = excluded.difficulty, due = excluded.due, last_review = excluded.last_review,
             reps = excluded.reps, lapses = excluded.lapses",
    )?
    .execute(params![bank, c.question_id, c.stability, c.difficulty, c.due, c.last_review, c.reps, c.lapses])?;
    tx.prepare_cached(
        "INSERT INTO review_log (bank, question_id, rating, reviewed_at, elapsed_days, scheduled_days, stability, difficulty, attempt_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        bank,
        c.question_id,
        u.rating,
        c.last_review,
        u.elapsed_days,
        u.scheduled_days,
        c.stability,
        c.difficulty,
        attempt_id
    ])?;
    Ok(())
}

fn card_from(r: &rusqlite::Row) -> rusqlite::Result<SrsCard> {
    Ok(SrsCard {
        question_id: r.get(0)?,
        stability: r.get(1)?,
        difficulty: r.get(2)?,
        due: r.get(3)?,
        last_review: r.get(4)?,
        reps: r.get(5)?,
        lapses: r.get(6)?,
    })
}

const CARD_COLS: &str = "SELECT question_id, stability, difficulty, due, last_review, reps, lapses FROM srs_cards";

impl Db {
    /// Records an answer and, unless it was cram, the card's new state and a review-log entry,
    /// all in one transaction: the feedback shown afterwards is never ahead of the disk.
    ///
    /// The card is read inside the same write (IMMEDIATE) transaction that stores its new state,
    /// so two instances answering at once each schedule from the other's result: no update is
    /// lost. `schedule` turns the stored card (if any) into the new one.
    pub fn record_answer(&mut self, a: &NewAttempt, schedule: Option<Schedule>) -> Result<(i64, Option<SrsUpdate>)> {
        let path = self.path.clone();
        let err = |e| super::classify(&path, e);
        self.ensure_same_file()?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err)?;
        let id = insert_attempt(&tx, a).map_err(err)?;
        let update = match schedule {
            Some(f) => {
                let prev = card_in(&tx, a.bank, a.question_id).map_err(err)?;
                let u = f(prev.as_ref());
                apply_update(&tx, a.bank, &u, id).map_err(err)?;
                Some(u)
            }
            None => None,
        };
        tx.commit().map_err(err)?;
        Ok((id, update))
    }

    /// Review-log entries and the sum of the cards' repetitions in a bank: equal when no
    /// scheduling update was lost.
    pub fn review_and_rep_totals(&self, bank: &str) -> Result<(i64, i64)> {
        self.conn
            .query_row(
                "SELECT (SELECT count(*) FROM review_log WHERE bank = ?1),
                        (SELECT coalesce(sum(reps), 0) FROM srs_cards WHERE bank = ?1)",
                [bank],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(self.err())
    }

    pub fn srs_card(&self, bank: &str, question_id: &str) -> Result<Option<SrsCard>> {
        self.conn
            .query_row(
                &format!("{CARD_COLS} WHERE bank = ?1 AND question_id = ?2"),
                params![bank, question_id],
                card_from,
            )
            .optional()
            .map_err(self.err())
    }

    pub fn srs_cards(&self, bank: &str) -> Result<Vec<SrsCard>> {
        self.rows(&format!("{CARD_COLS} WHERE bank = ?1"), [bank], card_from)
    }

    pub fn review_log(&self, bank: &str) -> Result<Vec<ReviewEntry>> {
        self.rows(
            "SELECT question_id, rating, reviewed_at, elapsed_days, scheduled_days, stability, difficulty
                 FROM review_log WHERE bank = ?1 ORDER BY reviewed_at, id",
            [bank],
            |r| {
                Ok(ReviewEntry {
                    question_id: r.get(0)?,
                    rating: r.get(1)?,
                    reviewed_at: r.get(2)?,
                    elapsed_days: r.get(3)?,
                    scheduled_days: r.get(4)?,
                    stability: r.get(5)?,
                    difficulty: r.get(6)?,
                })
            },
        )
    }

    /// Answers with a confidence mark, as (confidence, answered, correct), for calibration.
    pub fn confidence_totals(&self, bank: &str) -> Result<Vec<(u8, i64, i64)>> {
        self.rows(
            "SELECT confidence, sum(answered), sum(correct) FROM daily_stats WHERE bank = ?1 AND confidence > 0
                 GROUP BY confidence ORDER BY confidence",
            [bank],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }
}
