//! Every operation answers its spec request example as the spec says.

use super::*;

/// The operations whose request example names a transaction the sandbox does not hold (the
/// examples' ids do not match each other), and the documented code they answer: 21006
/// `TransactionNotFound`.
const EXAMPLES_REFUSED: &[(&str, i64)] = &[
    ("payout_status", 21006),
    ("refund_create", 21006),
    ("refund_payments", 21006),
    ("payment_void", 21006),
    ("direct_debit_token_cancel", 21006),
    ("direct_debit_pay", 21006),
    ("direct_debit_pay_detail", 21006),
];

/// Every BluePay operation, called with its spec request example, is sent valid and signed,
/// and what it answers is what the spec says: the `data` the client returns validates against
/// the operation's response schema (the independent `jsonschema` crate), or the answer is a
/// documented business code that the example's ids explain (listed here by operation).
#[tokio::test]
async fn every_operation_answers_its_example_as_the_spec_says() {
    let sandbox = Sandbox::start(SandboxConfig {
        timestamp_window: None,
        ..common::config()
    })
    .await
    .unwrap();
    let bp = client(&sandbox);
    let doc = bluepay::spec().document();
    let mut answered = Vec::new();
    let mut refused = Vec::new();
    for op in bluepay::operations() {
        let example = common::request_example(bluepay::spec(), op);
        let answer = bp.call_json(op.id, example).await;
        let seen = sandbox.requests().pop().unwrap();
        assert_eq!(seen.operation, op.id);
        assert!(seen.signature_ok, "{}", op.id);
        let schema = op.body_schema.unwrap();
        let errors = common::schema_errors(doc, schema, &seen.param);
        assert!(errors.is_empty(), "{}: {errors:?}", op.id);
        match answer {
            Ok(data) => {
                let response = op.response_schema.unwrap();
                let errors = common::response_data_errors(doc, response, &data);
                assert!(errors.is_empty(), "{}: {data}: {errors:?}", op.id);
                answered.push(op.id);
            }
            Err(e) => {
                let code = e
                    .code()
                    .unwrap_or_else(|| panic!("{}: not a gateway answer: {e}", op.id));
                assert_eq!(code.code(), seen.code, "{}", op.id);
                refused.push((op.id, seen.code));
            }
        }
    }
    assert_eq!(refused, EXAMPLES_REFUSED, "answered: {answered:?}");
    assert_eq!(answered.len() + refused.len(), bluepay::operations().len());
}
