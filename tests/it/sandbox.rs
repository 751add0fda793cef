//! The binary under test, always run with a home of its own: HOME and XDG_DATA_HOME point into a
//! temp dir and GATEWISE_DB is removed, so no test reads or writes the real user's data.
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};

/// The gatewise binary Cargo built for these tests.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_gatewise")
}

/// A fake home directory for the binary; removed when dropped.
pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("tempdir for a fake HOME");
        std::fs::create_dir(dir.path().join("home")).expect("mkdir home");
        Sandbox { dir }
    }

    /// The fake `HOME` (it exists, empty at first).
    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// The fake `XDG_DATA_HOME`, `HOME/.local/share` as on Linux (not created).
    pub fn data_home(&self) -> PathBuf {
        self.home().join(".local/share")
    }

    /// The environment every run of the binary gets: (name, value), value `None` to remove it.
    fn env(&self) -> [(&'static str, Option<PathBuf>); 3] {
        [("HOME", Some(self.home())), ("XDG_DATA_HOME", Some(self.data_home())), ("GATEWISE_DB", None)]
    }

    /// The one place a command for the binary is built: the fake HOME and XDG_DATA_HOME, no
    /// GATEWISE_DB.
    pub fn command(&self) -> std::process::Command {
        let mut c = std::process::Command::new(bin());
        for (name, value) in self.env() {
            match value {
                Some(v) => c.env(name, v),
                None => c.env_remove(name),
            };
        }
        c
    }

    /// `command()` for assert_cmd.
    pub fn assert_cmd(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.command())
    }

    /// A shell prefix setting the same environment, for command lines run through a shell (tmux).
    pub fn shell_prefix(&self) -> String {
        let mut s = String::new();
        for (name, value) in self.env() {
            match value {
                Some(v) => s.push_str(&format!("export {name}={}; ", shell_quote(&v))),
                None => s.push_str(&format!("unset {name}; ")),
            }
        }
        s
    }
}

impl Default for Sandbox {
    fn default() -> Sandbox {
        Sandbox::new()
    }
}

fn shell_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

/// An assert_cmd `Command` for the binary that owns its sandbox, so one-liners
/// (`gatewise().args([…]).assert()`) stay isolated.
pub struct Gatewise {
    cmd: assert_cmd::Command,
    /// Kept so the fake HOME lives as long as the command.
    _sandbox: Sandbox,
}

impl Deref for Gatewise {
    type Target = assert_cmd::Command;
    fn deref(&self) -> &assert_cmd::Command {
        &self.cmd
    }
}

impl DerefMut for Gatewise {
    fn deref_mut(&mut self) -> &mut assert_cmd::Command {
        &mut self.cmd
    }
}

/// The binary in a fresh sandbox of its own.
pub fn gatewise() -> Gatewise {
    let sandbox = Sandbox::new();
    Gatewise { cmd: sandbox.assert_cmd(), _sandbox: sandbox }
}
