//! `gatewise gateway …`: checking API definitions and serving the mini gateway.
use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

pub fn check(file: &std::path::Path) -> Result<ExitCode> {
    let text = crate::fsutil::read_capped(file, crate::fsutil::MAX_API_DEFINITION, "an API definition")
        .map_err(anyhow::Error::msg)?;
    let checked = match parse(&text) {
        Ok(Def::Rest(def)) => Ok((
            def.name,
            if def.api_type == crate::gateway::ApiType::Rest { "REST" } else { "HTTP" },
            def.routes.len(),
            def.stages.len(),
        )),
        Ok(Def::Ws(def)) => Ok((def.name, "WEBSOCKET", def.routes.len(), def.stages.len())),
        Err(problems) => Err(problems),
    };
    match checked {
        Ok((name, kind, routes, stages)) => {
            crate::say!(
                "ok: {name} ({kind} API) with {} and {} in {}",
                crate::text::plural(routes, "route"),
                crate::text::plural(stages, "stage"),
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

/// A checked definition of either kind: REST/HTTP, or WebSocket (its own format and engine).
enum Def {
    Rest(crate::gateway::ApiDefinition),
    Ws(crate::gateway::core::ws::WsApiDefinition),
}

/// Checks `text` with the checker its `type` calls for.
fn parse(text: &str) -> Result<Def, Vec<crate::gateway::DefinitionProblem>> {
    if crate::gateway::core::ws::is_websocket(text) {
        crate::gateway::core::ws::check_ws_definition(text).map(Def::Ws)
    } else {
        crate::gateway::check_definition(text).map(Def::Rest)
    }
}

/// The definition and stage to serve: a file, a lab scenario, or the throttling scenario.
fn definition(api: Option<&std::path::Path>, scenario: Option<&str>) -> Result<(Def, String)> {
    if let Some(file) = api {
        let text = crate::fsutil::read_capped(file, crate::fsutil::MAX_API_DEFINITION, "an API definition")
            .map_err(anyhow::Error::msg)?;
        let def = parse(&text).map_err(|problems| {
            let list: Vec<String> = problems.iter().map(|p| format!("{}: {p}", file.display())).collect();
            anyhow::anyhow!(
                "{}; nothing runs on an invalid definition:\n{}",
                crate::text::plural(problems.len(), "problem"),
                list.join("\n")
            )
        })?;
        let stage = match &def {
            Def::Rest(d) => d.stages.first().map(|s| s.name.clone()),
            Def::Ws(d) => d.stages.first().map(|s| s.name.clone()),
        };
        return Ok((def, stage.unwrap_or_default()));
    }
    let name = scenario.unwrap_or("throttling");
    if let Some(s) = crate::lab::catalog::find(name) {
        let (def, stage) = crate::lab::definition_for(s, 0)?;
        return Ok((Def::Rest(def), stage.to_string()));
    }
    if let Some(s) = crate::lab::ws_catalog::find(name) {
        return Ok((Def::Ws(crate::lab::ws::ws_definition_for(s)?), s.stage.to_string()));
    }
    let rest = crate::lab::catalog::SCENARIOS.iter().map(|s| s.id);
    let known: Vec<&str> = rest.chain(crate::lab::ws_catalog::WS_SCENARIOS.iter().map(|s| s.id)).collect();
    anyhow::bail!("no lab scenario {name:?}; scenarios: {}", known.join(", "))
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
    let options = ServeOptions { addr: host, port, log, ..ServeOptions::default() };
    let on_ready = |ready: &server::Ready| {
        let _ = crate::say!("{}", ready.banner);
        let _ = std::io::stdout().flush();
    };
    match def {
        Def::Rest(def) => server::serve_blocking(crate::gateway::Gateway::new(def, &stage)?, options, None, on_ready)?,
        Def::Ws(def) => {
            let gateway = crate::gateway::core::ws::WsGateway::new(def, &stage)?;
            server::ws::serve_ws_blocking(gateway, options, on_ready)?;
        }
    }
    crate::say!("stopped")?;
    Ok(ExitCode::SUCCESS)
}
