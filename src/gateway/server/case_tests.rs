//! Tests of header-name case on the wire: requests noted, responses respelled.
use super::*;

fn reader() -> Reader {
    Reader { state: In::Head, head: Vec::new() }
}

#[test]
fn keeps_heads_and_skips_bodies_in_any_split() {
    let wire = b"\r\nPOST /a HTTP/1.1\r\nHost: x\r\ntEsT-HEADeR: 1\r\nContent-Length: 12\r\n\r\nFake-Name: 1\
GET /b HTTP/1.1\r\nX-Two: 2\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nNo-No\r\n0\r\nT-Rail: 1\r\n\r\n\
GET /c HTTP/1.1\r\nLast-One: 3\r\n\r\n";
    for step in [1, 2, 3, 7, wire.len()] {
        let notes = CaseNotes::default();
        let mut r = reader();
        for part in wire.chunks(step) {
            r.feed(part, &notes);
        }
        let heads: Vec<RequestNames> = std::iter::from_fn(|| notes.take_request()).collect();
        let got: Vec<Vec<String>> =
            heads.iter().map(|h| h.iter().map(|n| String::from_utf8_lossy(n).into_owned()).collect()).collect();
        let want: Vec<Vec<&str>> =
            vec![vec!["Host", "tEsT-HEADeR", "Content-Length"], vec!["X-Two", "Transfer-Encoding"], vec!["Last-One"]];
        assert_eq!(got, want, "split every {step} bytes");
    }
}

#[test]
fn respells_repeats_in_order_and_leaves_strangers_lower_case() {
    let head = b"GET / HTTP/1.1\r\nX-A: 1\r\nx-A: 2\r\nHost: h\r\n\r\n";
    let (end, names, _) = scan_head(head).unwrap_or_else(|| panic!("a whole head"));
    assert_eq!(end, head.len());
    assert!(scan_head(&head[..head.len() - 1]).is_none());
    let mut r = Respeller::new(Some(names));
    let got: Vec<String> = ["host", "x-a", "x-a", "other"].iter().map(|n| r.name(n)).collect();
    assert_eq!(got, ["Host", "X-A", "x-A", "other"]);
    assert_eq!(Respeller::new(None).name("host"), "host");
}

#[test]
fn writer_respells_heads_but_not_bodies() {
    let queue = Mutex::new(VecDeque::new());
    let mut first = ResponseCase { body: 18, ..ResponseCase::default() };
    first.add("x-amzn-RequestId");
    first.add("Content-Type");
    first.add("plain-lower");
    let mut second = ResponseCase::default();
    second.add("X-Custom");
    queue.lock().unwrap_or_else(PoisonError::into_inner).extend([first, second]);
    let wire = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-type: a\r\nx-amzn-requestid: 1\r\ncontent-length: 18\r\n\r\ncontent-type: body\
HTTP/1.1 204 No Content\r\nx-custom: 1\r\ndate: d\r\n\r\n";
    let want = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: a\r\nx-amzn-RequestId: 1\r\nContent-Length: 18\r\n\r\ncontent-type: body\
HTTP/1.1 204 No Content\r\nX-Custom: 1\r\nDate: d\r\n\r\n";
    for step in [wire.len(), 40, 9] {
        let q = Mutex::new(queue.lock().unwrap_or_else(PoisonError::into_inner).clone());
        let mut w = Writer { state: Out::StatusLine, status: Vec::new(), current: ResponseCase::default(), used: 0 };
        let mut out = Vec::new();
        for part in wire.chunks(step) {
            let mut part = part.to_vec();
            w.scan(&mut part, &q);
            out.extend_from_slice(&part);
        }
        if step == wire.len() {
            assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(want));
        } else {
            // Cut names may stay lower case, but nothing else changes and the framing holds.
            assert!(out.eq_ignore_ascii_case(want), "step {step}");
            assert!(q.lock().unwrap_or_else(PoisonError::into_inner).is_empty(), "step {step}");
        }
    }
}
