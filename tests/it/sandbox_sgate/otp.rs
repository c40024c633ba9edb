//! OTP tasks, with the test numbers and with real ones.

use super::*;

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
