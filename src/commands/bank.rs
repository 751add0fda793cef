//! `gatewise bank …`: checking, describing, importing and exporting banks.
use crate::text::{plural, plural_as};
use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};

use std::path::Path;

use super::{db_path, open_db, select_bank};
use crate::bank::export::ExportFormat;
use crate::bank::import::{ImportFormat, ImportOptions};
use crate::bank::{self, ContentSource};
use crate::cli::Cli;

pub fn check(source: &ContentSource) -> Result<ExitCode> {
    let files = bank::read_source(source).with_context(|| format!("checking {}", source.describe()))?;
    let (bank, mut problems) = bank::check(&files);
    // The built-in bank must not reward test-wiseness; a learner's own bank is only warned.
    let severity = match source {
        ContentSource::Embedded => bank::Severity::Error,
        ContentSource::Dir(_) => bank::Severity::Warning,
    };
    problems.extend(bank::quality::problems(&bank, severity));
    let errors = problems.iter().filter(|p| p.severity == bank::Severity::Error).count();
    let mut err = std::io::stderr().lock();
    for p in &problems {
        writeln!(err, "{p}")?;
    }
    let warnings = problems.len() - errors;
    if errors > 0 {
        writeln!(err, "{}, {} in {}", plural(errors, "error"), plural(warnings, "warning"), source.describe())?;
        return Ok(ExitCode::FAILURE);
    }
    crate::say!(
        "ok: {}, {}, {}, {} in {}{}",
        plural(bank.questions.len(), "question"),
        plural(bank.notes.len(), "note"),
        plural_as(bank.faq.len(), "FAQ entry", "FAQ entries"),
        plural(bank.topics.len(), "topic"),
        source.describe(),
        if warnings > 0 { format!(" ({})", plural(warnings, "warning")) } else { String::new() }
    )?;
    crate::say!("{}", bank::quality::length_cue(&bank.questions).describe())?;
    Ok(ExitCode::SUCCESS)
}

/// Describes a bank without opening the progress database: `--content`, `--bank`, else the
/// built-in bank.
pub fn stats(cli: &Cli, json: bool) -> Result<ExitCode> {
    let sel = select_bank(cli, None)?;
    let stats = bank::stats::bank_stats(&sel.bank);
    let mut out = crate::term::stdout();
    if json {
        serde_json::to_writer_pretty(&mut out, &stats)?;
        writeln!(out)?;
    } else {
        writeln!(out, "Bank: {}", sel.name)?;
        write!(out, "{}", stats.to_text(&sel.bank))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn import(cli: &Cli, file: &Path, format: ImportFormat, out: Option<&Path>) -> Result<ExitCode> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let opts = ImportOptions::for_file(file);
    let imported = match bank::import::import(&text, format, &opts) {
        Ok(i) => i,
        Err(problems) => {
            let mut err = std::io::stderr().lock();
            for p in &problems {
                writeln!(err, "{}:{}: {}", file.display(), p.line, p.message)?;
            }
            writeln!(err, "{} problem(s) in {}; nothing was written", problems.len(), file.display())?;
            return Ok(ExitCode::FAILURE);
        }
    };
    let dir = match out {
        Some(d) => d.to_path_buf(),
        None => {
            let banks = crate::paths::banks_dir(&db_path(cli)?);
            std::fs::create_dir_all(&banks).with_context(|| format!("cannot create {}", banks.display()))?;
            banks.join(&opts.id_prefix)
        }
    };
    let written = bank::import::write_bank(&dir, &imported).with_context(|| format!("writing {}", dir.display()))?;
    let flagged = imported.questions.iter().filter(|q| !q.missing.is_empty()).count();
    crate::say!(
        "imported {} on {} into {} ({})",
        plural(imported.questions.len(), "question"),
        plural(imported.topics.len(), "topic"),
        dir.display(),
        plural(written.len(), "file")
    )?;
    if flagged > 0 {
        crate::say!(
            "{} {} explanations or sources the source format could not carry; \
             `gatewise bank check {}` lists them",
            plural(flagged, "question"),
            if flagged == 1 { "lacks" } else { "lack" },
            dir.display()
        )?;
    }
    if out.is_none() {
        crate::say!("study it with `gatewise --bank {}` or pick it with b on Home", opts.id_prefix)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn export(cli: &Cli, format: ExportFormat, out: Option<&Path>) -> Result<ExitCode> {
    let db = open_db(cli)?;
    let sel = select_bank(cli, Some(&db))?;
    let text = bank::export::export(&sel.bank.questions, &sel.bank.topics, format);
    match out {
        Some(path) => {
            crate::fsutil::write_atomic(path, text.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {} from {} to {}", plural(sel.bank.questions.len(), "question"), sel.name, path.display());
        }
        None => write!(crate::term::stdout(), "{text}")?,
    }
    Ok(ExitCode::SUCCESS)
}
