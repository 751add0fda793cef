//! Built-in "Lambda" functions and fake HTTP back ends that integrations call by name.
//!
//! They stand in for user code, so they are deliberately simple and deterministic; each reply
//! carries a *simulated* duration that the core adds to virtual latency (that is how `slow`
//! produces a 29 s timeout without anyone waiting). None of them touch the network.

use serde_json::{Value, json};

/// Names usable as `integration.handler` for `AWS_PROXY` and `AWS` integrations.
pub(crate) const LAMBDA_HANDLERS: &[&str] = &["echo", "pets", "slow", "malformed"];
/// Names usable as an authorizer's `handler`.
pub(crate) const AUTHORIZER_HANDLERS: &[&str] = &["authorizer"];
/// Names usable as `integration.backend` for `HTTP_PROXY` integrations.
pub(crate) const BACKENDS: &[&str] = &["echo", "pets", "slow"];

/// How long `slow` takes unless told otherwise: past REST's 29 s and HTTP's 30 s limits.
pub(crate) const SLOW_DEFAULT_MS: u64 = 35_000;

/// What a function call returned (or threw) and how long it pretended to take.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    pub result: Result<Value, String>,
    pub duration_ms: u64,
}

/// Proxy integrations get the API Gateway event; custom (`AWS`) ones get whatever the request
/// template produced, and return a plain body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvokeMode {
    Proxy,
    Custom,
}

/// A request to a fake back end, after the gateway's HTTP proxy has rewritten the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendRequest {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub duration_ms: u64,
}

#[derive(Debug, Clone, PartialEq)]
struct Pet {
    id: u64,
    kind: String,
    price: f64,
}

/// The pets store: the same three pets as AWS's PetStore example.
/// The sandbox's pet store is bounded, so repeated POSTs cannot grow the server's memory.
pub(crate) const MAX_PETS: usize = 100;
pub(crate) const MAX_PET_TYPE: usize = 64;

/// A header's value, by case-insensitive name.
fn header<'a>(headers: impl IntoIterator<Item = (&'a str, &'a str)>, name: &str) -> Option<&'a str> {
    headers.into_iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v)
}

#[derive(Debug, Clone, PartialEq)]
struct PetStore {
    pets: Vec<Pet>,
    next_id: u64,
}

impl PetStore {
    fn new() -> Self {
        let pet = |id, kind: &str, price| Pet { id, kind: kind.to_owned(), price };
        Self { pets: vec![pet(1, "dog", 249.99), pet(2, "cat", 124.99), pet(3, "fish", 0.99)], next_id: 4 }
    }

    fn json(p: &Pet) -> Value {
        json!({"id": p.id, "type": p.kind, "price": p.price})
    }

    /// One REST-style operation on `/…/pets[/id]`; returns status and body. `content_type` is
    /// the request's, when it has one.
    fn handle(
        &mut self,
        method: &str,
        path: &str,
        kind: Option<&str>,
        body: &str,
        content_type: Option<&str>,
    ) -> (u16, Value) {
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let Some(pos) = segs.iter().position(|s| *s == "pets") else {
            return (404, json!({"message": format!("no pets resource at {path}")}));
        };
        let id = segs.get(pos + 1);
        match (method, id) {
            ("GET", None) => {
                let list: Vec<Value> =
                    self.pets.iter().filter(|p| kind.is_none_or(|k| p.kind == k)).map(Self::json).collect();
                (200, Value::Array(list))
            }
            ("GET", Some(id)) => match self.find(id) {
                Some(i) => (200, Self::json(&self.pets[i])),
                None => (404, json!({"message": format!("pet {id} not found")})),
            },
            ("POST", None) => {
                // JSON only, as AWS's PetStore: a text/plain POST is what a web page can send
                // cross-site without a preflight, so it is refused.
                if !content_type.is_some_and(|c| c.trim_start().to_ascii_lowercase().starts_with("application/json")) {
                    return (415, json!({"message": "Unsupported Media Type: send Content-Type: application/json"}));
                }
                if self.pets.len() >= MAX_PETS {
                    let message = format!("this sandbox's pet store holds at most {MAX_PETS} pets; DELETE one first");
                    return (409, json!({ "message": message }));
                }
                let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
                let Some(kind) = v.get("type").and_then(Value::as_str) else {
                    return (400, json!({"message": "a pet needs a \"type\", e.g. {\"type\":\"dog\",\"price\":10}"}));
                };
                if kind.chars().count() > MAX_PET_TYPE {
                    return (400, json!({"message": format!("a pet's type is at most {MAX_PET_TYPE} characters")}));
                }
                let pet = Pet {
                    id: self.next_id,
                    kind: kind.to_owned(),
                    price: v.get("price").and_then(Value::as_f64).unwrap_or(0.0),
                };
                self.next_id += 1;
                let out = Self::json(&pet);
                self.pets.push(pet);
                (201, out)
            }
            ("DELETE", Some(id)) => match self.find(id) {
                Some(i) => {
                    let p = self.pets.remove(i);
                    (200, json!({"deleted": p.id}))
                }
                None => (404, json!({"message": format!("pet {id} not found")})),
            },
            _ => (405, json!({"message": format!("{method} is not supported on {path}")})),
        }
    }

    fn find(&self, id: &str) -> Option<usize> {
        let id: u64 = id.parse().ok()?;
        self.pets.iter().position(|p| p.id == id)
    }
}

/// The built-in functions and back ends of one gateway, with their in-memory state.
#[derive(Debug, Clone, PartialEq)]
pub struct Handlers {
    lambda_pets: PetStore,
    backend_pets: PetStore,
}

impl Default for Handlers {
    fn default() -> Self {
        Self::new()
    }
}

/// Reads method, path, a query parameter and the body from a payload 1.0 or 2.0 event.
fn proxy_fields<'a>(event: &'a Value, query: &str) -> (&'a str, &'a str, Option<&'a str>, &'a str) {
    let s = |v: Option<&'a Value>| v.and_then(Value::as_str);
    let v2 = event.get("version").and_then(Value::as_str) == Some("2.0");
    let method = if v2 { s(event.pointer("/requestContext/http/method")) } else { s(event.get("httpMethod")) };
    let path = if v2 { s(event.get("rawPath")) } else { s(event.get("path")) };
    let q = s(event.get("queryStringParameters").and_then(|m| m.get(query)));
    (method.unwrap_or("GET"), path.unwrap_or("/"), q, s(event.get("body")).unwrap_or(""))
}

fn proxy_reply(status: u16, body: &Value) -> Value {
    json!({
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": body.to_string(),
        "isBase64Encoded": false
    })
}

impl Handlers {
    pub fn new() -> Self {
        Self { lambda_pets: PetStore::new(), backend_pets: PetStore::new() }
    }

    /// Invokes a Lambda handler. An unknown name is a function error, like a missing function.
    pub(crate) fn invoke_lambda(&mut self, name: &str, event: &Value, mode: InvokeMode) -> Invocation {
        let ok = |v: Value, ms| Invocation { result: Ok(v), duration_ms: ms };
        match (name, mode) {
            ("echo", InvokeMode::Proxy) => ok(proxy_reply(200, event), 2),
            ("echo", InvokeMode::Custom) => ok(event.clone(), 2),
            ("pets", InvokeMode::Proxy) => {
                let (method, path, kind, body) = proxy_fields(event, "type");
                let headers = event.get("headers").and_then(Value::as_object);
                let content_type = headers.and_then(|h| {
                    header(h.iter().filter_map(|(k, v)| Some((k.as_str(), v.as_str()?))), "content-type")
                });
                let (status, out) = self.lambda_pets.handle(method, path, kind, body, content_type);
                ok(proxy_reply(status, &out), 4)
            }
            ("pets", InvokeMode::Custom) => {
                let id = event.get("id").map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
                let path = id.map_or_else(|| "/pets".to_owned(), |id| format!("/pets/{id}"));
                let kind = event.get("type").and_then(Value::as_str);
                let (_, out) = self.lambda_pets.handle("GET", &path, kind, "", None);
                ok(out, 4)
            }
            ("slow", _) => {
                let (_, _, ms, _) = proxy_fields(event, "ms");
                let ms = ms.and_then(|m| m.parse().ok()).unwrap_or(SLOW_DEFAULT_MS);
                let body = json!({"message": format!("finally done after {ms} ms")});
                let reply = if mode == InvokeMode::Proxy { proxy_reply(200, &body) } else { body };
                ok(reply, ms)
            }
            // Not a proxy response: `body` is an object and there is an unknown field.
            ("malformed", _) => ok(json!({"statusCode": 200, "body": {"pets": []}, "wrongField": true}), 1),
            ("authorizer", _) => authorizer(event),
            _ => Invocation { result: Err(format!("Function not found: {name}")), duration_ms: 0 },
        }
    }

    /// Calls a fake HTTP back end.
    pub(crate) fn invoke_backend(&mut self, name: &str, req: &BackendRequest) -> BackendReply {
        let json_reply = |status, body: Value, ms| BackendReply {
            status,
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body: body.to_string(),
            duration_ms: ms,
        };
        match name {
            "echo" => json_reply(
                200,
                json!({"method": req.method, "path": req.path, "query": req.query, "headers": req.headers, "body": req.body}),
                3,
            ),
            "pets" => {
                let kind = req.query.iter().rev().find(|(k, _)| k == "type").map(|(_, v)| v.as_str());
                let content_type = header(req.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())), "content-type");
                let (status, body) = self.backend_pets.handle(&req.method, &req.path, kind, &req.body, content_type);
                json_reply(status, body, 5)
            }
            "slow" => {
                let ms = req.query.iter().find(|(k, _)| k == "ms").and_then(|(_, v)| v.parse().ok());
                let ms = ms.unwrap_or(SLOW_DEFAULT_MS);
                json_reply(200, json!({"message": format!("finally done after {ms} ms")}), ms)
            }
            _ => json_reply(502, json!({"message": format!("no back end named {name}")}), 0),
        }
    }
}

/// The demo authorizer. The token decides: `allow` (this method ARN only), `allow-all` (the
/// whole stage), `deny` (explicit Deny), `unauthorized` (throws "Unauthorized" → 401),
/// `fail` (throws anything else → 500); any other token is unauthorized.
fn authorizer(event: &Value) -> Invocation {
    let header = event.get("headers").and_then(|h| {
        h.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case("authorization")).and_then(|(_, v)| v.as_str())
    });
    let token = event
        .get("authorizationToken")
        .and_then(Value::as_str)
        .or(header)
        .or_else(|| event.pointer("/queryStringParameters/token").and_then(Value::as_str))
        .unwrap_or("");
    let token = token.strip_prefix("Bearer ").unwrap_or(token).trim();
    let done = |r| Invocation { result: r, duration_ms: 3 };
    let arn = event.get("methodArn").or_else(|| event.get("routeArn")).and_then(Value::as_str).unwrap_or("*");
    let (effect, resource, tier) = match token {
        "allow" => ("Allow", arn.to_owned(), "free"),
        "allow-all" => ("Allow", stage_wildcard(arn), "gold"),
        "deny" => ("Deny", arn.to_owned(), "none"),
        "fail" => {
            return done(Err("TypeError: Cannot read properties of undefined (reading 'split')".to_owned()));
        }
        _ => return done(Err("Unauthorized".to_owned())),
    };
    let context = json!({"user": token, "tier": tier});
    if event.get("version").and_then(Value::as_str) == Some("2.0") {
        return done(Ok(json!({"isAuthorized": effect == "Allow", "context": context})));
    }
    done(Ok(json!({
        "principalId": format!("user-{token}"),
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}]
        },
        "context": context
    })))
}

/// `arn:…:api/stage/GET/pets/1` → `arn:…:api/stage/*`.
fn stage_wildcard(arn: &str) -> String {
    match arn.match_indices('/').nth(1) {
        Some((i, _)) => format!("{}/*", arn.get(..i).unwrap_or(arn)),
        None => format!("{arn}/*"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pet_store_takes_json_only_and_is_bounded() {
        let mut store = PetStore::new();
        let json = Some("application/json; charset=utf-8");
        let (status, _) = store.handle("POST", "/pets", None, r#"{"type":"dog"}"#, Some("text/plain"));
        assert_eq!(status, 415, "a text/plain POST (what a web page can send cross-site) is refused");
        assert_eq!(store.handle("POST", "/pets", None, r#"{"type":"dog"}"#, None).0, 415);
        let long = format!(r#"{{"type":"{}"}}"#, "x".repeat(MAX_PET_TYPE + 1));
        assert_eq!(store.handle("POST", "/pets", None, &long, json).0, 400);
        while store.pets.len() < MAX_PETS {
            assert_eq!(store.handle("POST", "/pets", None, r#"{"type":"cat"}"#, json).0, 201);
        }
        let (status, body) = store.handle("POST", "/pets", None, r#"{"type":"cat"}"#, json);
        assert_eq!(status, 409, "{body}");
        assert_eq!(store.handle("DELETE", "/pets/1", None, "", None).0, 200);
        assert_eq!(store.handle("POST", "/pets", None, r#"{"type":"cat"}"#, json).0, 201);
    }

    #[test]
    fn pets_crud() {
        let mut h = Handlers::new();
        let ev = |m: &str, p: &str, body: &str| json!({"httpMethod": m, "path": p, "body": body, "headers": {"Content-Type": "application/json"}});
        let call = |h: &mut Handlers, e: Value| h.invoke_lambda("pets", &e, InvokeMode::Proxy).result.expect("ok");
        assert_eq!(call(&mut h, ev("GET", "/pets/2", ""))["statusCode"], 200);
        assert_eq!(call(&mut h, ev("POST", "/pets", r#"{"type":"bird","price":5}"#))["statusCode"], 201);
        assert_eq!(call(&mut h, ev("GET", "/pets/4", ""))["statusCode"], 200);
        assert_eq!(call(&mut h, ev("DELETE", "/pets/4", ""))["statusCode"], 200);
        assert_eq!(call(&mut h, ev("GET", "/pets/4", ""))["statusCode"], 404);
    }

    #[test]
    fn authorizer_tokens() {
        let arn = "arn:aws:execute-api:us-east-1:123456789012:a1/dev/GET/pets/1";
        let ev = |t: &str| json!({"type": "TOKEN", "authorizationToken": t, "methodArn": arn});
        let r = authorizer(&ev("allow-all")).result.expect("allowed");
        assert_eq!(
            r["policyDocument"]["Statement"][0]["Resource"],
            "arn:aws:execute-api:us-east-1:123456789012:a1/dev/*"
        );
        assert_eq!(authorizer(&ev("nope")).result, Err("Unauthorized".to_owned()));
        assert!(authorizer(&ev("fail")).result.is_err());
    }
}
