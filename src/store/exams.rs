//! Exams: their draw, every answer and flag as it is made, the clock, and the result.
//! Spec and result are JSON owned by `study::exam`; the store keeps them as text.
use rusqlite::{TransactionBehavior, params};

use super::attempts::{NewAttempt, insert_attempt};
use super::srs::{Schedule, apply_update, card_in};
use super::{Db, Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamItemRow {
    pub question_id: String,
    pub order: Vec<usize>,
    pub answer: Option<Vec<usize>>,
    pub flagged: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExamRow {
    pub id: i64,
    pub bank: String,
    pub spec: String,
    pub seed: u64,
    pub submitted: bool,
    pub created_at: i64,
    pub elapsed_ms: i64,
    pub position: usize,
    pub submitted_at: Option<i64>,
    pub result: Option<String>,
    pub items: Vec<ExamItemRow>,
}

fn json<T: serde::Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

impl Db {
    /// Stores a newly drawn exam and returns its id.
    pub fn create_exam(&mut self, bank: &str, spec: &str, seed: u64, items: &[ExamItemRow], now: i64) -> Result<i64> {
        self.ensure_same_file()?;
        let path = self.path.clone();
        let err = |e| super::classify(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        // One unfinished exam at a time: starting another sets the old one aside (submitted,
        // without a result), so it is not offered for resuming again later.
        tx.execute(
            "UPDATE exams SET state = 'submitted', submitted_at = ?2 WHERE bank = ?1 AND state = 'in-progress'",
            params![bank, now],
        )
        .map_err(err)?;
        // SQLite integers are signed; the seed is stored bit for bit.
        tx.execute(
            "INSERT INTO exams (bank, spec, seed, state, created_at) VALUES (?1, ?2, ?3, 'in-progress', ?4)",
            params![bank, spec, seed as i64, now],
        )
        .map_err(err)?;
        let id = tx.last_insert_rowid();
        {
            let mut st = tx
                .prepare_cached(
                    "INSERT INTO exam_items (exam_id, idx, question_id, option_order) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(err)?;
            for (i, item) in items.iter().enumerate() {
                st.execute(params![id, i as i64, item.question_id, json(&item.order)]).map_err(err)?;
            }
        }
        tx.commit().map_err(err)?;
        Ok(id)
    }

    /// Stores one item's answer and flag with the clock and position, in one transaction.
    pub fn save_exam_item(
        &mut self,
        exam_id: i64,
        idx: usize,
        answer: Option<&[usize]>,
        flagged: bool,
        elapsed_ms: i64,
        position: usize,
    ) -> Result<()> {
        let path = self.path.clone();
        let err = |e| super::classify(&path, e);
        self.ensure_same_file()?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err)?;
        // A submitted exam is closed: another window's late answer must not change it.
        let open = tx
            .execute(
                "UPDATE exams SET elapsed_ms = ?2, position = ?3 WHERE id = ?1 AND state = 'in-progress'",
                params![exam_id, elapsed_ms, position as i64],
            )
            .map_err(err)?;
        if open != 1 {
            return Err(StoreError::ExamClosed { path });
        }
        tx.execute(
            "UPDATE exam_items SET answer = ?3, flagged = ?4 WHERE exam_id = ?1 AND idx = ?2",
            params![exam_id, idx as i64, answer.map(json), flagged],
        )
        .map_err(err)?;
        tx.commit().map_err(err)
    }

    /// Stores the clock and position (called every few seconds while the exam is open).
    pub fn save_exam_clock(&mut self, exam_id: i64, elapsed_ms: i64, position: usize) -> Result<()> {
        self.ensure_same_file()?;
        let open = self
            .conn
            .execute(
                "UPDATE exams SET elapsed_ms = ?2, position = ?3 WHERE id = ?1 AND state = 'in-progress'",
                params![exam_id, elapsed_ms, position as i64],
            )
            .map_err(self.err())?;
        if open != 1 {
            return Err(StoreError::ExamClosed { path: self.path.clone() });
        }
        Ok(())
    }

    /// Marks the exam submitted with its result and records the final answers as attempts,
    /// all in one transaction.
    pub fn submit_exam(
        &mut self,
        exam_id: i64,
        result: &str,
        elapsed_ms: i64,
        attempts: &[(NewAttempt, Option<Schedule>)],
        now: i64,
    ) -> Result<()> {
        let path = self.path.clone();
        let err = |e| super::classify(&path, e);
        self.ensure_same_file()?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err)?;
        let changed = tx
            .execute(
                "UPDATE exams SET state = 'submitted', result = ?2, elapsed_ms = ?3, submitted_at = ?4
                 WHERE id = ?1 AND state = 'in-progress'",
                params![exam_id, result, elapsed_ms, now],
            )
            .map_err(err)?;
        // Submitted already (e.g. from another terminal): nothing is recorded twice, and this
        // window is told so rather than shown a result that was never stored.
        if changed != 1 {
            return Err(StoreError::ExamClosed { path });
        }
        for (a, schedule) in attempts {
            let id = insert_attempt(&tx, a).map_err(err)?;
            if let Some(f) = schedule {
                // Read inside this write transaction, as for practice answers.
                let prev = card_in(&tx, a.bank, a.question_id).map_err(err)?;
                apply_update(&tx, a.bank, &f(prev.as_ref()), id).map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }

    fn exam_rows(&self, sql: &str, arg: &dyn rusqlite::ToSql) -> Result<Vec<ExamRow>> {
        let mut st = self.conn.prepare_cached(sql).map_err(self.err())?;
        let rows = st
            .query_map([arg], |r| {
                Ok(ExamRow {
                    id: r.get(0)?,
                    bank: r.get(1)?,
                    spec: r.get(2)?,
                    seed: r.get::<_, i64>(3)? as u64,
                    submitted: r.get::<_, String>(4)? == "submitted",
                    created_at: r.get(5)?,
                    elapsed_ms: r.get(6)?,
                    position: usize::try_from(r.get::<_, i64>(7)?).unwrap_or(0),
                    submitted_at: r.get(8)?,
                    result: r.get(9)?,
                    items: Vec::new(),
                })
            })
            .map_err(self.err())?;
        let mut exams = rows.collect::<rusqlite::Result<Vec<_>>>().map_err(self.err())?;
        for e in &mut exams {
            e.items = self.exam_items(e.id)?;
        }
        Ok(exams)
    }

    fn exam_items(&self, exam_id: i64) -> Result<Vec<ExamItemRow>> {
        let sql = "SELECT question_id, option_order, answer, flagged FROM exam_items WHERE exam_id = ?1 ORDER BY idx";
        self.rows(sql, [exam_id], |r| {
            let order: String = r.get(1)?;
            let answer: Option<String> = r.get(2)?;
            Ok(ExamItemRow {
                question_id: r.get(0)?,
                order: serde_json::from_str(&order).unwrap_or_default(),
                answer: answer.and_then(|a| serde_json::from_str(&a).ok()),
                flagged: r.get(3)?,
            })
        })
    }

    const EXAM_COLS: &'static str =
        "SELECT id, bank, spec, seed, state, created_at, elapsed_ms, position, submitted_at, result FROM exams";

    /// The newest unfinished exam in a bank, if any.
    pub fn in_progress_exam(&self, bank: &str) -> Result<Option<ExamRow>> {
        let sql = format!(
            "{} WHERE bank = ?1 AND state = 'in-progress' ORDER BY created_at DESC, id DESC LIMIT 1",
            Self::EXAM_COLS
        );
        Ok(self.exam_rows(&sql, &bank)?.into_iter().next())
    }

    pub fn exam(&self, id: i64) -> Result<Option<ExamRow>> {
        let sql = format!("{} WHERE id = ?1", Self::EXAM_COLS);
        Ok(self.exam_rows(&sql, &id)?.into_iter().next())
    }

    /// Submitted exams in a bank, oldest first.
    pub fn exam_history(&self, bank: &str) -> Result<Vec<ExamRow>> {
        let sql = format!(
            "{} WHERE bank = ?1 AND state = 'submitted' AND result IS NOT NULL ORDER BY submitted_at, id",
            Self::EXAM_COLS
        );
        self.exam_rows(&sql, &bank)
    }

    /// The spec and result of every submitted exam with a result, newest first (the caller
    /// decides which kind of exam it wants; specs are owned by `study::exam`).
    pub(crate) fn exam_results_newest_first(&self, bank: &str) -> Result<Vec<(String, String)>> {
        let sql = "SELECT spec, result FROM exams WHERE bank = ?1 AND state = 'submitted' AND result IS NOT NULL
                   ORDER BY submitted_at DESC, id DESC";
        self.rows(sql, [bank], |r| Ok((r.get(0)?, r.get(1)?)))
    }
}
