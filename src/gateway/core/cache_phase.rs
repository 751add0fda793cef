//! The stage cache phase: look up before the integration, store after it. Only declared
//! cache-key parameters are part of the key, which is why `{proxy+}` without one caches a
//! single response for every path.

use super::definition::{ApiType, CacheControlStrategy};
use super::gateway::{CachedResponse, Gateway, ParamRef};
use super::http::Response;
use super::iam::{INVALIDATE_CACHE, caller};
use super::phases::param_value;
use super::pipeline::Flow;
use super::responses::GatewayError;
use super::trace::{CacheStatus, Outcome, Phase, Trace};

/// AWS does not cache responses larger than 1 MB.
const MAX_CACHED_BYTES: usize = 1_048_576;

impl Gateway {
    fn cache_key(&self, flow: &Flow<'_>, route: usize) -> String {
        let r = &self.routes[route];
        let mut key = String::from(&*r.route_key);
        for p in &r.cache_key {
            let v = param_value(flow, p).unwrap_or("");
            let kind = match p {
                ParamRef::Path(_) => "path",
                ParamRef::Query(_) => "querystring",
                ParamRef::Header(_) => "header",
            };
            key.push('|');
            key.push_str(kind);
            key.push('.');
            key.push_str(p.name());
            key.push('=');
            key.push_str(v);
        }
        key
    }

    /// The cache key as the trace shows it: the method and its cache-key parameters' values.
    fn cache_desc(&self, flow: &Flow<'_>, route: usize) -> String {
        let r = &self.routes[route];
        if r.cache_key.is_empty() {
            return format!("{} (no cache-key parameters: every request to this method shares one entry)", r.route_key);
        }
        let shown: Vec<String> =
            r.cache_key.iter().map(|p| format!("{}={}", p.name(), param_value(flow, p).unwrap_or(""))).collect();
        format!("{} + {}", r.route_key, shown.join(", "))
    }

    pub(crate) fn phase_cache_lookup(
        &mut self,
        flow: &mut Flow<'_>,
        trace: &mut Trace,
    ) -> Result<Option<Response>, GatewayError> {
        let Some(ri) = flow.route else {
            return Ok(None);
        };
        if self.api_type == ApiType::Http {
            trace.push(Phase::Cache, Outcome::Skipped, "HTTP APIs have no response cache");
            return Ok(None);
        }
        let Some(cfg) = self.routes[ri].cache.clone() else {
            let why = match &self.stage.cache {
                Some(c) if c.enabled => {
                    "caching is off for this method (by default only GET is cached; TTL 0 also turns it off)"
                }
                _ => "the stage cache is not enabled",
            };
            trace.push(Phase::Cache, Outcome::Skipped, why);
            return Ok(None);
        };
        let key = self.cache_key(flow, ri);
        let wants_refresh = flow
            .req
            .header("cache-control")
            .is_some_and(|v| v.split(',').any(|d| d.trim().eq_ignore_ascii_case("max-age=0")));
        let mut note = String::new();
        if wants_refresh {
            let signer = caller(&self.principals, flow.req);
            let allowed = !cfg.require_authorization || signer.is_some_and(|p| p.can_invalidate);
            if allowed {
                self.cache.remove(&key);
                flow.cache = Some(CacheStatus::Invalidated);
                flow.cache_key = Some(key);
                trace.push_with(Phase::Cache, Outcome::Passed, || {
                    let who = match signer {
                        Some(p) if cfg.require_authorization => format!(
                            "from IAM principal {} (SigV4 access key {}), allowed {INVALIDATE_CACHE}; AWS would also verify the signature, this sandbox only reads the key id",
                            p.name, p.access_key_id
                        ),
                        _ => "from any caller (requireAuthorizationForCacheControl is false)".to_owned(),
                    };
                    format!("Cache-Control: max-age=0 {who}: entry for {} dropped, fetching afresh", self.cache_desc(flow, ri))
                });
                return Ok(None);
            }
            let why = match signer {
                Some(p) => format!("IAM principal {} is not allowed {INVALIDATE_CACHE}", p.name),
                None => format!(
                    "the request is not signed (SigV4) by an IAM principal allowed {INVALIDATE_CACHE}; an API key cannot grant it"
                ),
            };
            match cfg.strategy {
                CacheControlStrategy::FailWith403 => {
                    trace.push_with(Phase::Cache, Outcome::Rejected, || {
                        format!("Cache-Control: max-age=0, but {why}; the stage says FAIL_WITH_403")
                    });
                    return Err(GatewayError::CacheInvalidationDenied);
                }
                CacheControlStrategy::SucceedWithResponseHeader => {
                    flow.cache_warning = true;
                    note = format!("; Cache-Control: max-age=0 ignored ({why}; a Warning header says so)");
                }
                CacheControlStrategy::SucceedWithoutResponseHeader => {
                    note = format!("; Cache-Control: max-age=0 silently ignored ({why})");
                }
            }
        }
        if let Some(hit) = self.cache.get(key.as_str(), flow.now) {
            let left = hit.expires_at.millis_since(flow.now);
            let resp =
                Response { status: hit.value.status, headers: hit.value.headers.clone(), body: hit.value.body.clone() };
            flow.cache = Some(CacheStatus::Hit);
            trace.push_with(Phase::Cache, Outcome::Passed, || {
                format!(
                    "cache HIT for {}: stored response served, expires in {}.{:03} s; the integration is not called{note}",
                    self.cache_desc(flow, ri),
                    left / 1000,
                    left % 1000
                )
            });
            return Ok(Some(resp));
        }
        flow.cache = Some(CacheStatus::Miss);
        flow.cache_key = Some(key);
        trace
            .push_with(Phase::Cache, Outcome::Passed, || format!("cache MISS for {}{note}", self.cache_desc(flow, ri)));
        Ok(None)
    }

    /// Stores a fresh 2XX response under the key the lookup computed, and says so in the cache step.
    pub(crate) fn cache_store(&mut self, flow: &mut Flow<'_>, trace: &mut Trace, resp: &Response) {
        let Some(key) = flow.cache_key.take() else {
            return;
        };
        let Some(cfg) = flow.route.and_then(|r| self.routes[r].cache.as_ref()) else {
            return;
        };
        let ttl_ms = cfg.ttl_ms;
        let status = resp.status;
        if !(200..300).contains(&status) {
            trace.append(Phase::Cache, || format!(", not stored (status {status} is not 2XX)"));
        } else if resp.body.len() > MAX_CACHED_BYTES {
            trace.append(Phase::Cache, || ", not stored (over the 1 MB cached-response limit)".to_owned());
        } else {
            let bytes = resp.body.len() + resp.headers.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>();
            let cached = CachedResponse { status, headers: resp.headers.clone(), body: resp.body.clone() };
            let evicted = self.cache.insert_sized(key, cached, flow.now, ttl_ms, bytes);
            trace.append(Phase::Cache, || format!(", stored for {} s", ttl_ms / 1000));
            if evicted > 0 {
                trace.append(Phase::Cache, || {
                    format!(
                        "; {} evicted to stay within this sandbox's {} MiB cache budget (AWS would size the cache at 0.5 GB or more)",
                        crate::text::plural_as(evicted, "older entry", "older entries"),
                        self.cache.max_bytes() / (1024 * 1024)
                    )
                });
            }
        }
    }
}
