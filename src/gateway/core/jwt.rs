//! JWT checks as an HTTP API JWT authorizer makes them (`iss`, `aud`/`client_id`, `exp`, `nbf`,
//! `iat`, scopes), with HS256 and a local secret standing in for the issuer's RSA keys.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;

use super::time::VirtualTime;

type HmacSha256 = Hmac<Sha256>;

/// Why a token was refused: `description` goes into `www-authenticate`, as on AWS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtRejection {
    pub description: String,
}

fn reject(d: &str) -> JwtRejection {
    JwtRejection { description: d.to_owned() }
}

/// Verifies `token` and returns its claims.
pub(crate) fn verify(
    token: &str,
    secret: &str,
    issuer: &str,
    audience: &[String],
    now: VirtualTime,
) -> Result<Map<String, Value>, JwtRejection> {
    let token = token.strip_prefix("Bearer ").or_else(|| token.strip_prefix("bearer ")).unwrap_or(token).trim();
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(reject("the token could not be parsed (a JWT has three dot-separated parts)"));
    };
    let header: Value = decode_json(h).ok_or_else(|| reject("the token header is not base64url JSON"))?;
    if header.get("alg").and_then(Value::as_str) != Some("HS256") {
        return Err(reject("the token is not signed with HS256, the only algorithm this sandbox accepts"));
    }
    let sig = URL_SAFE_NO_PAD.decode(s).map_err(|_| reject("the token signature is not base64url"))?;
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).map_err(|_| reject("the signing key is unusable"))?;
    mac.update(h.as_bytes());
    mac.update(b".");
    mac.update(p.as_bytes());
    mac.verify_slice(&sig).map_err(|_| reject("the token signature is invalid"))?;
    let Value::Object(claims) = decode_json(p).ok_or_else(|| reject("the token payload is not base64url JSON"))? else {
        return Err(reject("the token payload is not a JSON object"));
    };
    let now_s = now.as_millis() / 1000;
    let num = |k: &str| claims.get(k).and_then(Value::as_u64);
    match num("exp") {
        None => return Err(reject("the token has no exp claim")),
        Some(exp) if now_s >= exp => return Err(reject("the token has expired")),
        Some(_) => {}
    }
    if num("nbf").is_some_and(|nbf| now_s < nbf) {
        return Err(reject("the token is not valid yet (nbf)"));
    }
    if num("iat").is_some_and(|iat| iat > now_s) {
        return Err(reject("the token was issued in the future (iat)"));
    }
    if claims.get("iss").and_then(Value::as_str) != Some(issuer) {
        return Err(reject("the token does not have a valid issuer"));
    }
    // AWS checks `aud`, or `client_id` when the token has no `aud`.
    let auds: Vec<&str> = match claims.get("aud").or_else(|| claims.get("client_id")) {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !auds.iter().any(|a| audience.iter().any(|x| x == a)) {
        return Err(reject("the token does not have a valid audience"));
    }
    Ok(claims)
}

/// The token's scopes, from `scope` (space-separated) or `scp` (a list or a string).
pub(crate) fn scopes(claims: &Map<String, Value>) -> Vec<String> {
    match claims.get("scope").or_else(|| claims.get("scp")) {
        Some(Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

fn decode_json(part: &str) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(part).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Mints an HS256 token, so labs and tests can hand the learner a valid (or a subtly wrong) JWT.
pub fn mint_hs256(claims: &Value, secret: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string().as_bytes());
    let signing_input = format!("{header}.{payload}");
    let sig = match HmacSha256::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(signing_input.as_bytes());
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    };
    format!("{signing_input}.{sig}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SECRET: &str = "lab-secret";

    fn check(claims: Value, now: u64) -> Result<Map<String, Value>, String> {
        let t = mint_hs256(&claims, SECRET);
        verify(
            &format!("Bearer {t}"),
            SECRET,
            "https://issuer.example",
            &["pets-app".to_owned()],
            VirtualTime::from_secs(now),
        )
        .map_err(|e| e.description)
    }

    #[test]
    fn accepts_and_rejects_like_aws() {
        let good = json!({"iss": "https://issuer.example", "aud": "pets-app", "exp": 2000, "iat": 900, "scope": "pets/read pets/write"});
        let claims = check(good.clone(), 1000).expect("valid");
        assert_eq!(scopes(&claims), vec!["pets/read", "pets/write"]);
        assert_eq!(check(good.clone(), 2000).err().as_deref(), Some("the token has expired"));
        let mut wrong_aud = good.clone();
        wrong_aud["aud"] = json!("other");
        assert_eq!(check(wrong_aud, 1000).err().as_deref(), Some("the token does not have a valid audience"));
        let client_id = json!({"iss": "https://issuer.example", "client_id": "pets-app", "exp": 2000});
        assert!(check(client_id, 1000).is_ok());
        let nbf = json!({"iss": "https://issuer.example", "aud": ["x", "pets-app"], "exp": 2000, "nbf": 1500});
        assert!(check(nbf, 1000).is_err());
        let t = mint_hs256(&good, "other-secret");
        assert!(
            verify(&t, SECRET, "https://issuer.example", &["pets-app".to_owned()], VirtualTime::from_secs(1000))
                .is_err()
        );
        assert!(verify("a.b", SECRET, "i", &[], VirtualTime::EPOCH).is_err());
    }
}
