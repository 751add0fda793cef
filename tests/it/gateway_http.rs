//! The gateway over real HTTP on 127.0.0.1, port 0: every error class answers over the wire
//! exactly as the core answers in-process at the same virtual time; the sandbox's limits,
//! Host check, slow-client timeout, connection cap and loopback-only bind; a bounded load test.

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use crate::gateway_common::{DEMO_KEY, day0, gateway};
use crate::gateway_http_client::twin::twin;
use crate::gateway_http_client::{Conn, hdrs, host_of, json_message, parse_curl, raw_request};
use gatewise::gateway::server::{
    Limits, Observer, ServeError, ServeOptions, ServerEvent, ServerHandle, curl_examples, serve_until, spawn,
};

const ASSETS: &[(&str, &str)] = &[
    ("api-keys", "dev"),
    ("throttling", "dev"),
    ("quotas", "dev"),
    ("caching", "dev"),
    ("authorizers", "dev"),
    ("mapping-templates", "dev"),
    ("stages", "dev"),
    ("stages", "prod"),
    ("lambda-proxy", "dev"),
    ("timeouts-and-errors", "dev"),
    ("rest-vs-http-rest", "dev"),
    ("rest-vs-http-http", "$default"),
    ("cors", "dev"),
    ("cors-http", "$default"),
    ("jwt", "$default"),
];

#[test]
fn every_error_class_over_http_equals_the_core() {
    let mut seen = BTreeSet::new();
    let json = [("content-type", "application/json")];
    let t = |s: u64| day0().plus_millis(s);

    // Every bundled API: each banner curl command (with key, token, body), then each route bare.
    for (name, stage) in ASSETS {
        let mut tw = twin(name, stage);
        let addr = tw.server.local_addr;
        let cmds = tw.server.with_gateway(|g| curl_examples(g, addr, day0()));
        for (i, cmd) in cmds.iter().enumerate() {
            let (method, headers, body, url) = parse_curl(cmd);
            let target = url.split_once(&format!("{}:{}", addr.ip(), addr.port())).expect("url").1.to_owned();
            let hs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            seen.insert(tw.check(&method, &target, &hs, body.as_bytes(), t(i as u64 * 1000)).status);
            let bare = tw.check(&method, &target, &[], b"", t(i as u64 * 1000 + 500));
            seen.insert(bare.status);
        }
    }

    let mut tw = twin("rest-vs-http-rest", "dev");
    let r = tw.check("GET", "/dev/nope", &[], b"", t(0));
    assert_eq!((r.status, r.body_text().as_str()), (403, r#"{"message":"Missing Authentication Token"}"#));
    assert_eq!(tw.check("POST", "/dev/pets", &[], b"", t(1)).status, 403, "wrong method");
    let r = tw.check("GET", "/prod/pets", &[], b"", t(2));
    assert_eq!((r.status, r.body_text().as_str()), (403, r#"{"message":"Missing Authentication Token"}"#));
    assert_eq!(tw.check("GET", "/", &[], b"", t(3)).status, 403, "no stage");

    let mut tw = twin("rest-vs-http-http", "$default");
    let r = tw.check("GET", "/nope", &[], b"", t(0));
    assert_eq!((r.status, r.body_text().as_str()), (404, r#"{"message":"Not Found"}"#));

    let mut tw = twin("api-keys", "dev");
    for (key, want) in
        [(None, 403), (Some("wrong-key-0123456789abcdef"), 403), (Some("old-key-0123456789abcdef00"), 403)]
            .into_iter()
            .chain([(Some("stray-key-0123456789abcdef"), 403), (Some(DEMO_KEY), 200)])
    {
        let hs: Vec<(&str, &str)> = key.map(|k| ("x-api-key", k)).into_iter().collect();
        let r = tw.check("GET", "/dev/pets", &hs, b"", t(0));
        assert_eq!(r.status, want, "{key:?}");
        if want == 403 {
            assert_eq!(r.body_text(), r#"{"message":"Forbidden"}"#);
        }
    }

    let mut tw = twin("throttling", "dev");
    let got: Vec<u16> = (0..4).map(|_| tw.check("GET", "/dev/pets", &[], b"", t(0)).status).collect();
    assert_eq!(got, [200, 200, 200, 429], "stage method bucket, burst 3");
    let r = tw.check("GET", "/dev/pets", &[], b"", t(0));
    assert_eq!(r.body_text(), r#"{"message":"Too Many Requests"}"#);

    let mut tw = twin("quotas", "dev");
    let got: Vec<u16> =
        (0..4u64).map(|i| tw.check("GET", "/dev/pets", &[("x-api-key", DEMO_KEY)], b"", t(i * 1000)).status).collect();
    assert_eq!(got, [200, 200, 200, 429], "DAY quota 5 less offset 2");
    let r = tw.check("GET", "/dev/pets", &[("x-api-key", DEMO_KEY)], b"", t(9000));
    assert_eq!(r.body_text(), r#"{"message":"Limit Exceeded"}"#);

    let mut tw = twin("authorizers", "dev");
    for (token, want) in [(None, 401), (Some("deny"), 403), (Some("fail"), 500), (Some("allow"), 200)] {
        let hs: Vec<(&str, &str)> = token.map(|k| ("authorization", k)).into_iter().collect();
        assert_eq!(tw.check("GET", "/dev/pets", &hs, b"", t(0)).status, want, "{token:?}");
    }

    let mut tw = twin("timeouts-and-errors", "dev");
    assert_eq!(tw.check("GET", "/dev/slow", &[], b"", t(0)).status, 504);
    assert_eq!(tw.check("GET", "/dev/malformed", &[], b"", t(1)).status, 502);
    let r = tw.check("POST", "/dev/upload", &json, &[b'x'; 2000], t(2));
    let sandbox =
        r#"{"message":"Request Too Long: the body is over this sandbox's 1.0 KB cap; AWS accepts bodies up to 10 MB"}"#;
    assert_eq!((r.status, r.body_text().as_str()), (413, sandbox));
    assert_eq!(tw.check("POST", "/dev/validated", &json, b"{}", t(3)).status, 400);
    assert_eq!(tw.check("POST", "/dev/upload", &json, br#"{"ok":true}"#, t(4)).status, 200, "after a 413");

    let mut tw = twin("cors", "dev");
    let r = tw.check("OPTIONS", "/dev/pets", &[("origin", "https://app.example.com")], b"", t(0));
    assert!(r.header("access-control-allow-origin").is_some(), "{r:?}");
    let r = tw.check("GET", "/dev/pets", &[("origin", "https://app.example.com")], b"", t(1));
    assert_eq!(r.status, 403);

    let mut tw = twin("cors-http", "$default");
    let pre = [("origin", "https://app.example.com"), ("access-control-request-method", "POST")];
    let r = tw.check("OPTIONS", "/pets", &pre, b"", t(0));
    assert_eq!(r.header("access-control-allow-origin"), Some("https://app.example.com"));

    let mut tw = twin("jwt", "$default");
    assert_eq!(tw.check("GET", "/pets", &[], b"", t(0)).status, 401);
    let r = tw.check("GET", "/pets", &[("authorization", "Bearer not.a.jwt")], b"", t(1));
    assert_eq!(r.status, 401);
    assert!(r.header("www-authenticate").is_some(), "{r:?}");

    let mut tw = twin("caching", "dev");
    let a = tw.check("GET", "/dev/pets/1", &[], b"", t(0));
    let b = tw.check("GET", "/dev/pets/1", &[], b"", t(1));
    assert_eq!((a.header("x-gatewise-cache"), b.header("x-gatewise-cache")), (Some("MISS"), Some("HIT")));

    assert!(seen.contains(&200) && seen.contains(&403), "the sweep reached routes and refusals: {seen:?}");
}

#[test]
fn nothing_carries_over_between_requests_on_one_connection() {
    // The server refills one request per connection; each answer must still be the one its
    // own request gets from the core: a key, a query or a body is not left behind.
    let mut t = twin("api-keys", "dev");
    let at = day0();
    let key = [("x-api-key", DEMO_KEY), ("user-agent", "first"), ("accept", "*/*")];
    assert_eq!(t.check("GET", "/dev/pets?type=dog&type=cat", &key, b"", at).status, 200);
    assert_eq!(t.check("GET", "/dev/pets", &[], b"", at).status, 403, "the key must not carry over");
    // The key is accepted (not 403); the mock knows no pet 7.
    assert_eq!(t.check("GET", "/dev/pets/7", &[("x-api-key", DEMO_KEY)], b"", at).status, 404);
    assert_eq!(t.check("GET", "/dev/health", &[("x-custom", "é")], b"{\"a\":1}", at).status, 200);
    assert_eq!(t.check("GET", "/dev/health", &[], b"", at).status, 200);
    assert_eq!(t.check("GET", "/prod/pets", &key, b"", at).status, 403, "another stage");
    assert_eq!(t.check("GET", "/dev/pets", &key[..1], b"", at).status, 200);
    // The core saw every request with its own headers, in its access log too.
    assert_eq!(t.server.with_gateway(|g| g.access_log()), t.core.access_log());
}

fn start(name: &str, stage: &str, limits: Limits, observer: Option<Observer>) -> ServerHandle {
    let opts = ServeOptions { limits, ..ServeOptions::default() };
    spawn(gateway(name, stage), opts, observer).expect("server starts")
}

#[test]
fn oversized_bodies_get_413_without_being_read() {
    let limits = Limits { max_body_bytes: 64 * 1024, ..Limits::default() };
    let (tx, rx) = mpsc::channel();
    let observer: Observer = Arc::new(move |e| {
        let _ = tx.send(e);
    });
    let server = start("lambda-proxy", "dev", limits, Some(observer));
    let host = host_of(server.local_addr);

    // Declared too large, with Expect: 100-continue as curl sends it: answered before any body.
    let mut c = Conn::open(server.local_addr);
    let h = hdrs(&host, &[("content-length", "2000000"), ("expect", "100-continue")]);
    c.write(&raw_request("POST", "/dev/pets", &h, b"")).expect("write");
    let r = c.read_response().expect("413");
    // 2 MB is within AWS's 10 MB, so the 413 names the sandbox's own cap.
    assert_eq!(
        (r.status, r.body_text().as_str()),
        (
            413,
            r#"{"message":"Request Too Long: the body is over this sandbox's 64.0 KB cap; AWS accepts bodies up to 10 MB"}"#
        )
    );
    assert_eq!(r.header("x-amzn-errortype"), Some("RequestTooLargeException"));
    assert_eq!(r.header("connection"), Some("close"));

    // Chunked, no length: read up to the cap, then refused.
    let mut c = Conn::open(server.local_addr);
    let h = hdrs(&host, &[("transfer-encoding", "chunked")]);
    let mut raw = raw_request("POST", "/dev/pets", &h, b"");
    for _ in 0..10 {
        raw.extend_from_slice(format!("{:x}\r\n", 10_000).as_bytes());
        raw.extend_from_slice(&[b'a'; 10_000]);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    c.write(&raw).expect("write");
    assert_eq!(c.read_response().expect("413").status, 413);

    // Just under the cap: served.
    let mut c = Conn::open(server.local_addr);
    let body = vec![b'{'; 60 * 1024];
    let r = c.request("POST", "/dev/echo/x", &hdrs(&host, &[("content-length", "61440")]), &body);
    assert_eq!(r.status, 200);
    // A large response ends its connection, so the connection's write buffer (hyper keeps it
    // at its largest size) is freed rather than held by an idle keep-alive connection.
    assert!(r.body.len() > 32 * 1024, "the echo returns the body");
    assert_eq!(r.header("connection"), Some("close"));

    drop(server);
    let events: Vec<ServerEvent> = rx.try_iter().collect();
    let traces: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            ServerEvent::Served(s) => Some(s.trace.to_string()),
            ServerEvent::Refused(_) => None,
        })
        .collect();
    assert_eq!(traces.len(), 3, "every request reached the core's trace and log");
    assert!(traces[0].contains("payload limit") && traces[0].contains("64.0 KB"), "{}", traces[0]);
}

#[test]
fn slow_and_silent_clients_are_dropped() {
    let limits = Limits { header_read_timeout: Duration::from_millis(300), ..Limits::default() };
    let (tx, rx) = mpsc::channel();
    let observer: Observer = Arc::new(move |e| {
        let _ = tx.send(e);
    });
    let server = start("api-keys", "dev", limits, Some(observer));
    let host = host_of(server.local_addr);

    let started = Instant::now();
    let mut slow = Conn::open(server.local_addr);
    let mut silent = Conn::open(server.local_addr);
    let head = raw_request("GET", "/dev/health", &hdrs(&host, &[("user-agent", "slowloris")]), b"");
    // One byte every 50 ms: the whole head would take over a second.
    let mut dropped = false;
    for b in &head {
        if slow.write(std::slice::from_ref(b)).is_err() {
            dropped = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
        if started.elapsed() > Duration::from_secs(3) {
            break;
        }
    }
    assert!(dropped || slow.is_closed_by_server(Duration::from_secs(2)), "slow client still connected");
    assert!(silent.is_closed_by_server(Duration::from_secs(2)), "silent client still connected");
    assert!(started.elapsed() < Duration::from_secs(5));

    // Both closings were reported, so a learner watching live sees the protection act.
    let closed = rx
        .try_iter()
        .filter(|e| matches!(e, ServerEvent::Refused(r) if r.status.is_none() && r.reason.contains("slow-client")))
        .count();
    assert_eq!(closed, 2);

    // The server still serves a client that keeps up, on one connection, request after request.
    let mut ok = Conn::open(server.local_addr);
    for _ in 0..3 {
        assert_eq!(ok.request("GET", "/dev/health", &hdrs(&host, &[]), b"").status, 200);
        std::thread::sleep(Duration::from_millis(150));
    }
}

#[test]
fn only_loopback_hosts_are_served() {
    let (tx, rx) = mpsc::channel();
    let observer: Observer = Arc::new(move |e| {
        let _ = tx.send(e);
    });
    let server = start("api-keys", "dev", Limits::default(), Some(observer));
    let port = server.local_addr.port();
    let mut c = Conn::open(server.local_addr);
    for host in ["evil.example", &format!("evil.example:{port}"), "192.168.1.10", "localhost.evil.example"] {
        let r = c.request("GET", "/dev/health", &hdrs(host, &[]), b"");
        assert_eq!(r.status, 403, "{host}");
        assert!(json_message(&r).contains("DNS-rebinding"), "{r:?}");
    }
    // An absolute-form target names its own host.
    let r = c.request("GET", "http://evil.example/dev/health", &hdrs(&host_of(server.local_addr), &[]), b"");
    assert_eq!(r.status, 403);
    for host in
        [format!("localhost:{port}"), format!("127.0.0.1:{port}"), "localhost".to_owned(), format!("[::1]:{port}")]
    {
        assert_eq!(c.request("GET", "/dev/health", &hdrs(&host, &[]), b"").status, 200, "{host}");
    }
    // The connection remembers the Host it last had accepted; another one is checked afresh,
    // and so is an absolute-form target that comes with the remembered Host.
    let good = format!("[::1]:{port}");
    assert_eq!(c.request("GET", "/dev/health", &hdrs("evil.example", &[]), b"").status, 403);
    assert_eq!(c.request("GET", "/dev/health", &hdrs(&good, &[]), b"").status, 200);
    assert_eq!(c.request("GET", "http://evil.example/dev/health", &hdrs(&good, &[]), b"").status, 403);
    // Two Host headers are refused outright: only the first would have been checked.
    let mut two = hdrs(&good, &[]);
    two.push(("Host".to_owned(), "evil.example".to_owned()));
    let r = c.request("GET", "/dev/health", &two, b"");
    assert_eq!(r.status, 400);
    assert!(json_message(&r).contains("Host headers"), "{r:?}");
    // Refusals never reach the core: its access log has only the five served requests.
    assert_eq!(server.with_gateway(|g| g.access_log().len()), 5);
    drop(server);
    let refused = rx.try_iter().filter(|e| matches!(e, ServerEvent::Refused(_))).count();
    assert_eq!(refused, 8);
}

#[test]
fn binding_anything_but_loopback_is_refused() {
    for addr in ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1"] {
        let opts = ServeOptions { addr: addr.parse().expect("ip"), ..ServeOptions::default() };
        match spawn(gateway("api-keys", "dev"), opts, None) {
            Err(ServeError::NotLoopback { addr: a, .. }) => assert_eq!(a, addr.parse::<IpAddr>().expect("ip")),
            other => panic!("{addr}: {other:?}"),
        }
    }
    // ::1 is loopback; some CI containers have no IPv6, which is a bind error, not a refusal.
    let opts = ServeOptions { addr: "::1".parse().expect("ip"), ..ServeOptions::default() };
    match spawn(gateway("api-keys", "dev"), opts, None) {
        Ok(s) => {
            let mut c = Conn::open(s.local_addr);
            let host = format!("[::1]:{}", s.local_addr.port());
            assert_eq!(c.request("GET", "/dev/health", &hdrs(&host, &[]), b"").status, 200);
        }
        Err(e) => assert!(matches!(e, ServeError::Bind { .. }), "{e}"),
    }
}

#[test]
fn header_and_url_limits_answer_in_json() {
    let limits = Limits { max_headers: 16, max_header_bytes: 4096, max_url_len: 512, ..Limits::default() };
    let server = start("api-keys", "dev", limits, None);
    let host = host_of(server.local_addr);
    let mut c = Conn::open(server.local_addr);

    let long = format!("/dev/health?q={}", "a".repeat(600));
    let r = c.request("GET", &long, &hdrs(&host, &[]), b"");
    assert_eq!(r.status, 414);
    assert!(json_message(&r).contains("URI Too Long"));

    let many: Vec<(String, String)> = (0..20).map(|i| (format!("x-h{i}"), "v".to_owned())).collect();
    let mut h = hdrs(&host, &[]);
    h.extend(many);
    let r = c.request("GET", "/dev/health", &h, b"");
    assert_eq!(r.status, 431);
    assert!(json_message(&r).contains("21 headers"), "{r:?}");

    let big = "b".repeat(5000);
    let r = c.request("GET", "/dev/health", &hdrs(&host, &[("x-big", &big)]), b"");
    assert_eq!(r.status, 431);
    assert!(json_message(&r).contains("bytes of headers"));

    // Far past the limit, hyper's parser refuses first and closes.
    let huge = "h".repeat(20_000);
    let mut c = Conn::open(server.local_addr);
    c.write(&raw_request("GET", "/dev/health", &hdrs(&host, &[("x-huge", &huge)]), b"")).expect("write");
    assert_eq!(c.read_response().map(|r| r.status), Some(431));

    let mut c = Conn::open(server.local_addr);
    assert_eq!(c.request("GET", "/dev/health", &hdrs(&host, &[]), b"").status, 200);
}

#[test]
fn connections_over_the_cap_are_closed() {
    let limits = Limits { max_connections: 2, ..Limits::default() };
    let server = start("api-keys", "dev", limits, None);
    let host = host_of(server.local_addr);
    let mut held: Vec<Conn> = (0..2).map(|_| Conn::open(server.local_addr)).collect();
    for c in &mut held {
        assert_eq!(c.request("GET", "/dev/health", &hdrs(&host, &[]), b"").status, 200);
    }
    let mut extra = Conn::open(server.local_addr);
    assert!(extra.is_closed_by_server(Duration::from_secs(2)), "third connection kept open");
    drop(held);
    // Permits come back when connections end.
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let mut c = Conn::open(server.local_addr);
        let _ = c.write(&raw_request("GET", "/dev/health", &hdrs(&host, &[]), b""));
        if c.read_response().is_some_and(|r| r.status == 200) {
            break;
        }
        assert!(Instant::now() < deadline, "a freed slot was not reused");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_until_prints_a_banner_whose_commands_work_and_stops_cleanly() {
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let (ready_tx, ready_rx) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let stop = async move {
            let _ = stop_rx.await;
        };
        serve_until(gateway("api-keys", "dev"), ServeOptions::default(), None, |r| drop(ready_tx.send(r.clone())), stop)
    });
    let ready = ready_rx.recv_timeout(Duration::from_secs(5)).expect("ready");
    assert!(ready.banner.contains(&ready.base_url), "{}", ready.banner);
    let cmd = ready
        .banner
        .lines()
        .find(|l| l.trim_start().starts_with("curl") && l.contains("x-api-key"))
        .expect("a keyed curl command");
    let (method, headers, _, url) = parse_curl(cmd.trim());
    let target = url.split_once(&ready.base_url).expect("url").1;
    let mut h = hdrs(&host_of(ready.local_addr), &[]);
    h.extend(headers);
    let mut c = Conn::open(ready.local_addr);
    assert_eq!(c.request(&method, &format!("/dev{target}"), &h, b"").status, 200, "{cmd}");

    let t = Instant::now();
    stop_tx.send(()).expect("stop");
    worker.join().expect("no panic").expect("clean stop");
    assert!(t.elapsed() < Duration::from_secs(5), "stop took {:?}", t.elapsed());
    assert!(std::net::TcpStream::connect(ready.local_addr).is_err(), "still listening");
}

/// A client that sends requests but never reads the answers cannot hold its connection slot:
/// once the server's writes stall for the write timeout, the connection is closed and reported.
#[test]
fn a_client_that_never_reads_is_disconnected() {
    let (tx, rx) = mpsc::channel();
    let observer: Observer = Arc::new(move |e| {
        let _ = tx.send(e);
    });
    let limits = Limits { write_timeout: Duration::from_millis(300), ..Limits::default() };
    let server = start("caching", "dev", limits, Some(observer));
    let addr = server.local_addr;
    let request = raw_request("GET", "/dev/files/never-read", &hdrs(&host_of(addr), &[]), b"");
    let writer = std::thread::spawn(move || {
        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
        // Pipelined requests, answers never read: the server's writes fill the socket and stall.
        for _ in 0..200_000 {
            if std::io::Write::write_all(&mut stream, &request).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut closed = false;
    while Instant::now() < deadline && !closed {
        if let Ok(ServerEvent::Refused(r)) = rx.recv_timeout(Duration::from_millis(200)) {
            closed = r.reason.contains("slow-reader");
        }
    }
    assert!(closed, "the stalled connection was closed and reported");
    writer.join().expect("writer");
    // The server still answers others.
    let mut c = Conn::open(addr);
    assert_eq!(c.request("GET", "/dev/files/ok", &hdrs(&host_of(addr), &[]), b"").status, 200);
}
