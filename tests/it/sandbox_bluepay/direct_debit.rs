//! BluePay JT direct debit: authorization, debit and ticket.

use super::*;

#[tokio::test]
async fn jt_direct_debit_authorization_debit_and_ticket() {
    let sandbox = common::sandbox().await;
    let verifier = paybind::bluepay_jt::Client::new(sandbox.bluepay_jt_config())
        .unwrap()
        .notifications()
        .clone();
    let receiver = common::Receiver::start_with(
        0,
        std::sync::Arc::new(move |hit: &common::Hit| verifier.verify(&hit.body).is_ok()),
    )
    .await;
    let jt = paybind::bluepay_jt::Client::new(sandbox.bluepay_jt_config()).unwrap();
    let apply = jt
        .call_json(
            "direct_debit_token_apply",
            json!({"userId": "u0009", "requestId": "REQ1", "channelCode": "BLUEPAY_DIRECT_DEBIT",
                   "terminalType": "WEB", "notifyUrl": receiver.url("/auth"), "redirectUrl": "https://merchant.example/back"}),
        )
        .await
        .unwrap();
    assert!(apply["authUrl"]
        .as_str()
        .unwrap()
        .contains("/direct-debit/REQ1/authorize"));
    let token = sandbox
        .admin()
        .authorize_direct_debit(Gateway::BluePayJt, "REQ1")
        .await
        .unwrap();
    let pay_token = token["payToken"].as_str().unwrap().to_string();
    common::eventually(10, || (!receiver.processed().is_empty()).then_some(())).await;
    let tokens = jt
        .call_json("direct_debit_token_query", json!({"userId": "u0009"}))
        .await
        .unwrap();
    assert_eq!(tokens["tokenList"][0]["tokenStatus"], "ACTIVED");
    // Debit with the token: completes after the delay, notified.
    let debit = jt
        .call_json(
            "direct_debit_pay",
            json!({"mchOrderId": "DD1", "amount": 50000, "channelCode": "BLUEPAY_DIRECT_DEBIT",
                   "payToken": pay_token, "notifyUrl": receiver.url("/debit")}),
        )
        .await
        .unwrap();
    assert_eq!(debit["transactionStatus"], "PENDING");
    common::eventually(10, || (receiver.processed().len() >= 2).then_some(())).await;
    let detail = jt
        .call_json("direct_debit_detail", json!({"mchOrderId": "DD1"}))
        .await
        .unwrap();
    assert_eq!(detail["transactionStatus"], "COMPLETED");
    // An unknown token: 21710 on JT.
    let err = jt
        .call_json(
            "direct_debit_pay",
            json!({"mchOrderId": "DD2", "amount": 100, "channelCode": "BLUEPAY_DIRECT_DEBIT",
                   "payToken": "TKNOPE", "notifyUrl": receiver.url("/debit")}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code().map(|c| c.code()), Some(21710));
    // A ticket, answered by customer service.
    let ticket = jt
        .call_json(
            "ticket_add",
            json!({"requestId": "T1", "mchOrderId": "DD1", "amount": 50000, "ticketType": 1, "payerType": 1,
                   "courierMobile": "0611111111", "transactionDate": "2025-10-29", "notifyUrl": receiver.url("/ticket"),
                   "problemDescription": "stuck", "proofImage": ["bluepay/onboard/extern/a.jpg"]}),
        )
        .await
        .unwrap();
    let ticket_no = ticket["ticketNo"].as_str().unwrap().to_string();
    sandbox
        .admin()
        .post(
            &format!("bluepay-jt/tickets/{ticket_no}/status"),
            json!({"ticketStatus": "CLOSED", "reply": "refunded"}),
        )
        .await
        .unwrap();
    let result = jt
        .call_json("ticket_result_query", json!({"ticketNo": ticket_no}))
        .await
        .unwrap();
    assert_eq!(result["ticketStatus"], "CLOSED");
    common::eventually(10, || (receiver.processed().len() >= 3).then_some(())).await;
    let kinds: Vec<String> = receiver
        .processed()
        .iter()
        .map(|h| format!("{:?}", jt.notifications().verify(&h.body).unwrap()))
        .map(|d| d.split('(').next().unwrap().to_string())
        .collect();
    assert_eq!(
        kinds,
        [
            "DirectDebitAuthorization",
            "DirectDebitPayment",
            "TicketResult"
        ]
    );
    // The report of today's payments is served as a file.
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
        .format("%Y-%m-%d")
        .to_string();
    let param: paybind::bluepay_jt::types::ReportDownloadParam =
        serde_json::from_value(json!({"countryCode": "TH", "transDate": today, "transType": 2}))
            .unwrap();
    let mut out = Vec::new();
    jt.download_report(param, &mut out).await.unwrap();
    assert!(String::from_utf8(out).unwrap().contains("DD1"));
}
