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

    /// Read the bank from a directory (with questions/ and content/) instead of the bundled one.
    #[arg(long, global = true, value_name = "DIR")]
    pub content: Option<PathBuf>,

    /// Colour theme for the terminal app (also a stored setting). NO_COLOR is respected.
    #[arg(long, global = true, value_enum)]
    pub theme: Option<ThemeArg>,

    #[command(subcommand)]
    pub command: Option<Command>,
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
