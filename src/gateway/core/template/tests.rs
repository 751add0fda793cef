//! Template tests: the subset renders as AWS would, and everything outside it is named by line.

use super::*;
use serde_json::json;

fn render_with(src: &str, body: &str) -> Result<String, TemplateError> {
    let t = Template::parse(src)?;
    let context = json!({
        "requestId": "req-1", "stage": "dev", "httpMethod": "GET", "resourcePath": "/pets/{id}",
        "identity": {"sourceIp": "10.0.0.1", "apiKey": "k"}, "authorizer": {"principalId": "u1", "tier": "gold"}
    });
    let sv = json!({"env": "prod", "table": "pets-prod"});
    let path = [("id".to_owned(), "7".to_owned())];
    let query = [("type".to_owned(), "dog".to_owned())];
    let headers = [("X-Trace".to_owned(), "abc".to_owned())];
    let input = InputData { body, path: &path, query: &query, headers: &headers };
    t.render(&RenderContext::new(input, &context, &sv))
}

fn render(src: &str) -> String {
    render_with(src, r#"{"name":"Rex","price":12.5,"tags":["a","b"],"owner":{"id":3}}"#)
        .unwrap_or_else(|e| format!("ERROR {e}"))
}

#[test]
fn input_functions() {
    assert_eq!(render("$input.json('$.name')"), "\"Rex\"");
    assert_eq!(render("$input.path('$.name')"), "Rex");
    assert_eq!(render("$input.json('$.owner')"), r#"{"id":3}"#);
    assert_eq!(render("$input.path('$.owner').id"), "3");
    assert_eq!(render("$input.path('$.tags').size()"), "2");
    assert_eq!(render("$input.params('id')-$input.params('type')-$input.params('x-trace')"), "7-dog-abc");
    assert_eq!(render("$input.params().querystring.type"), "dog");
    assert_eq!(render_with("$input.body", "plain text").ok(), Some("plain text".to_owned()));
}

#[test]
fn context_stage_variables_and_util() {
    assert_eq!(render("$context.requestId $context.identity.sourceIp $context.authorizer.tier"), "req-1 10.0.0.1 gold");
    assert_eq!(render("${stageVariables.table}"), "pets-prod");
    assert_eq!(render("$util.escapeJavaScript(\"it's \"\"q\"\"\")"), "it\\'s \\\"q\\\"");
    assert_eq!(render("$util.urlEncode('a b&c')"), "a+b%26c");
    assert_eq!(render("$util.urlDecode('a+b%26c')"), "a b&c");
    assert_eq!(render("$util.base64Encode('hi')"), "aGk=");
    assert_eq!(render("$util.base64Decode('aGk=')"), "hi");
    assert_eq!(render("#set($o = $util.parseJson('{\"a\":[1,2]}'))$o.a.get(1)"), "2");
}

#[test]
fn directives() {
    let src =
        "#set($n = $input.path('$.tags').size())\n#if($n > 1)\n  many\n#elseif($n == 1)\n  one\n#else\n  none\n#end\n";
    assert_eq!(render(src), "  many\n");
    let list = "[#foreach($t in $input.path('$.tags'))\"$t\"#if($foreach.hasNext),#end#end]";
    assert_eq!(render(list), r#"["a","b"]"#);
    assert_eq!(render("#foreach($i in [1..3])$i#end"), "123");
    assert_eq!(render("#set($m = {})#set($m.k = 'v')$m.k"), "v");
    assert_eq!(render("#set($s = \"id=$input.params('id')\")$s"), "id=7");
    assert_eq!(render("$undefined|$!undefined|"), "$undefined||");
    assert_eq!(render("## comment\n#* block *#ok"), "ok");
    assert_eq!(render("#if($context.stage == 'dev' && !($context.httpMethod eq 'POST'))y#{else}n#{end}"), "y");
    assert_eq!(render("price: #1 \\$5"), "price: #1 $5");
    assert_eq!(render("$input.path('$.price') $math"), "12.5 $math");
}

#[test]
fn mock_status_template_is_tidy() {
    let src = "{\n  #if($input.params('id') == '7')\n  \"statusCode\": 200\n  #else\n  \"statusCode\": 404\n  #end\n}";
    assert_eq!(render(src), "{\n  \"statusCode\": 200\n}");
}

#[test]
fn outside_the_subset_names_the_line() {
    let cases = [
        ("ok\n#macro(x)#end", 2, "#macro"),
        ("\n\n$util.toJson($x)", 3, "$util.toJson"),
        ("$input.headers", 1, "$input.headers"),
        ("a\n$context.requestOverrides.header.x", 2, "$context.requestOverrides"),
        ("\n#set($context.stage = 'x')", 2, "read-only"),
        ("$x.foo()", 1, ".foo()"),
        ("#if($a)\nno end", 1, "missing its #end"),
        ("#end", 1, "#end without"),
        ("$input.json('$..a')", 1, "recursive descent"),
        ("#set($a = )", 1, "expected a value"),
    ];
    for (src, line, needle) in cases {
        match Template::parse(src) {
            Err(e) => {
                assert_eq!(e.line, line, "{src:?}: {e}");
                assert!(e.message.contains(needle), "{src:?}: {e}");
            }
            Ok(_) => panic!("{src:?} should not parse"),
        }
    }
}

#[test]
fn runaway_templates_stop() {
    let deep = "#if(true)".repeat(200);
    assert!(Template::parse(&deep).is_err());
    let parens = format!("#set($a = {}1{})", "(".repeat(500), ")".repeat(500));
    assert!(Template::parse(&parens).is_err());
    let loops = "#foreach($a in [1..9999])#foreach($b in [1..9999])x#end#end";
    assert!(render(loops).starts_with("ERROR"));
}

/// AWS's own output for `$input.path` values: LocalStack's AWS-validated snapshot
/// `test_input_path_template_formatting` (tests/aws/services/apigateway/
/// test_apigateway_common.snapshot.json), one line per snapshot key.
#[test]
fn input_path_values_print_as_aws_does() {
    let r = |src: &str, body: &str| render_with(src, body).unwrap_or_else(|e| format!("ERROR {e}"));
    let path = "#set($result = $input.path(\"$.json\"))$result";
    let nested = "#set($result = $input.path(\"$.json\"))$result.nested";
    let list = "#set($result = $input.path(\"$.json\"))$result[0]";
    let to_string = "#set($result = $input.path(\"$.json\"))$result.toString()";
    let probe = |p: &str| {
        format!(
            "#set($result = $input.path(\"{p}\")){{\"body\": $result, \"nested\": $result.nested, \"isNull\": #if( $result == $null )\"true\"#else\"false\"#end, \"isEmptyString\": #if( $result == \"\" )\"true\"#else\"false\"#end}}"
        )
    };
    assert_eq!(r(path, r#"{"json":{"foo":"bar"}}"#), "{foo=bar}"); // dict-response
    assert_eq!(r(path, r#"{"json":[{"foo":"bar"}]}"#), r#"[{"foo":"bar"}]"#); // json-list
    assert_eq!(r(nested, r#"{"json":{"nested":{"foo":"bar"}}}"#), "{foo=bar}"); // nested-dict
    assert_eq!(r(nested, r#"{"json":{"nested":[{"foo":"bar"}]}}"#), r#"[{"foo":"bar"}]"#); // nested-list
    assert_eq!(r(list, r#"{"json":[{"foo":"bar"}]}"#), "{foo=bar}"); // dict-in-list
    assert_eq!(r(list, r#"{"json":[[{"foo":"bar"}]]}"#), r#"[{"foo":"bar"}]"#); // list-with-nested-list
    assert_eq!(r(path, r#"{"json":{"foo":[{"nested":"bar"}]}}"#), r#"{foo=[{"nested":"bar"}]}"#); // dict-with-nested-list
    assert_eq!(r(to_string, r#"{"json":{"list":[{"foo":"bar"}]}}"#), r#"{list=[{"foo":"bar"}]}"#); // list-to-string
    assert_eq!(r(&probe("$.nonExisting"), ""), r#"{"body": , "nested": , "isNull": "true", "isEmptyString": "true"}"#); // empty-body
    assert_eq!(
        r(&probe("$.listValue"), r#"{"listValue":[]}"#),
        r#"{"body": [], "nested": , "isNull": "false", "isEmptyString": "false"}"#
    ); // nested-empty-list
    // A list written in the template itself still prints the Java way.
    assert_eq!(render("#set($l = [{'a': 1}])$l"), "[{a=1}]");
}

#[test]
fn set_writes_into_maps_lists_and_the_context_overrides() {
    assert_eq!(render("#set($m = {})#set($k = 'tier')#set($m[$k] = 'gold')#set($m.n = 2)$m"), "{n=2, tier=gold}");
    assert_eq!(render("#set($l = [1, 2])#set($l[1] = 9)$l"), "[1, 9]");
    assert!(render("#set($s = 'x')#set($s[0] = 1)").contains("cannot write"));
    let t = Template::parse(
        "#set($context.responseOverride.status = 418)#set($context.responseOverride.header['X-Why'] = 'tea')#set($context.requestOverride.header['X-Up'] = 'u')$context.responseOverride.status",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (context, sv) = (json!({}), json!({}));
    let input = InputData { body: "", path: &[], query: &[], headers: &[] };
    let (text, o) =
        t.render_with_overrides(&RenderContext::new(input, &context, &sv)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(text, "418");
    assert_eq!(o.status, Some(418));
    assert_eq!(o.response_headers, vec![("X-Why".to_owned(), "tea".to_owned())]);
    assert_eq!(o.request, vec![("header".to_owned(), "X-Up".to_owned(), "u".to_owned())]);
}
