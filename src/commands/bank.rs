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
    if matches!(source, ContentSource::Embedded) {
        problems.extend(bank::quality::builtin_problems(&bank));
    }
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
        plural(bank.questions().len(), "question"),
        plural(bank.notes.len(), "note"),
        plural_as(bank.faq.len(), "FAQ entry", "FAQ entries"),
        plural(bank.topics.len(), "topic"),
        source.describe(),
        if warnings > 0 { format!(" ({})", plural(warnings, "warning")) } else { String::new() }
    )?;
    crate::say!("{}", bank::quality::length_cue(bank.questions()).describe())?;
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

/// Reads an import file: refused before reading when it is larger than any question bank, and
/// refused with the position of the first byte that is not UTF-8.
fn read_import_file(file: &Path) -> Result<std::result::Result<String, String>> {
    let size = std::fs::metadata(file).with_context(|| format!("cannot read {}", file.display()))?.len();
    if size > bank::import::MAX_FILE_BYTES {
        return Ok(Err(format!(
            "{}: the file is {} MB; a question bank to import may be at most {} MB",
            file.display(),
            size / (1024 * 1024),
            bank::import::MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Ok(text)),
        Err(e) => {
            let p = bank::import::decode(e.as_bytes()).err().map(|p| p.to_string()).unwrap_or_default();
            Ok(Err(format!("{}:{}", file.display(), p.trim_start_matches("line "))))
        }
    }
}

pub fn import(cli: &Cli, file: &Path, format: ImportFormat, out: Option<&Path>, strict: bool) -> Result<ExitCode> {
    let mut err = std::io::stderr().lock();
    let text = match read_import_file(file)? {
        Ok(t) => t,
        Err(msg) => {
            writeln!(err, "{msg}\nnothing was written")?;
            return Ok(ExitCode::FAILURE);
        }
    };
    let opts = ImportOptions::for_file(file);
    let report = match bank::import::import(&text, format, &opts) {
        Ok(r) => r,
        Err(problems) => {
            for p in &problems {
                writeln!(err, "{}:{}: {}", file.display(), p.line, p.message)?;
            }
            writeln!(err, "{} in {}; nothing was written", plural(problems.len(), "problem"), file.display())?;
            return Ok(ExitCode::FAILURE);
        }
    };
    for p in &report.skipped {
        writeln!(err, "{}:{}: skipped: {}", file.display(), p.line, p.message)?;
    }
    for p in &report.warnings {
        writeln!(err, "{}:{}: warning: {}", file.display(), p.line, p.message)?;
    }
    if strict && !report.skipped.is_empty() {
        writeln!(err, "{}; --strict: nothing was written", report.summary())?;
        return Ok(ExitCode::FAILURE);
    }
    let imported = &report.imported;
    let dir = match out {
        Some(d) => d.to_path_buf(),
        None => {
            let banks = crate::paths::banks_dir(&db_path(cli)?);
            std::fs::create_dir_all(&banks).with_context(|| format!("cannot create {}", banks.display()))?;
            banks.join(&opts.id_prefix)
        }
    };
    let written = bank::import::write_bank(&dir, imported).with_context(|| format!("writing {}", dir.display()))?;
    let flagged = imported.questions.iter().filter(|q| !q.missing.is_empty()).count();
    crate::say!("{}", report.summary())?;
    crate::say!(
        "wrote {} on {} into {} ({})",
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
    let text = bank::export::export(sel.bank.questions(), &sel.bank.topics, format, &sel.name);
    match out {
        Some(path) => {
            crate::fsutil::write_atomic(path, text.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "wrote {} from {} to {}",
                plural(sel.bank.questions().len(), "question"),
                sel.name,
                path.display()
            );
        }
        None => write!(crate::term::stdout(), "{text}")?,
    }
    Ok(ExitCode::SUCCESS)
}
