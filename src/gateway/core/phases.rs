//! The admission phases before the cache: receive (size, CORS preflight), route, API key,
//! throttle, quota and request validation. Each writes one trace step in a learner's words.

use std::sync::Arc;

use serde_json::Value;

use super::cors;
use super::definition::{AWS_MAX_PAYLOAD, ApiType, RequestValidator};
use super::gateway::{Gateway, ParamRef};
use super::http::ShellRefusal;
use super::http::{Response, header_value};
use super::pipeline::Flow;
use super::quota::{QuotaCounter, period_word};
use super::responses::GatewayError;
use super::throttle::{Take, TokenBucket};
use super::trace::{Outcome, Phase, Trace};

pub(crate) fn fmt_bytes(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    } else if n >= 1024 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{n} bytes")
    }
}

fn describe_take(label: &str, t: &Take) -> String {
    let mut out = String::with_capacity(label.len() + 32);
    out.push_str(label);
    out.push_str(": ");
    push_tenths(&mut out, t.before);
    out.push_str(" → ");
    push_tenths(&mut out, t.after);
    out.push_str(" tokens");
    out
}

/// `{:.1}` of a token level. Levels are whole numbers in the usual case (millisecond time,
/// whole-number rates), and integer formatting is several times cheaper than float formatting
/// on the served request path; anything else goes through `{:.1}` itself, so the text is the same.
fn push_tenths(out: &mut String, x: f64) {
    use std::fmt::Write as _;
    if x.fract() == 0.0 && (0.0..1e15).contains(&x) {
        let _ = write!(out, "{}.0", x as u64);
    } else {
        let _ = write!(out, "{x:.1}");
    }
}

/// The value of a declared request parameter in this request, if present and non-empty.
pub(crate) fn param_value<'a>(flow: &'a Flow<'_>, p: &ParamRef) -> Option<&'a str> {
    let v = match p {
        ParamRef::Path(n) => flow.params.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str()),
        ParamRef::Query(n) => flow.req.query_param(n),
        ParamRef::Header(n) => header_value(&flow.req.headers, n),
    };
    v.filter(|s| !s.is_empty())
}

impl Gateway {
    pub(crate) fn phase_receive(
        &mut self,
        flow: &mut Flow<'_>,
        trace: &mut Trace,
    ) -> Result<Option<Response>, GatewayError> {
        let size = flow.req.body.len() as u64;
        if size > self.max_payload {
            trace.push_with(Phase::Receive, Outcome::Rejected, || {
                format!(
                    "body is {}, over the {} payload limit{}",
                    fmt_bytes(size),
                    fmt_bytes(self.max_payload),
                    self.cap_note(size)
                )
            });
            return Err(GatewayError::RequestTooLarge { sandbox_cap: self.sandbox_cap(size) });
        }
        if self.cors.is_some() && cors::is_preflight(flow.req) && self.preflight_goes_to_a_route(flow) {
            trace.push(
                Phase::Receive,
                Outcome::Passed,
                "CORS preflight, but the $default route (or an OPTIONS route) catches OPTIONS too, so the route's authorizer and integration answer it, not the built-in CORS; an OPTIONS /{proxy+} route without an authorizer lets preflights through",
            );
        } else if let Some(c) = &self.cors
            && let Some(resp) = cors::preflight(c, flow.req)
        {
            trace.push(
                Phase::Receive,
                Outcome::Passed,
                "CORS preflight: the HTTP API's built-in CORS configuration answers OPTIONS itself; no route, authorizer or integration runs",
            );
            return Ok(Some(resp));
        }
        trace.push_with(Phase::Receive, Outcome::Passed, || {
            if size == 0 {
                format!("{} {} with no body", flow.req.method, flow.req.path)
            } else {
                format!(
                    "{} {} with a {} body (limit {})",
                    flow.req.method,
                    flow.req.path,
                    fmt_bytes(size),
                    fmt_bytes(self.max_payload)
                )
            }
        });
        Ok(None)
    }

    /// The sandbox's cap when it, not AWS's 10 MB, refuses a body of `size` bytes.
    fn sandbox_cap(&self, size: u64) -> Option<u64> {
        (self.max_payload < AWS_MAX_PAYLOAD && size <= AWS_MAX_PAYLOAD).then_some(self.max_payload)
    }

    fn cap_note(&self, size: u64) -> &'static str {
        if self.sandbox_cap(size).is_some() {
            " (AWS would accept it: AWS allows 10 MB; this sandbox's cap is lower)"
        } else {
            " (AWS allows 10 MB)"
        }
    }

    /// Whether a preflight reaches a route instead of the built-in CORS answer: the `$default`
    /// route catches every method, OPTIONS included, and an `OPTIONS` route is the documented
    /// way to answer preflights yourself
    /// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html).
    fn preflight_goes_to_a_route(&self, flow: &Flow<'_>) -> bool {
        self.router.route(&flow.req.method, &flow.req.path).is_some_and(|m| {
            let r = &self.routes[m.route];
            r.path == "$default" || r.method.eq_ignore_ascii_case("OPTIONS")
        })
    }

    /// The trace step for a request the server shell refused before the pipeline ran.
    pub(crate) fn phase_shell_refusal(&self, refusal: &ShellRefusal, trace: &mut Trace) -> GatewayError {
        match refusal {
            ShellRefusal::BodyTooLarge { bytes } => {
                trace.push_with(Phase::Receive, Outcome::Rejected, || {
                    format!(
                        "body is over the {} payload limit{}; the server stopped reading it after {}",
                        fmt_bytes(self.max_payload),
                        self.cap_note(*bytes),
                        fmt_bytes(*bytes)
                    )
                });
                GatewayError::RequestTooLarge { sandbox_cap: self.sandbox_cap(*bytes) }
            }
            ShellRefusal::WrongStage { stage } => {
                let (err, answer) = match self.api_type {
                    ApiType::Rest => (GatewayError::MissingAuthenticationToken, "403 \"Missing Authentication Token\""),
                    ApiType::Http => (GatewayError::NotFound, "404 \"Not Found\""),
                };
                trace.push_with(Phase::Route, Outcome::Rejected, || {
                    let named = if stage.is_empty() {
                        "the URL names no stage".to_owned()
                    } else {
                        format!("the URL names stage '{stage}'")
                    };
                    format!(
                        "{named}, but this gateway serves stage '{0}' (invoke URLs look like /{0}/pets); no route is looked up, the answer is {answer}",
                        self.stage.name
                    )
                });
                err
            }
        }
    }

    pub(crate) fn phase_route(&mut self, flow: &mut Flow<'_>, trace: &mut Trace) -> Result<(), GatewayError> {
        let Some(m) = self.router.route(&flow.req.method, &flow.req.path) else {
            return Err(match self.api_type {
                ApiType::Rest => {
                    trace.push_with(Phase::Route, Outcome::Rejected, || {
                        format!(
                            "no resource and method match {} {}; a REST API answers 403 \"Missing Authentication Token\", not 404",
                            flow.req.method, flow.req.path
                        )
                    });
                    GatewayError::MissingAuthenticationToken
                }
                ApiType::Http => {
                    trace.push_with(Phase::Route, Outcome::Rejected, || {
                        format!(
                            "no route matches {} {} and there is no $default route; an HTTP API answers 404",
                            flow.req.method, flow.req.path
                        )
                    });
                    GatewayError::NotFound
                }
            });
        };
        let route = &self.routes[m.route];
        trace.route_key = Some(Arc::clone(&route.route_key));
        trace.push_with(Phase::Route, Outcome::Passed, || {
            let mut detail = format!("matched {}", route.route_key);
            if !m.params.is_empty() {
                let ps: Vec<String> = m.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
                detail.push_str(&format!(" with {}", ps.join(", ")));
            }
            if route.path.contains('{') || route.method == "ANY" || route.path == "$default" {
                detail.push_str(" (literal segments beat {param}, which beats {proxy+}; an exact method beats ANY)");
            }
            detail
        });
        flow.route = Some(m.route);
        flow.params = m.params;
        Ok(())
    }

    pub(crate) fn phase_api_key(&mut self, flow: &mut Flow<'_>, trace: &mut Trace) -> Result<(), GatewayError> {
        let Some(route) = flow.route.and_then(|r| self.routes.get(r)) else {
            return Ok(());
        };
        if self.api_type == ApiType::Http {
            trace.push(Phase::ApiKey, Outcome::Skipped, "HTTP APIs have no API keys or usage plans");
            return Ok(());
        }
        if !route.api_key_required {
            trace.push(
                Phase::ApiKey,
                Outcome::Skipped,
                "this method does not require an API key (apiKeyRequired is false)",
            );
            return Ok(());
        }
        let Some(value) = flow.req.header("x-api-key") else {
            trace.push(
                Phase::ApiKey,
                Outcome::Rejected,
                "the method requires an API key, and the request has no x-api-key header",
            );
            return Err(GatewayError::InvalidApiKey);
        };
        let Some(&idx) = self.keys_by_value.get(value) else {
            trace.push(Phase::ApiKey, Outcome::Rejected, "the x-api-key value is not a known API key");
            return Err(GatewayError::InvalidApiKey);
        };
        let key = &self.keys[idx];
        if !key.enabled {
            trace.push_with(Phase::ApiKey, Outcome::Rejected, || format!("API key {} is disabled", key.name));
            return Err(GatewayError::InvalidApiKey);
        }
        let Some(plan) = key.plan.and_then(|p| self.plans.get(p)) else {
            trace.push_with(Phase::ApiKey, Outcome::Rejected, || {
                format!("API key {} is not in a usage plan for stage {}", key.name, self.stage.name)
            });
            return Err(GatewayError::InvalidApiKey);
        };
        trace.push_with(Phase::ApiKey, Outcome::Passed, || format!("API key {} (usage plan {})", key.name, plan.name));
        flow.key = Some(idx);
        Ok(())
    }

    /// Usage plan (per client, or per method within the plan), then stage per-method, then
    /// account: the first empty bucket rejects, and later buckets are not charged.
    pub(crate) fn phase_throttle(&mut self, flow: &mut Flow<'_>, trace: &mut Trace) -> Result<(), GatewayError> {
        let Some(ri) = flow.route else {
            return Ok(());
        };
        // What each bucket that admitted the request says, for the step's sentence; the labels
        // and levels are formatted only for a recorded trace.
        let mut notes: Vec<String> = Vec::new();
        let explained = trace.is_recorded();
        let now = flow.now;
        let route_key = &self.routes[ri].route_key;
        if let Some(ki) = flow.key
            && let Some(plan) = self.keys[ki].plan.and_then(|p| self.plans.get(p))
        {
            let method = plan.method_throttle.get(ri).copied().flatten();
            let chosen = method.map(|t| (t, Some(ri))).or(plan.throttle.map(|t| (t, None)));
            if let Some((settings, scope)) = chosen {
                let bucket = self.plan_buckets.entry((ki, scope)).or_insert_with(|| TokenBucket::new(settings));
                let take = bucket.try_take(now);
                let key_name = &self.keys[ki].name;
                let label = || match scope {
                    Some(_) => format!("usage-plan bucket for key {key_name} on {route_key}"),
                    None => format!("usage-plan bucket for key {key_name}"),
                };
                if !take.admitted {
                    let (rate, burst) = (settings.rate_limit, settings.burst_limit);
                    return Err(throttled(trace, &notes, label, &take, bucket, now, rate, burst));
                }
                if explained {
                    notes.push(describe_take(&label(), &take));
                }
            }
        }
        if let Some(Some(bucket)) = self.stage_buckets.get_mut(ri) {
            let take = bucket.try_take(now);
            let label = || format!("stage bucket for {route_key}");
            if !take.admitted {
                let (rate, burst) = (bucket.rate(), bucket.burst() as u32);
                return Err(throttled(trace, &notes, label, &take, bucket, now, rate, burst));
            }
            if explained {
                notes.push(describe_take(&label(), &take));
            }
        }
        let take = self.account_bucket.try_take(now);
        let label = || "account bucket".to_owned();
        if !take.admitted {
            let b = &self.account_bucket;
            let (rate, burst) = (b.rate(), b.burst() as u32);
            return Err(throttled(trace, &notes, label, &take, b, now, rate, burst));
        }
        trace.push_with(Phase::Throttle, Outcome::Passed, || {
            notes.push(describe_take(&label(), &take));
            notes.join("; ")
        });
        Ok(())
    }

    pub(crate) fn phase_quota(&mut self, flow: &mut Flow<'_>, trace: &mut Trace) -> Result<(), GatewayError> {
        let plan_quota = flow.key.and_then(|k| self.keys[k].plan).and_then(|p| self.plans.get(p)).and_then(|p| p.quota);
        let (Some(ki), Some(settings)) = (flow.key, plan_quota) else {
            let why = if flow.key.is_some() {
                "the usage plan sets no quota"
            } else {
                "no API key, so no usage-plan quota applies"
            };
            trace.push(Phase::Quota, Outcome::Skipped, why);
            return Ok(());
        };
        let counter = self.quotas.entry(ki).or_insert_with(|| QuotaCounter::new(settings));
        let check = counter.try_consume(flow.now);
        let outcome = if check.admitted { Outcome::Passed } else { Outcome::Rejected };
        trace.push_with(Phase::Quota, outcome, || {
            let period = period_word(settings.period);
            let mut detail = format!("quota {} of {} used {period}", check.used, check.limit);
            if check.rolled_over {
                detail.push_str(&format!("; a new window began at {} UTC", check.window_start.iso8601()));
            }
            if settings.offset > 0 && check.limit < settings.limit {
                detail.push_str(&format!(" (first period: limit {} minus offset {})", settings.limit, settings.offset));
            }
            if !check.admitted {
                detail.push_str("; the quota is used up until the next window");
            }
            detail
        });
        if check.admitted { Ok(()) } else { Err(GatewayError::QuotaExceeded) }
    }

    pub(crate) fn phase_validation(&mut self, flow: &mut Flow<'_>, trace: &mut Trace) -> Result<(), GatewayError> {
        let Some(route) = flow.route.and_then(|r| self.routes.get(r)) else {
            return Ok(());
        };
        let Some(v) = route.validator else {
            trace.push(Phase::Validation, Outcome::Skipped, "no request validator on this method");
            return Ok(());
        };
        let params = matches!(v, RequestValidator::Params | RequestValidator::ParamsAndBody);
        let body = matches!(v, RequestValidator::Body | RequestValidator::ParamsAndBody);
        if params {
            let missing: Vec<String> = route
                .required_params
                .iter()
                .filter(|p| param_value(flow, p).is_none())
                .map(|p| p.name().to_owned())
                .collect();
            if !missing.is_empty() {
                trace.push_with(Phase::Validation, Outcome::Rejected, || {
                    format!("required request parameters missing: {}", missing.join(", "))
                });
                return Err(GatewayError::BadRequestParameters { missing });
            }
        }
        if body && let Err(why) = validate_body(&flow.req.body, route.model.as_ref()) {
            trace.push_with(Phase::Validation, Outcome::Rejected, || format!("body rejected by the model: {why}"));
            return Err(GatewayError::BadRequestBody);
        }
        trace.push_with(Phase::Validation, Outcome::Passed, || {
            let mut checked = Vec::new();
            if params {
                checked.push(format!(
                    "{} present",
                    crate::text::plural(route.required_params.len(), "required parameter")
                ));
            }
            if body {
                checked.push("body matches the model".to_owned());
            }
            checked.join("; ")
        });
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
fn throttled(
    trace: &mut Trace,
    notes: &[String],
    label: impl FnOnce() -> String,
    take: &Take,
    bucket: &TokenBucket,
    now: super::time::VirtualTime,
    rate: f64,
    burst: u32,
) -> GatewayError {
    trace.push_with(Phase::Throttle, Outcome::Rejected, || {
        let next = match bucket.millis_until_token(now) {
            Some(ms) => format!("next token in {ms} ms"),
            None => "this bucket never refills (rate or burst is 0)".to_owned(),
        };
        let mut detail = String::new();
        for n in notes {
            detail.push_str(n);
            detail.push_str("; ");
        }
        detail.push_str(&format!(
            "{} is empty ({:.3} tokens, a request needs 1; rate {rate}/s, burst {burst}); {next}",
            label(),
            take.before
        ));
        detail
    });
    GatewayError::Throttled
}

/// The `BODY` validator: JSON, required properties present, declared types right.
fn validate_body(body: &[u8], model: Option<&super::definition::RequestModel>) -> Result<(), String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("not valid JSON ({e})"))?;
    let Some(model) = model else {
        return Ok(());
    };
    let Some(obj) = v.as_object() else {
        return Err("the model expects a JSON object".to_owned());
    };
    for r in &model.required {
        if !obj.contains_key(r) {
            return Err(format!("required property \"{r}\" is missing"));
        }
    }
    for (name, ty) in &model.properties {
        let Some(val) = obj.get(name) else { continue };
        let ok = match ty.as_str() {
            "string" => val.is_string(),
            "number" => val.is_number(),
            "integer" => val.is_i64() || val.is_u64(),
            "boolean" => val.is_boolean(),
            "object" => val.is_object(),
            "array" => val.is_array(),
            _ => true,
        };
        if !ok {
            return Err(format!("property \"{name}\" should be of type {ty}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::push_tenths;

    #[test]
    fn tenths_match_the_format_macro() {
        for x in [0.0, 1.0, 2.5, 0.05, 0.25, 999_999.0, 1_000_000.0, 3.999_9, 1e15, 1e16, 12.34] {
            let mut got = String::new();
            push_tenths(&mut got, x);
            assert_eq!(got, format!("{x:.1}"), "{x}");
        }
    }
}
