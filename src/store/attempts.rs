//! Answer attempts, practice sessions, and the roll-ups the statistics read.
use rusqlite::params;
use serde::Serialize;

use super::{Db, Result};
use crate::study::records::{DailyStat, Mode, QuestionStat};

/// An answer to record. `choices` are option indices in the bank's file order.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAttempt<'a> {
    pub bank: &'a str,
    pub question_id: &'a str,
    pub choices: &'a [usize],
    pub correct: bool,
    pub confidence: Option<u8>,
    pub seconds: f64,
    pub mode: Mode,
    pub session_id: Option<i64>,
    pub exam_id: Option<i64>,
    /// Unix time in milliseconds.
    pub at: i64,
    /// Catalogue ids of the misconceptions the chosen distractors show.
    pub misconceptions: &'a [String],
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attempt {
    pub id: i64,
    pub bank: String,
    pub question_id: String,
    pub choices: Vec<usize>,
    pub correct: bool,
    pub confidence: Option<u8>,
    pub seconds: f64,
    pub mode: Mode,
    pub answered_at: i64,
}

pub(super) fn insert_attempt(conn: &rusqlite::Connection, a: &NewAttempt) -> rusqlite::Result<i64> {
    let choices = serde_json::to_string(a.choices).unwrap_or_else(|_| "[]".to_string());
    let mut st = conn.prepare_cached(
        "INSERT INTO attempts (bank, question_id, choices, correct, confidence, seconds, mode, session_id, exam_id, answered_at,
                               misconceptions)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    st.execute(params![
        a.bank,
        a.question_id,
        choices,
        a.correct,
        a.confidence,
        a.seconds.max(0.0),
        a.mode.as_str(),
        a.session_id,
        a.exam_id,
        a.at,
        a.misconceptions.join(",")
    ])?;
    Ok(conn.last_insert_rowid())
}

impl Db {
    /// Answers that showed misconceptions: (question id, time, ids), oldest first.
    pub fn misconception_slips(&self, bank: &str) -> Result<Vec<(String, i64, Vec<String>)>> {
        self.rows(
            "SELECT question_id, answered_at, misconceptions FROM attempts
             WHERE bank = ?1 AND misconceptions != '' ORDER BY answered_at, id",
            params![bank],
            |r| {
                let ids: String = r.get(2)?;
                Ok((r.get(0)?, r.get(1)?, ids.split(',').map(str::to_string).collect()))
            },
        )
    }

    /// Per question, the time of its most recent right answer.
    pub fn last_right_answers(&self, bank: &str) -> Result<Vec<(String, i64)>> {
        self.rows(
            "SELECT question_id, max(answered_at) FROM attempts WHERE bank = ?1 AND correct = 1 GROUP BY question_id",
            params![bank],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// Records one answer in its own transaction; when this returns, the answer is on disk.
    pub fn record_attempt(&mut self, a: &NewAttempt) -> Result<i64> {
        self.ensure_same_file()?;
        let path = self.path.clone();
        let err = |e| super::classify(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        let id = insert_attempt(&tx, a).map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(id)
    }

    /// Records many answers in one transaction (imports, benchmarks, fixtures).
    pub fn record_attempts_bulk(&mut self, attempts: &[NewAttempt]) -> Result<()> {
        self.ensure_same_file()?;
        let path = self.path.clone();
        let err = |e| super::classify(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        for a in attempts {
            insert_attempt(&tx, a).map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    /// Starts a practice (or cram, or lab) session and returns its id.
    pub(crate) fn start_session(&mut self, bank: &str, mode: Mode, filter: &str, at: i64) -> Result<i64> {
        self.ensure_same_file()?;
        self.conn
            .execute(
                "INSERT INTO sessions (bank, mode, filter, started_at) VALUES (?1, ?2, ?3, ?4)",
                params![bank, mode.as_str(), filter, at],
            )
            .map_err(self.err())?;
        Ok(self.conn.last_insert_rowid())
    }

    pub(crate) fn end_session(&mut self, id: i64, at: i64) -> Result<()> {
        self.ensure_same_file()?;
        self.conn.execute("UPDATE sessions SET ended_at = ?2 WHERE id = ?1", params![id, at]).map_err(self.err())?;
        Ok(())
    }

    /// The most recent attempts, newest first.
    pub fn recent_attempts(&self, limit: usize) -> Result<Vec<Attempt>> {
        self.rows(
            "SELECT id, bank, question_id, choices, correct, confidence, seconds, mode, answered_at
                 FROM attempts ORDER BY answered_at DESC, id DESC LIMIT ?1",
            [limit as i64],
            |r| {
                let choices: String = r.get(3)?;
                Ok(Attempt {
                    id: r.get(0)?,
                    bank: r.get(1)?,
                    question_id: r.get(2)?,
                    choices: serde_json::from_str(&choices).unwrap_or_default(),
                    correct: r.get(4)?,
                    confidence: r.get(5)?,
                    seconds: r.get(6)?,
                    mode: Mode::parse(&r.get::<_, String>(7)?),
                    answered_at: r.get(8)?,
                })
            },
        )
    }

    pub fn attempt_count(&self) -> Result<i64> {
        self.conn.query_row("SELECT count(*) FROM attempts", [], |r| r.get(0)).map_err(self.err())
    }

    /// Per-day roll-ups of one bank from `since_day` (days since the Unix epoch, UTC) on.
    pub fn daily_stats(&self, bank: &str, since_day: i64) -> Result<Vec<DailyStat>> {
        self.rows(
            "SELECT day, mode, confidence, answered, correct, seconds FROM daily_stats
                 WHERE bank = ?1 AND day >= ?2 ORDER BY day, mode, confidence",
            rusqlite::params![bank, since_day],
            |r| {
                Ok(DailyStat {
                    day: r.get(0)?,
                    mode: Mode::parse(&r.get::<_, String>(1)?),
                    confidence: r.get(2)?,
                    answered: r.get(3)?,
                    correct: r.get(4)?,
                    seconds: r.get(5)?,
                })
            },
        )
    }

    /// Totals per question in one bank.
    pub fn question_stats(&self, bank: &str) -> Result<Vec<QuestionStat>> {
        self.rows(
            "SELECT bank, question_id, answered, correct, last_at, last_correct, recent
                 FROM question_stats WHERE bank = ?1",
            [bank],
            |r| {
                Ok(QuestionStat {
                    bank: r.get(0)?,
                    question_id: r.get(1)?,
                    answered: r.get(2)?,
                    correct: r.get(3)?,
                    last_at: r.get(4)?,
                    last_correct: r.get(5)?,
                    recent: r.get(6)?,
                })
            },
        )
    }
}
