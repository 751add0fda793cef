//! Where progress lives: `--db`, then `GATEWISE_DB`, then the user's data directory.
use std::path::PathBuf;

/// The default database path: `$XDG_DATA_HOME/gatewise/gatewise.db`, falling back to the
/// platform data directory (`~/.local/share` on Linux).
pub(crate) fn default_db_path() -> Option<PathBuf> {
    let base =
        std::env::var_os("XDG_DATA_HOME").map(PathBuf::from).filter(|p| p.is_absolute()).or_else(dirs::data_dir)?;
    Some(base.join("gatewise").join("gatewise.db"))
}

/// The directory that holds user banks and other per-user data, beside the database.
pub(crate) fn data_dir_for(db: &std::path::Path) -> PathBuf {
    db.parent().map_or_else(|| PathBuf::from("."), PathBuf::from)
}

/// Where user banks live: `banks/` beside the database.
pub fn banks_dir(db: &std::path::Path) -> PathBuf {
    data_dir_for(db).join("banks")
}
