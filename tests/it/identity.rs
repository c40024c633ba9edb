//! The generated identity: every operation of a spec is exactly one variant of its gateway's
//! `Operation` enum, and the enum and the operation table agree.

use std::collections::BTreeMap;

/// Every `operationId` of a bundled spec document, with how often it occurs.
fn operation_ids(document: &serde_json::Value) -> BTreeMap<String, usize> {
    let mut ids = BTreeMap::new();
    let paths = document["paths"].as_object().expect("the spec has paths");
    for item in paths.values() {
        for operation in item.as_object().expect("a path item is an object").values() {
            if let Some(id) = operation.get("operationId").and_then(|id| id.as_str()) {
                *ids.entry(id.to_string()).or_default() += 1;
            }
        }
    }
    ids
}

macro_rules! identity_tests {
    ($($feature:literal, $module:ident;)*) => {$(
        #[cfg(feature = $feature)]
        mod $module {
            use paybind::$module::{operations, spec, Operation};

            #[test]
            fn every_yaml_operation_is_one_variant() {
                let ids = super::operation_ids(spec().document());
                assert!(ids.values().all(|&count| count == 1), "an operationId twice: {ids:?}");
                let variants: Vec<&str> = Operation::ALL.iter().map(|op| op.id()).collect();
                let mut sorted = variants.clone();
                sorted.sort_unstable();
                sorted.dedup();
                assert_eq!(sorted.len(), variants.len(), "two variants of one id");
                assert_eq!(sorted, ids.keys().map(String::as_str).collect::<Vec<_>>());
            }

            #[test]
            fn from_id_inverts_id() {
                for &op in Operation::ALL {
                    assert_eq!(Operation::from_id(op.id()), Some(op));
                    assert_eq!(Operation::of(op.spec()), Some(op));
                    let row = op.spec();
                    assert_eq!((op.method(), op.path(), op.repeat()), (row.method, row.path, row.repeat));
                }
                assert_eq!(Operation::from_id("no_such_operation"), None);
                assert_eq!(operations().len(), Operation::ALL.len());
                for (row, op) in operations().iter().zip(Operation::ALL) {
                    assert!(std::ptr::eq(row, op.spec()));
                }
            }
        }
    )*};
}

identity_tests! {
    "bluepay", bluepay;
    "bluepay-jt", bluepay_jt;
    "sgate", sgate;
}

#[test]
fn every_compiled_in_row_is_one_gateway_and_its_operations_are_its_own() {
    use paybind::gateways::{Gateway, GATEWAYS};

    let from_rows: Vec<Gateway> = GATEWAYS.iter().filter_map(|row| row.gateway()).collect();
    assert_eq!(from_rows, Gateway::ALL);
    for &gateway in Gateway::ALL {
        assert_eq!(gateway.row().gateway(), Some(gateway));
        assert!(gateway.row().is_enabled());
        for row in gateway.operations() {
            let operation = gateway.operation(row.id).expect("every row is a variant");
            assert_eq!(operation.gateway(), gateway);
            assert_eq!(operation.id(), row.id);
            assert!(std::ptr::eq(operation.spec(), row));
        }
        assert_eq!(gateway.operation("no_such_operation"), None);
    }
}

/// `call_json` finds its operation through the generated enum: a JSON-body operation runs, a
/// query operation takes its parameters as the JSON object (checked against the spec), a file
/// operation is refused as such, and an unknown id as unknown — all before anything is sent.
#[cfg(feature = "sgate")]
#[tokio::test]
async fn call_json_dispatches_through_the_operation_enum() {
    let client = crate::sgate_support::offline_client();
    let reason = |err: paybind::sgate::Error| match err {
        paybind::sgate::Error::Validation(v) => v.to_string(),
        other => panic!("{other:?}"),
    };
    let query = client
        .call_json("customer_list", serde_json::json!({"pagesize": 0}))
        .await
        .expect_err("a GET's parameters are checked");
    assert!(reason(query).contains("pagesize"));
    let file = client
        .call_json("statement_download", serde_json::json!({}))
        .await
        .expect_err("a download has no JSON answer");
    assert!(reason(file).contains("not a JSON operation"));
    let unknown = client
        .call_json("no_such_operation", serde_json::json!({}))
        .await
        .expect_err("unknown");
    assert!(reason(unknown).contains("is not an operation of this gateway"));
}
