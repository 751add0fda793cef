//! The stage cache phase: look up before the integration, store after it. Only declared
//! cache-key parameters are part of the key, which is why `{proxy+}` without one caches a
//! single response for every path.

use super::definition::{ApiType, CacheControlStrategy};
use super::gateway::{CachedResponse, Gateway, ParamRef};
use super::http::Response;
use super::phases::param_value;
use super::pipeline::Flow;
use super::responses::GatewayError;
use super::trace::{CacheStatus, Outcome, Phase, Trace};

/// AWS does not cache responses larger than 1 MB.
const MAX_CACHED_BYTES: usize = 1_048_576;

impl Gateway {
    fn cache_key(&self, flow: &Flow<'_>, route: usize) -> (String, String) {
        let r = &self.routes[route];
        let mut key = r.route_key.clone();
        let mut shown = Vec::new();
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
            shown.push(format!("{}={v}", p.name()));
        }
        let desc = if shown.is_empty() {
            format!("{} (no cache-key parameters: every request to this method shares one entry)", r.route_key)
        } else {
            format!("{} + {}", r.route_key, shown.join(", "))
        };
        (key, desc)
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
        let (key, desc) = self.cache_key(flow, ri);
        let wants_refresh = flow
            .req
            .header("cache-control")
            .is_some_and(|v| v.split(',').any(|d| d.trim().eq_ignore_ascii_case("max-age=0")));
        let mut note = String::new();
        if wants_refresh {
            let allowed = !cfg.require_authorization || flow.key.is_some_and(|k| self.keys[k].can_invalidate);
            if allowed {
                self.cache.remove(&key);
                flow.cache = Some(CacheStatus::Invalidated);
                flow.cache_key = Some(key);
                trace.push(
                    Phase::Cache,
                    Outcome::Passed,
                    format!("Cache-Control: max-age=0 from a caller allowed to invalidate: entry for {desc} dropped, fetching afresh"),
                );
                return Ok(None);
            }
            match cfg.strategy {
                CacheControlStrategy::FailWith403 => {
                    trace.push(
                        Phase::Cache,
                        Outcome::Rejected,
                        "Cache-Control: max-age=0 from a caller not allowed to invalidate the cache; the stage says FAIL_WITH_403",
                    );
                    return Err(GatewayError::CacheInvalidationDenied);
                }
                CacheControlStrategy::SucceedWithResponseHeader => {
                    flow.cache_warning = true;
                    note = "; Cache-Control: max-age=0 ignored (caller may not invalidate; a Warning header says so)"
                        .to_owned();
                }
                CacheControlStrategy::SucceedWithoutResponseHeader => {
                    note = "; Cache-Control: max-age=0 silently ignored (caller may not invalidate)".to_owned();
                }
            }
        }
        if let Some(hit) = self.cache.get(key.as_str(), flow.now) {
            let left = hit.expires_at.millis_since(flow.now);
            let resp =
                Response { status: hit.value.status, headers: hit.value.headers.clone(), body: hit.value.body.clone() };
            flow.cache = Some(CacheStatus::Hit);
            trace.push(
                Phase::Cache,
                Outcome::Passed,
                format!(
                    "cache HIT for {desc}: stored response served, expires in {}.{:03} s; the integration is not called{note}",
                    left / 1000,
                    left % 1000
                ),
            );
            return Ok(Some(resp));
        }
        flow.cache = Some(CacheStatus::Miss);
        flow.cache_key = Some(key);
        trace.push(Phase::Cache, Outcome::Passed, format!("cache MISS for {desc}{note}"));
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
        let note = if !(200..300).contains(&resp.status) {
            format!(", not stored (status {} is not 2XX)", resp.status)
        } else if resp.body.len() > MAX_CACHED_BYTES {
            ", not stored (over the 1 MB cached-response limit)".to_owned()
        } else {
            let cached = CachedResponse { status: resp.status, headers: resp.headers.clone(), body: resp.body.clone() };
            self.cache.insert(key, cached, flow.now, ttl_ms);
            format!(", stored for {} s", ttl_ms / 1000)
        };
        if let Some(step) = trace.steps.iter_mut().rev().find(|s| s.phase == Phase::Cache) {
            step.detail.push_str(&note);
        }
    }
}
