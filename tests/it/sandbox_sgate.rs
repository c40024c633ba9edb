//! The sandbox as SGATE: header signatures, decryption and status codes; customers through
//! review, payment orders through payout, OTPs, statement and virtual-account callbacks — every
//! answer signed and verified by the real client.

use crate::common;

use paybind::money::Decimal2;
use paybind::sandbox::{Sandbox, SandboxConfig};
use paybind::sgate::signing::{digest_hex, sign_digest, signature_data};
use paybind::sgate::{
    types, Client, CustomerStatus, Error, Notification, PaymentOrderStatus, ResultCode,
    StatementOutcome,
};
use serde_json::{json, Value};

fn client(sandbox: &Sandbox) -> Client {
    Client::new(sandbox.sgate_config()).expect("client")
}

fn code<T: std::fmt::Debug>(result: Result<T, Error>) -> i64 {
    match result {
        Err(e) => e
            .code()
            .map(|c| c.code())
            .unwrap_or_else(|| panic!("{e:?}")),
        Ok(v) => panic!("expected an SGATE code, got {v:?}"),
    }
}

/// A hand-signed request, to send what the client never would.
async fn raw(
    sandbox: &Sandbox,
    method: &str,
    path: &str,
    body: &str,
    tweak: impl FnOnce(&mut Vec<(&'static str, String)>),
) -> (reqwest::header::HeaderMap, Value) {
    let url = format!("/sgate{path}");
    let ts = chrono::Utc::now().timestamp();
    let data = signature_data(sandbox.sgate_api_key(), ts, "n0nce", &url, method, body);
    let signature = sign_digest(&sandbox.keys().sgate_merchant, &digest_hex(&data));
    let mut headers = vec![
        ("V-Api-Key", sandbox.sgate_api_key().to_string()),
        ("V-Api-Version", "1".to_string()),
        ("V-Timestamp", ts.to_string()),
        ("V-Nonce-Str", "n0nce".to_string()),
        ("V-Signature", signature),
        ("User-Agent", "raw-test".to_string()),
        ("Content-Type", "application/json".to_string()),
    ];
    tweak(&mut headers);
    let mut request = reqwest::Client::new().request(
        method.parse().unwrap(),
        format!("{}{url}", sandbox.base_url()),
    );
    for (k, v) in headers {
        request = request.header(k, v);
    }
    let response = request.body(body.to_string()).send().await.unwrap();
    let headers = response.headers().clone();
    (headers, response.json().await.unwrap())
}

fn drop_header(name: &'static str) -> impl FnOnce(&mut Vec<(&'static str, String)>) {
    move |h| h.retain(|(k, _)| *k != name)
}

fn set_header(
    name: &'static str,
    value: &'static str,
) -> impl FnOnce(&mut Vec<(&'static str, String)>) {
    move |h| {
        h.retain(|(k, _)| *k != name);
        h.push((name, value.to_string()));
    }
}

#[tokio::test]
async fn header_checks_give_the_documented_codes_with_an_empty_signature() {
    let sandbox = common::sandbox().await;
    let balance = "/openApi/v1/merchant/balance";
    let (headers, ok) = raw(&sandbox, "GET", balance, "", |_| {}).await;
    assert_eq!(ok["code"], 200, "{ok}");
    assert_eq!(headers["v-signature"].len(), 344);
    for (tweak, expected) in [
        (
            Box::new(drop_header("V-Api-Key")) as Box<dyn FnOnce(&mut Vec<_>)>,
            1200,
        ),
        (Box::new(set_header("V-Api-Key", "other")), 1201),
        (Box::new(drop_header("V-Api-Version")), 1208),
        (Box::new(set_header("V-Api-Version", "2")), 1210),
        (Box::new(drop_header("User-Agent")), 1211),
        (Box::new(drop_header("V-Nonce-Str")), 1208),
        (Box::new(set_header("V-Timestamp", "soon")), 1209),
        (Box::new(set_header("V-Nonce-Str", "other")), 1213),
    ] {
        let (headers, answer) = raw(&sandbox, "GET", balance, "", tweak).await;
        assert_eq!(answer["code"], expected, "{answer}");
        assert_eq!(
            headers["v-signature"], "",
            "authentication failures are unsigned"
        );
    }
    // The client turns the unsigned answer into an authentication error, never success.
    let config = paybind::sgate::Config::new(
        paybind::sgate::Environment::Url(sandbox.sgate_url()),
        "wrong-key",
        sandbox.keys().sgate_merchant.clone(),
        sandbox.keys().sgate_system_public(),
    )
    .timeout(std::time::Duration::from_secs(5));
    let err = Client::new(config)
        .unwrap()
        .merchant_balance()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Authentication { .. }), "{err:?}");
    // The unsigned body's claimed code (1201) is not read: anyone could have written it.
    assert_eq!(err.code(), None);
    assert!(String::from_utf8_lossy(err.raw_body().unwrap()).contains("1201"));
    // 1204: an old timestamp.
    let stale = Client::new(
        sandbox
            .sgate_config()
            .clock(paybind::clock::FixedClock(1_700_000_000_000))
            .freshness_window(None),
    )
    .unwrap();
    // Unsigned, so only the raw body says 1204.
    let err = stale.merchant_balance().await.unwrap_err();
    assert!(matches!(err, Error::Authentication { .. }), "{err:?}");
    assert!(String::from_utf8_lossy(err.raw_body().unwrap()).contains("1204"));
    // 1203: a sensitive member that is not ciphertext; 1102 / 1103: the spec's rules.
    let body = json!({"name_e": "a", "name_a": "a", "mercustomid": "u1", "identity": "plain", "stcaccount": "x"}).to_string();
    let (_, answer) = raw(
        &sandbox,
        "POST",
        "/openApi/v1/payee/custom/create",
        &body,
        |_| {},
    )
    .await;
    assert_eq!(answer["code"], 1203, "{answer}");
    let (_, answer) = raw(
        &sandbox,
        "POST",
        "/openApi/v1/payee/custom/create",
        "{}",
        |_| {},
    )
    .await;
    assert_eq!(answer["code"], 1102, "{answer}");
    let (_, answer) = raw(
        &sandbox,
        "GET",
        "/openApi/v1/payee/custom/list?pagesize=500",
        "",
        |_| {},
    )
    .await;
    assert_eq!(answer["code"], 1103, "{answer}");
    // The signature covers the path as received, prefix included.
    let logged = sandbox.requests();
    assert!(logged
        .iter()
        .any(|r| r.path == "/sgate/openApi/v1/merchant/balance" && r.signature_ok));
    assert!(logged
        .iter()
        .all(|r| r.headers.get("v-api-key").is_none_or(|v| v == "<redacted>")));
}

fn bank_customer(mer: &str, cardno: &str, iban: &str) -> types::builder::CustomerCreateParam {
    types::CustomerCreateParam::builder()
        .name_e("usera")
        .name_a("usera")
        .mercustomid(mer)
        .identity("1012345678")
        .bankcode(Some("1174c".parse::<types::BankCodeParam>().unwrap()))
        .cardno(Some(cardno.into()))
        .ibanaccount(Some(
            iban.parse::<types::CustomerCreateParamIbanaccount>()
                .unwrap(),
        ))
}

fn order(mer: &str, uid: &str, amount: &str) -> types::builder::PaymentOrderCreateParam {
    types::PaymentOrderCreateParam::builder()
        .mercustomid(Some(
            mer.parse::<types::PaymentOrderCreateParamMercustomid>()
                .unwrap(),
        ))
        .payeeuid(uid)
        .amount(amount.parse::<Decimal2>().unwrap())
        .currency(types::PaymentOrderCreateParamCurrency::Sar)
        .paymentmethod(types::PaymentOrderCreateParamPaymentmethod::BankTransfer)
}

#[tokio::test]
async fn customers_go_through_review_and_orders_through_payout_with_callbacks() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let verifier = client.callbacks().clone();
    let receiver = common::Receiver::start_with(
        0,
        std::sync::Arc::new(move |hit: &common::Hit| {
            verifier
                .verify_callback(&hit.headers, &hit.path, &hit.body)
                .is_ok()
        }),
    )
    .await;
    sandbox
        .admin()
        .put(
            "settings",
            json!({"sgate_callback_url": receiver.url("/sgate/callback?m=1")}),
        )
        .await
        .unwrap();

    // A test account: reviewed automatically (Normal), callback with decrypted members.
    let test = client
        .customer_create(bank_customer(
            "u001",
            "5123450000000001",
            "SA0000000000000000000001",
        ))
        .await
        .unwrap();
    assert_eq!(test.status, Some(CustomerStatus::Pending));
    assert_eq!(test.identity.as_ref().unwrap().expose(), "1012345678");
    assert_eq!(test.bankname.as_deref(), Some("Riyad Bank"));
    common::eventually(10, || (!receiver.processed().is_empty()).then_some(())).await;
    let hit = &receiver.processed()[0];
    match client
        .verify_callback(&hit.headers, &hit.path, &hit.body)
        .unwrap()
    {
        Notification::CustomStatusChange(event) => {
            assert_eq!(event.data.status, Some(CustomerStatus::Normal));
            assert_eq!(
                event.data.cardno.as_ref().unwrap().expose(),
                "5123450000000001"
            );
        }
        other => panic!("{other:?}"),
    }
    // The wire carried ciphertext, not the card number.
    assert!(!String::from_utf8_lossy(&hit.body).contains("5123450000000001"));

    // An ordinary customer: Incomplete until the ID photo, then Pending until approved.
    let plain = client
        .customer_create(bank_customer(
            "u002",
            "5123459999999999",
            "SA1111111111111111111111",
        ))
        .await
        .unwrap();
    assert_eq!(plain.status, Some(CustomerStatus::Incomplete));
    assert_eq!(
        code(
            client
                .payment_order_create(order("u002", "PAY0001", "10.00"))
                .await
        ),
        1300
    );
    let png = b"\x89PNG\r\n\x1a\nfake".to_vec();
    let uploaded = client
        .customer_file_upload()
        .mercustomid("u002")
        .file(
            types::CustomerFileUploadParamType::Identitypic,
            "id.png",
            png,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status, Some(CustomerStatus::Pending));
    assert!(uploaded
        .identitypic
        .as_ref()
        .unwrap()
        .expose()
        .ends_with("identitypic.png"));
    sandbox
        .admin()
        .post("sgate/customers/u002/approve", json!({}))
        .await
        .unwrap();
    let detail = client
        .customer_detail(|q| q.mercustomid("u002"))
        .await
        .unwrap();
    assert_eq!(detail.status, Some(CustomerStatus::Normal));

    // Its payout waits for an admin decision; the balance is held meanwhile.
    let created = client
        .payment_order_create(order("u002", "PAY0001", "18.75"))
        .await
        .unwrap();
    assert_eq!(created.status, Some(PaymentOrderStatus::Pending));
    assert_eq!(created.fee, Some(Decimal2::from_minor_units(94)));
    assert_eq!(created.realamount, Some(Decimal2::from_minor_units(1781)));
    assert_eq!(
        created
            .custominfo
            .as_ref()
            .unwrap()
            .cardno
            .as_ref()
            .unwrap()
            .expose(),
        "5123459999999999"
    );
    let balances = client.merchant_balance().await.unwrap();
    assert_eq!(
        balances[0].balance,
        Some(Decimal2::from_minor_units(100_000_000 - 1875))
    );
    sandbox
        .admin()
        .post("sgate/orders/PAY0001/complete", json!({}))
        .await
        .unwrap();
    let done = client
        .payment_order_detail(|q| q.payeeuid("PAY0001"))
        .await
        .unwrap();
    assert_eq!(done.status, Some(PaymentOrderStatus::Transferred));

    // A test account whose payment result is Error: automatic, money back.
    client
        .customer_create(bank_customer(
            "u003",
            "5123450000000003",
            "SA0000000000000000000003",
        ))
        .await
        .unwrap();
    wait_status(&sandbox, "sgate/customers/u003", 1).await;
    client
        .payment_order_create(order("u003", "PAY0002", "50.00"))
        .await
        .unwrap();
    wait_status(&sandbox, "sgate/orders/PAY0002", 2).await;
    let balances = client.merchant_balance().await.unwrap();
    assert_eq!(
        balances[0].balance,
        Some(Decimal2::from_minor_units(100_000_000 - 1875))
    );
    common::eventually(10, || {
        (common::notifications_for(&sandbox, "SALARY_STATUS_CHANGE")
            .iter()
            .filter(|n| n["status"] == "delivered")
            .count()
            == 2)
            .then_some(())
    })
    .await;
    let orders = client.payment_order_list(|q| q.status(2i64)).await.unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].payeeuid.as_deref(), Some("PAY0002"));

    // Business codes.
    assert_eq!(
        code(
            client
                .customer_create(bank_customer(
                    "u001",
                    "5123450000000001",
                    "SA0000000000000000000001"
                ))
                .await
        ),
        1302
    );
    assert_eq!(
        code(
            client
                .payment_order_create(order("u001", "PAY0001", "1.00"))
                .await
        ),
        1401
    );
    assert_eq!(
        code(
            client
                .payment_order_create(order("nobody", "PAY0009", "1.00"))
                .await
        ),
        1101
    );
    sandbox
        .admin()
        .put("sgate/balance", json!({"currency": "SAR", "amount": 5}))
        .await
        .unwrap();
    assert_eq!(
        code(
            client
                .payment_order_create(order("u001", "PAY0010", "5.01"))
                .await
        ),
        1402
    );
    assert_eq!(
        code(
            client
                .payment_order_create(
                    order("u001", "PAY0011", "1.00")
                        .paymentmethod(types::PaymentOrderCreateParamPaymentmethod::StcPay)
                )
                .await
        ),
        1403
    );
}

/// Waits until the admin API shows `status` for `path` (`sgate/customers/u1`).
async fn wait_status(sandbox: &Sandbox, path: &str, status: i64) {
    for _ in 0..500 {
        if let Ok(v) = sandbox.admin().get(path).await {
            if v["status"] == status {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("{path} never reached status {status}");
}

#[tokio::test]
async fn rapid_orders_approve_the_customer_and_pay_by_test_account() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let rapid = client
        .payment_order_rapid(
            types::PaymentOrderRapidParam::builder()
                .mercustomid("u0043")
                .payeeuid("RAPID1")
                .amount("33.33".parse::<Decimal2>().unwrap())
                .currency(types::PaymentOrderRapidParamCurrency::Sar)
                .paymentmethod(types::PaymentOrderRapidParamPaymentmethod::StcPay)
                .stcaccount(Some("0512345678".into())),
        )
        .await
        .unwrap();
    assert_eq!(rapid.trantype.as_ref().map(|t| t.as_str()), Some("rapid"));
    let info = rapid.custominfo.unwrap();
    assert_eq!(info.status, Some(CustomerStatus::Normal));
    assert_eq!(info.stcaccount.unwrap().expose(), "0512345678");
    wait_status(&sandbox, "sgate/orders/RAPID1", 1).await;
}

#[tokio::test]
async fn otp_tasks_with_test_numbers_and_real_ones() {
    let sandbox = common::sandbox().await;
    let client = client(&sandbox);
    let task = client
        .otp_send(
            types::OtpSendParam::builder()
                .mobile("+966512345678")
                .appname("TestApp"),
        )
        .await
        .unwrap();
    assert_eq!(
        task.sessionid.as_deref(),
        Some("10290d703f8254593ff93533f00af153")
    );
    let check = |mobile: &str, code: &str, session: &str| {
        types::OtpCheckParam::builder()
            .mobile(mobile)
            .code(code)
            .sessionid(session)
    };
    assert_eq!(
        code(
            client
                .otp_check(check(
                    "512345678",
                    "654321",
                    "10290d703f8254593ff93533f00af153"
                ))
                .await
        ),
        1609
    );
    client
        .otp_check(check(
            "0512345678",
            "123456",
            "10290d703f8254593ff93533f00af153",
        ))
        .await
        .unwrap();
    // A real number: the code is in the sandbox's SMS inbox; rate limited to one a minute.
    let task = client
        .otp_send(
            types::OtpSendParam::builder()
                .mobile("0598765432")
                .appname("TestApp"),
        )
        .await
        .unwrap();
    let session = task.sessionid.unwrap();
    assert_eq!(
        code(
            client
                .otp_send(
                    types::OtpSendParam::builder()
                        .mobile("598765432")
                        .appname("TestApp")
                )
                .await
        ),
        1611
    );
    let inbox = sandbox.admin().get("sgate/otp").await.unwrap();
    let sms = inbox
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["sessionid"] == session.as_str())
        .unwrap();
    let otp = sms["code"].as_str().unwrap().to_string();
    assert_eq!(
        code(client.otp_check(check("0512345678", &otp, &session)).await),
        1608
    );
    assert_eq!(
        code(
            client
                .otp_check(check(
                    "0598765432",
                    &otp,
                    "00000000000000000000000000000000"
                ))
                .await
        ),
        1610
    );
    client
        .otp_check(check("0598765432", &otp, &session))
        .await
        .unwrap();
    assert_eq!(
        code(client.otp_check(check("0598765432", &otp, &session)).await),
        1607
    );
    let detail = client
        .otp_detail(|q| q.mobile("966598765432").sessionid(session.clone()))
        .await
        .unwrap();
    assert_eq!(detail.sessionid.as_deref(), Some(session.as_str()));
}

#[tokio::test]
async fn statement_virtual_account_banks_and_rates() {
    let sandbox = Sandbox::start(SandboxConfig {
        timestamp_window: None,
        ..common::config()
    })
    .await
    .unwrap();
    // The test advances the sandbox clock a day: its answers are then signed a day ahead of
    // this machine's clock, outside the default freshness window.
    let client = Client::new(
        sandbox
            .sgate_config()
            .freshness_window(Some(std::time::Duration::from_secs(2 * 86_400))),
    )
    .unwrap();
    let receiver = common::Receiver::start(0).await;
    sandbox
        .admin()
        .put(
            "settings",
            json!({"sgate_callback_url": receiver.url("/cb")}),
        )
        .await
        .unwrap();
    // Without a day the request carries none and SGATE serves yesterday's (Riyadh) file, which
    // is always made: the file, with its header line and no payment (there is none yet).
    let mut file = Vec::new();
    let outcome = client
        .statement_download()
        .to_writer(&mut file)
        .await
        .unwrap();
    match outcome {
        StatementOutcome::Written {
            bytes,
            content_verified,
            ..
        } => {
            assert!(content_verified);
            assert_eq!(bytes, file.len() as u64);
        }
        other => panic!("yesterday's statement is ready: {other:?}"),
    }
    let text = String::from_utf8(file).unwrap();
    assert!(text.starts_with("Merchant_ID,"), "{text}");
    assert_eq!(text.lines().count(), 1, "no payment yet: {text}");
    let sent = sandbox.requests().pop().unwrap();
    assert_eq!(sent.operation, "statement_download");
    assert!(!sent.path.contains("day="), "{}", sent.path);
    // Today's statement is not ready (202); it is once a day has passed.
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(3 * 3600).unwrap())
        .date_naive();
    match client
        .statement_download()
        .day(today)
        .to_writer(&mut Vec::new())
        .await
        .unwrap()
    {
        StatementOutcome::NotReady(n) => {
            assert_eq!(n.code, Some(ResultCode::StatementFileProcessing))
        }
        other => panic!("{other:?}"),
    }
    client
        .customer_create(bank_customer(
            "s001",
            "5123450000000002",
            "SA0000000000000000000002",
        ))
        .await
        .unwrap();
    wait_status(&sandbox, "sgate/customers/s001", 1).await;
    client
        .payment_order_create(order("s001", "STMT1", "20.00"))
        .await
        .unwrap();
    wait_status(&sandbox, "sgate/orders/STMT1", 1).await;
    sandbox
        .admin()
        .post("clock/advance", json!({"days": 1}))
        .await
        .unwrap();
    let mut file = Vec::new();
    let outcome = client
        .statement_download()
        .day(today)
        .to_writer(&mut file)
        .await
        .unwrap();
    match outcome {
        StatementOutcome::Written {
            content_verified,
            file_name,
            ..
        } => {
            assert!(content_verified);
            assert!(file_name.unwrap().starts_with("GCCRECO_"));
        }
        other => panic!("{other:?}"),
    }
    let text = String::from_utf8(file).unwrap();
    assert!(
        text.contains("STMT1") && text.contains("512345******0002"),
        "{text}"
    );

    // A transfer into a virtual account: listed, credited, called back.
    sandbox
        .admin()
        .post("sgate/virtual-account/transfers", json!({"account": "SA9080000000000000000001", "amount": 50, "custname": "Muhammad Ali"}))
        .await
        .unwrap();
    let transfers = client
        .va_receiving_trans_list(|q| q.account("SA9080000000000000000001"))
        .await
        .unwrap();
    assert_eq!(transfers.len(), 1);
    assert_eq!(transfers[0].amount, Some(Decimal2::from_minor_units(5000)));
    let n = common::settled_notification(&sandbox, "RECEIVING_TRANS_NOTIFICATION").await;
    assert_eq!(n["status"], "delivered");
    match client
        .verify_callback(
            &receiver.processed().last().unwrap().headers,
            "/cb",
            &receiver.processed().last().unwrap().body,
        )
        .unwrap()
    {
        Notification::ReceivingTransNotification(event) => {
            assert_eq!(event.data.amount, Some(Decimal2::from_minor_units(5000)))
        }
        other => panic!("{other:?}"),
    }
    // Banks and rates come from the spec's documented data.
    assert_eq!(
        client
            .bank_list(|q| q.country(types::BankListCountry::All))
            .await
            .unwrap()
            .len(),
        168
    );
    assert_eq!(client.bank_list(|q| q).await.unwrap().len(), 12);
    let rates = client.exchange_rate().await.unwrap();
    assert_eq!(rates[0].ratenm.as_deref(), Some("KWD/SAR"));
}
