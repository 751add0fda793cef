//! Command-line surface (clap derive); the doc comments are the help text.
use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Learn Amazon API Gateway for the AWS Certified Cloud Practitioner exam (CLF-C02).
///
/// With no command, opens the terminal app on the bundled question bank.
#[derive(Debug, Parser)]
#[command(name = "gatewise", version, propagate_version = true)]
pub struct Cli {
    /// Progress database (SQLite). Default: $XDG_DATA_HOME/gatewise/gatewise.db
    #[arg(long, global = true, env = "GATEWISE_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Study this bank: `builtin`, or a user bank in the data directory's banks/ folder.
    #[arg(long, global = true, value_name = "NAME")]
    pub bank: Option<String>,

    /// Read the bank from a directory (with questions/ and content/) instead of the bundled one.
    #[arg(long, global = true, value_name = "DIR")]
    pub content: Option<PathBuf>,

    /// Colour theme for the terminal app (also a stored setting). NO_COLOR is respected.
    #[arg(long, global = true, value_enum)]
    pub theme: Option<ThemeArg>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LevelArg {
    Exam,
    Deep,
    All,
}

impl LevelArg {
    pub fn choice(self) -> crate::bank::LevelChoice {
        match self {
            LevelArg::Exam => crate::bank::LevelChoice::Exam,
            LevelArg::Deep => crate::bank::LevelChoice::Deep,
            LevelArg::All => crate::bank::LevelChoice::All,
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ThemeArg {
    Dark,
    Light,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check and describe a question bank.
    #[command(subcommand)]
    Bank(BankCommand),
    /// Sit a timed mock exam (default: 20 questions in 28 minutes), or list past exams.
    Exam(ExamArgs),
    /// Practise questions in the terminal app (or line by line with --plain).
    Practice(PracticeArgs),
    /// Progress statistics: readiness, mastery, accuracy, streak, reviews due, most missed.
    Stats {
        /// Print JSON instead of a summary (same as --format json).
        #[arg(long)]
        json: bool,
        /// text, json, or markdown (a report to keep or share).
        #[arg(long, value_enum, default_value = "text")]
        format: StatsFormat,
    },
    /// Set the exam date and retention, and show the daily plan that covers the bank in time.
    Plan {
        /// The exam date, YYYY-MM-DD ("none" clears it).
        #[arg(long, value_name = "YYYY-MM-DD")]
        exam_date: Option<String>,
        /// Desired retention for spaced repetition, 0.70 to 0.97 (default 0.90).
        #[arg(long, value_parser = parse_retention)]
        retention: Option<f64>,
    },
    /// The sandboxed mini API Gateway.
    #[command(subcommand)]
    Gateway(GatewayCommand),
    /// Export, import or reset the progress database.
    #[command(subcommand)]
    Progress(ProgressCommand),
    /// Print a shell completion script.
    Completions {
        /// bash, zsh, fish, elvish or powershell
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum BankCommand {
    /// Validate every question, note and FAQ entry; report every problem with file, line and id.
    ///
    /// Exits 0 only when there are no errors.
    Check {
        /// A bank directory (with questions/ and content/). Default: --content, else the bundled bank.
        dir: Option<PathBuf>,
    },
    /// Count questions by topic, domain, kind and difficulty.
    Stats {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Convert questions from Moodle GIFT, Aiken, CSV or Markdown checkboxes into a new bank.
    ///
    /// Every question that converts faithfully is imported; every other item is listed with its
    /// line and reason (with --strict, nothing is written unless every item converts). Fields the
    /// source lacks (explanations, sources) are flagged, not invented: `gatewise bank check DIR`
    /// lists them.
    Import {
        /// The file to convert.
        file: PathBuf,
        /// gift, aiken, csv or markdown (see questions/README.md for each shape).
        #[arg(long)]
        format: crate::bank::import::ImportFormat,
        /// The new bank's directory (must not exist or be empty). Default: banks/NAME in the data
        /// directory, named after the file, so the app lists it beside the built-in bank.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// All or nothing: write no bank if any item is skipped.
        #[arg(long)]
        strict: bool,
    },
    /// Write the bank (the selected one, or --content DIR) for Anki's text import or as GIFT.
    Export {
        /// anki or gift.
        #[arg(long)]
        format: crate::bank::export::ExportFormat,
        /// Where to write (atomically). Default: standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProgressCommand {
    /// Write all progress as versioned JSON to FILE (default: standard output).
    Export {
        /// Where to write; the file is written whole or not at all.
        file: Option<PathBuf>,
    },
    /// Load a progress export into an empty database; all or nothing.
    Import {
        /// A file written by `gatewise progress export`.
        file: PathBuf,
    },
    /// Move the progress database aside as a timestamped backup and start afresh.
    Reset {
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ExamArgs {
    #[command(subcommand)]
    pub command: Option<ExamCommand>,
    /// The full mock: 65 questions in 90 minutes, drawn by the CLF-C02 domain weights.
    #[arg(long, conflicts_with_all = ["questions", "minutes"])]
    pub full: bool,
    /// Number of questions for a custom exam (with --minutes).
    #[arg(long, requires = "minutes", value_parser = clap::value_parser!(u16).range(1..))]
    pub questions: Option<u16>,
    /// Time limit in minutes for a custom exam (with --questions).
    #[arg(long, requires = "questions", value_parser = clap::value_parser!(u32).range(1..=600))]
    pub minutes: Option<u32>,
    /// Only questions on this topic (repeatable); see `gatewise bank stats` for topic ids.
    #[arg(long = "topic", value_name = "TOPIC")]
    pub topics: Vec<String>,
    /// Draw the same exam again: the seed is shown in `gatewise exam history`.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Draw questions you have never answered before repeats.
    #[arg(long)]
    pub unseen_first: bool,
    /// Resume the unfinished exam with its answers, flags, position and remaining time.
    #[arg(long, conflicts_with_all = ["full", "questions", "minutes", "topics", "seed", "unseen_first"])]
    pub resume: bool,
    /// Line by line on standard input and output: no full screen, no colours (screen readers, scripts).
    #[arg(long)]
    pub plain: bool,
}

#[derive(Debug, Subcommand)]
pub enum ExamCommand {
    /// Past exams with their scores.
    History {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

fn parse_retention(s: &str) -> Result<f64, String> {
    let r: f64 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if (0.70..=0.97).contains(&r) { Ok(r) } else { Err(format!("retention must be between 0.70 and 0.97, not {r}")) }
}

#[derive(Debug, clap::Args)]
pub struct PracticeArgs {
    /// Only questions on this topic (repeatable).
    #[arg(long = "topic", value_name = "TOPIC", conflicts_with_all = ["due", "weak"])]
    pub topics: Vec<String>,
    /// Questions due for review (spaced repetition).
    #[arg(long, conflicts_with_all = ["weak", "cram"])]
    pub due: bool,
    /// The weakest areas, with easily confused services interleaved.
    #[arg(long, conflicts_with_all = ["due", "cram"])]
    pub weak: bool,
    /// Practise without changing the spaced-repetition schedule (logged as cram).
    #[arg(long, conflicts_with_all = ["due", "weak"])]
    pub cram: bool,
    /// exam (CLF-C02 depth, the default), deep (associate-level deep dives) or all.
    #[arg(long, value_enum, default_value = "exam", conflicts_with_all = ["due", "weak"])]
    pub level: LevelArg,
    /// Line by line on standard input and output: no full screen, no colours (screen readers, scripts).
    #[arg(long)]
    pub plain: bool,
}

#[derive(Debug, Subcommand)]
pub enum GatewayCommand {
    /// Serve the mini gateway over real HTTP on loopback, for curl or a browser.
    ///
    /// Prints the base URL and ready-to-paste curl commands, then one access-log line per
    /// request (and its trace with --trace; nothing with --quiet). Ctrl-C stops it. Binding anything but 127.0.0.1
    /// or ::1 is refused.
    Serve {
        /// An API definition (JSON) to serve.
        #[arg(long, conflicts_with = "scenario", value_name = "FILE")]
        api: Option<PathBuf>,
        /// A lab scenario's API (api-keys, throttling, quotas, caching, authorizers, …, and the
        /// WebSocket API websocket-chat).
        #[arg(long, value_name = "NAME")]
        scenario: Option<String>,
        /// The stage to serve (default: the definition's first).
        #[arg(long)]
        stage: Option<String>,
        /// Port; 0 picks a free one and prints it.
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Loopback address to bind: 127.0.0.1 (default) or ::1.
        #[arg(long, default_value = "127.0.0.1")]
        host: std::net::IpAddr,
        /// Under each access-log line, print the request's phase-by-phase trace: what each
        /// phase (route, API key, throttle, cache, integration, …) decided and why.
        #[arg(long)]
        trace: bool,
        /// No access-log line per request (refusals are still reported on stderr).
        #[arg(long, conflicts_with = "trace")]
        quiet: bool,
    },
    /// Validate an API definition; every problem is reported with its JSON path.
    Check {
        /// An API definition (JSON), e.g. one of assets/apis/*.json.
        file: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatsFormat {
    Text,
    Json,
    Markdown,
}
