//! Every bundled API definition passes `check` and builds a gateway for each of its stages,
//! and the format README mentions each file.

use gatewise::gateway::core::ws::{WsGateway, check_ws_definition, is_websocket};
use gatewise::gateway::{Gateway, check_definition};

#[test]
fn every_bundled_api_checks_and_builds() {
    let dir = format!("{}/assets/apis", env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(format!("{dir}/README.md")).expect("assets/apis/README.md");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("assets/apis") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let text = std::fs::read_to_string(&path).expect("readable");
        if is_websocket(&text) {
            let def = check_ws_definition(&text).unwrap_or_else(|p| panic!("{name} has problems: {p:?}"));
            assert!(!def.description.is_empty(), "{name}: say what the lab shows in `description`");
            for stage in &def.stages {
                WsGateway::new(def.clone(), &stage.name).unwrap_or_else(|e| panic!("{name} stage {}: {e}", stage.name));
            }
            assert!(readme.contains(&name), "assets/apis/README.md should describe {name}");
            n += 1;
            continue;
        }
        let def = match check_definition(&text) {
            Ok(d) => d,
            Err(problems) => {
                let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
                panic!("{name} has problems:\n{}", list.join("\n"));
            }
        };
        assert!(!def.description.is_empty(), "{name}: say what the lab shows in `description`");
        for stage in &def.stages {
            Gateway::new(def.clone(), &stage.name).unwrap_or_else(|e| panic!("{name} stage {}: {e}", stage.name));
        }
        assert!(readme.contains(&name), "assets/apis/README.md should describe {name}");
        n += 1;
    }
    assert!(n >= 12, "expected the lab scenarios, found {n} files");
}
