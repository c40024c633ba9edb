//! `paybind sandbox trigger`: against a sandbox started in this process (found by the
//! `PAYBIND_SANDBOX_ADMIN_*` variables `paybind sandbox` prints), the event happens with its
//! state change and signed notification; `--list` prints every event of the enum; bad
//! arguments exit 2 with nothing sent, a refusal of the sandbox exits 1.

use paybind_sandbox::{Gateway, Sandbox, SandboxConfig, Storage, TriggerEvent};

use super::*;

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        storage: Storage::Memory,
        keys: Some(paybind_test_support::fixture_keys()),
        ..SandboxConfig::default()
    })
    .await
    .expect("the sandbox starts")
}

/// Environment variables of a run.
type Env = Vec<(&'static str, String)>;

fn admin_env(sandbox: &Sandbox) -> Env {
    vec![
        ("PAYBIND_SANDBOX_ADMIN_URL", sandbox.admin_url()),
        (
            "PAYBIND_SANDBOX_ADMIN_TOKEN",
            sandbox.admin_token().to_string(),
        ),
    ]
}

/// A number per variant, written as an exhaustive match: a variant added to the enum does not
/// compile here until it is counted, so `--list` is checked against all of them.
fn variant_number(event: TriggerEvent) -> usize {
    match event {
        TriggerEvent::QrPaid => 0,
        TriggerEvent::QrFailed => 1,
        TriggerEvent::WebpayPaid => 2,
        TriggerEvent::WebpayFailed => 3,
        TriggerEvent::PayoutCompleted => 4,
        TriggerEvent::PayoutFailed => 5,
        TriggerEvent::DirectDebitAuthorized => 6,
        TriggerEvent::DirectDebitRejected => 7,
        TriggerEvent::DirectDebitPaid => 8,
        TriggerEvent::DirectDebitFailed => 9,
        TriggerEvent::RefundCompleted => 10,
        TriggerEvent::RefundFailed => 11,
        TriggerEvent::PaymentSettled => 12,
        TriggerEvent::TicketResult => 13,
        TriggerEvent::CustomerApproved => 14,
        TriggerEvent::CustomerRejected => 15,
        TriggerEvent::PaymentOrderCompleted => 16,
        TriggerEvent::PaymentOrderFailed => 17,
        TriggerEvent::PayinOrderPaid => 18,
        TriggerEvent::PayinRefundCompleted => 19,
        TriggerEvent::PayinRefundFailed => 20,
    }
}
const VARIANTS: usize = 21;

#[test]
fn list_prints_every_event_of_the_enum() {
    let out = run(&["sandbox", "trigger", "--list"], &[], None);
    assert_ok(&out);
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    let mut seen = [false; VARIANTS];
    for line in &lines {
        let id = line["event"].as_str().unwrap();
        let event: TriggerEvent = serde_json::from_value(json!(id)).expect("an event of the enum");
        assert_eq!(event.id(), id);
        seen[variant_number(event)] = true;
        let gateways: Vec<&str> = line["gateways"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g.as_str().unwrap())
            .collect();
        let expected: Vec<&str> = event.gateways().iter().map(|g| g.id()).collect();
        assert_eq!(gateways, expected, "{id}");
        assert!(!line["description"].as_str().unwrap().is_empty());
    }
    assert_eq!(lines.len(), VARIANTS);
    assert!(seen.iter().all(|listed| *listed), "{seen:?}");
}

#[tokio::test]
async fn trigger_pays_a_qr_code_with_a_signed_notification() {
    let sandbox = sandbox().await;
    let env = admin_env(&sandbox);
    let out = run_async(
        args(&[
            "sandbox",
            "trigger",
            "bluepay",
            "qr.paid",
            "--override",
            "mchOrderId=CLITRIG1",
            "--override",
            "amount=1500",
            "--override",
            "notifyUrl=http://127.0.0.1:9/notify",
        ]),
        env.clone(),
    )
    .await;
    assert_ok(&out);
    let outcome = stdout_json(&out);
    assert_eq!(outcome["created"], json!(["qr CLITRIG1"]));
    assert_eq!(outcome["object"]["transactionStatus"], "COMPLETED");
    assert_eq!(outcome["object"]["amount"], 1500);
    // The state changed in the sandbox.
    let order = sandbox
        .admin()
        .order(Gateway::BluePay, "CLITRIG1")
        .await
        .unwrap();
    assert_eq!(order["status"], "COMPLETED");
    // The notification it queued verifies with the gateway's public key.
    let id = outcome["notifications"][0].as_str().unwrap();
    let notification = sandbox.admin().notification(id).await.unwrap();
    let verifier = paybind::bluepay::Notifications::new(
        sandbox.keys().bluepay_gateway_public(),
        HashAlgorithm::Sha256,
    );
    let event = verifier.verify(notification.body.as_bytes()).unwrap();
    assert!(format!("{event:?}").contains("CLITRIG1"), "{event:?}");

    // JSON overrides (`:=`) and SGATE.
    let out = run_async(
        args(&[
            "sandbox",
            "trigger",
            "sgate",
            "customer.approved",
            "--override",
            "mercustomid=cli-u1",
            "--override",
            "autoapproval:=0",
        ]),
        env.clone(),
    )
    .await;
    assert_ok(&out);
    assert_eq!(stdout_json(&out)["object"]["status"], 1);

    // The same order again: the sandbox refuses (it is paid already), exit 1.
    let out = run_async(
        args(&[
            "sandbox",
            "trigger",
            "bluepay",
            "qr.failed",
            "--override",
            "mchOrderId=CLITRIG1",
        ]),
        env,
    )
    .await;
    assert_eq!(code(&out), 1);
    let error = stderr_error(&out);
    assert_eq!(error["http_status"], 409, "{error}");
}

#[tokio::test]
async fn bad_arguments_exit_2_with_nothing_sent() {
    let sandbox = sandbox().await;
    let env = admin_env(&sandbox);
    let no_sandbox = Vec::new();
    let cases: [(&[&str], &Env); 4] = [
        // An event of another gateway.
        (
            &["sandbox", "trigger", "bluepay", "customer.approved"],
            &env,
        ),
        // Not an event.
        (&["sandbox", "trigger", "bluepay", "qr.payd"], &env),
        // An override without a value.
        (
            &[
                "sandbox",
                "trigger",
                "bluepay",
                "qr.paid",
                "--override",
                "amount",
            ],
            &env,
        ),
        // Which sandbox?
        (&["sandbox", "trigger", "bluepay", "qr.paid"], &no_sandbox),
    ];
    for (arguments, env) in cases {
        let out = run_async(args(arguments), env.clone()).await;
        assert_eq!(
            code(&out),
            2,
            "{arguments:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        stderr_error(&out);
    }
    assert!(sandbox.admin().notifications().await.unwrap().is_empty());
    let objects = sandbox.admin().objects().await.unwrap();
    assert!(objects["bluepay"]["objects"]["orders"]
        .as_array()
        .unwrap()
        .is_empty());
}
