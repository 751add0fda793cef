//! Where content comes from: the copy embedded at build time, or a directory on disk.
use std::fs;
use std::path::{Path, PathBuf};

use super::validate::Problem;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// One content file, by its path relative to the bank root (`questions/x.json`).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub enum ContentSource {
    Embedded,
    Dir(PathBuf),
}

impl ContentSource {
    pub fn describe(&self) -> String {
        match self {
            ContentSource::Embedded => "the bundled bank".to_string(),
            ContentSource::Dir(d) => d.display().to_string(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    // The io error is the source, so `{:#}` prints it once.
    #[error("cannot read {path}")]
    Io { path: String, source: std::io::Error },
    #[error("{path} is not UTF-8 text (first bad byte at offset {offset})")]
    NotUtf8 { path: String, offset: usize },
    #[error("{path} is not a bank directory: it has no questions/ directory")]
    NotABank { path: String },
    #[error("{} in {origin}:\n{}", crate::text::plural(problems.len(), "problem"), problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid { origin: String, problems: Vec<Problem> },
}

pub fn read_source(source: &ContentSource) -> Result<Vec<SourceFile>, LoadError> {
    match source {
        ContentSource::Embedded => Ok(embedded::EMBEDDED
            .iter()
            .map(|(path, text)| SourceFile { path: (*path).to_string(), text: (*text).to_string() })
            .collect()),
        ContentSource::Dir(dir) => read_dir_bank(dir),
    }
}

fn read_dir_bank(root: &Path) -> Result<Vec<SourceFile>, LoadError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| LoadError::Io { path, source }
    };
    fs::metadata(root).map_err(io(root))?;
    if !root.join("questions").is_dir() {
        return Err(LoadError::NotABank { path: root.display().to_string() });
    }
    let mut files = Vec::new();
    for (dir, ext) in [("questions", "json"), ("content", "json"), ("content/notes", "md")] {
        let full = root.join(dir);
        let Ok(entries) = fs::read_dir(&full) else { continue };
        let mut paths: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == ext))
            .collect();
        paths.sort();
        for p in paths {
            let bytes = fs::read(&p).map_err(io(&p))?;
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let text = String::from_utf8(bytes).map_err(|e| LoadError::NotUtf8 {
                path: p.display().to_string(),
                offset: e.utf8_error().valid_up_to(),
            })?;
            files.push(SourceFile { path: format!("{dir}/{name}"), text });
        }
    }
    Ok(files)
}
