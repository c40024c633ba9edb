//! The sandbox's building blocks through the public API: every gateway it serves has its row
//! in paybind's table of gateways, its id (path prefix) and its operations, and round-trips as
//! JSON; the state store's transactions read their own writes, keep the order of first writes,
//! commit atomically (deletes included), and leave nothing behind when dropped or when their
//! commit fails part-way.

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

/// A transaction that is not committed (a handler that returned an error) leaves the store as
/// it was: its puts, updates and deletes are all dropped.
#[test]
fn an_uncommitted_transaction_changes_nothing() {
    let mut store = SqliteStore::memory().unwrap();
    let mut tx = Tx::new(&mut store);
    tx.put("t", "a", json!(1));
    tx.put("t", "b", json!(2));
    tx.commit().unwrap();
    let mut tx = Tx::new(&mut store);
    tx.put("t", "a", json!(10));
    tx.delete("t", "b");
    tx.put("t", "c", json!(3));
    assert_eq!(
        tx.list("t").unwrap().len(),
        2,
        "the transaction sees its writes"
    );
    drop(tx);
    let rows = store.list("t").unwrap();
    assert_eq!(
        rows,
        vec![("a".to_string(), json!(1)), ("b".to_string(), json!(2))]
    );
}

/// A commit that fails part-way writes nothing: the database (made by Python's sqlite3, an
/// independent hand) refuses one key with a trigger, after the commit's first write went in.
#[test]
fn a_commit_that_fails_midway_is_rolled_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite");
    let script = "import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript('''
CREATE TABLE records (tbl TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
                      PRIMARY KEY (tbl, key));
CREATE TRIGGER refuse_poison BEFORE INSERT ON records WHEN NEW.key = 'poison'
BEGIN SELECT RAISE(ABORT, 'poison refused'); END;
''')
db.commit()";
    let made = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .output()
        .expect("python3 runs");
    assert!(made.status.success(), "{made:?}");

    let mut store = SqliteStore::open(&path).unwrap();
    let mut tx = Tx::new(&mut store);
    tx.put("t", "kept", json!(1));
    tx.commit().unwrap();
    let mut tx = Tx::new(&mut store);
    tx.put("t", "first", json!(2));
    tx.delete("t", "kept");
    tx.put("t", "poison", json!(3));
    let err = tx
        .commit()
        .expect_err("the trigger refuses the third write");
    assert!(err.to_string().contains("poison refused"), "{err}");
    assert_eq!(
        store.list("t").unwrap(),
        vec![("kept".to_string(), json!(1))]
    );
    // As a later run reads the file.
    drop(store);
    let reopened = SqliteStore::open(&path).unwrap();
    assert_eq!(
        reopened.list("t").unwrap(),
        vec![("kept".to_string(), json!(1))]
    );
}
