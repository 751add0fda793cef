//! `gatewise gateway …`: checking API definitions and serving the mini gateway.
use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

pub fn check(file: &std::path::Path) -> Result<ExitCode> {
    let text = crate::fsutil::read_capped(file, crate::fsutil::MAX_API_DEFINITION, "an API definition")
        .map_err(anyhow::Error::msg)?;
    match crate::gateway::check_definition(&text) {
        Ok(def) => {
            crate::say!(
                "ok: {} ({} API) with {} and {} in {}",
                def.name,
                match def.api_type {
                    crate::gateway::ApiType::Rest => "REST",
                    crate::gateway::ApiType::Http => "HTTP",
                },
                crate::text::plural(def.routes.len(), "route"),
                crate::text::plural(def.stages.len(), "stage"),
                file.display()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            let mut err = std::io::stderr().lock();
            for p in &problems {
                writeln!(err, "{}: {p}", file.display())?;
            }
            writeln!(
                err,
                "{} in {}; nothing runs on an invalid definition",
                crate::text::plural(problems.len(), "problem"),
                file.display()
            )?;
            Ok(ExitCode::FAILURE)
        }
    }
}

/// The definition and stage to serve: a file, a lab scenario, or the throttling scenario.
fn definition(
    api: Option<&std::path::Path>,
    scenario: Option<&str>,
) -> Result<(crate::gateway::ApiDefinition, String)> {
    if let Some(file) = api {
        let text = crate::fsutil::read_capped(file, crate::fsutil::MAX_API_DEFINITION, "an API definition")
            .map_err(anyhow::Error::msg)?;
        let def = crate::gateway::check_definition(&text).map_err(|problems| {
            let list: Vec<String> = problems.iter().map(|p| format!("{}: {p}", file.display())).collect();
            anyhow::anyhow!(
                "{}; nothing runs on an invalid definition:\n{}",
                crate::text::plural(problems.len(), "problem"),
                list.join("\n")
            )
        })?;
        let stage = def.stages.first().map(|s| s.name.clone()).unwrap_or_default();
        return Ok((def, stage));
    }
    let name = scenario.unwrap_or("throttling");
    let Some(s) = crate::lab::catalog::find(name) else {
        let known: Vec<&str> = crate::lab::catalog::SCENARIOS.iter().map(|s| s.id).collect();
        anyhow::bail!("no lab scenario {name:?}; scenarios: {}", known.join(", "));
    };
    let (def, stage) = crate::lab::definition_for(s, 0)?;
    Ok((def, stage.to_string()))
}

pub fn serve(
    api: Option<&std::path::Path>,
    scenario: Option<&str>,
    stage: Option<&str>,
    port: u16,
    host: std::net::IpAddr,
    log: crate::gateway::server::StdoutLog,
) -> Result<ExitCode> {
    use crate::gateway::server::{self, ServeOptions};
    // Refuse a non-loopback address before reading anything else.
    server::check_loopback(host)?;
    let (def, first_stage) = definition(api, scenario)?;
    let stage = stage.map_or(first_stage, str::to_string);
    let gateway = crate::gateway::Gateway::new(def, &stage)?;
    let options = ServeOptions { addr: host, port, log, ..ServeOptions::default() };
    server::serve_blocking(gateway, options, None, |ready| {
        let _ = crate::say!("{}", ready.banner);
        let _ = std::io::stdout().flush();
    })?;
    crate::say!("stopped")?;
    Ok(ExitCode::SUCCESS)
}
