//! Concept notes: Markdown files with a small `key: value` front-matter block.
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub id: String,
    pub title: String,
    pub topic: String,
    pub order: u32,
    /// The lab scenario that demonstrates this note, if any.
    pub lab: Option<String>,
    /// The Markdown after the front matter.
    pub body: String,
}

/// A front-matter problem, with the 1-based line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatterError {
    pub line: usize,
    pub message: String,
}

const KEYS: [&str; 5] = ["id", "title", "topic", "order", "lab"];

/// Parses `---\nkey: value\n...\n---\nbody`. A YAML crate would be heavier than these
/// five flat string keys need.
pub fn parse_note(text: &str) -> Result<Note, Vec<FrontMatterError>> {
    let err = |line, message: String| vec![FrontMatterError { line, message }];
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, l)) if l.trim_end() == "---" => {}
        _ => return Err(err(1, "missing front matter: the file must start with a `---` line".into())),
    }
    let mut fields: Vec<(usize, String, String)> = Vec::new();
    let mut body_start = None;
    let mut errors = Vec::new();
    for (i, line) in lines.by_ref() {
        if line.trim_end() == "---" {
            body_start = Some(i + 1);
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        match line.split_once(':') {
            Some((k, v)) => {
                let key = k.trim().to_string();
                if !KEYS.contains(&key.as_str()) {
                    errors.push(FrontMatterError {
                        line: i + 1,
                        message: format!("unknown front-matter key `{key}` (expected one of {})", KEYS.join(", ")),
                    });
                } else if fields.iter().any(|(_, k2, _)| *k2 == key) {
                    errors
                        .push(FrontMatterError { line: i + 1, message: format!("duplicate front-matter key `{key}`") });
                } else {
                    fields.push((i + 1, key, v.trim().trim_matches('"').to_string()));
                }
            }
            None => errors.push(FrontMatterError {
                line: i + 1,
                message: format!("front-matter line is not `key: value`: {line:?}"),
            }),
        }
    }
    let Some(body_start) = body_start else {
        return Err(err(1, "front matter is not closed by a `---` line".into()));
    };
    let get = |k: &str| fields.iter().find(|(_, key, _)| key == k);
    let mut required = |k: &str| match get(k) {
        Some((_, _, v)) if !v.is_empty() => v.clone(),
        Some((line, _, _)) => {
            errors.push(FrontMatterError { line: *line, message: format!("front-matter key `{k}` is empty") });
            String::new()
        }
        None => {
            errors.push(FrontMatterError { line: 1, message: format!("missing front-matter key `{k}`") });
            String::new()
        }
    };
    let id = required("id");
    let title = required("title");
    let topic = required("topic");
    let order_text = required("order");
    let order = match order_text.parse::<u32>() {
        Ok(n) => n,
        Err(_) => {
            if !order_text.is_empty() {
                let line = get("order").map_or(1, |f| f.0);
                errors.push(FrontMatterError {
                    line,
                    message: format!("`order` must be a whole number, found {order_text:?}"),
                });
            }
            0
        }
    };
    let lab = get("lab").map(|(_, _, v)| v.clone()).filter(|v| !v.is_empty());
    if !errors.is_empty() {
        return Err(errors);
    }
    let body: Vec<&str> = text.lines().skip(body_start).collect();
    Ok(Note { id, title, topic, order, lab, body: body.join("\n") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_front_matter_and_body() {
        let n = parse_note("---\nid: a\ntitle: A note\ntopic: overview\norder: 2\nlab: throttling\n---\n# Hi\ntext\n")
            .expect("valid note");
        assert_eq!(n.id, "a");
        assert_eq!(n.order, 2);
        assert_eq!(n.lab.as_deref(), Some("throttling"));
        assert_eq!(n.body, "# Hi\ntext");
    }

    #[test]
    fn reports_each_problem_with_its_line() {
        let errs = parse_note("---\nid: a\ncolour: red\norder: x\n---\n").expect_err("invalid");
        let msgs: Vec<_> = errs.iter().map(|e| (e.line, e.message.as_str())).collect();
        assert!(msgs.iter().any(|(l, m)| *l == 3 && m.contains("unknown front-matter key `colour`")));
        assert!(msgs.iter().any(|(_, m)| m.contains("missing front-matter key `title`")));
        assert!(msgs.iter().any(|(l, m)| *l == 4 && m.contains("whole number")));
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        assert!(parse_note("---\nid: a\n").is_err());
        assert!(parse_note("# no front matter").is_err());
    }
}
