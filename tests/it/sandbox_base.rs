//! The sandbox's building blocks through the public API: every gateway it serves has its row
//! in paybind's table of gateways, its id (path prefix) and its operations, and round-trips as
//! JSON; the state store's transactions read their own writes, keep the order of first writes,
//! and commit atomically (deletes included).

use paybind_sandbox::store::Tx;
use paybind_sandbox::{Gateway, SqliteStore, StateStore as _};
use serde_json::json;

#[test]
fn every_gateway_has_its_row_and_its_prefix() {
    let ids: Vec<&str> = Gateway::ALL.iter().map(|gateway| gateway.id()).collect();
    assert_eq!(ids, ["bluepay", "bluepay-jt", "sgate", "sgate-payin"]);
    for &gateway in Gateway::ALL {
        assert_eq!(Gateway::from_id(gateway.id()), Some(gateway));
        assert_eq!(gateway.row().gateway(), Some(gateway));
        assert!(!gateway.operations().is_empty(), "{gateway:?}");
        let json = serde_json::to_value(gateway).unwrap();
        assert_eq!(serde_json::from_value::<Gateway>(json).unwrap(), gateway);
    }
}

#[test]
fn writes_are_atomic_and_ordered() {
    let mut store = SqliteStore::memory().unwrap();
    let mut tx = Tx::new(&mut store);
    tx.put("t", "b", json!(1));
    tx.put("t", "a", json!(2));
    assert_eq!(tx.get("t", "a").unwrap(), Some(json!(2)));
    assert_eq!(tx.list("t").unwrap().len(), 2);
    tx.commit().unwrap();
    let keys: Vec<String> = store.list("t").unwrap().into_iter().map(|r| r.0).collect();
    assert_eq!(keys, ["b", "a"]);
    let mut tx = Tx::new(&mut store);
    tx.delete("t", "b");
    tx.put("t", "a", json!(3));
    assert_eq!(tx.list("t").unwrap(), vec![("a".to_string(), json!(3))]);
    tx.commit().unwrap();
    assert_eq!(store.get("t", "a").unwrap(), Some(json!(3)));
    assert_eq!(store.get("t", "b").unwrap(), None);
}
