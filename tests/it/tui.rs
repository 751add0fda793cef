//! Screens through the app model: keys → actions → state, snapshots on TestBackend, and a
//! property test that any terminal size renders without a panic.
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gatewise::bank::{Bank, ContentSource};
use gatewise::store::Db;
use gatewise::study::exam::ExamSpec;
use gatewise::tui::Launch;
use gatewise::tui::app::{App, Ctx, Env, Screen};
use gatewise::tui::screens::home::Figures;
use gatewise::tui::theme::{Theme, ThemeName};
use gatewise::tui::ui;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

const NOW: i64 = 1_795_625_162_000; // 2026-11-25T16:46:02Z

pub(crate) fn app(w: u16, h: u16) -> App {
    app_with_banks(w, h, "tests/fixtures/no-banks-here")
}

/// The app with user banks in `banks_dir` (relative to the package, so snapshots name it alike
/// everywhere).
pub(crate) fn app_with_banks(w: u16, h: u16, banks_dir: &str) -> App {
    let bank = Bank::load(&ContentSource::Embedded).expect("bank");
    let db = Db::open_in_memory().expect("db");
    let env =
        Env { banks_dir: banks_dir.into(), size: Rect::new(0, 0, w, h), live_observer: None, live_ws_observer: None };
    App::new(Ctx::new(bank, "builtin", db, Theme::new(ThemeName::Dark, false), NOW, 7, env))
}

/// Home's figures (Home is always the bottom of the stack).
pub(crate) fn home_figures(a: &App) -> &Figures {
    match a.screens.first() {
        Some(Screen::Home(h)) => &h.figures,
        _ => panic!("Home is not at the bottom of the stack"),
    }
}

pub(crate) fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

pub(crate) fn keys(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

pub(crate) fn draw(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| ui::render(f, app)).expect("draw");
    t.backend().to_string()
}

/// Goes to each screen the way a learner would, returning the app there.
pub(crate) fn at(screen: &str, w: u16, h: u16) -> App {
    let mut a = app(w, h);
    match screen {
        "home" => {}
        "study" => keys(&mut a, "1"),
        "faq" => {
            keys(&mut a, "1");
            key(&mut a, KeyCode::Tab);
            key(&mut a, KeyCode::Down);
            key(&mut a, KeyCode::Enter);
        }
        "note" => {
            keys(&mut a, "1");
            key(&mut a, KeyCode::Down);
            key(&mut a, KeyCode::Enter);
        }
        "setup" => keys(&mut a, "2"),
        "question" => {
            keys(&mut a, "2");
            key(&mut a, KeyCode::Enter);
            keys(&mut a, "b");
        }
        "feedback" => {
            keys(&mut a, "2");
            key(&mut a, KeyCode::Enter);
            answer_current(&mut a);
        }
        "summary" => {
            keys(&mut a, "2");
            key(&mut a, KeyCode::Enter);
            answer_current(&mut a);
            key(&mut a, KeyCode::Esc);
        }
        "exam_start" => keys(&mut a, "3"),
        "exam" => {
            a.launch(Launch::Exam { spec: ExamSpec::quick(), seed: Some(5) });
            keys(&mut a, "am");
        }
        "exam_review" => {
            a.launch(Launch::Exam { spec: ExamSpec::quick(), seed: Some(5) });
            keys(&mut a, "amnbr");
        }
        "exam_confirm" => {
            a.launch(Launch::Exam { spec: ExamSpec::quick(), seed: Some(5) });
            keys(&mut a, "as");
        }
        "results" => {
            a.launch(Launch::Exam { spec: ExamSpec::custom(4, 6, Vec::new()), seed: Some(5) });
            keys(&mut a, "amnb");
            keys(&mut a, "s");
            key(&mut a, KeyCode::Enter);
        }
        "review_overview" | "review_progress" | "review_mastery" | "review_missed" | "review_misconceptions" => {
            seed_history(&mut a);
            keys(&mut a, "4");
            let page =
                ["review_overview", "review_progress", "review_mastery", "review_missed", "review_misconceptions"]
                    .iter()
                    .position(|p| *p == screen)
                    .expect("page");
            for _ in 0..page {
                key(&mut a, KeyCode::Tab);
            }
        }
        "feedback_misconception" => {
            seed_history(&mut a);
            keys(&mut a, "4");
            for _ in 0..4 {
                key(&mut a, KeyCode::Tab);
            }
            // d drills the top belief; answer with a distractor that shows it.
            keys(&mut a, "d");
            pick_tagged_distractor(&mut a);
        }
        "lab_list" => keys(&mut a, "5"),
        "lab" | "lab_buckets" => {
            keys(&mut a, "5");
            key(&mut a, KeyCode::Down);
            key(&mut a, KeyCode::Enter);
            keys(&mut a, "fh");
            if screen == "lab_buckets" {
                key(&mut a, KeyCode::Tab);
            }
        }
        "help" => {
            keys(&mut a, "1");
            key(&mut a, KeyCode::Down);
            key(&mut a, KeyCode::Enter);
            keys(&mut a, "?");
        }
        other => panic!("unknown screen {other}"),
    }
    a
}

/// Picks options a, b, c… until the answer is accepted (works for any `choose`).
pub(crate) fn answer_current(a: &mut App) {
    for c in ['a', 'b', 'c', 'd'] {
        keys(a, &c.to_string());
        key(a, KeyCode::Enter);
        if matches!(a.screen(), Screen::Practice(p) if p.session.feedback().is_some()) {
            return;
        }
    }
    panic!("no answer was accepted");
}

/// Chooses the current question's first distractor that names a misconception, and submits.
pub(crate) fn pick_tagged_distractor(a: &mut App) {
    let Screen::Practice(p) = a.screen() else { panic!("not practising") };
    let presented = p.session.presented().cloned().expect("a question");
    let q = a.ctx.bank.question(&presented.id).expect("q").clone();
    let tagged = |i: usize| !q.options[i].correct && q.options[i].misconception.is_some();
    let pos = presented.order.iter().position(|&i| tagged(i)).expect("the drill's question tests the belief");
    let wrong: Vec<usize> =
        presented.order.iter().enumerate().filter(|(_, i)| !q.options[**i].correct).map(|(p, _)| p).collect();
    let mut picks = vec![pos];
    picks.extend(wrong.into_iter().filter(|p| *p != pos).take(q.answer_count() - 1));
    for p in picks {
        keys(a, &char::from(b'a' + p as u8).to_string());
    }
    key(a, KeyCode::Enter);
    assert!(matches!(a.screen(), Screen::Practice(p) if p.session.feedback().is_some()), "answer accepted");
}

/// Three weeks of answers: the first twelve questions, right on even days and wrong on odd.
pub(crate) fn seed_history(a: &mut App) {
    use gatewise::progress::{Answer, record};
    use gatewise::store::Mode;
    use gatewise::study::scheduler::{Fsrs, SrsSettings};
    let ids: Vec<String> = a.ctx.bank.questions().iter().take(12).map(|q| q.id.clone()).collect();
    for day in 0..21i64 {
        for (i, id) in ids.iter().enumerate() {
            if (i as i64 + day) % 3 != 0 {
                continue;
            }
            let q = a.ctx.bank.question(id).expect("q").clone();
            let right = day % 2 == 0 || i % 4 == 0;
            let chosen: Vec<usize> = if right {
                q.correct_indices()
            } else {
                (0..q.options.len()).filter(|o| !q.options[*o].correct).take(q.answer_count()).collect()
            };
            let at = NOW - (21 - day) * 86_400_000;
            let ans = Answer {
                question: &q,
                chosen: &chosen,
                confidence: Some((i % 3) as u8 + 1),
                seconds: 15.0,
                mode: Mode::Practice,
                session_id: None,
            };
            record(&mut a.ctx.db, "builtin", &Fsrs::default(), SrsSettings::default(), &ans, at).expect("record");
        }
    }
    a.reveal();
}

const SCREENS: [&str; 23] = [
    "review_misconceptions",
    "feedback_misconception",
    "lab_list",
    "lab",
    "lab_buckets",
    "review_overview",
    "review_progress",
    "review_mastery",
    "review_missed",
    "home",
    "study",
    "faq",
    "note",
    "setup",
    "question",
    "feedback",
    "summary",
    "help",
    "exam_start",
    "exam",
    "exam_review",
    "exam_confirm",
    "results",
];

#[test]
fn snapshots_at_80x24_and_120x40() {
    for (w, h) in [(80, 24), (120, 40)] {
        for s in SCREENS {
            let a = at(s, w, h);
            insta::assert_snapshot!(format!("{s}_{w}x{h}"), draw(&a, w, h));
        }
    }
}

#[test]
fn too_small_says_so() {
    let a = app(50, 10);
    let out = draw(&a, 50, 10);
    assert!(out.contains("needs a terminal of at least 60x20"), "{out}");
}

#[test]
fn submitting_stores_the_attempt_before_feedback() {
    let mut a = at("question", 100, 30);
    // "b" alone may not be enough for a multiple-response question: then nothing is stored.
    key(&mut a, KeyCode::Enter);
    let stored = a.ctx.db.attempt_count().expect("count");
    let shown = matches!(a.screen(), Screen::Practice(p) if p.session.feedback().is_some());
    assert_eq!(stored == 1, shown, "feedback is shown exactly when the attempt is stored");
    if !shown {
        assert!(a.ctx.status.as_deref().unwrap_or_default().starts_with("Choose "));
        answer_current(&mut a);
    }
    let last = a.ctx.db.recent_attempts(1).expect("recent");
    assert_eq!(last.len(), 1);
    assert_eq!(last[0].bank, "builtin");
    // Esc ends the session with a summary; Enter returns to the set-up screen's parent (Home).
    key(&mut a, KeyCode::Esc);
    assert!(matches!(a.screen(), Screen::Summary(_)));
    key(&mut a, KeyCode::Enter);
    assert!(matches!(a.screen(), Screen::Home(_)));
    assert_eq!(home_figures(&a).glance.seen, 1, "home refreshed");
}

#[test]
fn a_missed_question_comes_back_in_the_same_session() {
    let mut a = at("question", 100, 30);
    let Screen::Practice(p) = a.screen() else { panic!("practice") };
    let first = p.session.current().expect("q").to_string();
    let q = a.ctx.bank.question(&first).expect("q").clone();
    let presented = p.session.presented().cloned().expect("presented");
    // Choose wrong options on purpose: the first display positions whose options are wrong.
    let wrong: Vec<usize> =
        (0..q.options.len()).filter(|&d| !q.options[presented.order[d]].correct).take(q.answer_count()).collect();
    keys(&mut a, "b"); // undo the "b" from at(): toggles off for multiple, replaced for single
    for d in &wrong {
        keys(&mut a, &((b'a' + *d as u8) as char).to_string());
    }
    key(&mut a, KeyCode::Enter);
    let Screen::Practice(p) = a.screen() else { panic!("practice") };
    assert!(p.session.feedback().is_some_and(|f| !f.grade.correct));
    assert_eq!(p.session.queue().iter().filter(|id| **id == first).count(), 2);
}

#[test]
fn note_search_and_scroll() {
    let mut a = at("note", 80, 24);
    keys(&mut a, "/");
    keys(&mut a, "exam tip");
    key(&mut a, KeyCode::Enter);
    let Screen::Note(n) = a.screen() else { panic!("note") };
    assert!(!n.search.matches.is_empty());
    assert!(n.scroll > 0 || n.search.matches[0] < 20);
    keys(&mut a, "G");
    let Screen::Note(n) = a.screen() else { panic!("note") };
    assert!(n.scroll > 0);
    // Seeing the end marks the note read.
    assert!(n.read);
    assert_eq!(a.ctx.db.notes_read("builtin").expect("read"), vec![n.id.clone()]);
    keys(&mut a, "g");
    let Screen::Note(n) = a.screen() else { panic!("note") };
    assert_eq!(n.scroll, 0);
    // "p" practises the note's topic.
    keys(&mut a, "p");
    let Screen::Practice(p) = a.screen() else { panic!("practice") };
    let topic = a.ctx.bank.question(p.session.current().expect("q")).expect("q").topic.clone();
    assert!(p.session.queue().iter().all(|id| a.ctx.bank.question(id).is_some_and(|q| q.topic == topic)));
}

#[test]
fn every_menu_entry_opens_its_screen() {
    for (k, title) in [("1", "Study"), ("2", "Practice"), ("3", "Exam"), ("4", "Review"), ("5", "Lab")] {
        let mut a = app(80, 24);
        keys(&mut a, k);
        assert_eq!(a.screen().title(), title);
        assert!(a.ctx.status.is_none(), "{:?}", a.ctx.status);
    }
}

#[test]
fn lab_objectives_are_stored_as_they_are_met() {
    let mut a = app(100, 30);
    keys(&mut a, "5");
    key(&mut a, KeyCode::Down); // throttling
    key(&mut a, KeyCode::Enter);
    keys(&mut a, "f");
    let done = a.ctx.db.lab_completions().expect("completions");
    assert!(done.contains(&("throttling".to_string(), "plan-429".to_string())), "{done:?}");
    assert!(a.ctx.status.as_deref().unwrap_or_default().starts_with("✓"));
    // The clock moves only when asked; a second later a token is back.
    let Screen::Lab(l) = a.screen() else { panic!("lab") };
    let before = l.lab.now.as_millis();
    keys(&mut a, "+");
    let Screen::Lab(l) = a.screen() else { panic!("lab") };
    assert_eq!(l.lab.now.as_millis(), before + 1_000);
    key(&mut a, KeyCode::Enter);
    assert!(a.ctx.db.lab_completions().expect("completions").iter().any(|(_, o)| o == "refilled"));
    // Reopening the scenario shows what was met.
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Enter);
    let Screen::Lab(l) = a.screen() else { panic!("lab") };
    assert!(l.lab.met.contains(&"plan-429") && l.lab.met.contains(&"refilled"));
    // Editing the path and a header in the composer.
    keys(&mut a, "e");
    for _ in 0..20 {
        key(&mut a, KeyCode::Backspace);
    }
    keys(&mut a, "/slowlane");
    key(&mut a, KeyCode::Enter);
    keys(&mut a, "H");
    keys(&mut a, "X-Demo: yes");
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Enter);
    let Screen::Lab(l) = a.screen() else { panic!("lab") };
    let last = l.lab.history.last().expect("sent");
    assert_eq!(last.trace.path, "/slowlane");
    assert!(last.request.headers.iter().any(|(k, v)| k == "X-Demo" && v == "yes"));
}

#[test]
fn mouse_clicks_select_options() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut a = at("question", 100, 30);
    // Find the row of option C on screen and click it.
    let screen = draw(&a, 100, 30);
    let row = screen.lines().position(|l| l.contains(" C. ")).expect("option C on screen") as u16;
    a.on_mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 10,
        row,
        modifiers: KeyModifiers::NONE,
    });
    let Screen::Practice(p) = a.screen() else { panic!("practice") };
    assert!(p.selected.contains(&2), "{:?}", p.selected);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn any_size_renders_without_panic(w in 1u16..=300, h in 1u16..=100, s in 0usize..SCREENS.len()) {
        let mut a = at(SCREENS[s], 100, 30);
        a.on_resize(w, h);
        let _ = draw(&a, w, h);
        // And keys still work at that size.
        key(&mut a, KeyCode::Down);
        key(&mut a, KeyCode::PageDown);
        let _ = draw(&a, w, h);
    }
}

#[test]
fn time_up_submits_the_exam_with_the_answers_given() {
    let mut a = app(100, 30);
    a.launch(Launch::Exam { spec: ExamSpec::custom(3, 1, Vec::new()), seed: Some(1) });
    keys(&mut a, "a");
    a.ctx.now = NOW + 59_000;
    a.on_tick();
    assert!(matches!(a.screen(), Screen::Exam(_)));
    a.ctx.now = NOW + 60_000;
    a.on_tick();
    let Screen::Results(r) = a.screen() else { panic!("results after time up") };
    assert_eq!(r.result.unanswered, 2);
    assert_eq!(r.result.elapsed_ms, 60_000);
    let hist = a.ctx.db.exam_history("builtin").expect("history");
    assert_eq!(hist.len(), 1);
    assert!(hist[0].submitted);
    assert_eq!(a.ctx.db.attempt_count().expect("attempts"), 1, "the one answer is kept as an exam attempt");
}

#[test]
fn leaving_an_exam_pauses_it_and_home_resumes_it() {
    let mut a = app(100, 30);
    a.launch(Launch::Exam { spec: ExamSpec::quick(), seed: Some(2) });
    keys(&mut a, "bmn");
    a.ctx.now = NOW + 90_000;
    key(&mut a, KeyCode::Esc);
    assert!(matches!(a.screen(), Screen::Home(_)));
    assert_eq!(home_figures(&a).unfinished_exam, Some((1, 20)));
    // A day later: the clock resumes from 90 s, not from a day.
    a.ctx.now = NOW + 86_400_000;
    keys(&mut a, "3");
    key(&mut a, KeyCode::Enter);
    let Screen::Exam(e) = a.screen() else { panic!("exam") };
    assert_eq!(e.session.pos(), 1);
    assert!(e.session.items()[0].flagged && e.session.items()[0].answer.is_some());
    assert_eq!(e.session.clock().elapsed(a.ctx.now), 90_000);
}

#[test]
fn a_note_opens_its_lab_scenario() {
    let mut a = app(100, 30);
    keys(&mut a, "1");
    let idx = a.ctx.bank.notes.iter().position(|n| n.id == "throttling").expect("throttling note");
    for _ in 0..idx {
        key(&mut a, KeyCode::Down);
    }
    key(&mut a, KeyCode::Enter);
    keys(&mut a, "l");
    let Screen::Lab(l) = a.screen() else { panic!("lab, got {}", a.screen().title()) };
    assert_eq!(l.lab.scenario.id, "throttling");
}

#[test]
fn live_mode_serves_real_http_and_shows_curls_requests() {
    use std::io::{Read, Write};
    let mut a = app(100, 30);
    let (tx, rx) = std::sync::mpsc::channel();
    a.ctx.env.live_observer = Some(std::sync::Arc::new(move |e| {
        let _ = tx.send(e);
    }));
    keys(&mut a, "5");
    key(&mut a, KeyCode::Enter); // api-keys
    keys(&mut a, "L");
    let Screen::Lab(l) = a.screen() else { panic!("lab") };
    let addr = l.live.as_ref().expect("live server").local_addr;
    assert!(addr.ip().is_loopback());
    assert!(a.ctx.status.as_deref().unwrap_or_default().contains("curl"), "{:?}", a.ctx.status);
    // The command itself is shown whole under Response, not cut in the status line.
    assert!(l.live_curl.as_deref().is_some_and(|c| c.starts_with("curl ") && c.contains(&addr.port().to_string())));
    let screen = draw(&a, 100, 30);
    assert!(screen.contains("From another terminal (copy as is):"), "{screen}");
    // What a learner's curl would send, without a key.
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    write!(s, "GET /dev/pets HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n", addr.port()).expect("send");
    let mut reply = String::new();
    s.read_to_string(&mut reply).expect("read");
    assert!(reply.starts_with("HTTP/1.1 403"), "{reply}");
    let event = rx.recv_timeout(std::time::Duration::from_secs(5)).expect("an event from the server");
    a.on_server(event);
    let Screen::Lab(l) = a.screen() else { panic!("lab") };
    assert_eq!(l.lab.history.last().map(|e| e.trace.status), Some(403));
    assert!(l.lab.met.contains(&"no-key-403"), "objectives are checked on live traffic");
    assert!(a.ctx.db.lab_completions().expect("stored").iter().any(|(_, o)| o == "no-key-403"));
    keys(&mut a, "L");
    let Screen::Lab(l) = a.screen() else { panic!("lab") };
    assert!(l.live.is_none());
    assert!(std::net::TcpStream::connect(addr).is_err(), "the server stopped");
}

#[test]
fn the_lab_fires_a_typed_number_of_requests() {
    let mut a = app(100, 30);
    keys(&mut a, "5");
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Enter);
    keys(&mut a, "F25");
    key(&mut a, KeyCode::Enter);
    let Screen::Lab(l) = a.screen() else { panic!("lab") };
    assert_eq!(l.lab.history.len(), 25);
    assert_eq!(l.lab.history.iter().filter(|e| e.trace.status == 429).count(), 24, "burst 1 on the keyed route");
}

#[test]
fn home_shows_reviews_due() {
    let mut a = app(100, 30);
    seed_history(&mut a);
    a.ctx.now = NOW + 30 * 86_400_000;
    a.reveal();
    assert!(home_figures(&a).due_now > 0);
    let screen = draw(&a, 100, 30);
    assert!(screen.contains(&format!("{} now", home_figures(&a).due_now)), "{screen}");
}
