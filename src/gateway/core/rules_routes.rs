//! The route checks of `rules.rs`: methods and paths, authorization, request parameters and
//! validation, cache keys, integrations and their templates.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::definition::{AuthorizerDef, IntegrationDef, IntegrationResponseDef, RouteDef};
use super::gateway::{ParamRef, full_match_regex};
use super::locate::PathSeg;
use super::router::{Seg, parse_pattern};
use super::rules::{METHODS, V, route_key};
use crate::gateway::core::handlers::{BACKENDS, LAMBDA_HANDLERS};

impl V<'_> {
    pub(super) fn routes(&mut self) {
        let d = self.def;
        if d.routes.is_empty() {
            self.err(p!["routes"], "an API needs at least one route");
        }
        let mut keys = HashSet::new();
        let mut level_names: HashMap<String, (String, usize)> = HashMap::new();
        for (i, r) in d.routes.iter().enumerate() {
            let m = r.method.to_ascii_uppercase();
            if !METHODS.contains(&m.as_str()) {
                self.err(p!["routes", i, "method"], format!("'{}' is not one of {}", r.method, METHODS.join(", ")));
            }
            let mut params: Vec<String> = Vec::new();
            if r.path == "$default" {
                if self.rest {
                    self.err(p!["routes", i, "path"], "$default routes exist only on HTTP APIs");
                } else if m != "ANY" {
                    self.err(p!["routes", i, "method"], "the $default route's method must be ANY");
                }
            } else {
                match parse_pattern(&r.path) {
                    Err(e) => self.err(p!["routes", i, "path"], e),
                    Ok(segs) => {
                        let mut prefix = String::new();
                        for seg in &segs {
                            match seg {
                                Seg::Param(n) | Seg::Greedy(n) => {
                                    params.push(n.clone());
                                    match level_names.get(&prefix) {
                                        Some((other, j)) if other != n && self.rest => {
                                            let msg = format!(
                                                "{{{n}}} clashes with {{{other}}} in routes[{j}]: AWS allows one variable name per path level"
                                            );
                                            self.err(p!["routes", i, "path"], msg);
                                        }
                                        _ => {
                                            level_names.insert(prefix.clone(), (n.clone(), i));
                                        }
                                    }
                                    prefix.push_str("/{}");
                                }
                                Seg::Lit(l) => {
                                    prefix.push('/');
                                    prefix.push_str(l);
                                }
                            }
                        }
                    }
                }
            }
            if !keys.insert(route_key(r)) {
                self.err(p!["routes", i], format!("route '{}' is defined twice", route_key(r)));
            }
            self.route_auth(i, r);
            self.route_params(i, r, &params);
            self.integration(i, r, &params);
        }
    }

    fn route_auth(&mut self, i: usize, r: &RouteDef) {
        let d = self.def;
        if r.api_key_required {
            self.rest_only(p!["routes", i, "apiKeyRequired"], "apiKeyRequired");
        }
        let auth = r.authorizer.as_ref().map(|a| (a, d.authorizers.iter().find(|x| x.name() == a)));
        match auth {
            Some((name, None)) => {
                self.err(p!["routes", i, "authorizer"], format!("no authorizer named '{name}' in $.authorizers"))
            }
            Some((_, Some(AuthorizerDef::Jwt { .. }))) | None => {}
            Some((_, Some(_))) if !r.authorization_scopes.is_empty() => {
                self.err(p!["routes", i, "authorizationScopes"], "authorizationScopes apply only to a JWT authorizer")
            }
            Some(_) => {}
        }
        if r.authorizer.is_none() && !r.authorization_scopes.is_empty() {
            self.err(p!["routes", i, "authorizationScopes"], "authorizationScopes need a JWT authorizer on the route");
        }
    }

    fn route_params(&mut self, i: usize, r: &RouteDef, path_params: &[String]) {
        if !r.request_parameters.is_empty() || r.request_validator.is_some() || r.request_model.is_some() {
            self.rest_only(p!["routes", i, "requestParameters"], "request validation");
        }
        for k in r.request_parameters.keys() {
            match ParamRef::parse(k) {
                None => self.err(
                    p!["routes", i, "requestParameters", k],
                    "use method.request.path.NAME, method.request.querystring.NAME or method.request.header.NAME",
                ),
                Some(ParamRef::Path(n)) if !path_params.contains(&n) => {
                    self.err(p!["routes", i, "requestParameters", k], format!("the path has no {{{n}}}"))
                }
                Some(_) => {}
            }
        }
        if let Some(m) = &r.request_model {
            for (name, ty) in &m.properties {
                if !["string", "number", "integer", "boolean", "object", "array"].contains(&ty.as_str()) {
                    self.err(p!["routes", i, "requestModel", "properties", name], format!("'{ty}' is not a JSON type"));
                }
            }
        }
        if !r.cache_key_parameters.is_empty() {
            self.rest_only(p!["routes", i, "cacheKeyParameters"], "cacheKeyParameters");
        }
        for (j, k) in r.cache_key_parameters.iter().enumerate() {
            if ParamRef::parse(k).is_none() {
                self.err(
                    p!["routes", i, "cacheKeyParameters", j],
                    format!("'{k}' is not a method.request.* parameter"),
                );
            } else if !r.request_parameters.contains_key(k) {
                self.err(
                    p!["routes", i, "cacheKeyParameters", j],
                    format!("'{k}' must also be declared in requestParameters, as AWS requires"),
                );
            }
        }
    }

    fn timeout(&mut self, path: Vec<PathSeg>, t: Option<u64>) {
        let max = if self.rest { 29_000 } else { 30_000 };
        if let Some(t) = t
            && !(50..=max).contains(&t)
        {
            self.err(
                path,
                format!("timeoutInMillis must be 50–{max} on a {} API", if self.rest { "REST" } else { "HTTP" }),
            );
        }
    }

    fn templates(&mut self, base: Vec<PathSeg>, map: &BTreeMap<String, String>) {
        for (ct, t) in map {
            let mut path = base.clone();
            path.push(PathSeg::Key(ct.clone()));
            if !ct.contains('/') {
                self.err(path.clone(), format!("'{ct}' is not a content type such as application/json"));
            }
            self.template(path, t);
        }
    }

    fn responses(&mut self, i: usize, list: &[IntegrationResponseDef]) {
        let defaults = list.iter().filter(|r| r.selection_pattern.is_none()).count();
        if defaults > 1 {
            self.err(
                p!["routes", i, "integration", "responses"],
                "only one integration response may omit selectionPattern (the default)",
            );
        }
        for (j, r) in list.iter().enumerate() {
            let base = p!["routes", i, "integration", "responses", j];
            if !(100..=599).contains(&r.status_code) {
                self.err([base.clone(), p!["statusCode"]].concat(), "statusCode must be 100–599");
            }
            if let Some(pat) = &r.selection_pattern
                && full_match_regex(pat).is_none()
            {
                self.err(
                    [base.clone(), p!["selectionPattern"]].concat(),
                    format!("'{pat}' is not a valid regular expression"),
                );
            }
            self.templates([base.clone(), p!["responseTemplates"]].concat(), &r.response_templates);
            for (k, v) in &r.response_parameters {
                let quoted = v.len() >= 2 && v.starts_with('\'') && v.ends_with('\'');
                if !k.starts_with("method.response.header.")
                    || !(quoted || v.starts_with("integration.response.header."))
                {
                    self.err(
                        [base.clone(), p!["responseParameters", k]].concat(),
                        "use \"method.response.header.NAME\": \"'value'\" or \"integration.response.header.NAME\"",
                    );
                }
            }
        }
    }

    fn integration(&mut self, i: usize, r: &RouteDef, params: &[String]) {
        let base = p!["routes", i, "integration"];
        match &r.integration {
            IntegrationDef::Mock { request_templates, responses } => {
                self.rest_only(base.clone(), "the MOCK integration");
                self.templates([base.clone(), p!["requestTemplates"]].concat(), request_templates);
                self.responses(i, responses);
            }
            IntegrationDef::LambdaProxy { handler, payload_format_version, timeout_in_millis } => {
                if !LAMBDA_HANDLERS.contains(&handler.as_str()) {
                    let msg =
                        format!("no built-in Lambda handler '{handler}' (available: {})", LAMBDA_HANDLERS.join(", "));
                    self.err([base.clone(), p!["handler"]].concat(), msg);
                }
                match payload_format_version.as_deref() {
                    None | Some("1.0") => {}
                    Some("2.0") if !self.rest => {}
                    Some(v) => {
                        let msg = if self.rest {
                            "REST APIs send payload format 1.0 only".to_owned()
                        } else {
                            format!("'{v}' is not 1.0 or 2.0")
                        };
                        self.err([base.clone(), p!["payloadFormatVersion"]].concat(), msg);
                    }
                }
                self.timeout([base, p!["timeoutInMillis"]].concat(), *timeout_in_millis);
            }
            IntegrationDef::Lambda { handler, request_templates, responses, timeout_in_millis } => {
                self.rest_only(base.clone(), "the Lambda custom (AWS) integration");
                if !LAMBDA_HANDLERS.contains(&handler.as_str()) {
                    let msg =
                        format!("no built-in Lambda handler '{handler}' (available: {})", LAMBDA_HANDLERS.join(", "));
                    self.err([base.clone(), p!["handler"]].concat(), msg);
                }
                self.templates([base.clone(), p!["requestTemplates"]].concat(), request_templates);
                self.responses(i, responses);
                self.timeout([base, p!["timeoutInMillis"]].concat(), *timeout_in_millis);
            }
            IntegrationDef::HttpProxy { backend, path, timeout_in_millis } => {
                if !BACKENDS.contains(&backend.as_str()) {
                    let msg = format!(
                        "no built-in back end '{backend}' (available: {}); HTTP proxies never leave the app",
                        BACKENDS.join(", ")
                    );
                    self.err([base.clone(), p!["backend"]].concat(), msg);
                }
                if let Some(pth) = path {
                    if !pth.starts_with('/') {
                        self.err([base.clone(), p!["path"]].concat(), "the back-end path must start with /");
                    }
                    for part in pth.split('{').skip(1) {
                        let name = part.split('}').next().unwrap_or("").trim_end_matches('+');
                        if !params.iter().any(|p| p == name) {
                            self.err(
                                [base.clone(), p!["path"]].concat(),
                                format!("{{{name}}} is not a parameter of the route path"),
                            );
                        }
                    }
                }
                self.timeout([base, p!["timeoutInMillis"]].concat(), *timeout_in_millis);
            }
        }
    }
}
