//! The start-up text of `gatewise gateway serve`: the base URL, the routes, the API keys, and a
//! ready-to-paste curl command per route with whatever it needs (key, token, body).

use std::fmt::Write as _;
use std::net::SocketAddr;

use serde_json::json;

use crate::gateway::core::definition::{AuthorizerDef, RouteDef};
use crate::gateway::core::jwt::mint_hs256;
use crate::gateway::{ApiType, Gateway, VirtualTime};

/// `http://127.0.0.1:PORT/STAGE` (no stage segment for `$default`; IPv6 in brackets).
pub fn base_url(addr: SocketAddr, stage: &str) -> String {
    let host = match addr {
        SocketAddr::V4(a) => a.ip().to_string(),
        SocketAddr::V6(a) => format!("[{}]", a.ip()),
    };
    if stage == "$default" {
        format!("http://{host}:{}", addr.port())
    } else {
        format!("http://{host}:{}/{stage}", addr.port())
    }
}

/// Single-quotes `s` for a POSIX shell.
fn sh(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A concrete path for a route pattern: `{id}` → `1`, `{proxy+}` → `anything/here`.
fn sample_path(pattern: &str) -> String {
    if pattern == "$default" {
        return "/anything".to_owned();
    }
    pattern
        .split('/')
        .map(|seg| match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(p) if p.ends_with('+') => "anything/here".to_owned(),
            Some(p) if p.contains("id") => "1".to_owned(),
            Some(p) => p.to_owned(),
            None => seg.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// One curl command per route, in definition order: `curl -i [-X M] [-H …] [-d …] URL`.
pub fn curl_examples(gateway: &Gateway, addr: SocketAddr, now: VirtualTime) -> Vec<String> {
    let def = gateway.definition();
    let stage = gateway.stage_name();
    let base = base_url(addr, stage);
    // The first enabled key in a usage plan for this stage is the one that works.
    let good_key = def.api_keys.iter().find(|k| {
        k.enabled && def.usage_plans.iter().any(|p| p.stages.iter().any(|s| s == stage) && p.api_keys.contains(&k.name))
    });
    def.routes
        .iter()
        .map(|r| {
            let mut cmd = "curl -i".to_owned();
            let method =
                if r.method.eq_ignore_ascii_case("ANY") { "GET".to_owned() } else { r.method.to_ascii_uppercase() };
            if method == "HEAD" {
                cmd.push_str(" -I");
            } else if method != "GET" {
                let _ = write!(cmd, " -X {method}");
            }
            if r.api_key_required && def.api_type == ApiType::Rest {
                let value = good_key.map_or("YOUR-API-KEY", |k| k.value.as_str());
                let _ = write!(cmd, " -H {}", sh(&format!("x-api-key: {value}")));
            }
            if let Some(h) = auth_header(gateway, r, now) {
                let _ = write!(cmd, " -H {}", sh(&h));
            }
            if matches!(method.as_str(), "POST" | "PUT" | "PATCH") {
                let _ = write!(cmd, " -H 'content-type: application/json' -d {}", sh(&sample_body(r)));
            }
            let mut url = format!("{base}{}", sample_path(&r.path));
            let query: Vec<String> = r
                .request_parameters
                .iter()
                .filter(|(_, required)| **required)
                .filter_map(|(k, _)| k.strip_prefix("method.request.querystring."))
                .map(|q| format!("{q}=x"))
                .collect();
            if !query.is_empty() {
                url.push('?');
                url.push_str(&query.join("&"));
            }
            let _ = write!(cmd, " {}", sh(&url));
            cmd
        })
        .collect()
}

/// The header a route's authorizer accepts: the built-in authorizer's `allow` token, or a JWT
/// minted with the definition's local secret, valid for an hour from `now`.
fn auth_header(gateway: &Gateway, r: &RouteDef, now: VirtualTime) -> Option<String> {
    let name = r.authorizer.as_deref()?;
    let def = gateway.definition();
    match def.authorizers.iter().find(|a| a.name() == name)? {
        AuthorizerDef::Token { .. } | AuthorizerDef::Request { .. } => Some("Authorization: allow".to_owned()),
        AuthorizerDef::Jwt { issuer, audience, secret, .. } => {
            let secs = now.as_millis() / 1000;
            let claims = json!({
                "iss": issuer,
                "aud": audience.first().cloned().unwrap_or_default(),
                "sub": "learner",
                "iat": secs,
                "exp": secs + 3600,
                "scope": r.authorization_scopes.join(" "),
            });
            Some(format!("Authorization: Bearer {}", mint_hs256(&claims, secret)))
        }
    }
}

/// A JSON body with the model's required properties, so a validating route accepts it.
fn sample_body(r: &RouteDef) -> String {
    let Some(model) = &r.request_model else {
        return r#"{"type":"dog","price":25}"#.to_owned();
    };
    let mut obj = serde_json::Map::new();
    for p in &model.required {
        let v = match model.properties.get(p).map(String::as_str) {
            Some("number" | "integer") => json!(1),
            Some("boolean") => json!(true),
            Some("array") => json!([]),
            Some("object") => json!({}),
            _ => json!("x"),
        };
        obj.insert(p.clone(), v);
    }
    serde_json::Value::Object(obj).to_string()
}

/// The text `gatewise gateway serve` prints on start.
pub fn banner(gateway: &Gateway, addr: SocketAddr, now: VirtualTime) -> String {
    let def = gateway.definition();
    let stage = gateway.stage_name();
    let kind = match def.api_type {
        ApiType::Rest => "REST API",
        ApiType::Http => "HTTP API",
    };
    let mut out = String::new();
    let _ = writeln!(out, "{} ({kind}), stage {stage}", def.name);
    let _ = writeln!(out, "Serving on {} (loopback only; Ctrl-C stops)", base_url(addr, stage));
    let _ = writeln!(out);
    let _ = writeln!(out, "Routes:");
    for r in &def.routes {
        let mut notes = Vec::new();
        if r.api_key_required {
            notes.push("API key".to_owned());
        }
        if let Some(a) = &r.authorizer {
            notes.push(format!("authorizer {a}"));
        }
        let _ = writeln!(out, "  {:<7} {:<24} {}", r.method, r.path, notes.join(", "));
    }
    if !def.api_keys.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "API keys (send as x-api-key):");
        for k in &def.api_keys {
            let plan =
                def.usage_plans.iter().find(|p| p.stages.iter().any(|s| s == stage) && p.api_keys.contains(&k.name));
            let state = match (k.enabled, plan) {
                (false, _) => "disabled: 403".to_owned(),
                (true, None) => format!("in no usage plan for {stage}: 403"),
                (true, Some(p)) => format!("usage plan {}", p.name),
            };
            let _ = writeln!(out, "  {:<12} {}  ({state})", k.name, k.value);
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Try:");
    for c in curl_examples(gateway, addr, now) {
        let _ = writeln!(out, "  {c}");
    }
    let _ = writeln!(out);
    let _ = write!(out, "Access log ({}):", def.access_log_format.as_deref().unwrap_or("the console's CLF format"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_urls_and_quoting() {
        assert_eq!(sample_path("/pets/{id}"), "/pets/1");
        assert_eq!(sample_path("/files/{proxy+}"), "/files/anything/here");
        assert_eq!(sample_path("/teams/{team}"), "/teams/team");
        assert_eq!(sh("it's"), r"'it'\''s'");
        let v4: SocketAddr = "127.0.0.1:4000".parse().expect("addr");
        let v6: SocketAddr = "[::1]:4000".parse().expect("addr");
        assert_eq!(base_url(v4, "dev"), "http://127.0.0.1:4000/dev");
        assert_eq!(base_url(v6, "$default"), "http://[::1]:4000");
    }
}
