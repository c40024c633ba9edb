//! The bounded memories paybind offers — BluePay's `SeenEvents` (handled notifications) and
//! SGATE's `NonceMemory` (verified nonces), one mechanism underneath: at most their capacity,
//! the oldest forgotten first, a repeat is not a first time, a forgotten key is new again.

use paybind::bluepay::{types, EventKey, Notification, SeenEvents};
use paybind::sgate::NonceMemory;
use serde_json::json;

/// The key of a payout notification of the order `order`.
fn event(order: &str) -> EventKey {
    let payout: types::PayoutNotification = serde_json::from_value(json!({
        "eventName": "disbursement.success", "mchOrderId": order, "transactionId": "D1",
        "amount": 1000, "transactionStatus": "SUCCESS",
    }))
    .unwrap();
    Notification::Payout(payout).event_key()
}

#[test]
fn remembers_at_most_its_capacity_and_forgets_the_oldest_first() {
    let set = SeenEvents::new(2);
    let [a, b, c, d] = ["a", "b", "c", "d"].map(event);
    assert!(set.first_time(&a));
    assert!(!set.first_time(&a), "a repeat is not a first time");
    assert!(set.first_time(&b));
    assert!(set.first_time(&c), "full: a is forgotten");
    assert_eq!(set.len(), 2);
    assert!(!set.contains(&a));
    assert!(set.contains(&b) && set.contains(&c));
    set.forget(&b);
    assert!(!set.contains(&b));
    assert!(set.first_time(&b), "a forgotten key is new again");
    assert!(set.first_time(&d));
    assert!(!set.contains(&c), "c was the oldest left");
    assert_eq!(set.len(), 2);
}

#[test]
fn nonce_memory_remembers_at_most_its_capacity_and_forgets_the_oldest_first() {
    let nonces = NonceMemory::new(2);
    assert!(nonces.first_time(1, "a"));
    assert!(!nonces.first_time(1, "a"), "a replay is not a first time");
    assert!(
        nonces.first_time(2, "a"),
        "the pair is the key, not the nonce alone"
    );
    assert!(nonces.first_time(1, "b"), "full: (1, a) is forgotten");
    assert!(!nonces.first_time(1, "b"));
    assert!(nonces.first_time(1, "a"), "a forgotten pair is new again");
    assert!(
        nonces.first_time(2, "a"),
        "(2, a), then the oldest, was forgotten for (1, a)"
    );

    let one = NonceMemory::new(0);
    assert!(one.first_time(1, "a"));
    assert!(!one.first_time(1, "a"), "a capacity of zero keeps one");
}
