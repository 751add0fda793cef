//! Runs the cargo-fuzz seed corpus (and any crash inputs added to it) through the same entry
//! points as the fuzz targets, so `cargo test` guards them without nightly.

use gatewise::gateway::core::fuzzing;

fn run(target: &str, f: fn(&[u8])) -> usize {
    let dir = format!("{}/fuzz/corpus/{target}", env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir}: {e}")) {
        let path = entry.expect("entry").path();
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        f(&data);
        n += 1;
    }
    n
}

#[test]
fn router_corpus_never_panics() {
    assert!(run("router", fuzzing::router) >= 5);
}

#[test]
fn template_corpus_never_panics() {
    assert!(run("template", fuzzing::template) >= 10);
}
