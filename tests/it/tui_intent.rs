//! Input by intent: Esc used by a sub-view or leaving the screen, the `?` overlay closing with
//! the keys its title names, chords, the one text input in the Lab and the note search, and
//! the bank picker with its own keys (snapshotted).
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gatewise::study::exam::ExamSpec;
use gatewise::tui::Launch;
use gatewise::tui::app::Screen;

use crate::tui::{app, app_with_banks, at, draw, home_figures, key, keys};

#[test]
fn esc_closes_a_sub_view_first_and_leaves_the_screen_after() {
    // The exam's review list uses Esc to close itself; the exam stays open.
    let mut a = app(100, 30);
    a.launch(Launch::Exam { spec: ExamSpec::quick(), seed: Some(3) });
    keys(&mut a, "r");
    key(&mut a, KeyCode::Esc);
    let Screen::Exam(e) = a.screen() else { panic!("still in the exam, got {}", a.screen().title()) };
    assert_eq!(e.context(), gatewise::tui::keymap::Context::Exam, "back on the question");

    // A result's detail closes on Esc, then Esc leaves the results.
    let mut a = at("results", 100, 30);
    key(&mut a, KeyCode::Enter);
    assert!(matches!(a.screen(), Screen::Results(r) if r.detail.is_some()));
    key(&mut a, KeyCode::Esc);
    assert!(matches!(a.screen(), Screen::Results(r) if r.detail.is_none()), "the detail closed, not the results");
    key(&mut a, KeyCode::Esc);
    assert!(matches!(a.screen(), Screen::Home(_)));

    // The Lab's path editor: Esc cancels the edit (the path is unchanged), the next Esc leaves.
    let mut a = app(100, 30);
    keys(&mut a, "5");
    key(&mut a, KeyCode::Enter);
    let Screen::Lab(l) = a.screen() else { panic!("lab") };
    let path = l.path.clone();
    keys(&mut a, "exyz");
    key(&mut a, KeyCode::Esc);
    let Screen::Lab(l) = a.screen() else { panic!("Esc cancelled the edit, not the Lab") };
    assert!(l.editing.is_none());
    assert_eq!(l.path, path);
    key(&mut a, KeyCode::Esc);
    assert!(matches!(a.screen(), Screen::LabList(_)));

    // The note search: Esc drops the search, the next Esc goes back to the list.
    let mut a = at("note", 80, 24);
    keys(&mut a, "/api");
    key(&mut a, KeyCode::Esc);
    let Screen::Note(n) = a.screen() else { panic!("Esc cancelled the search, not the note") };
    assert!(n.search.input.is_none() && n.search.query.is_empty());
    key(&mut a, KeyCode::Esc);
    assert!(matches!(a.screen(), Screen::Study(_)));

    // A screen without a sub-view leaves on Esc; Home has nothing to leave to.
    let mut a = at("setup", 80, 24);
    key(&mut a, KeyCode::Esc);
    assert!(matches!(a.screen(), Screen::Home(_)));
    key(&mut a, KeyCode::Esc);
    assert!(matches!(a.screen(), Screen::Home(_)) && !a.quit);
}

#[test]
fn the_keys_overlay_closes_with_the_keys_its_title_names() {
    let mut a = at("note", 80, 24);
    keys(&mut a, "?");
    assert!(a.help);
    let screen = draw(&a, 80, 24);
    assert!(screen.contains("Keys (? or Esc closes)"), "{screen}");
    assert!(screen.contains("Ctrl-C  quit"), "chords are listed with their modifier:\n{screen}");
    // Another key neither closes it nor acts on the screen below.
    keys(&mut a, "G");
    assert!(a.help);
    let Screen::Note(n) = a.screen() else { panic!("note") };
    assert_eq!(n.scroll, 0, "G did not scroll the note under the overlay");
    keys(&mut a, "?");
    assert!(!a.help, "? closes it");
    keys(&mut a, "?");
    key(&mut a, KeyCode::Esc);
    assert!(!a.help, "Esc closes it");
    assert!(matches!(a.screen(), Screen::Note(_)), "and only closes it: the note is still open");
    keys(&mut a, "?q");
    assert!(a.quit, "q still quits");
}

#[test]
fn ctrl_c_quits_even_while_typing_and_other_chords_type_nothing() {
    let mut a = app(100, 30);
    keys(&mut a, "5");
    key(&mut a, KeyCode::Enter);
    keys(&mut a, "H");
    a.on_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    keys(&mut a, "X-A: 1");
    let Screen::Lab(l) = a.screen() else { panic!("lab") };
    assert_eq!(l.editing.as_ref().map(|(_, i)| i.text()), Some("X-A: 1"), "Ctrl-U typed no u");
    assert!(!a.quit);
    a.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(a.quit, "Ctrl-C quits while a field is being typed");
}

#[test]
fn while_typing_the_help_bar_names_the_field_keys_and_q_is_text() {
    let mut a = at("note", 80, 24);
    keys(&mut a, "/quit");
    assert!(!a.quit && !a.help);
    assert_eq!(a.context(), gatewise::tui::keymap::Context::TextEntry);
    let screen = draw(&a, 80, 24);
    let bar = screen.lines().last().unwrap_or_default();
    assert!(bar.contains("Enter keep  Esc cancel  ← cursor left  → cursor right"), "{bar}");
    assert!(screen.contains("/quit▏"), "{screen}");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.context(), gatewise::tui::keymap::Context::Note, "Enter keeps the query");
    let Screen::Note(n) = a.screen() else { panic!("note") };
    assert_eq!(n.search.query, "quit");
}

#[test]
fn the_lab_editors_insert_at_the_cursor_and_take_any_text() {
    let mut a = app(100, 30);
    keys(&mut a, "5");
    key(&mut a, KeyCode::Enter);
    let Screen::Lab(l) = a.screen() else { panic!("lab") };
    let path = l.path.clone();
    // A stage prefix typed at the start of the preset's path.
    keys(&mut a, "e");
    key(&mut a, KeyCode::Home);
    keys(&mut a, "/v1");
    key(&mut a, KeyCode::Enter);
    let Screen::Lab(l) = a.screen() else { panic!("lab") };
    assert_eq!(l.path, format!("/v1{path}"));
    // A body with wide characters; the composer shows it with the cursor while it is typed.
    keys(&mut a, "b");
    for _ in 0..200 {
        key(&mut a, KeyCode::Backspace);
    }
    keys(&mut a, "{\"name\":\"日本\"}");
    key(&mut a, KeyCode::Left);
    let screen = draw(&a, 100, 30);
    assert!(screen.contains("body: {\"name\":\"日本\"▏}"), "{screen}");
    key(&mut a, KeyCode::Enter);
    let Screen::Lab(l) = a.screen() else { panic!("lab") };
    assert_eq!(l.body, "{\"name\":\"日本\"}");
    // A count that is not a number says so instead of firing nothing silently.
    keys(&mut a, "Fx");
    key(&mut a, KeyCode::Enter);
    assert!(a.ctx.status.as_deref().unwrap_or_default().starts_with("Fire how many"), "{:?}", a.ctx.status);
}

#[test]
fn the_exam_date_takes_only_a_date() {
    let mut a = app(120, 40);
    keys(&mut a, "4/");
    keys(&mut a, "2026-12-2x0");
    let Screen::Review(r) = a.screen() else { panic!("review") };
    assert_eq!(r.typing.as_ref().map(|i| i.text()), Some("2026-12-20"), "letters are not part of a date");
    key(&mut a, KeyCode::Enter);
    assert_eq!(a.ctx.db.setting("exam_date").expect("setting").as_deref(), Some("2026-12-20"));
}

#[test]
fn the_bank_picker_has_its_own_keys_and_switching_reloads_home() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut a = app_with_banks(w, h, "tests/fixtures");
        keys(&mut a, "b");
        assert!(matches!(a.screen(), Screen::Banks(_)));
        let screen = draw(&a, w, h);
        insta::assert_snapshot!(format!("bank_picker_{w}x{h}"), screen);
        assert!(screen.contains("Enter study this bank"), "{screen}");
        assert!(!screen.contains("scenario"), "{screen}");
    }
    let mut a = app_with_banks(100, 30, "tests/fixtures");
    let total_before = home_figures(&a).glance.total;
    keys(&mut a, "b");
    key(&mut a, KeyCode::Down);
    key(&mut a, KeyCode::Enter);
    assert!(matches!(a.screen(), Screen::Home(_)));
    assert_eq!(a.ctx.bank_name, "minimal");
    let total = home_figures(&a).glance.total;
    assert_eq!(total, a.ctx.bank.questions().len(), "Home counts the new bank's questions");
    assert_ne!(total, total_before);
    assert!(draw(&a, 100, 30).contains("Bank minimal"));
}
