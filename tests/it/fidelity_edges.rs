//! Issue 24, the honest edges of the specs: one reading of the Create Payout ids for BluePay and
//! JT, and SGATE's payment-order amount that must be greater than 0 (1404) refused before
//! anything is sent.

use paybind::{bluepay, bluepay_jt};
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
