//! The keymap: one table per context that both dispatches keys and draws the help bar and
//! the `?` overlay, so what the screen says is always what the keys do. A binding is a key code
//! plus modifiers; its help text is its action's description.
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// Where the learner is, as far as keys are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Home,
    Banks,
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
    /// A text field is being typed: characters are text, and only these keys edit.
    TextEntry,
    LabWs,
}

impl Context {
    pub const ALL: [Context; 20] = [
        Context::Home,
        Context::Banks,
        Context::StudyList,
        Context::Note,
        Context::Faq,
        Context::PracticeSetup,
        Context::Question,
        Context::Feedback,
        Context::Summary,
        Context::ExamStart,
        Context::Exam,
        Context::ExamReview,
        Context::Confirm,
        Context::Results,
        Context::ResultDetail,
        Context::Review,
        Context::LabList,
        Context::Lab,
        Context::LabWs,
        Context::TextEntry,
    ];
}

/// Keys that do one action: any of `keys` held with exactly `mods`. Shift is not a modifier
/// here but part of the character (`G`, `?`), so a binding names the character it types.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [KeyCode],
    pub mods: KeyModifiers,
    pub label: &'static str,
    /// For an action that carries an index (`Choose`, `OpenEntry`, `GoToPage`), the key's own
    /// digit or letter gives it: `3` and `c` are the third.
    pub action: Action,
    /// Shown in the one-line help bar (the rest only in the `?` overlay).
    pub bar: bool,
}

impl Binding {
    /// The help text: the action's description, so the table cannot contradict what it does.
    pub fn help(&self) -> &'static str {
        self.action.describe()
    }
}

const fn b(keys: &'static [KeyCode], label: &'static str, action: Action, bar: bool) -> Binding {
    Binding { keys, mods: KeyModifiers::NONE, label, action, bar }
}

use KeyCode::{
    Backspace, Char as C, Delete, Down, End, Enter, Esc, Home as HomeKey, Left, PageDown, PageUp, Right, Tab, Up,
};

const NAV: [Binding; 4] = [
    b(&[Up, C('k')], "↑/k", Action::Up, false),
    b(&[Down, C('j')], "↓/j", Action::Down, false),
    b(&[PageUp], "PgUp", Action::PageUp, false),
    b(&[PageDown], "PgDn", Action::PageDown, false),
];
const COMMON: [Binding; 4] = [
    b(&[C('?')], "?", Action::Help, true),
    b(&[Esc], "Esc", Action::Back, true),
    b(&[C('q')], "q", Action::Quit, true),
    GLOBAL[0],
];
/// Keys that work everywhere, even while text is being typed.
const GLOBAL: [Binding; 1] =
    [Binding { keys: &[C('c')], mods: KeyModifiers::CONTROL, label: "Ctrl-C", action: Action::Quit, bar: false }];

/// Option keys: a user bank may have up to ten options. `j` is also "move down", so it picks only
/// a tenth option where one exists (see [`lookup`]).
const OPTION_KEYS: &[KeyCode] = &[
    C('1'),
    C('2'),
    C('3'),
    C('4'),
    C('5'),
    C('6'),
    C('7'),
    C('8'),
    C('9'),
    C('a'),
    C('b'),
    C('c'),
    C('d'),
    C('e'),
    C('f'),
    C('g'),
    C('h'),
    C('i'),
];
const FIVE_DIGITS: &[KeyCode] = &[C('1'), C('2'), C('3'), C('4'), C('5')];

const HOME: &[Binding] = &[
    b(&[Enter], "Enter", Action::Open, true),
    b(FIVE_DIGITS, "1-5", Action::OpenEntry(0), false),
    b(&[C('b')], "b", Action::SwitchBank, true),
];
const BANKS: &[Binding] = &[b(&[Enter], "Enter", Action::UseBank, true)];
const STUDY_LIST: &[Binding] = &[
    b(&[Enter], "Enter", Action::ReadNote, true),
    b(&[Tab], "Tab", Action::ShowFaq, true),
    b(&[C('p')], "p", Action::PractiseTopic, true),
];
const NOTE: &[Binding] = &[
    b(&[C('g'), HomeKey], "g", Action::Top, false),
    b(&[C('G'), End], "G", Action::Bottom, false),
    b(&[C('/')], "/", Action::Search, true),
    b(&[C('n')], "n", Action::SearchNext, true),
    b(&[C('N')], "N", Action::SearchPrev, false),
    b(&[C('p')], "p", Action::PractiseTopic, true),
    b(&[C('l')], "l", Action::OpenLab, true),
    b(&[C(' ')], "Space", Action::PageDown, false),
];
const FAQ: &[Binding] = &[
    b(&[Enter, C(' ')], "Enter", Action::ToggleEntry, true),
    b(&[Tab], "Tab", Action::ShowNotes, true),
    b(&[C('/')], "/", Action::Search, true),
    b(&[C('n')], "n", Action::SearchNext, true),
    b(&[C('N')], "N", Action::SearchPrev, false),
    b(&[C('g'), HomeKey], "g", Action::Top, false),
    b(&[C('G'), End], "G", Action::Bottom, false),
];
const SETUP: &[Binding] = &[
    b(&[Enter], "Enter", Action::Start, true),
    b(&[C(' ')], "Space", Action::ToggleTopic, true),
    b(&[C('c')], "c", Action::ToggleCram, true),
    b(&[C('l')], "l", Action::CycleLevel, true),
];
const QUESTION: &[Binding] = &[
    b(OPTION_KEYS, "1-9/a-j", Action::Choose(0), true),
    b(&[C(' ')], "Space", Action::ToggleHighlighted, true),
    b(&[Enter], "Enter", Action::SubmitAnswer, true),
    b(&[Tab], "Tab", Action::MarkConfidence, true),
];
const FEEDBACK: &[Binding] =
    &[b(&[Enter, C('n')], "Enter", Action::Continue, true), b(&[C('o')], "o", Action::OpenNote, true)];
const SUMMARY: &[Binding] = &[b(&[Enter], "Enter", Action::Done, true)];
const EXAM_START: &[Binding] =
    &[b(&[Enter], "Enter", Action::Start, true), b(&[C(' ')], "Space", Action::ToggleUnseenFirst, true)];
const EXAM: &[Binding] = &[
    b(OPTION_KEYS, "1-9/a-j", Action::Choose(0), true),
    b(&[C(' ')], "Space", Action::ToggleHighlighted, false),
    b(&[KeyCode::Right, C('n')], "→/n", Action::NextQuestion, true),
    b(&[KeyCode::Left, C('p')], "←/p", Action::PrevQuestion, true),
    b(&[C('m')], "m", Action::Flag, true),
    b(&[C('r')], "r", Action::OpenReviewList, true),
    b(&[C('s')], "s", Action::SubmitExam, true),
];
const EXAM_REVIEW: &[Binding] =
    &[b(&[Enter], "Enter", Action::GoToQuestion, true), b(&[C('s')], "s", Action::SubmitExam, true)];
const CONFIRM: &[Binding] = &[b(&[Enter, C('y')], "Enter/y", Action::ConfirmSubmit, true)];
const RESULTS: &[Binding] =
    &[b(&[Enter], "Enter", Action::OpenQuestion, true), b(&[Tab], "Tab", Action::CycleFilter, true)];
const REVIEW: &[Binding] = &[
    b(&[Tab, KeyCode::Right], "Tab", Action::NextPage, true),
    b(&[KeyCode::Left], "←", Action::PrevPage, false),
    b(FIVE_DIGITS, "1-5", Action::GoToPage(0), false),
    b(&[Enter], "Enter", Action::DrillSelected, false),
    b(&[C('d')], "d", Action::DrillAll, true),
    b(&[C('/')], "/", Action::SetExamDate, true),
    b(&[C(' ')], "Space", Action::CycleRetention, true),
];
const LAB_LIST: &[Binding] = &[b(&[Enter], "Enter", Action::OpenScenario, true)];
const LAB: &[Binding] = &[
    b(&[Enter], "Enter", Action::Send, true),
    b(&[C('f')], "f", Action::FireBurst, true),
    b(&[C('F')], "F", Action::FireCount, false),
    b(&[KeyCode::Right], "→", Action::NextPreset, true),
    b(&[KeyCode::Left], "←", Action::PrevPreset, false),
    b(&[C('+')], "+", Action::ClockSecond, true),
    b(&[C('>')], ">", Action::ClockMinute, true),
    b(&[C('M')], "M", Action::ClockMidnight, true),
    b(&[C('v')], "v", Action::SwitchStage, true),
    b(&[Tab], "Tab", Action::NextPane, true),
    b(&[C('h')], "h", Action::ToggleHints, true),
    b(&[C('u')], "u", Action::AskQuestions, true),
    b(&[C('L')], "L", Action::ToggleLive, true),
    b(&[C('m')], "m", Action::CycleMethod, false),
    b(&[C('e')], "e", Action::EditPath, false),
    b(&[C('H')], "H", Action::SetHeader, false),
    b(&[C('b')], "b", Action::EditBody, false),
];
const RESULT_DETAIL: &[Binding] = &[b(&[C('o')], "o", Action::OpenNote, true)];
/// Editing keys of a text field; any other plain character is typed.
const TEXT_ENTRY: &[Binding] = &[
    b(&[Enter], "Enter", Action::Keep, true),
    b(&[Esc], "Esc", Action::Cancel, true),
    b(&[Left], "←", Action::CursorLeft, true),
    b(&[Right], "→", Action::CursorRight, true),
    b(&[HomeKey], "Home", Action::CursorStart, false),
    b(&[End], "End", Action::CursorEnd, false),
    b(&[Backspace], "Backspace", Action::DeleteBack, false),
    b(&[Delete], "Del", Action::DeleteForward, false),
];
const LAB_WS: &[Binding] = &[
    b(&[Tab], "Tab", Action::NextClient, true),
    b(&[C('c')], "c", Action::WsConnect, true),
    b(&[C('n')], "n", Action::WsConnectBare, false),
    b(&[Enter], "Enter", Action::Send, true),
    b(&[KeyCode::Right], "→", Action::NextPreset, true),
    b(&[KeyCode::Left], "←", Action::PrevPreset, false),
    b(&[C('x')], "x", Action::WsClose, true),
    b(&[C('p')], "p", Action::WsCallback, true),
    b(&[C('>')], ">", Action::ClockMinute, true),
    b(&[C('T')], "T", Action::ClockTenMinutes, true),
    b(&[C('h')], "h", Action::ToggleHints, true),
    b(&[C('u')], "u", Action::AskQuestions, true),
    b(&[C('L')], "L", Action::ToggleLiveWs, true),
];

/// The bindings of a context, most specific first; navigation and common keys last (while
/// text is typed, only the global ones: `q` or `j` are text there).
pub(crate) fn bindings(ctx: Context) -> Vec<Binding> {
    let specific: &[Binding] = match ctx {
        Context::TextEntry => return TEXT_ENTRY.iter().chain(GLOBAL.iter()).copied().collect(),
        Context::Home => HOME,
        Context::Banks => BANKS,
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

/// A key event as bindings name it: Shift dropped from characters (it is in the character
/// already, and terminals differ in reporting it), every other modifier kept, so a chord is
/// never its plain key (Ctrl-S in an exam must not submit it).
fn normalize(key: KeyEvent) -> (KeyCode, KeyModifiers) {
    let mods = match key.code {
        C(_) => key.modifiers - KeyModifiers::SHIFT,
        _ => key.modifiers,
    };
    (key.code, mods)
}

/// The 0-based item a digit or letter key names (`1` and `a` are the first).
fn index_of(code: KeyCode) -> usize {
    match code {
        C(d @ '1'..='9') => usize::from(d as u8 - b'1'),
        C(l @ 'a'..='z') => usize::from(l as u8 - b'a'),
        _ => 0,
    }
}

fn find(table: &[Binding], key: KeyEvent) -> Option<Action> {
    let (code, mods) = normalize(key);
    table.iter().find(|bd| bd.mods == mods && bd.keys.contains(&code)).map(|bd| bd.action.nth(index_of(code)))
}

/// The action for a key that works everywhere, even while text is typed (Ctrl-C).
pub(crate) fn global(key: KeyEvent) -> Option<Action> {
    find(&GLOBAL, key)
}

/// The action for a key in a context: key code and modifiers must both match a binding.
/// `options` is how many options the question on screen has (0 where there is none): an option
/// key past them does nothing, and `j` picks the tenth option where there is one (else it moves
/// down).
pub(crate) fn lookup(ctx: Context, key: KeyEvent, options: usize) -> Option<Action> {
    if matches!(ctx, Context::Question | Context::Exam)
        && normalize(key) == (C('j'), KeyModifiers::NONE)
        && options >= 10
    {
        return Some(Action::Choose(9));
    }
    match find(&bindings(ctx), key) {
        Some(Action::Choose(i)) if i >= options => None,
        other => other,
    }
}

/// The one-line help bar for a context.
pub(crate) fn help_bar(ctx: Context) -> String {
    bindings(ctx).iter().filter(|b| b.bar).map(|b| format!("{} {}", b.label, b.help())).collect::<Vec<_>>().join("  ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn option_keys_follow_the_option_count() {
        // Ten options: g to j and 7 to 9 pick, and j is the tenth option, not "down".
        for (c, i) in [('g', 6), ('h', 7), ('i', 8), ('j', 9), ('7', 6), ('9', 8)] {
            assert_eq!(lookup(Context::Question, key(C(c)), 10), Some(Action::Choose(i)), "{c}");
            assert_eq!(lookup(Context::Exam, key(C(c)), 10), Some(Action::Choose(i)), "{c}");
        }
        // Four options: keys past them pick nothing, and j moves down again.
        assert_eq!(lookup(Context::Question, key(C('j')), 4), Some(Action::Down));
        assert_eq!(lookup(Context::Exam, key(C('e')), 4), None);
        assert_eq!(lookup(Context::Exam, key(C('d')), 4), Some(Action::Choose(3)));
        assert_eq!(lookup(Context::Note, key(C('a')), 10), None, "only questions pick");
    }

    #[test]
    fn options_by_digit_and_letter() {
        assert_eq!(lookup(Context::Question, key(C('3')), 4), Some(Action::Choose(2)));
        assert_eq!(lookup(Context::Question, key(C('c')), 4), Some(Action::Choose(2)));
        assert_eq!(lookup(Context::Exam, key(C('f')), 6), Some(Action::Choose(5)));
        assert_eq!(lookup(Context::Question, key(Enter), 4), Some(Action::SubmitAnswer));
        assert_eq!(lookup(Context::Home, key(C('4')), 4), Some(Action::OpenEntry(3)));
        assert_eq!(lookup(Context::Home, key(C('6')), 4), None);
        assert_eq!(lookup(Context::Review, key(C('2')), 4), Some(Action::GoToPage(1)));
        assert_eq!(lookup(Context::Note, key(C('/')), 4), Some(Action::Search));
        assert_eq!(lookup(Context::Note, key(C('q')), 4), Some(Action::Quit));
        assert_eq!(lookup(Context::Home, KeyEvent::new(C('c'), KeyModifiers::CONTROL), 4), Some(Action::Quit));
    }

    #[test]
    fn the_lab_and_home_keys_are_named_for_what_they_do() {
        assert_eq!(lookup(Context::Lab, key(C('e')), 4), Some(Action::EditPath));
        assert_eq!(lookup(Context::Lab, key(C('H')), 4), Some(Action::SetHeader));
        assert_eq!(lookup(Context::Lab, key(C('b')), 4), Some(Action::EditBody));
        assert_eq!(lookup(Context::Lab, key(C('v')), 4), Some(Action::SwitchStage));
        assert_eq!(lookup(Context::Lab, key(C('h')), 4), Some(Action::ToggleHints));
        assert_eq!(lookup(Context::Home, key(C('b')), 4), Some(Action::SwitchBank));
        assert_eq!(lookup(Context::Note, key(C('l')), 4), Some(Action::OpenLab));
        assert_eq!(lookup(Context::Banks, key(Enter), 4), Some(Action::UseBank));
    }

    #[test]
    fn chords_are_not_their_plain_keys() {
        let ctrl = |c| KeyEvent::new(C(c), KeyModifiers::CONTROL);
        assert_eq!(lookup(Context::Exam, key(C('s')), 4), Some(Action::SubmitExam));
        assert_eq!(lookup(Context::Exam, ctrl('s'), 4), None, "Ctrl-S does not submit");
        assert_eq!(lookup(Context::Exam, KeyEvent::new(C('a'), KeyModifiers::ALT), 4), None);
        assert_eq!(lookup(Context::Exam, KeyEvent::new(C('a'), KeyModifiers::SUPER), 4), None);
        assert_eq!(lookup(Context::Lab, KeyEvent::new(Enter, KeyModifiers::CONTROL), 4), None);
        // Shift is part of the character, however the terminal reports it.
        assert_eq!(lookup(Context::Note, KeyEvent::new(C('G'), KeyModifiers::SHIFT), 4), Some(Action::Bottom));
        assert_eq!(lookup(Context::Note, key(C('G')), 4), Some(Action::Bottom));
        assert_eq!(lookup(Context::Note, KeyEvent::new(C('?'), KeyModifiers::SHIFT), 4), Some(Action::Help));
        assert_eq!(global(ctrl('c')), Some(Action::Quit));
        assert_eq!(global(key(C('c'))), None);
        assert_eq!(global(KeyEvent::new(C('c'), KeyModifiers::CONTROL | KeyModifiers::ALT)), None);
    }

    #[test]
    fn no_key_is_bound_twice_in_a_context() {
        for ctx in Context::ALL {
            let mut seen: Vec<(KeyCode, KeyModifiers, &str)> = Vec::new();
            for bd in bindings(ctx) {
                for code in bd.keys {
                    if let Some((_, _, other)) = seen.iter().find(|(c, m, _)| c == code && *m == bd.mods) {
                        panic!("{ctx:?}: {code:?} ({:?}) is bound to both {other:?} and {:?}", bd.mods, bd.help());
                    }
                    seen.push((*code, bd.mods, bd.help()));
                }
            }
        }
    }

    #[test]
    fn every_action_is_described_and_bound_somewhere() {
        for action in Action::ALL {
            assert!(!action.describe().trim().is_empty(), "{action:?} has no description");
            let bound = Context::ALL.iter().any(|c| bindings(*c).iter().any(|bd| bd.action == action));
            assert!(bound, "{action:?} has no key");
        }
        for ctx in Context::ALL {
            for bd in bindings(ctx) {
                assert!(Action::ALL.contains(&bd.action), "{:?} is missing from Action::ALL", bd.action);
                assert!(!bd.label.is_empty() && !bd.keys.is_empty(), "{ctx:?}: {:?}", bd.action);
            }
        }
    }

    #[test]
    fn the_help_bar_comes_from_the_table() {
        assert!(help_bar(Context::Note).contains("/ search"));
        assert!(help_bar(Context::Question).contains("Enter submit"));
        assert!(help_bar(Context::Banks).starts_with("Enter study this bank"));
        assert!(!help_bar(Context::Banks).contains("scenario"));
    }
}
