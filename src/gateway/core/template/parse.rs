//! The template parser: text, references and directives into a [`Node`] tree, checking the
//! subset as it goes so every error names its line.

use super::TemplateError;
use super::ast::{Expr, Node};
use super::subset::UNSUPPORTED_DIRECTIVES;

/// Deep nesting is never needed by a mapping template; the cap keeps the recursive parser's
/// stack bounded whatever the input (the fuzzer's job is to try).
const MAX_DEPTH: usize = 48;

pub(crate) fn parse(src: &str) -> Result<Vec<Node>, TemplateError> {
    let mut p = Parser { s: src, b: src.as_bytes(), i: 0, line: 1, depth: 0 };
    let (nodes, end) = p.block()?;
    match end {
        BlockEnd::Eof => Ok(nodes),
        BlockEnd::End(line) => Err(err(line, "#end without a matching #if or #foreach")),
        BlockEnd::Else(line) | BlockEnd::ElseIf(_, line) => Err(err(line, "#else or #elseif without a matching #if")),
    }
}

pub(super) fn err(line: usize, msg: impl Into<String>) -> TemplateError {
    TemplateError { line, message: msg.into() }
}

pub(super) enum BlockEnd {
    Eof,
    End(usize),
    Else(usize),
    ElseIf(Expr, usize),
}

pub(super) struct Parser<'a> {
    pub(super) s: &'a str,
    pub(super) b: &'a [u8],
    pub(super) i: usize,
    pub(super) line: usize,
    pub(super) depth: usize,
}

pub(super) fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

pub(super) fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

impl Parser<'_> {
    pub(super) fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    pub(super) fn peek_at(&self, off: usize) -> Option<u8> {
        self.b.get(self.i + off).copied()
    }

    pub(super) fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        if c == b'\n' {
            self.line += 1;
        }
        Some(c)
    }

    pub(super) fn enter(&mut self) -> Result<(), TemplateError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(self.line, "template is nested too deeply"));
        }
        Ok(())
    }

    /// Parses nodes until end of input or a block terminator (`#end`, `#else`, `#elseif`).
    fn block(&mut self) -> Result<(Vec<Node>, BlockEnd), TemplateError> {
        self.enter()?;
        let mut nodes: Vec<Node> = Vec::new();
        let mut text = String::new();
        loop {
            let Some(c) = self.peek() else {
                flush(&mut nodes, &mut text);
                self.depth -= 1;
                return Ok((nodes, BlockEnd::Eof));
            };
            match c {
                b'\\' if matches!(self.peek_at(1), Some(b'$' | b'#')) => {
                    self.bump();
                    if let Some(c) = self.bump() {
                        text.push(char::from(c));
                    }
                }
                b'#' if self.peek_at(1) == Some(b'#') => {
                    while let Some(c) = self.bump() {
                        if c == b'\n' {
                            break;
                        }
                    }
                }
                b'#' if self.peek_at(1) == Some(b'*') => {
                    let line = self.line;
                    self.i += 2;
                    loop {
                        match self.bump() {
                            None => return Err(err(line, "unterminated #* comment *#")),
                            Some(b'*') if self.peek() == Some(b'#') => {
                                self.i += 1;
                                break;
                            }
                            Some(_) => {}
                        }
                    }
                }
                b'#' => {
                    let hash_at = self.i;
                    let Some(name) = self.directive_name() else {
                        self.bump();
                        text.push('#');
                        continue;
                    };
                    let line = self.line;
                    let lead = self.line_start(hash_at);
                    flush(&mut nodes, &mut text);
                    match name.as_str() {
                        "set" => {
                            let node = self.set_directive(line)?;
                            self.gobble(&mut nodes, lead);
                            nodes.push(node);
                        }
                        "if" => {
                            let cond = self.paren_expr()?;
                            self.gobble(&mut nodes, lead);
                            let node = self.if_rest(cond, line)?;
                            nodes.push(node);
                        }
                        "foreach" => {
                            let node = self.foreach(line, lead, &mut nodes)?;
                            nodes.push(node);
                        }
                        "end" | "else" => {
                            self.gobble(&mut nodes, lead);
                            self.depth -= 1;
                            let end = if name == "end" { BlockEnd::End(line) } else { BlockEnd::Else(line) };
                            return Ok((nodes, end));
                        }
                        "elseif" => {
                            let cond = self.paren_expr()?;
                            self.gobble(&mut nodes, lead);
                            self.depth -= 1;
                            return Ok((nodes, BlockEnd::ElseIf(cond, line)));
                        }
                        other => {
                            return Err(err(
                                line,
                                format!(
                                    "#{other} is outside gatewise's VTL subset (supported: #set, #if/#elseif/#else/#end, #foreach)"
                                ),
                            ));
                        }
                    }
                }
                b'$' if matches!(self.peek_at(1), Some(c) if c == b'!' || c == b'{' || is_ident_start(c)) => {
                    let start = self.i;
                    let line = self.line;
                    self.bump();
                    let quiet = self.peek() == Some(b'!');
                    if quiet {
                        self.bump();
                    }
                    if self.peek() == Some(b'{') || self.peek().is_some_and(is_ident_start) {
                        let r = self.reference(line)?;
                        flush(&mut nodes, &mut text);
                        let src = self.s.get(start..self.i).unwrap_or("$").to_owned();
                        nodes.push(Node::Ref { r, quiet, src });
                    } else {
                        text.push_str(if quiet { "$!" } else { "$" });
                    }
                }
                _ => {
                    // Copy a run of ordinary text at once, splitting only at ASCII specials so
                    // multi-byte characters stay whole.
                    let start = self.i;
                    self.bump();
                    while let Some(c) = self.peek() {
                        if matches!(c, b'#' | b'$' | b'\\') {
                            break;
                        }
                        self.bump();
                    }
                    text.push_str(self.s.get(start..self.i).unwrap_or(""));
                }
            }
        }
    }

    /// Reads `name` or `{name}` after `#`, returning `None` (and consuming nothing) when what
    /// follows is not a directive, so `#1` or `# heading` stay text.
    fn directive_name(&mut self) -> Option<String> {
        let save = self.i;
        let mut j = self.i + 1;
        let braced = self.b.get(j) == Some(&b'{');
        if braced {
            j += 1;
        }
        let start = j;
        while self.b.get(j).is_some_and(u8::is_ascii_alphabetic) {
            j += 1;
        }
        let name = self.s.get(start..j)?.to_owned();
        let known = matches!(name.as_str(), "set" | "if" | "elseif" | "else" | "end" | "foreach")
            || UNSUPPORTED_DIRECTIVES.contains(&name.as_str());
        if name.is_empty() || !known {
            self.i = save;
            return None;
        }
        if braced {
            if self.b.get(j) != Some(&b'}') {
                return None;
            }
            j += 1;
        }
        self.i = j;
        Some(name)
    }

    /// Whether only indentation precedes byte `at` on its source line.
    fn line_start(&self, at: usize) -> bool {
        let before = self.b.get(..at).unwrap_or(&[]);
        before.iter().rev().take_while(|&&c| c != b'\n').all(|&c| c == b' ' || c == b'\t')
    }

    fn rest_blank(&self) -> bool {
        let mut j = self.i;
        while let Some(&c) = self.b.get(j) {
            match c {
                b' ' | b'\t' | b'\r' => j += 1,
                b'\n' => return true,
                _ => return false,
            }
        }
        true
    }

    fn gobble_rest(&mut self) {
        if self.rest_blank() {
            while let Some(c) = self.bump() {
                if c == b'\n' {
                    break;
                }
            }
        }
    }

    /// A directive alone on its line leaves no blank line behind, as in Velocity's
    /// line-directive handling; that keeps rendered JSON tidy.
    fn gobble(&mut self, nodes: &mut Vec<Node>, at_line_start: bool) {
        if at_line_start && self.rest_blank() {
            trim_indent(nodes, true);
            self.gobble_rest();
        }
    }

    fn set_directive(&mut self, line: usize) -> Result<Node, TemplateError> {
        self.expect(b'(', "#set must be followed by (")?;
        self.ws();
        self.expect(b'$', "#set needs a variable: #set($name = value)")?;
        let var = self.ident().ok_or_else(|| err(self.line, "#set needs a variable name"))?;
        let mut keys = Vec::new();
        loop {
            match self.peek() {
                Some(b'.') => {
                    self.bump();
                    let name = self.ident().ok_or_else(|| err(self.line, "expected a property name"))?;
                    keys.push(Expr::Lit(serde_json::Value::String(name)));
                }
                Some(b'[') => {
                    self.bump();
                    let index = self.expr()?;
                    self.ws();
                    self.expect(b']', "#set($map[key] = …) is missing its ]")?;
                    keys.push(index);
                }
                _ => break,
            }
        }
        // Of `$context`, only the two override maps can be written (as on AWS).
        if var == "context"
            && !matches!(keys.first(), Some(Expr::Lit(serde_json::Value::String(k))) if k == "requestOverride" || k == "responseOverride")
        {
            return Err(err(
                line,
                "#set can write only $context.requestOverride.* and $context.responseOverride.*; the rest of $context is read-only",
            ));
        }
        self.ws();
        self.expect(b'=', "#set needs '=': #set($name = value)")?;
        let expr = self.expr()?;
        self.ws();
        self.expect(b')', "#set is missing its closing )")?;
        Ok(Node::Set { var, keys, expr, line })
    }

    fn if_rest(&mut self, first: Expr, line: usize) -> Result<Node, TemplateError> {
        let mut branches = Vec::new();
        let mut cond = first;
        loop {
            let (body, end) = self.block()?;
            branches.push((cond, body));
            match end {
                BlockEnd::End(_) => {
                    return Ok(Node::If { branches, otherwise: None });
                }
                BlockEnd::ElseIf(c, _) => cond = c,
                BlockEnd::Else(_) => {
                    let (body, end) = self.block()?;
                    return match end {
                        BlockEnd::End(_) => Ok(Node::If { branches, otherwise: Some(body) }),
                        BlockEnd::Eof => Err(err(line, "#if is missing its #end")),
                        _ => Err(err(self.line, "#else must be the last branch of an #if")),
                    };
                }
                BlockEnd::Eof => return Err(err(line, "#if is missing its #end")),
            }
        }
    }

    fn foreach(&mut self, line: usize, at_line_start: bool, nodes: &mut Vec<Node>) -> Result<Node, TemplateError> {
        self.expect(b'(', "#foreach must be followed by (")?;
        self.ws();
        self.expect(b'$', "#foreach needs a loop variable: #foreach($item in $list)")?;
        let var = self.ident().ok_or_else(|| err(self.line, "#foreach needs a variable name"))?;
        self.ws();
        if !(self.peek() == Some(b'i') && self.peek_at(1) == Some(b'n')) {
            return Err(err(self.line, "#foreach needs 'in': #foreach($item in $list)"));
        }
        self.i += 2;
        let iter = self.expr()?;
        self.ws();
        self.expect(b')', "#foreach is missing its closing )")?;
        self.gobble(nodes, at_line_start);
        let (body, end) = self.block()?;
        match end {
            BlockEnd::End(_) => Ok(Node::Foreach { var, iter, body, line }),
            BlockEnd::Eof => Err(err(line, "#foreach is missing its #end")),
            _ => Err(err(self.line, "#else inside #foreach without an #if")),
        }
    }

    fn paren_expr(&mut self) -> Result<Expr, TemplateError> {
        self.ws_inline();
        self.expect(b'(', "expected ( after the directive")?;
        let e = self.expr()?;
        self.ws();
        self.expect(b')', "missing closing )")?;
        Ok(e)
    }

    pub(super) fn expect(&mut self, c: u8, msg: &str) -> Result<(), TemplateError> {
        if self.peek() == Some(c) {
            self.bump();
            Ok(())
        } else {
            Err(err(self.line, msg))
        }
    }

    pub(super) fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.bump();
        }
    }

    pub(super) fn ws_inline(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.bump();
        }
    }

    pub(super) fn ident(&mut self) -> Option<String> {
        if !self.peek().is_some_and(is_ident_start) {
            return None;
        }
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_') {
            self.bump();
        }
        self.s.get(start..self.i).map(str::to_owned)
    }
}

fn flush(nodes: &mut Vec<Node>, text: &mut String) {
    if !text.is_empty() {
        nodes.push(Node::Text(std::mem::take(text)));
    }
}

fn trim_indent(nodes: &mut Vec<Node>, yes: bool) {
    if !yes {
        return;
    }
    if let Some(Node::Text(t)) = nodes.last_mut() {
        let keep = t.trim_end_matches([' ', '\t']).len();
        t.truncate(keep);
        if t.is_empty() {
            nodes.pop();
        }
    }
}
