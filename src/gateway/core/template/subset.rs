//! The edges of the VTL subset: which `$util`, `$input` and `$context` members, directives and
//! methods exist. Anything else is rejected at parse time with its line.

use serde_json::Value;

use super::TemplateError;
use super::ast::{Expr, Ref, Step};
use super::jsonpath::JsonPath;
use super::parse::err;

const UTIL_FUNCS: &[&str] =
    &["escapeJavaScript", "parseJson", "urlEncode", "urlDecode", "base64Encode", "base64Decode"];
const CONTEXT_VARS: &[&str] = &[
    "accountId",
    "apiId",
    "authorizer",
    "domainName",
    "error",
    "extendedRequestId",
    "httpMethod",
    "identity",
    "path",
    "protocol",
    "requestId",
    "requestOverride",
    "responseOverride",
    "requestTime",
    "requestTimeEpoch",
    "resourceId",
    "resourcePath",
    "stage",
    // WebSocket APIs' own variables (empty in REST and HTTP API templates, as on AWS).
    "connectionId",
    "connectedAt",
    "eventType",
    "messageDirection",
    "messageId",
    "routeKey",
];
pub(crate) const METHODS: &[&str] = &[
    "size",
    "length",
    "isEmpty",
    "get",
    "containsKey",
    "keySet",
    "values",
    "toString",
    "toUpperCase",
    "toLowerCase",
    "trim",
    "contains",
    "startsWith",
    "endsWith",
    "replace",
    "substring",
    "indexOf",
    "split",
    "equals",
];
pub(super) const UNSUPPORTED_DIRECTIVES: &[&str] =
    &["macro", "parse", "include", "define", "evaluate", "stop", "break", "literal"];

/// Rejects, at parse time, any `$util`, `$input` or `$context` member outside the subset.
pub(super) fn check_ref(r: &Ref) -> Result<(), TemplateError> {
    let first = r.steps.first();
    match r.root.as_str() {
        "util" => match first {
            Some(Step::Call(name, args)) if UTIL_FUNCS.contains(&name.as_str()) => {
                if args.len() != 1 {
                    return Err(err(r.line, format!("$util.{name}() takes exactly one argument")));
                }
            }
            Some(Step::Call(name, _) | Step::Prop(name)) => {
                return Err(err(
                    r.line,
                    format!("$util.{name} is outside gatewise's VTL subset (supported: {})", UTIL_FUNCS.join(", ")),
                ));
            }
            _ => {
                return Err(err(r.line, "$util needs a function, e.g. $util.escapeJavaScript($x)"));
            }
        },
        "input" => match first {
            Some(Step::Prop(p)) if p == "body" => {}
            Some(Step::Call(name, args)) if name == "json" || name == "path" => {
                if args.len() != 1 {
                    return Err(err(r.line, format!("$input.{name}() takes one JSONPath argument")));
                }
                if let Some(Expr::Lit(Value::String(path))) = args.first() {
                    JsonPath::parse(path).map_err(|m| err(r.line, m))?;
                }
            }
            Some(Step::Call(name, args)) if name == "params" => {
                if args.len() > 1 {
                    return Err(err(r.line, "$input.params() takes zero or one argument"));
                }
            }
            Some(Step::Call(name, _) | Step::Prop(name)) => {
                return Err(err(
                    r.line,
                    format!(
                        "$input.{name} is outside gatewise's VTL subset (supported: $input.body, $input.json(path), $input.path(path), $input.params())"
                    ),
                ));
            }
            _ => {
                return Err(err(r.line, "$input needs a member, e.g. $input.body or $input.json('$')"));
            }
        },
        "context" => {
            if let Some(Step::Prop(name)) = first
                && !CONTEXT_VARS.contains(&name.as_str())
            {
                return Err(err(
                    r.line,
                    format!(
                        "$context.{name} is outside gatewise's VTL subset (supported: {})",
                        CONTEXT_VARS.join(", ")
                    ),
                ));
            }
        }
        _ => {}
    }
    for step in &r.steps {
        if let Step::Call(name, _) = step {
            let special =
                matches!(r.root.as_str(), "util" | "input") && std::ptr::eq(step, r.steps.first().unwrap_or(step));
            if !special && !METHODS.contains(&name.as_str()) {
                return Err(err(
                    r.line,
                    format!("method .{name}() is outside gatewise's VTL subset (supported: {})", METHODS.join(", ")),
                ));
            }
        }
    }
    Ok(())
}
