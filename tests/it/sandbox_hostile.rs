//! Hostile bytes at every kind of sandbox route: each answer is the refusal its cause calls
//! for (the gateway's documented error code, 404, 401, 415), absurd admin values are refused
//! or saturate, and the sandbox serves normally afterwards.

use crate::common;

use paybind::bluepay::{types, Client, ResultCode};
use paybind::bluepay_jt::ResultCode as JtCode;
use paybind_sandbox::Sandbox;
use reqwest::Method;
use serde_json::{json, Value};

/// One hostile body and the code each envelope gateway's check refuses it with.
struct Hostile {
    bytes: Vec<u8>,
    bluepay: ResultCode,
    /// BluePay JT: the appId the bodies carry is BluePay's, which JT does not know.
    jt: JtCode,
}

fn hostile_bodies(app_id: &str) -> Vec<Hostile> {
    let body = |bytes: Vec<u8>, bluepay, jt| Hostile { bytes, bluepay, jt };
    let not_an_object =
        |bytes: &[u8]| body(bytes.to_vec(), ResultCode::ParamError, JtCode::ParamError);
    let huge = format!(
        "{{\"appId\":\"{app_id}\",\"param\":\"{}\",\"sign\":\"x\"}}",
        "[".repeat(100_000)
    );
    vec![
        not_an_object(b""),
        not_an_object(b"\xff\xfe\x00garbage"),
        not_an_object(b"{"),
        not_an_object(b"[]"),
        not_an_object("\"\u{2028}\u{0}\"".as_bytes()),
        body(
            b"{\"appId\":1}".to_vec(),
            ResultCode::AppIdError,
            JtCode::AppIdError,
        ),
        body(
            format!("{{\"appId\":\"{app_id}\",\"param\":{{}},\"sign\":[]}}").into_bytes(),
            ResultCode::ParamError,
            JtCode::AppIdError,
        ),
        body(
            format!("{{\"appId\":\"{app_id}\",\"param\":\"not json\",\"sign\":\"%%%\"}}")
                .into_bytes(),
            ResultCode::SignError,
            JtCode::AppIdError,
        ),
        body(huge.into_bytes(), ResultCode::SignError, JtCode::AppIdError),
    ]
}

/// What one hostile request must be answered with.
#[derive(Debug, PartialEq)]
enum Refusal {
    /// This HTTP status.
    Status(u16),
    /// HTTP 200 with this gateway code in the JSON body.
    Code(i64),
}

const PATHS: &[&str] = &[
    "/bluepay/open-api/account/balance",
    "/bluepay/open-api/payment/refund",
    "/bluepay-jt/open-api/bluepay/abnormalTransIssue/addIssueFromOpen",
    "/sgate/openApi/v1/payee/custom/create",
    "/sgate/openApi/v1/payee/custom/file",
    "/sgate/openApi/v1/payee/custom/list?pagesize=%FF%FE&cardno=%%%",
    "/bluepay-jt/files/report-..-..-x.csv",
    "/admin/faults",
    "/admin/rules",
    "/admin/clock/advance",
    "/admin/bluepay/orders/%00/pay",
    "/admin/sgate/virtual-account/transfers",
    "/nowhere",
];

/// The refusal for `method path` with `body` and no admin token. The SGATE headers carry a
/// `V-Timestamp` that is no number, so every SGATE operation stops at its header check. An
/// operation asked with another method than its own is not served.
fn expected(path: &str, method: &Method, body: &Hostile) -> Refusal {
    let served_on = |own: Method, code: i64| {
        if *method == own {
            Refusal::Code(code)
        } else {
            Refusal::Status(404)
        }
    };
    let sgate_header = paybind::sgate::ResultCode::RequestHeaderValidationFailed.code();
    if path.starts_with("/admin/") {
        Refusal::Status(401)
    } else if path.starts_with("/bluepay/open-api/") {
        served_on(Method::POST, body.bluepay.code())
    } else if path.starts_with("/bluepay-jt/open-api/") {
        served_on(Method::POST, body.jt.code())
    } else if path.starts_with("/sgate/openApi/v1/payee/custom/list") {
        served_on(Method::GET, sgate_header)
    } else if path.starts_with("/sgate/openApi/v1/") {
        served_on(Method::POST, sgate_header)
    } else {
        Refusal::Status(404)
    }
}

/// Sends `body` to `method path` with the hostile headers (and the admin token when `token`);
/// the answer as a [`Refusal`] (its code when it is HTTP 200 with a JSON code).
async fn send(sandbox: &Sandbox, method: &Method, path: &str, body: &[u8], token: bool) -> Refusal {
    let mut request = reqwest::Client::new()
        .request(method.clone(), format!("{}{path}", sandbox.base_url()))
        .header("content-type", "multipart/form-data; boundary=x")
        .header("V-Api-Key", sandbox.sgate_api_key())
        .header("V-Api-Version", "1")
        .header("V-Timestamp", "99999999999999999999")
        .header("V-Nonce-Str", "n")
        .header("V-Signature", "%%%")
        .header("User-Agent", "fuzz")
        .body(body.to_vec());
    if token {
        request = request.bearer_auth(sandbox.admin_token());
    }
    // An answer arrives: a panic would have dropped the connection.
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: no answer: {e}"));
    let status = response.status().as_u16();
    let text = response.bytes().await.expect("the whole answer");
    match serde_json::from_slice::<Value>(&text) {
        Ok(answer) if status == 200 => Refusal::Code(
            answer["code"]
                .as_i64()
                .unwrap_or_else(|| panic!("{method} {path}: 200 without a code: {answer}")),
        ),
        _ => Refusal::Status(status),
    }
}

#[tokio::test]
async fn hostile_bytes_never_break_the_sandbox() {
    let sandbox = common::sandbox().await;
    let bodies = hostile_bodies(sandbox.bluepay_app_id());
    for path in PATHS {
        for (index, body) in bodies.iter().enumerate() {
            for method in [Method::POST, Method::PUT, Method::GET] {
                let answer = send(&sandbox, &method, path, &body.bytes, false).await;
                assert_eq!(
                    answer,
                    expected(path, &method, body),
                    "{method} {path} with body {index}"
                );
                // With the token, a body that is not JSON is refused before any admin route
                // reads it.
                if path.starts_with("/admin/") && !body.bytes.is_empty() {
                    let answer = send(&sandbox, &method, path, &body.bytes, true).await;
                    assert_eq!(
                        answer,
                        Refusal::Status(415),
                        "{method} {path} with body {index} and the token"
                    );
                }
            }
        }
    }
    absurd_admin_values(&sandbox).await;

    let client = Client::new(sandbox.bluepay_config()).unwrap();
    client
        .balance_inquiry(types::BalanceInquiryParam::builder())
        .await
        .expect("still serving");
    let err = client
        .call_json(
            "payout_create",
            json!({"mchOrderId": "HUGE000001", "idempotencyId": "HUGE000001", "amount": i64::MAX,
                   "payMethodCode": "PROMPTPAY", "promptpayAccountType": "MSISDN", "accountNo": "0812345678"}),
        )
        .await
        .expect_err("more than the balance");
    assert_eq!(err.code(), Some(ResultCode::BalanceInsufficient), "{err:?}");
    let sgate = paybind::sgate::Client::new(sandbox.sgate_config()).unwrap();
    sgate.merchant_balance().await.expect("still serving");
}

/// Absurd admin values saturate (the clock) or are kept as given (a rule's delay), and the
/// clock can be put back.
async fn absurd_admin_values(sandbox: &Sandbox) {
    let admin = sandbox.admin();
    let offset = |answer: Value| answer["offset_ms"].as_i64().expect("offset_ms");
    let forward = admin
        .post("clock/advance", json!({"days": i64::MAX}))
        .await
        .expect("saturates");
    assert_eq!(offset(forward), i64::MAX);
    // i64::MIN days saturate to i64::MIN ms, added to i64::MAX: one millisecond back.
    let back = admin
        .post("clock/advance", json!({"days": i64::MIN}))
        .await
        .expect("saturates");
    assert_eq!(offset(back), -1);
    let rules = admin
        .put(
            "rules",
            json!([{"outcome": "completed", "delay_ms": u64::MAX}]),
        )
        .await
        .expect("kept");
    assert_eq!(rules[0]["delay_ms"], json!(u64::MAX), "{rules}");
    let now = admin.clock().await.unwrap().offset_ms;
    assert_eq!(admin.move_clock(-now).await.unwrap().offset_ms, 0);
}
