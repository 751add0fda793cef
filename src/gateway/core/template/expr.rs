//! The expression half of the template parser: references, operators and literals.

use serde_json::Value;

use super::TemplateError;
use super::ast::{BinOp, Expr, Ref, Step};
use super::parse::{Parser, err, is_ident, is_ident_start, parse};
use super::subset::check_ref;

impl Parser<'_> {
    /// A reference after its `$` (and `!`): `name(.prop | .call(args) | [index])*` or `{…}`.
    pub(super) fn reference(&mut self, line: usize) -> Result<Ref, TemplateError> {
        self.enter()?;
        let braced = self.peek() == Some(b'{');
        if braced {
            self.bump();
        }
        let root = self.ident().ok_or_else(|| err(line, "expected a variable name after $"))?;
        let mut steps = Vec::new();
        loop {
            match self.peek() {
                Some(b'.') if self.peek_at(1).is_some_and(is_ident_start) => {
                    self.bump();
                    let name = self.ident().unwrap_or_default();
                    if self.peek() == Some(b'(') {
                        self.bump();
                        let args = self.args()?;
                        steps.push(Step::Call(name, args));
                    } else {
                        steps.push(Step::Prop(name));
                    }
                }
                Some(b'[') => {
                    self.bump();
                    let idx = self.expr()?;
                    self.ws();
                    self.expect(b']', "missing ] after an index")?;
                    steps.push(Step::Index(idx));
                }
                _ => break,
            }
        }
        if braced {
            self.expect(b'}', "missing } to close ${…}")?;
        }
        self.depth -= 1;
        let r = Ref { root, steps, line };
        check_ref(&r)?;
        Ok(r)
    }

    pub(super) fn args(&mut self) -> Result<Vec<Expr>, TemplateError> {
        let mut args = Vec::new();
        self.ws();
        if self.peek() == Some(b')') {
            self.bump();
            return Ok(args);
        }
        loop {
            args.push(self.expr()?);
            self.ws();
            match self.bump() {
                Some(b',') => {}
                Some(b')') => return Ok(args),
                _ => return Err(err(self.line, "expected , or ) in an argument list")),
            }
        }
    }

    pub(super) fn expr(&mut self) -> Result<Expr, TemplateError> {
        self.enter()?;
        let e = self.binary(0);
        self.depth -= 1;
        e
    }

    /// Precedence climbing over Velocity's operators, word forms included (`and`, `eq`…).
    fn binary(&mut self, min_prec: u8) -> Result<Expr, TemplateError> {
        let mut lhs = self.unary()?;
        loop {
            self.ws();
            let Some((op, len)) = self.peek_op() else {
                return Ok(lhs);
            };
            let prec = prec(op);
            if prec < min_prec {
                return Ok(lhs);
            }
            let line = self.line;
            self.i += len;
            let rhs = self.binary(prec + 1)?;
            lhs = Expr::Bin(op, Box::new(lhs), Box::new(rhs), line);
        }
    }

    fn peek_op(&self) -> Option<(BinOp, usize)> {
        let rest = self.b.get(self.i..)?;
        let sym: &[(&[u8], BinOp)] = &[
            (b"||", BinOp::Or),
            (b"&&", BinOp::And),
            (b"==", BinOp::Eq),
            (b"!=", BinOp::Ne),
            (b"<=", BinOp::Le),
            (b">=", BinOp::Ge),
            (b"<", BinOp::Lt),
            (b">", BinOp::Gt),
            (b"+", BinOp::Add),
            (b"-", BinOp::Sub),
            (b"*", BinOp::Mul),
            (b"/", BinOp::Div),
            (b"%", BinOp::Rem),
        ];
        for (s, op) in sym {
            if rest.starts_with(s) {
                return Some((*op, s.len()));
            }
        }
        let words: &[(&[u8], BinOp)] = &[
            (b"or", BinOp::Or),
            (b"and", BinOp::And),
            (b"eq", BinOp::Eq),
            (b"ne", BinOp::Ne),
            (b"lt", BinOp::Lt),
            (b"le", BinOp::Le),
            (b"gt", BinOp::Gt),
            (b"ge", BinOp::Ge),
        ];
        for (w, op) in words {
            if rest.starts_with(w) && !rest.get(w.len()).is_some_and(|&c| is_ident(c)) {
                return Some((*op, w.len()));
            }
        }
        None
    }

    fn unary(&mut self) -> Result<Expr, TemplateError> {
        self.ws();
        self.enter()?;
        let e = match self.peek() {
            Some(b'!') => {
                self.bump();
                Expr::Not(Box::new(self.unary()?))
            }
            Some(b'n') if self.b.get(self.i..).is_some_and(|r| r.starts_with(b"not ")) => {
                self.i += 3;
                Expr::Not(Box::new(self.unary()?))
            }
            Some(b'-') if !self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) => {
                self.bump();
                Expr::Neg(Box::new(self.unary()?))
            }
            _ => self.primary()?,
        };
        self.depth -= 1;
        Ok(e)
    }

    fn primary(&mut self) -> Result<Expr, TemplateError> {
        let line = self.line;
        match self.peek() {
            Some(b'$') => {
                self.bump();
                if self.peek() == Some(b'!') {
                    self.bump();
                }
                Ok(Expr::Ref(self.reference(line)?))
            }
            Some(b'\'') => Ok(Expr::Lit(Value::String(self.string(b'\'')?))),
            Some(b'"') => {
                let s = self.string(b'"')?;
                if s.contains('$') || s.contains('#') {
                    // Parse the contents as a template of their own; lines count from here.
                    let nodes = parse(&s).map_err(|e| err(line + e.line - 1, e.message))?;
                    Ok(Expr::Interp(nodes))
                } else {
                    Ok(Expr::Lit(Value::String(s)))
                }
            }
            Some(b'(') => {
                self.bump();
                let e = self.expr()?;
                self.ws();
                self.expect(b')', "missing )")?;
                Ok(e)
            }
            Some(b'[') => self.list(),
            Some(b'{') => self.map(),
            Some(c) if c.is_ascii_digit() || c == b'-' => self.number(),
            Some(c) if is_ident_start(c) => {
                let word = self.ident().unwrap_or_default();
                match word.as_str() {
                    "true" => Ok(Expr::Lit(Value::Bool(true))),
                    "false" => Ok(Expr::Lit(Value::Bool(false))),
                    "null" => Ok(Expr::Lit(Value::Null)),
                    _ => Err(err(line, format!("unexpected word '{word}' in an expression"))),
                }
            }
            _ => Err(err(line, "expected a value (a $reference, string, number, list or map)")),
        }
    }

    fn string(&mut self, quote: u8) -> Result<String, TemplateError> {
        let line = self.line;
        self.bump();
        let start = self.i;
        loop {
            match self.peek() {
                None => return Err(err(line, "unterminated string")),
                Some(c) if c == quote => {
                    // Velocity doubles a quote to escape it.
                    if self.peek_at(1) == Some(quote) {
                        self.i += 2;
                        continue;
                    }
                    let s = self.s.get(start..self.i).unwrap_or("").to_owned();
                    self.bump();
                    let q = char::from(quote);
                    return Ok(s.replace(&format!("{q}{q}"), &q.to_string()));
                }
                Some(_) => {
                    self.bump();
                }
            }
        }
    }

    fn number(&mut self) -> Result<Expr, TemplateError> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.bump();
        }
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
        let is_float = self.peek() == Some(b'.') && self.peek_at(1).is_some_and(|c| c.is_ascii_digit());
        if is_float {
            self.bump();
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.bump();
            }
        }
        let text = self.s.get(start..self.i).unwrap_or("");
        let v = if is_float {
            text.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(Value::Number)
        } else {
            text.parse::<i64>().ok().map(Value::from)
        };
        v.map(Expr::Lit).ok_or_else(|| err(self.line, format!("'{text}' is not a number")))
    }

    fn list(&mut self) -> Result<Expr, TemplateError> {
        self.bump();
        self.ws();
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.bump();
            return Ok(Expr::List(items));
        }
        let first = self.expr()?;
        self.ws();
        if self.b.get(self.i..).is_some_and(|r| r.starts_with(b"..")) {
            self.i += 2;
            let to = self.expr()?;
            self.ws();
            self.expect(b']', "missing ] after a range")?;
            return Ok(Expr::Range(Box::new(first), Box::new(to)));
        }
        items.push(first);
        loop {
            self.ws();
            match self.bump() {
                Some(b',') => items.push(self.expr()?),
                Some(b']') => return Ok(Expr::List(items)),
                _ => return Err(err(self.line, "expected , or ] in a list")),
            }
        }
    }

    fn map(&mut self) -> Result<Expr, TemplateError> {
        self.bump();
        let mut pairs = Vec::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.bump();
            return Ok(Expr::Map(pairs));
        }
        loop {
            let k = self.expr()?;
            self.ws();
            self.expect(b':', "expected : in a map")?;
            let v = self.expr()?;
            pairs.push((k, v));
            self.ws();
            match self.bump() {
                Some(b',') => {}
                Some(b'}') => return Ok(Expr::Map(pairs)),
                _ => return Err(err(self.line, "expected , or } in a map")),
            }
        }
    }
}

fn prec(op: BinOp) -> u8 {
    match op {
        BinOp::Or => 1,
        BinOp::And => 2,
        BinOp::Eq | BinOp::Ne => 3,
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 4,
        BinOp::Add | BinOp::Sub => 5,
        BinOp::Mul | BinOp::Div | BinOp::Rem => 6,
    }
}
