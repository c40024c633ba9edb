//! SGATE answer verification: the pipeline's SGATE wire (signature over the body, `code`,
//! decryption of the members `sensitiveFields` names), run on in-memory answers.
//!
//! Input: `Name: value` header lines, an empty line, the body (see [`crate::split_headers`]);
//! the status is 200. Oracle: an answer that passes the check (signature and freshness against
//! a fixed clock) has exactly the timestamp, nonce and body bytes of one the system key signed,
//! and that one is inside the freshness window; an answer handed to the generated code as
//! content has passed, and its (decrypted) body is exactly the signed one's. Signed seeds dated
//! at and just past the window's edges (and in 2001) keep the freshness check in the corpus.

use std::sync::OnceLock;

use paybind::fuzzing::SgateAnswers;
use serde_json::json;

use crate::{
    edge_timestamps, fresh, key_pair, split_headers, SignedParts, NOW_MILLIS, SGATE_API_KEY,
};

/// The request the answers belong to (part of what is signed).
pub const URL: &str = "/openApi/v1/paymentOrder/detail?ticketid=17d59";
const METHOD: &str = "GET";
const STATUS: u16 = 200;

struct Fixture {
    answers: SgateAnswers,
    signed: Vec<SignedParts>,
    /// Per signed answer: what the hook handed on (`None` if it set the answer aside).
    opened: Vec<Option<Vec<u8>>>,
    seeds: Vec<Vec<u8>>,
}

fn plain_answers() -> Vec<serde_json::Value> {
    vec![
        json!({"code": 200, "message": "Request succeeded.", "data": {
            "ticketid": "17d59", "payeeuid": "PAY12345678", "currency": "SAR",
            "paymentmethod": "STCPay", "amount": 18.75, "realamount": 17.81, "fee": 0.94,
            "status": 0, "custominfo": {"customid": "13033", "identity": "1234567890",
                "cardno": "SA9080000000000000000001", "stcaccount": "966500000001",
                "signpic": ""}},
            "sensitiveFields": {"custominfo": ["identity", "signpic", "stcaccount", "cardno"]},
            "requestId": "8A1D33FFBC9F379C1C6F423FFF7B8A46"}),
        json!({"code": 200, "message": "Request succeeded.",
            "data": [{"currency": "SAR", "balance": 999999.5}], "sensitiveFields": {},
            "requestId": "F846B971722D6420CCC5897D9FDF7FA4"}),
        json!({"code": 200, "message": "Request succeeded.", "data": [{"cardno": "1",
            "identity": "2"}], "sensitiveFields": ["cardno", "identity"], "requestId": "A1"}),
        json!({"code": 1401, "message": "payeeuid already exists", "data": {},
            "requestId": "63AC8117DD8BAB88D02D6472FAD9310C"}),
    ]
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let answers = SgateAnswers::new(
            SGATE_API_KEY,
            key_pair("sgate-merchant").0.clone(),
            key_pair("sgate-system").1.clone(),
            NOW_MILLIS,
        );
        let mut fixture = Fixture {
            answers,
            signed: Vec::new(),
            opened: Vec::new(),
            seeds: Vec::new(),
        };
        let plain = plain_answers();
        let dated = (0..plain.len())
            .map(|i| (i, 1_719_400_798 + i as i64))
            .chain(edge_timestamps().into_iter().map(|t| (0, t)));
        for (n, (i, timestamp)) in dated.enumerate() {
            let mut answer = plain[i].clone();
            crate::encrypt_members(&mut answer["data"], &["identity", "stcaccount", "cardno"]);
            let body = serde_json::to_vec(&answer).expect("json");
            let parts = SignedParts {
                timestamp,
                nonce: format!("answer{n}nonce"),
                body,
            };
            let seed = SignedParts::sign(parts.timestamp, &parts.nonce, URL, METHOD, &parts.body);
            let opened = open(&fixture.answers, &seed);
            match &opened {
                Some(body) => {
                    let decrypted: serde_json::Value = serde_json::from_slice(body).expect("json");
                    assert_eq!(
                        decrypted, plain[i],
                        "seed {n} must decrypt to its plaintext"
                    );
                }
                None => assert!(
                    i == 3 || !fresh(timestamp),
                    "seed {n}, signed at {timestamp}, must open"
                ),
            }
            let (headers, body) = split_headers(&seed);
            let verified = fixture
                .answers
                .signature_verified(METHOD, URL, STATUS, &headers, body);
            assert_eq!(
                verified,
                fresh(timestamp),
                "seed {n}, signed at {timestamp}"
            );
            fixture.opened.push(opened);
            fixture.signed.push(parts);
            fixture.seeds.push(seed);
        }
        assert!(fixture.opened.iter().filter(|o| o.is_some()).count() >= 5);
        fixture
    })
}

/// The body the generated code would decode, or `None` if the answer was set aside.
fn open(answers: &SgateAnswers, data: &[u8]) -> Option<Vec<u8>> {
    let (headers, body) = split_headers(data);
    answers.open(METHOD, URL, STATUS, &headers, body).ok()
}

/// Validly signed answers.
pub fn seeds() -> Vec<Vec<u8>> {
    fixture().seeds.clone()
}

/// Opens `data` as an answer; panics if an oracle fails.
pub fn check(data: &[u8]) {
    let f = fixture();
    let (headers, body) = split_headers(data);
    let verified = f
        .answers
        .signature_verified(METHOD, URL, STATUS, &headers, body);
    let opened = open(&f.answers, data);
    if !verified {
        assert!(
            opened.is_none(),
            "an unverified answer was handed on as content"
        );
        return;
    }
    let claimed = SignedParts::claimed(&headers, body).expect("a verified answer has V-* headers");
    let signed = f
        .signed
        .iter()
        .position(|s| *s == claimed)
        .unwrap_or_else(|| panic!("verified an answer nobody signed: {claimed:?}"));
    assert!(
        fresh(claimed.timestamp),
        "accepted an answer signed outside the window: {claimed:?}"
    );
    assert_eq!(
        opened, f.opened[signed],
        "same signed answer, other content"
    );
}
