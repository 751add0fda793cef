//! Dispatch of each command to the layers below; non-interactive commands print and return.
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::bank::{self, Bank, ContentSource};
use crate::cli::{BankCommand, Cli, Command, ExamArgs, ExamCommand, ProgressCommand, ThemeArg};
use crate::clock;
use crate::store::Db;
use crate::study::exam::{ExamResult, ExamSpec};
use crate::tui::Launch;
use crate::tui::theme::{Theme, ThemeName};

/// The name progress is kept under for the bundled bank.
pub const BUILTIN: &str = "builtin";

/// `--theme`, else the stored setting, else dark; NO_COLOR (non-empty) turns colour off.
fn resolve_theme(cli: &Cli, db: &Db) -> Result<Theme> {
    let stored = db.setting("theme")?;
    let name = cli
        .theme
        .map(|t| match t {
            ThemeArg::Dark => ThemeName::Dark,
            ThemeArg::Light => ThemeName::Light,
        })
        .or_else(|| stored.as_deref().and_then(Theme::parse))
        .unwrap_or(ThemeName::Dark);
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    Ok(Theme::new(name, no_color))
}

fn content_source(cli: &Cli) -> ContentSource {
    cli.content.clone().map_or(ContentSource::Embedded, ContentSource::Dir)
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        None => {
            let bank = Bank::load(&content_source(&cli))?;
            let db = open_db(&cli)?;
            let theme = resolve_theme(&cli, &db)?;
            crate::tui::run(bank, BUILTIN, db, theme, Launch::Home)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Progress(cmd)) => progress(&cli, cmd),
        Some(Command::Exam(args)) => exam(&cli, args),
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

/// The database path: `--db`, `GATEWISE_DB` (both through clap), else the user's data directory.
pub fn db_path(cli: &Cli) -> Result<PathBuf> {
    match &cli.db {
        Some(p) => Ok(p.clone()),
        None => {
            let p = crate::paths::default_db_path()
                .context("no data directory: set XDG_DATA_HOME or HOME, or pass --db PATH")?;
            if let Some(dir) = p.parent() {
                // Only the default location is created; an explicit --db must name an existing directory.
                std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            }
            Ok(p)
        }
    }
}

pub fn open_db(cli: &Cli) -> Result<Db> {
    Ok(Db::open(&db_path(cli)?)?)
}

fn progress(cli: &Cli, cmd: &ProgressCommand) -> Result<ExitCode> {
    match cmd {
        ProgressCommand::Export { file } => {
            let db = open_db(cli)?;
            let json = db.export_json(clock::now_ms())?;
            match file {
                Some(path) => crate::fsutil::write_atomic(path, json.as_bytes())
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => println!("{json}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        ProgressCommand::Import { file } => {
            let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
            let mut db = open_db(cli)?;
            let n = db.import_json(&text).with_context(|| format!("importing {}", file.display()))?;
            println!("imported {n} records from {} into {}", file.display(), db.path());
            Ok(ExitCode::SUCCESS)
        }
        ProgressCommand::Reset { yes } => {
            let path = db_path(cli)?;
            if !path.exists() {
                println!("no progress database at {}; nothing to reset", path.display());
                return Ok(ExitCode::SUCCESS);
            }
            if !yes
                && !confirm(&format!("Move {} aside as a backup and start with no progress? [y/N] ", path.display()))?
            {
                println!("nothing changed");
                return Ok(ExitCode::FAILURE);
            }
            let backup = crate::store::move_aside(&path, &clock::stamp(clock::now_ms()))
                .with_context(|| format!("cannot move {} aside", path.display()))?;
            if let Some(b) = backup {
                println!("moved {} to {}; a new database starts on next use", path.display(), b.display());
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

fn exam(cli: &Cli, args: &ExamArgs) -> Result<ExitCode> {
    let bank = Bank::load(&content_source(cli))?;
    let db = open_db(cli)?;
    if let Some(ExamCommand::History { json }) = &args.command {
        return exam_history(&db, *json);
    }
    for t in &args.topics {
        if bank.topic(t).is_none() {
            let known: Vec<&str> = bank.topics.iter().map(|t| t.id.as_str()).collect();
            anyhow::bail!("unknown topic {t:?}; topics are: {}", known.join(", "));
        }
    }
    let launch = if args.resume {
        if db.in_progress_exam(BUILTIN)?.is_none() {
            anyhow::bail!("there is no unfinished exam to resume; start one with `gatewise exam`");
        }
        Launch::ResumeExam
    } else {
        let spec = match (args.full, args.questions, args.minutes) {
            (true, _, _) => ExamSpec { topics: args.topics.clone(), ..ExamSpec::full() },
            (false, Some(n), Some(m)) => ExamSpec::custom(usize::from(n), m, args.topics.clone()),
            _ => ExamSpec { topics: args.topics.clone(), ..ExamSpec::quick() },
        };
        Launch::Exam { spec, seed: args.seed }
    };
    let theme = resolve_theme(cli, &db)?;
    crate::tui::run(bank, BUILTIN, db, theme, launch)?;
    Ok(ExitCode::SUCCESS)
}

#[derive(serde::Serialize)]
struct HistoryRow {
    id: i64,
    label: String,
    seed: u64,
    started_at: i64,
    submitted_at: Option<i64>,
    questions: usize,
    minutes: u32,
    correct: usize,
    total: usize,
    unanswered: usize,
    percent: f64,
    scaled: u32,
    passed: bool,
    elapsed_ms: i64,
}

fn exam_history(db: &Db, json: bool) -> Result<ExitCode> {
    let mut rows = Vec::new();
    for e in db.exam_history(BUILTIN)? {
        let (Ok(spec), Some(Ok(result))) =
            (serde_json::from_str::<ExamSpec>(&e.spec), e.result.as_deref().map(serde_json::from_str::<ExamResult>))
        else {
            continue;
        };
        rows.push(HistoryRow {
            id: e.id,
            label: spec.label,
            seed: e.seed,
            started_at: e.created_at,
            submitted_at: e.submitted_at,
            questions: e.items.len(),
            minutes: spec.minutes,
            correct: result.correct,
            total: result.total,
            unanswered: result.unanswered,
            percent: result.percent,
            scaled: result.scaled,
            passed: result.passed,
            elapsed_ms: result.elapsed_ms,
        });
    }
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        writeln!(out, "No exams submitted yet. Start one with `gatewise exam`.")?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{:<17} {:<40} {:>7} {:>5} {:>6} {:<7} {:>8}  seed",
        "submitted (UTC)", "exam", "score", "%", "scaled", "result", "time"
    )?;
    for r in &rows {
        let when = r.submitted_at.map_or_else(String::new, clock::datetime);
        writeln!(
            out,
            "{:<17} {:<40} {:>7} {:>4.0}% {:>6} {:<7} {:>8}  {}",
            when,
            r.label,
            format!("{}/{}", r.correct, r.total),
            r.percent,
            r.scaled,
            if r.passed { "pass" } else { "not yet" },
            crate::tui::screens::exam::clock_text(r.elapsed_ms),
            r.seed
        )?;
    }
    writeln!(out, "\nScaled scores are estimates: {}", crate::study::exam::SCALED_NOTE)?;
    Ok(ExitCode::SUCCESS)
}
