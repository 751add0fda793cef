//! Standard input for plain mode, read on its own thread so the session can act while the
//! learner is idle: a tick every two seconds (the exam clock is stored on it) and SIGINT,
//! SIGTERM and SIGHUP turned into a clean stop after saving.
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use crate::plain::{LineSource, Waited, read_capped_line};

/// How often an idle exam stores its clock: at most this much is lost to SIGKILL.
pub(crate) const TICK: Duration = Duration::from_secs(2);
const POLL: Duration = Duration::from_millis(200);

pub struct StdinLines {
    lines: Receiver<Option<String>>,
    signal: Arc<AtomicUsize>,
    last_tick: Instant,
}

impl StdinLines {
    pub fn start() -> std::io::Result<StdinLines> {
        let signal = Arc::new(AtomicUsize::new(0));
        for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
            signal_hook::flag::register_usize(sig, Arc::clone(&signal), usize::try_from(sig).unwrap_or(1))?;
        }
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            let stdin = std::io::stdin();
            let mut input = stdin.lock();
            loop {
                // A read error (a closed terminal) ends the input like end of file.
                let line = read_capped_line(&mut input).unwrap_or(None);
                let end = line.is_none();
                if tx.send(line).is_err() || end {
                    break;
                }
            }
        });
        Ok(StdinLines { lines, signal, last_tick: Instant::now() })
    }
}

impl LineSource for StdinLines {
    fn next_line(&mut self) -> std::io::Result<Waited> {
        loop {
            let sig = self.signal.load(Ordering::Relaxed);
            if sig != 0 {
                return Ok(Waited::Signal(i32::try_from(sig).unwrap_or(15)));
            }
            match self.lines.recv_timeout(POLL) {
                Ok(Some(line)) => return Ok(Waited::Line(line)),
                Ok(None) | Err(RecvTimeoutError::Disconnected) => return Ok(Waited::End),
                Err(RecvTimeoutError::Timeout) if self.last_tick.elapsed() >= TICK => {
                    self.last_tick = Instant::now();
                    return Ok(Waited::Tick);
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
        }
    }
}
