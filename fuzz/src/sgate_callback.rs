//! SGATE callback verification (signed `V-*` headers, sensitive members encrypted for the
//! merchant).
//!
//! Input: `Name: value` header lines, an empty line, the body (see [`crate::split_headers`]).
//! Oracle: an accepted callback has exactly the timestamp, nonce and body bytes of one the
//! system key signed, inside the default freshness window of a fixed clock, and decodes exactly
//! as that signed one does. Signed seeds dated at and just past the window's edges (and in
//! 2001) keep the freshness check in the corpus.

use std::sync::OnceLock;

use paybind::clock::FixedClock;
use paybind::sgate::Notifications;
use serde_json::json;

use crate::{
    edge_timestamps, fresh, key_pair, split_headers, SignedParts, NOW_MILLIS, SGATE_API_KEY,
};

/// The path SGATE calls (part of what is signed).
pub const URL: &str = "/sgate/callback";
const SENSITIVE: &[&str] = &["identity", "identitypic", "signpic", "stcaccount", "cardno"];

struct Fixture {
    verifier: Notifications,
    signed: Vec<SignedParts>,
    /// `Debug` of what the verifier made of each signed callback.
    decoded: Vec<String>,
    seeds: Vec<Vec<u8>>,
}

fn payloads() -> Vec<serde_json::Value> {
    vec![
        json!({"event": "SALARY_STATUS_CHANGE", "time": 1719400798, "data": {
            "ticketid": "17d59", "key": "M4TBTQU20240626141958", "customid": "13033",
            "mercustomid": "u006", "payeeuid": "PAY12345678", "currency": "SAR",
            "paymentmethod": "STCPay", "amount": 18.75, "realamount": 17.81, "fee": 0.94,
            "status": 1, "statusdesc": "Transferred", "confirmtime": 1719400798,
            "custominfo": {"customid": "13033", "mercustomid": "u006", "name_e": "Test",
                "identity": "1234567890", "cardno": "SA9080000000000000000001",
                "stcaccount": "966500000001", "signpic": "", "status": 1}}}),
        json!({"event": "CUSTOM_STATUS_CHANGE", "time": 1719400799, "data": {
            "customid": "13033", "mercustomid": "u006", "name_e": "Test", "name_a": "اختبار",
            "identity": "1234567890", "identitypic": "https://example.invalid/id.png",
            "cardno": "SA9080000000000000000001", "bankname": "Riyad Bank", "status": 2,
            "statusdesc": "Rejected"}}),
        json!({"event": "RECEIVING_TRANS_NOTIFICATION", "time": 1719400800, "data": {
            "account": "SA9080000000000000000001", "amount": 50, "currency": "SAR"}}),
    ]
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let verifier = Notifications::new(
            SGATE_API_KEY,
            key_pair("sgate-system").1.clone(),
            key_pair("sgate-merchant").0.clone(),
        )
        .clock(FixedClock(NOW_MILLIS));
        let mut fixture = Fixture {
            verifier,
            signed: Vec::new(),
            decoded: Vec::new(),
            seeds: Vec::new(),
        };
        let payloads = payloads();
        let dated = (0..payloads.len())
            .map(|i| (i, 1_719_400_798 + i as i64))
            .chain(edge_timestamps().into_iter().map(|t| (0, t)));
        for (n, (i, timestamp)) in dated.enumerate() {
            let mut payload = payloads[i].clone();
            crate::encrypt_members(&mut payload, SENSITIVE);
            let body = serde_json::to_vec(&payload).expect("json");
            let parts = SignedParts {
                timestamp,
                nonce: format!("nonce{n}abcdefgh"),
                body,
            };
            let seed = SignedParts::sign(parts.timestamp, &parts.nonce, URL, "POST", &parts.body);
            let (headers, body) = split_headers(&seed);
            let decoded = fixture.verifier.verify(&headers, URL, body);
            assert_eq!(
                decoded.is_ok(),
                fresh(timestamp),
                "seed {n}, signed at {timestamp}: {decoded:?}"
            );
            fixture.decoded.push(format!("{decoded:?}"));
            fixture.signed.push(parts);
            fixture.seeds.push(seed);
        }
        fixture
    })
}

/// Validly signed callbacks.
pub fn seeds() -> Vec<Vec<u8>> {
    fixture().seeds.clone()
}

/// Verifies `data` as a callback; panics if an oracle fails.
pub fn check(data: &[u8]) {
    let f = fixture();
    let (headers, body) = split_headers(data);
    let decoded = f.verifier.verify(&headers, URL, body);
    if decoded.is_err() {
        return;
    }
    let claimed =
        SignedParts::claimed(&headers, body).expect("an accepted callback has V-* headers");
    let signed = f
        .signed
        .iter()
        .position(|s| *s == claimed)
        .unwrap_or_else(|| panic!("accepted a callback nobody signed: {claimed:?}"));
    assert!(
        fresh(claimed.timestamp),
        "accepted a callback signed outside the window: {claimed:?}"
    );
    assert_eq!(
        format!("{decoded:?}"),
        f.decoded[signed],
        "same signed callback, other result"
    );
}
