//! Small aggregates: settings, note reading progress, lab objective completions.
use rusqlite::{OptionalExtension, params};

use super::{Db, Result};

impl Db {
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(self.err())
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.ensure_same_file()?;
        self.conn
            .execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map_err(self.err())?;
        Ok(())
    }

    pub(crate) fn remove_setting(&mut self, key: &str) -> Result<()> {
        self.ensure_same_file()?;
        self.conn.execute("DELETE FROM settings WHERE key = ?1", [key]).map_err(self.err())?;
        Ok(())
    }

    /// Marks a note read (keeps the first time it was read).
    pub fn mark_note_read(&mut self, bank: &str, note_id: &str, at: i64) -> Result<()> {
        self.ensure_same_file()?;
        self.conn
            .execute(
                "INSERT INTO note_progress (bank, note_id, read_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (bank, note_id) DO UPDATE SET read_at = coalesce(read_at, excluded.read_at)",
                params![bank, note_id, at],
            )
            .map_err(self.err())?;
        Ok(())
    }

    /// Ids of the notes read in a bank.
    pub fn notes_read(&self, bank: &str) -> Result<Vec<String>> {
        self.rows(
            "SELECT note_id FROM note_progress WHERE bank = ?1 AND read_at IS NOT NULL ORDER BY note_id",
            [bank],
            |r| r.get(0),
        )
    }

    /// Records a lab objective as met; returns true the first time.
    pub fn complete_lab_objective(&mut self, scenario: &str, objective: &str, at: i64) -> Result<bool> {
        self.ensure_same_file()?;
        let n = self
            .conn
            .execute(
                "INSERT OR IGNORE INTO lab_completions (scenario, objective, completed_at) VALUES (?1, ?2, ?3)",
                params![scenario, objective, at],
            )
            .map_err(self.err())?;
        Ok(n == 1)
    }

    /// (scenario, objective) pairs met so far.
    pub fn lab_completions(&self) -> Result<Vec<(String, String)>> {
        self.rows("SELECT scenario, objective FROM lab_completions ORDER BY scenario, objective", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
    }
}
