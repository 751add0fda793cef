//! How well a bank measures knowledge rather than test-wiseness: the answer-length cue, what
//! "always pick the longest option" would score, near-duplicate stems, and misconception tags.
use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::{Bank, Kind, Level, Problem, Question, Severity};

/// The built-in bank's limits (issue: content v2). A user bank is only warned.
pub const MAX_SINGLE_LONGEST: f64 = 0.30;
pub const MAX_MULTI_LONGEST: f64 = 0.20;
pub const RATIO_RANGE: (f64, f64) = (0.85, 1.15);
pub const MAX_LONGEST_STRATEGY: f64 = 0.40;
/// Two stems whose word trigrams overlap more than this (Jaccard) are near-duplicates.
pub(crate) const NEAR_DUPLICATE: f64 = 0.8;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LengthCue {
    /// Share of single-answer questions whose right option is strictly the longest.
    pub single_longest: f64,
    /// Share of multiple-response questions whose right options are exactly the longest ones.
    pub multiple_longest: f64,
    /// Median over questions of mean right-option length / mean distractor length (characters).
    pub median_length_ratio: f64,
    /// Expected score of always picking the longest option(s), ties broken at random, over the
    /// `exam`-level questions (all questions if there are none).
    pub longest_option_strategy: f64,
}

impl LengthCue {
    /// One line for `bank check` and `bank stats`.
    pub fn describe(&self) -> String {
        format!(
            "Answer-length cue: right option strictly longest in {:.0}% of single-answer and {:.0}% of \
             multiple-response questions; right/distractor length {:.2} (median); always picking the longest \
             option scores {:.0}% on exam-level questions.",
            100.0 * self.single_longest,
            100.0 * self.multiple_longest,
            self.median_length_ratio,
            100.0 * self.longest_option_strategy
        )
    }
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

fn lengths(q: &Question, correct: bool) -> Vec<usize> {
    q.options.iter().filter(|o| o.correct == correct).map(|o| chars(&o.text)).collect()
}

fn mean(xs: &[usize]) -> f64 {
    if xs.is_empty() { 0.0 } else { xs.iter().sum::<usize>() as f64 / xs.len() as f64 }
}

/// Whether the right option(s) are exactly the strictly longest ones.
fn right_is_longest(q: &Question) -> bool {
    let (right, wrong) = (lengths(q, true), lengths(q, false));
    match (right.iter().min(), wrong.iter().max()) {
        (Some(r), Some(w)) => r > w,
        _ => false,
    }
}

fn binomial(n: usize, k: usize) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

/// The chance that picking the `choose` longest options, breaking ties at random, is right.
pub fn longest_pick_score(q: &Question) -> f64 {
    let k = q.answer_count().max(1);
    let mut lens: Vec<usize> = q.options.iter().map(|o| chars(&o.text)).collect();
    lens.sort_unstable_by(|a, b| b.cmp(a));
    let Some(&cut) = lens.get(k - 1) else { return 0.0 };
    let above: Vec<_> = q.options.iter().filter(|o| chars(&o.text) > cut).collect();
    let tied: Vec<_> = q.options.iter().filter(|o| chars(&o.text) == cut).collect();
    if !above.iter().all(|o| o.correct) {
        return 0.0;
    }
    let need = k - above.len();
    let right_tied = tied.iter().filter(|o| o.correct).count();
    if right_tied < need { 0.0 } else { binomial(right_tied, need) / binomial(tied.len(), need) }
}

fn median(mut xs: Vec<f64>) -> f64 {
    if xs.is_empty() {
        return 1.0;
    }
    xs.sort_by(f64::total_cmp);
    let m = xs.len() / 2;
    if xs.len() % 2 == 1 { xs[m] } else { (xs[m - 1] + xs[m]) / 2.0 }
}

fn share(hits: usize, of: usize) -> f64 {
    if of == 0 { 0.0 } else { hits as f64 / of as f64 }
}

pub fn length_cue(questions: &[Question]) -> LengthCue {
    let single: Vec<_> = questions.iter().filter(|q| q.kind == Kind::Single).collect();
    let multiple: Vec<_> = questions.iter().filter(|q| q.kind == Kind::Multiple).collect();
    let ratios = questions
        .iter()
        .filter_map(|q| {
            let w = mean(&lengths(q, false));
            (w > 0.0).then(|| mean(&lengths(q, true)) / w)
        })
        .collect();
    let exam: Vec<_> = questions.iter().filter(|q| q.level == Level::Exam).collect();
    let scored: Vec<&Question> = if exam.is_empty() { questions.iter().collect() } else { exam };
    LengthCue {
        single_longest: share(single.iter().filter(|q| right_is_longest(q)).count(), single.len()),
        multiple_longest: share(multiple.iter().filter(|q| right_is_longest(q)).count(), multiple.len()),
        median_length_ratio: median(ratios),
        longest_option_strategy: if scored.is_empty() {
            0.0
        } else {
            scored.iter().map(|q| longest_pick_score(q)).sum::<f64>() / scored.len() as f64
        },
    }
}

fn trigrams(text: &str) -> HashSet<[String; 3]> {
    let words: Vec<String> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    words.windows(3).map(|w| [w[0].clone(), w[1].clone(), w[2].clone()]).collect()
}

/// Pairs of question ids whose stems are near-duplicates, with their similarity.
pub fn near_duplicates(questions: &[Question]) -> Vec<(String, String, f64)> {
    let grams: Vec<_> = questions.iter().map(|q| trigrams(&q.stem)).collect();
    let mut out = Vec::new();
    for i in 0..grams.len() {
        for j in i + 1..grams.len() {
            let (a, b) = (&grams[i], &grams[j]);
            if a.is_empty() || b.is_empty() {
                continue;
            }
            let inter = a.intersection(b).count();
            let sim = inter as f64 / (a.len() + b.len() - inter) as f64;
            if sim > NEAR_DUPLICATE {
                out.push((questions[i].id.clone(), questions[j].id.clone(), sim));
            }
        }
    }
    out
}

/// Share of distractors that name a misconception, per level present in the bank.
pub fn tagged_share(questions: &[Question]) -> BTreeMap<String, f64> {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for q in questions {
        let e = counts.entry(q.level.id().to_string()).or_default();
        for o in q.options.iter().filter(|o| !o.correct) {
            e.1 += 1;
            e.0 += usize::from(o.misconception.is_some());
        }
    }
    counts.into_iter().map(|(level, (t, n))| (level, share(t, n))).collect()
}

/// Rules only the built-in bank must meet: 4 to 6 options (what CLF-C02 items look like) and a
/// CLF-C02 domain on every question, which mock exams and readiness weigh by. A user bank may have
/// 2 to 10 options and questions with no domain.
pub fn builtin_problems(bank: &Bank) -> Vec<Problem> {
    let mut out = Vec::new();
    for q in &bank.questions {
        let mut push = |message: String| {
            out.push(Problem {
                severity: Severity::Error,
                file: format!("questions/{}.json", q.topic),
                line: None,
                column: None,
                id: Some(q.id.clone()),
                message,
            })
        };
        if !(4..=6).contains(&q.options.len()) {
            push(format!("has {} options; a built-in question needs 4 to 6", q.options.len()));
        }
        if q.domain.is_none() {
            push("has no `domain`; every built-in question names its CLF-C02 domain".into());
        }
    }
    out
}

/// The length-cue and duplicate findings as problems: errors for the built-in bank, warnings
/// for a learner's own bank (still usable).
pub fn problems(bank: &Bank, severity: Severity) -> Vec<Problem> {
    let cue = length_cue(&bank.questions);
    let mut out = Vec::new();
    let mut push = |message: String| {
        out.push(Problem { severity, file: "questions/".into(), line: None, column: None, id: None, message })
    };
    let pct = |x: f64| format!("{:.0}%", 100.0 * x);
    if cue.single_longest > MAX_SINGLE_LONGEST {
        push(format!(
            "answer-length cue: the right option is strictly the longest in {} of single-answer questions (at most {})",
            pct(cue.single_longest),
            pct(MAX_SINGLE_LONGEST)
        ));
    }
    if cue.multiple_longest > MAX_MULTI_LONGEST {
        push(format!(
            "answer-length cue: the right options are exactly the longest in {} of multiple-response questions (at most {})",
            pct(cue.multiple_longest),
            pct(MAX_MULTI_LONGEST)
        ));
    }
    if !(RATIO_RANGE.0..=RATIO_RANGE.1).contains(&cue.median_length_ratio) {
        push(format!(
            "answer-length cue: right options are {:.2}× as long as distractors (median; keep it within {:.2}–{:.2})",
            cue.median_length_ratio, RATIO_RANGE.0, RATIO_RANGE.1
        ));
    }
    if cue.longest_option_strategy >= MAX_LONGEST_STRATEGY {
        push(format!(
            "always picking the longest option would score {} on exam-level questions (must stay below {})",
            pct(cue.longest_option_strategy),
            pct(MAX_LONGEST_STRATEGY)
        ));
    }
    for (a, b, sim) in near_duplicates(&bank.questions) {
        let message = format!("stems of `{a}` and `{b}` are near-duplicates ({sim:.2} word-trigram similarity)");
        out.push(Problem { severity, file: "questions/".into(), line: None, column: None, id: Some(a), message });
    }
    out
}
