//! How template values print, compare and answer the Java-style methods VTL authors call.

use serde_json::Value;

/// Velocity prints values the way Java's `toString` would: strings bare, maps as `{k=v}`.
pub(crate) fn to_text(v: &Value, out: &mut String) {
    match v {
        Value::Null => {}
        Value::String(s) => out.push_str(s),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                to_text(item, out);
            }
            out.push(']');
        }
        Value::Object(m) => java_map(m, out, to_text),
    }
}

/// A map as Java prints one (`{a=1, b=2}`), each value printed by `item`.
fn java_map(m: &serde_json::Map<String, Value>, out: &mut String, item: fn(&Value, &mut String)) {
    out.push('{');
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(k);
        out.push('=');
        item(v, out);
    }
    out.push('}');
}

pub(crate) fn text_of(v: &Value) -> String {
    let mut s = String::new();
    to_text(v, &mut s);
    s
}

/// How a value that came from `$input.path` prints: a list as compact JSON (`[{"c":5}]`), a map
/// Java-style but with the lists inside it as JSON (`{a=1, b=[{"c":5}]}`), as AWS does
/// (LocalStack's AWS-validated snapshot `test_input_path_template_formatting`,
/// tests/aws/services/apigateway/test_apigateway_common.snapshot.json).
pub(crate) fn to_text_json_lists(v: &Value, out: &mut String) {
    match v {
        Value::Array(_) => out.push_str(&v.to_string()),
        Value::Object(m) => java_map(m, out, to_text_json_lists),
        other => to_text(other, out),
    }
}

/// Velocity 1.7 truthiness: only null and `false` are false.
pub(crate) fn truthy(v: &Value) -> bool {
    !matches!(v, Value::Null | Value::Bool(false))
}

pub(crate) fn loose_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        // AWS's VTL treats null and the empty string alike: `$x == ""` holds for a null `$x`
        // (LocalStack's AWS-validated snapshot `test_input_path_template_formatting`, key
        // `empty-body`, tests/aws/services/apigateway/test_apigateway_common.snapshot.json).
        (Value::Null, Value::String(s)) | (Value::String(s), Value::Null) => s.is_empty(),
        // Velocity compares a string with anything else by its text.
        (Value::String(s), other) | (other, Value::String(s)) if !other.is_null() => *s == text_of(other),
        _ => a == b,
    }
}

/// Calls one of the whitelisted Java methods; `Err` carries a message for the author.
pub(crate) fn call_method(target: &Value, name: &str, args: &[Value]) -> Result<Value, String> {
    let arg_str = |i: usize| args.get(i).map(text_of).unwrap_or_default();
    let arg_int = |i: usize| -> Result<usize, String> {
        args.get(i)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| format!(".{name}() needs a non-negative whole number argument"))
    };
    let need = |n: usize| -> Result<(), String> {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!(".{name}() takes {}, got {}", crate::text::plural(n, "argument"), args.len()))
        }
    };
    let s = || match target {
        Value::String(s) => Ok(s.as_str()),
        _ => Err(format!(".{name}() works on a string")),
    };
    Ok(match name {
        "size" | "length" => {
            need(0)?;
            let n = match target {
                Value::String(s) => s.chars().count(),
                Value::Array(a) => a.len(),
                Value::Object(m) => m.len(),
                _ => 0,
            };
            Value::from(n)
        }
        "isEmpty" => {
            need(0)?;
            Value::Bool(match target {
                Value::String(s) => s.is_empty(),
                Value::Array(a) => a.is_empty(),
                Value::Object(m) => m.is_empty(),
                _ => true,
            })
        }
        "get" => {
            need(1)?;
            match (target, args.first()) {
                (Value::Array(a), Some(i)) => i
                    .as_u64()
                    .and_then(|i| usize::try_from(i).ok())
                    .and_then(|i| a.get(i))
                    .cloned()
                    .unwrap_or(Value::Null),
                (Value::Object(m), _) => m.get(&arg_str(0)).cloned().unwrap_or(Value::Null),
                _ => Value::Null,
            }
        }
        "containsKey" => {
            need(1)?;
            Value::Bool(target.as_object().is_some_and(|m| m.contains_key(&arg_str(0))))
        }
        "keySet" => {
            need(0)?;
            let keys = target.as_object().map(|m| m.keys().cloned().map(Value::String).collect());
            Value::Array(keys.unwrap_or_default())
        }
        "values" => {
            need(0)?;
            Value::Array(target.as_object().map(|m| m.values().cloned().collect()).unwrap_or_default())
        }
        "toString" => {
            need(0)?;
            Value::String(text_of(target))
        }
        "equals" => {
            need(1)?;
            Value::Bool(args.first().is_some_and(|a| loose_eq(target, a)))
        }
        "toUpperCase" => Value::String(s()?.to_uppercase()),
        "toLowerCase" => Value::String(s()?.to_lowercase()),
        "trim" => Value::String(s()?.trim().to_owned()),
        "contains" => {
            need(1)?;
            match target {
                Value::Array(a) => Value::Bool(a.iter().any(|x| args.first().is_some_and(|y| loose_eq(x, y)))),
                _ => Value::Bool(s()?.contains(&arg_str(0))),
            }
        }
        "startsWith" => Value::Bool(s()?.starts_with(&arg_str(0))),
        "endsWith" => Value::Bool(s()?.ends_with(&arg_str(0))),
        "replace" => {
            need(2)?;
            Value::String(s()?.replace(&arg_str(0), &arg_str(1)))
        }
        "indexOf" => {
            need(1)?;
            let st = s()?;
            let idx = st
                .find(&arg_str(0))
                .map_or(-1, |b| i64::try_from(st.get(..b).unwrap_or("").chars().count()).unwrap_or(-1));
            Value::from(idx)
        }
        "split" => {
            need(1)?;
            let sep = arg_str(0);
            let st = s()?;
            let parts: Vec<Value> = if sep.is_empty() {
                st.chars().map(|c| Value::String(c.to_string())).collect()
            } else {
                st.split(sep.as_str()).map(|p| Value::String(p.to_owned())).collect()
            };
            Value::Array(parts)
        }
        "substring" => {
            let chars: Vec<char> = s()?.chars().collect();
            let from = arg_int(0)?;
            let to = if args.len() > 1 { arg_int(1)? } else { chars.len() };
            if from > to || to > chars.len() {
                return Err(format!(".substring({from}, {to}) is out of range for a string of length {}", chars.len()));
            }
            Value::String(chars.get(from..to).unwrap_or(&[]).iter().collect())
        }
        other => {
            return Err(format!("method .{other}() is outside gatewise's VTL subset"));
        }
    })
}
