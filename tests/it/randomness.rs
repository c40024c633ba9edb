//! paybind's random strings and numbers, seen where they are used: SGATE's `V-Nonce-Str` (32
//! letters and digits, new for every request), the sandbox's admin token and its OTP codes (six
//! digits, uniformly below 1 000 000) and session ids.

use std::collections::HashSet;

use paybind::sgate::{types, Client, NonceSource as _, RandomNonce};

use crate::common;

fn alphanumeric(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[tokio::test]
async fn every_request_carries_a_new_32_character_nonce() {
    let sandbox = common::sandbox().await;
    let client = Client::new(sandbox.sgate_config()).unwrap();
    for _ in 0..3 {
        client.merchant_balance().await.expect("balance");
    }
    let nonces: Vec<String> = sandbox
        .requests()
        .iter()
        .map(|r| r.headers["v-nonce-str"].clone())
        .collect();
    assert_eq!(nonces.len(), 3);
    for nonce in &nonces {
        assert!(alphanumeric(nonce, 32), "{nonce:?}");
    }
    assert_eq!(nonces.iter().collect::<HashSet<_>>().len(), 3, "{nonces:?}");
    // The source itself, and across its whole alphabet: 200 nonces draw every one of the 62
    // characters (the chance that one is missing is below 10^-40).
    let drawn: String = (0..200).map(|_| RandomNonce.nonce()).collect();
    assert!(alphanumeric(&drawn, 6400));
    assert_eq!(drawn.bytes().collect::<HashSet<_>>().len(), 62);
    // The sandbox's admin token comes from the same generator.
    assert!(alphanumeric(sandbox.admin_token(), 32));
}

#[tokio::test]
async fn otp_codes_are_six_random_digits() {
    let sandbox = common::sandbox().await;
    let client = Client::new(sandbox.sgate_config()).unwrap();
    // One OTP per number per minute: ten numbers (none of the documented test numbers, whose
    // code is fixed).
    for n in 0..10 {
        client
            .otp_send(
                types::OtpSendParam::builder()
                    .mobile(format!("05987654{n:02}"))
                    .appname("TestApp"),
            )
            .await
            .expect("sent");
    }
    let inbox = sandbox.admin().get("sgate/otp").await.unwrap();
    let tasks = inbox.as_array().expect("the inbox lists the OTPs");
    assert_eq!(tasks.len(), 10);
    let codes: HashSet<&str> = tasks.iter().map(|t| t["code"].as_str().unwrap()).collect();
    for code in &codes {
        assert!(
            code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
            "{code:?}"
        );
    }
    assert!(codes.len() > 1, "ten draws are not all alike: {codes:?}");
    for task in tasks {
        let session = task["sessionid"].as_str().unwrap();
        assert!(
            session.len() == 32
                && session
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "{session:?}"
        );
    }
}
