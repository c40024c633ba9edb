//! What paybind logs through `tracing` (the call's span, "sending", "call failed" with the error
//! shown) carries no secret: a capturing subscriber records every span field and event of
//! failing calls — an SGATE error answer with `x-sensitive` and `sensitiveFields` members, a
//! card number that fails validation, an unreachable BluePay, SGATE's GETs, download and
//! upload, BluePay JT's refused report link — and none of the API KEY, the private keys' text
//! or the sensitive values is in it. (Checked against a build that logs the param: the card
//! number is found.) Every failure is logged inside its call's span.

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use paybind::config::Environment;
use paybind_sandbox::Sandbox;
use serde_json::{json, Value};
use tracing::field::{Field, Visit};
use tracing::instrument::WithSubscriber as _;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::NoSubscriber;
use tracing::{Dispatch, Event, Metadata, Subscriber};

use crate::common;
use crate::sgate_support::{self, encrypt_for_merchant, API_KEY};

const CARD: &str = "5123450000000001";
/// Plain in the answer; only the answer's `sensitiveFields` says it is sensitive.
const IBAN: &str = "SA4420000001234567891234";

/// Every span field and event, as text; each event names the span it happened in.
#[derive(Clone, Default)]
struct Capture {
    text: Arc<Mutex<String>>,
    next_id: Arc<AtomicU64>,
    /// The entered spans, innermost last (the test's runtime has one thread).
    entered: Arc<Mutex<Vec<u64>>>,
}

impl Capture {
    fn text(&self) -> String {
        self.text.lock().unwrap().clone()
    }
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst) + 1;
        let mut text = self.text.lock().unwrap();
        let _ = write!(text, "\nspan #{id} {}:", span.metadata().name());
        span.record(&mut Fields(&mut text));
        Id::from_u64(id)
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        values.record(&mut Fields(&mut self.text.lock().unwrap()));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let within = self.entered.lock().unwrap().last().copied().unwrap_or(0);
        let mut text = self.text.lock().unwrap();
        let _ = write!(text, "\nevent {} in #{within}:", event.metadata().level());
        event.record(&mut Fields(&mut text));
    }

    fn enter(&self, id: &Id) {
        self.entered.lock().unwrap().push(id.into_u64());
    }

    fn exit(&self, _: &Id) {
        self.entered.lock().unwrap().pop();
    }
}

/// For each "call failed" event of the log, the line of the span it happened in (`None` when
/// it happened outside any span).
fn failure_spans(log: &str) -> Vec<Option<&str>> {
    log.lines()
        .filter(|line| line.starts_with("event") && line.contains("call failed"))
        .map(|line| {
            let within = line.split(" in #").nth(1)?.split(':').next()?;
            let head = format!("span #{within} ");
            log.lines().find(|l| l.starts_with(&head))
        })
        .collect()
}

/// The Base64 lines of a PEM file: none may appear in a log.
fn pem_lines(name: &str) -> Vec<String> {
    std::fs::read_to_string(sgate_support::fixture(name))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() > 20)
        .map(str::to_string)
        .collect()
}

async fn fault(sandbox: &Sandbox, operation: &str, fault: Value) {
    let mut f = json!({"gateway": "sgate", "operation": operation, "times": 1});
    f.as_object_mut()
        .unwrap()
        .extend(fault.as_object().unwrap().clone());
    sandbox.admin().put("faults", f).await.expect("fault");
}

/// Keeps a second dispatcher registered for the rest of the run. With only one registered (the
/// capture), tracing-core computes the interest of a callsite that another test's thread reaches
/// first from that thread's own subscriber, none, and caches "never" for the whole process: the
/// capture then misses the event (seen in fresh runs under load: a "call failed" missing). With
/// two, every registration asks every live dispatcher, the capture among them.
fn keep_callsite_interest_open() {
    static KEEPER: OnceLock<Dispatch> = OnceLock::new();
    KEEPER.get_or_init(|| Dispatch::new(NoSubscriber::default()));
}

#[tokio::test]
async fn failing_calls_log_no_secret() {
    keep_callsite_interest_open();
    let sandbox = sgate_support::sandbox().await;
    let client = sgate_support::client(&sandbox);
    let capture = Capture::default();
    let cardno = encrypt_for_merchant(CARD);

    // (a) An SGATE error answer carrying x-sensitive and sensitiveFields members.
    fault(
        &sandbox,
        "customer_create",
        json!({"body": {"code": 1401, "message": "payeeuid exists", "requestId": "R1",
            "data": {"custominfo": {"cardno": cardno, "ibanaccount": IBAN, "name_e": "usera"}},
            "sensitiveFields": {"custominfo": ["cardno", "ibanaccount"]}}}),
    )
    .await;
    let param = sgate_support::bank_customer("u1", CARD, "SA0380000000608010167519");
    let err = client
        .customer_create(param)
        .with_subscriber(capture.clone())
        .await
        .unwrap_err();
    assert_eq!(err.code().map(|c| c.code()), Some(1401));

    // (b) A card number that fails validation: too long (the typed method checks it against the
    // spec inside the call), and of the wrong type (call_json refuses it before the call).
    let long = format!("{CARD}0000");
    let err = client
        .customer_create(sgate_support::bank_customer(
            "u2",
            &long,
            "SA0380000000608010167519",
        ))
        .with_subscriber(capture.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(err, paybind::sgate::Error::Validation(_)),
        "{err:?}"
    );
    for cardno in [
        json!(format!("{CARD}0000")),
        json!(5_123_450_000_000_001u64),
    ] {
        let err = client
            .call_json(
                "customer_create",
                json!({"name_e": "A", "name_a": "A", "mercustomid": "u1",
                       "identity": "1012345678", "cardno": cardno}),
            )
            .with_subscriber(capture.clone())
            .await
            .unwrap_err();
        assert!(
            matches!(err, paybind::sgate::Error::Validation(_)),
            "{err:?}"
        );
    }

    // (c) A BluePay client with its private key, failing to connect.
    let key = common::key("merchant-2048.pem");
    let config = paybind::bluepay::Config::new(
        Environment::Url("http://127.0.0.1:9".into()),
        "app-1",
        key.clone(),
        crate::common::bluepay_gateway_public(),
    )
    .connect_retries(0);
    let bluepay = paybind::bluepay::Client::new(config).unwrap();
    let param: paybind::bluepay::types::builder::BalanceInquiryParam =
        paybind::bluepay::types::BalanceInquiryParam::builder();
    bluepay
        .balance_inquiry(param)
        .with_subscriber(capture.clone())
        .await
        .unwrap_err();

    // (d) SGATE's other ways in: a typed GET and call_json's GET with a corrupt answer
    // signature, the statement download likewise, the multipart upload with an error answer.
    let corrupt = || json!({"bad_signature": "corrupt"});
    fault(&sandbox, "merchant_balance", corrupt()).await;
    let capturing = || capture.clone();
    client
        .merchant_balance()
        .with_subscriber(capturing())
        .await
        .unwrap_err();
    fault(&sandbox, "merchant_balance", corrupt()).await;
    client
        .call_json("merchant_balance", json!({}))
        .with_subscriber(capturing())
        .await
        .unwrap_err();
    fault(&sandbox, "statement_download", corrupt()).await;
    client
        .statement_download()
        .day("2024-06-26".parse().unwrap())
        .to_writer(&mut Vec::new())
        .with_subscriber(capturing())
        .await
        .unwrap_err();
    let answer = json!({"code": 1401, "message": "exists", "requestId": "R2"});
    fault(&sandbox, "customer_file_upload", json!({ "body": answer })).await;
    client
        .customer_file_upload()
        .mercustomid("u1")
        .file(
            paybind::sgate::types::CustomerFileUploadParamType::Identitypic,
            "id.png",
            b"\x89PNG\r\n\x1a\nfake".to_vec(),
        )
        .send()
        .with_subscriber(capturing())
        .await
        .unwrap_err();

    // (e) BluePay JT's report: the link its answer gives is refused, after the answer came.
    common::next_report_link(&sandbox, "file:///etc/passwd").await;
    let jt = paybind::bluepay_jt::Client::new(sandbox.bluepay_jt_config()).unwrap();
    let err = jt
        .download_report(common::report_param(), &mut Vec::new())
        .with_subscriber(capturing())
        .await
        .unwrap_err();
    assert!(
        matches!(err, paybind::bluepay_jt::Error::LinkRefused { .. }),
        "{err:?}"
    );

    let log = capture.text();
    // The capture saw the calls and their failures (call_json's refusal comes before the call,
    // so it logs nothing), each failure inside its call's span.
    let spans = failure_spans(&log);
    assert_eq!(spans.len(), 8, "{log}");
    for (span, operation) in spans.iter().zip([
        "customer_create",
        "customer_create",
        "balance_inquiry",
        "merchant_balance",
        "merchant_balance",
        "statement_download",
        "customer_file_upload",
        "report_download",
    ]) {
        let span = span.unwrap_or_else(|| panic!("{operation}: failed outside a span:{log}"));
        assert!(
            span.contains("paybind.call") && span.contains(&format!("operation={operation:?}")),
            "{operation}: {span}"
        );
    }
    assert!(
        log.contains("customer_create") && log.contains("balance_inquiry"),
        "{log}"
    );
    assert!(log.contains("1401"), "{log}");
    let mut secrets = vec![
        API_KEY.to_string(),
        CARD.to_string(),
        cardno.clone(),
        IBAN.to_string(),
    ];
    secrets.extend(pem_lines("sgate-merchant-2048.pem"));
    secrets.extend(pem_lines("merchant-2048.pem"));
    for secret in &secrets {
        assert!(!log.contains(secret.as_str()), "{secret} in the log:{log}");
    }
}
