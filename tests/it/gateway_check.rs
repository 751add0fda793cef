//! `check_definition` reports every problem with its JSON path and position, and nothing runs
//! on an invalid definition.

use gatewise::gateway::{ApiType, DefinitionProblem, Gateway, GatewayBuildError, check_definition};

fn problems(json: &str) -> Vec<DefinitionProblem> {
    match check_definition(json) {
        Ok(_) => panic!("expected problems"),
        Err(p) => p,
    }
}

fn has(ps: &[DefinitionProblem], path: &str, needle: &str) -> bool {
    ps.iter().any(|p| p.path == path && p.message.contains(needle))
}

#[test]
fn syntax_errors_carry_line_and_column() {
    let ps = problems("{\n  \"name\": \"x\",\n  \"type\": REST\n}");
    assert_eq!(ps.len(), 1);
    assert_eq!((ps[0].path.as_str(), ps[0].line, ps[0].column), ("$", Some(3), Some(11)));
    assert!(problems("[]")[0].message.contains("must be a JSON object"));
}

#[test]
fn structural_problems_are_all_reported_per_element() {
    let json = r#"{
  "name": "x", "type": "REST", "colour": "blue",
  "stages": [{ "name": "dev" }],
  "routes": [
    { "method": "GET", "path": "/a", "integration": { "type": "MOCK" }, "typo": 1 },
    { "method": "GET", "path": "/b", "integration": { "type": "AWS_PROXY", "handler": "echo" } },
    { "method": "GET", "path": "/c", "apiKeyRequired": "yes", "integration": { "type": "AWS_PROXY", "handler": "echo" } },
    { "method": "GET", "path": "/d", "integration": { "type": "LAMBDA", "handler": "echo" } }
  ]
}"#;
    let ps = problems(json);
    assert!(has(&ps, "$.colour", "unknown field `colour`"), "{ps:#?}");
    assert!(has(&ps, "$.routes[0].typo", "unknown field `typo`"), "{ps:#?}");
    assert!(has(&ps, "$.routes[2].apiKeyRequired", "invalid type"), "{ps:#?}");
    assert!(has(&ps, "$.routes[3].integration.type", "unknown variant `LAMBDA`"), "{ps:#?}");
    assert_eq!(ps.len(), 4);
    let typo = ps.iter().find(|p| p.path == "$.routes[0].typo").expect("typo");
    assert_eq!((typo.line, typo.column), (Some(5), Some(73)));
    assert_eq!(typo.to_string(), format!("$.routes[0].typo: {} (line 5, column 73)", typo.message));
}

#[test]
fn meaning_problems_name_their_json_path() {
    let json = r#"{
  "name": "x", "type": "REST",
  "stages": [{ "name": "dev", "cache": { "enabled": true, "ttlInSeconds": 7200 },
               "methodSettings": { "GET /nowhere": {} } }],
  "routes": [
    { "method": "GET", "path": "/pets/{id}", "authorizer": "Ghost", "integration": { "type": "AWS_PROXY", "handler": "echo" } },
    { "method": "GET", "path": "/pets/{petId}/toys", "integration": { "type": "AWS_PROXY", "handler": "echo" } },
    { "method": "FETCH", "path": "/x/{a+}/y", "integration": { "type": "AWS_PROXY", "handler": "echo", "timeoutInMillis": 30000 } },
    { "method": "GET", "path": "/t", "cacheKeyParameters": ["method.request.querystring.q"],
      "integration": { "type": "MOCK", "requestTemplates": { "application/json": "{\n #macro(x)\n}" },
                       "responses": [{ "statusCode": 200 }, { "statusCode": 201 }] } },
    { "method": "GET", "path": "/u", "integration": { "type": "AWS_PROXY", "handler": "nothing" } },
    { "method": "GET", "path": "/u", "integration": { "type": "HTTP_PROXY", "backend": "internet", "path": "/{zzz}" } }
  ],
  "authorizers": [{ "type": "TOKEN", "name": "T", "handler": "authorizer", "resultTtlInSeconds": 4000 }],
  "usagePlans": [
    { "name": "A", "stages": ["dev", "prod"], "apiKeys": ["k"], "quota": { "limit": 5, "offset": 5, "period": "DAY" } },
    { "name": "B", "stages": ["dev"], "apiKeys": ["k", "missing"] }
  ],
  "apiKeys": [{ "name": "k", "value": "short" }]
}"#;
    let ps = problems(json);
    let expect = [
        ("$.stages[0].cache.ttlInSeconds", "at most 3600"),
        ("$.stages[0].methodSettings[\"GET /nowhere\"]", "not a route key"),
        ("$.routes[0].authorizer", "no authorizer named 'Ghost'"),
        ("$.routes[1].path", "one variable name per path level"),
        ("$.routes[2].method", "'FETCH' is not one of"),
        ("$.routes[2].path", "must be the last segment"),
        ("$.routes[2].integration.timeoutInMillis", "50–29000"),
        ("$.routes[3].cacheKeyParameters[0]", "must also be declared in requestParameters"),
        ("$.routes[3].integration.requestTemplates[\"application/json\"]", "line 2: #macro"),
        ("$.routes[3].integration.responses", "only one integration response may omit"),
        ("$.routes[4].integration.handler", "no built-in Lambda handler 'nothing'"),
        ("$.routes[5]", "defined twice"),
        ("$.routes[5].integration.backend", "never leave the app"),
        ("$.routes[5].integration.path", "{zzz} is not a parameter"),
        ("$.authorizers[0].resultTtlInSeconds", "at most 3600"),
        ("$.usagePlans[0].stages[1]", "no stage named 'prod'"),
        ("$.usagePlans[0].quota.offset", "smaller than the limit"),
        ("$.usagePlans[1].apiKeys[0]", "already in usage plan 'A'"),
        ("$.usagePlans[1].apiKeys[1]", "no API key named 'missing'"),
        ("$.apiKeys[0].value", "20 to 128 characters"),
    ];
    for (path, needle) in expect {
        assert!(has(&ps, path, needle), "missing {path} ~ {needle}\n{ps:#?}");
    }
    assert_eq!(ps.len(), expect.len(), "{ps:#?}");
    let handler = ps.iter().find(|p| p.path == "$.routes[4].integration.handler").expect("handler");
    assert_eq!(handler.line, Some(12));
}

#[test]
fn rest_only_features_are_refused_on_http_apis() {
    let json = r#"{
  "name": "h", "type": "HTTP",
  "stages": [{ "name": "$default", "cache": { "enabled": true } }],
  "routes": [
    { "method": "GET", "path": "/a", "apiKeyRequired": true, "authorizer": "T",
      "integration": { "type": "MOCK", "responses": [] } },
    { "method": "GET", "path": "$default", "integration": { "type": "AWS_PROXY", "handler": "echo", "payloadFormatVersion": "3.0" } }
  ],
  "authorizers": [{ "type": "TOKEN", "name": "T", "handler": "authorizer" }],
  "gatewayResponses": { "DEFAULT_4XX": {} }
}"#;
    let ps = problems(json);
    for (path, needle) in [
        ("$.stages[0].cache", "REST API feature"),
        ("$.routes[0].apiKeyRequired", "REST API feature"),
        ("$.routes[0].integration", "the MOCK integration is a REST API feature"),
        ("$.routes[1].method", "$default route's method must be ANY"),
        ("$.routes[1].integration.payloadFormatVersion", "not 1.0 or 2.0"),
        ("$.authorizers[0]", "TOKEN authorizer is a REST API feature"),
        ("$.gatewayResponses.DEFAULT_4XX", "REST API feature"),
    ] {
        assert!(has(&ps, path, needle), "missing {path} ~ {needle}\n{ps:#?}");
    }
}

#[test]
fn nothing_runs_on_an_invalid_definition() {
    let text =
        std::fs::read_to_string(format!("{}/assets/apis/api-keys.json", env!("CARGO_MANIFEST_DIR"))).expect("asset");
    let mut def = check_definition(&text).expect("valid");
    assert_eq!(def.api_type, ApiType::Rest);
    assert!(matches!(Gateway::new(def.clone(), "prod"), Err(GatewayBuildError::UnknownStage { .. })));
    def.routes[0].path = "pets".into();
    match Gateway::new(def, "dev") {
        Err(GatewayBuildError::Invalid(ps)) => assert_eq!(ps[0].path, "$.routes[0].path"),
        other => panic!("expected Invalid, got {other:?}"),
    }
}
