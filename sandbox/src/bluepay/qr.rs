//! QR codes: the payments of a QR code (by order or sub-order) and cancelling an unpaid one.

use serde_json::{json, Value};

use super::orders::view;
use super::records::*;
use crate::base::clock::bangkok_date;
use crate::base::http::HandlerResult;
use crate::base::json::{compact, integer, member, optional_text, set, text};
use crate::base::store::Tx;

pub fn qr_payment_list(
    context: &RequestContext<'_>,
    tx: &mut Tx<'_>,
    param: &Value,
) -> HandlerResult {
    let start = chrono::NaiveDate::parse_from_str(text(param, "startDate"), "%Y-%m-%d")
        .map_err(|_| context.fail(21002, "startDate"))?;
    let end = chrono::NaiveDate::parse_from_str(text(param, "endDate"), "%Y-%m-%d")
        .map_err(|_| context.fail(21002, "endDate"))?;
    let mut orders = Vec::new();
    if let Some(merchant_order_id) = optional_text(param, "mchOrderId") {
        match order(tx, context.gateway, merchant_order_id)? {
            Some(record) if text(&record, "kind") == "qr" => orders.push(record),
            _ => return Err(context.fail(21006, merchant_order_id)),
        }
    } else if let Some(sub_order_id) = optional_text(param, "subOrderId") {
        for (_, record) in tx.list("bp_order")? {
            let has_sub_order = record
                .pointer("/param/items")
                .and_then(Value::as_array)
                .is_some_and(|items| {
                    items
                        .iter()
                        .any(|item| text(item, "subOrderId") == sub_order_id)
                });
            if text(&record, "gw") == context.gateway.id()
                && text(&record, "kind") == "qr"
                && has_sub_order
            {
                orders.push(record);
            }
        }
    }
    let mut list = Vec::new();
    for record in orders {
        if text(&record, "status") == "PENDING" {
            continue;
        }
        let day = bangkok_date(integer(&record, "returnMs"));
        if day.is_some_and(|date| date < start || date > end) {
            continue;
        }
        let mut item = view(context.shared, &record);
        set(
            &mut item,
            json!({
                "transactionAmount": record["amount"],
                "subOrderId": member(param, "subOrderId"),
            }),
        );
        list.push(compact(item));
    }
    Ok(Value::Array(list))
}

pub fn qr_cancel(context: &RequestContext<'_>, tx: &mut Tx<'_>, param: &Value) -> HandlerResult {
    let merchant_order_id = text(param, "mchOrderId");
    let Some(mut record) = order(tx, context.gateway, merchant_order_id)?
        .filter(|stored| text(stored, "kind") == "qr")
    else {
        return Err(context.fail(21006, merchant_order_id));
    };
    if text(&record, "status") != "PENDING" || text(&record, "qrStatus") != "ACTIVE" {
        return Err(context.fail(21025, "the QR code is paid, failed or cancelled already"));
    }
    set(
        &mut record,
        json!({
            "qrStatus": "CANCELLED", "status": "FAILED", "updateMs": context.now,
            "returnMs": context.now, "failedMessage": "QR code cancelled by the merchant",
        }),
    );
    put_order(tx, &record);
    Ok(json!({
        "mchOrderId": merchant_order_id,
        "transactionId": record["transactionId"],
        "qrStatus": "CANCELLED",
    }))
}
