//! Turning a Lambda proxy function's return value into an HTTP response, with AWS's rules:
//! payload 1.0 is strict (anything but `{statusCode, headers, multiValueHeaders, body,
//! isBase64Encoded}` is a 502); payload 2.0 also accepts a bare JSON result as a 200.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

/// A converted response, before the gateway adds its own headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProxyReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

const V1_FIELDS: &[&str] = &["statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"];

fn status_of(v: &Value) -> Result<u16, String> {
    // AWS accepts a numeric string ("201") as well as a number, and nothing else.
    let n = match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    n.and_then(|n| u16::try_from(n).ok())
        .filter(|n| (100..=599).contains(n))
        .ok_or_else(|| format!("statusCode {v} is not an HTTP status code"))
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn body_of(obj: &serde_json::Map<String, Value>) -> Result<Vec<u8>, String> {
    let b64 = match obj.get("isBase64Encoded") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => return Err(format!("isBase64Encoded must be a boolean, not {other}")),
    };
    let text = match obj.get("body") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(format!("body must be a string (JSON.stringify it), not {}", kind(other)));
        }
    };
    if b64 {
        STANDARD.decode(text.trim()).map_err(|e| format!("body is marked isBase64Encoded but is not base64 ({e})"))
    } else {
        Ok(text.into_bytes())
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn headers_of(obj: &serde_json::Map<String, Value>) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    match obj.get("headers") {
        None | Some(Value::Null) => {}
        Some(Value::Object(h)) => {
            for (k, v) in h {
                let text = scalar_text(v).ok_or_else(|| format!("header {k} must be a string, not {}", kind(v)))?;
                out.push((k.clone(), text));
            }
        }
        Some(other) => return Err(format!("headers must be an object, not {}", kind(other))),
    }
    match obj.get("multiValueHeaders") {
        None | Some(Value::Null) => {}
        Some(Value::Object(h)) => {
            for (k, v) in h {
                let Value::Array(items) = v else {
                    return Err(format!("multiValueHeaders.{k} must be a list, not {}", kind(v)));
                };
                for item in items {
                    let text =
                        scalar_text(item).ok_or_else(|| format!("multiValueHeaders.{k} holds {}", kind(item)))?;
                    out.push((k.clone(), text));
                }
            }
        }
        Some(other) => {
            return Err(format!("multiValueHeaders must be an object, not {}", kind(other)));
        }
    }
    Ok(out)
}

/// Payload 1.0 (REST): strict.
pub(crate) fn parse_v1(v: &Value) -> Result<ProxyReply, String> {
    let Value::Object(obj) = v else {
        return Err(format!("the function returned {}, not an object with statusCode", kind(v)));
    };
    if let Some(extra) = obj.keys().find(|k| !V1_FIELDS.contains(&k.as_str())) {
        return Err(format!("unknown field \"{extra}\" (allowed: {})", V1_FIELDS.join(", ")));
    }
    let status = status_of(obj.get("statusCode").ok_or("statusCode is missing")?)?;
    Ok(ProxyReply { status, headers: headers_of(obj)?, body: body_of(obj)? })
}

/// Payload 2.0 (HTTP API): a result without `statusCode` is taken as a 200 JSON body.
pub(crate) fn parse_v2(v: &Value) -> Result<ProxyReply, String> {
    let json_200 = |v: &Value| ProxyReply {
        status: 200,
        headers: vec![("content-type".to_owned(), "application/json".to_owned())],
        body: v.to_string().into_bytes(),
    };
    let Value::Object(obj) = v else {
        return Ok(json_200(v));
    };
    let Some(code) = obj.get("statusCode") else {
        return Ok(json_200(v));
    };
    let status = status_of(code)?;
    let mut headers = headers_of(obj)?;
    if let Some(cookies) = obj.get("cookies") {
        let Value::Array(list) = cookies else {
            return Err(format!("cookies must be a list, not {}", kind(cookies)));
        };
        for c in list {
            headers.push(("set-cookie".to_owned(), scalar_text(c).ok_or("a cookie must be a string")?));
        }
    }
    Ok(ProxyReply { status, headers, body: body_of(obj)? })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The cases LocalStack validated against real AWS (gateway-semantics.md §1.2).
    #[test]
    fn v1_matches_aws_validation() {
        assert!(parse_v1(&json!({"statusCode": 200, "wrongValue": "v"})).is_err());
        assert!(parse_v1(&json!({})).is_err());
        assert!(parse_v1(&json!("a string")).is_err());
        assert!(parse_v1(&json!({"statusCode": "test"})).is_err());
        assert!(parse_v1(&json!({"statusCode": 200, "multiValueHeaders": {"a": "b"}})).is_err());
        assert_eq!(parse_v1(&json!({"statusCode": "201"})).map(|r| r.status), Ok(201));
        let r = parse_v1(&json!({"statusCode": 200, "headers": {"x-flag": true}})).expect("valid");
        assert_eq!(r.headers, vec![("x-flag".to_owned(), "true".to_owned())]);
        let b = parse_v1(&json!({"statusCode": 200, "body": "aGk=", "isBase64Encoded": true})).expect("valid");
        assert_eq!(b.body, b"hi");
    }

    #[test]
    fn v2_infers_a_plain_result() {
        let r = parse_v2(&json!({"pets": 3})).expect("inferred");
        assert_eq!((r.status, r.body), (200, br#"{"pets":3}"#.to_vec()));
        assert_eq!(parse_v2(&json!({"statusCode": 201, "cookies": ["a=1"]})).map(|r| r.headers.len()), Ok(1));
    }
}
