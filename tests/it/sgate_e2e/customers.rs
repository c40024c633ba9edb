//! Customers: create, list, detail, update, STC OTP and file upload, each request's encrypted
//! members and signature checked independently.

use super::*;

#[tokio::test]
async fn customer_create_encrypts_out_and_decrypts_in() {
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    let customer = client
        .customer_create(bank_customer("u001", "5123459999999999", "1234567892"))
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
        .customer_create(bank_customer("u001", "5123450000000001", "1234567892").name_e("user a b"))
        .await
        .unwrap();
    client
        .customer_create(bank_customer("u002", "5123450000000002", "1234567892"))
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
                .mercustomid("u004")
                .name_e("updTest2"),
        )
        .await
        .expect("update");
    assert_eq!(updated.name_e.as_deref(), Some("updTest2"));
    assert_eq!(updated.stcaccount.as_ref().unwrap().expose(), "512345678");

    let id = created["customid"].as_str().unwrap().to_string();
    let empty = client
        .customer_stc_otp_resend(types::CustomerStcOtpResendParam::builder().customid(&id))
        .await
        .expect("resend");
    assert!(empty.0.is_empty());
    assert_eq!(json_of(&last(&sandbox)), json!({"customid": id}));
    let submit = |code: &str| {
        types::CustomerStcOtpSubmitParam::builder()
            .mercustomid("u004")
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
        .customer_create(bank_customer("u004", "5123459999999999", "1234567892"))
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
