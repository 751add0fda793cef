//! Anki's text import ("Notes in Plain Text"), with the file headers Anki 2.1.55+ reads so the file
//! imports without choosing anything, in any language: tab-separated, HTML fields, the Basic note
//! type, one deck per bank, a GUID column unique across banks and a tags column.
//!
//! Re-importing updates notes in place because of the GUID column: Anki never duplicates a row whose
//! GUID it already has, and its "existing notes" choice defaults to update. There is no header for
//! that choice (Anki reads only `separator`, `html`, `tags`, `columns`, `notetype`, `deck`, and the
//! `notetype`, `deck`, `tags` and `guid column`s), so a learner who set it to "preserve" in Anki's
//! import dialog keeps their old notes; `scripts/anki_roundtrip.py` checks this with Anki's importer.
//!
//! Columns map to fields by position, not by a `#columns:` header: that header names fields, and a
//! German or Japanese Anki's Basic note type calls its fields something other than Front and Back.
use crate::bank::{Kind, Question, count_word};

/// Anki reads these `#key:value` lines before the first note; `#deck:` follows, per bank.
const HEADER: &str = "#separator:tab\n#html:true\n#notetype:Basic\n#guid column:1\n#tags column:4\n";

/// A deck name: Anki reads `::` as a sub-deck and ends the header line at a line break.
fn deck(bank: &str) -> String {
    let name: String = bank.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    format!("gatewise::{}", name.trim().replace("::", ":"))
}

/// HTML for a field: markup characters as entities, line breaks as `<br>`. No tab, newline or `"`
/// is left, so the field can never be split, ended or read as quoted by Anki's CSV reader.
fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("<br>"),
            '\t' => out.push_str("&#9;"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

fn letter(i: usize) -> char {
    u8::try_from(i).ok().and_then(|i| b'A'.checked_add(i)).map_or('?', char::from)
}

/// Anki splits tags on whitespace; a quote would confuse its CSV reader.
fn tag(t: &str) -> String {
    t.chars().map(|c| if c.is_whitespace() || c == '"' { '_' } else { c }).collect()
}

/// Front: the stem and the lettered options.
fn front(q: &Question) -> String {
    let mut out = html(&q.stem);
    out.push_str("<br><br>");
    let options: Vec<String> =
        q.options.iter().enumerate().map(|(i, o)| format!("{}. {}", letter(i), html(&o.text))).collect();
    out.push_str(&options.join("<br>"));
    // Anki shows no checkboxes, so say how many to pick unless the stem already does.
    let choose = format!("choose {}", count_word(q.answer_count()).to_ascii_lowercase());
    if q.kind == Kind::Multiple && !q.stem.to_ascii_lowercase().contains(&choose) {
        out.push_str(&format!("<br><br><i>Choose {}.</i>", count_word(q.answer_count())));
    }
    out
}

/// Back: the right letters, the explanation, why each option is right or wrong, and the sources.
fn back(q: &Question) -> String {
    let letters: Vec<String> = q.correct_indices().into_iter().map(|i| letter(i).to_string()).collect();
    let label = if letters.len() == 1 { "Answer" } else { "Answers" };
    let mut parts = vec![format!("<b>{label}: {}</b>", letters.join(", "))];
    if !q.explanation.is_empty() {
        parts.push(html(&q.explanation));
    }
    let why: Vec<String> = q
        .options
        .iter()
        .enumerate()
        .filter(|(_, o)| !o.explanation.is_empty())
        .map(|(i, o)| format!("{}. {}", letter(i), html(&o.explanation)))
        .collect();
    if !why.is_empty() {
        parts.push(why.join("<br>"));
    }
    if !q.sources.is_empty() {
        let links: Vec<String> = q.sources.iter().map(|s| format!("<a href=\"{}\">{}</a>", html(s), html(s))).collect();
        parts.push(format!("Sources: {}", links.join("<br>")));
    }
    parts.join("<br><br>")
}

/// The Anki import file for `questions` of the bank named `bank`: one Basic note each in the deck
/// `gatewise::<bank>`, tagged `gatewise`, `topic::<id>`, `domain::<id>` (when it has one) and the
/// question's own tags. The GUID is `gatewise-<bank>-<id>`: ids are unique within a bank only.
pub fn export_anki(questions: &[Question], bank: &str) -> String {
    let mut out = String::from(HEADER);
    out.push_str(&format!("#deck:{}\n", deck(bank)));
    for q in questions {
        let mut tags = vec!["gatewise".to_string(), format!("topic::{}", tag(&q.topic))];
        tags.extend(q.domain.map(|d| format!("domain::{}", d.id())));
        tags.extend(q.tags.iter().map(|t| tag(t)));
        let fields = [format!("gatewise-{}-{}", tag(bank), tag(&q.id)), front(q), back(q), tags.join(" ")];
        out.push_str(&fields.join("\t"));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_leaves_no_separator_quote_or_line_break() {
        assert_eq!(html("a<b>&\"c\"\td\r\ne"), "a&lt;b&gt;&amp;&quot;c&quot;&#9;d<br>e");
        assert_eq!(tag("two words\"q"), "two_words_q");
    }
}
