//! The merchant's own account: balance and exchange rate, banks, OTP and virtual account, and
//! the statement download.

use super::*;

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
