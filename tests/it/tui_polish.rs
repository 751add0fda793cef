//! Figures and fits: what Review, the Lab, the FAQ, a note and Home show at 80x24 and 120x40,
//! checked on the drawn screen (and snapshotted) so a screen that hides its lesson again fails.
use crossterm::event::KeyCode;
use gatewise::bank::{Bank, ContentSource};
use gatewise::study::exam::ExamSpec;
use gatewise::tui::Launch;
use gatewise::tui::app::{App, Screen};

use crate::tui::{app, draw, home_figures, key, keys, seed_history};

const NOW: i64 = 1_795_625_162_000; // 2026-11-25T16:46:02Z
const DAY: i64 = 86_400_000;
const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// The screen's text without borders, quotes or line breaks, so wrapped sentences read whole.
fn flat(screen: &str) -> String {
    let text: String = screen.chars().map(|c| if c == '"' || c == '│' { ' ' } else { c }).collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Sits an exam of `spec`, answering the first `answered` questions with option a.
fn sit(a: &mut App, spec: ExamSpec, seed: u64, answered: usize) {
    a.launch(Launch::Exam { spec, seed: Some(seed) });
    for _ in 0..answered {
        keys(a, "an");
    }
    keys(a, "s");
    key(a, KeyCode::Enter);
    assert!(matches!(a.screen(), Screen::Results(_)), "submitted");
    key(a, KeyCode::Esc);
    a.reveal();
}

fn review_page(w: u16, h: u16, page: usize, exams: bool) -> App {
    let mut a = app(w, h);
    seed_history(&mut a);
    if exams {
        sit(&mut a, ExamSpec::quick(), 1, 12);
        sit(&mut a, ExamSpec::custom(2, 3, Vec::new()), 2, 2);
        sit(&mut a, ExamSpec::custom(5, 7, Vec::new()), 3, 5);
        sit(&mut a, ExamSpec::quick(), 4, 16);
    }
    a.ctx.db.set_setting("exam_date", "2026-12-20").expect("date");
    a.reveal();
    while !matches!(a.screen(), Screen::Home(_)) {
        key(&mut a, KeyCode::Esc);
    }
    keys(&mut a, "4");
    for _ in 0..page {
        key(&mut a, KeyCode::Tab);
    }
    a
}

#[test]
fn review_overview_keeps_todays_row_and_the_plan_at_80x24() {
    for (w, h) in SIZES {
        let a = review_page(w, h, 0, false);
        let screen = draw(&a, w, h);
        insta::assert_snapshot!(format!("review_overview_plan_{w}x{h}"), screen);
        // The legend sits under the seventh (today's) row: it is drawn only if that row is.
        assert!(screen.contains("today last"), "{screen}");
        assert!(screen.contains("Daily target"), "the plan is on screen:\n{screen}");
        assert!(screen.contains("fairly sure: right"), "calibration fits:\n{screen}");
        let cells = |l: &str| l.chars().filter(|c| "·░▒▓█".contains(*c)).count();
        let grid_rows = screen.lines().filter(|l| cells(l) >= 12).count();
        assert!(grid_rows >= 7, "all seven heatmap rows:\n{screen}");
    }
}

#[test]
fn review_overview_scrolls_to_the_formula_when_short() {
    let mut a = review_page(80, 24, 0, false);
    assert!(!draw(&a, 80, 24).contains("CLF-C02, shown as"));
    for _ in 0..40 {
        key(&mut a, KeyCode::Down);
    }
    let screen = draw(&a, 80, 24);
    assert!(screen.contains("covers all of AWS."), "{screen}");
}

#[test]
fn mastery_scrolls_to_the_last_topic_at_80x24() {
    let mut a = review_page(80, 24, 2, false);
    draw(&a, 80, 24);
    let last = a.ctx.bank.topics.last().expect("topic").title.chars().take(8).collect::<String>();
    for _ in 0..40 {
        key(&mut a, KeyCode::Down);
    }
    let screen = draw(&a, 80, 24);
    assert!(screen.contains(&last), "{last} after scrolling:\n{screen}");
}

/// The row of the "700" label must hold the pass line, at both sizes.
#[test]
fn the_700_label_sits_on_the_pass_line_and_custom_exams_are_apart() {
    for (w, h) in SIZES {
        let a = review_page(w, h, 1, true);
        let screen = draw(&a, w, h);
        insta::assert_snapshot!(format!("review_progress_exams_{w}x{h}"), screen);
        let rows: Vec<&str> = screen.lines().collect();
        let at = rows.iter().position(|l| l.contains("│700")).expect("a 700 label");
        let braille = |l: &str| l.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c));
        assert!(braille(rows[at]), "pass line on the 700 row:\n{screen}");
        let at400 = rows.iter().position(|l| l.contains("│400")).expect("a 400 label");
        assert!(rows[at + 1..at400].iter().all(|l| !braille(l)), "nothing else drawn between:\n{screen}");
        assert!(screen.contains("Mock exams (2)"), "only the two quick mocks are plotted:\n{screen}");
        assert!(screen.contains("Custom exams (2): not in the trend"), "{screen}");
    }
    let a = review_page(100, 30, 1, true);
    let Screen::Review(r) = a.screen() else { panic!("review") };
    let d = r.data.as_ref().expect("data");
    assert_eq!(d.exams.iter().map(|e| e.questions).collect::<Vec<_>>(), vec![20, 20]);
    assert_eq!(d.custom_exams.iter().map(|e| e.questions).collect::<Vec<_>>(), vec![2, 5]);
}

#[test]
fn home_last_exam_is_the_last_mock_not_a_custom_one() {
    let mut a = app(120, 40);
    sit(&mut a, ExamSpec::quick(), 1, 0);
    sit(&mut a, ExamSpec::custom(2, 3, Vec::new()), 2, 2);
    let r = home_figures(&a).last_exam.clone().expect("last mock");
    assert_eq!(r.total, 20);
}

#[test]
fn the_note_shows_the_number_p_starts() {
    for (w, h) in SIZES {
        let mut a = app(w, h);
        keys(&mut a, "1");
        key(&mut a, KeyCode::Down);
        key(&mut a, KeyCode::Enter);
        keys(&mut a, "G");
        let screen = draw(&a, w, h);
        let n: usize = screen
            .split("p practises ")
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .and_then(|s| s.parse().ok())
            .expect("the count on screen");
        insta::assert_snapshot!(format!("note_end_{w}x{h}"), screen);
        keys(&mut a, "p");
        let Screen::Practice(p) = a.screen() else { panic!("practice") };
        assert_eq!(p.session.queue().len(), n, "the number shown is the number started");
    }
}

fn caching_lab(w: u16, h: u16) -> App {
    let mut a = app(w, h);
    keys(&mut a, "5");
    let idx = gatewise::lab::catalog::SCENARIOS.iter().position(|s| s.id == "caching").expect("caching");
    for _ in 0..idx {
        key(&mut a, KeyCode::Down);
    }
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Enter);
    key(&mut a, KeyCode::Enter);
    a
}

#[test]
fn the_lab_trace_scrolls_to_the_cache_line_and_json_is_pretty() {
    for (w, h) in SIZES {
        let mut a = caching_lab(w, h);
        let first = draw(&a, w, h);
        insta::assert_snapshot!(format!("lab_long_trace_{w}x{h}"), first);
        assert!(first.lines().any(|l| l.contains("│{") || l.contains("│[")), "JSON on lines of its own:\n{first}");
        let mut seen = first.contains("cache HIT");
        for _ in 0..30 {
            if seen {
                break;
            }
            key(&mut a, KeyCode::Down);
            seen = draw(&a, w, h).contains("cache HIT");
        }
        assert!(seen, "scrolling the trace reaches the cache line at {w}x{h}");
    }
}

#[test]
fn response_bodies_are_pretty_printed() {
    use gatewise::tui::screens::lab::{body_lines, copyable_command};
    assert_eq!(body_lines(br#"{"a":1,"b":[2]}"#), vec!["{", "  \"a\": 1,", "  \"b\": [", "    2", "  ]", "}"]);
    assert_eq!(body_lines(b"plain text"), vec!["plain text"]);
    let cmd = "curl -i -H 'x-api-key: demo-key-0123456789abcdef' http://127.0.0.1:40000/dev/pets";
    let block = copyable_command(cmd, 50);
    assert!(block.len() > 1 && block.iter().all(|l| l.chars().count() <= 50), "{block:?}");
    assert!(block.iter().any(|l| l.contains("'x-api-key: demo-key-0123456789abcdef'")), "quotes kept whole");
    let rejoined: String = block.iter().map(|l| l.trim().trim_end_matches('\\').trim()).collect::<Vec<_>>().join(" ");
    assert_eq!(rejoined, cmd, "the block pastes back as the same command");
}

#[test]
fn faq_links_wrap_and_the_faq_searches() {
    for (w, h) in SIZES {
        let mut a = app(w, h);
        keys(&mut a, "1");
        key(&mut a, KeyCode::Tab);
        // The entry with the longest source link.
        let (i, url) = a
            .ctx
            .bank
            .faq
            .iter()
            .enumerate()
            .flat_map(|(i, f)| f.sources.iter().map(move |s| (i, s.clone())))
            .max_by_key(|(_, s)| s.len())
            .expect("a source");
        for _ in 0..i {
            key(&mut a, KeyCode::Down);
        }
        key(&mut a, KeyCode::Enter);
        // A long answer: PgDn reads on to its sources.
        let tail: String = url.chars().rev().take(12).collect::<Vec<_>>().into_iter().rev().collect();
        let mut screen = draw(&a, w, h);
        for _ in 0..3 {
            if screen.contains(&tail) {
                break;
            }
            key(&mut a, KeyCode::PageDown);
            screen = draw(&a, w, h);
        }
        insta::assert_snapshot!(format!("faq_long_link_{w}x{h}"), screen);
        assert!(screen.contains(&tail), "the end of {url} is on screen:\n{screen}");
    }
    let mut a = app(80, 24);
    keys(&mut a, "1");
    key(&mut a, KeyCode::Tab);
    keys(&mut a, "G");
    let Screen::Study(s) = a.screen() else { panic!("study") };
    assert_eq!(s.faq_sel, a.ctx.bank.faq.len() - 1);
    keys(&mut a, "g/usage plan");
    key(&mut a, KeyCode::Enter);
    let Screen::Study(s) = a.screen() else { panic!("study") };
    let first = s.faq_sel;
    assert!(!s.faq_search.matches.is_empty());
    assert!(s.expanded.contains(&first), "the match is opened");
    let q = &a.ctx.bank.faq[first];
    assert!(format!("{} {}", q.question, q.answer).to_lowercase().contains("usage plan"));
    keys(&mut a, "n");
    let Screen::Study(s) = a.screen() else { panic!("study") };
    assert!(s.faq_search.matches.len() == 1 || s.faq_sel != first);
}

#[test]
fn home_suggests_what_next_for_each_state() {
    type Case = (&'static str, fn(&mut App), &'static str);
    let cases: [Case; 6] = [
        ("start", |_| {}, "Start with a note"),
        (
            "reviews",
            |a| {
                seed_history(a);
                a.ctx.now = NOW + 30 * DAY;
            },
            "due now: press 2",
        ),
        (
            "exam",
            |a| {
                a.launch(Launch::Exam { spec: ExamSpec::quick(), seed: Some(2) });
                keys(a, "a");
                key(a, KeyCode::Esc);
            },
            "Finish your exam: 1 of 20 answered",
        ),
        (
            "first_mock",
            |a| {
                // Two custom exams (not mocks): 20 or more questions seen, nothing due yet.
                sit(a, ExamSpec::custom(15, 20, Vec::new()), 5, 15);
                sit(a, ExamSpec::custom(15, 20, Vec::new()), 6, 15);
            },
            "Take your first mock",
        ),
        (
            "exam_date",
            |a| {
                sit(a, ExamSpec::quick(), 3, 20);
                a.ctx.db.set_setting("exam_date", "2026-12-20").expect("date");
            },
            "Exam in 25 days",
        ),
        (
            "weakest",
            |a| {
                sit(a, ExamSpec::quick(), 3, 20);
            },
            "Weakest topic:",
        ),
    ];
    for (name, setup, expect) in cases {
        for (w, h) in SIZES {
            let mut a = app(w, h);
            setup(&mut a);
            while !matches!(a.screen(), Screen::Home(_)) {
                key(&mut a, KeyCode::Esc);
            }
            a.reveal();
            let screen = draw(&a, w, h);
            insta::assert_snapshot!(format!("home_next_{name}_{w}x{h}"), screen);
            // The Progress pane only (right of the 46-column menu), so wrapped lines read whole.
            let pane: String = screen.lines().map(|l| l.chars().skip(48).collect::<String>() + "\n").collect();
            assert!(flat(&pane).contains(expect), "{name}: {expect:?} in\n{screen}");
        }
    }
}

#[test]
fn unseen_first_draws_new_questions_before_repeats() {
    use gatewise::study::exam::{draw_with_history, unseen_count};
    use std::collections::HashSet;
    let bank = Bank::load(&ContentSource::Embedded).expect("bank");
    let spec = ExamSpec::quick().with_unseen_first(true);
    let mut seen: HashSet<String> = HashSet::new();
    for seed in 1..=3 {
        let items = draw_with_history(&bank, &spec, seed, &seen);
        assert_eq!(items.len(), 20);
        assert!(items.iter().all(|i| !seen.contains(&i.question_id)), "mock {seed} repeats nothing");
        seen.extend(items.into_iter().map(|i| i.question_id));
    }
    let (unseen, total) = unseen_count(&bank, &ExamSpec::full(), &seen);
    assert_eq!(unseen + 60, total);
    // The same seed and history draw the same exam.
    assert_eq!(draw_with_history(&bank, &spec, 9, &seen), draw_with_history(&bank, &spec, 9, &seen));
}

#[test]
fn the_exam_start_screen_counts_unseen_questions() {
    for (w, h) in SIZES {
        let mut a = app(w, h);
        sit(&mut a, ExamSpec::quick(), 1, 20);
        keys(&mut a, "3");
        let screen = draw(&a, w, h);
        insta::assert_snapshot!(format!("exam_start_unseen_{w}x{h}"), screen);
        let flat = flat(&screen);
        assert!(flat.contains("Unseen first: on"), "{screen}");
        assert!(flat.contains(" of 254 exam-level questions are still unseen"), "{screen}");
    }
}

/// However the app closes (q, or a signal the event loop turns into a quit), an open exam's clock
/// is stopped and stored: no time is lost or given back.
#[test]
fn closing_the_app_stores_the_exam_clock() {
    let mut a = app(120, 40);
    a.launch(Launch::Exam { spec: ExamSpec::quick(), seed: Some(5) });
    a.ctx.now += 1_500;
    a.on_tick();
    a.on_exit();
    let row = a.ctx.db.in_progress_exam("builtin").expect("read").expect("unfinished");
    assert_eq!(row.elapsed_ms, 1_500, "the 1.5 s since the last save are kept");
}
