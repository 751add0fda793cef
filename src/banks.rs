//! The banks a learner can study: the built-in one and user banks in the data directory.
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserBank {
    pub name: String,
    pub dir: PathBuf,
}

/// User banks: subdirectories of `dir` that hold a questions/ folder, sorted by name.
pub fn list(dir: &Path) -> Vec<UserBank> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut v: Vec<UserBank> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("questions").is_dir())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_string();
            // "builtin" names the bundled bank; a folder of that name would be ambiguous.
            (name != "builtin" && !name.starts_with('.')).then_some(UserBank { name, dir: p })
        })
        .collect();
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}

pub fn find(dir: &Path, name: &str) -> Option<PathBuf> {
    list(dir).into_iter().find(|b| b.name == name).map(|b| b.dir)
}

/// The name progress is kept under for a bank read with `--content DIR`.
pub(crate) fn name_of_dir(dir: &Path) -> String {
    let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let base = canonical.file_name().and_then(|n| n.to_str()).unwrap_or("content");
    if base == "builtin" { "dir-builtin".to_string() } else { base.to_string() }
}
