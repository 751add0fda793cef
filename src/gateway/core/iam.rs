//! IAM callers, as far as the sandbox models them: a principal named in the definition with an
//! access key id and the `execute-api` actions it is allowed. A request is that principal's
//! when its `Authorization` header is a SigV4 signature whose `Credential` starts with the
//! access key id. The signature itself is not checked (AWS would); the point taught is that
//! cache invalidation is an IAM permission on a signed request, not an API-key setting
//! (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html).

use super::definition::IamPrincipalDef;
use super::http::Request;

/// The one action the sandbox checks.
pub(crate) const INVALIDATE_CACHE: &str = "execute-api:InvalidateCache";
/// Actions a principal may list.
pub(crate) const ACTIONS: &[&str] = &[INVALIDATE_CACHE];

/// A principal, compiled.
#[derive(Debug, Clone)]
pub(crate) struct Principal {
    pub name: String,
    pub access_key_id: String,
    pub can_invalidate: bool,
}

impl Principal {
    pub(crate) fn from_def(d: &IamPrincipalDef) -> Self {
        Self {
            name: d.name.clone(),
            access_key_id: d.access_key_id.clone(),
            can_invalidate: d.allow.iter().any(|a| a == INVALIDATE_CACHE),
        }
    }
}

/// The access key id of a SigV4 `Authorization` header
/// (`AWS4-HMAC-SHA256 Credential=AKID/date/region/execute-api/aws4_request, …`).
pub(crate) fn sigv4_access_key(req: &Request) -> Option<&str> {
    let auth = req.header("authorization")?.trim();
    let rest = auth.strip_prefix("AWS4-HMAC-SHA256")?;
    let cred = rest.split(',').find_map(|part| part.trim().strip_prefix("Credential="))?;
    let key = cred.split('/').next()?;
    (!key.is_empty()).then_some(key)
}

/// The principal who signed `req`, if the definition names one with that access key id.
pub(crate) fn caller<'p>(principals: &'p [Principal], req: &Request) -> Option<&'p Principal> {
    let key = sigv4_access_key(req)?;
    principals.iter().find(|p| p.access_key_id == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_access_key_from_a_sigv4_header() {
        let signed = Request::get("/").with_header(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIAGATEWISECACHE01/20261125/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
        );
        assert_eq!(sigv4_access_key(&signed), Some("AKIAGATEWISECACHE01"));
        assert_eq!(sigv4_access_key(&Request::get("/").with_header("Authorization", "Bearer x")), None);
        assert_eq!(sigv4_access_key(&Request::get("/")), None);
        let p =
            vec![Principal { name: "ops".into(), access_key_id: "AKIAGATEWISECACHE01".into(), can_invalidate: true }];
        assert_eq!(caller(&p, &signed).map(|p| p.name.as_str()), Some("ops"));
    }
}
