//! The bundled lab scenarios, one per concept, each on a definition in assets/apis/.
use super::{Check, Objective, Preset, Scenario, Variant};
use crate::gateway::{CacheStatus, Phase};

macro_rules! api {
    ($file:literal, $stage:literal, $label:literal) => {
        Variant {
            label: $label,
            file: concat!("assets/apis/", $file),
            json: include_str!(concat!("../../assets/apis/", $file)),
            stage: $stage,
        }
    };
}

const DEMO: (&str, &str) = ("x-api-key", "demo-key-0123456789abcdef");

const fn get(label: &'static str, path: &'static str, headers: &'static [(&'static str, &'static str)]) -> Preset {
    Preset { label, method: "GET", path, headers, body: "" }
}

const fn obj(id: &'static str, text: &'static str, hint: &'static str, check: Check) -> Objective {
    Objective { id, text, hint, check, after: None }
}

const fn then(
    id: &'static str,
    after: &'static str,
    text: &'static str,
    hint: &'static str,
    check: Check,
) -> Objective {
    Objective { id, text, hint, check, after: Some(after) }
}

pub static SCENARIOS: &[Scenario] = &[
    Scenario {
        id: "api-keys",
        title: "API keys and usage plans",
        note: "usage-plans",
        goal: "An API key identifies and meters a caller; it is not authentication. See which keys get in and why the others get 403 Forbidden.",
        variants: &[api!("api-keys.json", "dev", "REST, stage dev")],
        presets: &[
            get("no key", "/pets", &[]),
            get("demo key (in a usage plan)", "/pets", &[DEMO]),
            get("disabled key", "/pets", &[("x-api-key", "old-key-0123456789abcdef00")]),
            get("key in no usage plan", "/pets", &[("x-api-key", "stray-key-0123456789abcdef")]),
            get("public route, no key needed", "/health", &[]),
        ],
        objectives: &[
            obj(
                "no-key-403",
                "Call /pets without a key: 403 Forbidden",
                "preset 'no key'",
                Check::Stopped(Phase::ApiKey, 403),
            ),
            obj(
                "key-200",
                "Call /pets with the demo key: 200",
                "preset 'demo key'",
                Check::All(&[Check::Status(200), Check::Detail(Phase::ApiKey, "usage plan")]),
            ),
            obj(
                "planless-403",
                "Use a real key that is in no usage plan: still 403",
                "preset 'key in no usage plan'",
                Check::Detail(Phase::ApiKey, "not in a usage plan"),
            ),
        ],
        questions: &["upk-006", "upk-003", "upk-004"],
    },
    Scenario {
        id: "throttling",
        title: "Throttling: token buckets and 429",
        note: "throttling",
        goal: "Three token buckets are checked in AWS's order: the usage plan's per-client bucket, the stage's per-method bucket, then the account. Fire a burst, watch a bucket drain, get 429, wait for the refill.",
        variants: &[api!("throttling.json", "dev", "REST, stage dev")],
        presets: &[
            get("keyed route (usage-plan bucket: rate 1, burst 1)", "/keyed/pets", &[DEMO]),
            get("unkeyed route (stage bucket: rate 2, burst 3)", "/pets", &[]),
            get("roomy route (stage default: rate 10, burst 20)", "/slowlane", &[]),
        ],
        objectives: &[
            obj(
                "plan-429",
                "Get a 429 from the usage-plan bucket",
                "keyed route, fire a burst (f)",
                Check::All(&[Check::Status(429), Check::Detail(Phase::Throttle, "usage-plan bucket")]),
            ),
            obj(
                "stage-429",
                "Get a 429 from the stage's per-method bucket",
                "unkeyed route, fire a burst (f)",
                Check::All(&[Check::Status(429), Check::Detail(Phase::Throttle, "stage bucket")]),
            ),
            then(
                "refilled",
                "plan-429",
                "Wait for a token and get 200 again on the keyed route",
                "advance the clock 1 s (+), send again",
                Check::All(&[Check::Status(200), Check::Detail(Phase::Throttle, "usage-plan bucket")]),
            ),
        ],
        questions: &["thr-001", "thr-010", "scn-011"],
    },
    Scenario {
        id: "quotas",
        title: "Quotas: 429 Limit Exceeded until the window resets",
        note: "usage-plans",
        goal: "A usage plan's DAY quota counts requests per key per UTC day. Use it up, see 429 \"Limit Exceeded\", then move the clock past midnight UTC.",
        variants: &[api!("quotas.json", "dev", "REST, stage dev")],
        presets: &[
            get("demo key (DAY quota)", "/pets", &[DEMO]),
            get("weekly key (WEEK quota)", "/pets", &[("x-api-key", "weekly-key-0123456789abcdef")]),
        ],
        objectives: &[
            obj(
                "quota-429",
                "Use up the daily quota: 429 Limit Exceeded",
                "demo key, fire (f)",
                Check::All(&[Check::Stopped(Phase::Quota, 429), Check::Body("Limit Exceeded")]),
            ),
            then(
                "rolled-over",
                "quota-429",
                "Cross midnight UTC and get through again",
                "advance to midnight (M), send",
                Check::All(&[Check::Status(200), Check::Detail(Phase::Quota, "quota 1 of")]),
            ),
        ],
        questions: &["upk-011", "upk-013"],
    },
    Scenario {
        id: "caching",
        title: "Caching: MISS, HIT, expiry and who may invalidate",
        note: "caching",
        goal: "The stage cache answers repeated GETs without calling the back end until the TTL (300 s here) runs out. Only an IAM caller allowed execute-api:InvalidateCache, on a SigV4-signed request, can force a fresh answer with Cache-Control: max-age=0; an API key cannot.",
        variants: &[api!("caching.json", "dev", "REST, stage dev")],
        presets: &[
            get("GET /pets (cached)", "/pets", &[DEMO]),
            get("GET /pets, max-age=0, API key only", "/pets", &[DEMO, ("Cache-Control", "max-age=0")]),
            get(
                "GET /pets, max-age=0, signed by cache-admin",
                "/pets",
                &[
                    DEMO,
                    ("Cache-Control", "max-age=0"),
                    (
                        "Authorization",
                        "AWS4-HMAC-SHA256 Credential=AKIAGATEWISECACHE01/20261125/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=sandbox-does-not-check",
                    ),
                ],
            ),
            get("GET /pets?type=dog (cache-key parameter)", "/pets?type=dog", &[DEMO]),
        ],
        objectives: &[
            obj("miss", "See a cache MISS", "GET /pets once", Check::Cache(CacheStatus::Miss)),
            then(
                "hit",
                "miss",
                "See a cache HIT: the integration is not called",
                "send GET /pets again",
                Check::Cache(CacheStatus::Hit),
            ),
            then(
                "ignored",
                "miss",
                "Try max-age=0 without permission: ignored, still a HIT",
                "preset 'API key only'",
                Check::Detail(Phase::Cache, "ignored"),
            ),
            then(
                "invalidated",
                "miss",
                "Invalidate as an IAM caller allowed execute-api:InvalidateCache",
                "preset 'signed by cache-admin'",
                Check::Cache(CacheStatus::Invalidated),
            ),
            then(
                "expired",
                "hit",
                "Let the entry expire and see a MISS again",
                "advance 1 min (>) five times, send",
                Check::All(&[Check::Cache(CacheStatus::Miss), Check::Detail(Phase::Cache, "MISS")]),
            ),
        ],
        questions: &["cch-002", "cch-011", "cch-016"],
    },
    Scenario {
        id: "authorizers",
        title: "Lambda authorizers: allow, deny, 401 and the cached policy",
        note: "security",
        goal: "A TOKEN authorizer reads one header; a REQUEST authorizer reads several sources. No token is 401 without calling the Lambda; a Deny is 403. A cached policy is reused for other paths — the classic 403 gotcha under {proxy+}.",
        variants: &[api!("authorizers.json", "dev", "REST, stage dev")],
        presets: &[
            get("token allow", "/pets", &[("Authorization", "Bearer allow")]),
            get("no token", "/pets", &[]),
            get("token deny", "/pets", &[("Authorization", "Bearer deny")]),
            get("proxy path a (allow)", "/files/a", &[("Authorization", "allow")]),
            get("proxy path b (same token)", "/files/b", &[("Authorization", "allow")]),
            get("REQUEST authorizer", "/reports?team=blue", &[("Authorization", "allow")]),
        ],
        objectives: &[
            obj(
                "allowed",
                "Get through with an Allow policy",
                "preset 'token allow'",
                Check::All(&[Check::Status(200), Check::Detail(Phase::Authorizer, "Allow")]),
            ),
            obj(
                "401",
                "Get 401 Unauthorized without a token",
                "preset 'no token'",
                Check::Stopped(Phase::Authorizer, 401),
            ),
            obj(
                "deny-403",
                "Get 403 from an explicit Deny",
                "preset 'token deny'",
                Check::All(&[
                    Check::Stopped(Phase::Authorizer, 403),
                    Check::Detail(Phase::Authorizer, "explicit Deny"),
                ]),
            ),
            obj(
                "cached-403",
                "Hit the cached-policy gotcha: 403 from a cached result",
                "proxy path a, then proxy path b",
                Check::All(&[Check::Stopped(Phase::Authorizer, 403), Check::Detail(Phase::Authorizer, "cache HIT")]),
            ),
        ],
        questions: &["sec-004", "sec-003", "sec-005"],
    },
    Scenario {
        id: "mapping-templates",
        title: "Mapping templates: reshaping requests and responses",
        note: "integrations",
        goal: "Non-proxy integrations transform the request and the response with VTL mapping templates; a MOCK answers from a template without any back end.",
        variants: &[api!("mapping-templates.json", "dev", "REST, stage dev")],
        presets: &[
            Preset {
                label: "POST /greet {\"name\":\"Ada\"}",
                method: "POST",
                path: "/greet",
                headers: &[("Content-Type", "application/json")],
                body: "{\"name\":\"Ada\",\"tags\":[\"a\",\"b\"]}",
            },
            get("GET /items/7 (MOCK)", "/items/7", &[]),
            get("GET /pets/1 (Lambda custom + response template)", "/pets/1", &[]),
        ],
        objectives: &[
            obj(
                "request-template",
                "See a request template build the Lambda event",
                "POST /greet",
                Check::Detail(Phase::IntegrationRequest, "request template mapped"),
            ),
            obj(
                "mock",
                "Get an answer from a MOCK integration",
                "GET /items/7",
                Check::All(&[Check::Status(200), Check::Detail(Phase::IntegrationRequest, "rendered statusCode")]),
            ),
            obj(
                "response-template",
                "See a response template reshape the back end's answer",
                "GET /pets/1",
                Check::Body("priceUsd"),
            ),
        ],
        questions: &["int-012", "int-015"],
    },
    Scenario {
        id: "stages",
        title: "Stages and stage variables: dev vs prod",
        note: "stages",
        goal: "One API, two stages. Each stage has its own variables (table, environment) and settings; the URL's first segment picks the stage.",
        variants: &[api!("stages.json", "dev", "stage dev"), api!("stages.json", "prod", "stage prod")],
        presets: &[get("GET /whoami", "/whoami", &[]), get("GET /event", "/event", &[])],
        objectives: &[
            obj(
                "dev",
                "Call /whoami on dev",
                "variant dev, GET /whoami",
                Check::All(&[Check::Variant(0), Check::Body("pets-dev")]),
            ),
            obj(
                "prod",
                "Switch to prod (v) and call it again",
                "v, then GET /whoami",
                Check::All(&[Check::Variant(1), Check::Body("pets-prod")]),
            ),
        ],
        questions: &["stg-005", "stg-017"],
    },
    Scenario {
        id: "lambda-proxy",
        title: "Lambda proxy vs MOCK",
        note: "integrations",
        goal: "With Lambda proxy the whole request becomes the function's event and the function returns statusCode, headers and body; a MOCK returns a fixed answer without any back end.",
        variants: &[api!("lambda-proxy.json", "dev", "REST, stage dev")],
        presets: &[
            get("GET /echo/hello?x=1 (proxy to echo)", "/echo/hello?x=1", &[("X-Demo", "1")]),
            get("GET /pets (proxy to pets)", "/pets", &[]),
            get("GET /mock-pets (MOCK)", "/mock-pets", &[]),
        ],
        objectives: &[
            obj(
                "proxy",
                "See the request arrive as a payload 1.0 event",
                "GET /echo/…",
                Check::All(&[Check::Status(200), Check::Detail(Phase::IntegrationRequest, "payload 1.0")]),
            ),
            obj(
                "mock",
                "Get the same shape from a MOCK",
                "GET /mock-pets",
                Check::All(&[Check::Status(200), Check::Detail(Phase::IntegrationRequest, "rendered statusCode")]),
            ),
        ],
        questions: &["int-007", "int-015"],
    },
    Scenario {
        id: "timeouts-and-errors",
        title: "Integration timeout 504, malformed response 502, payload 413",
        note: "integrations",
        goal: "API Gateway stops waiting for an integration after 29 s (simulated in virtual time) and answers 504; a Lambda proxy response that isn't {statusCode, headers, body} is a 502; a body over the limit is 413.",
        variants: &[api!("timeouts-and-errors.json", "dev", "REST, stage dev")],
        presets: &[
            get("GET /slow (35 s function)", "/slow", &[]),
            get("GET /malformed", "/malformed", &[]),
            Preset {
                label: "POST /upload (2 KB body, limit 1 KB)",
                method: "POST",
                path: "/upload",
                headers: &[],
                body: include_str!("upload.txt"),
            },
            Preset {
                label: "POST /validated without ?q",
                method: "POST",
                path: "/validated",
                headers: &[],
                body: "{}",
            },
            get("GET /quick", "/quick", &[]),
        ],
        objectives: &[
            obj("504", "Get 504 from the integration timeout", "GET /slow", Check::Status(504)),
            obj("502", "Get 502 from a malformed proxy response", "GET /malformed", Check::Status(502)),
            obj("413", "Get 413 for a body over the limit", "POST /upload", Check::Status(413)),
        ],
        questions: &["int-008", "thr-014"],
    },
    Scenario {
        id: "rest-vs-http",
        title: "REST vs HTTP API",
        note: "api-types",
        goal: "The same routes as a REST API and as an HTTP API. An unknown route is 403 Missing Authentication Token on REST but 404 Not Found on HTTP; HTTP APIs lack usage plans, caching and WAF.",
        variants: &[
            api!("rest-vs-http-rest.json", "dev", "REST API"),
            api!("rest-vs-http-http.json", "$default", "HTTP API"),
        ],
        presets: &[
            get("GET /nope (unknown route)", "/nope", &[]),
            get("GET /echo", "/echo", &[]),
            get("GET /pets/1", "/pets/1", &[]),
        ],
        objectives: &[
            obj(
                "rest-403",
                "REST: unknown route gives 403 Missing Authentication Token",
                "variant REST, GET /nope",
                Check::All(&[Check::Variant(0), Check::Body("Missing Authentication Token")]),
            ),
            obj(
                "http-404",
                "HTTP: the same request gives 404 Not Found",
                "v, then GET /nope",
                Check::All(&[Check::Variant(1), Check::Status(404)]),
            ),
            obj(
                "http-payload",
                "See the HTTP API's payload 2.0 event",
                "HTTP variant, GET /echo",
                Check::All(&[Check::Variant(1), Check::Body("\"version\":\"2.0\"")]),
            ),
        ],
        questions: &["api-003", "api-010"],
    },
    Scenario {
        id: "cors",
        title: "CORS: preflight and error responses",
        note: "security",
        goal: "Browsers send an OPTIONS preflight before cross-origin calls. A REST API answers it with an OPTIONS MOCK; an HTTP API answers it itself. Gateway errors carry CORS headers only when configured.",
        variants: &[api!("cors.json", "dev", "REST API"), api!("cors-http.json", "$default", "HTTP API")],
        presets: &[
            Preset {
                label: "preflight OPTIONS /pets",
                method: "OPTIONS",
                path: "/pets",
                headers: &[("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "GET")],
                body: "",
            },
            get("GET /pets from the browser, no key", "/pets", &[("Origin", "https://app.example.com")]),
            get(
                "GET /pets with key",
                "/pets",
                &[("Origin", "https://app.example.com"), ("x-api-key", "web-key-0123456789abcdef")],
            ),
        ],
        objectives: &[
            obj(
                "rest-preflight",
                "REST: preflight answered by the OPTIONS mock",
                "variant REST, preflight",
                Check::All(&[Check::Variant(0), Check::Status(200), Check::Header("Access-Control-Allow-Origin")]),
            ),
            obj(
                "http-preflight",
                "HTTP: preflight answered by the built-in CORS",
                "v, then preflight",
                Check::All(&[Check::Variant(1), Check::Status(204), Check::Header("Access-Control-Allow-Origin")]),
            ),
            obj(
                "error-cors",
                "See a 403 that still carries CORS headers because DEFAULT_4XX adds them",
                "REST, GET without key",
                Check::All(&[Check::Variant(0), Check::Status(403), Check::Header("Access-Control-Allow-Origin")]),
            ),
        ],
        questions: &["sec-013", "api-004"],
    },
];

pub fn find(id: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.id == id)
}
