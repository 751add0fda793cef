//! Route matching with AWS's precedence: a literal segment beats `{param}`, which beats
//! `{proxy+}`; an exact method beats `ANY`.
//!
//! REST APIs pick the most specific *resource* first and then look for the method on it, so a
//! method missing from that resource is a miss (403) even if a `{proxy+}` sibling has `ANY`.
//! HTTP APIs match route keys (method and path together) and fall back to `$default`.

use super::definition::ApiType;
use super::http::path_decode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Lit(String),
    Param(String),
    Greedy(String),
}

/// Parses `/pets/{id}` into segments, or says why the path is not a valid resource path.
pub(crate) fn parse_pattern(path: &str) -> Result<Vec<Seg>, String> {
    let Some(rest) = path.strip_prefix('/') else {
        return Err(format!("path '{path}' must start with /"));
    };
    if rest.is_empty() {
        return Ok(Vec::new());
    }
    let parts: Vec<&str> = rest.split('/').collect();
    let mut segs = Vec::with_capacity(parts.len());
    let mut names: Vec<&str> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            return Err(format!("path '{path}' has an empty segment (// or a trailing /)"));
        }
        if let Some(inner) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            let (name, greedy) = match inner.strip_suffix('+') {
                Some(n) => (n, true),
                None => (inner, false),
            };
            if name.is_empty() || !name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-') {
                return Err(format!("path '{path}' has an invalid parameter name '{{{inner}}}'"));
            }
            if names.contains(&name) {
                return Err(format!("path '{path}' uses the parameter {{{name}}} twice"));
            }
            names.push(name);
            if greedy {
                if i + 1 != parts.len() {
                    return Err(format!("path '{path}': a greedy {{{name}+}} must be the last segment"));
                }
                segs.push(Seg::Greedy(name.to_owned()));
            } else {
                segs.push(Seg::Param(name.to_owned()));
            }
        } else if part.contains(['{', '}']) {
            return Err(format!(
                "path '{path}': segment '{part}' mixes text and braces; a parameter must be a whole segment"
            ));
        } else {
            segs.push(Seg::Lit((*part).to_owned()));
        }
    }
    Ok(segs)
}

#[derive(Debug, Clone)]
struct Entry {
    /// `None` is `ANY`.
    method: Option<String>,
    segs: Vec<Seg>,
    is_default: bool,
}

/// The compiled route table of one API.
#[derive(Debug, Clone)]
pub(crate) struct Router {
    api_type: ApiType,
    entries: Vec<Entry>,
}

/// A matched route: its index in the definition and the decoded path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RouteMatch {
    pub route: usize,
    pub params: Vec<(String, String)>,
}

impl Router {
    /// Builds the table; `routes` are `(method, path)` pairs already validated by `check`.
    /// An invalid pattern here is skipped rather than trusted.
    pub(crate) fn new(api_type: ApiType, routes: &[(&str, &str)]) -> Self {
        let entries = routes
            .iter()
            .map(|(method, path)| {
                let is_default = *path == "$default";
                Entry {
                    method: (!method.eq_ignore_ascii_case("ANY")).then(|| method.to_ascii_uppercase()),
                    segs: if is_default {
                        Vec::new()
                    } else {
                        parse_pattern(path).unwrap_or_else(|_| vec![Seg::Lit("\u{0}".into())])
                    },
                    is_default,
                }
            })
            .collect();
        Self { api_type, entries }
    }

    pub(crate) fn route(&self, method: &str, path: &str) -> Option<RouteMatch> {
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let mut best: Option<(usize, Rank)> = None;
        for (i, e) in self.entries.iter().enumerate() {
            if e.is_default {
                continue;
            }
            let method_ok = match &e.method {
                None => true,
                Some(m) => m == method,
            };
            if self.api_type == ApiType::Http && !method_ok {
                continue;
            }
            let Some(rank) = rank(&e.segs, &parts) else {
                continue;
            };
            let better = match &best {
                None => true,
                Some((j, r)) => {
                    rank < *r || (rank == *r && self.entries[*j].method.is_none() && e.method.is_some() && method_ok)
                }
            };
            if better {
                best = Some((i, rank));
            }
        }
        let chosen = match (self.api_type, best) {
            (ApiType::Rest, Some((i, _))) => {
                // The resource is chosen; now the method must exist on exactly that resource.
                let segs = &self.entries[i].segs;
                let same: Vec<usize> = (0..self.entries.len()).filter(|&k| self.entries[k].segs == *segs).collect();
                same.iter()
                    .copied()
                    .find(|&k| self.entries[k].method.as_deref() == Some(method))
                    .or_else(|| same.iter().copied().find(|&k| self.entries[k].method.is_none()))
            }
            (ApiType::Http, Some((i, _))) => Some(i),
            (ApiType::Http, None) => self.entries.iter().position(|e| e.is_default),
            (ApiType::Rest, None) => None,
        }?;
        let entry = &self.entries[chosen];
        Some(RouteMatch {
            route: chosen,
            params: if entry.is_default { Vec::new() } else { params(&entry.segs, &parts) },
        })
    }
}

/// Per-segment specificity, smaller is more specific: 0 literal, 1 `{param}`, 2 `{proxy+}`.
type Rank = Vec<u8>;

fn rank(segs: &[Seg], parts: &[&str]) -> Option<Rank> {
    let mut r = Vec::with_capacity(segs.len());
    for (i, seg) in segs.iter().enumerate() {
        match seg {
            Seg::Greedy(_) => {
                // A greedy variable needs at least one segment to swallow.
                if parts.len() <= i {
                    return None;
                }
                r.push(2);
                return Some(r);
            }
            Seg::Lit(l) => {
                let p = parts.get(i)?;
                if *p != l && path_decode(p) != *l {
                    return None;
                }
                r.push(0);
            }
            Seg::Param(_) => {
                parts.get(i)?;
                r.push(1);
            }
        }
    }
    (parts.len() == segs.len()).then_some(r)
}

fn params(segs: &[Seg], parts: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, seg) in segs.iter().enumerate() {
        match seg {
            Seg::Param(name) => {
                if let Some(p) = parts.get(i) {
                    out.push((name.clone(), path_decode(p)));
                }
            }
            Seg::Greedy(name) => {
                let rest: Vec<String> = parts.iter().skip(i).map(|p| path_decode(p)).collect();
                out.push((name.clone(), rest.join("/")));
            }
            Seg::Lit(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(api: ApiType) -> Router {
        Router::new(
            api,
            &[
                ("GET", "/pets"),
                ("POST", "/pets"),
                ("GET", "/pets/{id}"),
                ("GET", "/pets/search"),
                ("ANY", "/{proxy+}"),
                ("DELETE", "/pets/{id}"),
                ("ANY", "/files/{path+}"),
                ("GET", "/"),
            ],
        )
    }

    fn hit(r: &Router, m: &str, p: &str) -> Option<(usize, Vec<(String, String)>)> {
        r.route(m, p).map(|m| (m.route, m.params))
    }

    #[test]
    fn literal_beats_param_beats_greedy() {
        let r = table(ApiType::Rest);
        assert_eq!(hit(&r, "GET", "/pets/search").map(|h| h.0), Some(3));
        assert_eq!(hit(&r, "GET", "/pets/7"), Some((2, vec![("id".into(), "7".into())])));
        assert_eq!(hit(&r, "GET", "/other/x/y"), Some((4, vec![("proxy".into(), "other/x/y".into())])));
        assert_eq!(hit(&r, "PUT", "/files/a/b%20c"), Some((6, vec![("path".into(), "a/b c".into())])));
        assert_eq!(hit(&r, "GET", "/").map(|h| h.0), Some(7));
        assert_eq!(hit(&r, "GET", "/pets/").map(|h| h.0), Some(0), "a trailing slash is ignored");
    }

    #[test]
    fn rest_misses_a_method_on_the_chosen_resource() {
        let r = table(ApiType::Rest);
        assert_eq!(hit(&r, "PUT", "/pets/7"), None, "/pets/{{id}} has no PUT, and REST does not fall back");
        assert_eq!(hit(&r, "POST", "/"), None);
    }

    #[test]
    fn http_matches_route_keys_and_default() {
        let r = table(ApiType::Http);
        assert_eq!(hit(&r, "PUT", "/pets/7").map(|h| h.0), Some(4), "HTTP APIs match ANY /{{proxy+}} instead");
        let d = Router::new(ApiType::Http, &[("GET", "/pets"), ("ANY", "$default")]);
        assert_eq!(hit(&d, "GET", "/nope").map(|h| h.0), Some(1));
        let none = Router::new(ApiType::Http, &[("GET", "/pets")]);
        assert_eq!(hit(&none, "GET", "/nope"), None);
    }

    #[test]
    fn patterns_are_validated() {
        assert!(parse_pattern("pets").is_err());
        assert!(parse_pattern("/a//b").is_err());
        assert!(parse_pattern("/{proxy+}/x").is_err());
        assert!(parse_pattern("/a{b}").is_err());
        assert!(parse_pattern("/{a}/{a}").is_err());
        assert_eq!(parse_pattern("/"), Ok(vec![]));
    }
}
