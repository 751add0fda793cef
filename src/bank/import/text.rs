//! Text as other tools write it, made into bank text (Markdown, read in a terminal): Moodle's text
//! formats (`[html]`, `[moodle]`, `[plain]`, `[markdown]`), HTML to readable text, images that are
//! not in the file named by a placeholder, and verdict labels that the app already shows.
//!
//! HTML goes through the `html2text` crate (html5ever's parser): entities, broken markup, lists and
//! paragraphs are handled as a browser would, which no hand-written tag stripper does.
use std::sync::LazyLock;

use regex_lite::Regex;

use super::ImportProblem;

/// Moodle's text formats. A GIFT text with no marker is `Moodle` ("auto-format"), which allows HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextFormat {
    Moodle,
    Html,
    Plain,
    Markdown,
}

impl TextFormat {
    fn from_name(name: &str) -> Option<TextFormat> {
        match name {
            "moodle" => Some(TextFormat::Moodle),
            "html" => Some(TextFormat::Html),
            "plain" => Some(TextFormat::Plain),
            "markdown" => Some(TextFormat::Markdown),
            _ => None,
        }
    }
}

/// A leading format marker, as Moodle reads it: `[html]text` is HTML; an unknown `[word]` is text.
pub(crate) fn split_format(text: &str) -> (Option<TextFormat>, &str) {
    if let Some(rest) = text.strip_prefix('[')
        && let Some((name, after)) = rest.split_once(']')
        && let Some(f) = TextFormat::from_name(name)
    {
        return (Some(f), after);
    }
    (None, text)
}

/// Bank text and what had to be left out of it.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Converted {
    pub text: String,
    /// Files (images) the text showed that are not in the file, each now a placeholder.
    pub missing_files: Vec<String>,
}

static IMG: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"(?is)<img\b[^>]*>").ok());
static ATTR: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?is)\b(src|alt)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"#).ok());
static MD_IMAGE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"!\[([^\]]*)\]\(([^)\s]*)[^)]*\)").ok());
static TAG_OR_ENTITY: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)</?[a-z][a-z0-9]*[\s/>]|&(#[0-9]+|#x[0-9a-f]+|[a-z]+);").ok());

/// The last part of an image's address, without Moodle's `@@PLUGINFILE@@/` and any query.
fn file_name(src: &str) -> String {
    let path = src.split(['?', '#']).next().unwrap_or(src);
    let name = path.rsplit('/').find(|p| !p.is_empty()).unwrap_or(path);
    percent_decode(name)
}

/// `%20` and friends, as Moodle writes file names in `@@PLUGINFILE@@` links.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (bytes.get(i + 1).and_then(|b| hex(*b)), bytes.get(i + 2).and_then(|b| hex(*b)))
        {
            out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn placeholder(name: &str) -> String {
    format!("[image: {name}]")
}

/// `<img>` tags as `[image: name]` text, since the image itself is not in the file.
fn replace_html_images(html: &str, missing: &mut Vec<String>) -> String {
    let (Some(img), Some(attr)) = (IMG.as_ref(), ATTR.as_ref()) else { return html.to_string() };
    img.replace_all(html, |c: &regex_lite::Captures| {
        let tag = &c[0];
        let (mut src, mut alt) = (None, None);
        for a in attr.captures_iter(tag) {
            let value = a.get(2).or(a.get(3)).or(a.get(4)).map_or("", |m| m.as_str()).to_string();
            if a[1].eq_ignore_ascii_case("src") { src = Some(value) } else { alt = Some(value) }
        }
        let name = src.as_deref().map(file_name).filter(|n| !n.is_empty()).or(alt).unwrap_or_else(|| "image".into());
        missing.push(name.clone());
        // The placeholder is text inside HTML: escape what HTML would read as markup.
        placeholder(&name).replace('&', "&amp;").replace('<', "&lt;")
    })
    .into_owned()
}

/// `![alt](@@PLUGINFILE@@/x.png)` in Markdown text: the same placeholder.
fn replace_markdown_images(text: &str, missing: &mut Vec<String>) -> String {
    let Some(re) = MD_IMAGE.as_ref() else { return text.to_string() };
    re.replace_all(text, |c: &regex_lite::Captures| {
        let src = &c[2];
        if !src.contains("@@PLUGINFILE@@") {
            return c[0].to_string();
        }
        let name = file_name(src);
        missing.push(name.clone());
        placeholder(&name)
    })
    .into_owned()
}

/// HTML as readable text: paragraphs and line breaks kept, lists as `* item`, emphasis and code as
/// Markdown, entities decoded, no wrapping.
pub(crate) fn html_to_text(html: &str, missing: &mut Vec<String>) -> String {
    let html = replace_html_images(html, missing);
    // Wide enough never to wrap a line: the terminal wraps when it shows the text.
    const WIDTH: usize = 100_000;
    let rendered = html2text::config::plain()
        .link_footnotes(false)
        .no_table_borders()
        .allow_width_overflow()
        .string_from_read(html.as_bytes(), WIDTH);
    match rendered {
        Ok(text) => tidy(&text),
        // html2text refuses only what it cannot lay out; the markup is still better than nothing.
        Err(_) => tidy(&html),
    }
}

/// Trailing spaces off every line, no-break spaces as spaces, at most one blank line in a row.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.replace('\u{a0}', " ").lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out.trim().to_string()
}

/// Whether auto-formatted (Moodle format) text uses HTML: a tag or an entity.
fn looks_like_html(text: &str) -> bool {
    TAG_OR_ENTITY.as_ref().is_some_and(|re| re.is_match(text))
}

/// Text in `format` as bank text.
pub(crate) fn convert(text: &str, format: TextFormat) -> Converted {
    let mut missing_files = Vec::new();
    let text = match format {
        TextFormat::Html => html_to_text(text, &mut missing_files),
        TextFormat::Moodle if looks_like_html(text) => html_to_text(text, &mut missing_files),
        TextFormat::Moodle | TextFormat::Markdown => replace_markdown_images(text.trim(), &mut missing_files),
        TextFormat::Plain => text.trim().to_string(),
    };
    Converted { text, missing_files }
}

/// Text in `format` as bank text; each image it shows that is not in the file becomes a warning at
/// `line`.
pub(crate) fn to_bank_text(text: &str, format: TextFormat, line: usize, warnings: &mut Vec<ImportProblem>) -> String {
    let Converted { text, missing_files } = convert(text, format);
    for f in missing_files {
        warnings.push(ImportProblem::warning(line, format!("image `{f}` is not in the file; a placeholder names it")));
    }
    text
}

/// Feedback that starts with the verdict the app prints before it ("Wrong: Wrong: ..."): the
/// label is dropped when it agrees with the option. A label that disagrees is kept, since then it
/// says something.
pub(crate) fn strip_verdict(feedback: &str, correct: bool) -> &str {
    const RIGHT: [&str; 2] = ["right", "correct"];
    const WRONG: [&str; 3] = ["wrong", "incorrect", "not correct"];
    let t = feedback.trim_start();
    let labels: &[&str] = if correct { &RIGHT } else { &WRONG };
    for label in labels {
        let Some(head) = t.get(..label.len()) else { continue };
        if !head.eq_ignore_ascii_case(label) {
            continue;
        }
        let rest = &t[label.len()..];
        // Only a label followed by punctuation: "No one is buried there" keeps its "No".
        if let Some(after) = rest.strip_prefix([':', '.', '!', ',', ';']).or_else(|| rest.strip_prefix(" -")) {
            return after.trim_start();
        }
        if rest.trim().is_empty() {
            return "";
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_markers_are_split_as_moodle_does() {
        assert_eq!(split_format("[html]<b>x</b>"), (Some(TextFormat::Html), "<b>x</b>"));
        assert_eq!(split_format("[plain]a"), (Some(TextFormat::Plain), "a"));
        assert_eq!(split_format("[note] a"), (None, "[note] a"));
        assert_eq!(split_format("plain"), (None, "plain"));
    }

    #[test]
    fn html_becomes_readable_text() {
        let mut missing = Vec::new();
        let got = html_to_text(
            "<p dir=\"ltr\">Caf&eacute;&nbsp;menu <b>now</b></p><ul><li>one</li><li>two</li></ul>\
             <p><img src=\"@@PLUGINFILE@@/diagram%201.png\" alt=\"d\"></p>",
            &mut missing,
        );
        assert_eq!(got, "Café menu **now**\n* one\n* two\n\n[image: diagram 1.png]");
        assert_eq!(missing, ["diagram 1.png"]);
    }

    #[test]
    fn moodle_format_is_converted_only_when_it_holds_html() {
        assert_eq!(convert("a < b and c > d", TextFormat::Moodle).text, "a < b and c > d");
        assert_eq!(convert("a &amp; b", TextFormat::Moodle).text, "a & b");
        assert_eq!(convert("*kept*", TextFormat::Markdown).text, "*kept*");
        let md = convert("See ![x](@@PLUGINFILE@@/a.png)", TextFormat::Markdown);
        assert_eq!((md.text.as_str(), md.missing_files.len()), ("See [image: a.png]", 1));
    }

    #[test]
    fn verdict_labels_that_repeat_the_app_are_dropped() {
        assert_eq!(strip_verdict("Wrong: it is yellow", false), "it is yellow");
        assert_eq!(strip_verdict("Incorrect. Try again", false), "Try again");
        assert_eq!(strip_verdict("Correct! Well done", true), "Well done");
        assert_eq!(strip_verdict("Wrongly placed", false), "Wrongly placed");
        assert_eq!(strip_verdict("Wrong: but marked right", true), "Wrong: but marked right");
        assert_eq!(strip_verdict("Right", true), "");
    }
}
