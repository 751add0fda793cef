//! Dispatch of each command to the layers below; non-interactive commands print and return.
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::bank::{self, Bank, ContentSource};
use crate::cli::{BankCommand, Cli, Command, ExamArgs, ExamCommand, GatewayCommand, ProgressCommand, ThemeArg};
use crate::clock;
use crate::store::Db;
use crate::study::exam::{ExamResult, ExamSpec};
use crate::study::scheduler::Fsrs;
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
        Some(Command::Practice(args)) => {
            let bank = Bank::load(&content_source(&cli))?;
            check_topics(&bank, &args.topics)?;
            let db = open_db(&cli)?;
            let theme = resolve_theme(&cli, &db)?;
            let launch =
                Launch::Practice { topics: args.topics.clone(), due: args.due, weak: args.weak, cram: args.cram };
            crate::tui::run(bank, BUILTIN, db, theme, launch)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Stats { json }) => stats(&cli, *json),
        Some(Command::Gateway(GatewayCommand::Check { file })) => gateway_check(file),
        Some(Command::Plan { exam_date, retention }) => plan_cmd(&cli, exam_date.as_deref(), *retention),
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
    check_topics(&bank, &args.topics)?;
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

fn check_topics(bank: &Bank, topics: &[String]) -> Result<()> {
    for t in topics {
        if bank.topic(t).is_none() {
            let known: Vec<&str> = bank.topics.iter().map(|t| t.id.as_str()).collect();
            anyhow::bail!("unknown topic {t:?}; topics are: {}", known.join(", "));
        }
    }
    Ok(())
}

fn stats(cli: &Cli, json: bool) -> Result<ExitCode> {
    let bank = Bank::load(&content_source(cli))?;
    let db = open_db(cli)?;
    let d = crate::progress::load_dashboard(&db, &bank, BUILTIN, &Fsrs::default(), clock::now_ms())?;
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &d)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let pct = |c: i64, a: i64| if a == 0 { 0.0 } else { 100.0 * c as f64 / a as f64 };
    writeln!(
        out,
        "Answered {} ({:.0}% right) · seen {} of {} · mastered {} · streak {} days",
        d.answered,
        pct(d.correct, d.answered),
        d.seen,
        d.total,
        d.mastered,
        d.streak
    )?;
    writeln!(
        out,
        "Readiness: estimated {} ({}). {}",
        d.readiness.scaled,
        if d.readiness.likely_pass { "at or above 700" } else { "below 700" },
        d.readiness.caveat
    )?;
    writeln!(out, "  How: {}", d.readiness.formula)?;
    let due_today = d.due_next_14_days.first().copied().unwrap_or(0);
    writeln!(out, "Reviews due today: {due_today}; next 14 days: {}", d.due_next_14_days.iter().sum::<usize>())?;
    writeln!(
        out,
        "Weakest topics: {}",
        d.weak_topics
            .iter()
            .take(3)
            .map(|a| format!("{} ({:.0}%)", a.title, a.predicted * 100.0))
            .collect::<Vec<_>>()
            .join(", ")
    )?;
    for c in &d.calibration {
        writeln!(
            out,
            "When confidence was {}, right {:.0}% of {} answers",
            c.confidence,
            pct(c.correct, c.answered),
            c.answered
        )?;
    }
    if let Some(p) = &d.plan {
        write!(out, "{}", p.describe())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn plan_cmd(cli: &Cli, exam_date: Option<&str>, retention: Option<f64>) -> Result<ExitCode> {
    use crate::study::plan::{EXAM_DATE_KEY, RETENTION_KEY};
    let bank = Bank::load(&content_source(cli))?;
    let mut db = open_db(cli)?;
    let now = clock::now_ms();
    match exam_date {
        Some("none") => db.remove_setting(EXAM_DATE_KEY)?,
        Some(d) => {
            let Some(day) = clock::parse_date(d) else {
                anyhow::bail!("--exam-date {d:?} is not a date in the form YYYY-MM-DD");
            };
            if day <= crate::study::stats::day_of(now) {
                anyhow::bail!("--exam-date {d} is not in the future");
            }
            db.set_setting(EXAM_DATE_KEY, &clock::date(day))?;
        }
        None => {}
    }
    if let Some(r) = retention {
        db.set_setting(RETENTION_KEY, &format!("{r:.2}"))?;
    }
    let settings = crate::progress::load_settings(&db)?;
    let cards = db.srs_cards(BUILTIN)?;
    match crate::study::plan::plan(&bank, &cards, settings, now) {
        Some(p) => print!("{}", p.describe()),
        None => println!(
            "No exam date set (retention {:.0}%). Set one with `gatewise plan --exam-date YYYY-MM-DD`.",
            settings.retention * 100.0
        ),
    }
    Ok(ExitCode::SUCCESS)
}

fn gateway_check(file: &std::path::Path) -> Result<ExitCode> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    match crate::gateway::check_definition(&text) {
        Ok(def) => {
            println!(
                "ok: {} ({} API) with {} route(s) and {} stage(s) in {}",
                def.name,
                match def.api_type {
                    crate::gateway::ApiType::Rest => "REST",
                    crate::gateway::ApiType::Http => "HTTP",
                },
                def.routes.len(),
                def.stages.len(),
                file.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            let mut err = std::io::stderr().lock();
            for p in &problems {
                writeln!(err, "{}: {p}", file.display())?;
            }
            writeln!(
                err,
                "{} problem(s) in {}; nothing runs on an invalid definition",
                problems.len(),
                file.display()
            )?;
            Ok(ExitCode::FAILURE)
        }
    }
}
