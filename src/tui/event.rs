//! The terminal loop: one channel carries key, mouse, resize, tick and signal events; the
//! terminal is restored on quit, on panic and on SIGINT/SIGTERM/SIGHUP.
use std::io::stdout;
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use anyhow::Result;
use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind};
use crossterm::execute;
use ratatui::layout::Rect;

use super::app::{App, Ctx, Env};
use super::theme::Theme;
use super::ui;
use crate::bank::Bank;
use crate::clock;
use crate::store::Db;
use crate::study::exam::ExamSpec;

/// Everything that can wake the loop.
pub enum AppEvent {
    Term(Event),
    Tick,
    Signal(i32),
    /// A request served (or refused) by the Lab's live loopback server.
    Server(crate::gateway::server::ServerEvent),
    /// An event of the WebSocket Lab's live server.
    WsServer(Box<crate::gateway::core::ws::WsOutcome>),
}

fn restore() {
    let _ = execute!(stdout(), DisableMouseCapture);
    ratatui::restore();
}

/// What the app opens on.
pub enum Launch {
    Home,
    /// A new exam; without a seed, one is taken from the clock (and stored).
    Exam {
        spec: ExamSpec,
        seed: Option<u64>,
    },
    ResumeExam,
    /// A practice session: the filter is built when the app starts (due and weak need the store).
    Practice {
        topics: Vec<String>,
        due: bool,
        weak: bool,
        level: crate::bank::LevelChoice,
        cram: bool,
    },
}

/// What the app runs on and opens with.
pub struct RunOptions {
    pub bank: Bank,
    /// The name progress is kept under ("builtin" for the bundled bank).
    pub bank_name: String,
    pub db: Db,
    pub theme: Theme,
    pub launch: Launch,
    /// Where user banks live, so `b` on Home lists them however the app was launched.
    pub banks_dir: PathBuf,
}

/// Runs the app until the learner quits.
pub fn run(opts: RunOptions) -> Result<()> {
    let RunOptions { bank, bank_name, db, theme, launch, banks_dir } = opts;
    let (tx, rx) = mpsc::channel::<AppEvent>();

    // Signals first, so a SIGTERM during start-up still restores the terminal.
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ])?;
    let sig_tx = tx.clone();
    thread::spawn(move || {
        for sig in signals.forever() {
            if sig_tx.send(AppEvent::Signal(sig)).is_err() {
                break;
            }
        }
    });

    // ratatui::init enters raw mode and the alternate screen, and installs a panic hook that
    // restores them; chain one that also turns mouse reporting off.
    // Without a terminal (cron, ssh without -t) this is an error, not a panic.
    let mut terminal = ratatui::try_init().map_err(|e| {
        anyhow::anyhow!("cannot open the terminal ({e}); use --plain for line-by-line practice and exams")
    })?;
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(stdout(), DisableMouseCapture);
        hook(info);
    }));
    let _ = execute!(stdout(), EnableMouseCapture);

    let result = (|| -> Result<()> {
        let size = terminal.size()?;
        let now = clock::now_ms();
        let live_tx = tx.clone();
        let ws_tx = tx.clone();
        let env = Env {
            banks_dir,
            size: Rect::new(0, 0, size.width, size.height),
            live_observer: Some(std::sync::Arc::new(move |e| {
                let _ = live_tx.send(AppEvent::Server(e));
            })),
            live_ws_observer: Some(std::sync::Arc::new(move |o| {
                let _ = ws_tx.send(AppEvent::WsServer(Box::new(o.clone())));
            })),
        };
        let mut app = App::new(Ctx::new(bank, &bank_name, db, theme, now, now as u64, env));
        app.launch(launch);

        let in_tx = tx.clone();
        thread::spawn(move || {
            // Ticks come every 250 ms even while keys or mouse moves keep arriving, so timers
            // (exam time-up, warnings, saving the clock) never starve.
            let mut last_tick = std::time::Instant::now();
            loop {
                let event = match event::poll(Duration::from_millis(250)) {
                    Ok(true) => match event::read() {
                        Ok(e) => Some(e),
                        Err(_) => break,
                    },
                    Ok(false) => None,
                    Err(_) => break,
                };
                if let Some(e) = event
                    && in_tx.send(AppEvent::Term(e)).is_err()
                {
                    break;
                }
                if last_tick.elapsed() >= Duration::from_millis(250) {
                    last_tick = std::time::Instant::now();
                    if in_tx.send(AppEvent::Tick).is_err() {
                        break;
                    }
                }
            }
        });

        terminal.draw(|f| ui::render(f, &app))?;
        let mut signalled = None;
        while let Ok(ev) = rx.recv() {
            app.ctx.now = clock::now_ms();
            match ev {
                AppEvent::Term(Event::Key(k)) if k.kind == KeyEventKind::Press => app.on_key(k),
                AppEvent::Term(Event::Mouse(m)) => app.on_mouse(m),
                AppEvent::Term(Event::Resize(w, h)) => app.on_resize(w, h),
                AppEvent::Tick => app.on_tick(),
                AppEvent::Term(_) => {}
                AppEvent::Signal(sig) => {
                    app.quit = true;
                    signalled = Some(sig);
                }
                AppEvent::Server(e) => app.on_server(e),
                AppEvent::WsServer(o) => app.on_ws_server(*o),
            }
            if app.quit {
                break;
            }
            terminal.draw(|f| ui::render(f, &app))?;
        }
        app.ctx.now = clock::now_ms();
        app.on_exit();
        // Everything is saved (the exam clock among it); a signal still ends with 128 + its
        // number, as shells expect.
        match signalled {
            Some(sig) => Err(crate::term::Interrupted(sig).into()),
            None => Ok(()),
        }
    })();
    restore();
    result
}
