//! The three integration phases for one request: integration request (build the event or
//! render the request template), integration (call, with the timeout in virtual time) and
//! integration response (check or map what came back).

use std::borrow::Cow;

use serde_json::{Value, json};

use super::events::{context_json, event_v1, event_v2};
use super::forwarded::{backend_headers, trace_header};
use super::proxy_response::{parse_v1, parse_v2};
use super::{CompiledIntegration, HeaderSource, IntResponse, PayloadVersion};
use crate::gateway::core::definition::ApiType;
use crate::gateway::core::gateway::Gateway;
use crate::gateway::core::handlers::{BackendRequest, InvokeMode};
use crate::gateway::core::http::{HeaderText, Response, header_value};
use crate::gateway::core::pipeline::Flow;
use crate::gateway::core::responses::GatewayError;
use crate::gateway::core::template::{InputData, Overrides, RenderContext, Template};
use crate::gateway::core::trace::{Outcome, Phase, Trace};

/// The template for the request's content type: an exact match, else `application/json`, else
/// the first; as an index into `templates`.
fn pick_index(templates: &[(String, Template)], content_type: Option<&str>) -> Option<usize> {
    let ct = content_type.and_then(|c| c.split(';').next()).map(|c| c.trim().to_ascii_lowercase());
    ct.and_then(|ct| templates.iter().position(|(k, _)| *k == ct))
        .or_else(|| templates.iter().position(|(k, _)| k == "application/json"))
        .or_else(|| (!templates.is_empty()).then_some(0))
}

fn pick_template<'t>(templates: &'t [(String, Template)], content_type: Option<&str>) -> Option<&'t Template> {
    pick_index(templates, content_type).and_then(|i| templates.get(i)).map(|(_, t)| t)
}

/// The `statusCode` a MOCK request template's output names, if it names a valid one.
fn status_of(rendered: &str) -> Option<u16> {
    plain_status_code(rendered)
        .or_else(|| {
            serde_json::from_str::<Value>(rendered).ok().and_then(|v| v.get("statusCode").and_then(Value::as_u64))
        })
        .and_then(|s| u16::try_from(s).ok())
}

/// The status a plain-text MOCK template always renders, if it renders one.
pub(crate) fn literal_status(t: &Template) -> Option<u16> {
    t.as_literal().and_then(status_of)
}

/// The status of the usual MOCK template output, `{"statusCode": 200}`, read byte by byte
/// without building a JSON value; anything else (more keys, a string) is `None` and goes to the
/// JSON parser. Only JSON's four whitespace bytes are skipped, as the parser would.
fn plain_status_code(rendered: &str) -> Option<u64> {
    fn ws(s: &[u8]) -> &[u8] {
        let n = s.iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')).count();
        s.split_at(n).1
    }
    let s = ws(rendered.as_bytes()).strip_prefix(b"{")?;
    let s = ws(s).strip_prefix(b"\"statusCode\"")?;
    let s = ws(ws(s).strip_prefix(b":")?);
    let (digits, rest) = s.split_at(s.iter().take_while(|b| b.is_ascii_digit()).count());
    if !ws(ws(rest).strip_prefix(b"}")?).is_empty() {
        return None;
    }
    // JSON has no leading zeros; leave `007` to the parser, which refuses it.
    if digits.is_empty() || digits.len() > 3 || digits.len() > 1 && digits[0] == b'0' {
        return None;
    }
    Some(digits.iter().fold(0, |n, d| n * 10 + u64::from(d - b'0')))
}

fn select<'r>(responses: &'r [IntResponse], subject: &str) -> Option<&'r IntResponse> {
    responses
        .iter()
        .find(|r| r.pattern.as_ref().is_some_and(|p| p.is_match(subject)))
        .or_else(|| responses.iter().find(|r| r.pattern_src.is_none()))
}

fn timed_out(trace: &mut Trace, flow: &mut Flow<'_>, what: &str, took: u64, timeout: u64) -> GatewayError {
    flow.integration_latency = Some(timeout);
    trace.push_with(
        Phase::Integration,
        Outcome::Failed,
        || format!(
            "{what} would take {took} ms, but the integration timeout is {timeout} ms: API Gateway stops waiting at {}.{:03} s (the function may keep running)",
            timeout / 1000,
            timeout % 1000
        ));
    GatewayError::IntegrationTimeout
}

impl Gateway {
    fn render(&self, flow: &Flow<'_>, t: &Template, body: &str) -> Result<String, String> {
        self.render_full(flow, t, body).map(|(text, _)| text)
    }

    /// Renders, with what the template wrote to `$context.requestOverride`/`responseOverride`.
    fn render_full(&self, flow: &Flow<'_>, t: &Template, body: &str) -> Result<(String, Overrides), String> {
        // Building `$context` is most of a MOCK request's cost; most templates never read it.
        let context = if t.needs_context() { context_json(self, flow, None) } else { Value::Null };
        let input = InputData { body, path: &flow.params, query: &flow.req.query, headers: &flow.req.headers };
        t.render_with_overrides(&RenderContext::new(input, &context, &self.stage_vars)).map_err(|e| e.to_string())
    }

    pub(crate) fn run_integration(&mut self, flow: &mut Flow<'_>, trace: &mut Trace) -> Result<Response, GatewayError> {
        let Some(ri) = flow.route else {
            return Err(GatewayError::ApiConfigurationError);
        };
        match &self.routes[ri].integration {
            CompiledIntegration::LambdaProxy { .. } => self.lambda_proxy(flow, trace, ri),
            CompiledIntegration::Mock { .. } => self.mock(flow, trace, ri),
            CompiledIntegration::Lambda { .. } => self.lambda_custom(flow, trace, ri),
            CompiledIntegration::HttpProxy { .. } => self.http_proxy(flow, trace, ri),
        }
    }

    fn lambda_proxy(&mut self, flow: &mut Flow<'_>, trace: &mut Trace, ri: usize) -> Result<Response, GatewayError> {
        let CompiledIntegration::LambdaProxy { handler, version, timeout_ms } = &self.routes[ri].integration else {
            return Err(GatewayError::ApiConfigurationError);
        };
        let (handler, version, timeout) = (handler.clone(), *version, *timeout_ms);
        let route = &self.routes[ri];
        let (event, v) = match version {
            PayloadVersion::V1 => (event_v1(self, flow, route), "1.0"),
            PayloadVersion::V2 => (event_v2(self, flow, route), "2.0"),
        };
        trace.push_with(
            Phase::IntegrationRequest,
            Outcome::Passed,
            || format!("Lambda proxy: the whole request becomes a payload {v} event for function {handler}, with the X-Forwarded-For/Port/Proto and X-Amzn-Trace-Id headers API Gateway adds (port 443 and https, as AWS's endpoint has; this sandbox itself listens on plain HTTP); no mapping template"));
        let inv = self.handlers.invoke_lambda(&handler, &event, InvokeMode::Proxy);
        if inv.duration_ms >= timeout {
            return Err(timed_out(trace, flow, &format!("Lambda {handler}"), inv.duration_ms, timeout));
        }
        flow.integration_latency = Some(inv.duration_ms);
        let result = match inv.result {
            Ok(v) => v,
            Err(msg) => {
                trace.push_with(Phase::Integration, Outcome::Failed, || {
                    format!("Lambda {handler} failed after {} ms: {msg}", inv.duration_ms)
                });
                return Err(GatewayError::MalformedProxyResponse);
            }
        };
        trace.push_with(Phase::Integration, Outcome::Passed, || {
            format!("Lambda {handler} returned in {} ms (timeout {timeout} ms)", inv.duration_ms)
        });
        let parsed = match version {
            PayloadVersion::V1 => parse_v1(&result),
            PayloadVersion::V2 => parse_v2(&result),
        };
        match parsed {
            Ok(r) => {
                flow.integration_status = Some(r.status);
                trace.push_with(
                    Phase::IntegrationResponse,
                    Outcome::Passed,
                    || format!(
                        "proxy response passed through as is: status {}, {}, {}-byte body (proxy integrations have no response mapping)",
                        r.status,
                        crate::text::plural(r.headers.len(), "header"),
                        r.body.len()
                    ));
                let headers = r.headers.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
                let mut resp = Response { status: r.status, headers, body: r.body.into() };
                if resp.header("content-type").is_none() {
                    resp.headers.push(("Content-Type".into(), "application/json".into()));
                }
                // A REST API's Lambda proxy answer carries the request's X-Ray trace header.
                if self.api_type == ApiType::Rest && resp.header("x-amzn-trace-id").is_none() {
                    resp.headers.push(("X-Amzn-Trace-Id".into(), trace_header(flow).into()));
                }
                Ok(resp)
            }
            Err(why) => {
                let status = GatewayError::MalformedProxyResponse.status(self.api_type);
                trace.push_with(Phase::IntegrationResponse, Outcome::Failed, || {
                    format!("malformed Lambda proxy response: {why}; API Gateway answers {status}")
                });
                Err(GatewayError::MalformedProxyResponse)
            }
        }
    }

    fn mock(&mut self, flow: &mut Flow<'_>, trace: &mut Trace, ri: usize) -> Result<Response, GatewayError> {
        let CompiledIntegration::Mock { templates, statuses, responses } = &self.routes[ri].integration else {
            return Err(GatewayError::ApiConfigurationError);
        };
        let picked = pick_index(templates, flow.req.header("content-type"));
        // A MOCK request template's output is only read for its statusCode: plain text (the
        // usual case) was read when the gateway was built; anything else is rendered now.
        let fixed = picked.and_then(|i| statuses.get(i).copied().flatten());
        let rendered: Cow<'_, str> = match (fixed, picked.and_then(|i| templates.get(i))) {
            (Some(_), _) | (None, None) => Cow::Borrowed(""),
            (None, Some((_, t))) => match t.as_literal() {
                Some(text) => Cow::Borrowed(text),
                None => match self.render(flow, t, &flow.req.body_text()) {
                    Ok(s) => Cow::Owned(s),
                    Err(e) => {
                        trace.push_with(Phase::IntegrationRequest, Outcome::Failed, || {
                            format!("request template failed at {e}")
                        });
                        return Err(GatewayError::ApiConfigurationError);
                    }
                },
            },
        };
        let status = fixed.or_else(|| status_of(&rendered));
        let Some(status) = status else {
            trace.push_with(Phase::IntegrationRequest, Outcome::Failed, || {
                format!(
                    "a MOCK request template must render JSON like {{\"statusCode\": 200}}; it rendered {:?}",
                    rendered.trim()
                )
            });
            return Err(GatewayError::ApiConfigurationError);
        };
        trace.push_with(Phase::IntegrationRequest, Outcome::Passed, || {
            format!("request template rendered statusCode {status}")
        });
        trace.push(
            Phase::Integration,
            Outcome::Passed,
            "MOCK: API Gateway answers by itself; no back end is called (0 ms)",
        );
        flow.integration_latency = Some(0);
        flow.integration_status = Some(status);
        // Selection patterns match the status as text; most MOCK routes have none, and then
        // the text is only needed to say that nothing matched.
        let selected = if responses.iter().any(|r| r.pattern.is_some()) {
            select(responses, &status.to_string())
        } else {
            responses.iter().find(|r| r.pattern_src.is_none())
        };
        let subject = if selected.is_some() { String::new() } else { status.to_string() };
        self.map_response(flow, trace, selected, "", &[], &subject)
    }

    fn lambda_custom(&mut self, flow: &mut Flow<'_>, trace: &mut Trace, ri: usize) -> Result<Response, GatewayError> {
        let CompiledIntegration::Lambda { handler, templates, timeout_ms, .. } = &self.routes[ri].integration else {
            return Err(GatewayError::ApiConfigurationError);
        };
        let (handler, timeout) = (handler.clone(), *timeout_ms);
        let body = flow.req.body_text();
        let mut request_overrides = Vec::new();
        let event = match pick_template(templates, flow.req.header("content-type")) {
            Some(t) => match self.render_full(flow, t, &body) {
                Ok((s, o)) => match serde_json::from_str::<Value>(&s) {
                    Ok(v) => {
                        request_overrides = o.request;
                        v
                    }
                    Err(e) => {
                        trace.push_with(Phase::IntegrationRequest, Outcome::Failed, || {
                            format!("the request template did not render JSON ({e}): {s:?}")
                        });
                        return Err(GatewayError::ApiConfigurationError);
                    }
                },
                Err(e) => {
                    trace.push_with(Phase::IntegrationRequest, Outcome::Failed, || {
                        format!("request template failed at {e}")
                    });
                    return Err(GatewayError::ApiConfigurationError);
                }
            },
            None => serde_json::from_str(&body).unwrap_or(Value::String(body.clone())),
        };
        trace.push_with(Phase::IntegrationRequest, Outcome::Passed, || {
            format!("request template mapped the request to the event {event} for Lambda {handler}")
        });
        if !request_overrides.is_empty() {
            trace.append(Phase::IntegrationRequest, || {
                let set: Vec<String> = request_overrides.iter().map(|(kind, k, v)| format!("{kind}.{k}={v}")).collect();
                format!(
                    "; $context.requestOverride set {}: they change the integration request's headers, query string or path, which a Lambda function behind an AWS integration never sees (it gets the body only), here as on AWS",
                    set.join(", ")
                )
            });
        }
        let inv = self.handlers.invoke_lambda(&handler, &event, InvokeMode::Custom);
        if inv.duration_ms >= timeout {
            return Err(timed_out(trace, flow, &format!("Lambda {handler}"), inv.duration_ms, timeout));
        }
        flow.integration_latency = Some(inv.duration_ms);
        let (payload, subject) = match inv.result {
            Ok(v) => {
                trace.push_with(Phase::Integration, Outcome::Passed, || {
                    format!("Lambda {handler} returned in {} ms", inv.duration_ms)
                });
                (v.to_string(), String::new())
            }
            Err(msg) => {
                trace.push_with(Phase::Integration, Outcome::Passed, || {
                    format!("Lambda {handler} threw \"{msg}\"; the error message selects the integration response")
                });
                (json!({"errorMessage": msg, "errorType": "Error"}).to_string(), msg)
            }
        };
        flow.integration_status = Some(200);
        // Borrowed again after the call: `invoke_lambda` needed `self` mutably.
        let CompiledIntegration::Lambda { responses, .. } = &self.routes[ri].integration else {
            return Err(GatewayError::ApiConfigurationError);
        };
        let selected = if subject.is_empty() {
            responses.iter().find(|r| r.pattern_src.is_none())
        } else {
            select(responses, &subject)
        };
        self.map_response(flow, trace, selected, &payload, &[], &subject)
    }

    /// Applies the selected integration response: status, response template, header mapping.
    fn map_response(
        &self,
        flow: &mut Flow<'_>,
        trace: &mut Trace,
        selected: Option<&IntResponse>,
        body: &str,
        integration_headers: &[(String, String)],
        subject: &str,
    ) -> Result<Response, GatewayError> {
        let Some(sel) = selected else {
            trace.push_with(Phase::IntegrationResponse, Outcome::Failed, || {
                format!(
                    "no integration response matches {subject:?} and there is no default (one without selectionPattern)"
                )
            });
            return Err(GatewayError::ApiConfigurationError);
        };
        let mut overrides = Overrides::default();
        let out_body: bytes::Bytes = match (&sel.literal_body, &sel.template) {
            (Some(text), _) => text.clone(),
            (None, Some(t)) => match self.render_full(flow, t, body) {
                Ok((s, o)) => {
                    overrides = o;
                    s.into()
                }
                Err(e) => {
                    trace.push_with(Phase::IntegrationResponse, Outcome::Failed, || {
                        format!("response template failed at {e}")
                    });
                    return Err(GatewayError::ApiConfigurationError);
                }
            },
            (None, None) => bytes::Bytes::copy_from_slice(body.as_bytes()),
        };
        // Room for the mapped headers and the few `finish` adds (request ids, cache, CORS).
        let mut headers: Vec<(HeaderText, HeaderText)> = Vec::with_capacity(sel.headers.len() + 5);
        headers.push(("Content-Type".into(), "application/json".into()));
        for (name, src) in &sel.headers {
            let v = match src {
                HeaderSource::Literal(v) => Some(v.clone()),
                HeaderSource::IntegrationHeader(h) => header_value(integration_headers, h).map(str::to_owned),
            };
            if let Some(v) = v {
                headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
                headers.push((name.clone().into(), v.into()));
            }
        }
        // `$context.responseOverride` from the response template wins over the mapping.
        for (name, v) in &overrides.response_headers {
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
            headers.push((name.clone().into(), v.clone().into()));
        }
        let status = overrides.status.unwrap_or(sel.status);
        trace.push_with(Phase::IntegrationResponse, Outcome::Passed, || {
            let how = match &sel.pattern_src {
                Some(p) => format!("selectionPattern {p:?} matched"),
                None => "the default response".to_owned(),
            };
            format!(
                "{how} → method response {}{}{}",
                sel.status,
                if sel.template.is_some() { ", response template rendered" } else { ", body passed through" },
                if sel.headers.is_empty() {
                    String::new()
                } else {
                    format!(", {} mapped", crate::text::plural(sel.headers.len(), "header"))
                }
            )
        });
        if let Some(s) = overrides.status {
            trace.append(Phase::IntegrationResponse, || {
                format!("; the template set $context.responseOverride.status, so the status is {s}")
            });
        }
        Ok(Response { status, headers, body: out_body })
    }

    fn http_proxy(&mut self, flow: &mut Flow<'_>, trace: &mut Trace, ri: usize) -> Result<Response, GatewayError> {
        let CompiledIntegration::HttpProxy { backend, path, timeout_ms } = &self.routes[ri].integration else {
            return Err(GatewayError::ApiConfigurationError);
        };
        let (backend, timeout) = (backend.clone(), *timeout_ms);
        let target = match path {
            Some(p) => {
                let mut t = p.clone();
                for (k, v) in &flow.params {
                    t = t.replace(&format!("{{{k}}}"), v).replace(&format!("{{{k}+}}"), v);
                }
                t
            }
            None => flow.req.path.clone(),
        };
        let req = BackendRequest {
            method: flow.req.method.clone(),
            path: target,
            query: flow.req.query.clone(),
            headers: backend_headers(self, flow, &backend),
            body: flow.req.body_text(),
        };
        trace.push_with(Phase::IntegrationRequest, Outcome::Passed, || {
            format!(
                "HTTP proxy: {} {} forwarded to the built-in back end '{backend}' (no mapping); API Gateway sets Host to the back end's host and adds x-amzn-apigateway-api-id, X-Forwarded-For/Port/Proto and X-Amzn-Trace-Id",
                req.method, req.path
            )
        });
        let reply = self.handlers.invoke_backend(&backend, &req);
        if reply.duration_ms >= timeout {
            return Err(timed_out(trace, flow, &format!("back end {backend}"), reply.duration_ms, timeout));
        }
        flow.integration_latency = Some(reply.duration_ms);
        flow.integration_status = Some(reply.status);
        trace.push_with(Phase::Integration, Outcome::Passed, || {
            format!("back end {backend} answered {} in {} ms", reply.status, reply.duration_ms)
        });
        trace.push(
            Phase::IntegrationResponse,
            Outcome::Passed,
            "HTTP proxy: the back end's status, headers and body pass through unchanged",
        );
        let headers = reply.headers.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        Ok(Response { status: reply.status, headers, body: reply.body.into() })
    }
}

#[cfg(test)]
mod tests {
    use super::plain_status_code;

    #[test]
    fn plain_status_codes() {
        assert_eq!(plain_status_code(r#"{"statusCode": 200}"#), Some(200));
        assert_eq!(plain_status_code(" {\n  \"statusCode\" :404 }\n"), Some(404));
        for other in [
            r#"{"statusCode": "200"}"#,
            r#"{"statusCode": 200, "x": 1}"#,
            r#"{"statusCode": -1}"#,
            r#"{"statusCode": 007}"#,
            "",
            "{}",
        ] {
            assert_eq!(plain_status_code(other), None, "{other}");
        }
    }
}
