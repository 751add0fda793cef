//! Embeds the bundled bank (questions/, content/) into the binary as a generated file table.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "md")) {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["questions", "content"] {
        // A directory watch catches added and removed files; include_str! tracks edits.
        println!("cargo:rerun-if-changed={dir}");
        collect(&root.join(dir), &mut files);
    }
    files.sort();
    let mut table = String::from("pub static EMBEDDED: &[(&str, &str)] = &[\n");
    for path in files {
        let rel =
            path.strip_prefix(&root).expect("collected under the manifest dir").to_string_lossy().replace('\\', "/");
        let _ = writeln!(table, "    ({rel:?}, include_str!({:?})),", path.display().to_string());
    }
    table.push_str("];\n");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    fs::write(out, table).expect("write embedded.rs");
}
