//! The `gatewise` binary: parse arguments, run, map errors to an exit code.
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = gatewise::cli::Cli::parse();
    match gatewise::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("gatewise: {e:#}");
            ExitCode::FAILURE
        }
    }
}
