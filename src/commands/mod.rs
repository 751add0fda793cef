//! Dispatch of each command to the layers below; non-interactive commands print and return.
mod bank;
mod exam;
mod gateway;
mod plain;
mod progress;
mod report;
mod stdin_lines;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::bank::{Bank, ContentSource};
use crate::cli::{BankCommand, Cli, Command, GatewayCommand, ThemeArg};
use crate::settings::{self, Look};
use crate::store::Db;
use crate::tui::Launch;
use crate::tui::theme::{Theme, ThemeName};

/// The name progress is kept under for the bundled bank.
pub(crate) const BUILTIN: &str = "builtin";

/// `--theme` (remembered as the setting), else the stored setting, else dark; NO_COLOR
/// (non-empty) turns colour off.
fn resolve_theme(cli: &Cli, db: &mut Db) -> Result<Theme> {
    if let Some(t) = cli.theme {
        let look = if matches!(t, ThemeArg::Light) { Look::Light } else { Look::Dark };
        settings::set_theme(db, look)?;
    }
    let stored = settings::theme(db)?;
    let name = cli
        .theme
        .map(|t| match t {
            ThemeArg::Dark => ThemeName::Dark,
            ThemeArg::Light => ThemeName::Light,
        })
        .or(stored.map(|l| match l {
            Look::Dark => ThemeName::Dark,
            Look::Light => ThemeName::Light,
        }))
        .unwrap_or(ThemeName::Dark);
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    Ok(Theme::new(name, no_color))
}

fn content_source(cli: &Cli) -> ContentSource {
    cli.content.clone().map_or(ContentSource::Embedded, ContentSource::Dir)
}

/// The bank to study and the name its progress is kept under.
pub struct Selected {
    pub bank: Bank,
    pub name: String,
}

/// `--content DIR`, else `--bank NAME`, else the bank last chosen in the app (when a database is
/// open), else the built-in one.
pub(crate) fn select_bank(cli: &Cli, db: Option<&Db>) -> Result<Selected> {
    if let Some(dir) = &cli.content {
        return Ok(Selected {
            bank: Bank::load(&ContentSource::Dir(dir.clone()))?,
            name: crate::banks::name_of_dir(dir),
        });
    }
    let wanted = match &cli.bank {
        Some(b) => Some(b.clone()),
        None => match db {
            Some(db) => settings::bank(db)?,
            None => None,
        },
    };
    let banks_dir = crate::paths::banks_dir(&db_path(cli)?);
    match wanted.as_deref() {
        None | Some(BUILTIN) => Ok(Selected { bank: Bank::load(&ContentSource::Embedded)?, name: BUILTIN.into() }),
        Some(name) => {
            let Some(dir) = crate::banks::find(&banks_dir, name) else {
                let known: Vec<String> = crate::banks::list(&banks_dir).into_iter().map(|b| b.name).collect();
                anyhow::bail!(
                    "no bank named {name:?} in {}; banks: builtin{}{}",
                    banks_dir.display(),
                    if known.is_empty() { "" } else { ", " },
                    known.join(", ")
                );
            };
            Ok(Selected { bank: Bank::load(&ContentSource::Dir(dir))?, name: name.to_string() })
        }
    }
}

/// Opens the terminal app on `launch`; every launch knows where user banks live, so `b` on
/// Home lists them after `gatewise practice` or `gatewise exam` too.
pub(crate) fn run_tui(cli: &Cli, db: Db, sel: Selected, theme: Theme, launch: Launch) -> Result<()> {
    let banks_dir = crate::paths::banks_dir(&db_path(cli)?);
    crate::tui::run(crate::tui::RunOptions { bank: sel.bank, bank_name: sel.name, db, theme, launch, banks_dir })
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        None => {
            let mut db = open_db(&cli)?;
            let sel = select_bank(&cli, Some(&db))?;
            let theme = resolve_theme(&cli, &mut db)?;
            run_tui(&cli, db, sel, theme, Launch::Home)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Progress(cmd)) => progress::run(&cli, cmd),
        Some(Command::Exam(args)) => exam::run(&cli, args),
        Some(Command::Practice(args)) if args.plain => plain::practice(&cli, args),
        Some(Command::Practice(args)) => {
            let mut db = open_db(&cli)?;
            let sel = select_bank(&cli, Some(&db))?;
            check_topics(&sel.bank, &args.topics)?;
            let theme = resolve_theme(&cli, &mut db)?;
            let launch = Launch::Practice {
                topics: args.topics.clone(),
                due: args.due,
                weak: args.weak,
                cram: args.cram,
                level: args.level.choice(),
            };
            run_tui(&cli, db, sel, theme, launch)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Stats { json, format }) => {
            report::stats(&cli, if *json { crate::cli::StatsFormat::Json } else { *format })
        }
        Some(Command::Gateway(GatewayCommand::Check { file })) => gateway::check(file),
        Some(Command::Gateway(GatewayCommand::Serve { api, scenario, stage, port, host, trace, quiet })) => {
            let log = match (*trace, *quiet) {
                (true, _) => crate::gateway::server::StdoutLog::Traced,
                (false, true) => crate::gateway::server::StdoutLog::Off,
                (false, false) => crate::gateway::server::StdoutLog::Lines,
            };
            gateway::serve(api.as_deref(), scenario.as_deref(), stage.as_deref(), *port, *host, log)
        }
        Some(Command::Plan { exam_date, retention }) => report::plan(&cli, exam_date.as_deref(), *retention),
        Some(Command::Bank(BankCommand::Check { dir })) => {
            let source = dir.clone().map_or_else(|| content_source(&cli), ContentSource::Dir);
            bank::check(&source)
        }
        Some(Command::Bank(BankCommand::Stats { json })) => bank::stats(&cli, *json),
        Some(Command::Bank(BankCommand::Import { file, format, out, strict })) => {
            bank::import(&cli, file, *format, out.as_deref(), *strict)
        }
        Some(Command::Bank(BankCommand::Export { format, out })) => bank::export(&cli, *format, out.as_deref()),
        Some(Command::Completions { shell }) => {
            clap_complete::generate(*shell, &mut Cli::command(), "gatewise", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The database path: `--db`, `GATEWISE_DB` (both through clap), else the user's data directory.
/// Nothing is created here: commands that never open the database leave the disk alone.
pub fn db_path(cli: &Cli) -> Result<PathBuf> {
    match &cli.db {
        Some(p) => Ok(p.clone()),
        None => {
            crate::paths::default_db_path().context("no data directory: set XDG_DATA_HOME or HOME, or pass --db PATH")
        }
    }
}

pub(crate) fn open_db(cli: &Cli) -> Result<Db> {
    let path = db_path(cli)?;
    if cli.db.is_none()
        && let Some(dir) = path.parent()
    {
        // Only the default location is created; an explicit --db must name an existing directory.
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    Ok(Db::open(&path)?)
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
