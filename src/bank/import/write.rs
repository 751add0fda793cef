//! Writes an imported bank as a directory that `gatewise bank check` accepts: all of it or nothing.
//!
//! Files are written into a hidden sibling directory and renamed into place only once every one is
//! written and synced, so a crash or a full disk never leaves half a bank; an existing non-empty
//! directory is never touched.
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::Imported;
use crate::bank::validate::valid_id;
use crate::bank::{Problem, Question, Severity, SourceFile, check};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{} already exists and is not an empty directory; name a new directory", path.display())]
    NotEmpty { path: PathBuf },
    #[error("cannot write a bank to {}: its parent directory does not exist", path.display())]
    NoParent { path: PathBuf },
    #[error("the imported bank would not pass `bank check`:\n{}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid { problems: Vec<Problem> },
    #[error("cannot write {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io { path: path.to_path_buf(), source }
}

/// The bank's files, by path relative to its root: `questions/<topic>.json` for each topic the
/// questions use (declared or not, so `bank check` reports an undeclared one), `content/topics.json`
/// and an empty `content/faq.json`.
///
/// Note references are dropped: they name notes of the bank the questions came from, and an
/// imported bank has no `content/notes/`, so `bank check` would reject every one.
pub(crate) fn bank_files(imported: &Imported) -> Vec<SourceFile> {
    let mut files = vec![
        SourceFile { path: "content/topics.json".into(), text: pretty(&imported.topics) },
        SourceFile { path: "content/faq.json".into(), text: "[]\n".into() },
    ];
    let mut topics: Vec<&str> = imported.topics.iter().map(|t| t.id.as_str()).collect();
    for q in &imported.questions {
        if !topics.contains(&q.topic.as_str()) {
            topics.push(&q.topic);
        }
    }
    for topic in topics {
        let questions: Vec<Question> = imported
            .questions
            .iter()
            .filter(|q| q.topic == topic)
            .map(|q| Question { notes: Vec::new(), ..q.clone() })
            .collect();
        files.push(SourceFile { path: format!("questions/{topic}.json"), text: pretty(&questions) });
    }
    files
}

/// Topic ids become file names, so one that is not a plain id (`../x`) must never reach the disk.
fn topic_id_problems(imported: &Imported) -> Vec<Problem> {
    let ids = imported.topics.iter().map(|t| &t.id).chain(imported.questions.iter().map(|q| &q.topic));
    let mut bad: Vec<&String> = ids.filter(|id| !valid_id(id)).collect();
    bad.sort();
    bad.dedup();
    bad.into_iter()
        .map(|id| Problem {
            severity: Severity::Error,
            file: "content/topics.json".into(),
            line: None,
            column: None,
            id: Some(id.clone()),
            message: "topic id must be lower-case letters, digits and single hyphens".into(),
        })
        .collect()
}

/// Pretty JSON with a final newline, as the bundled bank's files are written.
fn pretty<T: serde::Serialize>(value: &T) -> String {
    // Plain structs of strings and numbers always serialize.
    serde_json::to_string_pretty(value).map(|s| s + "\n").unwrap_or_default()
}

/// Writes `imported` as a new bank at `dir` and returns the files written.
///
/// Refuses, writing nothing, when `dir` exists and is not an empty directory, when its parent does
/// not exist, or when the result would not pass `bank check` (warnings for fields flagged as missing
/// are expected and allowed).
pub fn write_bank(dir: &Path, imported: &Imported) -> Result<Vec<PathBuf>, WriteError> {
    let mut errors = topic_id_problems(imported);
    if !errors.is_empty() {
        return Err(WriteError::Invalid { problems: errors });
    }
    let files = bank_files(imported);
    let (bank, problems) = check(&files);
    errors.extend(problems.into_iter().filter(|p| p.severity == Severity::Error));
    if bank.questions.is_empty() {
        errors.push(Problem {
            severity: Severity::Error,
            file: "questions/".into(),
            line: None,
            column: None,
            id: None,
            message: "no questions to write".into(),
        });
    }
    if !errors.is_empty() {
        return Err(WriteError::Invalid { problems: errors });
    }

    let replaces_empty_dir = match fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => {
            if fs::read_dir(dir).map_err(io(dir))?.next().is_some() {
                return Err(WriteError::NotEmpty { path: dir.to_path_buf() });
            }
            true
        }
        Ok(_) => return Err(WriteError::NotEmpty { path: dir.to_path_buf() }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(io(dir)(e)),
    };
    // `--out .` or `--out ..` name an empty directory with no name of their own: use its real path.
    let resolved;
    let dir = if replaces_empty_dir && dir.file_name().is_none() {
        resolved = fs::canonicalize(dir).map_err(io(dir))?;
        resolved.as_path()
    } else {
        dir
    };
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Some(name) = dir.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Err(WriteError::NotEmpty { path: dir.to_path_buf() });
    };
    if !parent.is_dir() {
        return Err(WriteError::NoParent { path: dir.to_path_buf() });
    }

    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let tmp = parent.join(format!(".{name}.import-{}-{nanos}", std::process::id()));
    fs::create_dir(&tmp).map_err(io(&tmp))?;
    let result = write_all(&tmp, &files).and_then(|()| {
        if let Err(e) = fs::rename(&tmp, dir) {
            // Unix renames over an empty directory; elsewhere remove it first.
            if !replaces_empty_dir {
                return Err(io(dir)(e));
            }
            fs::remove_dir(dir).map_err(io(dir))?;
            fs::rename(&tmp, dir).map_err(io(dir))?;
        }
        Ok(())
    });
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    // Make the rename itself durable; not every platform can open a directory, so best effort.
    if let Ok(d) = fs::File::open(parent) {
        let _ = d.sync_all();
    }
    Ok(files.iter().map(|f| dir.join(&f.path)).collect())
}

fn write_all(root: &Path, files: &[SourceFile]) -> Result<(), WriteError> {
    for f in files {
        let path = root.join(&f.path);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io(dir))?;
        }
        let mut file = fs::File::create(&path).map_err(io(&path))?;
        file.write_all(f.text.as_bytes()).map_err(io(&path))?;
        file.sync_all().map_err(io(&path))?;
    }
    Ok(())
}
