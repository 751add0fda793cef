//! The sandbox's own protections over real sockets (AWS has nothing like them at this level;
//! they keep a learner's machine usable): one client address cannot take every connection
//! slot, and under load slots come free quickly.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use crate::gateway_common::gateway;
use crate::gateway_http_client::{Conn, hdrs, host_of};
use gatewise::gateway::server::{Limits, Observer, ServeOptions, ServerEvent, spawn};

#[test]
fn one_client_address_gets_only_its_share_of_the_slots() {
    let limits = Limits { max_connections: 16, max_connections_per_client: 2, ..Limits::default() };
    let (tx, rx) = mpsc::channel();
    let observer: Observer = Arc::new(move |e| {
        let _ = tx.send(e);
    });
    let server = spawn(gateway("api-keys", "dev"), ServeOptions { limits, ..ServeOptions::default() }, Some(observer))
        .expect("server starts");
    let addr = server.local_addr;
    let host = host_of(addr);
    let mut held: Vec<Conn> = (0..2).map(|_| Conn::open(addr)).collect();
    for c in &mut held {
        assert_eq!(c.request("GET", "/dev/health", &hdrs(&host, &[]), b"").status, 200);
    }
    let mut third = Conn::open(addr);
    assert!(third.is_closed_by_server(Duration::from_secs(2)), "127.0.0.1's third connection kept open");
    // Another client address still gets in.
    let mut other = Conn::open_from(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)), addr);
    assert_eq!(other.request("GET", "/dev/health", &hdrs(&host, &[]), b"").status, 200);
    let said = rx.try_iter().any(|e| matches!(e, ServerEvent::Refused(r) if r.reason.contains("per-client share")));
    assert!(said, "the refusal is reported");
    // The share comes back when a connection ends.
    drop(held.pop());
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let mut c = Conn::open(addr);
        if c.write(&crate::gateway_http_client::raw_request("GET", "/dev/health", &hdrs(&host, &[]), b"")).is_ok()
            && c.read_response().is_some_and(|r| r.status == 200)
        {
            break;
        }
        assert!(Instant::now() < deadline, "a freed share was not reused");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn under_load_idle_connections_close_and_new_ones_get_a_short_header_deadline() {
    let limits = Limits {
        max_connections: 4,
        max_connections_per_client: 4,
        header_read_timeout: Duration::from_secs(10),
        busy_header_timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let server = spawn(gateway("api-keys", "dev"), ServeOptions { limits, ..ServeOptions::default() }, None)
        .expect("server starts");
    let addr = server.local_addr;
    let host = host_of(addr);
    let mut idle = Conn::open(addr);
    assert_eq!(idle.request("GET", "/dev/health", &hdrs(&host, &[]), b"").status, 200);
    let mut silent: Vec<Conn> = (0..2).map(|_| Conn::open(addr)).collect();
    std::thread::sleep(Duration::from_millis(100));
    // The fourth of four slots: the server is busy now.
    let started = Instant::now();
    let mut late = Conn::open(addr);
    assert!(idle.is_closed_by_server(Duration::from_secs(2)), "the idle keep-alive connection made room");
    assert!(late.is_closed_by_server(Duration::from_secs(3)), "the busy-time header deadline applies");
    assert!(started.elapsed() < Duration::from_secs(4), "well before the normal 10 s deadline");
    // Connections that never sent a request keep their normal deadline.
    assert!(!silent[0].is_closed_by_server(Duration::from_millis(300)));
    silent.clear();
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let mut c = Conn::open(addr);
        if c.write(&crate::gateway_http_client::raw_request("GET", "/dev/health", &hdrs(&host, &[]), b"")).is_ok()
            && c.read_response().is_some_and(|r| r.status == 200)
        {
            break;
        }
        assert!(Instant::now() < deadline, "slots did not come back");
        std::thread::sleep(Duration::from_millis(50));
    }
}
