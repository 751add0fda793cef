//! `gatewise gateway serve` as a learner runs it: banner with curl commands, an access-log line
//! per request (and its trace with --trace), Ctrl-C stops it cleanly; non-loopback binds and
//! bad definitions are refused.
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::sandbox::Sandbox;

/// Starts `gatewise gateway serve` with `args`, reads its banner, and returns the child, its
/// stdout and the server's `host:port`.
fn start(
    sandbox: &Sandbox,
    args: &[&str],
) -> (std::process::Child, BufReader<std::process::ChildStdout>, String, String) {
    let mut child = sandbox
        .command()
        .args(["gateway", "serve", "--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut banner = String::new();
    let mut line = String::new();
    while out.read_line(&mut line).expect("read") > 0 {
        banner.push_str(&line);
        if line.starts_with("Access log") {
            break;
        }
        line.clear();
    }
    let url = banner.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:")).expect("base URL");
    let hostport = url.trim_start_matches("http://").split('/').next().expect("host:port").to_string();
    (child, out, hostport, banner)
}

/// One request over a fresh connection; the response as text.
fn get(hostport: &str, path: &str, headers: &str) -> String {
    let mut s = std::net::TcpStream::connect(hostport).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    write!(s, "GET {path} HTTP/1.1\r\nHost: {hostport}\r\n{headers}Connection: close\r\n\r\n").expect("send");
    let mut reply = String::new();
    s.read_to_string(&mut reply).expect("reply");
    reply
}

fn next_line(out: &mut impl BufRead) -> String {
    let mut line = String::new();
    out.read_line(&mut line).expect("line");
    line
}

/// Ctrl-C, then the process must exit successfully and say it stopped.
fn stop(mut child: std::process::Child, mut out: impl Read) {
    assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill").success());
    let status = child.wait().expect("wait");
    let mut rest = String::new();
    out.read_to_string(&mut rest).expect("rest");
    assert!(status.success(), "{status:?} {rest}");
    assert!(rest.contains("stopped"));
}

#[test]
fn serve_prints_curl_commands_logs_requests_and_stops_on_ctrl_c() {
    let sandbox = Sandbox::new();
    let (child, mut out, hostport, banner) = start(&sandbox, &["--scenario", "throttling"]);
    assert!(banner.contains("curl -i"), "{banner}");
    let reply = get(&hostport, "/dev/pets", "");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let line = next_line(&mut out);
    assert!(line.contains("\"GET /pets HTTP/1.1\" 200"), "{line}");
    // Without --trace, one line per request and nothing between them.
    assert!(get(&hostport, "/dev/nope", "").starts_with("HTTP/1.1 403"));
    let line = next_line(&mut out);
    assert!(line.contains("\"GET - HTTP/1.1\" 403"), "{line}");
    stop(child, out);
}

#[test]
fn serve_with_trace_prints_each_requests_trace_under_its_log_line() {
    let sandbox = Sandbox::new();
    let (child, mut out, hostport, _) = start(&sandbox, &["--scenario", "api-keys", "--trace"]);
    let reply = get(&hostport, "/dev/pets", "x-api-key: demo-key-0123456789abcdef\r\n");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let log = next_line(&mut out);
    assert!(log.contains("\"GET /pets HTTP/1.1\" 200"), "{log}");
    // The trace: its heading, then a line per phase up to the response, in the learner's words.
    let heading = next_line(&mut out);
    assert!(heading.contains("GET /pets (request "), "{heading}");
    let mut steps = Vec::new();
    loop {
        let step = next_line(&mut out);
        assert!(!step.is_empty(), "the trace ended early: {steps:?}");
        let done = step.split_whitespace().nth(1) == Some("response");
        steps.push(step);
        if done {
            break;
        }
    }
    let trace = steps.concat();
    assert!(trace.contains("API key demo-key (usage plan"), "{trace}");
    assert!(trace.contains("usage-plan bucket for key demo-key"), "{trace}");
    assert!(trace.contains("✔ response"), "{trace}");
    stop(child, out);
}

#[test]
fn serve_quiet_prints_no_log_lines_and_the_log_is_flushed_without_more_requests() {
    let sandbox = Sandbox::new();
    let (child, out, hostport, _) = start(&sandbox, &["--scenario", "throttling", "--quiet"]);
    assert!(get(&hostport, "/dev/pets", "").starts_with("HTTP/1.1 200"));
    // Past the log's flush interval: a line, had there been one, would be out by now.
    std::thread::sleep(gatewise::gateway::server::FLUSH_EVERY * 3);
    assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill").success());
    let mut child = child;
    let status = child.wait().expect("wait");
    let mut rest = String::new();
    let mut out = out;
    out.read_to_string(&mut rest).expect("rest");
    assert!(status.success(), "{status:?} {rest}");
    assert!(!rest.contains("GET /pets"), "{rest}");
    assert!(rest.contains("stopped"), "{rest}");

    // Without --quiet, one request's line arrives on its own, within the flush interval, while
    // the server keeps running.
    let (child, mut out, hostport, _) = start(&sandbox, &["--scenario", "throttling"]);
    let sent = std::time::Instant::now();
    assert!(get(&hostport, "/dev/pets", "").starts_with("HTTP/1.1 200"));
    let line = next_line(&mut out);
    assert!(line.contains("\"GET /pets HTTP/1.1\" 200"), "{line}");
    assert!(sent.elapsed() < Duration::from_secs(2), "{:?}", sent.elapsed());
    stop(child, out);
}

#[test]
fn serve_refuses_non_loopback_and_invalid_definitions() {
    let sandbox = Sandbox::new();
    for host in ["0.0.0.0", "::", "192.168.1.10"] {
        let out = sandbox.command().args(["gateway", "serve", "--host", host]).output().expect("run");
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("loopback only"), "{host}");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"name":"x","type":"REST","stages":[],"routes":[]}"#).expect("write");
    let out = sandbox.command().args(["gateway", "serve", "--api"]).arg(&bad).output().expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing runs on an invalid definition"));
    let out = sandbox.command().args(["gateway", "serve", "--scenario", "nope"]).output().expect("run");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no lab scenario \"nope\""));
}

#[test]
fn serve_escapes_what_a_client_puts_in_the_log_and_trace() {
    let sandbox = Sandbox::new();
    let (child, mut out, hostport, _) = start(&sandbox, &["--scenario", "caching", "--trace"]);
    let reply = get(&hostport, "/dev/files/%1b%5d0%3bPWNED%07x", "");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let mut all = String::new();
    while !all.contains("PWNED") {
        let line = next_line(&mut out);
        assert!(!line.is_empty(), "the trace names the path:\n{all}");
        all.push_str(&line);
    }
    assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill").success());
    let mut rest = String::new();
    out.read_to_string(&mut rest).expect("rest");
    all.push_str(&rest);
    let bad: Vec<char> = all.chars().filter(|&c| c.is_control() && c != '\n' && c != '\t').collect();
    assert!(bad.is_empty(), "control characters reached the terminal: {bad:?}\n{all}");
}

/// `gateway serve --scenario websocket-chat`: the banner names the WebSocket and callback URLs,
/// a real client connects and is answered, and `gateway check` accepts the definition.
#[test]
fn serve_a_websocket_api_from_the_command_line() {
    let sandbox = Sandbox::new();
    let mut child = sandbox
        .command()
        .args(["gateway", "serve", "--port", "0", "--scenario", "websocket-chat"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut banner = String::new();
    let mut line = String::new();
    while out.read_line(&mut line).expect("read") > 0 {
        banner.push_str(&line);
        if line.starts_with("Ctrl-C") {
            break;
        }
        line.clear();
    }
    assert!(banner.contains("@connections: http://127.0.0.1:"), "{banner}");
    let url = banner.split_whitespace().find(|w| w.starts_with("ws://127.0.0.1:")).expect("ws URL").to_owned();
    let hostport = url.trim_start_matches("ws://").split('/').next().expect("host:port").to_owned();
    let mut req = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(format!(
        "{url}?name=ann&token=allow"
    ))
    .expect("request");
    req.headers_mut().insert("x-api-key", "chat-key-0123456789abcdef".parse().expect("header"));
    let stream = std::net::TcpStream::connect(&hostport).expect("tcp");
    stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let (mut ws, _) = tokio_tungstenite::tungstenite::client(req, stream).expect("connects");
    ws.send(tokio_tungstenite::tungstenite::Message::text(r#"{"action":"ping"}"#)).expect("send");
    let reply = ws.read().expect("reply").into_text().expect("text").to_string();
    assert!(reply.contains(r#""route": "ping""#), "{reply}");
    let log = next_line(&mut out);
    assert!(log.contains("CONNECT"), "one log line per event: {log}");
    stop(child, out);
    sandbox
        .assert_cmd()
        .args(["gateway", "check", concat!(env!("CARGO_MANIFEST_DIR"), "/assets/apis/websocket-chat.json")])
        .assert()
        .success()
        .stdout(predicates::str::contains("ok: chat-websocket (WEBSOCKET API) with 5 routes and 1 stage"));
    let bad = sandbox.home().join("bad-ws.json");
    std::fs::write(
        &bad,
        r#"{"name":"w","type":"WEBSOCKET","stages":[{"name":"dev"}],
  "routes":[{"routeKey":"$default","integration":{"type":"AWS_PROXY","handler":"nope"}}]}"#,
    )
    .expect("write");
    for cmd in [&["gateway", "check"][..], &["gateway", "serve", "--port", "0", "--api"][..]] {
        sandbox
            .assert_cmd()
            .args(cmd)
            .arg(&bad)
            .assert()
            .failure()
            .stderr(predicates::str::contains("$.routes[0].integration.handler: no built-in WebSocket handler 'nope'"))
            .stderr(predicates::str::contains("(line 2, column"));
    }
}
