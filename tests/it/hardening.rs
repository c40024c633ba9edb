//! Issue 11's transport, retry, freshness, link and secret rules, each against what would break
//! it: a redirecting or oversized server, a handshake that never finishes, a 5xx on an
//! operation the gateway does not de-duplicate, an old signed answer, a link to another host,
//! a card number given with the wrong type.

use std::sync::atomic::Ordering;
use std::time::Duration;

use paybind::config::Environment;
use paybind::error::{Error, SignatureError};
use paybind::spec::Repeat;
use serde_json::json;

use crate::common::{self, raw_server};
use crate::sgate_support::{merchant_private, system_public, API_KEY};

fn bluepay(url: &str) -> paybind::bluepay::Client {
    let key = common::key("merchant-2048.pem");
    let config = paybind::bluepay::Config::new(
        Environment::Url(url.into()),
        "app-1",
        key.clone(),
        crate::common::bluepay_gateway_public(),
    )
    .connect_retries(0)
    .timeout(Duration::from_secs(10));
    paybind::bluepay::Client::new(config).unwrap()
}

fn sgate(url: &str) -> paybind::sgate::Config {
    paybind::sgate::Config::new(
        Environment::Url(url.into()),
        API_KEY,
        merchant_private(),
        system_public(),
    )
    .connect_retries(0)
    .timeout(Duration::from_secs(10))
}

fn balance() -> paybind::bluepay::types::builder::BalanceInquiryParam {
    paybind::bluepay::types::BalanceInquiryParam::builder()
}

#[tokio::test]
async fn a_redirect_is_an_error_and_no_signed_request_follows_it() {
    let (elsewhere, elsewhere_hits) =
        raw_server(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".to_vec()).await;
    for status in [
        "307 Temporary Redirect",
        "302 Found",
        "301 Moved Permanently",
    ] {
        let answer = format!(
            "HTTP/1.1 {status}\r\nLocation: {elsewhere}/steal\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        let (gateway, gateway_hits) = raw_server(answer.into_bytes()).await;
        // The envelope's signed body (BluePay) …
        let err = bluepay(&gateway)
            .balance_inquiry(balance())
            .await
            .unwrap_err();
        match &err {
            Error::Redirect {
                status: got,
                location,
            } => {
                assert_eq!(&got.to_string()[..3], &status[..3]);
                assert_eq!(location.as_deref(), Some(&*format!("{elsewhere}/steal")));
            }
            other => panic!("{status}: {other:?}"),
        }
        // The message does not quote the link (it may carry a token); `location` keeps it.
        assert!(!err.to_string().contains("/steal"), "{err}");
        // … and SGATE's V-Api-Key / V-Signature, by the generated GET and the JSON path.
        let client = paybind::sgate::Client::new(sgate(&gateway)).unwrap();
        let err = client.merchant_balance().await.unwrap_err();
        assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
        let err = client
            .call_json("payment_order_detail", json!({"payeeuid": "P1"}))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
        assert_eq!(gateway_hits.load(Ordering::SeqCst), 3);
    }
    assert_eq!(
        elsewhere_hits.load(Ordering::SeqCst),
        0,
        "nothing followed a redirect"
    );
}

#[tokio::test]
async fn a_connect_timeout_sent_nothing_and_may_be_retried() {
    // Accepts TCP (the kernel's backlog) but never speaks TLS: the handshake never finishes.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", silent.local_addr().unwrap());
    let key = common::key("merchant-2048.pem");
    let config = paybind::bluepay::Config::new(
        Environment::Url(url),
        "app-1",
        key.clone(),
        crate::common::bluepay_gateway_public(),
    )
    .connect_retries(0)
    .connect_timeout(Duration::from_millis(300))
    .timeout(Duration::from_secs(20));
    let started = std::time::Instant::now();
    let err = paybind::bluepay::Client::new(config)
        .unwrap()
        .balance_inquiry(balance())
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "the connect timeout ended it"
    );
    assert!(
        matches!(
            err,
            Error::Transport {
                may_have_been_sent: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.may_have_been_sent());
    assert!(err.is_retryable());
    drop(silent);
}

#[tokio::test]
async fn answers_over_the_cap_are_refused() {
    let big = vec![b' '; 2 << 20];
    // Declared too large: refused before reading.
    let mut declared =
        format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", big.len()).into_bytes();
    declared.extend_from_slice(&big);
    // Undeclared (read until close): stopped at the cap.
    let mut undeclared = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec();
    undeclared.extend_from_slice(&big);
    for answer in [declared, undeclared] {
        let (url, _) = raw_server(answer).await;
        let key = common::key("merchant-2048.pem");
        let config = paybind::bluepay::Config::new(
            Environment::Url(url.clone()),
            "app-1",
            key.clone(),
            crate::common::bluepay_gateway_public(),
        )
        .max_answer_bytes(1 << 20);
        let err = paybind::bluepay::Client::new(config)
            .unwrap()
            .balance_inquiry(balance())
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::TooLarge { limit } if limit == 1 << 20),
            "{err:?}"
        );
        let client = paybind::sgate::Client::new(sgate(&url).max_answer_bytes(1 << 20)).unwrap();
        let err = client.merchant_balance().await.unwrap_err();
        assert!(matches!(err, Error::TooLarge { .. }), "{err:?}");
    }
}

fn repeat_of(ops: &[paybind::spec::Operation], id: &str) -> Repeat {
    ops.iter().find(|op| op.id == id).unwrap().repeat
}

#[test]
fn the_spec_marks_which_operations_may_be_repeated() {
    let sgate = paybind::sgate::operations();
    assert_eq!(
        repeat_of(sgate, "payment_order_create"),
        Repeat::Deduplicated("payeeuid")
    );
    assert_eq!(
        repeat_of(sgate, "payment_order_rapid"),
        Repeat::Deduplicated("payeeuid")
    );
    assert_eq!(
        repeat_of(sgate, "customer_create"),
        Repeat::Deduplicated("mercustomid")
    );
    assert_eq!(repeat_of(sgate, "payment_order_detail"), Repeat::ReadOnly);
    for unsafe_op in [
        "otp_send",
        "otp_check",
        "customer_update",
        "customer_file_upload",
    ] {
        assert_eq!(repeat_of(sgate, unsafe_op), Repeat::Unsafe, "{unsafe_op}");
    }
    let bluepay = paybind::bluepay::operations();
    assert_eq!(
        repeat_of(bluepay, "payout_create"),
        Repeat::Deduplicated("idempotencyId")
    );
    assert_eq!(
        repeat_of(bluepay, "refund_create"),
        Repeat::Deduplicated("mchRefundOrderId")
    );
    assert_eq!(repeat_of(bluepay, "payout_status"), Repeat::ReadOnly);
    assert_eq!(repeat_of(bluepay, "qr_code_cancel"), Repeat::Unsafe);
    let jt = paybind::bluepay_jt::operations();
    assert_eq!(
        repeat_of(jt, "payout_create"),
        Repeat::Deduplicated("idempotencyId")
    );
}

#[tokio::test]
async fn a_5xx_is_retryable_only_where_a_repeat_cannot_act_twice() {
    let sandbox = crate::sgate_support::sandbox().await;
    let client = crate::sgate_support::client(&sandbox);
    let fault = |operation: &str| json!({"gateway": "sgate", "operation": operation, "times": 1, "http_status": 503});
    sandbox
        .admin()
        .put("faults", fault("otp_send"))
        .await
        .unwrap();
    let err = client
        .call_json(
            "otp_send",
            json!({"mobile": "+966512345678", "appname": "TestApp"}),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Http { status, .. } if *status == 503),
        "{err:?}"
    );
    assert!(
        !err.is_retryable(),
        "otp_send is not de-duplicated: a repeat may text twice"
    );

    sandbox
        .admin()
        .put("faults", fault("payment_order_create"))
        .await
        .unwrap();
    let err = client
        .call_json(
            "payment_order_create",
            json!({"mercustomid": "u004", "payeeuid": "R503", "amount": 10, "currency": "SAR", "paymentmethod": "bankTransfer"}),
        )
        .await
        .unwrap_err();
    assert!(err.is_retryable(), "payeeuid de-duplicates: {err:?}");

    // A connection never established: always retryable, nothing was sent.
    let refused = paybind::sgate::Client::new(sgate("http://127.0.0.1:9")).unwrap();
    let err = refused
        .call_json(
            "otp_send",
            json!({"mobile": "+966512345678", "appname": "TestApp"}),
        )
        .await
        .unwrap_err();
    assert!(!err.may_have_been_sent() && err.is_retryable(), "{err:?}");
}

/// A download's error is built with its operation's repeat safety like any other call's:
/// `statement_download` and `report_download` only read, so a platform fault on them is worth
/// repeating.
#[tokio::test]
async fn a_5xx_on_a_read_only_download_is_retryable() {
    let sandbox = crate::sgate_support::sandbox().await;
    let client = crate::sgate_support::client(&sandbox);
    let fault = json!({"gateway": "sgate", "operation": "statement_download", "times": 1, "http_status": 503});
    sandbox.admin().put("faults", fault).await.unwrap();
    let mut out = Vec::new();
    let err = client
        .statement_download()
        .to_writer(&mut out)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Http { status, .. } if *status == 503),
        "{err:?}"
    );
    assert!(err.is_retryable(), "statement_download only reads: {err:?}");

    // BluePay JT's report: the file behind the link answers 503.
    let jt = paybind_sandbox::Sandbox::start(paybind_sandbox::SandboxConfig {
        timestamp_window: None,
        ..common::config()
    })
    .await
    .unwrap();
    let (other, _) =
        raw_server(b"HTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\nbusy".to_vec()).await;
    let client =
        paybind::bluepay_jt::Client::new(jt.bluepay_jt_config().link_origins([other.clone()]))
            .unwrap();
    common::next_report_link(&jt, &format!("{other}/report.csv")).await;
    let mut out = Vec::new();
    let err = client
        .download_report(common::report_param(), &mut out)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Http { status, .. } if *status == 503),
        "{err:?}"
    );
    assert!(err.is_retryable(), "report_download only reads: {err:?}");
}

#[tokio::test]
async fn an_old_validly_signed_answer_is_refused() {
    let sandbox = crate::sgate_support::sandbox().await;
    // The sandbox signs with the real time; a client whose clock says 2001 sees it as 25 years
    // away — as a client now sees an answer signed in 2001.
    let config = crate::sgate_support::config(&sandbox)
        .clock(paybind::clock::FixedClock(978_307_200_000))
        .freshness_window(Some(Duration::from_secs(300)));
    let client = paybind::sgate::Client::new(config).unwrap();
    let err = client.merchant_balance().await.unwrap_err();
    match &err {
        Error::BadSignature {
            reason:
                SignatureError::Stale {
                    window_seconds,
                    now,
                    ..
                },
            ..
        } => assert_eq!((*window_seconds, *now), (300, 978_307_200)),
        other => panic!("{other:?}"),
    }
    assert_eq!(err.code(), None);

    // The default configuration (`Config::new`, nothing set) refuses an answer signed an hour
    // ago: the sandbox signs with its own clock, moved back.
    let hour_ms = 3_600_000;
    sandbox.admin().move_clock(-hour_ms).await.unwrap();
    let default = paybind::sgate::Client::new(sandbox.sgate_config()).unwrap();
    let err = default.merchant_balance().await.unwrap_err();
    match &err {
        Error::BadSignature {
            reason:
                SignatureError::Stale {
                    window_seconds,
                    timestamp,
                    now,
                },
            ..
        } => {
            // 5 minutes, as `Config::freshness_window` documents.
            assert_eq!(*window_seconds, 300);
            assert!((now - timestamp).abs_diff(hour_ms / 1000) < 60, "{err:?}");
        }
        other => panic!("{other:?}"),
    }
    sandbox.admin().move_clock(hour_ms).await.unwrap();
    let fresh = paybind::sgate::Client::new(sandbox.sgate_config()).unwrap();
    fresh
        .merchant_balance()
        .await
        .expect("an answer signed now is accepted");
}

#[tokio::test]
async fn report_links_are_fetched_only_from_allowed_origins() {
    let sandbox = paybind_sandbox::Sandbox::start(paybind_sandbox::SandboxConfig {
        timestamp_window: None,
        ..common::config()
    })
    .await
    .unwrap();
    let client = paybind::bluepay_jt::Client::new(sandbox.bluepay_jt_config()).unwrap();
    let (other, other_hits) =
        raw_server(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfile".to_vec()).await;
    let param = common::report_param();
    for link in [
        format!("{other}/report.csv"),
        "http://169.254.169.254/latest/meta-data/".to_string(),
        "https://files.example.com/report.csv".to_string(),
        "file:///etc/passwd".to_string(),
    ] {
        common::next_report_link(&sandbox, &link).await;
        let mut out = Vec::new();
        let err = client
            .download_report(param.clone(), &mut out)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::LinkRefused { url, .. } if *url == link),
            "{link}: {err:?}"
        );
        assert!(out.is_empty());
    }
    assert_eq!(
        other_hits.load(Ordering::SeqCst),
        0,
        "no connection to a refused link"
    );
    // An origin the merchant allows is fetched.
    let allowed =
        paybind::bluepay_jt::Client::new(sandbox.bluepay_jt_config().link_origins([other.clone()]))
            .unwrap();
    common::next_report_link(&sandbox, &format!("{other}/r.csv")).await;
    let mut out = Vec::new();
    allowed
        .download_report(param, &mut out)
        .await
        .expect("allowed origin");
    assert_eq!(out, b"file");
    assert_eq!(other_hits.load(Ordering::SeqCst), 1);
}

#[test]
fn sensitive_values_serialise_redacted() {
    use paybind::sgate::Sensitive;
    let card = Sensitive::from("5123450000000001");
    assert_eq!(serde_json::to_string(&card).unwrap(), r#""[redacted]""#);
    // A decrypted model, logged as JSON.
    let customer: paybind::sgate::types::Customer = serde_json::from_value(json!({
        "customid": "12ad4", "mercustomid": "u1", "identity": "1234567890", "cardno": "5123450000000001"
    }))
    .unwrap();
    let dumped = serde_json::to_string(&customer).unwrap();
    assert!(
        !dumped.contains("5123450000000001") && !dumped.contains("1234567890"),
        "{dumped}"
    );
    assert!(!format!("{customer:?}").contains("5123450000000001"));
    assert_eq!(
        customer.cardno.as_ref().unwrap().expose(),
        "5123450000000001"
    );
}

#[tokio::test]
async fn a_card_number_of_the_wrong_type_is_not_echoed() {
    let client = crate::sgate_support::offline_client();
    let err = client
        .call_json(
            "customer_create",
            json!({"name_e": "A", "name_a": "A", "mercustomid": "u1", "identity": "1", "cardno": 5123450000000001u64}),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("5123450000000001"), "{text}");
    }
}
