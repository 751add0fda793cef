//! Progress export and import as versioned JSON; import is all-or-nothing.
use std::collections::BTreeMap;

use rusqlite::OptionalExtension;
use rusqlite::types::{Value as Sql, ValueRef};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Db, StoreError, migrations};

pub const EXPORT_FORMAT: &str = "gatewise-progress";
const EXPORT_VERSION: u32 = 1;

/// Tables in an order that satisfies their foreign keys. The roll-ups (`daily_stats`,
/// `question_stats`) are not exported: the attempt triggers rebuild them on import.
const TABLES: [&str; 9] = [
    "sessions",
    "exams",
    "exam_items",
    "attempts",
    "note_progress",
    "srs_cards",
    "review_log",
    "lab_completions",
    "settings",
];

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportFile {
    format: String,
    version: u32,
    schema: i64,
    exported_at: i64,
    tables: BTreeMap<String, Vec<Map<String, Value>>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("not a gatewise progress export: {0}")]
    Invalid(String),
    #[error(
        "this database already holds progress; import only into an empty one \
         (`gatewise progress reset` moves the current one aside first, keeping it as a backup)"
    )]
    NotEmpty,
    #[error("{table} row {row}: {message}; nothing was imported")]
    Row { table: String, row: usize, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn to_json(v: ValueRef) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => Value::from(f),
        ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::from(b.to_vec()),
    }
}

fn to_sql(v: &Value) -> Option<Sql> {
    Some(match v {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(i64::from(*b)),
        Value::Number(n) => n.as_i64().map_or_else(|| Sql::Real(n.as_f64().unwrap_or(0.0)), Sql::Integer),
        Value::String(s) => Sql::Text(s.clone()),
        Value::Array(_) | Value::Object(_) => return None,
    })
}

/// A column as the schema declares it, for checking imported values before anything is written.
struct Column {
    name: String,
    kind: String,
    not_null: bool,
}

/// Why an imported value does not fit its column, if it doesn't. SQLite would store a text in an
/// INTEGER column, so the declared type is checked here; times and durations are never negative.
fn misfit(col: &Column, v: &Value) -> Option<String> {
    let name = &col.name;
    match v {
        Value::Null if col.not_null => return Some(format!("field {name:?} may not be null")),
        Value::Null => return None,
        Value::Array(_) | Value::Object(_) => return Some(format!("field {name:?} must be a number, string or null")),
        _ => {}
    }
    let kind = col.kind.to_ascii_uppercase();
    let ok = if kind.contains("INT") {
        v.is_i64() || v.is_boolean()
    } else if kind.contains("REAL") {
        v.is_number()
    } else if kind.contains("TEXT") {
        v.is_string()
    } else {
        true
    };
    if !ok {
        return Some(format!("field {name:?} must be {} (found {v})", kind.to_lowercase()));
    }
    let time_like =
        name.ends_with("_at") || name.ends_with("_ms") || name == "due" || name == "last_review" || name == "seconds";
    if time_like && v.as_f64().is_some_and(|x| x < 0.0) {
        return Some(format!("field {name:?} may not be negative (found {v})"));
    }
    None
}

impl Db {
    fn columns(&self, table: &str) -> Result<Vec<String>, StoreError> {
        self.rows(&format!("PRAGMA table_info({table})"), [], |r| r.get::<_, String>(1))
    }

    fn column_info(&self, table: &str) -> Result<Vec<Column>, StoreError> {
        self.rows(&format!("PRAGMA table_info({table})"), [], |r| {
            Ok(Column { name: r.get(1)?, kind: r.get(2)?, not_null: r.get::<_, i64>(3)? != 0 })
        })
    }

    /// Everything the learner has done, as pretty JSON.
    pub fn export_json(&self, now: i64) -> Result<String, StoreError> {
        // One read transaction: a consistent snapshot even while the app writes in another
        // terminal, so the export's foreign keys always resolve on import.
        let tx = self.conn.unchecked_transaction().map_err(self.err())?;
        let mut tables = BTreeMap::new();
        for table in TABLES {
            let cols = self.columns(table)?;
            // A full scan returns rowid tables in rowid order and WITHOUT ROWID ones by key.
            let mut st = tx.prepare(&format!("SELECT * FROM {table}")).map_err(self.err())?;
            let rows = st
                .query_map([], |r| {
                    let mut m = Map::new();
                    for (i, c) in cols.iter().enumerate() {
                        m.insert(c.clone(), to_json(r.get_ref(i)?));
                    }
                    Ok(m)
                })
                .map_err(self.err())?;
            tables.insert(table.to_string(), rows.collect::<rusqlite::Result<Vec<_>>>().map_err(self.err())?);
        }
        drop(tx);
        let file = ExportFile {
            format: EXPORT_FORMAT.into(),
            version: EXPORT_VERSION,
            schema: migrations::latest(),
            exported_at: now,
            tables,
        };
        serde_json::to_string_pretty(&file)
            .map_err(|e| StoreError::ReadOnly { path: self.path.clone(), detail: e.to_string() })
    }

    /// True when nothing has been recorded yet.
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        for table in TABLES {
            let n: i64 =
                self.conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).map_err(self.err())?;
            if n > 0 {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Imports an export into this (empty) database, in one transaction: either every row
    /// lands or none does.
    pub fn import_json(&mut self, text: &str) -> Result<usize, ExportError> {
        let file: ExportFile = serde_json::from_str(text).map_err(|e| ExportError::Invalid(e.to_string()))?;
        if file.format != EXPORT_FORMAT {
            return Err(ExportError::Invalid(format!("format is {:?}, expected {EXPORT_FORMAT:?}", file.format)));
        }
        if file.version != EXPORT_VERSION {
            return Err(ExportError::Invalid(format!(
                "export version {} is not supported (this gatewise reads {EXPORT_VERSION})",
                file.version
            )));
        }
        // An older export lacks only columns added since, and those have defaults.
        if !(1..=migrations::latest()).contains(&file.schema) {
            return Err(ExportError::Invalid(format!(
                "it was written with schema version {}, this gatewise reads 1 to {}",
                file.schema,
                migrations::latest()
            )));
        }
        if let Some(unknown) = file.tables.keys().find(|t| !TABLES.contains(&t.as_str())) {
            return Err(ExportError::Invalid(format!("unknown table {unknown:?}")));
        }
        if !self.is_empty()? {
            return Err(ExportError::NotEmpty);
        }
        let mut columns = BTreeMap::new();
        for table in TABLES {
            columns.insert(table, self.column_info(table)?);
        }
        // Every value is checked before the first write.
        for table in TABLES {
            let Some(rows) = file.tables.get(table) else { continue };
            for (i, row) in rows.iter().enumerate() {
                for (k, v) in row {
                    let Some(col) = columns[table].iter().find(|c| c.name == *k) else {
                        return Err(ExportError::Row {
                            table: table.to_string(),
                            row: i + 1,
                            message: format!("unknown field {k:?}"),
                        });
                    };
                    if let Some(message) = misfit(col, v) {
                        return Err(ExportError::Row { table: table.to_string(), row: i + 1, message });
                    }
                }
            }
        }
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| super::classify(&path, e))?;
        let mut count = 0;
        for table in TABLES {
            let Some(rows) = file.tables.get(table) else { continue };
            let cols = &columns[table];
            for (i, row) in rows.iter().enumerate() {
                let bad = |message: String| ExportError::Row { table: table.to_string(), row: i + 1, message };
                let mut names = Vec::with_capacity(row.len());
                let mut values = Vec::with_capacity(row.len());
                for (k, v) in row {
                    if !cols.iter().any(|c| c.name == *k) {
                        return Err(bad(format!("unknown field {k:?}")));
                    }
                    names.push(k.as_str());
                    values.push(to_sql(v).ok_or_else(|| bad(format!("field {k:?} must be a number, string or null")))?);
                }
                let marks = vec!["?"; names.len()].join(", ");
                let sql = format!("INSERT INTO {table} ({}) VALUES ({marks})", names.join(", "));
                tx.execute(&sql, rusqlite::params_from_iter(values)).map_err(|e| bad(e.to_string()))?;
                count += 1;
            }
        }
        // An unfinished exam with no questions could never be sat again.
        let empty: Option<i64> = tx
            .query_row(
                "SELECT id FROM exams e WHERE state = 'in-progress'
                 AND NOT EXISTS (SELECT 1 FROM exam_items i WHERE i.exam_id = e.id) LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| ExportError::Store(super::classify(&path, e)))?;
        if let Some(id) = empty {
            return Err(ExportError::Invalid(format!(
                "the unfinished exam {id} has no questions; nothing was imported"
            )));
        }
        // Dropping the transaction on any early return above rolls everything back.
        tx.commit().map_err(|e| ExportError::Store(super::classify(&path, e)))?;
        Ok(count)
    }
}
