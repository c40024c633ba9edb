//! Callbacks: verified, decrypted and typed, replays refused.

use super::*;

/// An amount of 18 significant digits: serde buffers the members of a model that keeps unknown
/// ones as `f64`s, and the f64 nearest to 10^15 + 0.01 is 10^15. paybind hands a long amount to
/// its model as text.
#[test]
fn callback_amount_keeps_every_digit() {
    let client = sgate_support::offline_client();
    let mut payload = paybind::sgate::spec()
        .schema("SalaryStatusChangeCallback")
        .unwrap()["example"]
        .clone();
    payload["data"]["amount"] = json!("TIE");
    payload["data"]["x-later"] = json!(1.5);
    sgate_support::encrypt_members(&mut payload);
    let body = serde_json::to_string(&payload)
        .unwrap()
        .replace(r#""TIE""#, "1000000000000000.01");
    let (headers, body) = sgate_support::signed_callback_body(
        "/sgate/notify",
        body.into_bytes(),
        chrono::Utc::now().timestamp(),
        "n0nce-tie",
    );
    match client
        .notifications()
        .verify(&headers, "/sgate/notify", &body)
    {
        Ok(Notification::SalaryStatusChange(event)) => {
            assert_eq!(
                event.data.amount,
                Some(Decimal2::from_minor_units(100_000_000_000_000_001))
            );
            let kept = serde_json::to_string(&event.data).unwrap();
            assert!(kept.contains(r#""amount":1000000000000000.01"#), "{kept}");
            assert_eq!(event.data.extra["x-later"], json!(1.5));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn callbacks_verify_decrypt_and_type() {
    let client = sgate_support::offline_client();
    let spec = paybind::sgate::spec();
    let example = |schema: &str| spec.schema(schema).unwrap()["example"].clone();

    let (headers, body) = signed_callback("/sgate/notify", &example("SalaryStatusChangeCallback"));
    match client
        .notifications()
        .verify(&headers, "/sgate/notify", &body)
        .expect("verified")
    {
        Notification::SalaryStatusChange(event) => {
            assert_eq!(
                event.data.status,
                Some(paybind::sgate::PaymentOrderStatus::Error)
            );
            assert_eq!(event.data.amount, Some(Decimal2::from_minor_units(160_000)));
            let info = event.data.custominfo.as_ref().unwrap();
            assert_eq!(
                info.cardno.as_ref().unwrap().expose(),
                plain_value("cardno")
            );
            assert_eq!(
                info.identitypic.as_ref().unwrap().expose(),
                plain_value("identitypic")
            );
        }
        other => panic!("{other:?}"),
    }
    let (headers, body) = signed_callback("/cb?x=1", &example("CustomStatusChangeCallback"));
    match client
        .notifications()
        .verify(&headers, "/cb?x=1", &body)
        .expect("verified")
    {
        Notification::CustomStatusChange(event) => {
            assert_eq!(
                event.data.identity.as_ref().unwrap().expose(),
                plain_value("identity")
            );
            assert_eq!(event.time.map(|t| t.0), Some(1686832475));
        }
        other => panic!("{other:?}"),
    }
    let (headers, body) = signed_callback("/cb", &example("ReceivingTransNotificationCallback"));
    assert!(matches!(
        client.notifications().verify(&headers, "/cb", &body),
        Ok(Notification::ReceivingTransNotification(_))
    ));
    // Wrong URL, tampered body, empty signature: refused, each for its reason (a signature that
    // does not verify for the path checked, not a replay of the callback verified above).
    assert_eq!(
        client
            .notifications()
            .verify(&headers, "/other", &body)
            .unwrap_err(),
        paybind::sgate::NotificationError::SignatureMismatch {
            path: "/other".into()
        }
    );
    let mut tampered = body.clone();
    let last = tampered.len() - 2;
    tampered[last] = b'9';
    assert_eq!(
        client
            .notifications()
            .verify(&headers, "/cb", &tampered)
            .unwrap_err(),
        paybind::sgate::NotificationError::SignatureMismatch { path: "/cb".into() }
    );
    let mut unsigned = headers.clone();
    unsigned.insert("V-Signature", http::HeaderValue::from_static(""));
    assert_eq!(
        client
            .notifications()
            .verify(&unsigned, "/cb", &body)
            .unwrap_err(),
        paybind::sgate::NotificationError::Unsigned
    );
    // Freshness, on by default: a callback signed in 2023 is refused however valid its
    // signature; a narrower window refuses a 10-minute-old one too.
    let (old_headers, old_body) = sgate_support::signed_callback_at(
        "/cb",
        &example("ReceivingTransNotificationCallback"),
        1_686_832_475,
    );
    assert!(matches!(
        client
            .notifications()
            .verify(&old_headers, "/cb", &old_body),
        Err(paybind::sgate::NotificationError::Stale { .. })
    ));
    let ten_minutes_ago = chrono::Utc::now().timestamp() - 600;
    let (recent_headers, recent_body) = sgate_support::signed_callback_at(
        "/cb",
        &example("ReceivingTransNotificationCallback"),
        ten_minutes_ago,
    );
    let narrow = client
        .notifications()
        .clone()
        .max_age(std::time::Duration::from_secs(60));
    assert!(matches!(
        narrow.verify(&recent_headers, "/cb", &recent_body),
        Err(paybind::sgate::NotificationError::Stale { .. })
    ));
    // With a replay memory, the same signed callback is accepted once.
    let memory = client.notifications().clone().remember_nonces(100);
    assert!(memory.verify(&headers, "/cb", &body).is_ok());
    assert_eq!(
        memory.verify(&headers, "/cb", &body).unwrap_err(),
        paybind::sgate::NotificationError::Replayed
    );
    assert_eq!(paybind::sgate::ACK_STATUS, 200);
}

/// Freshness on a fixed clock (1 700 000 000 s) with a five-minute window and a memory of two
/// `(V-Timestamp, V-Nonce-Str)` pairs: a callback is accepted up to 300 s away and refused as
/// stale beyond, the same signed callback is refused as a replay, the memory forgets its oldest
/// pair when full, and without a window an old callback passes.
#[test]
fn freshness_window_and_bounded_replay_memory() {
    const NOW: i64 = 1_700_000_000;
    let example = paybind::sgate::spec()
        .schema("ReceivingTransNotificationCallback")
        .unwrap()["example"]
        .clone();
    let callbacks = sgate_support::offline_client()
        .notifications()
        .clone()
        .clock(paybind::clock::FixedClock(NOW * 1000));
    let verifier = callbacks
        .clone()
        .max_age(std::time::Duration::from_secs(300))
        .remember_nonces(2);
    let verify = |timestamp: i64, nonce: &str| {
        let (headers, body) =
            sgate_support::signed_callback_with("/cb", &example, timestamp, nonce);
        verifier.verify(&headers, "/cb", &body).map(|_| ())
    };
    let stale = |timestamp| Err(paybind::sgate::NotificationError::Stale { timestamp });
    assert_eq!(verify(NOW, "a"), Ok(()));
    assert_eq!(
        verify(NOW, "a"),
        Err(paybind::sgate::NotificationError::Replayed)
    );
    assert_eq!(verify(978_307_200, "b"), stale(978_307_200));
    assert_eq!(verify(NOW + 299, "c"), Ok(()));
    assert_eq!(verify(NOW + 301, "d"), stale(NOW + 301));
    assert_eq!(verify(NOW - 301, "d"), stale(NOW - 301));
    // The memory holds (NOW, a) and (NOW + 299, c); a third pair pushes out the oldest.
    assert_eq!(verify(NOW + 1, "e"), Ok(()));
    assert_eq!(verify(NOW, "a"), Ok(()), "the oldest pair was forgotten");
    // Without a window (and no memory), age does not matter.
    let (headers, body) = sgate_support::signed_callback_with("/cb", &example, 978_307_200, "b");
    assert!(callbacks
        .without_max_age()
        .verify(&headers, "/cb", &body)
        .is_ok());
}
