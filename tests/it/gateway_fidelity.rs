//! Issue 20's fidelity cases, each against the AWS source it follows: LocalStack's
//! AWS-validated snapshots (tests/aws/services/apigateway/*.snapshot.json in
//! localstack/localstack, named by key) or an AWS doc page. Over real HTTP where the wire is
//! the point (header case, slashes); on the core otherwise.

use std::io::Read;
use std::time::Duration;

use serde_json::Value;

use crate::gateway_common::{day0, gateway, gateway_from, send};
use gatewise::gateway::Request;
use gatewise::gateway::server::{ServeOptions, ServerHandle, spawn};

fn serve(name: &str, stage: &str) -> ServerHandle {
    spawn(gateway(name, stage), ServeOptions::default(), None).expect("server starts")
}

/// Sends `wire` as is and reads until the server closes (every request here ends with
/// `Connection: close`), so the raw bytes, names' case included, come back.
fn raw_exchange(server: &ServerHandle, wire: &str) -> String {
    let mut s = std::net::TcpStream::connect(server.local_addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    std::io::Write::write_all(&mut s, wire.as_bytes()).expect("write");
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The responses in `raw`: (head, body) pairs, split by Content-Length.
fn responses(raw: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = raw;
    while let Some(end) = rest.find("\r\n\r\n") {
        let head = &rest[..end];
        let len: usize = head
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
            .unwrap_or(0);
        let body = &rest[end + 4..(end + 4 + len).min(rest.len())];
        out.push((head.to_owned(), body.to_owned()));
        rest = &rest[(end + 4 + len).min(rest.len())..];
    }
    out
}

fn event(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// Header names as the client sent them reach a payload 1.0 event, except the few AWS
/// re-spells (`authorization` → `Authorization`), and the gateway adds X-Forwarded-* and
/// X-Amzn-Trace-Id: snapshot `invocation-payload-without-trailing-slash` of
/// test_apigateway_lambda.py::test_lambda_aws_proxy_integration. The response's names go out
/// as AWS spells them (`x-amzn-RequestId`) and as the function returned them (`Content-Type`).
#[test]
fn header_names_keep_their_case_over_real_http() {
    let server = serve("lambda-proxy", "dev");
    // Two pipelined requests; the first one's body looks like a header and must not be noted.
    let fake = "Fake-Header: x\r\n";
    let wire = format!(
        "POST /dev/echo/proxy-value HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: python-requests/testing\r\ntEsT-HEADeR: aValUE\r\nauthorization: random-value\r\nContent-Length: {}\r\n\r\n{fake}\
GET /dev/echo/two HTTP/1.1\r\nhost: 127.0.0.1\r\nX-MiXeD: 1\r\nconnection: close\r\n\r\n",
        fake.len()
    );
    let raw = raw_exchange(&server, &wire);
    let got = responses(&raw);
    assert_eq!(got.len(), 2, "{raw}");
    let (head, body) = &got[0];
    for line in [
        "HTTP/1.1 200 OK",
        "\r\nContent-Type: application/json\r\n",
        "\r\nx-amzn-RequestId: ",
        "\r\nx-amz-apigw-id: ",
        "\r\nX-Amzn-Trace-Id: Root=1-",
        "\r\nContent-Length: ",
    ] {
        assert!(head.contains(line), "{line:?} in\n{head}");
    }
    let ev = event(body);
    let headers = ev["headers"].as_object().expect("headers");
    let names: Vec<&str> = headers.keys().map(String::as_str).collect();
    for name in [
        "Host",
        "User-Agent",
        "tEsT-HEADeR",
        "Authorization",
        "X-Amzn-Trace-Id",
        "X-Forwarded-For",
        "X-Forwarded-Port",
        "X-Forwarded-Proto",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    assert!(!names.contains(&"Fake-Header") && !names.contains(&"authorization"), "{names:?}");
    assert_eq!(ev["headers"]["tEsT-HEADeR"], "aValUE");
    assert_eq!(ev["multiValueHeaders"]["tEsT-HEADeR"][0], "aValUE");
    assert_eq!(ev["headers"]["X-Forwarded-For"], "127.0.0.1");
    assert_eq!(
        (ev["headers"]["X-Forwarded-Port"].as_str(), ev["headers"]["X-Forwarded-Proto"].as_str()),
        (Some("443"), Some("https"))
    );
    let trace = ev["headers"]["X-Amzn-Trace-Id"].as_str().unwrap_or("");
    assert!(
        head.contains(&format!("X-Amzn-Trace-Id: {trace}\r\n")),
        "the response carries the event's trace id {trace}"
    );
    let second = event(&got[1].1);
    let names: Vec<&str> = second["headers"].as_object().expect("headers").keys().map(String::as_str).collect();
    assert!(names.contains(&"X-MiXeD") && names.contains(&"host"), "{names:?}");
    assert!(got[1].0.contains("\r\nConnection: close"), "{}", got[1].0);
}

/// `//stage/…` is served; `/stage//x` routes as `/x` but `requestContext.path` keeps the
/// slashes; `//` inside a greedy value and `%2B` stay as sent; a trailing `/` is not part of
/// `proxy`. Snapshots `invocation-payload-with-prepended-slash-to-stage`,
/// `-with-prepended-slash`, `-with-double-slash`, `-with-path-encoded-email`,
/// `-with-trailing-slash` of test_lambda_aws_proxy_integration.
#[test]
fn greedy_paths_and_slashes_follow_aws() {
    let server = serve("lambda-proxy", "dev");
    let get = |target: &str| {
        let raw =
            raw_exchange(&server, &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
        let got = responses(&raw);
        assert!(got.first().is_some_and(|(h, _)| h.starts_with("HTTP/1.1 200")), "{target}: {raw}");
        event(&got[0].1)
    };
    let cases = [
        // target, event.path, pathParameters.proxy, requestContext.path
        ("//dev/echo/proxy-value", "/echo/proxy-value", "proxy-value", "/dev/echo/proxy-value"),
        ("/dev//echo/proxy-value", "/echo/proxy-value", "proxy-value", "/dev//echo/proxy-value"),
        (
            "/dev/echo/proxy-value//double-slash",
            "/echo/proxy-value//double-slash",
            "proxy-value//double-slash",
            "/dev/echo/proxy-value//double-slash",
        ),
        ("/dev/echo/proxy-value/", "/echo/proxy-value/", "proxy-value", "/dev/echo/proxy-value/"),
        (
            "/dev/echo/user/test%2Balias@gmail.com/plus/test+alias@gmail.com",
            "/echo/user/test%2Balias@gmail.com/plus/test+alias@gmail.com",
            "user/test%2Balias@gmail.com/plus/test+alias@gmail.com",
            "/dev/echo/user/test%2Balias@gmail.com/plus/test+alias@gmail.com",
        ),
    ];
    for (target, path, proxy, rc_path) in cases {
        let ev = get(target);
        assert_eq!(ev["path"], path, "{target}");
        assert_eq!(ev["pathParameters"]["proxy"], proxy, "{target}");
        assert_eq!(ev["requestContext"]["path"], rc_path, "{target}");
    }
}

/// With CORS on and a `$default` route, a preflight is not answered by the built-in CORS: the
/// `$default` route catches OPTIONS too, so its authorizer runs (401 without a token).
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
#[test]
fn a_default_route_catches_preflights() {
    let def = |default_route: &str| {
        format!(
            r#"{{ "name": "c", "type": "HTTP", "stages": [{{ "name": "$default" }}],
  "routes": [
    {{ "method": "GET", "path": "/pets", "integration": {{ "type": "AWS_PROXY", "handler": "pets" }} }}
    {default_route}
  ],
  "authorizers": [{{ "type": "JWT", "name": "Jwt", "issuer": "https://auth.gatewise.local", "audience": ["pets-app"],
      "secret": "gatewise-lab-secret", "identitySource": "$request.header.Authorization" }}],
  "cors": {{ "allowOrigins": ["https://app.example.com"], "allowMethods": ["GET"] }} }}"#
        )
    };
    let preflight = || {
        Request::new("OPTIONS", "/pets")
            .with_header("Origin", "https://app.example.com")
            .with_header("Access-Control-Request-Method", "GET")
    };
    let mut plain = gateway_from(&def(""), "$default");
    let (r, _) = send(&mut plain, preflight(), day0());
    assert_eq!((r.status, r.header("access-control-allow-origin")), (204, Some("https://app.example.com")));

    let guarded = r#", { "method": "ANY", "path": "$default", "authorizer": "Jwt", "integration": { "type": "AWS_PROXY", "handler": "echo" } }"#;
    let mut gw = gateway_from(&def(guarded), "$default");
    let (r, t) = send(&mut gw, preflight(), day0());
    assert_eq!(r.status, 401, "{}", r.body_text());
    assert!(t.steps.iter().any(|s| s.detail.contains("$default route")), "the trace says why");

    // The documented fix: an OPTIONS /{proxy+} route without an authorizer wins over $default.
    let fixed = format!(
        r#"{guarded}, {{ "method": "OPTIONS", "path": "/{{proxy+}}", "integration": {{ "type": "AWS_PROXY", "handler": "echo" }} }}"#
    );
    let mut gw = gateway_from(&def(&fixed), "$default");
    let (r, _) = send(&mut gw, preflight(), day0());
    assert_eq!((r.status, r.header("access-control-allow-origin")), (200, Some("https://app.example.com")));
}

/// A REST API splits query values at `;` ("results in the data being split"), an HTTP API
/// does not: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html
#[test]
fn semicolons_split_rest_query_strings() {
    let mut rest = gateway("lambda-proxy", "dev");
    let (r, _) = send(&mut rest, Request::get("/echo/x?a=1;b=2&c=%3B"), day0());
    let ev = event(&r.body_text());
    assert_eq!(
        (ev["queryStringParameters"]["a"].as_str(), ev["queryStringParameters"]["b"].as_str()),
        (Some("1"), Some("2"))
    );
    assert_eq!(ev["queryStringParameters"]["c"], ";", "an encoded %3B is data, not a separator");
    let mut http = gateway("jwt", "$default");
    let (r, _) = send(&mut http, Request::get("/anything?a=1;b=2"), day0());
    let ev = event(&r.body_text());
    assert_eq!(ev["queryStringParameters"]["a"], "1;b=2");
}

/// HTTP_PROXY sends the back end its own Host and `x-amzn-apigateway-api-id`, not the caller's
/// Host, as LocalStack models AWS (`_apply_header_transforms` in
/// localstack-core/localstack/services/apigateway/next_gen/execute_api/handlers/integration_request.py).
#[test]
fn http_proxy_forwards_the_back_ends_host() {
    let def = r#"{ "name": "p", "type": "REST", "stages": [{ "name": "dev" }],
  "routes": [{ "method": "ANY", "path": "/{proxy+}", "integration": { "type": "HTTP_PROXY", "backend": "echo" } }] }"#;
    let mut gw = gateway_from(def, "dev");
    let (r, _) = send(
        &mut gw,
        Request::get("/x").with_header("Host", "caller.example").with_header("X-Forwarded-For", "203.0.113.9"),
        day0(),
    );
    let echoed = event(&r.body_text());
    let headers: Vec<(String, String)> = serde_json::from_value(echoed["headers"].clone()).unwrap_or_default();
    let get = |n: &str| headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(n)).map(|(_, v)| v.as_str());
    assert_eq!(get("host"), Some("echo"));
    assert_eq!(get("x-amzn-apigateway-api-id"), Some("a1b2c3d4e5"));
    assert_eq!(get("x-forwarded-for"), Some("203.0.113.9, 127.0.0.1"));
    assert!(get("x-amzn-trace-id").is_some_and(|t| t.starts_with("Root=1-")));
    assert_eq!(headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case("host")).count(), 1);
}

/// What `gateway check` accepts follows AWS: the 413 REQUEST_TOO_LARGE response cannot be
/// customised (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html);
/// an API key cannot carry cache invalidation, which is the IAM permission
/// execute-api:InvalidateCache (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html);
/// `#set($map[$k] = …)` and `$context.requestOverride`/`responseOverride` are VTL that AWS runs
/// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-override-request-response-parameters.html).
#[test]
fn check_accepts_what_aws_accepts() {
    let base = |extra: &str, template: &str| {
        format!(
            r#"{{ "name": "c", "type": "REST", "stages": [{{ "name": "dev" }}],
  "routes": [{{ "method": "GET", "path": "/m", "integration": {{ "type": "MOCK",
    "requestTemplates": {{ "application/json": "{{\"statusCode\": 200}}" }},
    "responses": [{{ "statusCode": 200, "responseTemplates": {{ "application/json": {template} }} }}] }} }}]
  {extra} }}"#
        )
    };
    let problems = |json: &str| gatewise::gateway::check_definition(json).err().unwrap_or_default();
    let tpl = serde_json::to_string(
        "#set($m = {})#set($k = 'tier')#set($m[$k] = 'gold')#set($context.responseOverride.status = 201)#set($context.responseOverride.header['X-Tier'] = $m.tier)$m",
    )
    .expect("json");
    assert!(problems(&base("", &tpl)).is_empty(), "{:?}", problems(&base("", &tpl)));
    let mut gw = gateway_from(&base("", &tpl), "dev");
    let (r, _) = send(&mut gw, Request::get("/m"), day0());
    assert_eq!((r.status, r.header("X-Tier"), r.body_text().as_str()), (201, Some("gold"), "{tier=gold}"));

    let quiet = serde_json::to_string("ok").expect("json");
    let ps = problems(&base(r#", "gatewayResponses": { "REQUEST_TOO_LARGE": { "statusCode": 400 } }"#, &quiet));
    assert!(
        ps.iter().any(|p| p.path == "$.gatewayResponses.REQUEST_TOO_LARGE" && p.message.contains("does not support")),
        "{ps:?}"
    );
    let ps = problems(&base(
        r#", "apiKeys": [{ "name": "k", "value": "k-0123456789abcdefghij", "canInvalidateCache": true }]"#,
        &quiet,
    ));
    assert!(
        ps.iter().any(|p| p.message.contains("execute-api:InvalidateCache") && p.path.ends_with("canInvalidateCache")),
        "{ps:?}"
    );
    let ps = problems(&base(
        r#", "iamPrincipals": [{ "name": "p", "accessKeyId": "akia-lower", "allow": ["execute-api:Invoke"] }]"#,
        &quiet,
    ));
    assert_eq!(ps.len(), 2, "{ps:?}");
}

/// Request line plus headers may be 10,240 bytes, as on AWS
/// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html).
#[test]
fn headers_are_capped_at_awss_10240_bytes() {
    let server = serve("lambda-proxy", "dev");
    let head = |pad: usize| {
        format!(
            "GET /dev/echo/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: {}\r\nConnection: close\r\n\r\n",
            "a".repeat(pad)
        )
    };
    let ok = raw_exchange(&server, &head(9_000));
    assert!(ok.starts_with("HTTP/1.1 200"), "{}", &ok[..ok.len().min(200)]);
    let refused = raw_exchange(&server, &head(10_300));
    assert!(refused.starts_with("HTTP/1.1 431"), "{}", &refused[..refused.len().min(200)]);
    assert!(refused.contains("(AWS: 10240)"), "{refused}");
}
