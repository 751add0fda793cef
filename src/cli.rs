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

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check and describe a question bank.
    #[command(subcommand)]
    Bank(BankCommand),
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
