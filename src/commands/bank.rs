//! `gatewise bank …`: checking, describing, importing and exporting banks.
use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::{open_db, select_bank};
use crate::bank::{self, ContentSource};
use crate::cli::Cli;

pub fn check(source: &ContentSource) -> Result<ExitCode> {
    let files = bank::read_source(source).with_context(|| format!("checking {}", source.describe()))?;
    let (bank, problems) = bank::check(&files);
    let errors = problems.iter().filter(|p| p.severity == bank::Severity::Error).count();
    let mut err = std::io::stderr().lock();
    for p in &problems {
        writeln!(err, "{p}")?;
    }
    let warnings = problems.len() - errors;
    if errors > 0 {
        writeln!(err, "{errors} error(s), {warnings} warning(s) in {}", source.describe())?;
        return Ok(ExitCode::FAILURE);
    }
    println!(
        "ok: {} questions, {} notes, {} FAQ entries, {} topics in {}{}",
        bank.questions.len(),
        bank.notes.len(),
        bank.faq.len(),
        bank.topics.len(),
        source.describe(),
        if warnings > 0 { format!(" ({warnings} warning(s))") } else { String::new() }
    );
    Ok(ExitCode::SUCCESS)
}

pub fn stats(cli: &Cli, json: bool) -> Result<ExitCode> {
    let db = open_db(cli)?;
    let sel = select_bank(cli, &db)?;
    let stats = bank::stats::bank_stats(&sel.bank);
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &stats)?;
        writeln!(out)?;
    } else {
        writeln!(out, "Bank: {}", sel.name)?;
        write!(out, "{}", stats.to_text(&sel.bank))?;
    }
    Ok(ExitCode::SUCCESS)
}
