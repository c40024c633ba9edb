//! Every SGATE operation end to end over real HTTP against the local SGATE in `sgate_support`:
//! the server checks each request's signature and decrypts its sensitive members independently;
//! its answers are signed (or tampered with) and carry encrypted members the client must decrypt.
#![cfg(feature = "sgate")]

mod sgate_support;

use paybind::money::Decimal2;
use paybind::sgate::signing::SignatureError;
use paybind::sgate::{types, Error, Notification, StatementOutcome, StatusCode};
use serde_json::json;
use sgate_support::{plain_value, signed_callback, Reply, Server, Tamper, API_KEY};

fn decrypted(server: &Server, member: &str) -> String {
    server.last().decrypted[member]
        .clone()
        .unwrap_or_else(|| panic!("{member} did not decrypt with the system private key"))
}

#[tokio::test]
async fn merchant_balance_and_exchange_rate() {
    let server = Server::start().await;
    let client = server.client();
    let balances = client.merchant_balance().await.expect("balance");
    assert_eq!(balances.len(), 1);
    assert_eq!(
        balances[0].balance,
        Some(Decimal2::from_minor_units(99_999_900))
    );
    assert_eq!(
        balances[0].currency.as_ref().map(|c| c.as_str()),
        Some("SAR")
    );
    let sent = server.last();
    assert!(sent.signature_ok);
    assert_eq!(sent.method, "GET");
    assert_eq!(sent.url, "/openApi/v1/merchant/balance");
    assert_eq!(sent.signed_body, "");
    assert_eq!(sent.headers["v-api-key"], API_KEY);
    assert_eq!(sent.headers["v-api-version"], "1");
    assert_eq!(sent.headers["v-timestamp"], "1719411598");
    assert_eq!(sent.headers["v-nonce-str"], sgate_support::CLIENT_NONCE);
    assert!(sent.headers["user-agent"]
        .to_str()
        .unwrap()
        .starts_with("paybind/"));
    assert!(!sent.headers.contains_key("api-version"));

    let rates = client.exchange_rate().await.expect("rates");
    assert_eq!(rates.len(), 2);
    assert_eq!(rates[0].ratenm.as_deref(), Some("KWD/SAR"));
    assert_eq!(rates[0].rate, Some(12.11));
}

#[tokio::test]
async fn customer_create_encrypts_out_and_decrypts_in() {
    let server = Server::start().await;
    let client = server.client();
    let customer = client
        .customer_create(
            types::CustomerCreateParam::builder()
                .name_e("usera")
                .name_a("usera")
                .mercustomid("u001")
                .identity("1012345678")
                .bankcode(Some("1174c".parse::<types::BankCodeParam>().unwrap()))
                .cardno(Some("5123450000000001".into()))
                .ibanaccount(Some(
                    "1234567892"
                        .parse::<types::CustomerCreateParamIbanaccount>()
                        .unwrap(),
                )),
        )
        .await
        .expect("created");
    // Out: encrypted with the system public key, signed over the exact body.
    let sent = server.last();
    assert!(sent.signature_ok);
    let body = sent.json();
    assert_ne!(body["identity"], "1012345678");
    assert_eq!(body["identity"].as_str().unwrap().len(), 344);
    assert_eq!(decrypted(&server, "identity"), "1012345678");
    assert_eq!(decrypted(&server, "cardno"), "5123450000000001");
    assert_eq!(body["ibanaccount"], "1234567892");
    // In: decrypted with the merchant private key, redacted in Debug.
    assert_eq!(customer.customid.as_deref(), Some("12ad4"));
    assert_eq!(
        customer.identity.as_ref().unwrap().expose(),
        plain_value("identity")
    );
    assert_eq!(
        customer.cardno.as_ref().unwrap().expose(),
        plain_value("cardno")
    );
    assert_eq!(customer.identitypic.as_ref().unwrap().expose(), "");
    assert_eq!(
        customer.status,
        Some(paybind::sgate::CustomerStatus::Incomplete)
    );
    let debug = format!("{customer:?}");
    assert!(!debug.contains(plain_value("cardno")), "{debug}");
    assert!(!debug.contains(plain_value("identity")), "{debug}");
    assert!(debug.contains("Sensitive(redacted)"));
}

#[tokio::test]
async fn customer_list_encrypts_query_filters_and_signs_the_encoded_url() {
    let server = Server::start().await;
    let client = server.client();
    let customers = client
        .customer_list(|q| {
            q.pageno(2u64)
                .pagesize(50u64)
                .cardno("5123450000000001")
                .name_e("user a")
        })
        .await
        .expect("list");
    assert_eq!(customers.len(), 1);
    assert_eq!(
        customers[0].identity.as_ref().unwrap().expose(),
        plain_value("identity")
    );
    let sent = server.last();
    assert!(
        sent.signature_ok,
        "signature covers the urlencoded query as sent"
    );
    assert!(sent.url.starts_with("/openApi/v1/payee/custom/list?"));
    assert!(sent.url.contains("pageno=2"));
    assert!(sent.url.contains("name_e=user+a"));
    assert!(!sent.url.contains("5123450000000001"));
    assert_eq!(decrypted(&server, "cardno"), "5123450000000001");
}

#[tokio::test]
async fn customer_detail_update_and_stc_otp() {
    let server = Server::start().await;
    let client = server.client();
    let customer = client
        .customer_detail(|q| q.mercustomid("u004"))
        .await
        .expect("detail");
    assert_eq!(customer.mercustomid.as_deref(), Some("u004"));
    assert_eq!(
        server.last().url,
        "/openApi/v1/payee/custom/detail?mercustomid=u004"
    );

    let updated = client
        .customer_update(
            types::CustomerUpdateParam::builder()
                .mercustomid(Some(
                    "u004"
                        .parse::<types::CustomerUpdateParamMercustomid>()
                        .unwrap(),
                ))
                .stcaccount(Some("512345678".into())),
        )
        .await
        .expect("update");
    assert_eq!(decrypted(&server, "stcaccount"), "512345678");
    assert_eq!(updated.name_e.as_deref(), Some("updTest2"));
    assert_eq!(
        updated.stcaccount.as_ref().unwrap().expose(),
        plain_value("stcaccount")
    );

    let empty = client
        .customer_stc_otp_resend(
            types::CustomerStcOtpResendParam::builder().customid(Some(
                "12ad4"
                    .parse::<types::CustomerStcOtpResendParamCustomid>()
                    .unwrap(),
            )),
        )
        .await
        .expect("resend");
    assert!(empty.0.is_empty());
    assert_eq!(server.last().json(), json!({"customid": "12ad4"}));
    client
        .customer_stc_otp_submit(
            types::CustomerStcOtpSubmitParam::builder()
                .mercustomid(Some(
                    "u004"
                        .parse::<types::CustomerStcOtpSubmitParamMercustomid>()
                        .unwrap(),
                ))
                .code("123456"),
        )
        .await
        .expect("submit");
    assert!(server.last().signature_ok);
}

#[tokio::test]
async fn customer_file_upload_is_multipart_signed_with_empty_body() {
    let server = Server::start().await;
    let client = server.client();
    let png = b"\x89PNG\r\n\x1a\nfake image bytes".to_vec();
    let customer = client
        .customer_file_upload()
        .mercustomid("u004")
        .file(
            types::CustomerFileUploadParamType::Identitypic,
            "id.png",
            png.clone(),
        )
        .send()
        .await
        .expect("upload");
    let sent = server.last();
    assert!(sent.signature_ok, "multipart is signed with body \"\"");
    assert_eq!(sent.url, "/openApi/v1/payee/custom/file");
    let content_type = sent.headers["content-type"].to_str().unwrap();
    assert!(content_type.starts_with("multipart/form-data; boundary="));
    let raw = String::from_utf8_lossy(&sent.body);
    let md5 = sgate_support::md5_hex(&png);
    assert!(raw.contains(&md5), "md5 field {md5} in {raw}");
    assert!(raw.contains("name=\"type\"\r\n\r\nidentitypic"));
    assert!(raw.contains("filename=\"id.png\"") && raw.contains("image/png"));
    assert_eq!(
        customer.status,
        Some(paybind::sgate::CustomerStatus::Pending)
    );
    assert_eq!(
        customer.identitypic.as_ref().unwrap().expose(),
        plain_value("identitypic")
    );
}

#[tokio::test]
async fn upload_checks_before_sending() {
    let server = Server::start().await;
    let client = server.client();
    let cases = [
        (client.customer_file_upload().mercustomid("u004"), "file"),
        (
            client.customer_file_upload().mercustomid("u004").file(
                types::CustomerFileUploadParamType::Signpic,
                "scan.pdf",
                vec![1, 2, 3],
            ),
            "file",
        ),
        (
            client.customer_file_upload().mercustomid("u004").file(
                types::CustomerFileUploadParamType::Signpic,
                "big.jpg",
                vec![0; 2048 * 1024 + 1],
            ),
            "file",
        ),
        (
            client.customer_file_upload().file(
                types::CustomerFileUploadParamType::Signpic,
                "sign.jpg",
                vec![1],
            ),
            "customid",
        ),
    ];
    for (upload, field) in cases {
        match upload.send().await {
            Err(Error::Validation(e)) => assert_eq!(e.field, field, "{e}"),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn banks_otp_and_virtual_account() {
    let server = Server::start().await;
    let client = server.client();
    let banks = client
        .bank_list(|q| q.country(types::BankListCountry::All))
        .await
        .expect("banks");
    assert_eq!(banks.len(), 168);
    assert_eq!(server.last().url, "/openApi/v1/payee/banks?country=ALL");
    assert_eq!(banks[0].bankcode.as_deref(), Some("114db"));

    let task = client
        .otp_send(
            types::OtpSendParam::builder()
                .mobile("+966512345678")
                .appname("TestApp"),
        )
        .await
        .expect("otp send");
    assert_eq!(
        task.sessionid.as_deref(),
        Some("10290d703f8254593ff93533f00af153")
    );
    assert_eq!(server.last().json()["mobile"], "+966512345678");
    client
        .otp_check(
            types::OtpCheckParam::builder()
                .mobile("+966512345678")
                .code("123456")
                .sessionid("10290d703f8254593ff93533f00af153"),
        )
        .await
        .expect("otp check");
    let detail = client
        .otp_detail(|q| {
            q.mobile("966580310251")
                .sessionid("800558b1fb8327742f17d63a3202093e")
        })
        .await
        .expect("otp detail");
    assert_eq!(detail.status.as_ref().map(|s| s.as_str()), Some("fail"));
    assert_eq!(
        detail.reportstatus,
        Some(paybind::sgate::OtpReportStatus::ReportedUnknown)
    );

    let transfers = client
        .va_receiving_trans_list(|q| q.account("SA9080000000000000000001").pagesize(10u64))
        .await
        .expect("va list");
    assert_eq!(transfers[0].amount, Some(Decimal2::from_minor_units(5000)));
    assert_eq!(
        transfers[0]
            .exchangeinfo
            .as_ref()
            .and_then(|e| e.custname.as_deref()),
        Some("Muhammad Ali")
    );
}

fn order_param() -> types::builder::PaymentOrderCreateParam {
    types::PaymentOrderCreateParam::builder()
        .mercustomid(Some(
            "u004"
                .parse::<types::PaymentOrderCreateParamMercustomid>()
                .unwrap(),
        ))
        .payeeuid("TEST1234567aa12sd2")
        .amount("2002".parse::<Decimal2>().unwrap())
        .currency(types::PaymentOrderCreateParamCurrency::Sar)
        .paymentmethod(types::PaymentOrderCreateParamPaymentmethod::BankTransfer)
}

#[tokio::test]
async fn payment_orders_create_list_detail_rapid() {
    let server = Server::start().await;
    let client = server.client();
    let order = client
        .payment_order_create(order_param())
        .await
        .expect("create");
    let sent = server.last();
    assert!(sent.signature_ok);
    assert_eq!(
        sent.json(),
        json!({"amount":2002,"currency":"SAR","mercustomid":"u004","payeeuid":"TEST1234567aa12sd2","paymentmethod":"bankTransfer"})
    );
    // The seed's answer: amounts exact, custominfo decrypted (object-shaped sensitiveFields).
    assert_eq!(order.ticketid.as_deref(), Some("17d59"));
    assert_eq!(order.amount, Some(Decimal2::from_minor_units(1875)));
    assert_eq!(order.fee, Some(Decimal2::from_minor_units(94)));
    let info = order.custominfo.as_ref().expect("custominfo");
    assert_eq!(
        info.cardno.as_ref().unwrap().expose(),
        plain_value("cardno")
    );
    assert_eq!(
        info.stcaccount.as_ref().unwrap().expose(),
        plain_value("stcaccount")
    );
    assert_eq!(info.signpic.as_ref().unwrap().expose(), "");
    assert_eq!(
        order.status,
        Some(paybind::sgate::PaymentOrderStatus::Pending)
    );

    let orders = client
        .payment_order_list(|q| q.status(0i64).payeeuid("TEST1234567aa12sd1"))
        .await
        .expect("list");
    assert_eq!(orders[0].fee, Some(Decimal2::from_minor_units(12_779)));
    let order = client
        .payment_order_detail(|q| q.payeeuid("PPP1231s234sss23"))
        .await
        .expect("detail");
    assert_eq!(order.ticketid.as_deref(), Some("17877"));

    let rapid = client
        .payment_order_rapid(
            types::PaymentOrderRapidParam::builder()
                .mercustomid("u0043")
                .payeeuid("payeeuid1")
                .amount("33.33".parse::<Decimal2>().unwrap())
                .currency(types::PaymentOrderRapidParamCurrency::Sar)
                .paymentmethod(types::PaymentOrderRapidParamPaymentmethod::StcPay)
                .stcaccount(Some("512345678".into())),
        )
        .await
        .expect("rapid");
    assert_eq!(server.last().json()["amount"], json!(33.33));
    assert_eq!(decrypted(&server, "stcaccount"), "512345678");
    assert_eq!(rapid.trantype.as_ref().map(|t| t.as_str()), Some("rapid"));
    let info = rapid.custominfo.as_ref().unwrap();
    assert_eq!(info.identity.as_ref().unwrap().expose(), "");
    assert_eq!(
        info.stcaccount.as_ref().unwrap().expose(),
        plain_value("stcaccount")
    );
}

#[tokio::test]
async fn conditional_rules_stop_the_request_and_name_the_field() {
    let server = Server::start().await;
    let client = server.client();
    // STCPay pays SAR only.
    let err = client
        .payment_order_create(
            order_param()
                .currency(types::PaymentOrderCreateParamCurrency::Kwd)
                .paymentmethod(types::PaymentOrderCreateParamPaymentmethod::StcPay),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(e) if e.field == "currency"),
        "{err}"
    );
    assert!(!err.may_have_been_sent());
    // One of customid / mercustomid.
    let err = client
        .payment_order_create(order_param().mercustomid(None))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(e) if e.field == "customid"),
        "{err}"
    );
    // Rapid: KWD needs address or swiftcode; bankTransfer needs names, bank and IBAN.
    let rapid = || {
        types::PaymentOrderRapidParam::builder()
            .mercustomid("u1")
            .payeeuid("p1")
            .amount("1".parse::<Decimal2>().unwrap())
            .paymentmethod(types::PaymentOrderRapidParamPaymentmethod::BankTransfer)
            .name_e(Some(
                "a".parse::<types::PaymentOrderRapidParamNameE>().unwrap(),
            ))
            .name_a(Some(
                "a".parse::<types::PaymentOrderRapidParamNameA>().unwrap(),
            ))
            .bankcode(Some("30011".parse::<types::BankCodeParam>().unwrap()))
            .ibanaccount(Some(
                "KW81CBKU0000000000001234560101"
                    .parse::<types::PaymentOrderRapidParamIbanaccount>()
                    .unwrap(),
            ))
    };
    let err = client
        .payment_order_rapid(rapid().currency(types::PaymentOrderRapidParamCurrency::Kwd))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(e) if e.field == "address"),
        "{err}"
    );
    let err = client
        .payment_order_rapid(
            rapid()
                .currency(types::PaymentOrderRapidParamCurrency::Sar)
                .ibanaccount(None),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(e) if e.field == "ibanaccount"),
        "{err}"
    );
    // Format of a sensitive member is checked on the plaintext.
    let err = client
        .payment_order_rapid(
            rapid()
                .currency(types::PaymentOrderRapidParamCurrency::Sar)
                .cardno(Some("12ab".into())),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(e) if e.field == "cardno"),
        "{err}"
    );
    // A bank account is bankcode + cardno + ibanaccount together.
    let err = client
        .customer_create(
            types::CustomerCreateParam::builder()
                .name_e("a")
                .name_a("a")
                .mercustomid("u9")
                .identity("1012345678")
                .cardno(Some("5123450000000001".into())),
        )
        .await
        .unwrap_err();
    match &err {
        Error::Validation(e) => {
            assert_eq!(e.field, "bankcode");
            assert!(e.reason.contains("when cardno is given"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // GET: operation-level rule, parameter bounds.
    let err = client.customer_detail(|q| q).await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation(e) if e.field == "customid"),
        "{err}"
    );
    let err = client
        .customer_list(|q| q.pagesize(101u64))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(e) if e.field == "pagesize"),
        "{err}"
    );
    let err = client
        .customer_list(|q| q.stcaccount("12345"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(e) if e.field == "stcaccount"),
        "{err}"
    );
    let err = client.customer_list(|q| q.pageno(0u64)).await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation(e) if e.field == "pageno"),
        "{err}"
    );
    assert!(server.requests().is_empty(), "nothing was sent");
    // Amounts keep two decimals at most.
    assert!("1.005".parse::<Decimal2>().is_err());
}

#[tokio::test]
async fn statement_streams_the_file_and_reports_202() {
    let server = Server::start().await;
    let client = server.client();
    // Binary content, larger than one chunk, with bytes JSON would escape.
    let file: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    server.reply("/openApi/v1/payee/statement", Reply::File(file.clone()));
    let mut out = Vec::new();
    let outcome = client
        .statement_download()
        .day("2024-06-26".parse().unwrap())
        .to_writer(&mut out)
        .await
        .expect("download");
    assert_eq!(out, file);
    assert_eq!(
        outcome,
        StatementOutcome::Written {
            bytes: 200_000,
            content_type: Some("application/octet-stream".into()),
            file_name: Some("GCCRECO_Test_M1_20240626.xlsx".into()),
            content_verified: true,
        }
    );
    let sent = server.last();
    assert!(sent.signature_ok);
    assert_eq!(sent.url, "/openApi/v1/payee/statement?day=2024-06-26");

    // Async writer, signature over an empty body: accepted, flagged.
    server.reply(
        "/openApi/v1/payee/statement",
        Reply::FileSignedEmpty(b"PK\x03\x04".to_vec()),
    );
    let mut out = std::io::Cursor::new(Vec::new());
    let outcome = client
        .statement_download()
        .to_async_writer(&mut out)
        .await
        .expect("download");
    assert!(matches!(
        outcome,
        StatementOutcome::Written {
            content_verified: false,
            bytes: 4,
            ..
        }
    ));
    assert_eq!(server.last().url, "/openApi/v1/payee/statement");

    // Tampered file: written, then rejected.
    server.reply("/openApi/v1/payee/statement", Reply::File(file.clone()));
    server.tamper(Some(Tamper::Body));
    let err = client
        .statement_download()
        .to_writer(&mut Vec::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BadSignature { .. }), "{err}");
    server.tamper(None);

    // 202: still being prepared.
    server.reply(
        "/openApi/v1/payee/statement",
        Reply::Json(202, json!({"code":1502,"message":"Reconciliation file is being processed.","data":{},"sensitiveFields":{},"requestId":"ABC"})),
    );
    let outcome = client
        .statement_download()
        .to_writer(&mut Vec::new())
        .await
        .expect("202");
    match outcome {
        StatementOutcome::NotReady(not_ready) => {
            assert_eq!(not_ready.code, Some(StatusCode::StatementFileProcessing));
            assert_eq!(not_ready.request_id.as_deref(), Some("ABC"));
        }
        other => panic!("{other:?}"),
    }
    // A JSON failure on HTTP 200 is an API error.
    server.reply(
        "/openApi/v1/payee/statement",
        Reply::Json(200, json!({"code":1101,"message":"Data does not exist","data":{},"sensitiveFields":{},"requestId":"X"})),
    );
    let err = client
        .statement_download()
        .to_writer(&mut Vec::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(StatusCode::DataNotExist));
}

#[tokio::test]
async fn tampered_answers_are_rejected_before_parsing() {
    let server = Server::start().await;
    let client = server.client();
    for tamper in [Tamper::Body, Tamper::Timestamp, Tamper::Signature] {
        server.tamper(Some(tamper));
        let err = client.merchant_balance().await.unwrap_err();
        match &err {
            Error::BadSignature { reason, response } => {
                assert_eq!(*reason, SignatureError::Mismatch, "{tamper:?}");
                assert_eq!(response.status, 200);
                assert!(!response.body.is_empty());
            }
            other => panic!("{tamper:?}: {other:?}"),
        }
        assert!(!err.is_retryable());
        assert!(err.raw_body().is_some());
    }
    server.tamper(Some(Tamper::MissingSignature));
    let err = client.merchant_balance().await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::BadSignature {
                reason: SignatureError::MissingHeader("V-Signature"),
                ..
            }
        ),
        "{err:?}"
    );
    // The documented empty signature maps to the authentication error, never to success.
    server.tamper(Some(Tamper::EmptySignature));
    let err = client.merchant_balance().await.unwrap_err();
    assert!(matches!(&err, Error::Authentication { .. }), "{err:?}");
    server.tamper(None);

    // Undecryptable sensitive member: typed error naming it.
    server.tamper(Some(Tamper::BadCiphertext));
    let err = client
        .customer_detail(|q| q.customid("12ad4"))
        .await
        .unwrap_err();
    match &err {
        Error::Decryption { field, .. } => assert_eq!(field, "data.identity"),
        other => panic!("{other:?}"),
    }
    server.tamper(None);
}

#[tokio::test]
async fn wrong_keys_fail_closed() {
    let server = Server::start().await;
    // A client with the wrong API KEY: the server answers 1213 with an empty signature.
    let config = paybind::sgate::Config::new(
        paybind::sgate::Environment::Url(server.base_url.clone()),
        "wrong-key",
        sgate_support::merchant_private(),
        sgate_support::system_public(),
    );
    let client = paybind::sgate::Client::new(config).unwrap();
    let err = client.merchant_balance().await.unwrap_err();
    assert_eq!(err.code(), Some(StatusCode::SignatureVerificationFailed));
    assert!(matches!(err, Error::Authentication { .. }));
    // A client that trusts another system key rejects genuine answers.
    let config = paybind::sgate::Config::new(
        paybind::sgate::Environment::Url(server.base_url.clone()),
        API_KEY,
        sgate_support::merchant_private(),
        sgate_support::merchant_private().public_key(),
    );
    let client = paybind::sgate::Client::new(config).unwrap();
    assert!(matches!(
        client.merchant_balance().await,
        Err(Error::BadSignature { .. })
    ));
}

#[tokio::test]
async fn business_failures_and_http_faults_are_typed() {
    let server = Server::start().await;
    let client = server.client();
    server.reply(
        "/openApi/v1/payee/payCustomTicket/create",
        Reply::Json(200, json!({"code":1402,"message":"Insufficient balance","data":{},"sensitiveFields":{},"requestId":"R1"})),
    );
    let err = client
        .payment_order_create(order_param())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(StatusCode::InsufficientBalance));
    match &err {
        Error::Api(api) => {
            assert_eq!(api.request_id.as_deref(), Some("R1"));
            assert_eq!(api.message, "Insufficient balance");
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
    assert!(err.raw_body().unwrap().starts_with(b"{\"code\":1402"));

    server.reply(
        "/openApi/v1/payee/payCustomTicket/create",
        Reply::Json(200, json!({"code":1212,"message":"Rate limit triggered"})),
    );
    let err = client
        .payment_order_create(order_param())
        .await
        .unwrap_err();
    assert!(err.is_retryable());

    server.reply(
        "/openApi/v1/merchant/balance",
        Reply::Raw(503, b"busy".to_vec()),
    );
    let err = client.merchant_balance().await.unwrap_err();
    assert!(
        matches!(&err, Error::Http { status, .. } if *status == 503),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert_eq!(err.raw_body(), Some(&b"busy"[..]));

    // Decrypted, then not the documented shape: the kept body has the plaintext redacted.
    server.reply(
        "/openApi/v1/payee/custom/detail",
        Reply::Json(200, json!({"code":200,"message":"ok","data":{"cardno":"x","status":"not a code"},"sensitiveFields":["cardno"]})),
    );
    let err = client
        .customer_detail(|q| q.customid("1"))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Decode { .. }), "{err:?}");
    let raw = String::from_utf8_lossy(err.raw_body().unwrap()).into_owned();
    assert!(raw.contains("\"cardno\":\"<redacted>\""), "{raw}");
    assert!(!raw.contains(plain_value("cardno")), "{raw}");
    assert!(!format!("{err:?} {err}").contains(plain_value("cardno")));
    // Signed but not JSON: kept as received.
    server.reply(
        "/openApi/v1/merchant/balance",
        Reply::File(b"<html>".to_vec()),
    );
    let err = client.merchant_balance().await.unwrap_err();
    assert!(matches!(&err, Error::Decode { .. }), "{err:?}");
    assert_eq!(err.raw_body(), Some(&b"<html>"[..]));
    // Signed but not the documented shape.
    server.reply(
        "/openApi/v1/merchant/balance",
        Reply::Json(
            200,
            json!({"code":200,"message":"ok","data":{"not":"a list"}}),
        ),
    );
    assert!(matches!(
        client.merchant_balance().await,
        Err(Error::Decode { .. })
    ));
}

#[tokio::test]
async fn connection_refused_is_not_sent_and_retryable() {
    let config = paybind::sgate::Config::new(
        paybind::sgate::Environment::Url("http://127.0.0.1:9".into()),
        API_KEY,
        sgate_support::merchant_private(),
        sgate_support::system_public(),
    )
    .connect_retries(1);
    let client = paybind::sgate::Client::new(config).unwrap();
    let err = client.merchant_balance().await.unwrap_err();
    assert!(!err.may_have_been_sent(), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn callbacks_verify_decrypt_and_type() {
    let server = Server::start().await;
    let client = server.client();
    let spec = paybind::sgate::spec();
    let example = |schema: &str| spec.schema(schema).unwrap()["example"].clone();

    let (headers, body) = signed_callback("/sgate/notify", &example("SalaryStatusChangeCallback"));
    match client
        .verify_callback(&headers, "/sgate/notify", &body)
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
        .callbacks()
        .verify_callback(&headers, "/cb?x=1", &body)
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
        client.verify_callback(&headers, "/cb", &body),
        Ok(Notification::ReceivingTransNotification(_))
    ));
    // Wrong URL, tampered body, empty signature: refused.
    assert!(client.verify_callback(&headers, "/other", &body).is_err());
    let mut tampered = body.clone();
    let last = tampered.len() - 2;
    tampered[last] = b'9';
    assert!(client.verify_callback(&headers, "/cb", &tampered).is_err());
    let mut unsigned = headers.clone();
    unsigned.insert("V-Signature", http::HeaderValue::from_static(""));
    assert_eq!(
        client.verify_callback(&unsigned, "/cb", &body).unwrap_err(),
        paybind::sgate::CallbackError::Unsigned
    );
    // Replay window, when configured.
    let stale = client
        .callbacks()
        .clone()
        .max_age(std::time::Duration::from_secs(300));
    assert!(matches!(
        stale.verify_callback(&headers, "/cb", &body),
        Err(paybind::sgate::CallbackError::Stale { .. })
    ));
    assert_eq!(paybind::sgate::CALLBACK_ACK_STATUS, 200);
}

#[test]
fn config_and_context_never_print_secrets() {
    let config = paybind::sgate::Config::new(
        paybind::sgate::Environment::Sandbox,
        "super-secret-api-key",
        sgate_support::merchant_private(),
        sgate_support::system_public(),
    );
    let client = paybind::sgate::Client::new(config.clone()).unwrap();
    for text in [format!("{config:?}"), format!("{client:?}")] {
        assert!(!text.contains("super-secret-api-key"), "{text}");
        assert!(text.contains("redacted"));
    }
    assert!(format!("{client:?}").contains("http://vbank.test.sgate.sa"));
    let production = paybind::sgate::Client::new(paybind::sgate::Config::new(
        paybind::sgate::Environment::Production,
        "k",
        sgate_support::merchant_private(),
        sgate_support::system_public(),
    ))
    .unwrap();
    assert!(format!("{production:?}").contains("https://vbank.sgate.sa"));
    assert!(paybind::sgate::Client::new(paybind::sgate::Config::new(
        paybind::sgate::Environment::Url("ftp://x".into()),
        "k",
        sgate_support::merchant_private(),
        sgate_support::system_public(),
    ))
    .is_err());
}
