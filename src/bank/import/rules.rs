//! The rules every imported question must meet and the defaults for what a format lacks, applied
//! once for all formats: what breaks a rule is skipped and named, the rest becomes [`Question`]s.
use std::collections::{HashMap, HashSet};

use super::text::strip_verdict;
use super::{
    DEFAULT_DIFFICULTY, DeclaredTopic, Draft, ImportOptions, ImportProblem, ImportReport, Imported, Parsed, ProblemKind,
};
use crate::bank::validate::{id_char, source_problem, valid_id};
use crate::bank::{AnswerOption, Kind, MissingField, Question, Topic};

/// How many options a user bank's question may have: a true/false question has two, and Moodle
/// and spreadsheet banks rarely go past ten.
pub const OPTIONS: std::ops::RangeInclusive<usize> = 2..=10;

/// Lower-case letters and digits (any script) joined by single hyphens, cut at a hyphen to at most
/// `max` bytes; always passes `valid_id` unless empty. Other scripts are kept, so two names in
/// Cyrillic or Greek make two ids instead of one empty one.
pub(crate) fn slug(text: &str, max: usize) -> String {
    let mut out = String::new();
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        // Lower-casing can add combining marks (`İ`), which are not letters: drop them.
        let word: String = word.chars().flat_map(char::to_lowercase).filter(|c| id_char(*c)).collect();
        if word.is_empty() {
            continue;
        }
        let extra = if out.is_empty() { word.len() } else { word.len() + 1 };
        if out.len() + extra > max {
            if out.is_empty() {
                for c in word.chars() {
                    if out.len() + c.len_utf8() > max {
                        break;
                    }
                    out.push(c);
                }
            }
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word);
    }
    out
}

/// A topic from a name in the source: a valid id is used as is; anything else becomes its slug, with
/// the name kept as the title.
pub(crate) fn topic_from_name(name: &str, line: usize) -> Option<DeclaredTopic> {
    let name = name.trim();
    let id = if valid_id(name) { name.to_string() } else { slug(name, 60) };
    (!id.is_empty()).then(|| DeclaredTopic { id, title: name.to_string(), order: None, name: name.to_string(), line })
}

/// Two different names that make the same topic id would merge two topics silently: an error that
/// names both.
fn topic_collisions(declared: &[DeclaredTopic]) -> Vec<ImportProblem> {
    let mut first: HashMap<&str, &DeclaredTopic> = HashMap::new();
    let mut out = Vec::new();
    let mut reported: HashSet<(&str, &str)> = HashSet::new();
    for t in declared {
        match first.get(t.id.as_str()) {
            Some(f) if f.name != t.name => {
                if reported.insert((f.name.as_str(), t.name.as_str())) {
                    out.push(ImportProblem::fatal(
                        t.line,
                        format!(
                            "categories `{}` (line {}) and `{}` both make topic id `{}`; rename one so they stay apart",
                            f.name, f.line, t.name, t.id
                        ),
                    ));
                }
            }
            Some(_) => {}
            None => {
                first.insert(&t.id, t);
            }
        }
    }
    out
}

/// Applies the shared rules and defaults to what a format module read.
pub(super) fn finish(parsed: Parsed, opts: &ImportOptions) -> Result<ImportReport, Vec<ImportProblem>> {
    let Parsed { drafts, topics: declared, problems } = parsed;
    let mut fatal = Vec::new();
    let mut report = ImportReport::default();
    for p in problems {
        match p.kind {
            ProblemKind::Fatal => fatal.push(p),
            ProblemKind::Skipped(_) => report.skipped.push(p),
            ProblemKind::Warning => report.warnings.push(p),
        }
    }
    if !valid_id(&opts.topic) {
        fatal.push(ImportProblem::fatal(0, format!("default topic `{}` is not a valid id", opts.topic)));
    }
    if !valid_id(&opts.id_prefix) {
        fatal.push(ImportProblem::fatal(0, format!("id prefix `{}` is not a valid id", opts.id_prefix)));
    }
    fatal.extend(topic_collisions(&declared));

    let mut kept: Vec<Draft> = Vec::new();
    for mut d in drafts {
        check_draft(&mut d);
        if let Some(item) = skipped_item(&mut d.problems) {
            report.skipped.push(item);
        } else {
            report.warnings.append(&mut d.problems);
            kept.push(d);
        }
    }
    let ids = assign_ids(&mut kept, &opts.id_prefix, &mut report.skipped);
    if kept.is_empty() && fatal.is_empty() {
        let message = if report.skipped.is_empty() {
            "no questions found".to_string()
        } else {
            format!("none of the {} in the file could be imported", crate::text::plural(report.skipped.len(), "item"))
        };
        fatal.push(ImportProblem::fatal(1, message));
    }
    if !fatal.is_empty() {
        fatal.append(&mut report.skipped);
        fatal.sort_by_key(|p| p.line);
        return Err(fatal);
    }
    report.skipped.sort_by_key(|p| p.line);
    report.warnings.sort_by_key(|p| p.line);
    let questions: Vec<Question> = kept.into_iter().zip(ids).map(|(d, id)| question(d, id, opts)).collect();
    let topics = used_topics(&questions, &declared);
    report.imported = Imported { questions, topics };
    Ok(report)
}

/// One skipped item from a question's problems, if any is not a warning: at its first problem's
/// line, under that problem's reason, with every message.
fn skipped_item(problems: &mut [ImportProblem]) -> Option<ImportProblem> {
    problems.sort_by_key(|p| p.line);
    let errors: Vec<&ImportProblem> = problems.iter().filter(|p| !p.is_warning()).collect();
    let first = errors.first()?;
    let mut message = first.message.clone();
    for p in &errors[1..] {
        if p.line == first.line {
            message.push_str(&format!("; {}", p.message));
        } else {
            message.push_str(&format!("; line {}: {}", p.line, p.message));
        }
    }
    Some(ImportProblem { line: first.line, message, kind: first.kind })
}

fn question(d: Draft, id: String, opts: &ImportOptions) -> Question {
    let correct = d.options.iter().filter(|o| o.correct).count();
    let (kind, choose) = if correct > 1 { (Kind::Multiple, u8::try_from(correct).ok()) } else { (Kind::Single, None) };
    let options: Vec<AnswerOption> = d
        .options
        .into_iter()
        .map(|o| AnswerOption {
            explanation: strip_verdict(&o.explanation, o.correct).to_string(),
            text: o.text,
            correct: o.correct,
            misconception: None,
        })
        .collect();
    let mut missing = Vec::new();
    if d.explanation.trim().is_empty() || options.iter().any(|o| o.explanation.trim().is_empty()) {
        missing.push(MissingField::Explanation);
    }
    if d.sources.is_empty() {
        missing.push(MissingField::Sources);
    }
    Question {
        id,
        topic: d.topic.unwrap_or_else(|| opts.topic.clone()),
        // No CLF-C02 domain unless the file states one: a foreign bank's subject is rarely an exam domain.
        domain: d.domain,
        difficulty: d.difficulty.unwrap_or(DEFAULT_DIFFICULTY),
        level: d.level.unwrap_or_default(),
        kind,
        choose,
        stem: d.stem,
        options,
        explanation: d.explanation,
        sources: d.sources,
        tags: d.tags,
        notes: d.notes,
        missing,
    }
}

/// The rules `bank check` would apply, reported at the source line instead of a JSON position.
fn check_draft(d: &mut Draft) {
    let mut found = Vec::new();
    let mut report = |line: usize, message: String| found.push(ImportProblem::new(line, message));
    if d.stem.trim().is_empty() {
        report(d.line, "the question has no text".into());
    }
    // Escape sequences in imported text could retitle a terminal or write its clipboard.
    let texts = std::iter::once((d.line, &d.stem))
        .chain(std::iter::once((d.line, &d.explanation)))
        .chain(d.options.iter().flat_map(|o| [(o.line, &o.text), (o.line, &o.explanation)]));
    for (line, text) in texts {
        if let Some(c) = crate::term::first_control(text) {
            report(line, format!("contains the control character U+{:04X}", u32::from(c)));
        }
    }
    let n = d.options.len();
    if !OPTIONS.contains(&n) {
        report(d.line, format!("has {n} options; a question needs {} to {}", OPTIONS.start(), OPTIONS.end()));
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, o) in d.options.iter().enumerate() {
        let text = o.text.trim();
        if text.is_empty() {
            report(o.line, format!("option {} has no text", i + 1));
        } else if let Some(first) = seen.get(text) {
            report(o.line, format!("option {} repeats the text of option {first}", i + 1));
        } else {
            seen.insert(text, i + 1);
        }
    }
    if n > 0 && !d.answer_reported && !d.options.iter().any(|o| o.correct) {
        report(d.line, "no option is marked correct".into());
    }
    if let Some(diff) = d.difficulty.filter(|x| !(1..=3).contains(x)) {
        report(d.line, format!("difficulty must be 1, 2 or 3, found {diff}"));
    }
    for url in &d.sources {
        if let Some(msg) = source_problem(url) {
            report(d.line, msg);
        }
    }
    d.problems.append(&mut found);
}

/// Ids in draft order: stated ids as they are (checked and unique; a question whose stated id is
/// bad or taken is skipped), then generated ones that avoid every stated id and each other by a
/// `-2`, `-3` suffix. Linear: each base remembers the next suffix to try.
fn assign_ids(drafts: &mut Vec<Draft>, prefix: &str, skipped: &mut Vec<ImportProblem>) -> Vec<String> {
    let mut stated: HashMap<String, usize> = HashMap::new();
    drafts.retain(|d| {
        let Some((id, line)) = &d.id else { return true };
        let problem = if !valid_id(id) {
            format!("id `{id}` must be lower-case letters, digits and single hyphens")
        } else if let Some(first) = stated.get(id.as_str()) {
            format!("duplicate id `{id}` (first at line {first})")
        } else {
            stated.insert(id.clone(), *line);
            return true;
        };
        skipped.push(ImportProblem::new(*line, problem));
        false
    });
    let mut taken: HashSet<String> = stated.into_keys().collect();
    let mut next: HashMap<String, usize> = HashMap::new();
    drafts
        .iter()
        .enumerate()
        .map(|(i, d)| {
            if let Some((id, _)) = &d.id {
                return id.clone();
            }
            let title = d.title.as_deref().map(|t| slug(t, 48)).filter(|s| !s.is_empty());
            let base = match title {
                Some(t) => format!("{prefix}-{t}"),
                None => format!("{prefix}-{:03}", i + 1),
            };
            let n = next.entry(base.clone()).or_insert(1);
            let mut id = if *n == 1 { base.clone() } else { format!("{base}-{n}") };
            while taken.contains(&id) {
                *n += 1;
                id = format!("{base}-{n}");
            }
            *n += 1;
            taken.insert(id.clone());
            id
        })
        .collect()
}

/// The topics the questions use, in order of first use, titled and ordered as declared where declared.
fn used_topics(questions: &[Question], declared: &[DeclaredTopic]) -> Vec<Topic> {
    let mut topics: Vec<Topic> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for q in questions {
        if !seen.insert(q.topic.as_str()) {
            continue;
        }
        let decl = declared.iter().find(|t| t.id == q.topic);
        let position = u32::try_from(topics.len() + 1).unwrap_or(u32::MAX);
        topics.push(Topic {
            id: q.topic.clone(),
            title: decl.map_or_else(|| q.topic.clone(), |t| t.title.clone()),
            order: decl.and_then(|t| t.order).unwrap_or(position),
        });
    }
    topics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_valid_ids_and_cut_at_a_hyphen() {
        assert_eq!(slug("What is API Gateway's default TTL?", 48), "what-is-api-gateway-s-default-ttl");
        assert_eq!(slug("one two three", 8), "one-two");
        assert_eq!(slug("supercalifragilistic", 5), "super");
        assert_eq!(slug("¿¡!", 10), "");
        assert!(valid_id(&slug(" Mixed -- CASE_name 42 ", 40)));
    }

    #[test]
    fn slugs_keep_other_scripts() {
        assert_eq!(slug("Управление проектами", 60), "управление-проектами");
        assert_eq!(slug("Café Über", 60), "café-über");
        assert_eq!(slug("Привет", 7), "при", "cut at a character boundary within the byte limit");
        assert!(valid_id(&slug("Управление проектами", 60)));
        assert!(valid_id(&slug("İstanbul 東京", 60)), "{}", slug("İstanbul 東京", 60));
    }

    #[test]
    fn topic_names_keep_valid_ids_and_slug_the_rest() {
        let t = topic_from_name("usage-plans", 1).expect("topic");
        assert_eq!((t.id.as_str(), t.title.as_str()), ("usage-plans", "usage-plans"));
        let t = topic_from_name("Usage plans & keys", 1).expect("topic");
        assert_eq!((t.id.as_str(), t.title.as_str()), ("usage-plans-keys", "Usage plans & keys"));
        assert!(topic_from_name("***", 1).is_none());
    }

    #[test]
    fn ids_for_many_identical_titles_are_made_in_linear_time() {
        let mut drafts: Vec<Draft> =
            (0..10_000).map(|_| Draft { title: Some("Same".into()), ..Draft::default() }).collect();
        let started = std::time::Instant::now();
        let ids = assign_ids(&mut drafts, "p", &mut Vec::new());
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
        assert_eq!((ids[0].as_str(), ids[1].as_str(), ids[9_999].as_str()), ("p-same", "p-same-2", "p-same-10000"));
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 10_000);
    }
}
