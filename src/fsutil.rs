//! Writing files so a crash never leaves half of one: write a temp file beside the target, sync,
//! rename. The temp file is created exclusively under an unpredictable name (the `tempfile`
//! crate), so a symlink planted where it would go cannot redirect the write.
use std::io::Write;
use std::path::Path;

pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".gatewise-").suffix(".tmp").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    // On error the temp file is removed when dropped.
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planted_symlinks_are_not_followed_and_nothing_is_left_behind() {
        let dir = tempfile::tempdir().expect("dir");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep me").expect("victim");
        // The old name scheme was predictable: plant links for it, for the next process ids.
        let pid = std::process::id();
        for p in pid..pid + 50 {
            let _ = std::os::unix::fs::symlink(&victim, dir.path().join(format!(".out.json.tmp-{p}")));
        }
        let target = dir.path().join("out.json");
        write_atomic(&target, b"{}").expect("write");
        assert_eq!(std::fs::read_to_string(&victim).expect("read"), "keep me");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "{}");
        let leftovers = std::fs::read_dir(dir.path())
            .expect("ls")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(".gatewise-"))
            .count();
        assert_eq!(leftovers, 0);
    }
}
