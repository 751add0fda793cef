//! Entry points shared by the cargo-fuzz targets and the corpus regression test: each takes
//! arbitrary bytes and must never panic.

use super::definition::ApiType;
use super::router::{Router, parse_pattern};

/// The router target: the first line is a method, the second a request path; the rest are
/// route patterns (`METHOD /path`) added to a fixed table. Both API types are exercised.
pub fn router(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.lines();
    let method = lines.next().unwrap_or("GET").to_owned();
    let path = lines.next().unwrap_or("/").to_owned();
    let mut routes: Vec<(String, String)> = vec![
        ("GET".into(), "/pets".into()),
        ("GET".into(), "/pets/{id}".into()),
        ("ANY".into(), "/{proxy+}".into()),
        ("POST".into(), "/pets/{id}/photos".into()),
    ];
    for line in lines.take(64) {
        if let Some((m, p)) = line.split_once(' ') {
            let _ = parse_pattern(p);
            routes.push((m.to_owned(), p.to_owned()));
        }
    }
    let pairs: Vec<(&str, &str)> = routes.iter().map(|(m, p)| (m.as_str(), p.as_str())).collect();
    for api in [ApiType::Rest, ApiType::Http] {
        let r = Router::new(api, &pairs);
        if let Some(m) = r.route(&method, &path) {
            assert!(m.route < pairs.len());
        }
    }
}

/// The template target: parse the bytes as a mapping template and render it.
pub fn template(data: &[u8]) {
    super::template::fuzz_parse_and_render(&String::from_utf8_lossy(data));
}
