//! Issue 12: a GET's query is checked as a body is — every broken rule of the request at once,
//! each naming the parameter and the rule in the API's terms — in the library's
//! `ValidationError` and in the command line's JSON `violations`. Nothing is sent.

use paybind::spec::ValidationError;
use serde_json::{json, Value};

use crate::sgate_support;

const CUSTOMER_LIST: &str = "/openApi/v1/payee/custom/list";
const CUSTOMER_DETAIL: &str = "/openApi/v1/payee/custom/detail";

fn check(path: &str, pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let err: ValidationError = paybind::sgate::spec()
        .validate_query("GET", path, &pairs)
        .expect_err("the query breaks rules");
    err.violations()
        .into_iter()
        .map(|v| (v.field, v.reason))
        .collect()
}

fn pair(field: &str, reason: &str) -> (String, String) {
    (field.to_string(), reason.to_string())
}

#[test]
fn every_broken_rule_of_a_query_is_reported_once() {
    let found = check(
        CUSTOMER_LIST,
        &[
            ("pagesize", "abc"),
            ("pageno", "0"),
            ("cardno", "12"),
            ("colour", "red"),
            ("pageno", "2"),
        ],
    );
    assert_eq!(
        found,
        [
            pair("pagesize", "expected a number"),
            pair("pageno", "must be at least 1"),
            pair("cardno", "does not match ^[0-9]{13,19}$"),
            pair("colour", "is not a parameter of this operation"),
            pair("pageno", "is given more than once"),
        ]
    );
}

#[test]
fn an_operation_rule_is_reported_with_the_other_violations() {
    // Neither customid nor mercustomid: the operation's x-rule, beside a bad parameter.
    let found = check(CUSTOMER_DETAIL, &[("pagesize", "5")]);
    assert_eq!(
        found,
        [
            pair("pagesize", "is not a parameter of this operation"),
            pair("customid", "one of customid, mercustomid is required"),
        ]
    );
    // A wrong mercustomid is given: reported for its schema, not again as missing by the rule.
    let long = "u".repeat(129);
    let found = check(CUSTOMER_DETAIL, &[("mercustomid", &long)]);
    assert_eq!(found, [pair("mercustomid", "longer than 128 characters")]);
}

#[tokio::test]
async fn a_get_with_two_bad_parameters_fails_with_both_before_sending() {
    let client = sgate_support::offline_client();
    let err = client
        .call_json(
            "customer_list",
            json!({"pagesize": 500, "cardno": "4111-1111"}),
        )
        .await
        .expect_err("refused");
    assert!(!err.may_have_been_sent());
    let paybind::sgate::Error::Validation(validation) = &err else {
        panic!("{err:?}")
    };
    let fields: Vec<String> = validation
        .violations()
        .into_iter()
        .map(|v| v.field)
        .collect();
    assert_eq!(fields, ["cardno", "pagesize"]);
    let text = err.to_string();
    assert!(text.contains("pagesize: must be at most 100"), "{text}");
    assert!(text.contains("cardno: does not match"), "{text}");
    assert!(
        !text.contains("4111-1111"),
        "the value is not repeated: {text}"
    );
}

/// The query part of the path the sandbox received last.
fn received_query(sandbox: &paybind_sandbox::Sandbox) -> String {
    let path = sgate_support::last(sandbox).path;
    path.split_once('?')
        .map(|(_, query)| query.to_string())
        .unwrap_or_default()
}

/// A GET's JSON param becomes its query: scalars in the param's order (a `serde_json::Value`
/// object's own: by name, as paybind leaves serde_json's `preserve_order` off), `null` members
/// left out;
/// `null` as the whole param is an empty query.
#[tokio::test]
async fn a_json_param_becomes_the_query_in_its_order() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    client
        .call_json(
            "customer_list",
            json!({"pageno": 2, "name_e": "A B", "pagesize": null, "status": 1}),
        )
        .await
        .expect("listed");
    assert_eq!(received_query(&sandbox), "name_e=A+B&pageno=2&status=1");
    client
        .call_json("customer_list", Value::Null)
        .await
        .expect("listed");
    assert_eq!(received_query(&sandbox), "");
    assert_eq!(sandbox.requests().len(), 2);
}

/// A typed GET takes the one way in that `call_json` takes: the same query, in the same
/// order, signed over the same URL. Its setters take the documented values (a number as a
/// number); every value the spec refuses and every value that is no query value come back in
/// one typed validation error naming the parameters, and nothing is sent.
#[tokio::test]
async fn a_typed_get_sends_the_query_call_json_sends() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    client
        .customer_list(|q| q.status(1).pageno(2).name_e("A B"))
        .await
        .expect("listed");
    let typed = sgate_support::last(&sandbox);
    assert_eq!(received_query(&sandbox), "name_e=A+B&pageno=2&status=1");
    client
        .call_json(
            "customer_list",
            json!({"status": 1, "pageno": 2, "name_e": "A B"}),
        )
        .await
        .expect("listed");
    assert_eq!(sgate_support::last(&sandbox).path, typed.path);

    let before = sandbox.requests().len();
    let err = client
        .customer_list(|q| q.pagesize(0).status([1, 2]).pageno(0u64))
        .await
        .expect_err("refused");
    let paybind::sgate::Error::Validation(validation) = &err else {
        panic!("{err:?}")
    };
    let found: Vec<(String, String)> = validation
        .violations()
        .into_iter()
        .map(|v| (v.field, v.reason))
        .collect();
    let at_least = "must be at least 1";
    assert_eq!(
        found,
        [
            pair(
                "status",
                "a query parameter must be a string, number or boolean"
            ),
            pair("pageno", at_least),
            pair("pagesize", at_least),
        ]
    );
    assert!(!err.may_have_been_sent());
    assert_eq!(sandbox.requests().len(), before, "nothing was sent");
}

/// An array or object member, or a param that is not an object, is refused with the typed
/// validation error naming it; nothing is sent.
#[tokio::test]
async fn a_structured_query_value_is_refused_before_sending() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    let cases = [
        (
            json!({"pageno": 1, "customids": ["C1", "C2"]}),
            "customids",
            "a query parameter must be a string, number or boolean",
        ),
        (
            json!({"name_e": {"first": "A"}}),
            "name_e",
            "a query parameter must be a string, number or boolean",
        ),
        (json!([1]), "", "query parameters must be a JSON object"),
        (
            json!("pageno=1"),
            "",
            "query parameters must be a JSON object",
        ),
    ];
    for (param, field, reason) in cases {
        let err = client
            .call_json("customer_list", param.clone())
            .await
            .expect_err("refused");
        assert!(!err.may_have_been_sent(), "{param}: {err:?}");
        let paybind::sgate::Error::Validation(validation) = &err else {
            panic!("{param}: {err:?}")
        };
        let found: Vec<(String, String)> = validation
            .violations()
            .into_iter()
            .map(|v| (v.field, v.reason))
            .collect();
        assert_eq!(found, [pair(field, reason)], "{param}");
    }
    assert!(sandbox.requests().is_empty(), "nothing was sent");
}
