//! The `gatewise` binary: parse arguments, run, map errors to an exit code.
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // clap would call an empty variable a missing --db value; say what is really wrong.
    if std::env::var_os("GATEWISE_DB").is_some_and(|v| v.is_empty()) {
        eprintln!("gatewise: GATEWISE_DB is set but empty; unset it, or set it to the database file to use");
        return ExitCode::from(2);
    }
    let cli = gatewise::cli::Cli::parse();
    match gatewise::run(cli) {
        Ok(code) => code,
        // A closed pipe (`gatewise progress export | head -c 1`) ends quietly, as cat and
        // ripgrep do.
        Err(e) if gatewise::term::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) if let Some(sig) = gatewise::term::Interrupted::of(&e) => ExitCode::from(sig.exit_code()),
        Err(e) => {
            eprintln!("gatewise: {}", gatewise::term::clean(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}
