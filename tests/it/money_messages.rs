//! A money field's rule is worded once, by its money type (`paybind::money`), and the spec
//! validator says it of the field; a bound such as `minimum: 0` is the spec's, stated in the
//! spec's words and not repeated in Rust. Nothing is sent.

use paybind::money::{Amount, Decimal2};
use paybind::spec::ValidationError;
use serde_json::{json, Value};

use crate::sgate_support;

fn violations(err: &ValidationError) -> Vec<(String, String)> {
    err.violations()
        .into_iter()
        .map(|v| (v.field, v.reason))
        .collect()
}

fn amount_violation(reason: &str) -> Vec<(String, String)> {
    vec![("amount".to_string(), reason.to_string())]
}

/// A BluePay payout valid but for its `amount`.
fn bluepay_payout(amount: Value) -> Value {
    json!({"mchOrderId": "CCP20220428011068111", "idempotencyId": "IDP2022042801",
           "amount": amount, "payMethodCode": "PROMPTPAY", "promptpayAccountType": "MSISDN",
           "accountNo": "0812345678"})
}

/// BluePay's refusal of `param` as a payout, before sending anything.
async fn bluepay_refusal(param: Value) -> ValidationError {
    let sandbox = sgate_support::sandbox().await;
    let client = paybind::bluepay::Client::new(sandbox.bluepay_config()).unwrap();
    let err = client
        .call_json("payout_create", param)
        .await
        .expect_err("refused");
    assert!(sandbox.requests().is_empty(), "nothing sent");
    match err {
        paybind::envelope::Error::Validation(v) => v,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_fraction_of_a_satang_is_refused_in_the_amount_types_words() {
    let err = bluepay_refusal(bluepay_payout(json!(1.5))).await;
    let rule = "must be a whole number of satang (minor units), e.g. 150 for THB 1.50";
    assert_eq!(violations(&err), amount_violation(rule));
    // The very words `Amount` uses for a value it cannot read (a received fraction of a satang
    // is kept exactly; it is the validator that refuses to send one).
    let own = serde_json::from_str::<Amount>("true")
        .unwrap_err()
        .to_string();
    assert!(own.starts_with(&format!("amount {rule}")), "{own}");
}

#[tokio::test]
async fn a_negative_amount_is_refused_by_the_specs_minimum_naming_the_field() {
    let err = bluepay_refusal(bluepay_payout(json!(-5))).await;
    assert_eq!(violations(&err), amount_violation("must be at least 0"));
    // `Amount` itself reads -5: the bound lives in the YAML only.
    assert_eq!(
        serde_json::from_str::<Amount>("-5").unwrap().minor_units(),
        Some(-5)
    );
}

#[tokio::test]
async fn more_than_two_decimals_of_a_riyal_is_refused_in_the_decimal_types_words() {
    let client = sgate_support::offline_client();
    let err = client
        .call_json(
            "payment_order_create",
            json!({"mercustomid": "u004", "payeeuid": "P1", "amount": 18.751,
                   "currency": "SAR", "paymentmethod": "bankTransfer"}),
        )
        .await
        .expect_err("refused");
    assert!(!err.may_have_been_sent());
    let paybind::sgate::Error::Validation(v) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        violations(v),
        amount_violation("must have at most 2 decimal places")
    );
    // The words `Decimal2` uses for text a program parses to send.
    let own = "18.751".parse::<Decimal2>().unwrap_err().to_string();
    assert!(
        own.starts_with("amount must have at most 2 decimal places"),
        "{own}"
    );
}
