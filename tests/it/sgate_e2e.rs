//! Every SGATE operation end to end over real HTTP against the sandbox: the tests check each
//! request's signature and decrypt its sensitive members with their own implementation
//! (`sgate_support`), the sandbox's answers are signed with the system key and carry members
//! encrypted for the merchant, and fault injection spoils them the ways a client must survive.

use crate::sgate_support;

use crate::sgate_support::{
    decrypted, independently_signed, json_of, last, plain_value, signed_callback, API_KEY,
};
use paybind::money::Decimal2;
use paybind::sandbox::Sandbox;
use paybind::sgate::signing::SignatureError;
use paybind::sgate::{types, Error, Notification, ResultCode, StatementOutcome};
use serde_json::{json, Value};

async fn fault(sandbox: &Sandbox, operation: &str, fault: Value) {
    let mut f = json!({"gateway": "sgate", "operation": operation, "times": 1});
    f.as_object_mut()
        .unwrap()
        .extend(fault.as_object().unwrap().clone());
    sandbox.admin().put("faults", f).await.expect("fault");
}

/// Waits until the admin API shows `status` at `path`.
async fn wait_status(sandbox: &Sandbox, path: &str, status: i64) {
    for _ in 0..500 {
        if sandbox
            .admin()
            .get(path)
            .await
            .is_ok_and(|v| v["status"] == status)
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("{path} never reached status {status}");
}

fn bank_customer(mer: &str, cardno: &str) -> types::builder::CustomerCreateParam {
    types::CustomerCreateParam::builder()
        .name_e("usera")
        .name_a("usera")
        .mercustomid(mer)
        .identity("1012345678")
        .bankcode(Some("1174c".parse::<types::BankCodeParam>().unwrap()))
        .cardno(Some(cardno.into()))
        .ibanaccount(Some(
            "1234567892"
                .parse::<types::CustomerCreateParamIbanaccount>()
                .unwrap(),
        ))
}

#[tokio::test]
async fn merchant_balance_and_exchange_rate() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    let balances = client.merchant_balance().await.expect("balance");
    assert_eq!(balances.len(), 3);
    assert_eq!(
        balances[0].balance,
        Some(Decimal2::from_minor_units(100_000_000))
    );
    assert_eq!(
        balances[0].currency.as_ref().map(|c| c.as_str()),
        Some("SAR")
    );
    let sent = last(&sandbox);
    assert!(sent.signature_ok && independently_signed(&sent));
    assert_eq!(sent.method, "GET");
    assert_eq!(sent.path, "/sgate/openApi/v1/merchant/balance");
    assert_eq!(sent.body, "");
    assert_eq!(sent.headers["v-api-key"], "<redacted>");
    assert_eq!(sent.headers["v-api-version"], "1");
    assert_eq!(sent.headers["v-timestamp"], "1719411598");
    assert_eq!(sent.headers["v-nonce-str"], sgate_support::CLIENT_NONCE);
    assert!(sent.headers["user-agent"].starts_with("paybind/"));
    assert!(!sent.headers.contains_key("api-version"));

    let rates = client.exchange_rate().await.expect("rates");
    assert_eq!(rates.len(), 2);
    assert_eq!(rates[0].ratenm.as_deref(), Some("KWD/SAR"));
    assert_eq!(rates[0].rate, Some(12.11));
}

#[tokio::test]
async fn customer_create_encrypts_out_and_decrypts_in() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    let customer = client
        .customer_create(bank_customer("u001", "5123459999999999"))
        .await
        .expect("created");
    // Out: encrypted with the system public key, signed over the exact body.
    let sent = last(&sandbox);
    assert!(independently_signed(&sent));
    let body = json_of(&sent);
    assert_ne!(body["identity"], "1012345678");
    assert_eq!(body["identity"].as_str().unwrap().len(), 344);
    assert_eq!(decrypted(&sent, "identity").as_deref(), Some("1012345678"));
    assert_eq!(
        decrypted(&sent, "cardno").as_deref(),
        Some("5123459999999999")
    );
    assert_eq!(body["ibanaccount"], "1234567892");
    // In: decrypted with the merchant private key, redacted in Debug.
    assert!(customer.customid.is_some());
    assert_eq!(customer.identity.as_ref().unwrap().expose(), "1012345678");
    assert_eq!(
        customer.cardno.as_ref().unwrap().expose(),
        "5123459999999999"
    );
    assert_eq!(customer.identitypic.as_ref().unwrap().expose(), "");
    assert_eq!(
        customer.status,
        Some(paybind::sgate::CustomerStatus::Incomplete)
    );
    let debug = format!("{customer:?}");
    assert!(!debug.contains("5123459999999999"), "{debug}");
    assert!(!debug.contains("1012345678"), "{debug}");
    assert!(debug.contains("Sensitive(redacted)"));
}

#[tokio::test]
async fn customer_list_encrypts_query_filters_and_signs_the_encoded_url() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    client
        .customer_create(bank_customer("u001", "5123450000000001").name_e("user a b"))
        .await
        .unwrap();
    client
        .customer_create(bank_customer("u002", "5123450000000002"))
        .await
        .unwrap();
    let customers = client
        .customer_list(|q| {
            q.pageno(1u64)
                .pagesize(50u64)
                .cardno("5123450000000001")
                .name_e("user a")
        })
        .await
        .expect("list");
    assert_eq!(customers.len(), 1);
    assert_eq!(
        customers[0].identity.as_ref().unwrap().expose(),
        "1012345678"
    );
    let sent = last(&sandbox);
    assert!(
        independently_signed(&sent),
        "signature covers the urlencoded query as sent"
    );
    assert!(sent
        .path
        .starts_with("/sgate/openApi/v1/payee/custom/list?"));
    assert!(sent.path.contains("pageno=1"));
    assert!(sent.path.contains("name_e=user+a"));
    assert!(!sent.path.contains("5123450000000001"));
    assert_eq!(
        decrypted(&sent, "cardno").as_deref(),
        Some("5123450000000001")
    );
    // Paging.
    assert_eq!(
        client
            .customer_list(|q| q.pagesize(1u64).pageno(2u64))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(client
        .customer_list(|q| q.pagesize(1u64).pageno(3u64))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn customer_detail_update_and_stc_otp() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    let created = client
        .call_json(
            "customer_create",
            json!({"name_e": "usera", "name_a": "usera", "mercustomid": "u004", "identity": "1012345678",
                   "stcaccount": "512345678", "autoapproval": 1}),
        )
        .await
        .unwrap();
    let customer = client
        .customer_detail(|q| q.mercustomid("u004"))
        .await
        .expect("detail");
    assert_eq!(customer.mercustomid.as_deref(), Some("u004"));
    assert_eq!(
        last(&sandbox).path,
        "/sgate/openApi/v1/payee/custom/detail?mercustomid=u004"
    );

    let updated = client
        .customer_update(
            types::CustomerUpdateParam::builder()
                .mercustomid(Some(
                    "u004"
                        .parse::<types::CustomerUpdateParamMercustomid>()
                        .unwrap(),
                ))
                .name_e(Some("updTest2".parse().unwrap())),
        )
        .await
        .expect("update");
    assert_eq!(updated.name_e.as_deref(), Some("updTest2"));
    assert_eq!(updated.stcaccount.as_ref().unwrap().expose(), "512345678");

    let id = created["customid"].as_str().unwrap().to_string();
    let empty = client
        .customer_stc_otp_resend(
            types::CustomerStcOtpResendParam::builder().customid(Some(
                id.parse::<types::CustomerStcOtpResendParamCustomid>()
                    .unwrap(),
            )),
        )
        .await
        .expect("resend");
    assert!(empty.0.is_empty());
    assert_eq!(json_of(&last(&sandbox)), json!({"customid": id}));
    let submit = |code: &str| {
        types::CustomerStcOtpSubmitParam::builder()
            .mercustomid(Some(
                "u004"
                    .parse::<types::CustomerStcOtpSubmitParamMercustomid>()
                    .unwrap(),
            ))
            .code(code)
    };
    let err = client
        .customer_stc_otp_submit(submit("000000"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ResultCode::WrongOtpCode));
    client
        .customer_stc_otp_submit(submit("123456"))
        .await
        .expect("submit");
    assert!(independently_signed(&last(&sandbox)));
    // Verified now: nothing left to verify.
    let err = client
        .customer_stc_otp_submit(submit("123456"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ResultCode::StcPayApprovalStateNotAllowed));
}

#[tokio::test]
async fn customer_file_upload_is_multipart_signed_with_empty_body() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    client
        .customer_create(bank_customer("u004", "5123459999999999"))
        .await
        .unwrap();
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
    let sent = last(&sandbox);
    assert!(
        independently_signed(&sent),
        "multipart is signed with body \"\""
    );
    assert_eq!(sent.path, "/sgate/openApi/v1/payee/custom/file");
    assert!(sent.headers["content-type"].starts_with("multipart/form-data; boundary="));
    let md5 = sgate_support::md5_hex(&png);
    assert!(sent.body.contains(&md5), "md5 field {md5} in {}", sent.body);
    assert!(sent.body.contains("name=\"type\"\r\n\r\nidentitypic"));
    assert!(sent.body.contains("filename=\"id.png\"") && sent.body.contains("image/png"));
    assert_eq!(
        customer.status,
        Some(paybind::sgate::CustomerStatus::Pending)
    );
    assert!(customer
        .identitypic
        .as_ref()
        .unwrap()
        .expose()
        .ends_with("/identitypic.png"));
    assert!(customer.demand_perfection.is_empty());
}

#[tokio::test]
async fn upload_checks_before_sending() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
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
    assert!(sandbox.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn banks_otp_and_virtual_account() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    let banks = client
        .bank_list(|q| q.country(types::BankListCountry::All))
        .await
        .expect("banks");
    assert_eq!(banks.len(), 168);
    assert_eq!(
        last(&sandbox).path,
        "/sgate/openApi/v1/payee/banks?country=ALL"
    );
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
    assert_eq!(json_of(&last(&sandbox))["mobile"], "+966512345678");
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
            q.mobile("966512345678")
                .sessionid("10290d703f8254593ff93533f00af153")
        })
        .await
        .expect("otp detail");
    assert_eq!(detail.status.as_ref().map(|s| s.as_str()), Some("success"));
    assert_eq!(
        detail.reportstatus,
        Some(paybind::sgate::OtpReportStatus::Success)
    );

    sandbox
        .admin()
        .post(
            "sgate/virtual-account/transfers",
            json!({"account": "SA9080000000000000000001", "amount": 50, "custname": "Muhammad Ali"}),
        )
        .await
        .unwrap();
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
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    client
        .customer_create(bank_customer("u004", "5123450000000001"))
        .await
        .unwrap();
    wait_status(&sandbox, "sgate/customers/u004", 1).await;
    let order = client
        .payment_order_create(order_param())
        .await
        .expect("create");
    let sent = last(&sandbox);
    assert!(independently_signed(&sent));
    assert_eq!(
        json_of(&sent),
        json!({"amount":2002,"currency":"SAR","mercustomid":"u004","payeeuid":"TEST1234567aa12sd2","paymentmethod":"bankTransfer"})
    );
    // Amounts exact, custominfo decrypted (object-shaped sensitiveFields).
    assert!(order.ticketid.is_some());
    assert_eq!(order.amount, Some(Decimal2::from_minor_units(200_200)));
    assert_eq!(order.fee, Some(Decimal2::from_minor_units(10_010)));
    assert_eq!(order.realamount, Some(Decimal2::from_minor_units(190_190)));
    let info = order.custominfo.as_ref().expect("custominfo");
    assert_eq!(info.cardno.as_ref().unwrap().expose(), "5123450000000001");
    assert_eq!(info.signpic.as_ref().unwrap().expose(), "");
    assert_eq!(
        order.status,
        Some(paybind::sgate::PaymentOrderStatus::Pending)
    );

    let orders = client
        .payment_order_list(|q| q.payeeuid("TEST1234567aa12sd2"))
        .await
        .expect("list");
    assert_eq!(orders[0].fee, Some(Decimal2::from_minor_units(10_010)));
    let detail = client
        .payment_order_detail(|q| q.payeeuid("TEST1234567aa12sd2"))
        .await
        .expect("detail");
    assert_eq!(detail.ticketid, order.ticketid);

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
    let sent = last(&sandbox);
    assert_eq!(json_of(&sent)["amount"], json!(33.33));
    assert_eq!(decrypted(&sent, "stcaccount").as_deref(), Some("512345678"));
    assert_eq!(rapid.trantype.as_ref().map(|t| t.as_str()), Some("rapid"));
    let info = rapid.custominfo.as_ref().unwrap();
    assert_eq!(info.identity.as_ref().unwrap().expose(), "");
    assert_eq!(info.stcaccount.as_ref().unwrap().expose(), "512345678");
}

#[tokio::test]
async fn conditional_rules_stop_the_request_and_name_the_field() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
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
    // Rapid: bankTransfer needs names, bank and IBAN. (KWD/AED's address-or-swiftcode rule is about
    // the customer record, which SGATE checks: see fidelity.rs.)
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
    assert!(sandbox.requests().is_empty(), "nothing was sent");
    // Amounts keep two decimals at most.
    assert!("1.005".parse::<Decimal2>().is_err());
}

#[tokio::test]
async fn statement_streams_the_file_and_reports_202() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    use base64::Engine as _;
    // Binary content, larger than one chunk, with bytes JSON would escape.
    let file: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let encoded = base64::engine::general_purpose::STANDARD.encode(&file);
    fault(
        &sandbox,
        "statement_download",
        json!({"file_base64": encoded}),
    )
    .await;
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
            file_name: Some("GCCRECO_Sandbox_M1_fault.xlsx".into()),
            content_verified: true,
        }
    );
    let sent = last(&sandbox);
    assert!(independently_signed(&sent));
    assert_eq!(
        sent.path,
        "/sgate/openApi/v1/payee/statement?day=2024-06-26"
    );

    // Signature over an empty body: nobody vouches for the content, so by default an error.
    fault(
        &sandbox,
        "statement_download",
        json!({"file_base64": "UEsDBA==", "bad_signature": "empty_body"}),
    )
    .await;
    let err = client
        .statement_download()
        .to_writer(&mut Vec::new())
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::BadSignature {
                reason: paybind::error::SignatureError::ContentUnsigned,
                ..
            }
        ),
        "{err:?}"
    );

    // Async writer, the same with the explicit opt-in: accepted, flagged.
    fault(
        &sandbox,
        "statement_download",
        json!({"file_base64": "UEsDBA==", "bad_signature": "empty_body"}),
    )
    .await;
    let mut out = std::io::Cursor::new(Vec::new());
    let outcome = client
        .statement_download()
        .accept_unverified_content()
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
    assert_eq!(last(&sandbox).path, "/sgate/openApi/v1/payee/statement");

    // Tampered file: written, then rejected.
    fault(
        &sandbox,
        "statement_download",
        json!({"file_base64": encoded, "tamper_body": true}),
    )
    .await;
    let err = client
        .statement_download()
        .to_writer(&mut Vec::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BadSignature { .. }), "{err}");

    // 202: the sandbox's own answer for a day whose file is not made yet.
    let outcome = client
        .statement_download()
        .day("2099-01-01".parse().unwrap())
        .to_writer(&mut Vec::new())
        .await
        .expect("202");
    match outcome {
        StatementOutcome::NotReady(not_ready) => {
            assert_eq!(not_ready.code, Some(ResultCode::StatementFileProcessing));
            assert_eq!(not_ready.request_id.as_deref().map(str::len), Some(32));
        }
        other => panic!("{other:?}"),
    }
    // A day long past: the (empty) statement of that day, content verified.
    let mut out = Vec::new();
    match client
        .statement_download()
        .day("2024-06-26".parse().unwrap())
        .to_writer(&mut out)
        .await
        .expect("file")
    {
        StatementOutcome::Written {
            content_verified, ..
        } => assert!(content_verified),
        other => panic!("{other:?}"),
    }
    assert!(String::from_utf8(out).unwrap().starts_with("Merchant_ID,"));
    // A JSON failure on HTTP 200 is an API error.
    fault(&sandbox, "statement_download", json!({"error_code": 1101})).await;
    let err = client
        .statement_download()
        .to_writer(&mut Vec::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ResultCode::DataNotExist));
}

#[tokio::test]
async fn tampered_answers_are_rejected_before_parsing() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    for spoil in [
        json!({"tamper_body": true}),
        json!({"bad_signature": "wrong_timestamp"}),
        json!({"bad_signature": "corrupt"}),
    ] {
        fault(&sandbox, "merchant_balance", spoil.clone()).await;
        let err = client.merchant_balance().await.unwrap_err();
        match &err {
            Error::BadSignature { reason, response } => {
                assert_eq!(*reason, SignatureError::Mismatch, "{spoil}");
                assert_eq!(response.status, 200);
                assert!(!response.body.is_empty());
            }
            other => panic!("{spoil}: {other:?}"),
        }
        assert!(!err.is_retryable());
        assert!(err.raw_body().is_some());
    }
    fault(
        &sandbox,
        "merchant_balance",
        json!({"bad_signature": "missing"}),
    )
    .await;
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
    fault(
        &sandbox,
        "merchant_balance",
        json!({"bad_signature": "empty"}),
    )
    .await;
    let err = client.merchant_balance().await.unwrap_err();
    assert!(matches!(&err, Error::Authentication { .. }), "{err:?}");

    // Undecryptable sensitive member: typed error naming it.
    client
        .customer_create(bank_customer("u1", "5123459999999999"))
        .await
        .unwrap();
    fault(&sandbox, "customer_detail", json!({"bad_ciphertext": true})).await;
    let err = client
        .customer_detail(|q| q.mercustomid("u1"))
        .await
        .unwrap_err();
    match &err {
        Error::Decryption { field, .. } => assert_eq!(field, "data.identity"),
        other => panic!("{other:?}"),
    }

    // One member decrypts (paybind holds its plaintext), the next one does not: the error
    // names the failing member and shows the good member's plaintext nowhere — not in
    // Display, Debug, nor the kept body, which is the answer as received.
    let cardno = sgate_support::encrypt_for_merchant(plain_value("cardno"));
    let broken = "bm90IGNpcGhlcnRleHQ=";
    fault(
        &sandbox,
        "customer_detail",
        json!({"body": {"code":200,"message":"ok","data":{"cardno":cardno,"identity":broken},"sensitiveFields":["cardno","identity"]}}),
    )
    .await;
    let err = client
        .customer_detail(|q| q.mercustomid("u1"))
        .await
        .unwrap_err();
    match &err {
        Error::Decryption { field, .. } => assert_eq!(field, "data.identity"),
        other => panic!("{other:?}"),
    }
    let raw = String::from_utf8_lossy(err.raw_body().expect("the answer is kept")).into_owned();
    assert!(raw.contains(broken), "the kept body is the answer: {raw}");
    for shown in [format!("{err}"), format!("{err:?}"), raw] {
        assert!(!shown.contains(plain_value("cardno")), "{shown}");
    }
}

#[tokio::test]
async fn wrong_keys_fail_closed() {
    let sandbox = sgate_support::sandbox().await;
    // A client with the wrong API KEY: the gateway answers 1201 with an empty signature.
    let config = paybind::sgate::Config::new(
        paybind::sgate::Environment::Url(sandbox.sgate_url()),
        "wrong-key",
        sgate_support::merchant_private(),
        sgate_support::system_public(),
    );
    let client = paybind::sgate::Client::new(config).unwrap();
    let err = client.merchant_balance().await.unwrap_err();
    // Unsigned: its claimed code (1201) is kept as raw bytes only, never read as a fact.
    assert_eq!(err.code(), None);
    assert!(String::from_utf8_lossy(err.raw_body().unwrap()).contains("1201"));
    assert!(matches!(err, Error::Authentication { .. }));
    // Signed with another merchant key: 1213, unsigned.
    let config = paybind::sgate::Config::new(
        paybind::sgate::Environment::Url(sandbox.sgate_url()),
        API_KEY,
        paybind::keys::PrivateKey::from_file(sgate_support::fixture("gateway-2048.pem")).unwrap(),
        sgate_support::system_public(),
    );
    let err = paybind::sgate::Client::new(config)
        .unwrap()
        .merchant_balance()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Authentication { .. }), "{err:?}");
    assert_eq!(err.code(), None);
    assert!(String::from_utf8_lossy(err.raw_body().unwrap()).contains("1213"));
    // A client that trusts another system key rejects genuine answers.
    let config = paybind::sgate::Config::new(
        paybind::sgate::Environment::Url(sandbox.sgate_url()),
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
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    fault(
        &sandbox,
        "payment_order_create",
        json!({"body": {"code":1402,"message":"Insufficient balance","data":{},"sensitiveFields":{},"requestId":"R1"}}),
    )
    .await;
    let err = client
        .payment_order_create(order_param())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ResultCode::InsufficientBalance));
    match &err {
        Error::Api(api) => {
            assert_eq!(api.request_id.as_deref(), Some("R1"));
            assert_eq!(api.message, "Insufficient balance");
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
    assert!(err.raw_body().unwrap().starts_with(b"{\"code\":1402"));
    // The sandbox's own answer for an unknown customer.
    let err = client
        .payment_order_create(order_param())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ResultCode::DataNotExist));

    fault(
        &sandbox,
        "payment_order_create",
        json!({"error_code": 1212}),
    )
    .await;
    let err = client
        .payment_order_create(order_param())
        .await
        .unwrap_err();
    assert!(err.is_retryable());

    fault(&sandbox, "merchant_balance", json!({"http_status": 503})).await;
    let err = client.merchant_balance().await.unwrap_err();
    assert!(
        matches!(&err, Error::Http { status, .. } if *status == 503),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert_eq!(err.raw_body(), Some(&b"sandbox fault: HTTP 503"[..]));

    // Decrypted, then not the documented shape: the kept body is the answer as received, its
    // member still encrypted.
    let cardno = sgate_support::encrypt_for_merchant(plain_value("cardno"));
    fault(
        &sandbox,
        "customer_detail",
        json!({"body": {"code":200,"message":"ok","data":{"cardno":cardno,"status":"not a code"},"sensitiveFields":["cardno"]}}),
    )
    .await;
    let err = client
        .customer_detail(|q| q.customid("1"))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Decode { .. }), "{err:?}");
    let raw = String::from_utf8_lossy(err.raw_body().unwrap()).into_owned();
    assert!(raw.contains(&format!("\"cardno\":\"{cardno}\"")), "{raw}");
    assert!(!raw.contains(plain_value("cardno")), "{raw}");
    assert!(!format!("{err:?} {err}").contains(plain_value("cardno")));
    // Signed but not JSON: kept as received.
    use base64::Engine as _;
    let html = base64::engine::general_purpose::STANDARD.encode(b"<html>");
    fault(&sandbox, "merchant_balance", json!({"file_base64": html})).await;
    let err = client.merchant_balance().await.unwrap_err();
    assert!(matches!(&err, Error::Decode { .. }), "{err:?}");
    assert_eq!(err.raw_body(), Some(&b"<html>"[..]));
    // Signed but not the documented shape.
    fault(
        &sandbox,
        "merchant_balance",
        json!({"body": {"code":200,"message":"ok","data":{"not":"a list"}}}),
    )
    .await;
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
    let client = sgate_support::offline_client();
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
    // Freshness, on by default: a callback signed in 2023 is refused however valid its
    // signature; a narrower window refuses a 10-minute-old one too.
    let (old_headers, old_body) = sgate_support::signed_callback_at(
        "/cb",
        &example("ReceivingTransNotificationCallback"),
        1_686_832_475,
    );
    assert!(matches!(
        client.verify_callback(&old_headers, "/cb", &old_body),
        Err(paybind::sgate::CallbackError::Stale { .. })
    ));
    let ten_minutes_ago = chrono::Utc::now().timestamp() - 600;
    let (recent_headers, recent_body) = sgate_support::signed_callback_at(
        "/cb",
        &example("ReceivingTransNotificationCallback"),
        ten_minutes_ago,
    );
    let narrow = client
        .callbacks()
        .clone()
        .max_age(std::time::Duration::from_secs(60));
    assert!(matches!(
        narrow.verify_callback(&recent_headers, "/cb", &recent_body),
        Err(paybind::sgate::CallbackError::Stale { .. })
    ));
    // With a replay memory, the same signed callback is accepted once.
    let memory = client.callbacks().clone().remember_nonces(100);
    assert!(memory.verify_callback(&headers, "/cb", &body).is_ok());
    assert_eq!(
        memory.verify_callback(&headers, "/cb", &body).unwrap_err(),
        paybind::sgate::CallbackError::Replayed
    );
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
