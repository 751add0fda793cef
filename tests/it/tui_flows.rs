//! Screens for this wave's flows: misconception feedback and its note, the level switch, the
//! minimum size for notes, exam completeness and chorded keys, one practice-queue builder.
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gatewise::study::exam::ExamSpec;
use gatewise::tui::Launch;
use gatewise::tui::app::Screen;

use crate::tui::{app, at, draw, key, keys, seed_history};

#[test]
fn a_misconception_is_named_in_feedback_stored_and_o_opens_its_heading() {
    let mut a = at("feedback_misconception", 120, 40);
    let screen = draw(&a, 120, 40);
    assert!(screen.contains("This choice reflects a common belief"), "{screen}");
    let Screen::Practice(p) = a.screen() else { panic!("practice") };
    let id = p.session.presented().expect("q").id.clone();
    let stored: Vec<(String, i64, Vec<String>)> = a.ctx.db.misconception_slips("builtin").expect("slips");
    assert!(stored.iter().any(|(q, at, _)| *q == id && *at == a.ctx.now), "the slip is stored with the attempt");
    let q = a.ctx.bank.question(&id).expect("q").clone();
    let chosen = p.session.feedback().expect("feedback").chosen.clone();
    let m = gatewise::study::misconceptions::entries(&a.ctx.bank, &q, &chosen)[0].clone();
    keys(&mut a, "o");
    let Screen::Note(n) = a.screen() else { panic!("o opens the note") };
    assert_eq!(n.id, m.note);
    let top = draw(&a, 120, 40);
    assert!(top.contains(&m.heading), "the note opens at {:?}:\n{top}", m.heading);
}

#[test]
fn practice_setup_offers_deep_dives_and_a_level_switch() {
    let mut a = at("setup", 120, 40);
    let screen = draw(&a, 120, 40);
    assert!(screen.contains("Deep dive: associate-level questions beyond CLF-C02"), "{screen}");
    keys(&mut a, "l");
    assert!(draw(&a, 120, 40).contains("level: deep dives (l)"));
    key(&mut a, KeyCode::Enter);
    let Screen::Practice(p) = a.screen() else { panic!("practice") };
    let id = p.session.presented().expect("q").id.clone();
    assert_eq!(a.ctx.bank.question(&id).expect("q").level, gatewise::bank::Level::Deep);
}

#[test]
fn a_note_is_not_laid_out_below_the_minimum_size() {
    let mut a = at("note", 80, 24);
    let Screen::Note(n) = a.screen() else { panic!("note") };
    let (width, lines) = (n.width, n.lines.len());
    a.on_resize(1, 1);
    let Screen::Note(n) = a.screen() else { panic!("note") };
    assert_eq!((n.width, n.lines.len()), (width, lines), "nothing re-wrapped at 1x1");
    assert!(draw(&a, 1, 1).len() < 100);
    a.on_resize(120, 40);
    let Screen::Note(n) = a.screen() else { panic!("note") };
    assert!(n.width > width, "laid out again once it can be drawn");
}

#[test]
fn an_incomplete_multiple_response_answer_is_marked_everywhere_and_ctrl_s_does_not_submit() {
    let mut a = app(120, 40);
    a.launch(Launch::Exam { spec: ExamSpec::quick(), seed: Some(5) });
    let Screen::Exam(e) = a.screen() else { panic!("exam") };
    let multi = e
        .session
        .items()
        .iter()
        .position(|i| a.ctx.bank.question(&i.question_id).is_some_and(|q| q.kind == gatewise::bank::Kind::Multiple))
        .expect("a multiple-response question in the draw");
    for _ in 0..multi {
        key(&mut a, KeyCode::Right);
    }
    keys(&mut a, "a");
    let screen = draw(&a, 120, 40);
    assert!(screen.contains("Incomplete: incomplete (1 of"), "{screen}");
    a.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert!(!draw(&a, 120, 40).contains("Submit the exam?"), "Ctrl-S is not s");
    keys(&mut a, "r");
    assert!(draw(&a, 120, 40).contains("incomplete (1 of"), "the review list says so");
    key(&mut a, KeyCode::Esc);
    keys(&mut a, "s");
    let confirm = draw(&a, 120, 40);
    assert!(confirm.contains("Submit the exam?") && confirm.contains("1 incomplete"), "{confirm}");
}

#[test]
fn practice_due_from_the_cli_and_the_due_row_build_the_same_queue() {
    use gatewise::bank::LevelChoice;
    use rand::SeedableRng;
    // Nothing due: the set-up screen says so instead of starting an empty session.
    let mut a = app(120, 40);
    a.launch(Launch::Practice { topics: vec![], due: true, weak: false, cram: false, level: LevelChoice::Exam });
    assert!(matches!(a.screen(), Screen::Setup(_)));
    assert_eq!(a.ctx.status.as_deref(), Some("Nothing is due for review right now."));
    // With reviews due, the launch starts them, and the row asks for the same choice.
    let mut a = app(120, 40);
    seed_history(&mut a);
    a.ctx.now += 30 * 86_400_000;
    let expected = gatewise::progress::practice_queue(
        &a.ctx.db,
        &a.ctx.bank,
        "builtin",
        gatewise::progress::PracticeChoice::Due,
        a.ctx.scheduler.as_ref(),
        a.ctx.now,
        &mut rand::rngs::StdRng::seed_from_u64(1),
    )
    .expect("queue")
    .1;
    assert!(!expected.is_empty(), "reviews are due a month later");
    a.launch(Launch::Practice { topics: vec![], due: true, weak: false, cram: false, level: LevelChoice::Exam });
    let Screen::Practice(p) = a.screen() else { panic!("practising the due reviews") };
    assert_eq!(p.session.queue(), expected);
    key(&mut a, KeyCode::Esc);
    key(&mut a, KeyCode::Esc);
    keys(&mut a, "2");
    let Screen::Setup(s) = a.screen() else { panic!("set-up") };
    assert_eq!(s.choice(), gatewise::progress::PracticeChoice::Due, "the due row is selected first");
}

/// The WebSocket Lab from the Lab list: clients connect, chat, idle out; objectives are stored.
#[test]
fn the_websocket_lab_runs_a_chat_on_the_virtual_clock() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut a = app(w, h);
        keys(&mut a, "5");
        for _ in 0..30 {
            key(&mut a, KeyCode::Down);
        }
        key(&mut a, KeyCode::Enter);
        let Screen::LabWs(_) = a.screen() else { panic!("the last Lab entry is the WebSocket chat") };
        keys(&mut a, "n");
        keys(&mut a, "c");
        key(&mut a, KeyCode::Tab);
        keys(&mut a, "c");
        key(&mut a, KeyCode::Tab);
        key(&mut a, KeyCode::Tab);
        key(&mut a, KeyCode::Enter);
        let Screen::LabWs(l) = a.screen() else { panic!("ws lab") };
        assert!(l.lab.met.contains(&"broadcast"), "{:?}", l.lab.met);
        insta::assert_snapshot!(format!("lab_ws_{w}x{h}"), draw(&a, w, h));
        keys(&mut a, "T");
        let Screen::LabWs(l) = a.screen() else { panic!("ws lab") };
        assert!(l.lab.clients.iter().all(|c| c.connection_id.is_none()), "10 idle minutes close both");
        keys(&mut a, "p");
        let done = a.ctx.db.lab_completions().expect("completions");
        for o in ["no-token-401", "two-open", "routed", "broadcast", "idle-close", "gone-410"] {
            assert!(done.contains(&("websocket-chat".to_string(), o.to_string())), "{o}: {done:?}");
        }
    }
}

/// Live mode in the WebSocket Lab: a real client's handshake and messages reach the screen as
/// server events and meet objectives like the virtual clients' do.
#[test]
fn the_websocket_lab_goes_live_for_a_real_client() {
    use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};
    let mut a = app(100, 30);
    let (tx, rx) = std::sync::mpsc::channel();
    a.ctx.env.live_ws_observer = Some(std::sync::Arc::new(move |o: &gatewise::gateway::core::ws::WsOutcome| {
        let _ = tx.send(o.clone());
    }));
    keys(&mut a, "5");
    for _ in 0..30 {
        key(&mut a, KeyCode::Down);
    }
    key(&mut a, KeyCode::Enter);
    keys(&mut a, "L");
    let Screen::LabWs(l) = a.screen() else { panic!("ws lab") };
    let url = l.live.as_ref().expect("live").ready.base_url.clone();
    assert!(l.live_cmd.as_deref().is_some_and(|c| c.starts_with("websocat ") && c.contains(&url)));
    assert!(draw(&a, 100, 30).contains("LIVE"));
    keys(&mut a, "c");
    assert!(a.ctx.status.as_deref().unwrap_or_default().contains("Live mode"), "virtual clients wait");
    let connect = |query: &str| {
        let mut req = format!("{url}{query}").into_client_request().expect("request");
        req.headers_mut().insert("x-api-key", "chat-key-0123456789abcdef".parse().expect("header"));
        let addr = url.trim_start_matches("ws://").split('/').next().expect("addr").to_owned();
        tokio_tungstenite::tungstenite::client(req, std::net::TcpStream::connect(addr).expect("tcp"))
            .map(|(ws, _)| ws)
            .map_err(|e| e.to_string())
    };
    assert!(connect("?name=x").is_err(), "no token: 401");
    let mut ws = connect("?name=me&token=allow").expect("connects");
    ws.send(Message::text(r#"{"action":"sendmessage","message":"hi"}"#)).expect("send");
    assert!(ws.read().expect("broadcast").into_text().expect("text").contains("hi"));
    for _ in 0..3 {
        let event = rx.recv_timeout(std::time::Duration::from_secs(5)).expect("an event from the server");
        a.on_ws_server(event);
    }
    let Screen::LabWs(l) = a.screen() else { panic!("ws lab") };
    assert!(l.lab.met.contains(&"no-token-401") && l.lab.met.contains(&"routed"), "{:?}", l.lab.met);
    keys(&mut a, "L");
    let Screen::LabWs(l) = a.screen() else { panic!("ws lab") };
    assert!(l.live.is_none());
}
