//! WebSocket selection expressions: the route selection expression evaluated against each
//! message (`$request.body.action`, `${request.body.service}/${request.body.action}`) and the
//! API key selection expression evaluated on `$connect`.
//!
//! The language, per AWS: a variable starts with `$`; braces mark its end; `\$` is a literal
//! dollar; evaluation happens once (no recursion); a path that returns an object or array is
//! stringified. <https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-develop-routes.html>

use serde_json::Value;

/// One part of a parsed expression.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    /// `request.body.a.b` → `["a", "b"]`; empty means the whole body.
    Body(Vec<String>),
}

/// A parsed route selection expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSelection {
    pieces: Vec<Piece>,
}

/// What a route selection expression made of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selected {
    /// The expression's value: the route key to look for.
    Key(String),
    /// The message is not JSON, so nothing can be read from its body.
    NotJson,
    /// The body is JSON but lacks this path.
    Missing(String),
}

/// Splits an expression into text and variable names (without the `$` and braces).
fn tokens(src: &str) -> Result<Vec<(bool, String)>, String> {
    let mut out: Vec<(bool, String)> = Vec::new();
    let mut text = String::new();
    let mut chars = src.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'$') => {
                chars.next();
                text.push('$');
            }
            '$' => {
                if !text.is_empty() {
                    out.push((false, std::mem::take(&mut text)));
                }
                let mut name = String::new();
                if chars.peek() == Some(&'{') {
                    chars.next();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(ch) => name.push(ch),
                            None => return Err(format!("'${{' without a closing '}}' in {src:?}")),
                        }
                    }
                } else {
                    while let Some(&ch) = chars.peek() {
                        if ch.is_ascii_alphanumeric() || matches!(ch, '_' | '.' | '-') {
                            name.push(ch);
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
                if name.is_empty() {
                    return Err(format!("a '$' with no variable name in {src:?} (write \\$ for a literal dollar)"));
                }
                out.push((true, name));
            }
            _ => text.push(c),
        }
    }
    if !text.is_empty() {
        out.push((false, text));
    }
    Ok(out)
}

impl RouteSelection {
    /// Parses a route selection expression; WebSocket APIs read only `request.body`.
    pub fn parse(src: &str) -> Result<Self, String> {
        let mut pieces = Vec::new();
        for (var, s) in tokens(src)? {
            if !var {
                pieces.push(Piece::Text(s));
                continue;
            }
            let Some(rest) = s.strip_prefix("request.body") else {
                return Err(format!(
                    "${s} is not a message variable: a WebSocket route selection expression reads $request.body.PATH"
                ));
            };
            let path: Vec<String> = match rest.strip_prefix('.') {
                Some(p) => p.split('.').map(str::to_owned).collect(),
                None if rest.is_empty() => Vec::new(),
                None => return Err(format!("${s}: expected $request.body.PATH")),
            };
            if path.iter().any(String::is_empty) {
                return Err(format!("${s} has an empty step in its path"));
            }
            pieces.push(Piece::Body(path));
        }
        if !pieces.iter().any(|p| matches!(p, Piece::Body(_))) {
            return Err("the expression names no variable, so every message would select the same route".to_owned());
        }
        Ok(Self { pieces })
    }

    /// Evaluates against one message's text.
    pub fn select(&self, message: &str) -> Selected {
        let Ok(body) = serde_json::from_str::<Value>(message) else {
            return Selected::NotJson;
        };
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Body(path) => {
                    let mut v = &body;
                    for step in path {
                        let next = match v {
                            Value::Object(m) => m.get(step),
                            Value::Array(a) => step.parse::<usize>().ok().and_then(|i| a.get(i)),
                            _ => None,
                        };
                        match next {
                            Some(n) => v = n,
                            None => return Selected::Missing(format!("request.body.{}", path.join("."))),
                        }
                    }
                    match v {
                        Value::String(s) => out.push_str(s),
                        Value::Null => return Selected::Missing(format!("request.body.{}", path.join("."))),
                        other => out.push_str(&other.to_string()),
                    }
                }
            }
        }
        Selected::Key(out)
    }
}

/// Where `$connect` finds the API key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySelection {
    /// `$request.header.NAME`
    Header(String),
    /// `$context.authorizer.usageIdentifierKey`: the key the Lambda authorizer returned.
    Authorizer,
}

impl KeySelection {
    pub fn parse(src: &str) -> Result<Self, String> {
        match tokens(src)?.as_slice() {
            [(true, v)] if v == "context.authorizer.usageIdentifierKey" => Ok(Self::Authorizer),
            [(true, v)] => match v.strip_prefix("request.header.") {
                Some(h) if !h.is_empty() => Ok(Self::Header(h.to_owned())),
                _ => Err(format!(
                    "{src:?}: an API key selection expression is $request.header.NAME or $context.authorizer.usageIdentifierKey"
                )),
            },
            _ => Err(format!(
                "{src:?}: an API key selection expression is one variable, $request.header.NAME or $context.authorizer.usageIdentifierKey"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The examples of AWS's route selection expression table:
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-develop-routes.html
    #[test]
    fn aws_examples() {
        let msg = r#"{"service":"chat","action":"join","data":{"room":"room1234"}}"#;
        let eval = |e: &str| RouteSelection::parse(e).expect(e).select(msg);
        assert_eq!(eval("$request.body.action"), Selected::Key("join".to_owned()));
        assert_eq!(eval("${request.body.action}"), Selected::Key("join".to_owned()));
        assert_eq!(eval("${request.body.service}/${request.body.action}"), Selected::Key("chat/join".to_owned()));
        assert_eq!(
            eval("${request.body.action}-${request.body.invalidPath}"),
            Selected::Missing("request.body.invalidPath".to_owned())
        );
        assert_eq!(eval("$request.body.data"), Selected::Key(r#"{"room":"room1234"}"#.to_owned()));
        assert_eq!(eval("\\$default-$request.body.action"), Selected::Key("$default-join".to_owned()));
        assert_eq!(RouteSelection::parse("$request.body.action").expect("ok").select("hello"), Selected::NotJson);
    }

    #[test]
    fn bad_expressions_say_why() {
        for (src, why) in [
            ("$request.header.x", "not a message variable"),
            ("action", "names no variable"),
            ("${request.body.action", "closing"),
            ("$request.body..a", "empty step"),
            ("$", "no variable name"),
        ] {
            let e = RouteSelection::parse(src).expect_err(src);
            assert!(e.contains(why), "{src}: {e}");
        }
        assert_eq!(KeySelection::parse("$request.header.x-api-key"), Ok(KeySelection::Header("x-api-key".to_owned())));
        assert_eq!(KeySelection::parse("$context.authorizer.usageIdentifierKey"), Ok(KeySelection::Authorizer));
        assert!(KeySelection::parse("$request.body.key").is_err());
    }
}
