//! The WebSocket engine in-process, on a virtual clock: `$connect` admission, route selection,
//! route responses, the chat broadcast through `@connections`, the callback API, and the quotas.
//! Each test cites the AWS page its behaviour comes from.

use gatewise::gateway::core::ws::{
    Admission, CallbackMethod, CloseCause, Effect, Handshake, Inbound, WsGateway, check_ws_definition,
};
use gatewise::gateway::{Phase, VirtualTime};

pub const CHAT: &str = include_str!("../../assets/apis/websocket-chat.json");
pub const KEY: &str = "chat-key-0123456789abcdef";

fn t(ms: u64) -> VirtualTime {
    VirtualTime::from_millis(1_795_651_080_000 + ms)
}

pub fn chat() -> WsGateway {
    WsGateway::new(check_ws_definition(CHAT).expect("valid"), "dev").expect("builds")
}

pub fn hs(name: &str, token: Option<&str>, key: Option<&str>) -> Handshake {
    let mut h = Handshake { source_ip: "127.0.0.1".to_owned(), ..Handshake::default() };
    h.query.push(("name".to_owned(), name.to_owned()));
    if let Some(tok) = token {
        h.query.push(("token".to_owned(), tok.to_owned()));
    }
    if let Some(k) = key {
        h.headers.push(("x-api-key".to_owned(), k.to_owned()));
    }
    h.headers.push(("user-agent".to_owned(), format!("test-{name}")));
    h
}

fn open(gw: &mut WsGateway, name: &str, at: VirtualTime) -> String {
    match gw.connect(&hs(name, Some("allow"), Some(KEY)), at).0 {
        Admission::Accepted { connection_id } => connection_id,
        Admission::Refused { status, body } => panic!("{name} refused: {status} {body}"),
    }
}

fn sends(effects: &[Effect]) -> Vec<(&str, &str)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send { connection_id, data } => Some((connection_id.as_str(), data.as_str())),
            Effect::Close { .. } => None,
        })
        .collect()
}

// Authorization happens on $connect only, and a failed $connect (authorizer, key or
// integration) makes no connection: the client gets 401 or 403.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-route-keys-connect-disconnect.html
// Lambda REQUEST authorizers on $connect: a missing identity source is 401 without a call, a
// Deny policy 403; API keys on $connect must be valid and in a usage plan.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-lambda-auth.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-selection-expressions.html
#[test]
fn connect_runs_the_authorizer_then_the_api_key_then_the_integration() {
    let mut gw = chat();
    let refused = |a: Admission| match a {
        Admission::Refused { status, body } => (status, body),
        Admission::Accepted { .. } => panic!("accepted"),
    };
    let (a, o) = gw.connect(&hs("x", None, Some(KEY)), t(0));
    assert_eq!(refused(a), (401, r#"{"message":"Unauthorized"}"#.to_owned()));
    assert_eq!(o.trace.stopped_at().expect("stopped").phase, Phase::Authorizer);
    assert!(o.trace.to_string().contains("without calling token-check"), "{}", o.trace);
    let (a, _) = gw.connect(&hs("x", Some("deny"), Some(KEY)), t(1));
    assert_eq!(refused(a), (403, r#"{"message":"Forbidden"}"#.to_owned()));
    let (a, _) = gw.connect(&hs("x", Some("fail"), Some(KEY)), t(2));
    assert_eq!(refused(a).0, 500);
    let (a, o) = gw.connect(&hs("x", Some("allow"), None), t(3));
    assert_eq!(refused(a).0, 403);
    assert_eq!(o.trace.stopped_at().expect("stopped").phase, Phase::ApiKey);
    let (a, _) = gw.connect(&hs("x", Some("allow"), Some("not-a-key-0123456789abc")), t(4));
    assert_eq!(refused(a).0, 403);
    assert_eq!(gw.connections().count(), 0, "no refused handshake leaves a connection");
    assert!(gw.chat_members().is_empty(), "the $connect Lambda never ran for a refused client");

    let id = open(&mut gw, "ann", t(5));
    assert_eq!(id.len(), 16, "connection ids look like AWS's: {id}");
    let c = gw.connection(&id).expect("open");
    assert_eq!(c.api_key.as_deref(), Some("chat-key"));
    assert_eq!(c.principal_id.as_deref(), Some("user-allow"));
    assert_eq!(gw.chat_members(), [(id.clone(), "ann".to_owned())]);
}

// Route selection: the expression's value picks the route; a non-JSON message, a missing
// property or an unknown value goes to $default; with no $default, the caller gets an error.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-develop-routes.html
// The error's shape, {"message": "Forbidden", "connectionId": …, "requestId": …}, is what AWS
// sends (the docs only say "an error"), as reported against AWS's own chat sample:
// https://github.com/aws-samples/simple-websockets-chat-app/issues/24
#[test]
fn messages_are_routed_by_the_selection_expression() {
    let mut gw = chat();
    let ann = open(&mut gw, "ann", t(0));
    let o = gw.message(&ann, &Inbound::text(r#"{"action":"ping"}"#), t(1));
    assert_eq!(o.trace.route_key.as_deref(), Some("ping"));
    assert!(o.trace.step(Phase::Route).expect("route").detail.contains(r#"$request.body.action → "ping""#));
    let reply = sends(&o.effects);
    assert_eq!(reply, [(ann.as_str(), format!(r#"{{"pong": "{ann}", "route": "ping"}}"#).as_str())]);
    for (body, why) in
        [("hello", "not JSON"), (r#"{"action":"dance"}"#, "no route"), (r#"{"x":1}"#, "has no request.body.action")]
    {
        let o = gw.message(&ann, &Inbound::text(body), t(2));
        assert_eq!(o.trace.route_key.as_deref(), Some("$default"), "{body}");
        assert!(o.trace.step(Phase::Route).expect("route").detail.contains(why), "{}", o.trace);
    }
    // $connect and $disconnect are never selected by a message.
    let o = gw.message(&ann, &Inbound::text(r#"{"action":"$connect"}"#), t(3));
    assert_eq!(o.trace.route_key.as_deref(), Some("$default"));

    let no_default = CHAT.replace(r#""routeKey": "$default""#, r#""routeKey": "other""#);
    let mut gw = WsGateway::new(check_ws_definition(&no_default).expect("valid"), "dev").expect("builds");
    let ann = open(&mut gw, "ann", t(0));
    let o = gw.message(&ann, &Inbound::text("hello"), t(1));
    let err: serde_json::Value = serde_json::from_str(sends(&o.effects)[0].1).expect("json");
    assert_eq!(err["message"], "Forbidden");
    assert_eq!(err["connectionId"], ann.as_str());
    assert_eq!(err["requestId"], o.trace.request_id.as_str());
}

// Route responses: without one a route is one-way and nothing goes back; with the $default
// route response the integration's reply returns to the caller.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-route-response.html
#[test]
fn one_way_and_two_way_routes() {
    let mut gw = chat();
    let ann = open(&mut gw, "ann", t(0));
    let bob = open(&mut gw, "bob", t(1));
    let o = gw.message(&ann, &Inbound::text(r#"{"action":"sendmessage","message":"hi"}"#), t(2));
    let got = sends(&o.effects);
    let data = r#"{"from":"ann","message":"hi"}"#;
    assert_eq!(got, [(ann.as_str(), data), (bob.as_str(), data)], "the broadcast only, no route response");
    assert_eq!(o.trace.step(Phase::Response).expect("response").outcome, gatewise::gateway::Outcome::Skipped);
    let posts: Vec<_> = o.trace.steps.iter().filter(|s| s.phase == Phase::IntegrationResponse).collect();
    assert_eq!(posts.len(), 2, "{}", o.trace);
    assert!(posts.iter().all(|s| s.detail.contains("POST @connections/") && s.detail.contains(": 200")));
    let o = gw.message(&bob, &Inbound::text("who is here?"), t(3));
    let got = sends(&o.effects);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, bob);
    assert!(got[0].1.contains(r#""members":["ann","bob"]"#), "{}", got[0].1);
}

// @connections: POST sends, GET describes (ConnectedAt, Identity, LastActiveAt), DELETE
// disconnects (204); any call for a connection that is not open is 410 GoneException.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-how-to-call-websocket-api-connections.html
#[test]
fn the_callback_api() {
    let mut gw = chat();
    let ann = open(&mut gw, "ann", t(0));
    gw.message(&ann, &Inbound::text("hi"), t(5_000));
    let (r, o) = gw.callback(CallbackMethod::Post, &ann, "from the backend", t(6_000));
    assert_eq!((r.status, r.body.as_str()), (200, ""));
    assert_eq!(sends(&o.effects), [(ann.as_str(), "from the backend")]);
    let (r, _) = gw.callback(CallbackMethod::Get, &ann, "", t(7_000));
    let v: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    assert_eq!(v["ConnectedAt"], t(0).iso8601());
    assert_eq!(v["LastActiveAt"], t(5_000).iso8601(), "a backend POST is not client activity");
    assert_eq!(v["Identity"]["SourceIp"], "127.0.0.1");
    assert_eq!(v["Identity"]["UserAgent"], "test-ann");
    let (r, _) = gw.callback(CallbackMethod::Post, &ann, &"x".repeat(128 * 1024 + 1), t(7_500));
    assert_eq!(r.status, 413);
    assert!(r.headers.contains(&("x-amzn-errortype".to_owned(), "PayloadTooLargeException".to_owned())));
    let (r, o) = gw.callback(CallbackMethod::Delete, &ann, "", t(8_000));
    assert_eq!(r.status, 204);
    assert!(matches!(o.effects.as_slice(), [Effect::Close { code: 1000, .. }]));
    assert!(gw.chat_members().is_empty(), "$disconnect ran and the chat forgot ann");
    for m in [CallbackMethod::Post, CallbackMethod::Get, CallbackMethod::Delete] {
        let (r, o) = gw.callback(m, &ann, "late", t(9_000));
        assert_eq!(r.status, 410, "{m:?}");
        assert!(r.headers.contains(&("x-amzn-errortype".to_owned(), "GoneException".to_owned())));
        assert!(o.effects.is_empty());
    }
}

// Quotas: frames over 32 KB and messages over 128 KB close the connection with 1009; a
// connection idle for 10 minutes, or open for 2 hours, is closed.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html
#[test]
fn quotas_on_the_clock_and_on_size() {
    let mut gw = chat();
    let ann = open(&mut gw, "ann", t(0));
    let ok = Inbound { body: "x".repeat(128 * 1024), is_base64: false, size: 128 * 1024, largest_frame: 32 * 1024 };
    assert_eq!(gw.message(&ann, &ok, t(1)).trace.status, 200, "128 KB in 32 KB frames is within the quotas");
    let big_frame = Inbound {
        body: "x".repeat(32 * 1024 + 1),
        is_base64: false,
        size: 32 * 1024 + 1,
        largest_frame: 32 * 1024 + 1,
    };
    let o = gw.message(&ann, &big_frame, t(2));
    assert!(matches!(o.effects.as_slice(), [Effect::Close { code: 1009, .. }]), "{:?}", o.effects);
    assert!(gw.connection(&ann).is_none());
    let bob = open(&mut gw, "bob", t(3));
    let big = Inbound { body: String::new(), is_base64: false, size: 128 * 1024 + 1, largest_frame: 1024 };
    assert!(matches!(gw.message(&bob, &big, t(4)).effects.as_slice(), [Effect::Close { code: 1009, .. }]));

    let mut gw = chat();
    let ann = open(&mut gw, "ann", t(0));
    let bob = open(&mut gw, "bob", t(0));
    assert_eq!(gw.next_deadline(), Some(t(600_000)));
    gw.message(&bob, &Inbound::text("still here"), t(300_000));
    assert!(gw.expire(t(599_999)).is_empty(), "not a millisecond early");
    let closed = gw.expire(t(600_000));
    assert_eq!(closed.len(), 1);
    assert!(
        matches!(&closed[0].effects[..], [Effect::Close { connection_id, code: 1001, .. }] if *connection_id == ann)
    );
    assert!(closed[0].trace.to_string().contains("idle timeout"), "{}", closed[0].trace);
    // bob stays busy, but no connection outlives 2 hours.
    let mut at = 300_000;
    while at < 7_200_000 - 1 {
        at += 500_000;
        assert!(gw.expire(t(at.min(7_199_999))).is_empty(), "at {at}");
        gw.message(&bob, &Inbound::text("ping"), t(at.min(7_199_999)));
    }
    let closed = gw.expire(t(7_200_000));
    assert_eq!(closed.len(), 1);
    assert!(closed[0].trace.to_string().contains("2-hour"), "{}", closed[0].trace);
    assert_eq!(gw.connections().count(), 0);
}

// A client's close runs $disconnect with its code; closing twice changes nothing.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-route-keys-connect-disconnect.html
#[test]
fn a_client_close_runs_disconnect_once() {
    let mut gw = chat();
    let ann = open(&mut gw, "ann", t(0));
    let cause = CloseCause::Client { code: Some(1000), reason: "bye".to_owned() };
    let o = gw.close(&ann, &cause, t(1)).expect("was open");
    assert!(o.effects.is_empty(), "the client closed it: nothing to send");
    assert_eq!(o.trace.route_key.as_deref(), Some("$disconnect"));
    assert!(gw.chat_members().is_empty());
    assert!(gw.close(&ann, &cause, t(2)).is_none());
    assert_eq!(gw.message(&ann, &Inbound::text("hi"), t(3)).trace.status, 410);
}

// `gateway check` validates WEBSOCKET definitions: every problem with its JSON path and line.
#[test]
fn websocket_definitions_are_checked_field_by_field() {
    let bad = r##"{
  "name": "w", "type": "WEBSOCKET", "colour": 1,
  "routeSelectionExpression": "$request.header.action",
  "stages": [{ "name": "dev" }],
  "routes": [
    { "routeKey": "$connect", "authorizer": "tok", "integration": { "type": "MOCK" } },
    { "routeKey": "chat", "apiKeyRequired": true, "authorizer": "tok", "integration": { "type": "AWS_PROXY", "handler": "pets" } },
    { "routeKey": "$weird", "routeResponseSelectionExpression": "/2\\d\\d/", "integration": { "type": "MOCK", "responseTemplates": { "application/json": "#if(" } } },
    { "routeKey": "chat", "integration": { "type": "HTTP_PROXY", "backend": "echo" } }
  ],
  "authorizers": [{ "type": "TOKEN", "name": "tok", "handler": "authorizer" }]
}"##;
    let ps = check_ws_definition(bad).expect_err("invalid");
    assert_eq!(ps.len(), 2, "structure first, all of it: {ps:?}");
    assert!(ps.iter().any(|p| p.path == "$.colour" && p.line == Some(2)), "{ps:?}");
    assert!(ps.iter().any(|p| p.path == "$.routes[3].integration.type" && p.message.contains("HTTP_PROXY")), "{ps:?}");

    let bad = bad
        .replace(r#", "colour": 1"#, "")
        .replace(r#"{ "type": "HTTP_PROXY", "backend": "echo" }"#, r#"{ "type": "MOCK" }"#);
    let ps = check_ws_definition(&bad).expect_err("invalid");
    let has =
        |path: &str, needle: &str| ps.iter().any(|p| p.path == path && p.message.contains(needle) && p.line.is_some());
    assert!(has("$.routeSelectionExpression", "reads $request.body"), "{ps:?}");
    assert!(has("$.routes[0].authorizer", "not a REQUEST authorizer"), "{ps:?}");
    assert!(has("$.routes[1].authorizer", "once, on the $connect route"), "{ps:?}");
    assert!(has("$.routes[1].apiKeyRequired", "$connect"), "{ps:?}");
    assert!(has("$.routes[1].integration.handler", "no built-in WebSocket handler 'pets'"), "{ps:?}");
    assert!(has("$.routes[2].routeKey", "reserved"), "{ps:?}");
    assert!(has("$.routes[2].routeResponseSelectionExpression", "only the $default route response"), "{ps:?}");
    assert!(
        ps.iter().any(|p| p.path == r#"$.routes[2].integration.responseTemplates["application/json"]"#
            && p.message.contains("$default")),
        "{ps:?}"
    );
    assert!(has("$.routes[3].routeKey", "defined twice"), "{ps:?}");
    assert!(has("$.authorizers[0]", "only REQUEST authorizers"), "{ps:?}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
    // Whatever a client sends, the engine picks a defined route (or answers Forbidden), never
    // panics, and keeps the connection open unless the message is over a quota.
    #[test]
    fn any_message_is_routed_or_refused(body in ".{0,200}", action in "[a-z$]{0,12}") {
        let mut gw = chat();
        let ann = open(&mut gw, "ann", t(0));
        for text in [body.clone(), format!(r#"{{"action":"{action}","message":{}}}"#, serde_json::json!(body))] {
            let o = gw.message(&ann, &Inbound::text(&text), t(1));
            let route = o.trace.route_key.as_deref().unwrap_or("");
            proptest::prop_assert!(["sendmessage", "ping", "$default"].contains(&route), "{route}");
            proptest::prop_assert!(gw.connection(&ann).is_some());
        }
        let _ = gatewise::gateway::core::ws::select::RouteSelection::parse(&body);
    }
}

// The Lambda proxy event of a message: requestContext with routeKey, eventType MESSAGE,
// connectionId, messageId, connectedAt, requestTimeEpoch, domainName, stage, apiId and the
// authorizer's context; the body as sent.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-route-keys-connect-disconnect.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-mapping-template-reference.html
#[test]
fn the_message_event_has_aws_request_context() {
    let default_route = r#""routeKey": "$default",
      "routeResponseSelectionExpression": "$default",
      "integration": { "type": "AWS_PROXY", "handler": "chat" }"#;
    assert!(CHAT.contains(default_route));
    let def = CHAT.replace(default_route, &default_route.replace("chat", "inspect"));
    let mut gw = WsGateway::new(check_ws_definition(&def).expect("valid"), "dev").expect("builds");
    let ann = open(&mut gw, "ann", t(0));
    let o = gw.message(&ann, &Inbound::text("hello"), t(2_000));
    let e: serde_json::Value = serde_json::from_str(sends(&o.effects)[0].1).expect("event json");
    let c = &e["requestContext"];
    assert_eq!(e["body"], "hello");
    assert_eq!(e["isBase64Encoded"], false);
    assert_eq!(c["routeKey"], "$default");
    assert_eq!(c["eventType"], "MESSAGE");
    assert_eq!(c["messageDirection"], "IN");
    assert_eq!(c["connectionId"], ann.as_str());
    assert_eq!(c["connectedAt"], t(0).as_millis());
    assert_eq!(c["requestTimeEpoch"], t(2_000).as_millis());
    assert_eq!(c["stage"], "dev");
    assert_eq!(c["apiId"], "w1s2k3t4u5");
    assert_eq!(c["domainName"], "w1s2k3t4u5.execute-api.us-east-1.amazonaws.com");
    assert_eq!(c["requestId"], o.trace.request_id.as_str());
    assert!(c["messageId"].as_str().is_some_and(|m| m.len() == 16));
    assert_eq!(c["identity"]["sourceIp"], "127.0.0.1");
    assert_eq!(
        c["authorizer"]["principalId"], "user-allow",
        "the $connect authorizer's result stays with the connection"
    );
    assert_eq!(c["authorizer"]["tier"], "free");
}
