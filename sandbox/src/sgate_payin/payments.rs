//! Paying an order: card transactions (direct, or through the cashier) that wait for the
//! simulated 3DS page, STC Pay transactions that wait for the SMS code, and how a transaction
//! ends. The documented test instruments (`info.x-test-data`) decide: the test card passes
//! 3DS, any other card is declined; the test wallet with its code is approved. Starting a
//! transaction aborts the order's unfinished ones; an approved one pays the order and queues
//! the `payment` callback. No card number or security code is kept: only the masked digest.

use serde_json::{json, Value};

use super::orders::{load_order, payable_order};
use super::records::*;
use crate::base::json::{optional_text, set, text};
use crate::base::shared::Shared;
use crate::base::store::Tx;
use crate::wire::sgate_payin::callback::ORDER_ID;
use crate::wire::sgate_payin::refusal::{refuse, Code, PayinResult};
use crate::wire::sgate_payin::Incoming;

/// The documented test card's member `name` (`number`, `security-code`...).
fn test_card(name: &str) -> Option<&'static str> {
    info("x-test-data/cards/0")?.get(name)?.as_str()
}

/// The documented test wallet's member `name` (`mobile`, `otp`).
fn test_wallet(name: &str) -> Option<&'static str> {
    info("x-test-data/stcpay/0")?.get(name)?.as_str()
}

/// Whether the card of `body` is the documented test card with its expiry and security code
/// (the month read as a number: `1` is `01`).
fn is_test_card(body: &Value) -> bool {
    let month = |text: &str| text.parse::<u8>().ok();
    let same = |member: &str, name: &str| Some(text(body, member)) == test_card(name);
    same("cardNumber", "number")
        && same("expiryYear", "expiry-year")
        && same("securityCode", "security-code")
        && month(text(body, "expiryMonth")) == test_card("expiry-month").and_then(month)
}

/// `512345xxxxxx0008`: the first six and last four digits (the docs' `payerDigest`).
fn masked_card(number: &str) -> String {
    let digits = number.len();
    number
        .char_indices()
        .map(|(index, digit)| {
            if index < 6 || index + 4 >= digits {
                digit
            } else {
                'x'
            }
        })
        .collect()
}

/// A Saudi mobile number without its country code or leading zero (`548220713`).
fn national_mobile(mobile: &str) -> &str {
    let mobile = mobile.trim_start_matches('+');
    let mobile = mobile.strip_prefix("966").unwrap_or(mobile);
    mobile.strip_prefix('0').unwrap_or(mobile)
}

/// Marks the order's unfinished transactions `Aborted` (the docs: a new transaction voids
/// them).
fn abort_unfinished(tx: &mut Tx<'_>, order_id: &str, now: i64) -> PayinResult<()> {
    for mut transaction in tx.records(TRANSACTIONS)? {
        if text(&transaction, "orderId") == order_id && text(&transaction, "result") == "Not_Yet" {
            set(
                &mut transaction,
                json!({ "result": "Aborted", "updatedAt": iso(now) }),
            );
            put(tx, TRANSACTIONS, &transaction);
        }
    }
    Ok(())
}

/// A new payment transaction of `order` by `method`, the order now `doing`.
fn new_payment(tx: &mut Tx<'_>, order: &mut Value, method: &str, now: i64) -> PayinResult<Value> {
    abort_unfinished(tx, text(order, "id"), now)?;
    let id = next_transaction_id(order);
    set(order, json!({ "status": "doing", "updatedAt": iso(now) }));
    put(tx, ORDERS, order);
    Ok(json!({
        "id": id, "orderId": order["id"], "clientId": CLIENT_ID, "merchantId": order["merchantId"],
        "amount": order["amount"], "currency": order["currency"], "type": "payment",
        "paymentMethod": method, "result": "Not_Yet", "completedAt": null,
        "createdAt": iso(now), "updatedAt": iso(now), "feeId": "F00000001",
        "channelFee": money(0), "agencyFee": money(0), "merchantFee": money(0),
        "cleared": "no", "status": "initial", "notificationTimes": 0,
        "successfullyNotifiedAt": null, "lastNotifiedAt": null, "channelOrderResult": {},
    }))
}

/// A card payment of the order `order_id` with the card of `body` (the direct-payment
/// param, checked against the spec): waiting for 3DS at the `redirectURL` under `root_url`.
pub fn start_card(
    tx: &mut Tx<'_>,
    order_id: &str,
    body: &Value,
    root_url: &str,
    now: i64,
) -> PayinResult {
    let mut order = payable_order(tx, order_id, now)?;
    let mut transaction = new_payment(tx, &mut order, "mastercard", now)?;
    let digest = json!({
        "nameOnCard": text(body, "nameOnCard"),
        "number": masked_card(text(body, "cardNumber")),
    });
    let redirect = reqwest::Url::parse_with_params(
        &format!("{root_url}/direct/mastercard"),
        [
            ("orderId", order_id),
            ("transactionId", text(&transaction, "id")),
            ("ticket", text(&order, "ticket")),
        ],
    )
    .map(String::from)
    .unwrap_or_default();
    set(
        &mut transaction,
        json!({
            "payerDigest": digest.to_string(), "redirectURL": redirect,
            "feeId": body.get("feeId").cloned().unwrap_or(json!("F00000001")),
            "sandbox_test_card": is_test_card(body),
            "sandbox_return_url": body.get("returnURL"),
        }),
    );
    put(tx, TRANSACTIONS, &transaction);
    Ok(view("CardTransaction", &transaction))
}

/// `order_start_by_direct_mastercard`.
pub fn direct_card(tx: &mut Tx<'_>, incoming: &Incoming, now: i64) -> PayinResult {
    let order_id = incoming.path("ORDER_ID");
    start_card(tx, order_id, &incoming.body, &incoming.root_url, now)
}

/// The transaction `id` of `order_id`, unfinished and paid by `method`, and its order, whose
/// `ticket` it must be.
fn pending_transaction(
    tx: &mut Tx<'_>,
    id: &str,
    method: &str,
    ticket: &str,
    now: i64,
) -> PayinResult<(Value, Value)> {
    let transaction = find(tx, TRANSACTIONS, id, "transaction")?;
    if text(&transaction, "paymentMethod") != method || text(&transaction, "type") != "payment" {
        return Err(refuse(
            Code::InvalidState,
            format!("transaction {id} is not a {method} payment"),
        ));
    }
    let order = load_order(tx, text(&transaction, "orderId"), now)?;
    if text(&order, "ticket") != ticket {
        return Err(refuse(Code::NotAllowed, "ticket error"));
    }
    if text(&transaction, "result") != "Not_Yet" {
        return Err(refuse(
            Code::InvalidState,
            format!(
                "transaction {id} is {} already",
                text(&transaction, "result")
            ),
        ));
    }
    let order = payable_order(tx, text(&order, "id"), now)?;
    Ok((transaction, order))
}

/// The end of the simulated 3DS step of card transaction `id`: `authenticated` by the payer
/// or not. The test card is approved; any other card declined.
pub fn finish_three_ds(
    tx: &mut Tx<'_>,
    shared: &Shared,
    id: &str,
    ticket: &str,
    authenticated: bool,
    now: i64,
) -> PayinResult {
    let (mut transaction, mut order) = pending_transaction(tx, id, "mastercard", ticket, now)?;
    let result = match (authenticated, transaction["sandbox_test_card"] == true) {
        (false, _) => "Declined_Retirable",
        (true, true) => "Approved",
        (true, false) => "Declined_NoRetry",
    };
    end_payment(tx, shared, &mut transaction, &mut order, result, now)?;
    Ok(transaction)
}

/// The payer pays order `order_id` with the documented test card and passes the 3DS step, as
/// on the cashier (the `payin_order.paid` trigger): the order is paid and its `payment`
/// callback queued. The card transaction's 3DS page is below `root_url`.
pub fn pay_with_test_card(
    tx: &mut Tx<'_>,
    shared: &Shared,
    order_id: &str,
    root_url: &str,
    now: i64,
) -> PayinResult {
    let card = json!({
        "cardNumber": test_card("number"),
        "expiryMonth": test_card("expiry-month"),
        "expiryYear": test_card("expiry-year"),
        "securityCode": test_card("security-code"),
        "nameOnCard": "SGate_Sandbox",
    });
    let transaction = start_card(tx, order_id, &card, root_url, now)?;
    let ticket = text(&load_order(tx, order_id, now)?, "ticket").to_string();
    finish_three_ds(tx, shared, text(&transaction, "id"), &ticket, true, now)
}

/// `order_start_by_stcpay`: waits for the SMS code (the test wallet's is documented).
pub fn start_stcpay(tx: &mut Tx<'_>, incoming: &Incoming, now: i64) -> PayinResult {
    let body = &incoming.body;
    let order = find(tx, ORDERS, incoming.path("ORDER_ID"), "order")?;
    if text(&order, "ticket") != text(body, "ticket") {
        return Err(refuse(Code::NotAllowed, "ticket error"));
    }
    let mut order = payable_order(tx, text(&order, "id"), now)?;
    let currency = info("x-currency-limits/stcpay-maximum/currency").and_then(Value::as_str);
    if Some(text(&order, "currency")) != currency {
        return Err(refuse(
            Code::InvalidParameter,
            "STC Pay takes SAR orders only",
        ));
    }
    let maximum = info("x-currency-limits/stcpay-maximum/maximum")
        .and_then(Value::as_str)
        .and_then(minor_of);
    let amount = order["sandbox_amount_minor"].as_i64().unwrap_or(0);
    if maximum.is_some_and(|maximum| amount > maximum) {
        return Err(refuse(
            Code::InvalidParameter,
            "the amount is above STC Pay's maximum",
        ));
    }
    let mut transaction = new_payment(tx, &mut order, "stcpay", now)?;
    let mobile = national_mobile(text(body, "mobile"));
    let shown = mobile.chars().count().saturating_sub(4);
    let last_four: String = mobile.chars().skip(shown).collect();
    set(
        &mut transaction,
        json!({
            "deviceId": incoming.header("x-auth-uuid"),
            "clientIp": incoming.header("x-customer-ip"),
            "userAgent": incoming.header("user-agent"),
            "payerDigest": json!({ "mobile": format!("******{last_four}") }).to_string(),
            "sandbox_test_wallet": Some(mobile) == test_wallet("mobile"),
        }),
    );
    put(tx, TRANSACTIONS, &transaction);
    Ok(view("StcpayTransaction", &transaction))
}

/// `transaction_complete_by_stcpay` (and the cashier's code form): the test wallet with the
/// test code is approved, with another code declined; any other wallet is declined.
pub fn complete_stcpay(
    tx: &mut Tx<'_>,
    shared: &Shared,
    id: &str,
    body: &Value,
    now: i64,
) -> PayinResult {
    let ticket = text(body, "ticket");
    let (mut transaction, mut order) = pending_transaction(tx, id, "stcpay", ticket, now)?;
    let right_code = Some(text(body, "OtpValue")) == test_wallet("otp");
    let result = match (transaction["sandbox_test_wallet"] == true, right_code) {
        (true, true) => "Approved",
        (true, false) => "Declined_Retirable",
        (false, _) => "Declined_NoRetry",
    };
    end_payment(tx, shared, &mut transaction, &mut order, result, now)?;
    Ok(view("StcpayCompletedTransaction", &transaction))
}

/// Ends a payment transaction with `result`; an approved one pays the order and queues its
/// `payment` callback.
fn end_payment(
    tx: &mut Tx<'_>,
    shared: &Shared,
    transaction: &mut Value,
    order: &mut Value,
    result: &str,
    now: i64,
) -> PayinResult<()> {
    set(
        transaction,
        json!({ "result": result, "completedAt": iso(now), "updatedAt": iso(now) }),
    );
    put(tx, TRANSACTIONS, transaction);
    if result != "Approved" {
        return Ok(());
    }
    let method = text(transaction, "paymentMethod");
    let brand = (method == "mastercard").then_some("MASTERCARD");
    set(
        order,
        json!({
            "status": "paid", "paidAt": iso(now), "updatedAt": iso(now),
            "successPaymentMethod": method, "successPaymentCardBrand": brand,
            "sandbox_paid_transaction": transaction["id"],
        }),
    );
    put(tx, ORDERS, order);
    queue_callback(tx, shared, order, "payment")?;
    Ok(())
}

/// `transaction_detail_for_merchant`: the transaction, with the delivery counters of its
/// order's `payment` callback when it is the paying one.
pub fn transaction_detail(tx: &mut Tx<'_>, incoming: &Incoming) -> PayinResult {
    let mut transaction = find(
        tx,
        TRANSACTIONS,
        incoming.path("TRANSACTION_ID"),
        "transaction",
    )?;
    if text(&transaction, "result") == "Approved" && text(&transaction, "type") == "payment" {
        let order_id = text(&transaction, "orderId").to_string();
        set(&mut transaction, callback_counters(tx, &order_id)?);
    }
    Ok(view("Transaction", &transaction))
}

/// `notificationTimes`, `lastNotifiedAt` and `successfullyNotifiedAt` of the `payment`
/// callbacks of `order_id`, from the attempts the sandbox recorded.
fn callback_counters(tx: &Tx<'_>, order_id: &str) -> PayinResult<Value> {
    let attempts: Vec<Value> = tx
        .records("notification")?
        .into_iter()
        .filter(|record| {
            text(record, "gateway") == GATEWAY.id() && text(record, "event") == "payment"
        })
        .filter(|record| optional_text(&record["payload"], ORDER_ID) == Some(order_id))
        .flat_map(|record| record["attempts"].as_array().cloned().unwrap_or_default())
        .collect();
    let at = |attempt: &Value| attempt["at_ms"].as_i64().map(iso);
    Ok(json!({
        "notificationTimes": attempts.len(),
        "lastNotifiedAt": attempts.last().and_then(at),
        "successfullyNotifiedAt": attempts
            .iter()
            .find(|attempt| attempt["acknowledged"] == true)
            .and_then(at),
    }))
}
