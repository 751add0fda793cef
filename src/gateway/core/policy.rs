//! Lambda authorizer results: parsing what the function returned (an IAM policy or an HTTP
//! API simple response) and evaluating a policy against a method ARN, wildcards included.

use serde_json::{Map, Value};

/// What a Lambda authorizer returned, as cached.
#[derive(Debug, Clone)]
pub(crate) struct AuthResult {
    pub(crate) principal_id: Option<String>,
    pub(crate) policy: Option<Value>,
    pub(crate) simple: Option<bool>,
    pub(crate) context: Map<String, Value>,
}

/// `*` and `?` wildcards, as IAM resource ARNs use them.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

fn as_list(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// `Some(true)` allow, `Some(false)` explicit deny, `None` no statement matched (implicit deny).
pub(crate) fn evaluate(policy: &Value, arn: &str) -> Option<bool> {
    let statements: Vec<&Value> = match policy.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(s @ Value::Object(_)) => vec![s],
        _ => Vec::new(),
    };
    let mut allowed = None;
    for s in statements {
        let action_ok = as_list(s.get("Action")).iter().any(|a| glob(a, "execute-api:Invoke"));
        let resource_ok = as_list(s.get("Resource")).iter().any(|r| glob(r, arn));
        if !(action_ok && resource_ok) {
            continue;
        }
        match s.get("Effect").and_then(Value::as_str) {
            Some("Deny") => return Some(false),
            Some("Allow") => allowed = Some(true),
            _ => {}
        }
    }
    allowed
}

pub(crate) fn parse_result(v: &Value) -> Option<AuthResult> {
    let context = v.get("context").and_then(Value::as_object).cloned().unwrap_or_default();
    if let Some(b) = v.get("isAuthorized").and_then(Value::as_bool) {
        return Some(AuthResult { principal_id: None, policy: None, simple: Some(b), context });
    }
    let principal = v.get("principalId").and_then(Value::as_str)?.to_owned();
    let policy = v.get("policyDocument").filter(|p| p.is_object())?.clone();
    Some(AuthResult { principal_id: Some(principal), policy: Some(policy), simple: None, context })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn globs_and_policies() {
        assert!(glob("arn:*:a/dev/*", "arn:aws:x:a/dev/GET/pets"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("arn:a/dev/GET/pets/1", "arn:a/dev/GET/pets/2"));
        let p = json!({"Statement": [
            {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "arn:a/dev/*"},
            {"Effect": "Deny", "Action": ["execute-api:*"], "Resource": ["arn:a/dev/DELETE/*"]}
        ]});
        assert_eq!(evaluate(&p, "arn:a/dev/GET/pets"), Some(true));
        assert_eq!(evaluate(&p, "arn:a/dev/DELETE/pets/1"), Some(false));
        assert_eq!(evaluate(&p, "arn:a/prod/GET/pets"), None);
    }
}
