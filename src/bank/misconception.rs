//! The misconception catalogue (`content/misconceptions.json`): wrong beliefs a learner's chosen
//! distractors reveal, each with its correction and the note section that teaches it.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Misconception {
    pub id: String,
    /// The wrong belief, in the learner's voice.
    pub belief: String,
    /// What is true instead, in one sentence.
    pub correction: String,
    /// The AWS page that settles it.
    pub source: String,
    /// The note that teaches the correction, and the heading in it.
    pub note: String,
    pub heading: String,
}

/// The headings of a Markdown note as plain text (no `#`, no emphasis or code marks), skipping
/// fenced code blocks, in order.
pub fn note_headings(body: &str) -> Vec<String> {
    let mut in_fence = false;
    let mut out = Vec::new();
    for line in body.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence || !t.starts_with('#') {
            continue;
        }
        let text = t.trim_start_matches('#');
        if text.starts_with(' ') || text.is_empty() {
            out.push(plain_heading(text));
        }
    }
    out
}

/// A heading without its inline markup, as a learner reads it.
pub fn plain_heading(text: &str) -> String {
    text.replace("**", "").replace(['*', '`'], "").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_skip_code_and_drop_markup() {
        let body = "# Title\ntext\n```\n# not a heading\n```\n## API keys are **not** `auth`\n#hashtag\n";
        assert_eq!(note_headings(body), vec!["Title".to_string(), "API keys are not auth".to_string()]);
    }
}
