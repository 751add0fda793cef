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
    /// Per-segment specificity, smaller is more specific: 0 literal, 1 `{param}`, 2 `{proxy+}`.
    /// Compared lexicographically between routes that match the same path. It depends only
    /// on the pattern (a greedy segment is always the last), so it is computed once here.
    rank: Vec<u8>,
    /// The first entry with the same resource path: REST methods are looked up on it.
    resource: usize,
    has_params: bool,
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

/// A request path's segments; empty ones (`//`, a trailing `/`) do not count.
fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

impl Router {
    /// Builds the table; `routes` are `(method, path)` pairs already validated by `check`.
    /// An invalid pattern here is skipped rather than trusted.
    pub(crate) fn new(api_type: ApiType, routes: &[(&str, &str)]) -> Self {
        let mut entries: Vec<Entry> = routes
            .iter()
            .map(|(method, path)| {
                let is_default = *path == "$default";
                let segs = if is_default {
                    Vec::new()
                } else {
                    parse_pattern(path).unwrap_or_else(|_| vec![Seg::Lit("\u{0}".into())])
                };
                let rank = segs
                    .iter()
                    .map(|s| match s {
                        Seg::Lit(_) => 0,
                        Seg::Param(_) => 1,
                        Seg::Greedy(_) => 2,
                    })
                    .collect();
                Entry {
                    method: (!method.eq_ignore_ascii_case("ANY")).then(|| method.to_ascii_uppercase()),
                    has_params: segs.iter().any(|s| !matches!(s, Seg::Lit(_))),
                    segs,
                    rank,
                    resource: 0,
                    is_default,
                }
            })
            .collect();
        for i in 0..entries.len() {
            entries[i].resource = entries.iter().position(|e| e.segs == entries[i].segs).unwrap_or(i);
        }
        Self { api_type, entries }
    }

    /// Runs for every request, so it allocates nothing unless the route has parameters.
    pub(crate) fn route(&self, method: &str, path: &str) -> Option<RouteMatch> {
        let mut best: Option<usize> = None;
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
            if !matches(&e.segs, path) {
                continue;
            }
            let better = match best {
                None => true,
                Some(j) => {
                    let b = &self.entries[j];
                    e.rank < b.rank || (e.rank == b.rank && b.method.is_none() && e.method.is_some() && method_ok)
                }
            };
            if better {
                best = Some(i);
            }
        }
        let chosen = match (self.api_type, best) {
            (ApiType::Rest, Some(i)) => {
                // The resource is chosen; now the method must exist on exactly that resource.
                let resource = self.entries[i].resource;
                let same = || self.entries.iter().enumerate().filter(move |(_, e)| e.resource == resource);
                same()
                    .find(|(_, e)| e.method.as_deref() == Some(method))
                    .or_else(|| same().find(|(_, e)| e.method.is_none()))
                    .map(|(k, _)| k)
            }
            (ApiType::Http, Some(i)) => Some(i),
            (ApiType::Http, None) => self.entries.iter().position(|e| e.is_default),
            (ApiType::Rest, None) => None,
        }?;
        let entry = &self.entries[chosen];
        Some(RouteMatch {
            route: chosen,
            params: if entry.has_params { params(&entry.segs, path, self.api_type) } else { Vec::new() },
        })
    }
}

/// Whether `path` fits the pattern: literals equal (or equal once decoded), one segment per
/// `{param}`, and at least one for a trailing `{proxy+}`.
fn matches(segs: &[Seg], path: &str) -> bool {
    let mut parts = segments(path);
    for seg in segs {
        match seg {
            // A greedy variable needs at least one segment to swallow.
            Seg::Greedy(_) => return parts.next().is_some(),
            Seg::Lit(l) => match parts.next() {
                Some(p) if p == l || path_decode(p) == *l => {}
                _ => return false,
            },
            Seg::Param(_) => {
                if parts.next().is_none() {
                    return false;
                }
            }
        }
    }
    parts.next().is_none()
}

/// The non-empty segments of `path` with the byte offset each starts at.
fn segments_at(path: &str) -> impl Iterator<Item = (usize, &str)> {
    path.split('/')
        .scan(0, |at, s| {
            let start = *at;
            *at += s.len() + 1;
            Some((start, s))
        })
        .filter(|(_, s)| !s.is_empty())
}

/// The route's parameter values. A REST `{proxy+}` value is the rest of the path exactly as
/// sent, without a trailing `/`: `%2B` stays encoded and `//` stays double (LocalStack's
/// AWS-validated snapshots `invocation-payload-with-path-encoded-email` and
/// `invocation-payload-with-double-slash`); an HTTP API's is its non-empty segments, decoded.
fn params(segs: &[Seg], path: &str, api_type: ApiType) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut parts = segments_at(path);
    for seg in segs {
        match seg {
            Seg::Param(name) => {
                if let Some((_, p)) = parts.next() {
                    out.push((name.clone(), path_decode(p)));
                }
            }
            Seg::Greedy(name) => {
                let Some((start, _)) = parts.next() else { break };
                let rest = path[start..].trim_end_matches('/');
                let value = match api_type {
                    ApiType::Rest => rest.to_owned(),
                    ApiType::Http => {
                        rest.split('/').filter(|s| !s.is_empty()).map(path_decode).collect::<Vec<_>>().join("/")
                    }
                };
                out.push((name.clone(), value));
                break;
            }
            Seg::Lit(_) => {
                parts.next();
            }
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
        // REST keeps a greedy value as sent (LocalStack AWS-validated snapshots
        // `invocation-payload-with-path-encoded-email`, `-with-double-slash`, `-with-trailing-slash`).
        assert_eq!(hit(&r, "PUT", "/files/a/b%20c"), Some((6, vec![("path".into(), "a/b%20c".into())])));
        let proxy = |p: &str| hit(&r, "GET", p).map(|h| h.1[0].1.clone());
        assert_eq!(
            proxy("/proxy-value/api/user/test%2Balias@gmail.com/plus/test+alias@gmail.com").as_deref(),
            Some("proxy-value/api/user/test%2Balias@gmail.com/plus/test+alias@gmail.com")
        );
        assert_eq!(proxy("/proxy-value//double-slash").as_deref(), Some("proxy-value//double-slash"));
        assert_eq!(proxy("/proxy-value/").as_deref(), Some("proxy-value"));
        let http = table(ApiType::Http);
        assert_eq!(hit(&http, "PUT", "/files/a/b%20c"), Some((6, vec![("path".into(), "a/b c".into())])));
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

    /// The router as first written (collecting segments and ranks per request), kept as the
    /// reference the allocation-free one must agree with.
    fn reference(r: &Router, method: &str, path: &str) -> Option<(usize, Vec<(String, String)>)> {
        fn rank(segs: &[Seg], parts: &[&str]) -> Option<Vec<u8>> {
            let mut r = Vec::new();
            for (i, seg) in segs.iter().enumerate() {
                match seg {
                    Seg::Greedy(_) => {
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
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let mut best: Option<(usize, Vec<u8>)> = None;
        for (i, e) in r.entries.iter().enumerate() {
            let method_ok = e.method.as_deref().is_none_or(|m| m == method);
            if e.is_default || (r.api_type == ApiType::Http && !method_ok) {
                continue;
            }
            let Some(rank) = rank(&e.segs, &parts) else { continue };
            let better = match &best {
                None => true,
                Some((j, b)) => {
                    rank < *b || (rank == *b && r.entries[*j].method.is_none() && e.method.is_some() && method_ok)
                }
            };
            if better {
                best = Some((i, rank));
            }
        }
        let chosen = match (r.api_type, best) {
            (ApiType::Rest, Some((i, _))) => {
                let same: Vec<usize> =
                    (0..r.entries.len()).filter(|&k| r.entries[k].segs == r.entries[i].segs).collect();
                same.iter()
                    .copied()
                    .find(|&k| r.entries[k].method.as_deref() == Some(method))
                    .or_else(|| same.iter().copied().find(|&k| r.entries[k].method.is_none()))
            }
            (ApiType::Http, Some((i, _))) => Some(i),
            (ApiType::Http, None) => r.entries.iter().position(|e| e.is_default),
            (ApiType::Rest, None) => None,
        }?;
        let mut params = Vec::new();
        for (i, seg) in r.entries[chosen].segs.iter().enumerate() {
            match seg {
                Seg::Param(n) => params.extend(parts.get(i).map(|p| (n.clone(), path_decode(p)))),
                Seg::Greedy(n) if r.api_type == ApiType::Rest => {
                    // The raw rest of the path from the i-th non-empty segment on.
                    let mut at = 0;
                    let mut start = path.len();
                    for (seen, piece) in path.split('/').filter(|p| !p.is_empty()).enumerate() {
                        at = path[at..].find(piece).map_or(at, |k| at + k);
                        if seen == i {
                            start = at;
                            break;
                        }
                        at += piece.len();
                    }
                    params.push((n.clone(), path[start..].trim_end_matches('/').to_owned()));
                }
                Seg::Greedy(n) => {
                    let rest: Vec<String> = parts.iter().skip(i).map(|p| path_decode(p)).collect();
                    params.push((n.clone(), rest.join("/")));
                }
                Seg::Lit(_) => {}
            }
        }
        Some((chosen, params))
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_reference_router(
            routes in proptest::collection::vec(
                (
                    proptest::sample::select(vec!["GET", "POST", "ANY"]),
                    proptest::collection::vec(
                        proptest::sample::select(vec!["a", "b", "%61", "{p}", "{q}", "{rest+}"]), 0..4),
                ),
                1..8,
            ),
            default in proptest::bool::ANY,
            rest in proptest::bool::ANY,
            method in proptest::sample::select(vec!["GET", "POST", "PUT"]),
            path in proptest::collection::vec(proptest::sample::select(vec!["a", "b", "%61", "c", ""]), 0..5),
        ) {
            // Patterns as the checker allows them: a greedy segment only last, names unique.
            let patterns: Vec<(&str, String)> = routes
                .iter()
                .filter_map(|(m, segs)| {
                    let p = format!("/{}", segs.join("/"));
                    parse_pattern(&p).ok().map(|_| (*m, p))
                })
                .chain(default.then(|| ("ANY", "$default".to_owned())))
                .collect();
            let pairs: Vec<(&str, &str)> = patterns.iter().map(|(m, p)| (*m, p.as_str())).collect();
            let r = Router::new(if rest { ApiType::Rest } else { ApiType::Http }, &pairs);
            let path = format!("/{}", path.join("/"));
            proptest::prop_assert_eq!(hit(&r, method, &path), reference(&r, method, &path));
        }
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
