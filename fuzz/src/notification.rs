//! BluePay and BluePay JT notification verification (`{appId, param, sign}` envelopes).
//!
//! Input: a notification body. Oracle: whatever the verifiers accept carries, in the member
//! they verified, exactly one of the param texts the gateway key signed, and types exactly as
//! that signed param does.

use std::sync::OnceLock;

use paybind::envelope::{HashAlgorithm, NotificationVerifier, RsaSigner};
use serde_json::{json, Value};

/// Params from the gateways' docs (reference/bluepay-open-api.md, bluepay-jt.md).
pub(crate) const PARAMS: &[&str] = &[
    r#"{"amount":10000,"createTime":"2023-03-02 09:25:12","eventName":"disbursement.success","mchOrderId":"TestMchOrderIdD0001","remark":"remark","returnTime":"2023-03-02 09:25:12","transactionId":"D1631118424367169536","transactionStatus":"COMPLETED"}"#,
    r#"{"amount":5735,"createTime":"2022-01-10 17:55:45","eventName":"disbursement.failed","failedCode":-10001,"failedMessage":"Transaction Exceed Limit","mchOrderId":"M1","returnTime":"2022-01-10 17:56:45","transactionId":"D2","transactionStatus":"FAILED"}"#,
    r#"{"eventName":"order.payment.success","mchOrderId":"mchOrderId123","channelCode":"WECHAT_URL","transactionId":"C123456789xx","amount":2300,"transactionStatus":"COMPLETED","createTime":"2022-11-28 22:10:10","returnTime":"2022-11-28 22:11:00","remark":"example"}"#,
    r#"{"eventName":"payment.refund.success","mchRefundOrderId":"18184914989277184","originalTransactionId":"CU508022434763373688","refundAmount":10000,"feeRefunded":1000,"refundCreateTime":"2024-07-31 11:38:54","refundReturnTime":"2024-07-31 11:38:55","refundStatus":"COMPLETE","refundTransactionId":"1818491499290169344"}"#,
    r#"{"eventName":"direct.debit.success","amount":50000,"channelCode":"BLUEPAY_DIRECT_DEBIT","mchOrderId":"Platform653350151938813","createTime":"2024-07-09T15:37:52+08:00","remark":"test payment","returnTime":"2024-07-09T16:20:23+08:00","transactionId":"CU4Y9920490660433920","transactionStatus":"COMPLETED"}"#,
    r#"{"channelCode":"THAI_DYNAMIC_QR","eventName":"settle.payment.success","mchOrderId":"8880001","transactionId":"QR123456789","amount":2300,"fee":0,"projectType":"PPCASH","settledReturnTime":"2022-11-28 22:10:10","remark":"example"}"#,
    r#"{"channelCode":"THAI_DYNAMIC_QR","mchOrderId":"8880001","transactionId":"QR123456789","amount":2300,"fee":200,"totalAmount":2500,"transactionStatus":"COMPLETED","createTime":"2022-11-28 22:10:10","returnTime":"2022-11-28 22:11:00","remark":"example"}"#,
];

struct Fixture {
    untyped: NotificationVerifier,
    bluepay: paybind::bluepay::Notifications,
    jt: paybind::bluepay_jt::Notifications,
    /// Per signed param: `Debug` of what each typed verifier made of it.
    typed: Vec<(String, String)>,
    seeds: Vec<Vec<u8>>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let (private, public) = crate::key_pair("gateway");
        let signer = RsaSigner::new(private, HashAlgorithm::Sha256);
        let mut seeds = Vec::new();
        for (i, param) in PARAMS.iter().enumerate() {
            let sign = signer.sign_base64(param.as_bytes());
            // One docs page names the member `params`; both spellings are seeds.
            let member = if i % 3 == 2 { "params" } else { "param" };
            let body = json!({ "appId": "fuzz-app", member: param, "sign": sign });
            seeds.push(serde_json::to_vec(&body).expect("json"));
        }
        let mut fixture = Fixture {
            untyped: NotificationVerifier::new(public.clone(), HashAlgorithm::Sha256),
            bluepay: paybind::bluepay::Notifications::new(public.clone(), HashAlgorithm::Sha256),
            jt: paybind::bluepay_jt::Notifications::new(public.clone(), HashAlgorithm::Sha256),
            typed: Vec::new(),
            seeds,
        };
        for seed in &fixture.seeds {
            assert!(
                fixture.untyped.verify_envelope(seed).is_ok(),
                "a seed must verify"
            );
            let typed = (
                format!("{:?}", fixture.bluepay.verify(seed)),
                format!("{:?}", fixture.jt.verify(seed)),
            );
            fixture.typed.push(typed);
        }
        fixture
    })
}

/// Validly signed notification bodies.
pub fn seeds() -> Vec<Vec<u8>> {
    fixture().seeds.clone()
}

/// Verifies `data` as a notification; panics if an oracle fails.
pub fn check(data: &[u8]) {
    let f = fixture();
    let bluepay = f.bluepay.verify(data);
    let jt = f.jt.verify(data);
    let Ok(verified) = f.untyped.verify_envelope(data) else {
        assert!(
            bluepay.is_err() && jt.is_err(),
            "typed accepted what untyped refused"
        );
        return;
    };
    let signed = PARAMS
        .iter()
        .position(|p| *p == verified.text)
        .unwrap_or_else(|| panic!("accepted a param nobody signed: {:?}", verified.text));
    // The member the verifier checked is the one the body carries (read independently).
    let body: Value = serde_json::from_slice(data).expect("an accepted body is JSON");
    let carried = body
        .get("param")
        .or_else(|| body.get("params"))
        .and_then(Value::as_str);
    assert_eq!(
        carried,
        Some(verified.text.as_str()),
        "verified another member"
    );
    let typed = (format!("{bluepay:?}"), format!("{jt:?}"));
    assert_eq!(
        typed, f.typed[signed],
        "same signed param, other typed result"
    );
}
