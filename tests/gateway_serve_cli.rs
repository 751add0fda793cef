//! `gatewise gateway serve` as a learner runs it: banner with curl commands, an access-log line
//! per request, Ctrl-C stops it cleanly; non-loopback binds and bad definitions are refused.
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_gatewise")
}

#[test]
fn serve_prints_curl_commands_logs_requests_and_stops_on_ctrl_c() {
    let mut child = Command::new(bin())
        .args(["gateway", "serve", "--scenario", "throttling", "--port", "0"])
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
    assert!(banner.contains("curl -i"), "{banner}");
    let url = banner.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:")).expect("base URL");
    let hostport = url.trim_start_matches("http://").split('/').next().expect("host:port").to_string();
    let mut s = std::net::TcpStream::connect(&hostport).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    write!(s, "GET /dev/pets HTTP/1.1\r\nHost: {hostport}\r\nConnection: close\r\n\r\n").expect("send");
    let mut reply = String::new();
    s.read_to_string(&mut reply).expect("reply");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    line.clear();
    out.read_line(&mut line).expect("log line");
    assert!(line.contains("\"GET /pets HTTP/1.1\" 200"), "{line}");
    // Ctrl-C.
    assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill").success());
    let status = child.wait().expect("wait");
    let mut rest = String::new();
    out.read_to_string(&mut rest).expect("rest");
    assert!(status.success(), "{status:?} {rest}");
    assert!(rest.contains("stopped"));
}

#[test]
fn serve_refuses_non_loopback_and_invalid_definitions() {
    for host in ["0.0.0.0", "::", "192.168.1.10"] {
        let out = Command::new(bin()).args(["gateway", "serve", "--host", host]).output().expect("run");
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("loopback only"), "{host}");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"name":"x","type":"REST","stages":[],"routes":[]}"#).expect("write");
    let out = Command::new(bin()).args(["gateway", "serve", "--api"]).arg(&bad).output().expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing runs on an invalid definition"));
    let out = Command::new(bin()).args(["gateway", "serve", "--scenario", "nope"]).output().expect("run");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no lab scenario \"nope\""));
}
