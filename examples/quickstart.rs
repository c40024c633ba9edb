//! paybind's quickstart: starts the sandbox (a local, stateful BluePay, BluePay JT, SGATE and
//! SGATE Payin) in this process, plus a small merchant endpoint that verifies the notifications
//! it receives, and walks one real flow per gateway:
//!
//! - BluePay: balance → QR code → the payer pays → verified notification → refund;
//! - BluePay JT: direct-debit authorization → debit → abnormal-transaction ticket;
//! - SGATE: create a customer → approval → payout order → verified callback, fields decrypted;
//! - SGATE Payin: create an order → the payer pays on the hosted cashier (test card, 3-D Secure)
//!   → callback verified by looking the order up → refund.
//!
//! Every request is signed, every answer and notification verified. Run:
//! `cargo run --example quickstart`. It exits 0 only if every step matched expectations.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};
use paybind::keys::PrivateKey;
use paybind::{bluepay, bluepay_jt, sgate, sgate_payin};
use paybind_sandbox::{Gateway, Sandbox, SandboxConfig, SandboxKeys, Settings, Storage};

/// What the merchant endpoint accepted, as text per event.
type Inbox = Arc<Mutex<Vec<String>>>;

fn step(text: &str) {
    println!("\n▶ {text}");
}

fn check(ok: bool, what: &str) -> Result<(), String> {
    if ok {
        println!("   ✔ {what}");
        Ok(())
    } else {
        Err(format!("✘ {what}"))
    }
}

fn fail(e: impl std::fmt::Display) -> String {
    e.to_string()
}

#[tokio::main]
async fn main() {
    match run().await {
        Ok(()) => println!("\nAll steps passed."),
        Err(failure) => {
            eprintln!("\nquickstart failed: {failure}");
            std::process::exit(1);
        }
    }
}

/// Waits (at most 10 s) until the merchant endpoint has accepted an event containing `needle`.
async fn received(inbox: &Inbox, needle: &str) -> Result<String, String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(found) = inbox
            .lock()
            .map_err(fail)?
            .iter()
            .find(|e| e.contains(needle))
        {
            return Ok(found.clone());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "no verified notification containing {needle:?} arrived"
            ));
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// SGATE Payin's callback (`GET /payin/callback?_orderId=…&_type=…`): believed only once the
/// order, looked up over the signed API, confirms it; then acknowledged `COMPLETED::{ORDER_ID}`.
fn payin_callbacks(payin: &sgate_payin::Client, accepted: Inbox) -> axum::Router {
    let handler = move |sgate_payin::CheckedCallback(callback): sgate_payin::CheckedCallback| {
        let accepted = accepted.clone();
        async move {
            let ack = callback.ack().ok_or(StatusCode::CONFLICT)?;
            if let Ok(mut inbox) = accepted.lock() {
                inbox.push(format!(
                    "PayinCallback {:?} order={} status={:?} refund={:?}",
                    callback.kind,
                    callback.order_id(),
                    callback.order.status,
                    callback.order.refund_status,
                ));
            }
            Ok::<_, StatusCode>(ack)
        }
    };
    axum::Router::new()
        .route("/payin/callback", axum::routing::get(handler))
        .with_state(payin.notifications())
}

/// The merchant's notification endpoint: verifies BluePay, JT and SGATE notifications with the
/// clients' verifiers; refused ones get 401 (the gateway then tries again). SGATE Payin's
/// callbacks are checked against the order ([`payin_callbacks`]).
async fn merchant_endpoint(
    bluepay: bluepay::Client,
    jt: bluepay_jt::Client,
    sgate: sgate::Client,
    payin: sgate_payin::Client,
) -> Result<(String, Inbox), String> {
    let inbox: Inbox = Arc::default();
    let accepted = inbox.clone();
    let app = payin_callbacks(&payin, inbox.clone()).fallback(
        move |uri: Uri, headers: HeaderMap, body: Bytes| {
            let (bluepay, jt, sgate, accepted) =
                (bluepay.clone(), jt.clone(), sgate.clone(), accepted.clone());
            async move {
                let path = uri
                    .path_and_query()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default();
                let event = if path.starts_with("/bluepay/") {
                    bluepay
                        .notifications()
                        .verify(&body)
                        .map(|e| format!("{e:?}"))
                        .map_err(fail)
                } else if path.starts_with("/jt/") {
                    jt.notifications()
                        .verify(&body)
                        .map(|e| format!("{e:?}"))
                        .map_err(fail)
                } else {
                    sgate
                        .notifications()
                        .verify(&headers, &path, &body)
                        .map(|e| match e {
                            // Decrypted for us; shown here only to prove it.
                            sgate::Notification::SalaryStatusChange(order) => format!(
                                "SalaryStatusChange status={:?} cardno={}",
                                order.data.status,
                                order
                                    .data
                                    .custominfo
                                    .and_then(|c| c.cardno)
                                    .map(|c| c.expose().to_string())
                                    .unwrap_or_default()
                            ),
                            other => format!("{other:?}"),
                        })
                        .map_err(fail)
                };
                match event {
                    Ok(text) => {
                        if let Ok(mut inbox) = accepted.lock() {
                            inbox.push(text);
                        }
                        (StatusCode::OK, bluepay::ACK_BODY)
                    }
                    Err(_) => (StatusCode::UNAUTHORIZED, "refused"),
                }
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(fail)?;
    let url = format!("http://{}", listener.local_addr().map_err(fail)?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((url, inbox))
}

async fn run() -> Result<(), String> {
    // Test keys from the repository (in production: your key, the gateways' public keys).
    let key = |text: &str| PrivateKey::from_text(text).map_err(fail);
    let keys = SandboxKeys {
        bluepay_merchant: key(include_str!("../tests/fixtures/merchant-2048.pem"))?,
        bluepay_gateway: key(include_str!("../tests/fixtures/gateway-2048.pem"))?,
        sgate_merchant: key(include_str!("../tests/fixtures/sgate-merchant-2048.pem"))?,
        sgate_system: key(include_str!("../tests/fixtures/sgate-system-2048.pem"))?,
    };
    let sandbox = Sandbox::start(SandboxConfig {
        storage: Storage::Memory,
        keys: Some(keys),
        auto_delay: Duration::from_millis(200),
        ..SandboxConfig::default()
    })
    .await
    .map_err(fail)?;
    // The admin API answers only with this run's token; `sandbox.admin()` sends it.
    println!(
        "paybind sandbox on {} (admin API: {}, token {})",
        sandbox.base_url(),
        sandbox.admin_url(),
        sandbox.admin_token()
    );
    println!(
        "dashboard (open it in a browser): {}",
        sandbox.dashboard_url()
    );

    // Two lines per client: the sandbox hands out its URL and keys.
    let bp = bluepay::Client::new(sandbox.bluepay_config()).map_err(fail)?;
    let jt = bluepay_jt::Client::new(sandbox.bluepay_jt_config()).map_err(fail)?;
    let sg = sgate::Client::new(sandbox.sgate_config()).map_err(fail)?;
    let payin = sgate_payin::Client::new(sandbox.sgate_payin_config()).map_err(fail)?;
    let (merchant, inbox) =
        merchant_endpoint(bp.clone(), jt.clone(), sg.clone(), payin.clone()).await?;
    println!("merchant notification endpoint on {merchant}");

    // ---------------------------------------------------------------- BluePay
    step("BluePay · Balance Inquiry");
    let balance = bp
        .balance_inquiry(bluepay::types::BalanceInquiryParam::builder())
        .await
        .map_err(fail)?;
    println!("   balance: THB {}", balance.balance);
    check(
        balance.balance.minor_units() == Some(1_000_000),
        "the sandbox merchant starts with THB 10000.00",
    )?;

    step("BluePay · QR Code Create (THB 10.00)");
    let qr = bp
        .qr_code_create(
            bluepay::types::QrCodeCreateParam::builder()
                .channel_code("THAI_DYNAMIC_QR")
                .mch_order_id("QS0001")
                .amount(1000) // satang: THB 10.00
                .notify_url(format!("{merchant}/bluepay/notify")),
        )
        .await
        .map_err(fail)?;
    println!(
        "   QR payload: {}",
        qr.qr_code_content.as_deref().unwrap_or("?")
    );
    let sent = sandbox
        .requests()
        .pop()
        .ok_or("nothing reached the gateway")?;
    println!("   signed param: {}", sent.param_text.unwrap_or_default());
    check(
        sent.signature_ok,
        "the gateway verified the RSA signature over param",
    )?;
    check(
        qr.transaction_status == Some(bluepay::TransactionStatus::Pending),
        "the QR code waits for the payer",
    )?;

    step("BluePay · the payer pays (simulated through the admin API)");
    sandbox
        .admin()
        .pay_qr(Gateway::BluePay, "QS0001")
        .await
        .map_err(fail)?;
    let event = received(&inbox, "QrCodePayment").await?;
    println!(
        "   verified notification: {}",
        &event[..event.len().min(160)]
    );
    check(
        event.contains("mch_order_id: Some(\"QS0001\")") && event.contains("amount: Amount(10.00)"),
        "a genuine, typed payment notification for THB 10.00",
    )?;
    let transaction_id = qr.transaction_id.ok_or("no transaction id")?.to_string();

    step("BluePay · Refund THB 5.00");
    let refund = bp
        .refund_create(
            bluepay::types::RefundCreateParam::builder()
                .mch_refund_order_id("QSREFUND1")
                .original_transaction_id(transaction_id)
                .refund_amount(500)
                .refund_callback_url(format!("{merchant}/bluepay/refund")),
        )
        .await
        .map_err(fail)?;
    println!(
        "   refund {:?} is {:?}",
        refund.refund_transaction_id, refund.refund_status
    );
    let event = received(&inbox, "Refund(").await?;
    check(
        event.contains("refund_amount: Amount(5.00)") && event.contains("Complete"),
        "the refund completed and its notification verified",
    )?;

    // ---------------------------------------------------------------- BluePay JT
    step("BluePay JT · Create Authorization Url (direct debit)");
    let apply = jt
        .direct_debit_token_apply(
            bluepay_jt::types::DirectDebitTokenApplyParam::builder()
                .user_id("rider001")
                .request_id("QSAUTH1")
                .channel_code("BLUEPAY_DIRECT_DEBIT")
                .terminal_type("WEB")
                .notify_url(format!("{merchant}/jt/auth"))
                .redirect_url("https://merchant.example/back"),
        )
        .await
        .map_err(fail)?;
    println!("   send the payer to: {}", apply.auth_url);
    sandbox
        .admin()
        .authorize_direct_debit(Gateway::BluePayJt, "QSAUTH1")
        .await
        .map_err(fail)?;
    let event = received(&inbox, "DirectDebitAuthorization").await?;
    let token = event
        .split("paytoken: Some(\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or("the authorization notification carries no paytoken")?
        .to_string();
    check(
        !token.is_empty(),
        &format!("authorized; verified notification carries payToken {token}"),
    )?;

    step("BluePay JT · Direct Debit THB 500.00 with the token");
    let debit = jt
        .direct_debit_pay(
            bluepay_jt::types::DirectDebitPayParam::builder()
                .mch_order_id("QSDEBIT1")
                .amount(50_000) // satang: THB 500.00
                .channel_code("BLUEPAY_DIRECT_DEBIT")
                .pay_token(&token)
                .notify_url(format!("{merchant}/jt/debit")),
        )
        .await
        .map_err(fail)?;
    println!(
        "   debit {} is {:?}",
        debit.transaction_id.as_deref().unwrap_or("?"),
        debit.transaction_status
    );
    let event = received(&inbox, "DirectDebitPayment").await?;
    check(
        event.contains("QSDEBIT1") && event.contains("Completed"),
        "the debit completed and its notification verified",
    )?;

    step("BluePay JT · Add Ticket for the debit");
    let ticket = jt
        .ticket_add(
            bluepay_jt::types::TicketAddParam::builder()
                .request_id("QSTICKET1")
                .mch_order_id("QSDEBIT1")
                .amount(50_000)
                .ticket_type(1)
                .payer_type(1)
                .courier_mobile("0611111111")
                .transaction_date("2025-10-29")
                .notify_url(format!("{merchant}/jt/ticket"))
                .problem_description("Parcel delivered twice")
                .proof_image(["bluepay/onboard/extern/22fe507ee71d04cee1665b9879164724.jpg"]),
        )
        .await
        .map_err(fail)?;
    let ticket_no = ticket.ticket_no;
    check(!ticket_no.is_empty(), &format!("ticket {ticket_no} opened"))?;

    // ---------------------------------------------------------------- SGATE
    sandbox
        .admin()
        .set_settings(&Settings {
            sgate_callback_url: Some(format!("{merchant}/sgate/callback")),
            ..Settings::default()
        })
        .await
        .map_err(fail)?;
    step("SGATE · Create customer (a documented sandbox test account)");
    let customer = sg
        .customer_create(
            sgate::types::CustomerCreateParam::builder()
                .name_e("Test Payee")
                .name_a("Test Payee")
                .mercustomid("qs-001")
                .identity("1012345678")
                .bankcode("1174c")
                .cardno("5123450000000001")
                .ibanaccount("SA0000000000000000000001"),
        )
        .await
        .map_err(fail)?;
    let sent = sandbox.requests().pop().ok_or("nothing reached SGATE")?;
    check(
        sent.signature_ok && !sent.body.contains("1012345678"),
        "signed in the V-* headers; identity and card number sent encrypted",
    )?;
    println!(
        "   customer {:?} is {:?}",
        customer.customid, customer.status
    );

    step("SGATE · approval (automatic for test accounts)");
    let event = received(&inbox, "CustomStatusChange").await?;
    check(
        event.contains("Normal"),
        "verified callback: the customer is approved",
    )?;

    step("SGATE · Create payment order (SAR 18.75)");
    let order = sg
        .payment_order_create(
            sgate::types::PaymentOrderCreateParam::builder()
                .mercustomid("qs-001")
                .payeeuid("QSPAYOUT1")
                .amount("18.75")
                .currency("SAR")
                .paymentmethod("bankTransfer"),
        )
        .await
        .map_err(fail)?;
    println!(
        "   order {:?}: amount {:?}, fee {:?}, status {:?}",
        order.ticketid,
        order.amount.map(|a| a.to_string()),
        order.fee.map(|a| a.to_string()),
        order.status
    );
    let event = received(&inbox, "SalaryStatusChange").await?;
    println!("   verified callback: {event}");
    check(
        event.contains("Transferred") && event.contains("cardno=5123450000000001"),
        "the payout was transferred; the callback verified and its card number decrypted",
    )?;

    // ---------------------------------------------------------------- SGATE Payin
    payin_flow(&sandbox, &payin, &merchant, &inbox).await?;

    // The sandbox records an attempt once the receiver's answer is in, a moment after the
    // receiver saw the callback: wait for the bookkeeping.
    let mut notifications = sandbox.notifications().map_err(fail)?;
    for _ in 0..200 {
        if notifications.iter().all(|n| n["status"] == "delivered") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        notifications = sandbox.notifications().map_err(fail)?;
    }
    let delivered = notifications
        .iter()
        .filter(|n| n["status"] == "delivered")
        .count();
    check(
        delivered == notifications.len() && delivered == 8,
        &format!("all {delivered} notifications acknowledged"),
    )?;
    Ok(())
}

/// SGATE Payin: an order, paid on the sandbox's hosted cashier as a payer's browser would, its
/// callback believed through the order, then a refund and its callback.
async fn payin_flow(
    sandbox: &Sandbox,
    payin: &sgate_payin::Client,
    merchant: &str,
    inbox: &Inbox,
) -> Result<(), String> {
    step("SGATE Payin · Create order (SAR 12.02)");
    let order = payin
        .merchant_add_order(
            sgate_payin::types::MerchantAddOrderParam::builder()
                .merchant_order_id("QSPAYIN1")
                .name("Game card")
                .amount("12.02")
                .currency("SAR")
                .notification_url(format!("{merchant}/payin/callback")),
        )
        .await
        .map_err(fail)?;
    let sent = sandbox
        .requests()
        .pop()
        .ok_or("nothing reached SGATE Payin")?;
    check(
        sent.signature_ok,
        "signed with the HMAC x-auth-* headers; the sandbox checked them",
    )?;
    let return_url = "https://shop.example/thanks";
    // The payment link is built as in production: the client knows its host.
    let cashier = payin
        .payment_link(sgate_payin::CashierPage::Standard, &order.id, &order.ticket)
        .return_url(return_url)
        .url()
        .map_err(fail)?;
    println!("   order {}: the payer's link is {cashier}", order.id);

    step("SGATE Payin · the payer pays on the hosted cashier (test card, 3-D Secure)");
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(fail)?;
    let post = |url: String, fields: Vec<(String, String)>| {
        let browser = browser.clone();
        async move {
            let mut form = reqwest::Url::parse("http://form.invalid/").map_err(fail)?;
            form.query_pairs_mut().extend_pairs(&fields);
            let answer = browser
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form.query().unwrap_or_default().to_string())
                .send()
                .await
                .map_err(fail)?;
            let location = answer
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok());
            location.map(str::to_string).ok_or_else(|| {
                format!(
                    "the cashier answered {} without a redirect",
                    answer.status()
                )
            })
        }
    };
    // The cashier's card form (the page at the link) posts to {order}/card.
    let card_form = format!(
        "{}/card",
        cashier.as_str().split('?').next().unwrap_or_default()
    );
    let card = [
        ("ticket", order.ticket.as_str()),
        ("returnURL", return_url),
        ("cardNumber", "5123450000000008"),
        ("expiryMonth", "01"),
        ("expiryYear", "39"),
        ("nameOnCard", "SGate_Sandbox"),
        ("securityCode", "100"),
    ];
    let to_owned = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let three_ds = post(card_form, to_owned(&card)).await?;
    println!("   3-D Secure page: {three_ds}");
    // The 3DS page's form carries the transaction of its address; the payer authenticates.
    let three_ds = reqwest::Url::parse(&three_ds).map_err(fail)?;
    let mut fields: Vec<(String, String)> = three_ds.query_pairs().into_owned().collect();
    fields.push(("outcome".into(), "authenticate".into()));
    let mut action = three_ds.clone();
    action.set_query(None);
    let back = post(action.to_string(), fields).await?;
    check(
        back == return_url,
        "3-D Secure passed; the payer is sent back to the shop",
    )?;

    step("SGATE Payin · callback (unsigned GET), believed through the order");
    let event = received(inbox, "PayinCallback Payment").await?;
    println!("   verified callback: {event}");
    check(
        event.contains(&order.id) && event.contains("status=Paid"),
        "order_detail says paid: the callback is confirmed and answered COMPLETED::{ORDER_ID}",
    )?;

    step("SGATE Payin · Refund SAR 2.02");
    let refund = payin
        .order_refund(
            &order.id,
            sgate_payin::types::OrderRefundParam::builder()
                .amount("2.02")
                .reason("Return shipping fee"),
        )
        .await
        .map_err(fail)?;
    println!("   refund {} is {:?}", refund.id, refund.status);
    let event = received(inbox, "PayinCallback Refund").await?;
    check(
        event.contains("refund=Some(Partial)"),
        "the refund completed; its callback confirmed by the order's refund state",
    )?;
    Ok(())
}
