//! `POST /admin/trigger` (`Admin::trigger`): an event performed now changes the state it
//! implies and delivers a notification that paybind's verifiers accept, for an event of each
//! gateway; the object it needs is made first when it does not exist, found by its id when it
//! does; an event of another gateway and a bad body are refused, naming why.

use std::sync::Arc;

use paybind_sandbox::{Gateway, Sandbox, Settings, Trigger, TriggerEvent};
use serde_json::json;

use crate::common;

/// A receiver that acknowledges only what `verifies` accepts.
async fn verifying_receiver(
    verifies: impl Fn(&common::Hit) -> bool + Send + Sync + 'static,
) -> common::Receiver {
    common::Receiver::start_with(0, Arc::new(verifies)).await
}

#[tokio::test]
async fn a_bluepay_qr_paid_makes_the_qr_code_pays_it_and_delivers_a_verified_notification() {
    let sandbox = common::sandbox().await;
    let client = paybind::bluepay::Client::new(sandbox.bluepay_config()).unwrap();
    let verifier = client.notifications().clone();
    let receiver = verifying_receiver(move |hit| verifier.verify(&hit.body).is_ok()).await;
    let paid = sandbox
        .admin()
        .trigger(
            Trigger::new(Gateway::BluePay, TriggerEvent::QrPaid)
                .with("mchOrderId", "TQR1")
                .with("amount", "1500")
                .with("notifyUrl", receiver.url("/notify")),
        )
        .await
        .unwrap();
    assert_eq!(paid.created, ["qr TQR1"]);
    assert_eq!(paid.object["transactionStatus"], "COMPLETED");
    assert_eq!(paid.notifications.len(), 1, "{paid:?}");
    // The state changed: the gateway itself answers the order as paid, for its amount.
    let detail = client
        .call_json("qr_code_detail", json!({"mchOrderId": "TQR1"}))
        .await
        .unwrap();
    assert_eq!(detail["transactionStatus"], "COMPLETED");
    assert_eq!(detail["amount"], 1500);
    assert_eq!(
        sandbox.admin().balance(Gateway::BluePay).await.unwrap(),
        1_000_000 + 1500
    );
    // The notification arrived, verified and typed.
    common::eventually(10, || (!receiver.processed().is_empty()).then_some(())).await;
    let event = client
        .notifications()
        .verify(&receiver.processed()[0].body)
        .unwrap();
    let paybind::bluepay::Notification::QrCodePayment(payment) = event else {
        panic!("{event:?}")
    };
    assert!(format!("{payment:?}").contains("TQR1"), "{payment:?}");
    let record = sandbox
        .admin()
        .notification(&paid.notifications[0])
        .await
        .unwrap();
    assert_eq!(record.event, "qrcode.payment.success");

    // The same event on the order that exists now: nothing is made, and it is final already.
    let again = sandbox
        .admin()
        .trigger(Trigger::new(Gateway::BluePay, TriggerEvent::QrPaid).with("mchOrderId", "TQR1"))
        .await
        .unwrap_err();
    assert!(again.to_string().contains("409"), "{again}");
}

#[tokio::test]
async fn a_payout_that_exists_is_failed_with_the_code_given_and_its_money_returns() {
    let sandbox = common::sandbox().await;
    let client = paybind::bluepay::Client::new(sandbox.bluepay_config()).unwrap();
    let verifier = client.notifications().clone();
    let receiver = verifying_receiver(move |hit| verifier.verify(&hit.body).is_ok()).await;
    sandbox
        .admin()
        .set_settings(&Settings {
            bluepay_payout_notify_url: Some(receiver.url("/payout")),
            ..Settings::default()
        })
        .await
        .unwrap();
    // Amounts ending in 99 stay pending (a built-in rule).
    client
        .call_json(
            "payout_create",
            json!({"mchOrderId": "TPO1", "idempotencyId": "TPO1-IDEMPOTENT", "amount": 5099,
                   "payMethodCode": "PROMPTPAY", "promptpayAccountType": "MSISDN", "accountNo": "0812345678"}),
        )
        .await
        .unwrap();
    assert_eq!(
        sandbox.admin().balance(Gateway::BluePay).await.unwrap(),
        1_000_000 - 5099
    );
    let failed = sandbox
        .admin()
        .trigger(
            Trigger::new(Gateway::BluePay, TriggerEvent::PayoutFailed)
                .with("mchOrderId", "TPO1")
                .with("failedCode", -10001),
        )
        .await
        .unwrap();
    assert!(failed.created.is_empty(), "{failed:?}");
    assert_eq!(failed.object["transactionStatus"], "FAILED");
    assert_eq!(failed.object["failedCode"], -10001);
    assert_eq!(
        sandbox.admin().balance(Gateway::BluePay).await.unwrap(),
        1_000_000
    );
    common::eventually(10, || (!receiver.processed().is_empty()).then_some(())).await;
    let event = client
        .notifications()
        .verify(&receiver.processed()[0].body)
        .unwrap();
    assert!(
        format!("{event:?}").starts_with("Payout("),
        "a payout notification: {event:?}"
    );
}

#[tokio::test]
async fn a_jt_ticket_result_opens_a_ticket_answers_it_and_notifies() {
    let sandbox = common::sandbox().await;
    let jt = paybind::bluepay_jt::Client::new(sandbox.bluepay_jt_config()).unwrap();
    let verifier = jt.notifications().clone();
    let receiver = verifying_receiver(move |hit| verifier.verify(&hit.body).is_ok()).await;
    let answered = sandbox
        .admin()
        .trigger(
            Trigger::new(Gateway::BluePayJt, TriggerEvent::TicketResult)
                .with("notifyUrl", receiver.url("/ticket"))
                .with("ticketStatus", "rejected")
                .with("customerServiceReply", "not our fault"),
        )
        .await
        .unwrap();
    assert_eq!(answered.created.len(), 1, "{answered:?}");
    let ticket_no = answered.object["ticketNo"].as_str().unwrap().to_string();
    let result = jt
        .call_json("ticket_result_query", json!({"ticketNo": ticket_no}))
        .await
        .unwrap();
    assert_eq!(result["ticketStatus"], "REJECTED");
    common::eventually(10, || (!receiver.processed().is_empty()).then_some(())).await;
    match jt
        .notifications()
        .verify(&receiver.processed()[0].body)
        .unwrap()
    {
        paybind::bluepay_jt::Notification::TicketResult(n) => {
            let shown = format!("{n:?}");
            assert!(shown.contains(&ticket_no), "{shown}");
            assert!(shown.contains("not our fault"), "{shown}");
            assert_eq!(n.ticket_status, paybind::bluepay_jt::TicketStatus::Rejected);
        }
        other => panic!("{other:?}"),
    }

    // Settlement of a payment JT settles: a QR code paid first, then settled and notified.
    let settled = sandbox
        .admin()
        .trigger(
            Trigger::new(Gateway::BluePayJt, TriggerEvent::PaymentSettled)
                .with("notifyUrl", receiver.url("/settle")),
        )
        .await
        .unwrap();
    assert_eq!(settled.notifications.len(), 2, "paid, then settled");
    common::eventually(10, || (receiver.processed().len() >= 3).then_some(())).await;
    let kinds: Vec<String> = receiver.processed()[1..]
        .iter()
        .map(|hit| format!("{:?}", jt.notifications().verify(&hit.body).unwrap()))
        .map(|debug| debug.split('(').next().unwrap().to_string())
        .collect();
    assert_eq!(kinds[0], "QrCodePayment");
    assert_eq!(kinds[1], "Settled");
}

#[tokio::test]
async fn sgate_payment_order_completed_makes_an_approved_customer_and_calls_back_verified() {
    let sandbox = common::sandbox().await;
    let client = paybind::sgate::Client::new(sandbox.sgate_config()).unwrap();
    let verifier = client.notifications().clone();
    let receiver =
        verifying_receiver(move |hit| verifier.verify(&hit.headers, &hit.path, &hit.body).is_ok())
            .await;
    sandbox
        .admin()
        .set_settings(&Settings {
            sgate_callback_url: Some(receiver.url("/sgate/callback")),
            ..Settings::default()
        })
        .await
        .unwrap();
    let done = sandbox
        .admin()
        .trigger(
            Trigger::new(Gateway::Sgate, TriggerEvent::PaymentOrderCompleted)
                .with("payeeuid", "TPAY1")
                .with("amount", "250.50"),
        )
        .await
        .unwrap();
    assert_eq!(
        done.created.len(),
        2,
        "a customer, then the order: {done:?}"
    );
    assert_eq!(done.object["status"], 1);
    // The merchant's view: the order transferred, and the balance paid it.
    let order = client
        .payment_order_detail(|q| q.payeeuid("TPAY1"))
        .await
        .unwrap();
    assert_eq!(
        order.status,
        Some(paybind::sgate::PaymentOrderStatus::Transferred)
    );
    assert_eq!(
        order.amount.map(|a| a.to_string()).as_deref(),
        Some("250.50")
    );
    // Only the order's callback: the customer was approved quietly.
    common::eventually(10, || (!receiver.processed().is_empty()).then_some(())).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(receiver.hits().len(), 1);
    let hit = &receiver.processed()[0];
    match client
        .notifications()
        .verify(&hit.headers, &hit.path, &hit.body)
        .unwrap()
    {
        paybind::sgate::Notification::SalaryStatusChange(event) => {
            assert!(format!("{:?}", event.data).contains("TPAY1"));
        }
        other => panic!("{other:?}"),
    }

    // A customer rejected by its merchant id: the customer that exists.
    let customer = &done.object["mercustomid"];
    let rejected = sandbox
        .admin()
        .trigger(
            Trigger::new(Gateway::Sgate, TriggerEvent::CustomerRejected)
                .with("mercustomid", customer.clone()),
        )
        .await
        .unwrap();
    assert!(rejected.created.is_empty());
    assert_eq!(rejected.object["status"], 2);
}

#[tokio::test]
async fn an_event_of_another_gateway_and_a_bad_body_are_refused_naming_why() {
    let sandbox = common::sandbox().await;
    let err = sandbox
        .admin()
        .trigger(Trigger::new(Gateway::Sgate, TriggerEvent::QrPaid))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("qr.paid happens on bluepay, bluepay-jt, not sgate"),
        "{err}"
    );
    let err = sandbox
        .admin()
        .post(
            "trigger",
            json!({"gateway": "bluepay", "event": "qr.payd", "overrides": {}}),
        )
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("HTTP 400"), "{text}");
    assert!(text.contains("event: unknown variant"), "{text}");
    assert!(text.contains("`qr.paid`"), "lists the events: {text}");
    assert!(!text.contains("qr.payd"), "never quotes the value: {text}");
    // Nothing happened.
    assert!(sandbox.admin().notifications().await.unwrap().is_empty());
}

/// Every event of the enum performs on every gateway it names, from an empty world.
#[tokio::test]
async fn every_event_performs_from_nothing() {
    let sandbox: Sandbox = common::sandbox().await;
    for &event in TriggerEvent::ALL {
        for &gateway in event.gateways() {
            let outcome = sandbox
                .admin()
                .trigger(Trigger::new(gateway, event))
                .await
                .unwrap_or_else(|e| panic!("{event} on {}: {e}", gateway.id()));
            assert!(!outcome.created.is_empty(), "{event}: {outcome:?}");
        }
    }
}
