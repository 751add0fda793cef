//! TUI benchmark: time to the first frame (load the bank, open the database, build the app,
//! draw Home) and drawing a frame of the longest note at 200x60. Run: `cargo bench --bench tui`.
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gatewise::bank::{Bank, ContentSource};
use gatewise::store::Db;
use gatewise::tui::app::{App, Ctx, Env};
use gatewise::tui::theme::{Theme, ThemeName};
use gatewise::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

fn stats(mut v: Vec<Duration>) -> String {
    v.sort();
    format!(
        "median {:.3} ms, p95 {:.3} ms",
        v[v.len() / 2].as_secs_f64() * 1e3,
        v[v.len() * 95 / 100].as_secs_f64() * 1e3
    )
}

fn env(w: u16, h: u16) -> Env {
    Env { banks_dir: "banks".into(), size: Rect::new(0, 0, w, h), live_observer: None, live_ws_observer: None }
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db_path = dir.path().join("bench.db");
    let mut first = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let bank = Bank::load(&ContentSource::Embedded).expect("bank");
        let db = Db::open(&db_path).expect("db");
        let app = App::new(Ctx::new(bank, "builtin", db, Theme::new(ThemeName::Dark, false), 0, 1, env(120, 40)));
        let mut term = Terminal::new(TestBackend::new(120, 40)).expect("term");
        term.draw(|f| ui::render(f, &app)).expect("draw");
        first.push(t.elapsed());
    }
    println!("first frame (load bank + open db + draw Home, 120x40): {}", stats(first));

    let bank = Bank::load(&ContentSource::Embedded).expect("bank");
    let longest = bank.notes.iter().max_by_key(|n| n.body.len()).expect("notes").clone();
    let index = bank.notes.iter().position(|n| n.id == longest.id).expect("index");
    let db = Db::open_in_memory().expect("db");
    let mut app = App::new(Ctx::new(bank, "builtin", db, Theme::new(ThemeName::Dark, false), 0, 1, env(200, 60)));
    let key = |app: &mut App, c| app.on_key(KeyEvent::new(c, KeyModifiers::NONE));
    key(&mut app, KeyCode::Char('1'));
    for _ in 0..index {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    let mut term = Terminal::new(TestBackend::new(200, 60)).expect("term");
    let mut frames = Vec::new();
    for i in 0..500 {
        // Scroll a little each frame so the frame differs.
        key(&mut app, if i % 20 < 10 { KeyCode::Down } else { KeyCode::Up });
        let t = Instant::now();
        term.draw(|f| ui::render(f, &app)).expect("draw");
        frames.push(t.elapsed());
    }
    println!("frame of the longest note ({}, {} bytes) at 200x60: {}", longest.id, longest.body.len(), stats(frames));
}
