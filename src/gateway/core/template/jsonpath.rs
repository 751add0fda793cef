//! The JSONPath subset `$input.json()` and `$input.path()` accept: `$`, `.name`, `['name']`,
//! `[index]` (negative counts from the end), and the `*` / `[*]` wildcards.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(i64),
    Wild,
}

/// A parsed JSONPath expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPath {
    segs: Vec<Seg>,
}

impl JsonPath {
    /// Parses a path, explaining what is wrong in words a template author can act on.
    pub fn parse(src: &str) -> Result<Self, String> {
        let b = src.as_bytes();
        if b.first() != Some(&b'$') {
            return Err(format!("JSONPath '{src}' must start with $"));
        }
        let mut i = 1;
        let mut segs = Vec::new();
        let bad = |what: &str| format!("JSONPath '{src}' {what} (supported: $, .name, ['name'], [0], [*])");
        while i < b.len() {
            match b[i] {
                b'.' => {
                    i += 1;
                    if b.get(i) == Some(&b'.') {
                        return Err(bad("uses '..' (recursive descent), which is not supported"));
                    }
                    let start = i;
                    while i < b.len() && b[i] != b'.' && b[i] != b'[' {
                        i += 1;
                    }
                    let name = src.get(start..i).unwrap_or("");
                    match name {
                        "" => return Err(bad("has an empty name after '.'")),
                        "*" => segs.push(Seg::Wild),
                        _ => segs.push(Seg::Key(name.to_owned())),
                    }
                }
                b'[' => {
                    let end = src.get(i..).and_then(|r| r.find(']')).ok_or_else(|| bad("is missing a ]"))?;
                    let inner = src.get(i + 1..i + end).unwrap_or("").trim();
                    i += end + 1;
                    if inner == "*" {
                        segs.push(Seg::Wild);
                    } else if let Some(q) = inner
                        .strip_prefix('\'')
                        .and_then(|r| r.strip_suffix('\''))
                        .or_else(|| inner.strip_prefix('"').and_then(|r| r.strip_suffix('"')))
                    {
                        segs.push(Seg::Key(q.to_owned()));
                    } else if let Ok(n) = inner.parse::<i64>() {
                        segs.push(Seg::Index(n));
                    } else {
                        return Err(bad(&format!("has an unsupported selector [{inner}]")));
                    }
                }
                _ => return Err(bad("has text that is not a .name or [selector]")),
            }
        }
        Ok(Self { segs })
    }

    /// Selects from `root`; a path with a wildcard yields a list, a missing member yields null.
    pub fn select(&self, root: &Value) -> Value {
        let mut cur: Vec<&Value> = vec![root];
        let mut multi = false;
        for seg in &self.segs {
            let mut next = Vec::with_capacity(cur.len());
            for v in cur {
                match seg {
                    Seg::Key(k) => next.extend(v.get(k.as_str())),
                    Seg::Index(n) => {
                        if let Value::Array(a) = v {
                            let len = i64::try_from(a.len()).unwrap_or(i64::MAX);
                            let idx = if *n < 0 { len + n } else { *n };
                            next.extend(usize::try_from(idx).ok().and_then(|i| a.get(i)));
                        }
                    }
                    Seg::Wild => {
                        multi = true;
                        match v {
                            Value::Array(a) => next.extend(a.iter()),
                            Value::Object(m) => next.extend(m.values()),
                            _ => {}
                        }
                    }
                }
            }
            cur = next;
        }
        if multi {
            Value::Array(cur.into_iter().cloned().collect())
        } else {
            cur.first().map_or(Value::Null, |v| (*v).clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selects() {
        let v = json!({"a": {"b": [1, 2, {"c": "x"}]}, "k y": 5});
        let sel = |p: &str| JsonPath::parse(p).map(|jp| jp.select(&v));
        assert_eq!(sel("$"), Ok(v.clone()));
        assert_eq!(sel("$.a.b[2].c"), Ok(json!("x")));
        assert_eq!(sel("$.a.b[-1]['c']"), Ok(json!("x")));
        assert_eq!(sel("$['k y']"), Ok(json!(5)));
        assert_eq!(sel("$.a.b[*]"), Ok(json!([1, 2, {"c": "x"}])));
        assert_eq!(sel("$.missing"), Ok(Value::Null));
        assert!(sel("a.b").is_err());
        assert!(sel("$..b").is_err());
        assert!(sel("$[?(@.x)]").is_err());
    }
}
