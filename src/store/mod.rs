//! The progress store: the only module that speaks SQL. [`Db`] owns the SQLite connection.
mod attempts;
mod exams;
mod migrations;
mod misc;
mod srs;
mod transfer;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

pub use attempts::{Attempt, DailyStat, Mode, NewAttempt, QuestionStat};
pub use exams::{ExamItemRow, ExamRow};
pub use migrations::{MIGRATIONS, latest as schema_version};
pub use srs::{ReviewEntry, SrsCard, SrsUpdate};
pub use transfer::{EXPORT_FORMAT, ExportError};

/// Why the store could not be used. Every message names the file and the way out.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{path} is not a gatewise progress database (not SQLite, or damaged: {detail}). Nothing was changed.\n\
         Move it aside with `gatewise progress reset` (it is kept as a timestamped backup), or use another file with --db."
    )]
    NotADatabase { path: String, detail: String },
    #[error(
        "{path} was written by a newer gatewise (schema version {found}; this one knows up to {known}). \
         Nothing was changed: update gatewise, or use another file with --db."
    )]
    TooNew { path: String, found: i64, known: i64 },
    #[error("the directory {dir} does not exist; create it or choose another place with --db")]
    DirMissing { dir: String },
    #[error("cannot write to {path} ({detail}); check its permissions or choose another place with --db")]
    ReadOnly { path: String, detail: String },
    #[error("progress database {path}: {source}")]
    Sqlite { path: String, source: rusqlite::Error },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The progress database.
pub struct Db {
    conn: Connection,
    path: String,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("path", &self.path).finish()
    }
}

impl Db {
    /// Opens (creating if absent) the database at `path` and brings its schema up to date.
    /// A file that is not ours, is damaged, or is newer than this build is refused untouched.
    pub fn open(path: &Path) -> Result<Db> {
        let shown = path.display().to_string();
        let dir =
            path.parent().filter(|d| !d.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        if !dir.is_dir() {
            return Err(StoreError::DirMissing { dir: dir.display().to_string() });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(&shown, e))?;
        Db::init(conn, shown)
    }

    /// A private in-memory database, for tests and throwaway sessions.
    pub fn open_in_memory() -> Result<Db> {
        let conn = Connection::open_in_memory().map_err(|e| classify(":memory:", e))?;
        Db::init(conn, ":memory:".to_string())
    }

    fn init(conn: Connection, path: String) -> Result<Db> {
        let err = |e| classify(&path, e);
        conn.busy_timeout(Duration::from_secs(5)).map_err(err)?;
        // Read the version before anything writes: switching to WAL rewrites header bytes, and a
        // file we are going to refuse must stay byte-for-byte as it was.
        let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(err)?;
        if found > migrations::latest() {
            return Err(StoreError::TooNew { path, found, known: migrations::latest() });
        }
        // Ask SQLite to parse the schema, so a damaged file is refused here rather than mid-session.
        let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).map_err(err)?;
        // Version 0 with tables is another program's database: ours always records a version.
        if found == 0 && objects > 0 {
            return Err(StoreError::NotADatabase {
                path,
                detail: format!(
                    "it is an SQLite database of another program ({objects} schema objects, no gatewise version)"
                ),
            });
        }
        if path != ":memory:" {
            let mode: String = conn.pragma_update_and_check(None, "journal_mode", "wal", |r| r.get(0)).map_err(err)?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(StoreError::ReadOnly { path, detail: format!("journal mode stayed {mode}") });
            }
        }
        conn.pragma_update(None, "foreign_keys", true).map_err(err)?;
        // WAL with NORMAL sync: a committed answer survives the process being killed; only a power
        // loss can take the last few commits, which is the trade SQLite documents for WAL.
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(err)?;
        let mut db = Db { conn, path };
        db.migrate()?;
        Ok(db)
    }

    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let err = |e| classify(&path, e);
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(err)?;
        // Re-read inside the write lock: another instance may have migrated meanwhile.
        let current: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(err)?;
        for (i, sql) in migrations::MIGRATIONS.iter().enumerate().skip(usize::try_from(current).unwrap_or(0)) {
            tx.execute_batch(sql).map_err(err)?;
            tx.pragma_update(None, "user_version", i as i64 + 1).map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    fn err(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        move |e| classify(&self.path, e)
    }

    /// Runs a query and maps every row: the prepare, query and collect every read shares.
    fn rows<T, P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
        map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let mut st = self.conn.prepare_cached(sql).map_err(self.err())?;
        let rows = st.query_map(params, map).map_err(self.err())?;
        rows.collect::<rusqlite::Result<_>>().map_err(self.err())
    }

    /// The schema version of the open database.
    pub fn version(&self) -> Result<i64> {
        self.conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(self.err())
    }

    /// Names of the tables in the schema, sorted.
    pub fn tables(&self) -> Result<Vec<String>> {
        self.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", [], |r| r.get(0))
    }

    /// SQLite's own consistency check; "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(self.err())
    }

    /// The query plan SQLite chooses for `sql`, one line per step (for the index checks in tests
    /// and benchmarks).
    pub fn explain(&self, sql: &str) -> Result<Vec<String>> {
        self.rows(&format!("EXPLAIN QUERY PLAN {sql}"), [], |r| r.get::<_, String>(3))
    }
}

/// Turns SQLite's error codes into the messages a learner can act on.
fn classify(path: &str, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            StoreError::NotADatabase { path: path.to_string(), detail: e.to_string() }
        }
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
            StoreError::ReadOnly { path: path.to_string(), detail: e.to_string() }
        }
        _ => StoreError::Sqlite { path: path.to_string(), source: e },
    }
}

/// Moves a database (and its WAL side files) aside as `NAME.bak-<stamp>`; returns the new path.
/// Used by `gatewise progress reset`, so nothing is ever deleted.
pub fn move_aside(path: &Path, stamp: &str) -> std::io::Result<Option<PathBuf>> {
    if !path.exists() {
        return Ok(None);
    }
    let mut backup = path.as_os_str().to_owned();
    backup.push(format!(".bak-{stamp}"));
    let backup = PathBuf::from(backup);
    std::fs::rename(path, &backup)?;
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let side = PathBuf::from(side);
        if side.exists() {
            let mut dest = backup.as_os_str().to_owned();
            dest.push(suffix);
            std::fs::rename(&side, PathBuf::from(dest))?;
        }
    }
    Ok(Some(backup))
}
