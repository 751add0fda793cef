//! A documented subset of Apache Velocity (VTL), the language of API Gateway mapping templates.
//!
//! Supported: `$input.body/json/path/params`, `$context.*`, `$stageVariables.*`, `$util.*`
//! (`escapeJavaScript`, `parseJson`, `urlEncode`, `urlDecode`, `base64Encode`, `base64Decode`),
//! `#set` (also `$map[$k]` and `$context.requestOverride`/`responseOverride`), `#if/#elseif/#else/#end`, `#foreach`, comments, and a few Java string/collection
//! methods. Anything else is rejected when the definition is checked, with the line it is on,
//! so a learner never sees a template silently render something AWS would not.

mod ast;
mod eval;
mod expr;
mod jsonpath;
mod overrides;
mod parse;
mod subset;
mod value;

pub use eval::{InputData, RenderContext};
pub use jsonpath::JsonPath;
pub use overrides::Overrides;

use std::fmt;

/// A parsed template, ready to render many times.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    nodes: Vec<ast::Node>,
    /// Whether the source mentions `context` at all; when it does not, callers may skip
    /// building `$context`, which costs more than rendering most templates.
    mentions_context: bool,
}

/// Why a template could not be parsed or rendered; `line` is 1-based within the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for TemplateError {}

impl Template {
    /// Parses `src`, rejecting anything outside the subset.
    pub fn parse(src: &str) -> Result<Self, TemplateError> {
        parse::parse(src).map(|nodes| Self { nodes, mentions_context: src.contains("context") })
    }

    /// False only if `$context` cannot be read by this template (its source never names it),
    /// so rendering with an empty context gives the same text.
    pub(crate) fn needs_context(&self) -> bool {
        self.mentions_context
    }

    /// The output when it cannot depend on the request: the template is plain text (a MOCK
    /// template such as `{"statusCode": 200}` usually is) or empty.
    pub(crate) fn as_literal(&self) -> Option<&str> {
        match self.nodes.as_slice() {
            [] => Some(""),
            [ast::Node::Text(t)] => Some(t),
            _ => None,
        }
    }

    /// Renders against one request's data.
    pub fn render(&self, ctx: &RenderContext<'_>) -> Result<String, TemplateError> {
        self.render_with_overrides(ctx).map(|(text, _)| text)
    }

    /// Renders, and says what the template wrote to `$context.requestOverride` and
    /// `$context.responseOverride`.
    pub(crate) fn render_with_overrides(&self, ctx: &RenderContext<'_>) -> Result<(String, Overrides), TemplateError> {
        if let Some(text) = self.as_literal() {
            return Ok((text.to_owned(), Overrides::default()));
        }
        eval::render(&self.nodes, ctx)
    }
}

/// The fuzz and corpus entry point: parse, and if that works, render against a fixed request.
/// It must never panic, whatever `src` is.
pub(crate) fn fuzz_parse_and_render(src: &str) {
    if let Ok(t) = Template::parse(src) {
        let context = serde_json::json!({"requestId": "r-1", "stage": "dev", "identity": {"sourceIp": "127.0.0.1"}});
        let stage_variables = serde_json::json!({"env": "dev"});
        let input = InputData {
            body: r#"{"name":"Rex","tags":["a","b"],"n":3}"#,
            path: &[("id".to_owned(), "7".to_owned())],
            query: &[("q".to_owned(), "x y".to_owned())],
            headers: &[("Accept".to_owned(), "*/*".to_owned())],
        };
        let ctx = RenderContext::new(input, &context, &stage_variables);
        let _ = t.render(&ctx);
    }
}

#[cfg(test)]
mod tests;
