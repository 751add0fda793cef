//! Writes an imported bank as a directory that `gatewise bank check` accepts: all of it or nothing.
//!
//! Files are written into a hidden directory and renamed into place only once every one is written
//! and synced, so a crash or a full disk never leaves a half-written file; an existing non-empty
//! directory is never touched. A new directory appears by one rename of a hidden sibling. An existing
//! empty one (`--out .`) is filled in place, so a shell sitting in it, its owner and its permissions
//! keep working: the staging directory is inside it and its two top-level entries are moved out.
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

    let empty_dir = match fs::symlink_metadata(dir) {
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
    if empty_dir {
        fill_in_place(dir, &files)?;
    } else {
        create_by_rename(dir, &files)?;
    }
    Ok(files.iter().map(|f| dir.join(&f.path)).collect())
}

/// A hidden name for a staging directory no other import picks at the same time.
fn staging_name(name: &str) -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!(".{name}.import-{}-{nanos}", std::process::id())
}

/// Makes the renames in `dir` durable; not every platform can open a directory, so best effort.
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// A directory that does not exist yet: written as a hidden sibling, then renamed to its name.
fn create_by_rename(dir: &Path, files: &[SourceFile]) -> Result<(), WriteError> {
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Some(name) = dir.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Err(WriteError::NoParent { path: dir.to_path_buf() });
    };
    if !parent.is_dir() {
        return Err(WriteError::NoParent { path: dir.to_path_buf() });
    }
    let tmp = parent.join(staging_name(&name));
    fs::create_dir(&tmp).map_err(io(&tmp))?;
    let result = write_all(&tmp, files).and_then(|()| fs::rename(&tmp, dir).map_err(io(dir)));
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    sync_dir(parent);
    Ok(())
}

/// An existing empty directory, perhaps the working directory: renaming over it would leave a shell
/// in it looking at a deleted directory, so the files are staged inside it and each top-level entry
/// (`content/`, `questions/`) is renamed into it. If a move fails, the ones made are taken back.
fn fill_in_place(dir: &Path, files: &[SourceFile]) -> Result<(), WriteError> {
    let tmp = dir.join(staging_name("gatewise"));
    fs::create_dir(&tmp).map_err(io(&tmp))?;
    let mut tops: Vec<&str> = files.iter().filter_map(|f| f.path.split('/').next()).collect();
    tops.sort_unstable();
    tops.dedup();
    let mut moved: Vec<PathBuf> = Vec::new();
    let result = write_all(&tmp, files).and_then(|()| {
        for top in &tops {
            let to = dir.join(top);
            fs::rename(tmp.join(top), &to).map_err(io(&to))?;
            moved.push(to);
        }
        Ok(())
    });
    if let Err(e) = result {
        for m in &moved {
            let _ = fs::remove_dir_all(m);
        }
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    // Empty now; the bank is complete whether or not it goes.
    let _ = fs::remove_dir(&tmp);
    sync_dir(dir);
    Ok(())
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
