//! WebSocket APIs over real sockets on 127.0.0.1: the handshake and its refusals, routing, the
//! chat broadcast, the `@connections` callback API on the same port, the size quotas, bad
//! frames, the idle timeout on the shell's clock, a client that never reads, and the Host check.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::gateway_ws_core::{KEY, chat};
use gatewise::gateway::core::ws::{WsGateway, check_ws_definition};
use gatewise::gateway::server::ws::{WsServerHandle, spawn_ws};
use gatewise::gateway::server::{Limits, ServeError, ServeOptions, ServerClock};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::{CloseFrame, Frame};
use tokio_tungstenite::tungstenite::{Error, Message, WebSocket};

type Ws = WebSocket<TcpStream>;

fn serve(gw: WsGateway, options: ServeOptions) -> WsServerHandle {
    spawn_ws(gw, options, None).expect("serves")
}

fn client(server: &WsServerHandle, query: &str, key: Option<&str>) -> Result<Ws, Error> {
    let mut req = format!("ws://{}/dev{query}", server.local_addr).into_client_request().expect("request");
    if let Some(k) = key {
        req.headers_mut().insert("x-api-key", k.parse().expect("header"));
    }
    let stream = TcpStream::connect(server.local_addr).expect("tcp");
    stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    tokio_tungstenite::tungstenite::client(req, stream).map(|(ws, _)| ws).map_err(|e| match e {
        tokio_tungstenite::tungstenite::HandshakeError::Failure(e) => e,
        tokio_tungstenite::tungstenite::HandshakeError::Interrupted(_) => panic!("blocking socket"),
    })
}

fn join(server: &WsServerHandle, name: &str) -> (Ws, String) {
    let mut ws = client(server, &format!("?name={name}&token=allow"), Some(KEY)).expect("connects");
    ws.send(Message::text(r#"{"action":"ping"}"#)).expect("send");
    let reply: serde_json::Value = serde_json::from_str(&text(&mut ws)).expect("json");
    (ws, reply["pong"].as_str().expect("id").to_owned())
}

fn text(ws: &mut Ws) -> String {
    loop {
        match ws.read().expect("read") {
            Message::Text(t) => return t.to_string(),
            Message::Ping(_) | Message::Pong(_) => {}
            other => panic!("expected text, got {other:?}"),
        }
    }
}

/// Reads until the server's close frame; returns its code.
fn close_code(ws: &mut Ws) -> Option<u16> {
    loop {
        match ws.read() {
            Ok(Message::Close(f)) => return f.map(|f| u16::from(f.code)),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
}

/// One plain HTTP/1.1 request; returns (status, lower-cased head, body).
fn http(server: &WsServerHandle, method: &str, path: &str, body: &[u8], host: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(server.local_addr).expect("tcp");
    s.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).expect("write");
    s.write_all(body).expect("write body");
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_owned())
}

fn callback(server: &WsServerHandle, method: &str, id: &str, body: &str) -> (u16, String, String) {
    http(server, method, &format!("/dev/@connections/{id}"), body.as_bytes(), "127.0.0.1")
}

fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < Duration::from_secs(10), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

// $connect admission over the wire: the handshake fails with the status the core chose.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-lambda-auth.html
#[test]
fn the_handshake_is_refused_as_connect_decides() {
    let server = serve(chat(), ServeOptions::default());
    let status = |r: Result<Ws, Error>| match r {
        Err(Error::Http(resp)) => resp.status().as_u16(),
        Ok(_) => 101,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(status(client(&server, "?name=a", Some(KEY))), 401, "no token");
    assert_eq!(status(client(&server, "?name=a&token=deny", Some(KEY))), 403, "Deny policy");
    assert_eq!(status(client(&server, "?name=a&token=allow", None)), 403, "no API key");
    assert_eq!(status(client(&server, "?name=a&token=allow", Some(KEY))), 101);
    let (s, head, body) = http(&server, "GET", "/dev", b"", "127.0.0.1");
    assert_eq!(s, 426, "a plain GET is told to use WebSocket: {head}{body}");
    let (s, _, body) = http(&server, "GET", "/dev", b"", "evil.example");
    assert_eq!(s, 403, "DNS-rebinding protection: {body}");
    assert!(body.contains("DNS-rebinding"));
    let bad = spawn_ws(chat(), ServeOptions { addr: "0.0.0.0".parse().expect("ip"), ..ServeOptions::default() }, None);
    assert!(matches!(bad, Err(ServeError::NotLoopback { .. })));
}

// Route selection, the chat broadcast through @connections, and the callback API on the same
// port: POST sends, GET describes, DELETE closes, then 410 GoneException.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-how-to-call-websocket-api-connections.html
#[test]
fn chat_broadcast_and_the_callback_api() {
    let server = serve(chat(), ServeOptions::default());
    let (mut ann, ann_id) = join(&server, "ann");
    let (mut bob, bob_id) = join(&server, "bob");
    ann.send(Message::text(r#"{"action":"sendmessage","message":"hello"}"#)).expect("send");
    assert_eq!(text(&mut ann), r#"{"from":"ann","message":"hello"}"#);
    assert_eq!(text(&mut bob), r#"{"from":"ann","message":"hello"}"#);
    bob.send(Message::text("plain text")).expect("send");
    assert!(text(&mut bob).contains(r#""members":["ann","bob"]"#), "$default is two-way");

    let (s, _, body) = callback(&server, "POST", &bob_id, "from the backend");
    assert_eq!((s, body.as_str()), (200, ""));
    assert_eq!(text(&mut bob), "from the backend");
    let (s, _, body) = callback(&server, "GET", &ann_id, "");
    assert_eq!(s, 200);
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["Identity"]["SourceIp"], "127.0.0.1");
    assert!(v["ConnectedAt"].as_str().is_some_and(|s| s.ends_with('Z')));
    let (s, _, _) = callback(&server, "DELETE", &bob_id, "");
    assert_eq!(s, 204);
    assert_eq!(close_code(&mut bob), Some(1000));
    let (s, head, _) = callback(&server, "POST", &bob_id, "too late");
    assert_eq!(s, 410);
    assert!(head.contains("x-amzn-errortype: goneexception"), "{head}");
    ann.send(Message::text(r#"{"action":"sendmessage","message":"still there?"}"#)).expect("send");
    assert_eq!(text(&mut ann), r#"{"from":"ann","message":"still there?"}"#, "the chat forgot bob");
    server.with_gateway(|g| assert_eq!(g.chat_members().len(), 1));
    let (s, _, _) = callback(&server, "PUT", &ann_id, "");
    assert_eq!(s, 405);
    let (s, _, body) = http(&server, "POST", "/dev/@connections/x", &vec![b'a'; 128 * 1024 + 1], "localhost");
    assert_eq!(s, 410, "an unknown id is Gone before its size matters: {body}");
    let (s, _, _) =
        http(&server, "POST", &format!("/dev/@connections/{ann_id}"), &vec![b'a'; 128 * 1024 + 1], "localhost");
    assert_eq!(s, 413);
}

// Frames over 32 KB and messages over 128 KB (even in small frames) close with 1009.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html
#[test]
fn size_quotas_close_with_1009() {
    let server = serve(chat(), ServeOptions::default());
    let (mut ann, ann_id) = join(&server, "ann");
    ann.send(Message::text(format!(r#"{{"action":"ping","pad":"{}"}}"#, "x".repeat(32 * 1024 - 40)))).expect("send");
    assert!(text(&mut ann).contains("pong"), "just under 32 KB in one frame is fine");
    ann.send(Message::text("x".repeat(32 * 1024 + 1))).expect("send");
    assert_eq!(close_code(&mut ann), Some(1009));
    wait_until("ann's $disconnect", || server.with_gateway(|g| g.connection(&ann_id).is_none()));

    let (mut bob, _) = join(&server, "bob");
    // 100 KB in four 25 KB frames is within both quotas.
    let body = format!(r#"{{"action":"ping","pad":"{}"}}"#, "p".repeat(100 * 1024 - 30));
    let chunks: Vec<&[u8]> = body.as_bytes().chunks(25 * 1024).collect();
    for (i, c) in chunks.iter().enumerate() {
        let opcode = if i == 0 { OpCode::Data(Data::Text) } else { OpCode::Data(Data::Continue) };
        bob.send(Message::Frame(Frame::message(c.to_vec(), opcode, i + 1 == chunks.len()))).expect("frame");
    }
    assert!(text(&mut bob).contains("pong"), "a fragmented 100 KB message is routed");
    let part = "y".repeat(30 * 1024);
    for i in 0..5 {
        let opcode = if i == 0 { OpCode::Data(Data::Text) } else { OpCode::Data(Data::Continue) };
        bob.send(Message::Frame(Frame::message(part.clone().into_bytes(), opcode, i == 4))).expect("frame");
    }
    assert_eq!(close_code(&mut bob), Some(1009), "150 KB in 30 KB frames is over the message quota");
}

// A frame a client must not send (unmasked) is a protocol error: the server closes with 1002
// and $disconnect runs; the server keeps serving others.
#[test]
fn a_bad_frame_closes_only_that_connection() {
    let server = serve(chat(), ServeOptions::default());
    let (mut ann, _) = join(&server, "ann");
    let mut raw = TcpStream::connect(server.local_addr).expect("tcp");
    raw.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let head = format!(
        "GET /dev?name=raw&token=allow HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nx-api-key: {KEY}\r\n\r\n"
    );
    raw.write_all(head.as_bytes()).expect("write");
    let mut buf = [0u8; 1024];
    let n = raw.read(&mut buf).expect("read");
    let reply = String::from_utf8_lossy(&buf[..n]);
    assert!(reply.starts_with("HTTP/1.1 101"), "{reply}");
    assert!(reply.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "RFC 6455's accept key: {reply}");
    wait_until("raw's connection", || server.with_gateway(|g| g.connections().count() == 2));
    raw.write_all(&[0x81, 0x02, b'h', b'i']).expect("unmasked frame");
    let mut got = Vec::new();
    let _ = raw.read_to_end(&mut got);
    assert_eq!(got.get(..4), Some(&[0x88, got[1], 0x03, 0xEA][..]), "a close frame with 1002: {got:?}");
    wait_until("raw's $disconnect", || server.with_gateway(|g| g.connections().count() == 1));
    ann.send(Message::text(r#"{"action":"ping"}"#)).expect("send");
    assert!(text(&mut ann).contains("pong"));
    ann.close(Some(CloseFrame { code: 1000.into(), reason: "bye".into() })).expect("close");
    wait_until("ann's $disconnect", || server.with_gateway(|g| g.connections().count() == 0));
}

// The idle timeout runs on the shell's clock: a manual clock moved past 10 minutes closes an
// idle connection with 1001 and runs $disconnect.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html
#[test]
fn idle_connections_close_after_ten_minutes_on_the_server_clock() {
    let ms = Arc::new(AtomicU64::new(1_795_651_080_000));
    let options = ServeOptions { clock: ServerClock::Manual(Arc::clone(&ms)), ..ServeOptions::default() };
    let server = serve(chat(), options);
    let (mut ann, _) = join(&server, "ann");
    let (mut bob, _) = join(&server, "bob");
    ms.fetch_add(9 * 60 * 1000, Ordering::Relaxed);
    bob.send(Message::text(r#"{"action":"ping"}"#)).expect("send");
    assert!(text(&mut bob).contains("pong"));
    ms.fetch_add(60 * 1000, Ordering::Relaxed);
    assert_eq!(close_code(&mut ann), Some(1001), "ann was idle for 10 minutes");
    wait_until("ann's $disconnect", || server.with_gateway(|g| g.connections().count() == 1));
    bob.send(Message::text(r#"{"action":"ping"}"#)).expect("send");
    assert!(text(&mut bob).contains("pong"), "bob spoke 1 minute ago and stays");
}

// A client that never reads cannot make the server hold its messages: once its queue is full
// (or a write times out) it is disconnected, and everyone else is still served.
#[test]
fn a_client_that_never_reads_is_disconnected() {
    let limits = Limits { write_timeout: Duration::from_millis(300), ..Limits::default() };
    let server = serve(chat(), ServeOptions { limits, ..ServeOptions::default() });
    let (_deaf, deaf_id) = join(&server, "deaf");
    let (mut bob, _) = join(&server, "bob");
    // Small messages, so that filling the kernel's socket buffers and the queue takes little
    // memory (other tests in this process measure RSS).
    let chunk = "z".repeat(16 * 1024);
    let start = Instant::now();
    let mut last = 200;
    while last == 200 && start.elapsed() < Duration::from_secs(20) {
        last = callback(&server, "POST", &deaf_id, &chunk).0;
    }
    assert_eq!(last, 410, "the deaf client was disconnected");
    bob.send(Message::text(r#"{"action":"ping"}"#)).expect("send");
    assert!(text(&mut bob).contains("pong"));
    server.with_gateway(|g| assert_eq!(g.chat_members().len(), 1, "$disconnect ran for the deaf client"));
}

#[test]
fn a_definition_without_authorizer_or_key_accepts_anyone() {
    let open = r#"{"name":"echo","type":"WEBSOCKET","stages":[{"name":"dev"}],
        "routes":[{"routeKey":"$default","routeResponseSelectionExpression":"$default","integration":{"type":"AWS_PROXY","handler":"echo"}}]}"#;
    let server =
        serve(WsGateway::new(check_ws_definition(open).expect("valid"), "dev").expect("gw"), ServeOptions::default());
    let mut ws = client(&server, "", None).expect("connects");
    ws.send(Message::text("echo me")).expect("send");
    assert_eq!(text(&mut ws), "echo me");
    ws.send(Message::binary(vec![0u8, 159, 146, 150])).expect("send");
    assert_eq!(text(&mut ws), "AJ+Slg==", "binary reaches Lambda base64-encoded");
}

// An open WebSocket keeps its place under the sandbox's connection cap after the upgrade.
#[test]
fn open_websockets_count_against_the_connection_cap() {
    let limits = Limits { max_connections: 2, ..Limits::default() };
    let server = serve(chat(), ServeOptions { limits, ..ServeOptions::default() });
    let (_ann, _) = join(&server, "ann");
    let (mut bob, _) = join(&server, "bob");
    assert!(client(&server, "?name=cy&token=allow", Some(KEY)).is_err(), "a third connection is closed at once");
    bob.close(None).expect("close");
    let _ = close_code(&mut bob);
    wait_until("bob's slot", || client(&server, "?name=cy&token=allow", Some(KEY)).is_ok());
}

// Stopping the server closes every open WebSocket with 1001 ("going away") and runs
// $disconnect for each.
#[test]
fn stopping_the_server_closes_connections_with_1001() {
    let server = serve(chat(), ServeOptions::default());
    let (mut ann, _) = join(&server, "ann");
    let start = Instant::now();
    server.shutdown().expect("stops");
    assert_eq!(close_code(&mut ann), Some(1001));
    assert!(start.elapsed() < Duration::from_secs(5));
}
