//! Writing files so a crash never leaves half of one: write a temp file beside the target, sync,
//! rename. The temp file is created exclusively under an unpredictable name (the `tempfile`
//! crate), so a symlink planted where it would go cannot redirect the write.
use std::io::Write;
use std::path::Path;

/// Size caps on what gatewise reads whole (documented in the README).
pub(crate) const MAX_PROGRESS_IMPORT: u64 = 256 * 1024 * 1024;
pub(crate) const MAX_API_DEFINITION: u64 = 4 * 1024 * 1024;

/// Reads a text file whole, refusing one over `cap` bytes (checked while reading, so `/dev/zero`
/// or a growing file is stopped too) and naming the line and byte of invalid UTF-8.
pub(crate) fn read_capped(path: &Path, cap: u64, what: &str) -> Result<String, String> {
    use std::io::Read;
    let shown = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let mut bytes = Vec::new();
    file.take(cap + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if bytes.len() as u64 > cap {
        return Err(format!("{shown} is larger than {} MiB, the limit for {what}", cap / (1024 * 1024)));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        format!("{shown} is not UTF-8 text: line {line}, byte offset {at} (save it as UTF-8)")
    })
}

pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
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
    fn capped_reads_stop_at_the_cap_and_name_bad_utf8() {
        let err = read_capped(Path::new("/dev/zero"), 1024, "a test").expect_err("capped");
        assert!(err.contains("larger than 0 MiB") || err.contains("larger than"), "{err}");
        let dir = tempfile::tempdir().expect("dir");
        let f = dir.path().join("x.txt");
        std::fs::write(&f, b"ok\nline two \xff here").expect("write");
        let err = read_capped(&f, 1024, "a test").expect_err("not utf-8");
        assert!(err.contains("line 2, byte offset 12"), "{err}");
    }

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
