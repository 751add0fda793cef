//! `check_definition`: parse an API definition and report *every* problem, each with its JSON
//! path (`$.routes[3].integration.handler`), a message and, where known, line and column.
//!
//! Structure is checked per array element, so one bad route does not hide the next; meaning
//! (references, AWS limits, REST-vs-HTTP features, template syntax) is checked by `rules.rs`.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::definition::{ApiDefinition, ApiKeyDef, AuthorizerDef, RouteDef, StageDef, UsagePlanDef};
use super::locate::{PathSeg, locate, render_path};
use super::rules;

/// One thing wrong with a definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionProblem {
    /// A JSON path such as `$.routes[3].integration.handler`.
    pub path: String,
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub(crate) segs: Vec<PathSeg>,
}

impl DefinitionProblem {
    pub(crate) fn new(segs: Vec<PathSeg>, message: impl Into<String>) -> Self {
        Self { path: render_path(&segs), message: message.into(), line: None, column: None, segs }
    }
}

impl fmt::Display for DefinitionProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, " (line {l}, column {c})")?;
        }
        Ok(())
    }
}

fn segs_of(path: &serde_path_to_error::Path) -> Vec<PathSeg> {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|s| match s {
            Segment::Seq { index } => Some(PathSeg::Index(*index)),
            Segment::Map { key } => Some(PathSeg::Key(key.clone())),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

/// Deserializes one value, turning serde's first error into a located problem.
pub(crate) fn typed<T: DeserializeOwned>(v: &Value, prefix: &[PathSeg], out: &mut Vec<DefinitionProblem>) -> Option<T> {
    match serde_path_to_error::deserialize::<_, T>(v) {
        Ok(t) => Some(t),
        Err(e) => {
            let mut segs = prefix.to_vec();
            segs.extend(segs_of(e.path()));
            let msg = e.inner().to_string();
            // Point at the offending key itself, not the object holding it.
            if let Some(name) = msg.strip_prefix("unknown field `").and_then(|r| r.split('`').next())
                && segs.last() != Some(&PathSeg::Key(name.to_owned()))
            {
                segs.push(PathSeg::Key(name.to_owned()));
            }
            out.push(DefinitionProblem::new(segs, msg));
            None
        }
    }
}

const ARRAYS: [&str; 5] = ["stages", "routes", "authorizers", "usagePlans", "apiKeys"];

/// The definition text as JSON, or the one problem saying where it stops being JSON.
pub(crate) fn parse_json(json: &str) -> Result<Value, Vec<DefinitionProblem>> {
    serde_json::from_str(json).map_err(|e| {
        let mut p = DefinitionProblem::new(Vec::new(), format!("not valid JSON: {e}"));
        p.line = Some(e.line());
        p.column = Some(e.column());
        vec![p]
    })
}

/// Parses and validates a definition; `Err` lists every problem found. Never panics.
pub fn check_definition(json: &str) -> Result<ApiDefinition, Vec<DefinitionProblem>> {
    let value = parse_json(json)?;
    let mut problems = structural(&value);
    if problems.is_empty() {
        match serde_json::from_value::<ApiDefinition>(value) {
            Ok(def) => problems = validate_definition(&def).into_iter().collect(),
            Err(e) => problems.push(DefinitionProblem::new(Vec::new(), e.to_string())),
        }
        if problems.is_empty() {
            // Re-parse rather than clone: `from_value` consumed the tree above.
            return serde_json::from_str(json).map_err(|e| vec![DefinitionProblem::new(Vec::new(), e.to_string())]);
        }
    }
    locate_all(json, &mut problems);
    Err(problems)
}

/// Gives each problem the line and column its path points at in `json`.
pub(crate) fn locate_all(json: &str, problems: &mut [DefinitionProblem]) {
    for p in problems {
        if let Some((l, c)) = locate(json, &p.segs) {
            p.line = Some(l);
            p.column = Some(c);
        }
    }
}

fn structural(value: &Value) -> Vec<DefinitionProblem> {
    structural_as::<ApiDefinition>(value, |name, item, prefix, out| match name {
        "stages" => drop(typed::<StageDef>(item, prefix, out)),
        "routes" => drop(typed::<RouteDef>(item, prefix, out)),
        "authorizers" => drop(typed::<AuthorizerDef>(item, prefix, out)),
        "usagePlans" => drop(typed::<UsagePlanDef>(item, prefix, out)),
        _ => drop(typed::<ApiKeyDef>(item, prefix, out)),
    })
}

/// The structural pass of every definition kind (REST/HTTP, WebSocket): the top level typed as
/// `T` with its big arrays emptied, so its own fields are checked on their own, then each item of
/// those arrays typed by `item` (given the array's name), every problem with its path.
pub(crate) fn structural_as<T: DeserializeOwned>(
    value: &Value,
    item: impl Fn(&str, &Value, &[PathSeg], &mut Vec<DefinitionProblem>),
) -> Vec<DefinitionProblem> {
    let mut out = Vec::new();
    let Some(obj) = value.as_object() else {
        out.push(DefinitionProblem::new(Vec::new(), "an API definition must be a JSON object"));
        return out;
    };
    let mut top = serde_json::Map::new();
    for (k, v) in obj {
        let empty = ARRAYS.contains(&k.as_str()) && v.is_array();
        top.insert(k.clone(), if empty { Value::Array(Vec::new()) } else { v.clone() });
    }
    let _: Option<T> = typed(&Value::Object(top), &[], &mut out);
    for name in ARRAYS {
        let Some(Value::Array(items)) = obj.get(name) else {
            continue;
        };
        for (i, v) in items.iter().enumerate() {
            item(name, v, &[PathSeg::Key(name.to_owned()), PathSeg::Index(i)], &mut out);
        }
    }
    out
}

/// The meaning checks alone, for a definition built in code. Problems carry paths but no
/// line numbers (there is no source text).
pub fn validate_definition(def: &ApiDefinition) -> Vec<DefinitionProblem> {
    rules::validate(def)
}
