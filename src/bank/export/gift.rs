//! Moodle GIFT export that `bank import --format gift` reads back to the same questions.
//!
//! GIFT carries the stem, the options with their correctness and feedback, the general feedback and
//! the category. What it cannot carry (id, domain, difficulty, sources, tags, note links) goes in a
//! `// gatewise: {json}` comment line before each question, and each topic's id and order in a
//! `// gatewise-topic: {json}` line before its `$CATEGORY:`. Moodle ignores comments, so the file
//! still imports there.
use crate::bank::import::gift::{QUESTION_META, QuestionMeta, TOPIC_META, TopicMeta};
use crate::bank::{Kind, Question, Topic};

/// Bank text is Markdown. Moodle reads text with no marker as its own auto-format (HTML allowed), so
/// the stem says `[markdown]`; answers and feedback share the stem's format unless they start with
/// `[`, where their own marker keeps a literal `[plain]` from being read as one.
const FORMAT: &str = "[markdown]";

fn text(t: &str) -> String {
    if t.starts_with('[') { format!("{FORMAT}{}", escape(t)) } else { escape(t) }
}

/// GIFT's control characters and the backslash are escaped; a line break is `\n`, since a blank line
/// would end the question.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '~' | '=' | '#' | '{' | '}' | ':' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// A category name: Moodle reads `/` as a path separator and `//` as a slash in a name.
fn category_name(title: &str) -> String {
    title.replace('/', "//").replace('\n', " ")
}

/// `100 / n` as Moodle writes a weight: `50`, `33.33333`.
fn share(n: usize) -> String {
    let w = format!("{:.5}", 100.0 / n.max(1) as f64);
    w.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn json<T: serde::Serialize>(value: &T) -> String {
    // Plain structs of strings and numbers always serialize.
    serde_json::to_string(value).unwrap_or_default()
}

/// The GIFT text for `questions`, grouped under a `$CATEGORY:` wherever the topic changes; `topics`
/// give the category names (a topic not in it is named by its id).
pub fn export_gift(questions: &[Question], topics: &[Topic]) -> String {
    let mut out = String::from(
        "// Exported by gatewise (Moodle GIFT). The `// gatewise` comment lines carry what GIFT cannot:\n\
         // ids, domains, difficulty, sources, tags and note links, so that\n\
         // `gatewise bank import --format gift` restores every question exactly.\n",
    );
    let mut topic: Option<&str> = None;
    for q in questions {
        if topic != Some(q.topic.as_str()) {
            let t = topics.iter().find(|t| t.id == q.topic);
            let meta = TopicMeta { id: q.topic.clone(), order: t.map(|t| t.order) };
            out.push_str(&format!("\n{TOPIC_META} {}\n", json(&meta)));
            out.push_str(&format!("$CATEGORY: {}\n", category_name(t.map_or(&q.topic, |t| &t.title))));
            topic = Some(&q.topic);
        }
        let meta = QuestionMeta {
            id: Some(q.id.clone()),
            domain: q.domain,
            difficulty: Some(q.difficulty),
            level: Some(q.level),
            sources: q.sources.clone(),
            tags: q.tags.clone(),
            notes: q.notes.clone(),
        };
        out.push_str(&format!("\n{QUESTION_META} {}\n", json(&meta)));
        out.push_str(&format!("::{}::{FORMAT}{} {{\n", escape(&q.id), escape(&q.stem)));
        let right_share = share(q.answer_count());
        for o in &q.options {
            // Single answer: `=` right, `~` wrong. Multiple response: Moodle's convention, every
            // answer `~` with the right ones sharing 100% and the wrong ones at -100%.
            let marker = match (q.kind, o.correct) {
                (Kind::Multiple, true) => format!("~%{right_share}%"),
                (Kind::Multiple, false) => "~%-100%".to_string(),
                // Moodle reads `=` text as written, `%` and all; after `~` a text starting with
                // `%` could read as a weight, so a zero weight is written out.
                (Kind::Single, false) if o.text.starts_with('%') => "~%0%".to_string(),
                (Kind::Single, true) => "=".to_string(),
                (Kind::Single, false) => "~".to_string(),
            };
            out.push_str(&format!("\t{marker}{}", text(&o.text)));
            if !o.explanation.is_empty() {
                out.push_str(&format!(" #{}", text(&o.explanation)));
            }
            out.push('\n');
        }
        if !q.explanation.is_empty() {
            out.push_str(&format!("\t####{}\n", text(&q.explanation)));
        }
        out.push_str("}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_weights() {
        assert_eq!(escape("a=b ~c #d {e} f:g \\h\ni"), "a\\=b \\~c \\#d \\{e\\} f\\:g \\\\h\\ni");
        assert_eq!(share(1), "100");
        assert_eq!(share(2), "50");
        assert_eq!(share(3), "33.33333");
        assert_eq!(share(6), "16.66667");
        assert_eq!(category_name("A/B"), "A//B");
    }
}
