//! The syntax tree of a parsed template.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Text(String),
    Ref {
        r: Ref,
        quiet: bool,
        /// The reference as written, printed when its variable is undefined (as Velocity does).
        src: String,
    },
    /// `#set($var = …)`, `#set($var.key = …)`, `#set($map[$k] = …)`, or deeper:
    /// `keys` are the steps below `var`, each a property name or an index.
    Set {
        var: String,
        keys: Vec<Expr>,
        expr: Expr,
        line: usize,
    },
    If {
        branches: Vec<(Expr, Vec<Node>)>,
        otherwise: Option<Vec<Node>>,
    },
    Foreach {
        var: String,
        iter: Expr,
        body: Vec<Node>,
        line: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ref {
    pub root: String,
    pub steps: Vec<Step>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    Prop(String),
    Call(String, Vec<Expr>),
    Index(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Lit(Value),
    /// A double-quoted string, which Velocity interpolates.
    Interp(Vec<Node>),
    Ref(Ref),
    List(Vec<Expr>),
    Map(Vec<(Expr, Expr)>),
    Range(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>, usize),
}
