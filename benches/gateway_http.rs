//! Benchmark servers for `benches/gateway_http.sh`, which runs wrk against each of them and
//! against nginx in one run. This binary only serves, on 127.0.0.1, until SIGTERM or Ctrl-C:
//!
//! - `bare PORT`: a bare hyper 1 HTTP/1.1 server on the same single-threaded tokio runtime the
//!   gatewise server uses, answering every request 200 with the same body as the MOCK route.
//! - `gatewise PORT overhead`: gatewise serving a keyed, throttled MOCK route whose limits are
//!   too high to trigger, so the numbers show the gateway's overhead.
//! - `gatewise PORT realistic`: the same route with a 1,000 rps / 2,000 burst usage plan, so most
//!   of wrk's requests are answered 429 by the token bucket.
//!
//! Run without arguments (as `cargo bench` does) it only prints how to run the comparison.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};

use bytes::Bytes;
use gatewise::gateway::server::{ServeOptions, serve_blocking};
use gatewise::gateway::{Gateway, check_definition};
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

/// The MOCK route's body, which the bare server and nginx also return.
pub const BODY: &str = r#"{"pets":[]}"#;
pub const KEY: &str = "bench-key-0123456789abcdef";

fn definition(rate: f64, burst: u32) -> String {
    format!(
        r#"{{
  "name": "bench", "type": "REST",
  "stages": [{{ "name": "dev", "throttle": {{ "rateLimit": 1000000, "burstLimit": 1000000 }} }}],
  "routes": [{{ "method": "GET", "path": "/pets", "apiKeyRequired": true,
               "integration": {{ "type": "MOCK",
                 "requestTemplates": {{ "application/json": "{{\"statusCode\": 200}}" }},
                 "responses": [{{ "statusCode": 200, "responseTemplates": {{ "application/json": "{}" }} }}] }} }}],
  "usagePlans": [{{ "name": "P", "stages": ["dev"], "apiKeys": ["k"],
                   "throttle": {{ "rateLimit": {rate}, "burstLimit": {burst} }} }}],
  "apiKeys": [{{ "name": "k", "value": "{KEY}" }}],
  "account": {{ "throttle": {{ "rateLimit": 1000000, "burstLimit": 1000000 }} }}
}}"#,
        BODY.replace('"', "\\\"")
    )
}

fn gatewise(port: u16, variant: &str) -> Result<(), String> {
    let (rate, burst) = match variant {
        "overhead" => (1_000_000.0, 1_000_000),
        "realistic" => (1_000.0, 2_000),
        other => return Err(format!("unknown variant {other}: overhead | realistic")),
    };
    let def = check_definition(&definition(rate, burst)).map_err(|p| format!("{p:?}"))?;
    let mut gw = Gateway::new(def, "dev").map_err(|e| e.to_string())?;
    // As `gatewise gateway serve` runs without --trace: responses, metrics and the access log
    // as always, the trace's sentences left out.
    gw.set_explain(false);
    let opts = ServeOptions { port, ..ServeOptions::default() };
    serve_blocking(gw, opts, None, |r| println!("gatewise ({variant}) on {}", r.base_url)).map_err(|e| e.to_string())
}

fn bare(port: u16) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            .await
            .map_err(|e| e.to_string())?;
        println!("bare hyper on http://{}", listener.local_addr().map_err(|e| e.to_string())?);
        loop {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => return Ok(()),
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(async move {
                        let svc = service_fn(|_req| async {
                            let mut resp = hyper::Response::new(Full::new(Bytes::from_static(BODY.as_bytes())));
                            resp.headers_mut().insert("content-type", hyper::header::HeaderValue::from_static("application/json"));
                            Ok::<_, Infallible>(resp)
                        });
                        let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
                    });
                }
            }
        }
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let port = args.get(1).and_then(|p| p.parse::<u16>().ok());
    let result = match (args.first().map(String::as_str), port) {
        (Some("bare"), Some(port)) => bare(port),
        (Some("gatewise"), Some(port)) => gatewise(port, args.get(2).map_or("overhead", String::as_str)),
        _ => {
            println!(
                "gateway_http: run `bash benches/gateway_http.sh` to compare bare hyper, gatewise and nginx with wrk"
            );
            Ok(())
        }
    };
    if let Err(e) = result {
        eprintln!("gateway_http: {e}");
        std::process::exit(1);
    }
}
