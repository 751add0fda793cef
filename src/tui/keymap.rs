//! The keymap: one table per context that both dispatches keys and draws the help bar and
//! the `?` overlay, so what the screen says is always what the keys do.
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// Where the learner is, as far as keys are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Home,
    StudyList,
    Note,
    Faq,
    PracticeSetup,
    Question,
    Feedback,
    Summary,
    ExamStart,
    Exam,
    ExamReview,
    Confirm,
    Results,
    ResultDetail,
    Review,
    LabList,
    Lab,
    LabWs,
}

#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [KeyCode],
    pub label: &'static str,
    pub help: &'static str,
    pub action: Action,
    /// Shown in the one-line help bar (the rest only in the `?` overlay).
    pub bar: bool,
}

const fn b(keys: &'static [KeyCode], label: &'static str, help: &'static str, action: Action, bar: bool) -> Binding {
    Binding { keys, label, help, action, bar }
}

use KeyCode::{Char as C, Down, End, Enter, Esc, Home as HomeKey, PageDown, PageUp, Tab, Up};

const NAV: [Binding; 4] = [
    b(&[Up, C('k')], "↑/k", "move up", Action::Up, false),
    b(&[Down, C('j')], "↓/j", "move down", Action::Down, false),
    b(&[PageUp], "PgUp", "page up", Action::PageUp, false),
    b(&[PageDown], "PgDn", "page down", Action::PageDown, false),
];
const COMMON: [Binding; 3] = [
    b(&[C('?')], "?", "keys", Action::Help, true),
    b(&[Esc], "Esc", "back", Action::Back, true),
    b(&[C('q')], "q", "quit", Action::Quit, true),
];

const HOME: &[Binding] =
    &[b(&[Enter], "Enter", "open", Action::Open, true), b(&[C('b')], "b", "switch bank", Action::Filter, true)];
const STUDY_LIST: &[Binding] = &[
    b(&[Enter], "Enter", "read note", Action::Open, true),
    b(&[Tab], "Tab", "FAQ", Action::SwitchTab, true),
    b(&[C('p')], "p", "practise topic", Action::PractiseTopic, true),
];
const NOTE: &[Binding] = &[
    b(&[C('g'), HomeKey], "g", "top", Action::Top, false),
    b(&[C('G'), End], "G", "bottom", Action::Bottom, false),
    b(&[C('/')], "/", "search", Action::Search, true),
    b(&[C('n')], "n", "next match", Action::SearchNext, true),
    b(&[C('N')], "N", "previous match", Action::SearchPrev, false),
    b(&[C('p')], "p", "practise this topic", Action::PractiseTopic, true),
    b(&[C('l')], "l", "open its lab", Action::Fire, true),
    b(&[C(' ')], "Space", "page down", Action::PageDown, false),
];
const FAQ: &[Binding] = &[
    b(&[Enter, C(' ')], "Enter", "expand/collapse", Action::Toggle, true),
    b(&[Tab], "Tab", "notes", Action::SwitchTab, true),
    b(&[C('/')], "/", "search", Action::Search, true),
    b(&[C('n')], "n", "next match", Action::SearchNext, true),
    b(&[C('N')], "N", "previous match", Action::SearchPrev, false),
    b(&[C('g'), HomeKey], "g", "top", Action::Top, false),
    b(&[C('G'), End], "G", "bottom", Action::Bottom, false),
];
const SETUP: &[Binding] = &[
    b(&[Enter], "Enter", "start", Action::Open, true),
    b(&[C(' ')], "Space", "toggle topic", Action::Toggle, true),
    b(&[C('c')], "c", "cram on/off", Action::Filter, true),
    b(&[C('l')], "l", "level: exam/deep/all", Action::CycleLevel, true),
];
const QUESTION: &[Binding] = &[
    b(&[C('1'), C('a')], "1-6/a-f", "choose an option", Action::Pick(0), true),
    b(&[C(' ')], "Space", "toggle highlighted", Action::Toggle, true),
    b(&[Enter], "Enter", "submit", Action::Submit, true),
    b(&[Tab], "Tab", "confidence", Action::Confidence, true),
];
const FEEDBACK: &[Binding] = &[
    b(&[Enter, C('n')], "Enter", "next question", Action::Next, true),
    b(&[C('o')], "o", "open related note", Action::OpenNote, true),
];
const SUMMARY: &[Binding] = &[b(&[Enter], "Enter", "done", Action::Back, true)];
const EXAM_START: &[Binding] = &[
    b(&[Enter], "Enter", "start", Action::Open, true),
    b(&[C(' ')], "Space", "unseen first on/off", Action::Toggle, true),
];
const EXAM: &[Binding] = &[
    b(&[C('1'), C('a')], "1-6/a-f", "choose", Action::Pick(0), true),
    b(&[C(' ')], "Space", "toggle highlighted", Action::Toggle, false),
    b(&[KeyCode::Right, C('n')], "→/n", "next", Action::Next, true),
    b(&[KeyCode::Left, C('p')], "←/p", "prev", Action::Prev, true),
    b(&[C('m')], "m", "flag", Action::Flag, true),
    b(&[C('r')], "r", "review list", Action::ReviewList, true),
    b(&[C('s')], "s", "submit", Action::Finish, true),
];
const EXAM_REVIEW: &[Binding] = &[
    b(&[Enter], "Enter", "go to question", Action::Open, true),
    b(&[C('s')], "s", "submit exam", Action::Finish, true),
];
const CONFIRM: &[Binding] = &[b(&[Enter, C('y')], "Enter/y", "submit the exam", Action::Submit, true)];
const RESULTS: &[Binding] =
    &[b(&[Enter], "Enter", "open question", Action::Open, true), b(&[Tab], "Tab", "filter", Action::Filter, true)];
const REVIEW: &[Binding] = &[
    b(&[Tab, KeyCode::Right], "Tab", "next page", Action::SwitchTab, true),
    b(&[KeyCode::Left], "←", "previous page", Action::Prev, false),
    b(&[Enter], "Enter", "drill selected", Action::Open, false),
    b(&[C('d')], "d", "drill (missed or a belief)", Action::Drill, true),
    b(&[C('/')], "/", "exam date", Action::Search, true),
    b(&[C(' ')], "Space", "retention", Action::Toggle, true),
];
const LAB_LIST: &[Binding] = &[b(&[Enter], "Enter", "open scenario", Action::Open, true)];
const LAB: &[Binding] = &[
    b(&[Enter], "Enter", "send", Action::Open, true),
    b(&[C('f')], "f", "fire 10", Action::Fire, true),
    b(&[C('F')], "F", "fire N", Action::FireN, false),
    b(&[KeyCode::Right], "→", "next preset", Action::Next, true),
    b(&[KeyCode::Left], "←", "previous preset", Action::Prev, false),
    b(&[C('+')], "+", "clock +1 s", Action::ClockSecond, true),
    b(&[C('>')], ">", "+1 min", Action::ClockMinute, true),
    b(&[C('M')], "M", "to midnight UTC", Action::ClockMidnight, true),
    b(&[C('v')], "v", "switch stage/API", Action::ReviewList, true),
    b(&[Tab], "Tab", "pane", Action::SwitchTab, true),
    b(&[C('h')], "h", "hints", Action::Confidence, true),
    b(&[C('u')], "u", "questions", Action::Drill, true),
    b(&[C('L')], "L", "live HTTP on/off", Action::Live, true),
    b(&[C('m')], "m", "method", Action::Toggle, false),
    b(&[C('e')], "e", "edit path", Action::Search, false),
    b(&[C('H')], "H", "set header", Action::Flag, false),
    b(&[C('b')], "b", "edit body", Action::Filter, false),
];
const LAB_WS: &[Binding] = &[
    b(&[Tab], "Tab", "next client", Action::SwitchTab, true),
    b(&[C('c')], "c", "connect", Action::WsConnect, true),
    b(&[C('n')], "n", "connect without key/token", Action::WsConnectBare, false),
    b(&[Enter], "Enter", "send preset", Action::Open, true),
    b(&[KeyCode::Right], "→", "next preset", Action::Next, true),
    b(&[KeyCode::Left], "←", "previous preset", Action::Prev, false),
    b(&[C('x')], "x", "close", Action::WsClose, true),
    b(&[C('p')], "p", "POST @connections", Action::WsCallback, true),
    b(&[C('>')], ">", "+1 min", Action::ClockMinute, true),
    b(&[C('T')], "T", "+10 min", Action::ClockTenMinutes, true),
    b(&[C('h')], "h", "hints", Action::Confidence, true),
    b(&[C('u')], "u", "questions", Action::Drill, true),
    b(&[C('L')], "L", "live WebSocket on/off", Action::Live, true),
];
const RESULT_DETAIL: &[Binding] = &[b(&[C('o')], "o", "open related note", Action::OpenNote, true)];

/// The bindings of a context, most specific first; navigation and common keys last.
pub fn bindings(ctx: Context) -> Vec<Binding> {
    let specific: &[Binding] = match ctx {
        Context::Home => HOME,
        Context::StudyList => STUDY_LIST,
        Context::Note => NOTE,
        Context::Faq => FAQ,
        Context::PracticeSetup => SETUP,
        Context::Question => QUESTION,
        Context::Feedback => FEEDBACK,
        Context::Summary => SUMMARY,
        Context::ExamStart => EXAM_START,
        Context::Exam => EXAM,
        Context::ExamReview => EXAM_REVIEW,
        Context::Confirm => CONFIRM,
        Context::Results => RESULTS,
        Context::ResultDetail => RESULT_DETAIL,
        Context::Review => REVIEW,
        Context::LabList => LAB_LIST,
        Context::Lab => LAB,
        Context::LabWs => LAB_WS,
    };
    specific.iter().chain(NAV.iter()).chain(COMMON.iter()).copied().collect()
}

/// The action for a key in a context. Digits and a–f pick options where options exist.
pub fn lookup(ctx: Context, key: KeyEvent) -> Option<Action> {
    if key.modifiers.contains(KeyModifiers::CONTROL) && matches!(key.code, C('c')) {
        return Some(Action::Quit);
    }
    // No binding uses Ctrl or Alt: a chord is not its plain key (Ctrl-S in an exam must not
    // submit it). Shift is part of the character itself (`G`, `?`).
    if key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SUPER) {
        return None;
    }
    if matches!(ctx, Context::Question | Context::Exam) {
        match key.code {
            C(d @ '1'..='6') => return Some(Action::Pick(usize::from(d as u8 - b'1'))),
            C(l @ 'a'..='f') => return Some(Action::Pick(usize::from(l as u8 - b'a'))),
            _ => {}
        }
    }
    if matches!(ctx, Context::Home | Context::Review)
        && let C(d @ '1'..='6') = key.code
    {
        return Some(Action::Pick(usize::from(d as u8 - b'1')));
    }
    bindings(ctx).into_iter().find(|bd| bd.keys.contains(&key.code)).map(|bd| bd.action)
}

/// The one-line help bar for a context.
pub fn help_bar(ctx: Context) -> String {
    bindings(ctx).iter().filter(|b| b.bar).map(|b| format!("{} {}", b.label, b.help)).collect::<Vec<_>>().join("  ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn options_by_digit_and_letter() {
        assert_eq!(lookup(Context::Question, key(C('3'))), Some(Action::Pick(2)));
        assert_eq!(lookup(Context::Question, key(C('c'))), Some(Action::Pick(2)));
        assert_eq!(lookup(Context::Question, key(Enter)), Some(Action::Submit));
        assert_eq!(lookup(Context::Note, key(C('/'))), Some(Action::Search));
        assert_eq!(lookup(Context::Note, key(C('q'))), Some(Action::Quit));
        assert_eq!(lookup(Context::Home, KeyEvent::new(C('c'), KeyModifiers::CONTROL)), Some(Action::Quit));
    }

    #[test]
    fn chords_are_not_their_plain_keys() {
        let ctrl = |c| KeyEvent::new(C(c), KeyModifiers::CONTROL);
        assert_eq!(lookup(Context::Exam, key(C('s'))), Some(Action::Finish));
        assert_eq!(lookup(Context::Exam, ctrl('s')), None, "Ctrl-S does not submit");
        assert_eq!(lookup(Context::Exam, KeyEvent::new(C('a'), KeyModifiers::ALT)), None);
        assert_eq!(lookup(Context::Note, KeyEvent::new(C('G'), KeyModifiers::SHIFT)), Some(Action::Bottom));
    }

    #[test]
    fn the_help_bar_comes_from_the_table() {
        assert!(help_bar(Context::Note).contains("/ search"));
        assert!(help_bar(Context::Question).contains("Enter submit"));
    }
}
