//! `gatewise gateway …`: checking API definitions and serving the mini gateway.
use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};

pub fn check(file: &std::path::Path) -> Result<ExitCode> {
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
