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

pub use crate::study::records::{DailyStat, Mode, QuestionStat, SrsCard, SrsUpdate};
pub use attempts::{Attempt, NewAttempt};
pub use exams::{ExamItemRow, ExamRow};
pub use migrations::{MIGRATIONS, latest as schema_version};
pub use srs::{ReviewEntry, Schedule};
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
    #[error("this exam was already submitted (in another window?); {path} keeps that result and nothing was changed")]
    ExamClosed { path: String },
    #[error(
        "{path} was moved or replaced while this session was running (by `gatewise progress reset`?); \
         nothing more was written to it. Start gatewise again to use the new database"
    )]
    Replaced { path: String },
    #[error(
        "{path} is damaged ({detail}). Stop using it: `gatewise progress export` may still save what it holds, \
         and `gatewise progress reset` moves it aside"
    )]
    Damaged { path: String, detail: String },
    #[error("{path} is in use by another gatewise (a session or the app is open); close it first. Nothing was changed")]
    InUse { path: String },
    #[error("{path} cannot be used: {detail}; choose another file with --db")]
    BadPath { path: String, detail: String },
    #[error("progress database {path}")]
    Sqlite { path: String, source: rusqlite::Error },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The progress database.
pub struct Db {
    conn: Connection,
    path: String,
    /// A shared advisory lock on the file for as long as it is open, so `progress reset` can
    /// tell that a session is using it (flock locks are separate from SQLite's own fcntl locks).
    _lock: Option<std::fs::File>,
    /// The file's identity (device, inode) when opened: a write after the path was moved away
    /// or replaced would land in the wrong file, so it is refused instead.
    identity: Option<(u64, u64)>,
}

fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// Claims the database file exclusively for `progress reset`; refused while any session holds it.
pub(crate) fn lock_for_reset(path: &Path) -> Result<Option<std::fs::File>> {
    let shown = path.display().to_string();
    let file = match std::fs::File::options().read(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreError::ReadOnly { path: shown, detail: e.to_string() }),
    };
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::InUse { path: shown }),
        Err(std::fs::TryLockError::Error(e)) => Err(StoreError::ReadOnly { path: shown, detail: e.to_string() }),
    }
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
        if let Ok(m) = std::fs::metadata(path)
            && !m.is_file()
        {
            let detail = "it is not a regular file (a device, a FIFO or a directory)".into();
            return Err(StoreError::BadPath { path: shown, detail });
        }
        if path.file_name().is_some_and(|n| n.len() > 255) {
            let detail = "its name is longer than file systems allow (255 bytes)".into();
            return Err(StoreError::BadPath { path: shown, detail });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(&shown, e))?;
        let mut db = Db::init(conn, shown.clone())?;
        let lock = std::fs::File::options()
            .read(true)
            .open(path)
            .map_err(|e| StoreError::ReadOnly { path: shown.clone(), detail: e.to_string() })?;
        // Shared: any number of sessions; only `progress reset` asks for it exclusively.
        lock.lock_shared().map_err(|e| StoreError::ReadOnly { path: shown, detail: e.to_string() })?;
        db._lock = Some(lock);
        db.identity = identity(path);
        Ok(db)
    }

    /// Refuses a write when the database file was moved away or replaced since it was opened
    /// (the answer would otherwise land in a backup nobody reads).
    pub(crate) fn ensure_same_file(&self) -> Result<()> {
        match self.identity {
            Some(id) if identity(Path::new(&self.path)) != Some(id) => {
                Err(StoreError::Replaced { path: self.path.clone() })
            }
            _ => Ok(()),
        }
    }

    /// A private in-memory database, for tests and throwaway sessions.
    pub fn open_in_memory() -> Result<Db> {
        let conn = Connection::open_in_memory().map_err(|e| classify(":memory:", e))?;
        Db::init(conn, ":memory:".to_string())
    }

    fn init(conn: Connection, path: String) -> Result<Db> {
        // Anything wrong before the first write leaves the file as it was, and says so.
        let refuse = |e: rusqlite::Error| match classify(&path, e) {
            StoreError::Damaged { path, detail } => StoreError::NotADatabase { path, detail },
            other => other,
        };
        conn.busy_timeout(Duration::from_secs(5)).map_err(refuse)?;
        // Read the version and the schema size in one statement, so both come from one snapshot
        // even while another instance is creating the schema. Read before anything writes:
        // switching to WAL rewrites header bytes, and a file we refuse must stay as it was.
        let (found, objects): (i64, i64) = conn
            .query_row(
                "SELECT (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_master)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(refuse)?;
        if found > migrations::latest() {
            return Err(StoreError::TooNew { path, found, known: migrations::latest() });
        }
        // Version 0 with tables is another program's database: ours always records a version;
        // a negative version is never ours either.
        if found < 0 || (found == 0 && objects > 0) {
            return Err(StoreError::NotADatabase {
                path,
                detail: format!(
                    "it is an SQLite database of another program ({objects} schema objects, user_version {found})"
                ),
            });
        }
        if objects > 0 {
            // A page damaged anywhere, not only in the header, is found before anything writes
            // (cost measured in benches/store.rs and noted in the README).
            let check: String = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0)).map_err(refuse)?;
            if check != "ok" {
                return Err(StoreError::NotADatabase { path, detail: format!("quick_check: {check}") });
            }
        }
        if path != ":memory:" {
            // Switching a new file to WAL needs it to itself for a moment; when several instances
            // start on a new database at once, one may see the old mode reported back. Try again
            // briefly before calling it an error.
            let mut mode = String::new();
            for _ in 0..50 {
                mode = match conn.pragma_update_and_check(None, "journal_mode", "wal", |r| r.get::<_, String>(0)) {
                    Ok(m) => m,
                    Err(e) if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy) => "busy".into(),
                    Err(e) => return Err(refuse(e)),
                };
                if mode.eq_ignore_ascii_case("wal") {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(StoreError::ReadOnly { path, detail: format!("journal mode stayed {mode}") });
            }
        }
        conn.pragma_update(None, "foreign_keys", true).map_err(refuse)?;
        // WAL with NORMAL sync: a committed answer survives the process being killed; only a power
        // loss can take the last few commits, which is the trade SQLite documents for WAL.
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(refuse)?;
        let mut db = Db { conn, path, _lock: None, identity: None };
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
            StoreError::Damaged { path: path.to_string(), detail: e.to_string() }
        }
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
            StoreError::ReadOnly { path: path.to_string(), detail: e.to_string() }
        }
        _ => StoreError::Sqlite { path: path.to_string(), source: e },
    }
}

/// Moves a database (and its WAL side files) aside as `NAME.bak-<stamp>`; returns the new path.
/// Used by `gatewise progress reset`, so nothing is ever deleted.
pub(crate) fn move_aside(path: &Path, stamp: &str) -> std::io::Result<Option<PathBuf>> {
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
