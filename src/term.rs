//! Text bound for a terminal from the CLI and plain mode. Bank files and user input can carry
//! escape sequences (window-title and clipboard writes among them); none reaches the terminal:
//! every control character except newline and tab is dropped on the way out.
use std::borrow::Cow;
use std::io::{self, Write};

fn unsafe_char(c: char) -> bool {
    // `is_control` covers C0, DEL and the C1 range (U+0080–U+009F).
    c.is_control() && c != '\n' && c != '\t'
}

/// The text without control characters other than newline and tab.
pub fn clean(text: &str) -> Cow<'_, str> {
    if text.chars().any(unsafe_char) {
        Cow::Owned(text.chars().filter(|&c| !unsafe_char(c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// The first control character a text holds (other than newline and tab), for validators.
pub(crate) fn first_control(text: &str) -> Option<char> {
    text.chars().find(|&c| unsafe_char(c))
}

/// A writer that cleans what passes through it. `write!` hands it whole `str` pieces; bytes
/// that are not UTF-8 lose their C0 controls and DEL.
pub struct Clean<W: Write>(pub W);

impl<W: Write> Write for Clean<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match std::str::from_utf8(buf) {
            Ok(s) => self.0.write_all(clean(s).as_bytes())?,
            Err(_) => {
                let kept: Vec<u8> =
                    buf.iter().copied().filter(|&b| b >= 0x20 && b != 0x7f || b == b'\n' || b == b'\t').collect();
                self.0.write_all(&kept)?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Standard output, cleaned.
pub fn stdout() -> Clean<io::StdoutLock<'static>> {
    Clean(io::stdout().lock())
}

/// `println!` through [`stdout`], returning the write's error (a closed pipe is an error the
/// caller ends quietly on, not a panic).
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!($crate::term::stdout(), $($arg)*)
    }};
}

/// The process was asked to stop by a signal (SIGINT, SIGTERM, SIGHUP) after saving what it had:
/// the exit status is 128 + the signal's number, as shells expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("stopped by signal {0}")]
pub struct Interrupted(pub i32);

impl Interrupted {
    pub fn of(e: &anyhow::Error) -> Option<Interrupted> {
        e.chain().find_map(|c| c.downcast_ref::<Interrupted>().copied())
    }

    pub fn exit_code(self) -> u8 {
        u8::try_from(128 + self.0).unwrap_or(1)
    }
}

/// Whether an error chain ends in a closed pipe (`gatewise … | head`).
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_removed_and_layout_kept() {
        let hostile = "a\u{1b}]0;PWNED\u{7}b\u{9b}c\u{7f}d\r\n\te\u{1b}]52;c;AAAA\u{7}";
        assert_eq!(clean(hostile), "a]0;PWNEDbcd\n\te]52;c;AAAA");
        let mut out = Clean(Vec::new());
        write!(out, "{hostile}").expect("write");
        assert!(out.0.iter().all(|&b| b >= 0x20 || b == b'\n' || b == b'\t'));
        assert!(!String::from_utf8(out.0).expect("utf8").contains('\u{9b}'));
        assert_eq!(clean("plain text"), Cow::Borrowed("plain text"));
    }
}
