//! The bare hyper server for `benches/gateway_http.sh`, which runs wrk against it, against
//! `gatewise gateway serve` (the shipped binary) and against nginx in one run.
//!
//! `bare PORT` serves on 127.0.0.1 until Ctrl-C: hyper 1 HTTP/1.1 on the same single-threaded
//! tokio runtime the gatewise server uses, answering every request 200 with the same body as
//! the benchmark's MOCK route, with no gateway and no log: the floor of what hyper costs.
//!
//! Run without arguments (as `cargo bench` does) it only prints how to run the comparison.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

/// The MOCK route's body, which gatewise and nginx also return.
const BODY: &str = r#"{"pets":[]}"#;

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
