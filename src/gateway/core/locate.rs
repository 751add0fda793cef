//! Finds where a JSON path points in the source text, so every definition problem can carry a
//! line and column even when serde did not give one.

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

/// Renders `$.routes[3].integration.handler`, quoting keys that are not plain names.
pub(crate) fn render_path(segs: &[PathSeg]) -> String {
    let mut s = String::from("$");
    for seg in segs {
        match seg {
            PathSeg::Index(i) => s.push_str(&format!("[{i}]")),
            PathSeg::Key(k) if !k.is_empty() && k.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') => {
                s.push('.');
                s.push_str(k);
            }
            PathSeg::Key(k) => s.push_str(&format!("[{}]", serde_json::Value::String(k.clone()))),
        }
    }
    s
}

struct Scan<'a> {
    b: &'a [u8],
    i: usize,
    depth: usize,
}

impl Scan<'_> {
    fn ws(&mut self) {
        while self.b.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    /// Reads a string starting at `"`, returning its (unescaped enough for keys) content.
    fn string(&mut self) -> Option<String> {
        if self.b.get(self.i) != Some(&b'"') {
            return None;
        }
        let start = self.i;
        self.i += 1;
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'\\' => self.i += 2,
                b'"' => {
                    self.i += 1;
                    let raw = std::str::from_utf8(self.b.get(start..self.i)?).ok()?;
                    return serde_json::from_str(raw).ok();
                }
                _ => self.i += 1,
            }
        }
        None
    }

    fn skip_value(&mut self) -> Option<()> {
        self.depth += 1;
        if self.depth > 256 {
            return None;
        }
        self.ws();
        match self.b.get(self.i)? {
            b'"' => {
                self.string()?;
            }
            b'{' | b'[' => {
                let close = if self.b[self.i] == b'{' { b'}' } else { b']' };
                let is_obj = close == b'}';
                self.i += 1;
                loop {
                    self.ws();
                    if self.b.get(self.i) == Some(&close) {
                        self.i += 1;
                        break;
                    }
                    if is_obj {
                        self.string()?;
                        self.ws();
                        if self.b.get(self.i) != Some(&b':') {
                            return None;
                        }
                        self.i += 1;
                    }
                    self.skip_value()?;
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(c) if *c == close => {}
                        _ => return None,
                    }
                }
            }
            _ => {
                while self.b.get(self.i).is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace()) {
                    self.i += 1;
                }
            }
        }
        self.depth -= 1;
        Some(())
    }

    /// Moves to the value at `path` from the value starting here; for a key, to the key itself.
    fn find(&mut self, path: &[PathSeg]) -> Option<usize> {
        self.ws();
        let Some((seg, rest)) = path.split_first() else {
            return Some(self.i);
        };
        match (seg, self.b.get(self.i)?) {
            (PathSeg::Key(k), b'{') => {
                self.i += 1;
                loop {
                    self.ws();
                    let key_at = self.i;
                    let key = self.string()?;
                    self.ws();
                    if self.b.get(self.i) != Some(&b':') {
                        return None;
                    }
                    self.i += 1;
                    if key == *k {
                        if rest.is_empty() {
                            return Some(key_at);
                        }
                        return self.find(rest);
                    }
                    self.skip_value()?;
                    self.ws();
                    if self.b.get(self.i) != Some(&b',') {
                        return None;
                    }
                    self.i += 1;
                }
            }
            (PathSeg::Index(n), b'[') => {
                self.i += 1;
                for _ in 0..*n {
                    self.skip_value()?;
                    self.ws();
                    if self.b.get(self.i) != Some(&b',') {
                        return None;
                    }
                    self.i += 1;
                }
                self.find(rest)
            }
            _ => None,
        }
    }
}

/// The 1-based line and column of `path` in `src`; if the full path is not there (an absent
/// field), the closest enclosing value that is.
pub(crate) fn locate(src: &str, path: &[PathSeg]) -> Option<(usize, usize)> {
    let mut n = path.len();
    loop {
        let mut s = Scan { b: src.as_bytes(), i: 0, depth: 0 };
        if let Some(off) = s.find(&path[..n]) {
            let before = src.get(..off)?;
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            return Some((line, col));
        }
        if n == 0 {
            return None;
        }
        n -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_positions() {
        let src = "{\n  \"routes\": [\n    {\"a\": 1},\n    {\"integration\": {\"handler\": \"x\"}}\n  ]\n}";
        let p = [
            PathSeg::Key("routes".into()),
            PathSeg::Index(1),
            PathSeg::Key("integration".into()),
            PathSeg::Key("handler".into()),
        ];
        assert_eq!(locate(src, &p), Some((4, 22)));
        assert_eq!(render_path(&p), "$.routes[1].integration.handler");
        let absent = [PathSeg::Key("routes".into()), PathSeg::Index(0), PathSeg::Key("zzz".into())];
        assert_eq!(locate(src, &absent), Some((3, 5)));
        assert_eq!(render_path(&[PathSeg::Key("GET /pets".into())]), "$[\"GET /pets\"]");
    }
}
