//! Rendering: walks the node tree against one request's `$input`, `$context` and
//! `$stageVariables`, with caps on output size and loop work so no template can stall the core.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value};

use super::TemplateError;
use super::ast::{BinOp, Expr, Node, Ref, Step};
use super::jsonpath::JsonPath;
use super::overrides::Overrides;
use super::value::{call_method, loose_eq, text_of, to_text, to_text_json_lists, truthy};
use crate::gateway::core::http::{url_decode, url_encode};

const MAX_OUTPUT: usize = 1024 * 1024;
const MAX_ITERATIONS: usize = 100_000;

/// What `$input` sees: the body and the request's parameters.
#[derive(Debug, Clone, Copy)]
pub struct InputData<'a> {
    pub body: &'a str,
    pub path: &'a [(String, String)],
    pub query: &'a [(String, String)],
    pub headers: &'a [(String, String)],
}

/// Everything a template can read. Built per render; the body is parsed as JSON at most once.
pub struct RenderContext<'a> {
    input: InputData<'a>,
    context: &'a Value,
    stage_variables: &'a Value,
    body_json: OnceCell<Value>,
}

impl<'a> RenderContext<'a> {
    pub fn new(input: InputData<'a>, context: &'a Value, stage_variables: &'a Value) -> Self {
        Self { input, context, stage_variables, body_json: OnceCell::new() }
    }

    fn body_json(&self) -> &Value {
        // A body that is not JSON is seen by JSONPath as one string, so `$` still selects it.
        self.body_json.get_or_init(|| {
            serde_json::from_str(self.input.body).unwrap_or_else(|_| Value::String(self.input.body.to_owned()))
        })
    }
}

struct State<'c, 'a> {
    ctx: &'c RenderContext<'a>,
    vars: HashMap<String, Value>,
    /// Variables holding a value from `$input.path`, which prints its lists as JSON.
    json_vars: HashSet<String>,
    /// `$context.requestOverride` and `$context.responseOverride`, the writable part of `$context`.
    overrides: Map<String, Value>,
    out: String,
    work: usize,
}

pub(crate) fn render(nodes: &[Node], ctx: &RenderContext<'_>) -> Result<(String, Overrides), TemplateError> {
    let mut st = State {
        ctx,
        vars: HashMap::new(),
        json_vars: HashSet::new(),
        overrides: Overrides::empty_map(),
        out: String::new(),
        work: 0,
    };
    st.nodes(nodes)?;
    let overrides = Overrides::from_map(&st.overrides);
    Ok((st.out, overrides))
}

/// Whether a reference's value came from `$input.path`.
fn from_input_path(r: &Ref, json_vars: &HashSet<String>) -> bool {
    match r.root.as_str() {
        "input" => matches!(r.steps.first(), Some(Step::Call(name, _)) if name == "path"),
        name => json_vars.contains(name),
    }
}

fn err(line: usize, msg: impl Into<String>) -> TemplateError {
    TemplateError { line, message: msg.into() }
}

fn pairs_to_map(pairs: &[(String, String)]) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(k.clone(), Value::String(v.clone()));
    }
    Value::Object(m)
}

impl State<'_, '_> {
    fn nodes(&mut self, nodes: &[Node]) -> Result<(), TemplateError> {
        for node in nodes {
            self.node(node)?;
        }
        Ok(())
    }

    fn node(&mut self, node: &Node) -> Result<(), TemplateError> {
        match node {
            Node::Text(t) => self.out.push_str(t),
            Node::Ref { r, quiet, src } => match self.reference(r)? {
                Some(v) if from_input_path(r, &self.json_vars) => to_text_json_lists(&v, &mut self.out),
                Some(v) => to_text(&v, &mut self.out),
                None if *quiet => {}
                None => self.out.push_str(src),
            },
            Node::Set { var, keys, expr, line } => self.set(var, keys, expr, *line)?,
            Node::If { branches, otherwise } => {
                for (cond, body) in branches {
                    if truthy(&self.expr(cond)?) {
                        return self.nodes(body);
                    }
                }
                if let Some(body) = otherwise {
                    self.nodes(body)?;
                }
            }
            Node::Foreach { var, iter, body, line } => self.foreach(var, iter, body, *line)?,
        }
        if self.out.len() > MAX_OUTPUT {
            return Err(err(0, "template output passed 1 MiB; is a loop running away?"));
        }
        Ok(())
    }

    /// `#set`: a variable, or a slot inside a map or list it holds (`$m.k`, `$m[$k]`, deeper).
    fn set(&mut self, var: &str, keys: &[Expr], expr: &Expr, line: usize) -> Result<(), TemplateError> {
        let json = matches!(expr, Expr::Ref(r) if from_input_path(r, &self.json_vars));
        let v = self.expr(expr)?;
        if keys.is_empty() {
            if json {
                self.json_vars.insert(var.to_owned());
            } else {
                self.json_vars.remove(var);
            }
            self.vars.insert(var.to_owned(), v);
            return Ok(());
        }
        let mut steps = Vec::with_capacity(keys.len());
        for k in keys {
            steps.push(self.expr(k)?);
        }
        let (last, path) = steps.split_last().ok_or_else(|| err(line, "#set needs a target"))?;
        // `$context` is read-only apart from its two override maps (the parser allows no other).
        let (mut slot, path) = match (var, path.split_first()) {
            ("context", Some((map, rest))) => (self.overrides.get_mut(&text_of(map)), rest),
            ("context", None) => (None, path),
            _ => (self.vars.get_mut(var), path),
        };
        for step in path {
            slot = match slot {
                Some(Value::Object(m)) => m.get_mut(&text_of(step)),
                Some(Value::Array(a)) => a.get_mut(index(step).unwrap_or(usize::MAX)),
                _ => None,
            };
        }
        let cell = match slot {
            Some(Value::Object(m)) => Some(m.entry(text_of(last)).or_insert(Value::Null)),
            Some(Value::Array(a)) => a.get_mut(index(last).unwrap_or(usize::MAX)),
            _ => None,
        };
        match cell {
            Some(cell) => {
                *cell = v;
                Ok(())
            }
            None => Err(err(line, format!("${var} has no map or list at that place, so #set cannot write into it"))),
        }
    }

    fn foreach(&mut self, var: &str, iter: &Expr, body: &[Node], line: usize) -> Result<(), TemplateError> {
        let json = matches!(iter, Expr::Ref(r) if from_input_path(r, &self.json_vars));
        let was_json = self.json_vars.contains(var);
        if json {
            self.json_vars.insert(var.to_owned());
        } else {
            self.json_vars.remove(var);
        }
        let items = match self.expr(iter)? {
            Value::Array(a) => a,
            Value::Object(m) => m.into_iter().map(|(_, v)| v).collect(),
            Value::Null => Vec::new(),
            other => vec![other],
        };
        let saved_var = self.vars.remove(var);
        let saved_fe = self.vars.remove("foreach");
        let n = items.len();
        for (i, item) in items.into_iter().enumerate() {
            self.work += 1;
            if self.work > MAX_ITERATIONS {
                return Err(err(line, "#foreach ran more than 100000 iterations"));
            }
            self.vars.insert(var.to_owned(), item);
            self.vars.insert(
                "foreach".to_owned(),
                serde_json::json!({"hasNext": i + 1 < n, "index": i, "count": i + 1, "first": i == 0, "last": i + 1 == n}),
            );
            self.vars.insert("velocityCount".to_owned(), Value::from(i + 1));
            self.nodes(body)?;
        }
        self.vars.remove("velocityCount");
        if was_json {
            self.json_vars.insert(var.to_owned());
        } else {
            self.json_vars.remove(var);
        }
        restore(&mut self.vars, var, saved_var);
        restore(&mut self.vars, "foreach", saved_fe);
        Ok(())
    }

    /// `None` means the root variable was never defined, which Velocity prints as written.
    fn reference(&mut self, r: &Ref) -> Result<Option<Value>, TemplateError> {
        let mut steps = r.steps.iter();
        let start = match r.root.as_str() {
            "input" => self.input_member(r, steps.next())?,
            "util" => self.util(r, steps.next())?,
            "context" => {
                let mut c = self.ctx.context.clone();
                if let Value::Object(m) = &mut c {
                    m.extend(self.overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                c
            }
            "stageVariables" => self.ctx.stage_variables.clone(),
            name => match self.vars.get(name) {
                Some(v) => v.clone(),
                None => return Ok(None),
            },
        };
        let mut cur = start;
        for step in steps {
            cur = match step {
                Step::Prop(p) => cur.get(p.as_str()).cloned().unwrap_or(Value::Null),
                Step::Index(e) => {
                    let idx = self.expr(e)?;
                    match (&cur, &idx) {
                        (Value::Array(a), Value::Number(n)) => n
                            .as_u64()
                            .and_then(|i| usize::try_from(i).ok())
                            .and_then(|i| a.get(i))
                            .cloned()
                            .unwrap_or(Value::Null),
                        (Value::Object(m), k) => m.get(&text_of(k)).cloned().unwrap_or(Value::Null),
                        _ => Value::Null,
                    }
                }
                Step::Call(name, _) if name == "toString" && from_input_path(r, &self.json_vars) => {
                    let mut s = String::new();
                    to_text_json_lists(&cur, &mut s);
                    Value::String(s)
                }
                Step::Call(name, args) => {
                    let args = self.args(args)?;
                    call_method(&cur, name, &args).map_err(|m| err(r.line, m))?
                }
            };
        }
        Ok(Some(cur))
    }

    fn args(&mut self, args: &[Expr]) -> Result<Vec<Value>, TemplateError> {
        args.iter().map(|a| self.expr(a)).collect()
    }

    fn first_arg_text(&mut self, args: &[Expr]) -> Result<String, TemplateError> {
        Ok(match args.first() {
            Some(a) => text_of(&self.expr(a)?),
            None => String::new(),
        })
    }

    fn input_member(&mut self, r: &Ref, step: Option<&Step>) -> Result<Value, TemplateError> {
        let input = self.ctx.input;
        match step {
            Some(Step::Prop(p)) if p == "body" => Ok(Value::String(input.body.to_owned())),
            Some(Step::Call(name, args)) if name == "json" || name == "path" => {
                let path = self.first_arg_text(args)?;
                let jp = JsonPath::parse(&path).map_err(|m| err(r.line, m))?;
                let v = jp.select(self.ctx.body_json());
                if name == "json" { Ok(Value::String(v.to_string())) } else { Ok(v) }
            }
            Some(Step::Call(name, args)) if name == "params" => {
                if args.is_empty() {
                    let mut m = Map::new();
                    m.insert("path".to_owned(), pairs_to_map(input.path));
                    m.insert("querystring".to_owned(), pairs_to_map(input.query));
                    m.insert("header".to_owned(), pairs_to_map(input.headers));
                    return Ok(Value::Object(m));
                }
                // AWS searches path, then query string, then headers.
                let name = self.first_arg_text(args)?;
                let found = input
                    .path
                    .iter()
                    .find(|(k, _)| *k == name)
                    .or_else(|| input.query.iter().rev().find(|(k, _)| *k == name))
                    .or_else(|| input.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(&name)));
                Ok(Value::String(found.map(|(_, v)| v.clone()).unwrap_or_default()))
            }
            _ => Err(err(r.line, "unsupported $input member")),
        }
    }

    fn util(&mut self, r: &Ref, step: Option<&Step>) -> Result<Value, TemplateError> {
        let Some(Step::Call(name, args)) = step else {
            return Err(err(r.line, "$util needs a function call"));
        };
        let arg = self.first_arg_text(args)?;
        Ok(Value::String(match name.as_str() {
            "escapeJavaScript" => escape_javascript(&arg),
            "parseJson" => {
                return serde_json::from_str(&arg)
                    .map_err(|e| err(r.line, format!("$util.parseJson: not valid JSON ({e})")));
            }
            "urlEncode" => url_encode(&arg),
            "urlDecode" => url_decode(&arg),
            "base64Encode" => STANDARD.encode(arg.as_bytes()),
            "base64Decode" => {
                let bytes = STANDARD
                    .decode(arg.trim())
                    .map_err(|e| err(r.line, format!("$util.base64Decode: not valid base64 ({e})")))?;
                String::from_utf8_lossy(&bytes).into_owned()
            }
            other => {
                return Err(err(r.line, format!("$util.{other} is outside gatewise's VTL subset")));
            }
        }))
    }

    fn expr(&mut self, e: &Expr) -> Result<Value, TemplateError> {
        Ok(match e {
            Expr::Lit(v) => v.clone(),
            Expr::Interp(nodes) => {
                let saved = std::mem::take(&mut self.out);
                let res = self.nodes(nodes);
                let s = std::mem::replace(&mut self.out, saved);
                res?;
                Value::String(s)
            }
            Expr::Ref(r) => self.reference(r)?.unwrap_or(Value::Null),
            Expr::List(items) => Value::Array(self.args(items)?),
            Expr::Map(pairs) => {
                let mut m = Map::new();
                for (k, v) in pairs {
                    let k = text_of(&self.expr(k)?);
                    let v = self.expr(v)?;
                    m.insert(k, v);
                }
                Value::Object(m)
            }
            Expr::Range(a, b) => {
                let (a, b) = (self.expr(a)?, self.expr(b)?);
                let (Some(a), Some(b)) = (a.as_i64(), b.as_i64()) else {
                    return Err(err(0, "a range [a..b] needs whole numbers"));
                };
                let len = a.abs_diff(b);
                if len >= 10_000 {
                    return Err(err(0, "a range [a..b] may hold at most 10000 numbers"));
                }
                if a <= b { (a..=b).map(Value::from).collect() } else { (b..=a).rev().map(Value::from).collect() }
            }
            Expr::Not(inner) => Value::Bool(!truthy(&self.expr(inner)?)),
            Expr::Neg(inner) => match self.expr(inner)? {
                Value::Number(n) if n.is_i64() => Value::from(n.as_i64().unwrap_or(0).wrapping_neg()),
                Value::Number(n) => float(-n.as_f64().unwrap_or(0.0)),
                _ => return Err(err(0, "only numbers can be negated")),
            },
            Expr::Bin(op, a, b, line) => self.binary(*op, a, b, *line)?,
        })
    }

    fn binary(&mut self, op: BinOp, a: &Expr, b: &Expr, line: usize) -> Result<Value, TemplateError> {
        match op {
            BinOp::And => {
                return Ok(Value::Bool(truthy(&self.expr(a)?) && truthy(&self.expr(b)?)));
            }
            BinOp::Or => {
                return Ok(Value::Bool(truthy(&self.expr(a)?) || truthy(&self.expr(b)?)));
            }
            _ => {}
        }
        let (x, y) = (self.expr(a)?, self.expr(b)?);
        Ok(match op {
            BinOp::Eq => Value::Bool(loose_eq(&x, &y)),
            BinOp::Ne => Value::Bool(!loose_eq(&x, &y)),
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let ord = match (&x, &y) {
                    (Value::Number(p), Value::Number(q)) => {
                        p.as_f64().unwrap_or(0.0).partial_cmp(&q.as_f64().unwrap_or(0.0))
                    }
                    (Value::String(p), Value::String(q)) => Some(p.cmp(q)),
                    _ => None,
                };
                let Some(ord) = ord else {
                    return Err(err(line, "only two numbers or two strings can be compared"));
                };
                Value::Bool(match op {
                    BinOp::Lt => ord.is_lt(),
                    BinOp::Le => ord.is_le(),
                    BinOp::Gt => ord.is_gt(),
                    _ => ord.is_ge(),
                })
            }
            BinOp::Add if x.is_string() || y.is_string() => Value::String(text_of(&x) + &text_of(&y)),
            _ => arith(op, &x, &y).map_err(|m| err(line, m))?,
        })
    }
}

/// A list index from a template value.
fn index(v: &Value) -> Option<usize> {
    v.as_u64().and_then(|i| usize::try_from(i).ok())
}

fn restore(vars: &mut HashMap<String, Value>, name: &str, saved: Option<Value>) {
    match saved {
        Some(v) => {
            vars.insert(name.to_owned(), v);
        }
        None => {
            vars.remove(name);
        }
    }
}

fn float(f: f64) -> Value {
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}

fn arith(op: BinOp, x: &Value, y: &Value) -> Result<Value, String> {
    let (Value::Number(p), Value::Number(q)) = (x, y) else {
        return Err("arithmetic needs two numbers".to_owned());
    };
    if let (Some(a), Some(b)) = (p.as_i64(), q.as_i64()) {
        let r = match op {
            BinOp::Add => a.checked_add(b),
            BinOp::Sub => a.checked_sub(b),
            BinOp::Mul => a.checked_mul(b),
            BinOp::Div => a.checked_div(b),
            _ => a.checked_rem(b),
        };
        return r.map(Value::from).ok_or_else(|| "integer overflow or division by zero".to_owned());
    }
    let (a, b) = (p.as_f64().unwrap_or(0.0), q.as_f64().unwrap_or(0.0));
    Ok(float(match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div => a / b,
        _ => a % b,
    }))
}

/// Commons Lang 2's `escapeJavaScript`, which AWS uses: note it escapes `'` as `\'`, which is not
/// valid inside JSON strings, a known mapping-template gotcha.
pub(crate) fn escape_javascript(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}
