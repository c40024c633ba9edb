//! The merchant and its orders: the merchant's account, orders made with their ticket and
//! expiry (30 minutes unless `expiredAt` says otherwise), the currency limits of
//! `info.x-currency-limits`, lookups that expire an order whose time passed, and the logistics
//! and after-sale states the merchant records, which `order_detail` shows.

use serde_json::{json, Value};

use super::links::payment_link;
use super::records::*;
use crate::base::ids::{next_number, random_token};
use crate::base::json::{integer, optional_text, set, text};
use crate::base::shared::Shared;
use crate::base::spec_data::documented_example;
use crate::base::store::Tx;
use crate::wire::sgate_payin::refusal::{refuse, Code, PayinResult};
use crate::wire::sgate_payin::Incoming;

/// How long an order may be paid when `expiredAt` is not sent (the order page: "expires after
/// 30 minutes"; relative, so not a schema default).
const DEFAULT_LIFETIME_MS: i64 = 30 * 60 * 1000;

/// The statuses in which an order may still be paid.
const PAYABLE: &[&str] = &["pending", "doing"];

/// The path's merchant must be the key's: the sandbox has one merchant.
pub fn check_merchant(shared: &Shared, incoming: &Incoming) -> PayinResult<()> {
    let merchant_id = incoming.path("MERCHANT_ID");
    if merchant_id != shared.settings.sgate_payin_merchant_id {
        return Err(refuse(
            Code::NotAllowed,
            format!("the key is not merchant {merchant_id}'s"),
        ));
    }
    Ok(())
}

/// `merchant_detail`: the docs' example merchant, with the sandbox's merchant ID.
pub fn merchant_detail(shared: &Shared, incoming: &Incoming) -> PayinResult {
    check_merchant(shared, incoming)?;
    let operation = paybind::sgate_payin::Operation::MerchantDetail;
    let mut merchant = documented_example(
        paybind::sgate_payin::spec(),
        operation.method(),
        operation.path(),
    )
    .unwrap_or_else(|| json!({}));
    set(
        &mut merchant,
        json!({ "id": shared.settings.sgate_payin_merchant_id }),
    );
    Ok(merchant)
}

/// `merchant_add_order` of the sandbox's own making (a trigger, fixtures): `body` checked
/// against the spec as a request's is, for the configured merchant.
pub fn add_own_order(shared: &Shared, tx: &mut Tx<'_>, body: Value, now: i64) -> PayinResult {
    checked("MerchantAddOrderParam", &body)?;
    let merchant_id = &shared.settings.sgate_payin_merchant_id;
    let root_url = shared.gateway_url(crate::base::gateway::Gateway::SgatePayin);
    let incoming = Incoming::made_here("MERCHANT_ID", merchant_id, body, root_url);
    add_order(shared, tx, &incoming, now)
}

/// `body` against the spec's schema `name`, refused as a request's body would be.
pub fn checked(name: &str, body: &Value) -> PayinResult<()> {
    paybind::sgate_payin::spec()
        .validate(name, body)
        .map_err(|error| refuse(Code::InvalidParameter, error.to_string()))
}

/// `merchant_add_order`.
pub fn add_order(shared: &Shared, tx: &mut Tx<'_>, incoming: &Incoming, now: i64) -> PayinResult {
    check_merchant(shared, incoming)?;
    let body = &incoming.body;
    let merchant_order_id = text(body, "merchantOrderId");
    if tx.get(MERCHANT_ORDER_IDS, merchant_order_id)?.is_some() {
        return Err(refuse(Code::Duplicated, "merchantOrderId was used already"));
    }
    let currency = text(body, "currency");
    let amount = minor_of(text(body, "amount"))
        .ok_or_else(|| refuse(Code::InvalidParameter, "amount: not an amount"))?;
    check_limits(currency, amount)?;
    let expires = match optional_text(body, "expiredAt") {
        Some(given) => parse_iso(given)
            .filter(|instant| *instant > now)
            .ok_or_else(|| refuse(Code::InvalidParameter, "expiredAt: must be in the future"))?,
        None => now.saturating_add(DEFAULT_LIFETIME_MS),
    };
    let merchant_id = &shared.settings.sgate_payin_merchant_id;
    let number = next_number(tx, "payin-order")?;
    let stamp = chrono::DateTime::from_timestamp_millis(now)
        .map(|time| time.format("%Y%m%d%H%M%S%3f").to_string())
        .unwrap_or_default();
    let id = format!("{merchant_id}T{stamp}{:05}", number % 100_000);
    let ticket = random_token(64);
    let as_text = |member: &str| body.get(member).map(Value::to_string);
    let mut order = json!({
        "id": id, "clientId": CLIENT_ID, "clientIp": body.get("clientIp"),
        "merchantId": merchant_id, "status": "pending", "ticket": ticket,
        "name": body["name"], "merchantOrderId": merchant_order_id,
        "notificationURL": body.get("notificationURL"),
        "amount": money(amount), "tip": money(0), "taxAmount": money(0), "currency": currency,
        "expiredAt": iso(expires), "createdAt": iso(now), "updatedAt": iso(now),
        "refundTimes": 0, "refundAmount": money(0), "refundStatus": "none",
        "payLinkId": null, "products": as_text("products"), "customer": as_text("customer"),
        "beneficiary": as_text("beneficiary"), "logistics": null, "overseasLogistics": null,
        "deliveryStatus": "pending", "afterSaleStatus": "none", "clientPayerInfo": null,
        "complainStatus": "normal", "needTax": false, "exchangeRate": null, "paidAt": null,
        "closedAt": null, "message": null, "payerInfo": null, "payLink": null,
        "invoiceId": null, "successPaymentCardBrand": null, "successPaymentMethod": null,
    });
    let cashier = payment_link("standard", &id, &ticket, "", "EN");
    set(
        &mut order,
        json!({
            "sandbox_amount_minor": amount, "sandbox_expires_ms": expires,
            "sandbox_refunded_minor": 0, "sandbox_refunding_minor": 0,
            "sandbox_transactions": 0, "sandbox_refunds": 0,
            "sandbox_reference_url": body.get("referenceURL"),
            // The cashier on the base URL, for the dashboard's link.
            "sandbox_cashier": format!("/{}{cashier}", GATEWAY.id()),
        }),
    );
    put(tx, ORDERS, &order);
    tx.put(MERCHANT_ORDER_IDS, merchant_order_id, json!({ "id": id }));
    let mut created = view("CreatedOrder", &order);
    // The docs' created order shows "" for no notification URL.
    if created["notificationURL"].is_null() {
        set(&mut created, json!({ "notificationURL": "" }));
    }
    Ok(created)
}

/// The spec's limits of one payment in `currency` (`info.x-currency-limits`).
fn check_limits(currency: &str, amount: i64) -> PayinResult<()> {
    if let Some(minimum) = limit(currency, "minimum").filter(|minimum| amount < *minimum) {
        return Err(refuse(
            Code::InvalidParameter,
            format!(
                "amount: below the minimum of {currency} ({})",
                money(minimum)
            ),
        ));
    }
    if let Some(maximum) = limit(currency, "maximum").filter(|maximum| amount > *maximum) {
        return Err(refuse(
            Code::InvalidParameter,
            format!(
                "amount: above the maximum of {currency} ({})",
                money(maximum)
            ),
        ));
    }
    Ok(())
}

/// The order `id` as it stands at `now`: an unpaid order past its time is expired (and kept
/// so).
pub fn load_order(tx: &mut Tx<'_>, id: &str, now: i64) -> PayinResult<Value> {
    let mut order = find(tx, ORDERS, id, "order")?;
    let due = integer(&order, "sandbox_expires_ms");
    if PAYABLE.contains(&text(&order, "status")) && now > due {
        set(
            &mut order,
            json!({ "status": "expired", "closedAt": iso(due), "updatedAt": iso(now) }),
        );
        put(tx, ORDERS, &order);
    }
    Ok(order)
}

/// The order `id`, which must still be payable.
pub fn payable_order(tx: &mut Tx<'_>, id: &str, now: i64) -> PayinResult<Value> {
    let order = load_order(tx, id, now)?;
    let status = text(&order, "status");
    if !PAYABLE.contains(&status) {
        return Err(refuse(
            Code::InvalidState,
            format!("the order is {status}: it can no longer be paid"),
        ));
    }
    Ok(order)
}

/// `order_detail`.
pub fn order_detail(tx: &mut Tx<'_>, incoming: &Incoming, now: i64) -> PayinResult {
    let order = load_order(tx, incoming.path("ORDER_ID"), now)?;
    Ok(view("Order", &order))
}

/// The logistics and after-sale PUTs: `member` of the order becomes the body's `value` (JSON
/// text for the logistics objects, as `order_detail` shows them), or, for the shipping email,
/// the whole body (kept for the dashboard: `order_detail` has no member for it).
pub fn set_member(tx: &mut Tx<'_>, incoming: &Incoming, member: &str, now: i64) -> PayinResult<()> {
    let mut order = load_order(tx, incoming.path("ORDER_ID"), now)?;
    let value = match member {
        "logistics" | "overseasLogistics" => Value::String(incoming.body["value"].to_string()),
        "deliveryStatus" | "afterSaleStatus" => incoming.body["value"].clone(),
        _ => incoming.body.clone(),
    };
    set(&mut order, json!({ member: value, "updatedAt": iso(now) }));
    put(tx, ORDERS, &order);
    Ok(())
}
