//! Issue 24, the honest edges of the specs: one reading of the Create Payout ids for BluePay and
//! JT, and SGATE's payment-order amount that must be greater than 0 (1404) refused before
//! anything is sent.

use crate::sgate_support;

use paybind::{bluepay, bluepay_jt, sgate};
use serde_json::{json, Value};

/// A bank payout both specs accept, with the ids given.
fn bank_payout(mch_order_id: &str, idempotency_id: &str) -> Value {
    json!({
        "mchOrderId": mch_order_id, "idempotencyId": idempotency_id, "amount": 50020,
        "payMethodCode": "BANK", "transferCode": "004", "accountNo": "1234567890",
        "accountName": "Somchai Jaidee", "accountType": "INDIVIDUAL",
        "accountTaxId": "1101700203451", "mobile": "0812345678",
    })
}

/// Whether each client's spec lets `param` of `schema` be sent: (BluePay, JT).
fn accepted(schema: &str, param: &Value) -> (bool, bool) {
    (
        bluepay::spec().validate(schema, param).is_ok(),
        bluepay_jt::spec().validate(schema, param).is_ok(),
    )
}

/// Ids around every edge of the two readings of the payout page (1-32 / 10-32 for mchOrderId,
/// 10-32 / 10-30 for idempotencyId) and of the character rule. Both clients send the looser
/// reading (1-32, 10-32; the shared components' `x-decision` says why).
fn candidates() -> Vec<String> {
    let mut ids: Vec<String> = [1, 9, 10, 29, 30, 31, 32, 33]
        .iter()
        .map(|&n| "A1".repeat(20)[..n].to_string())
        .collect();
    ids.extend(
        [
            "PAYOUT-0000001",
            "PAYOUT 0000001",
            "PAYOUT_000001",
            "ＰＡＹＯＵＴ0000001",
        ]
        .map(String::from),
    );
    ids
}

#[test]
fn a_payout_that_one_client_sends_the_other_sends_too() {
    let good_mch = "CCP20220428011068111";
    let good_idempotency = "IDEMP2022042801106811";
    assert_eq!(
        accepted(
            "PayoutCreateParam",
            &bank_payout(good_mch, good_idempotency)
        ),
        (true, true)
    );
    for id in candidates() {
        let length = id.chars().count();
        let alphanumeric = id.chars().all(|c| c.is_ascii_alphanumeric());
        let by_mch = accepted("PayoutCreateParam", &bank_payout(&id, good_idempotency));
        assert_eq!(
            by_mch.0, by_mch.1,
            "mchOrderId {id:?}: BluePay and JT differ"
        );
        assert_eq!(
            by_mch.0,
            (1..=32).contains(&length) && alphanumeric,
            "mchOrderId {id:?}"
        );
        let by_idempotency = accepted("PayoutCreateParam", &bank_payout(good_mch, &id));
        assert_eq!(
            by_idempotency.0, by_idempotency.1,
            "idempotencyId {id:?}: BluePay and JT differ"
        );
        assert_eq!(
            by_idempotency.0,
            (10..=32).contains(&length),
            "idempotencyId {id:?}"
        );
        // A payout's status is looked up by any id Create Payout accepted, in both clients.
        let status = accepted("PayoutStatusParam", &json!({ "mchOrderId": id }));
        assert_eq!(
            status.0, status.1,
            "payout status {id:?}: BluePay and JT differ"
        );
        if by_mch.0 {
            assert!(status.0, "payout status {id:?}");
        }
    }
}

#[test]
fn the_payout_ids_have_one_reading_recorded_once() {
    // Both specs refer to the shared components, whose notes say why 1-32 and 10-32.
    for doc in [bluepay::spec().document(), bluepay_jt::spec().document()] {
        let properties = &doc["components"]["schemas"]["PayoutCreateParam"]["properties"];
        for (member, component) in [
            ("mchOrderId", "PayoutMchOrderId"),
            ("idempotencyId", "IdempotencyId"),
        ] {
            let reference = properties[member]["$ref"].as_str().unwrap_or_default();
            assert!(
                reference.ends_with(&format!("/{component}")),
                "{member}: {reference:?}"
            );
            let decision = doc["components"]["schemas"][component]["x-decision"]
                .as_str()
                .unwrap_or_default();
            assert!(
                decision.contains("BluePay and JT"),
                "{component}: {decision}"
            );
        }
    }
}

/// A SAR bank payment order (or rapid payout) of `amount`.
fn payment_order(schema: &str, amount: Value) -> Value {
    let mut param = json!({
        "mercustomid": "u004", "payeeuid": "P0000001", "amount": amount,
        "currency": "SAR", "paymentmethod": "bankTransfer",
    });
    if schema == "PaymentOrderRapidParam" {
        param["name_e"] = json!("usera");
        param["name_a"] = json!("usera");
        param["bankcode"] = json!("1174c");
        param["ibanaccount"] = json!("SA0000000000000000000001");
    }
    param
}

#[test]
fn a_payment_order_amount_must_be_greater_than_0() {
    for schema in ["PaymentOrderCreateParam", "PaymentOrderRapidParam"] {
        for amount in [json!(0.01), json!(1), json!(2002.5)] {
            let param = payment_order(schema, amount.clone());
            assert!(
                sgate::spec().validate(schema, &param).is_ok(),
                "{schema} {amount}"
            );
        }
        for amount in [json!(0), json!(0.0), json!(-0.01), json!(-5)] {
            let error = sgate::spec()
                .validate(schema, &payment_order(schema, amount.clone()))
                .expect_err("an amount of 0 or less");
            assert_eq!(error.field, "amount", "{schema} {amount}");
            assert_eq!(error.reason, "must be greater than 0", "{schema} {amount}");
        }
        // Not an amount at all: the money type's own rule, as for every Decimal2.
        let error = sgate::spec()
            .validate(schema, &payment_order(schema, json!("ten")))
            .expect_err("not a number");
        assert_eq!(error.reason, "must be a decimal number such as 18.75");
    }
}

/// paybind refuses the amount before anything is signed or sent: the sandbox sees no request.
#[tokio::test]
async fn a_payout_of_0_is_never_sent() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    let refused = client
        .payment_order_create(sgate_support::payment_order("u004", "ZERO0001", "0.00"))
        .await
        .expect_err("refused before sending");
    match refused {
        sgate::Error::Validation(error) => {
            assert_eq!(
                (error.field.as_str(), error.reason.as_str()),
                ("amount", "must be greater than 0")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(sandbox.requests().len(), 0, "nothing reached the sandbox");
}
