//! Dispatch of each command to the layers below; non-interactive commands print and return.
use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::bank::{self, Bank, ContentSource};
use crate::cli::{BankCommand, Cli, Command};

fn content_source(cli: &Cli) -> ContentSource {
    cli.content.clone().map_or(ContentSource::Embedded, ContentSource::Dir)
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        None => {
            let bank = Bank::load(&content_source(&cli))?;
            crate::tui::run(&bank)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Bank(BankCommand::Check { dir })) => {
            let source = dir.clone().map_or_else(|| content_source(&cli), ContentSource::Dir);
            bank_check(&source)
        }
        Some(Command::Bank(BankCommand::Stats { json })) => {
            let bank = Bank::load(&content_source(&cli))?;
            let stats = bank::stats::bank_stats(&bank);
            let mut out = std::io::stdout().lock();
            if *json {
                serde_json::to_writer_pretty(&mut out, &stats)?;
                writeln!(out)?;
            } else {
                write!(out, "{}", stats.to_text(&bank))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Completions { shell }) => {
            clap_complete::generate(*shell, &mut Cli::command(), "gatewise", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn bank_check(source: &ContentSource) -> Result<ExitCode> {
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
