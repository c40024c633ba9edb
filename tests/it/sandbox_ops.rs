//! Fault injection (admin API and config file), restart persistence, key files.

use crate::common;

use std::time::Duration;

use paybind::bluepay::{types, Client};
use paybind::sgate::signing::SignatureError;
use paybind_sandbox::{Sandbox, SandboxConfig, Storage};
use serde_json::json;

async fn fault(sandbox: &Sandbox, fault: serde_json::Value) {
    sandbox
        .admin()
        .put("faults", fault)
        .await
        .expect("fault accepted");
}

fn balance() -> types::builder::BalanceInquiryParam {
    types::BalanceInquiryParam::builder()
}

#[tokio::test]
async fn envelope_faults_per_operation() {
    let sandbox = common::sandbox().await;
    let client = Client::new(sandbox.bluepay_config()).unwrap();
    use paybind::envelope::Error;

    fault(&sandbox, json!({"gateway": "bluepay", "operation": "balance_inquiry", "http_status": 503, "times": 1})).await;
    let err = client.balance_inquiry(balance()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Http { status, .. } if status.as_u16() == 503),
        "{err:?}"
    );
    assert!(err.is_retryable());
    // `times: 1` is spent: the next call succeeds.
    client.balance_inquiry(balance()).await.unwrap();

    fault(&sandbox, json!({"gateway": "bluepay", "operation": "balance_inquiry", "drop_connection": true, "times": 1})).await;
    let err = client.balance_inquiry(balance()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                may_have_been_sent: true,
                ..
            }
        ),
        "{err:?}"
    );

    fault(&sandbox, json!({"gateway": "bluepay", "operation": "balance_inquiry", "malformed_json": true, "times": 1})).await;
    let err = client.balance_inquiry(balance()).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");

    fault(
        &sandbox,
        json!({"gateway": "bluepay", "operation": "*", "error_code": 21000, "times": 1}),
    )
    .await;
    let err = client.balance_inquiry(balance()).await.unwrap_err();
    assert_eq!(err.code(), Some(paybind::bluepay::ResultCode::GeneralError));
    assert!(err.is_retryable());

    fault(&sandbox, json!({"gateway": "bluepay", "operation": "balance_inquiry", "latency_ms": 2000, "times": 1})).await;
    let impatient =
        Client::new(sandbox.bluepay_config().timeout(Duration::from_millis(200))).unwrap();
    let err = impatient.balance_inquiry(balance()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");

    // A bad signature on what the operation triggers: the merchant refuses the notification.
    let verifier = client.notifications().clone();
    let receiver = common::Receiver::start_with(
        0,
        std::sync::Arc::new(move |hit: &common::Hit| verifier.verify(&hit.body).is_ok()),
    )
    .await;
    fault(
        &sandbox,
        json!({"gateway": "bluepay", "operation": "refund_create", "bad_signature": "corrupt"}),
    )
    .await;
    client
        .qr_code_create(
            types::QrCodeCreateParam::builder()
                .channel_code("THAI_DYNAMIC_QR")
                .mch_order_id("FQR1")
                .amount(1000)
                .notify_url(receiver.url("/pay")),
        )
        .await
        .unwrap();
    let paid = sandbox
        .admin()
        .pay_qr(paybind_sandbox::Gateway::BluePay, "FQR1")
        .await
        .unwrap();
    client
        .refund_create(
            types::RefundCreateParam::builder()
                .mch_refund_order_id("FRF1")
                .original_transaction_id(paid["transactionId"].as_str().unwrap())
                .refund_amount(100)
                .refund_callback_url(receiver.url("/refund")),
        )
        .await
        .unwrap();
    let n = common::settled_notification(&sandbox, "payment.refund.success").await;
    assert_eq!(
        n["status"], "failed",
        "the merchant refused every forged attempt: {n}"
    );
    assert!(n["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["http_status"] == 401));
    assert_eq!(
        common::settled_notification(&sandbox, "qrcode.payment.success").await["status"],
        "delivered"
    );

    // Unknown targets are refused; faults are listed and cleared.
    let err = sandbox
        .admin()
        .put("faults", json!({"gateway": "bluepay", "operation": "nope"}))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("400"), "{err}");
    assert!(
        err.to_string()
            .contains("no operation nope on gateway bluepay"),
        "the refusal names the operation and the gateway each in its place: {err}"
    );
    assert_eq!(sandbox.admin().faults().await.unwrap().len(), 1);
    sandbox.admin().clear_faults().await.unwrap();
    assert!(sandbox.admin().faults().await.unwrap().is_empty());
    // Every faulted request that was answered is in the log with its fault (the timed-out
    // one went away before its answer).
    assert!(
        sandbox
            .requests()
            .iter()
            .filter(|r| r.fault.is_some())
            .count()
            >= 5
    );
}

#[tokio::test]
async fn sgate_faults_per_operation() {
    let sandbox = common::sandbox().await;
    let client = paybind::sgate::Client::new(sandbox.sgate_config()).unwrap();
    use paybind::sgate::Error;
    let once = |extra: serde_json::Value| {
        let mut f = json!({"gateway": "sgate", "operation": "merchant_balance", "times": 1});
        f.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        f
    };
    for (spoil, expected) in [
        ("corrupt", SignatureError::Mismatch),
        ("wrong_timestamp", SignatureError::Mismatch),
        ("missing", SignatureError::MissingHeader("V-Signature")),
    ] {
        fault(&sandbox, once(json!({"bad_signature": spoil}))).await;
        match client.merchant_balance().await.unwrap_err() {
            Error::BadSignature { reason, .. } => assert_eq!(reason, expected, "{spoil}"),
            other => panic!("{spoil}: {other:?}"),
        }
    }
    fault(&sandbox, once(json!({"bad_signature": "empty"}))).await;
    assert!(matches!(
        client.merchant_balance().await,
        Err(Error::Authentication { .. })
    ));
    fault(&sandbox, once(json!({"tamper_body": true}))).await;
    assert!(matches!(
        client.merchant_balance().await,
        Err(Error::BadSignature { .. })
    ));
    fault(&sandbox, once(json!({"http_status": 500}))).await;
    assert!(
        matches!(client.merchant_balance().await, Err(Error::Http { status, .. }) if status == 500)
    );
    fault(&sandbox, once(json!({"malformed_json": true}))).await;
    assert!(matches!(
        client.merchant_balance().await,
        Err(Error::Decode { .. })
    ));
    fault(&sandbox, once(json!({"error_code": 1212}))).await;
    let err = client.merchant_balance().await.unwrap_err();
    assert_eq!(
        err.code(),
        Some(paybind::sgate::ResultCode::RateLimitTriggered)
    );
    assert!(err.is_retryable());
    fault(&sandbox, once(json!({"drop_connection": true}))).await;
    assert!(matches!(
        client.merchant_balance().await,
        Err(Error::Transport { .. })
    ));
    client.merchant_balance().await.unwrap();
    // Undecryptable members in a genuine answer.
    client
        .customer_create(
            paybind::sgate::types::CustomerCreateParam::builder()
                .name_e("a")
                .name_a("a")
                .mercustomid("f1")
                .identity("1012345678")
                .stcaccount("512345678"),
        )
        .await
        .unwrap();
    fault(&sandbox, json!({"gateway": "sgate", "operation": "customer_detail", "bad_ciphertext": true, "times": 1})).await;
    match client
        .customer_detail(|q| q.mercustomid("f1"))
        .await
        .unwrap_err()
    {
        Error::Decryption { field, .. } => assert_eq!(field, "data.identity"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn faults_rules_and_settings_from_a_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.json");
    std::fs::write(
        &path,
        json!({
            "faults": [{"gateway": "bluepay", "operation": "qr_code_detail", "error_code": 21011}],
            "rules": [{"gateway": "bluepay", "kind": "qr", "outcome": "completed", "delay_ms": 0}],
            "settings": {"bluepay_payout_notify_url": "http://127.0.0.1:9/payout"},
            "channels": {"bluepay": {"TRUEMONEY_URL": {"partial_refund": false}}}
        })
        .to_string(),
    )
    .unwrap();
    let sandbox = Sandbox::start(SandboxConfig {
        config_file: Some(path.clone()),
        ..common::config()
    })
    .await
    .unwrap();
    let client = Client::new(sandbox.bluepay_config()).unwrap();
    let err = client
        .qr_code_detail(types::QrCodeDetailParam::builder().mch_order_id("X1"))
        .await
        .unwrap_err();
    assert_eq!(err.code().map(|c| c.code()), Some(21011));
    // The rule: QR codes are paid by themselves.
    client
        .qr_code_create(
            types::QrCodeCreateParam::builder()
                .channel_code("THAI_DYNAMIC_QR")
                .mch_order_id("AUTO1")
                .amount(100)
                .notify_url("http://127.0.0.1:9/n"),
        )
        .await
        .unwrap();
    common::settled_notification(&sandbox, "qrcode.payment.success").await;
    assert_eq!(
        sandbox.admin().get("settings").await.unwrap()["bluepay_payout_notify_url"],
        "http://127.0.0.1:9/payout"
    );
    // A config file naming an unknown operation is refused at start.
    std::fs::write(
        &path,
        json!({"faults": [{"gateway": "sgate", "operation": "nope"}]}).to_string(),
    )
    .unwrap();
    let err = Sandbox::start(SandboxConfig {
        config_file: Some(path),
        ..common::config()
    })
    .await
    .unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
}

#[tokio::test]
async fn a_restart_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("state.db");
    let config = || SandboxConfig {
        storage: Storage::File(db.clone()),
        notify: paybind_sandbox::NotifyPolicy {
            max_attempts: 50,
            initial_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_millis(100),
            timeout: Duration::from_secs(2),
        },
        ..common::config()
    };
    // A receiver that is down for now: the notification stays queued across the restart.
    let receiver_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let notify_url = format!("http://127.0.0.1:{receiver_port}/notify");
    let first = Sandbox::start(config()).await.unwrap();
    let client = Client::new(first.bluepay_config()).unwrap();
    client
        .qr_code_create(
            types::QrCodeCreateParam::builder()
                .channel_code("THAI_DYNAMIC_QR")
                .mch_order_id("KEEP1")
                .amount(2500)
                .notify_url(notify_url.clone()),
        )
        .await
        .unwrap();
    first
        .admin()
        .pay_qr(paybind_sandbox::Gateway::BluePay, "KEEP1")
        .await
        .unwrap();
    fault(
        &first,
        json!({"gateway": "bluepay", "operation": "webpay_detail", "error_code": 21011}),
    )
    .await;
    let sgate = paybind::sgate::Client::new(first.sgate_config()).unwrap();
    sgate
        .customer_create(
            paybind::sgate::types::CustomerCreateParam::builder()
                .name_e("keep")
                .name_a("keep")
                .mercustomid("keep1")
                .identity("1012345678")
                .stcaccount("598765432"),
        )
        .await
        .unwrap();
    common::eventually(10, || {
        common::notifications_for(&first, "qrcode.payment.success")
            .first()
            .filter(|n| !n["attempts"].as_array().unwrap().is_empty())
            .cloned()
    })
    .await;
    first.shutdown().await;

    let second = Sandbox::start(config()).await.unwrap();
    let client = Client::new(second.bluepay_config()).unwrap();
    let detail = client
        .qr_code_detail(types::QrCodeDetailParam::builder().mch_order_id("KEEP1"))
        .await
        .unwrap();
    assert_eq!(
        detail.transaction_status,
        Some(paybind::bluepay::TransactionStatus::Completed)
    );
    let balance = client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .unwrap();
    assert_eq!(balance.balance.minor_units(), Some(1_000_000 + 2500));
    assert_eq!(second.admin().faults().await.unwrap().len(), 1);
    let sgate = paybind::sgate::Client::new(second.sgate_config()).unwrap();
    let customer = sgate
        .customer_detail(|q| q.mercustomid("keep1"))
        .await
        .unwrap();
    assert_eq!(customer.identity.unwrap().expose(), "1012345678");
    // Ids keep counting: no clash with what the first run issued.
    client
        .qr_code_create(
            types::QrCodeCreateParam::builder()
                .channel_code("THAI_DYNAMIC_QR")
                .mch_order_id("KEEP2")
                .amount(1)
                .notify_url("http://127.0.0.1:9/n"),
        )
        .await
        .unwrap();
    let again = client
        .qr_code_detail(types::QrCodeDetailParam::builder().mch_order_id("KEEP2"))
        .await
        .unwrap();
    assert_ne!(again.transaction_id, detail.transaction_id);
    // The queued notification is delivered once the receiver is up.
    let receiver = tokio::net::TcpListener::bind(("127.0.0.1", receiver_port))
        .await
        .unwrap();
    let app = axum::Router::new().fallback(|| async { paybind::bluepay::ACK_BODY });
    tokio::spawn(async move { axum::serve(receiver, app).await.ok() });
    let n = common::eventually(15, || {
        common::notifications_for(&second, "qrcode.payment.success")
            .into_iter()
            .find(|n| n["status"] == "delivered")
    })
    .await;
    assert!(n["attempts"].as_array().unwrap().len() >= 2);
}

#[tokio::test]
async fn generated_keys_are_written_once_and_reused() {
    let dir = tempfile::tempdir().unwrap();
    let config = || SandboxConfig {
        storage: Storage::Memory,
        keys: None,
        keys_dir: Some(dir.path().join("keys")),
        ..common::config()
    };
    let first = Sandbox::start(config()).await.unwrap();
    let paths: Vec<_> = first.key_paths().iter().map(|k| k.path.clone()).collect();
    assert_eq!(paths.len(), 8);
    assert!(paths.iter().all(|p| p.exists()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let private = first
            .key_paths()
            .iter()
            .find(|k| k.role == "bluepay-merchant-private")
            .unwrap();
        assert_eq!(
            std::fs::metadata(&private.path)
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
    }
    let public = first.keys().bluepay_gateway_public();
    drop(first);
    let second = Sandbox::start(config()).await.unwrap();
    assert_eq!(second.keys().bluepay_gateway_public(), public);
    // The files are what a client needs: load them and call.
    let merchant =
        paybind::keys::PrivateKey::from_file(dir.path().join("keys/bluepay-merchant-private.pem"))
            .unwrap();
    let client = Client::new(paybind::bluepay::Config::new(
        paybind::bluepay::Environment::Url(second.bluepay_url()),
        second.bluepay_app_id(),
        merchant.clone(),
        crate::common::bluepay_gateway_public(),
    ))
    .unwrap();
    client.balance_inquiry(balance()).await.unwrap();
    assert!(!format!("{:?}", second.keys()).contains("PRIVATE"));
}
