//! `gatewise progress …`: export, import and reset of the progress database.
use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::{db_path, open_db};
use crate::cli::{Cli, ProgressCommand};
use crate::clock;

pub fn run(cli: &Cli, cmd: &ProgressCommand) -> Result<ExitCode> {
    match cmd {
        ProgressCommand::Export { file } => {
            let db = open_db(cli)?;
            let json = db.export_json(clock::now_ms())?;
            match file {
                Some(path) => crate::fsutil::write_atomic(path, json.as_bytes())
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => crate::say!("{json}")?,
            }
            Ok(ExitCode::SUCCESS)
        }
        ProgressCommand::Import { file } => {
            let text = crate::fsutil::read_capped(file, crate::fsutil::MAX_PROGRESS_IMPORT, "a progress export")
                .map_err(anyhow::Error::msg)?;
            let mut db = open_db(cli)?;
            let n = db.import_json(&text).with_context(|| format!("importing {}", file.display()))?;
            crate::say!("imported {n} records from {} into {}", file.display(), db.path())?;
            Ok(ExitCode::SUCCESS)
        }
        ProgressCommand::Reset { yes } => {
            let path = db_path(cli)?;
            if !path.exists() {
                crate::say!("no progress database at {}; nothing to reset", path.display())?;
                return Ok(ExitCode::SUCCESS);
            }
            if !yes
                && !confirm(&format!("Move {} aside as a backup and start with no progress? [y/N] ", path.display()))?
            {
                crate::say!("nothing changed")?;
                return Ok(ExitCode::FAILURE);
            }
            // Held until the rename is done: a session that opens the file meanwhile waits.
            let _claim = crate::store::lock_for_reset(&path)?;
            let backup = crate::store::move_aside(&path, &clock::stamp(clock::now_ms()))
                .with_context(|| format!("cannot move {} aside", path.display()))?;
            if let Some(b) = backup {
                crate::say!("moved {} to {}; a new database starts on next use", path.display(), b.display())?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Asks on the terminal; end of input counts as "no".
fn confirm(prompt: &str) -> Result<bool> {
    let mut err = std::io::stderr();
    write!(err, "{prompt}")?;
    err.flush()?;
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}
