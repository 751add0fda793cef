//! A user bank's questions may have up to ten options: the letters g to j pick options 7 to 10 in
//! practice and in an exam, and `j` only does so where a tenth option exists.
use crossterm::event::KeyCode;
use gatewise::bank::import::{ImportFormat, ImportOptions, import, write_bank};
use gatewise::bank::{Bank, ContentSource, LevelChoice};
use gatewise::store::Db;
use gatewise::study::exam::ExamSpec;
use gatewise::tui::Launch;
use gatewise::tui::app::{App, Ctx, Env, Screen};
use gatewise::tui::theme::{Theme, ThemeName};
use ratatui::layout::Rect;

use crate::tui::{key, keys};

const NOW: i64 = 1_795_625_162_000;

/// One single-answer question with ten options (the tenth right) and one with eight options where
/// the last two are right.
fn ten_option_bank(dir: &std::path::Path) -> Bank {
    let letters = "abcdefghij";
    let ten: String =
        letters.chars().map(|l| format!("- [{}] Option {l}\n", if l == 'j' { 'x' } else { ' ' })).collect();
    let eight: String =
        letters[..8].chars().map(|l| format!("- [{}] Choice {l}\n", if l >= 'g' { 'x' } else { ' ' })).collect();
    let md = format!("Which is the tenth?\n\n{ten}\nWhich TWO are last?\n\n{eight}");
    let opts = ImportOptions { topic: "many".into(), id_prefix: "many".into() };
    let report = import(&md, ImportFormat::Markdown, &opts).expect("imports");
    assert_eq!(report.imported.questions.len(), 2, "{report:#?}");
    let out = dir.join("bank");
    write_bank(&out, &report.imported).expect("writes");
    Bank::load(&ContentSource::Dir(out)).expect("loads")
}

fn app(bank: Bank) -> App {
    let db = Db::open_in_memory().expect("db");
    let env = Env {
        banks_dir: "no-user-banks".into(),
        size: Rect::new(0, 0, 120, 40),
        live_observer: None,
        live_ws_observer: None,
    };
    App::new(Ctx::new(bank, "many", db, Theme::new(ThemeName::Dark, false), NOW, 7, env))
}

fn letter(display: usize) -> String {
    char::from(b'a' + u8::try_from(display).expect("small")).to_string()
}

#[test]
fn letters_past_f_answer_practice_questions() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut a = app(ten_option_bank(tmp.path()));
    a.launch(Launch::Practice { topics: vec![], due: false, weak: false, cram: false, level: LevelChoice::Exam });
    for _ in 0..2 {
        let Screen::Practice(p) = a.screen() else { panic!("practising") };
        let q = a.ctx.bank.question(p.session.current().expect("a question")).expect("in the bank").clone();
        let order = p.session.presented().expect("presented").order.clone();
        // j is the tenth option where there is one, and "down" where there is not.
        keys(&mut a, "j");
        let Screen::Practice(p) = a.screen() else { panic!("practising") };
        if q.options.len() == 10 {
            assert_eq!(p.selected, [9], "j picks the tenth option");
        } else {
            assert!(p.selected.is_empty(), "j is not an option of an eight-option question");
        }
        // A single answer replaces the pick; the multiple one has nothing picked yet.
        let right: Vec<usize> = (0..order.len()).filter(|&d| q.options[order[d]].correct).collect();
        for d in &right {
            keys(&mut a, &letter(*d));
        }
        key(&mut a, KeyCode::Enter);
        let Screen::Practice(p) = a.screen() else { panic!("practising") };
        let feedback = p.session.feedback().expect("graded");
        assert!(feedback.grade.correct, "{} answered with {:?}", q.id, right);
        key(&mut a, KeyCode::Enter);
    }
}

#[test]
fn letters_past_f_answer_exam_questions() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut a = app(ten_option_bank(tmp.path()));
    a.launch(Launch::Exam { spec: ExamSpec::custom(2, 10, vec![]), seed: Some(3) });
    let Screen::Exam(e) = a.screen() else { panic!("exam: {:?}", a.ctx.status) };
    assert_eq!(e.session.items().len(), 2);
    for pos in 0..2 {
        let Screen::Exam(e) = a.screen() else { panic!("exam") };
        let item = &e.session.items()[pos];
        let q = a.ctx.bank.question(&item.question_id).expect("in the bank").clone();
        let order = item.order.clone();
        // Every display position from g on, each by its letter; the answer keeps the last one (or
        // the last two of the eight-option question, which asks for two).
        let last = order.len() - 1;
        keys(&mut a, &letter(last));
        let Screen::Exam(e) = a.screen() else { panic!("exam") };
        assert_eq!(
            e.session.items()[pos].answer,
            Some(vec![order[last]]),
            "{}: the last letter picks the last option",
            q.id
        );
        keys(&mut a, "g");
        let Screen::Exam(e) = a.screen() else { panic!("exam") };
        let mut want = if q.options.len() == 10 { vec![order[6]] } else { vec![order[6], order[last]] };
        want.sort_unstable();
        assert_eq!(e.session.items()[pos].answer, Some(want), "{}: g picks the seventh option", q.id);
        key(&mut a, KeyCode::Right);
    }
}
