//! SGATE callbacks minted by `paybind::testing`.

use std::path::Path;

use http::HeaderValue;
use paybind::clock::FixedClock;
use paybind::sgate::{self, FixedNonce, Notification, NotificationError, Sensitive};
use paybind::testing::sgate::{CallbackSigner, API_KEY};
use paybind::testing::{self, keys, JsonText, MintError};
use paybind_test_support::{openssl_out, openssl_verifies_digest};
use serde_json::{json, Value};

use super::{public_pem, unb64};

const CARDNO: &str = "5123450000000001";
const IDENTITY: &str = "1012345678";

fn salary_changed() -> Value {
    json!({
        "event": "SALARY_STATUS_CHANGE", "time": 1718000000,
        "data": {
            "ticketid": "12381", "payeeuid": "SHOP-1", "amount": 18.75, "status": 1,
            "custominfo": {"customid": "119bd", "cardno": CARDNO, "identity": IDENTITY, "signpic": ""},
        },
    })
}

fn header<'a>(callback: &'a testing::sgate::Callback, name: &str) -> &'a str {
    callback.headers[name].to_str().unwrap()
}

/// The signature object SGATE signs, written here independently of paybind's `signature_data`.
fn signature_object(callback: &testing::sgate::Callback, path: &str) -> String {
    let s = |v: &str| serde_json::to_string(v).unwrap();
    format!(
        "{{\"api_key\":{},\"timestamp\":{},\"nonce_str\":{},\"url\":{},\"method\":\"POST\",\"body\":{}}}",
        s(API_KEY),
        header(callback, "V-Timestamp"),
        s(header(callback, "V-Nonce-Str")),
        s(path),
        s(std::str::from_utf8(&callback.body).unwrap()),
    )
}

/// openssl's verdict on `V-Signature`: the MD5 hex of the signature object (by `openssl dgst
/// -md5`), verified as MD5withRSA with the test system public key.
fn openssl_accepts(callback: &testing::sgate::Callback, path: &str) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let object = dir.path().join("object.json");
    std::fs::write(&object, signature_object(callback, path)).unwrap();
    let md5 = String::from_utf8(openssl_out(&[
        "dgst",
        "-md5",
        "-r",
        object.to_str().unwrap(),
    ]))
    .unwrap();
    let md5 = md5.split_whitespace().next().unwrap().to_string();
    assert_eq!(md5.len(), 32);
    let public = public_pem(dir.path(), "system", &keys::sgate_system().public_key());
    let signature = unb64(header(callback, "V-Signature"));
    openssl_verifies_digest(dir.path(), &public, "-md5", md5.as_bytes(), &signature)
}

/// A Base64 member decrypted by `openssl pkeyutl` with the test merchant private key, block by
/// block.
fn openssl_decrypts(dir: &Path, encoded: &str) -> String {
    let private = dir.join("merchant.pem");
    std::fs::write(
        &private,
        keys::sgate_merchant().to_pkcs8_pem().unwrap().as_bytes(),
    )
    .unwrap();
    let mut plain = Vec::new();
    for block in unb64(encoded).chunks(256) {
        let input = dir.join("block.bin");
        std::fs::write(&input, block).unwrap();
        plain.extend(openssl_out(&[
            "pkeyutl",
            "-decrypt",
            "-inkey",
            private.to_str().unwrap(),
            "-pkeyopt",
            "rsa_padding_mode:pkcs1",
            "-in",
            input.to_str().unwrap(),
        ]));
    }
    String::from_utf8(plain).unwrap()
}

fn cardno_of(event: &Notification) -> Option<&str> {
    match event {
        Notification::SalaryStatusChange(changed) => changed
            .data
            .custominfo
            .as_ref()
            .and_then(|info| info.cardno.as_ref())
            .map(Sensitive::expose),
        _ => None,
    }
}

#[test]
fn a_minted_callback_verifies_with_openssl_and_the_verifier() {
    let callback = testing::sgate::callback("/sgate/callback", salary_changed()).unwrap();
    assert_eq!(callback.path(), "/sgate/callback");
    assert!(openssl_accepts(&callback, "/sgate/callback"));
    assert!(
        !openssl_accepts(&callback, "/other/path"),
        "the path is signed"
    );
    assert_eq!(header(&callback, "V-Api-Key"), API_KEY);
    assert_eq!(header(&callback, "V-Api-Version"), "1");
    assert_eq!(header(&callback, "Content-Type"), "application/json");
    assert_eq!(header(&callback, "V-Nonce-Str").len(), 32);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let timestamp: i64 = header(&callback, "V-Timestamp").parse().unwrap();
    assert!(
        (now - timestamp).abs() <= 5,
        "signed now: {timestamp} vs {now}"
    );

    let event = testing::sgate::notifications()
        .verify(&callback.headers, callback.path(), &callback.body)
        .unwrap();
    assert_eq!(cardno_of(&event), Some(CARDNO));
    let again = testing::sgate::callback("/sgate/callback", salary_changed()).unwrap();
    assert_ne!(
        header(&again, "V-Nonce-Str"),
        header(&callback, "V-Nonce-Str"),
        "a fresh nonce each time"
    );
}

#[test]
fn sensitive_members_are_ciphertext_on_the_wire_and_plain_once_verified() {
    let callback = testing::sgate::callback("/sgate/callback", salary_changed()).unwrap();
    let text = String::from_utf8(callback.body.clone()).unwrap();
    assert!(!text.contains(CARDNO) && !text.contains(IDENTITY), "{text}");
    let wire: Value = serde_json::from_str(&text).unwrap();
    let info = &wire["data"]["custominfo"];
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        openssl_decrypts(dir.path(), info["cardno"].as_str().unwrap()),
        CARDNO
    );
    assert_eq!(
        openssl_decrypts(dir.path(), info["identity"].as_str().unwrap()),
        IDENTITY
    );
    assert_eq!(
        info["signpic"], "",
        "an empty member stays empty, as SGATE sends it"
    );
    // Every other member is as given.
    assert_eq!(wire["data"]["amount"], json!(18.75));
    assert_eq!(info["customid"], "119bd");

    match testing::sgate::notifications()
        .verify(&callback.headers, "/sgate/callback", &callback.body)
        .unwrap()
    {
        Notification::SalaryStatusChange(changed) => {
            let info = changed.data.custominfo.unwrap();
            assert_eq!(info.cardno.unwrap().expose(), CARDNO);
            assert_eq!(info.identity.unwrap().expose(), IDENTITY);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn one_changed_byte_of_the_body_or_a_header_is_refused() {
    let callback = testing::sgate::callback("/sgate/callback", salary_changed()).unwrap();
    let verifier = testing::sgate::notifications();
    let refused = |headers: &http::HeaderMap, body: &[u8]| {
        matches!(
            verifier.verify(headers, "/sgate/callback", body),
            Err(NotificationError::SignatureMismatch { .. })
        )
    };

    let mut body = callback.body.clone();
    let at = String::from_utf8_lossy(&body).find("18.75").unwrap();
    body[at] = b'9';
    assert!(refused(&callback.headers, &body));

    let timestamp: i64 = header(&callback, "V-Timestamp").parse().unwrap();
    let mut headers = callback.headers.clone();
    headers.insert("V-Timestamp", HeaderValue::from(timestamp - 1));
    assert!(refused(&headers, &callback.body));

    let mut headers = callback.headers.clone();
    let mut nonce = header(&callback, "V-Nonce-Str").as_bytes().to_vec();
    nonce[0] = if nonce[0] == b'A' { b'B' } else { b'A' };
    headers.insert("V-Nonce-Str", HeaderValue::from_bytes(&nonce).unwrap());
    assert!(refused(&headers, &callback.body));

    let mut headers = callback.headers.clone();
    let mut signature = unb64(header(&callback, "V-Signature"));
    signature[0] ^= 0x01;
    let signature = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, signature);
    headers.insert("V-Signature", HeaderValue::from_str(&signature).unwrap());
    assert!(refused(&headers, &callback.body));
}

#[test]
fn a_typed_event_mints_to_what_verifies_as_the_same_event() {
    let first = testing::sgate::callback("/cb", salary_changed()).unwrap();
    let event = testing::sgate::notifications()
        .verify(&first.headers, "/cb", &first.body)
        .unwrap();
    let Notification::SalaryStatusChange(changed) = &event else {
        panic!("{event:?}")
    };
    for callback in [
        testing::sgate::callback("/cb", &event).unwrap(),
        testing::sgate::callback("/cb", changed).unwrap(),
    ] {
        let text = String::from_utf8(callback.body.clone()).unwrap();
        assert!(
            !text.contains(CARDNO),
            "encrypted, not redacted nor plain: {text}"
        );
        assert!(!text.contains("[redacted]"), "{text}");
        assert!(openssl_accepts(&callback, "/cb"));
        let verified = testing::sgate::notifications()
            .verify(&callback.headers, "/cb", &callback.body)
            .unwrap();
        assert_eq!(verified, event);
    }

    let mut unnamed = changed.clone();
    unnamed.event = "SOMETHING_ELSE".parse().unwrap();
    assert_eq!(
        testing::sgate::callback("/cb", &unnamed).unwrap_err(),
        MintError::Unrecognized {
            kind: "SalaryStatusChange"
        }
    );
}

#[test]
fn json_text_is_sent_as_written_when_nothing_is_encrypted() {
    let text = r#"{ "event":"RECEIVING_TRANS_NOTIFICATION", "data":{"uuid":"U1","amount":1.234,"currency":"KWD"} }"#;
    let callback = testing::sgate::callback("/va", JsonText(text)).unwrap();
    assert_eq!(callback.body, text.as_bytes());
    assert!(openssl_accepts(&callback, "/va"));
    assert!(testing::sgate::notifications()
        .verify(&callback.headers, "/va", &callback.body)
        .is_ok());
}

#[test]
fn a_signer_without_encrypt_to_sends_the_body_as_given() {
    let signer = CallbackSigner::new("another-key", keys::sgate_system());
    let callback = signer
        .callback("/sgate/callback", salary_changed())
        .unwrap();
    assert!(String::from_utf8(callback.body.clone())
        .unwrap()
        .contains(CARDNO));
    let verifier = sgate::Notifications::new(
        "another-key",
        keys::sgate_system().public_key(),
        keys::sgate_merchant(),
    );
    // Verified, then its plain cardno is not the ciphertext the verifier decrypts.
    assert!(matches!(
        verifier.verify(&callback.headers, "/sgate/callback", &callback.body),
        Err(NotificationError::Decryption { .. })
    ));
    assert!(
        matches!(
            testing::sgate::notifications().verify(
                &callback.headers,
                "/sgate/callback",
                &callback.body
            ),
            Err(NotificationError::SignatureMismatch { .. })
        ),
        "another API KEY is signed"
    );
}

#[test]
fn the_clock_and_nonce_are_the_signers_and_a_whole_url_signs_its_path() {
    let at = 1_719_411_598_000;
    let signer = testing::sgate::signer()
        .clock(FixedClock(at))
        .nonce_source(FixedNonce("n0nce".into()));
    let callback = signer
        .callback(
            "https://shop.example/hooks/sgate/callback?k=1",
            salary_changed(),
        )
        .unwrap();
    assert_eq!(callback.path(), "/hooks/sgate/callback?k=1");
    assert_eq!(header(&callback, "V-Timestamp"), "1719411598");
    assert_eq!(header(&callback, "V-Nonce-Str"), "n0nce");
    assert!(openssl_accepts(&callback, "/hooks/sgate/callback?k=1"));
    let verifier = testing::sgate::notifications();
    assert!(matches!(
        verifier.verify(&callback.headers, callback.path(), &callback.body),
        Err(NotificationError::Stale { .. })
    ));
    let at_that_time = verifier.clock(FixedClock(at));
    assert!(at_that_time
        .verify(&callback.headers, callback.path(), &callback.body)
        .is_ok());
}

#[test]
fn what_cannot_be_sent_is_refused_without_quoting_it() {
    assert_eq!(
        testing::sgate::callback("sgate/callback", salary_changed()).unwrap_err(),
        MintError::Url
    );
    assert_eq!(
        testing::sgate::callback("ftp://shop.example/cb", salary_changed()).unwrap_err(),
        MintError::Url
    );
    assert_eq!(
        testing::sgate::callback("/cb", json!("text")).unwrap_err(),
        MintError::NotAnObject
    );
    let signer = CallbackSigner::new("key\nsecret-ish", keys::sgate_system());
    let error = signer.callback("/cb", salary_changed()).unwrap_err();
    assert_eq!(error, MintError::Header("V-Api-Key"));
    assert!(!error.to_string().contains("secret-ish"), "{error}");
}

#[test]
fn debug_shows_no_api_key_and_no_plain_member() {
    let signer = CallbackSigner::new("api-key-secret-ish", keys::sgate_system());
    let shown = format!("{signer:?}");
    assert!(!shown.contains("secret-ish"), "{shown}");
    let callback = signer
        .clone()
        .encrypt_to(keys::sgate_merchant().public_key())
        .callback("/cb", salary_changed())
        .unwrap();
    let shown = format!("{callback:?}");
    assert!(
        !shown.contains("secret-ish") && !shown.contains(CARDNO),
        "{shown}"
    );
    assert!(shown.contains("Sensitive"), "{shown}");
    let text = salary_changed().to_string();
    assert_eq!(
        format!("{:?}", JsonText(&text)),
        format!("JsonText({} bytes)", text.len())
    );
}

#[test]
fn the_test_config_gives_a_client_whose_verifier_accepts_minted_callbacks() {
    let client = sgate::Client::new(testing::sgate::config("http://127.0.0.1:9")).unwrap();
    let callback = testing::sgate::callback("/sgate/callback", salary_changed()).unwrap();
    let event = client
        .notifications()
        .verify(&callback.headers, "/sgate/callback", &callback.body)
        .unwrap();
    assert_eq!(cardno_of(&event), Some(CARDNO));
}

#[cfg(feature = "axum")]
#[tokio::test]
async fn the_axum_extractor_accepts_a_minted_callback_and_refuses_a_changed_one() {
    use axum::routing::post;
    async fn on_callback(
        sgate::VerifiedNotification(event): sgate::VerifiedNotification,
    ) -> String {
        cardno_of(&event).unwrap_or("none").to_string()
    }
    let callbacks = axum::Router::new()
        .route("/sgate/callback", post(on_callback))
        .with_state(testing::sgate::notifications());
    let app = axum::Router::new().nest("/hooks", callbacks);
    let base = format!("http://{}", super::serve(app).await);
    let http = reqwest::Client::new();

    // The whole URL: the request goes where it was signed for.
    let url = format!("{base}/hooks/sgate/callback");
    let callback = testing::sgate::callback(&url, salary_changed()).unwrap();
    let request = reqwest::Request::try_from(callback.clone().into_request::<Vec<u8>>()).unwrap();
    let answer = http.execute(request).await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.unwrap(), CARDNO);

    let mut body = callback.body.clone();
    let at = String::from_utf8_lossy(&body).find("SHOP-1").unwrap();
    body[at] = b'X';
    let answer = http
        .post(&url)
        .headers(callback.headers.clone())
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
}
