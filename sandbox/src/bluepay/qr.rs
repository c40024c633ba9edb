//! QR codes: the payments of a QR code (by order or sub-order) and cancelling an unpaid one.

use serde_json::{json, Value};

use super::orders::view;
use super::records::*;
use crate::base::clock::bangkok_date;
use crate::base::http::HandlerResult;
use crate::base::json::{compact, integer, member, optional_text, set, text};
use crate::base::store::Tx;

pub fn qr_payment_list(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HandlerResult {
    let start = chrono::NaiveDate::parse_from_str(text(p, "startDate"), "%Y-%m-%d")
        .map_err(|_| ctx.fail(21002, "startDate"))?;
    let end = chrono::NaiveDate::parse_from_str(text(p, "endDate"), "%Y-%m-%d")
        .map_err(|_| ctx.fail(21002, "endDate"))?;
    let mut orders = Vec::new();
    if let Some(mch) = optional_text(p, "mchOrderId") {
        match order(tx, ctx.gateway, mch)? {
            Some(o) if text(&o, "kind") == "qr" => orders.push(o),
            _ => return Err(ctx.fail(21006, mch)),
        }
    } else if let Some(sub) = optional_text(p, "subOrderId") {
        for (_, o) in tx.list("bp_order")? {
            let has_sub = o
                .pointer("/param/items")
                .and_then(Value::as_array)
                .is_some_and(|items| items.iter().any(|it| text(it, "subOrderId") == sub));
            if text(&o, "gw") == ctx.gateway.id() && text(&o, "kind") == "qr" && has_sub {
                orders.push(o);
            }
        }
    }
    let mut list = Vec::new();
    for o in orders {
        if text(&o, "status") == "PENDING" {
            continue;
        }
        let day = bangkok_date(integer(&o, "returnMs"));
        if day.is_some_and(|d| d < start || d > end) {
            continue;
        }
        let mut item = view(ctx.shared, &o);
        set(
            &mut item,
            json!({ "transactionAmount": o["amount"], "subOrderId": member(p, "subOrderId") }),
        );
        list.push(compact(item));
    }
    Ok(Value::Array(list))
}

pub fn qr_cancel(ctx: &Ctx<'_>, tx: &mut Tx<'_>, p: &Value) -> HandlerResult {
    let mch = text(p, "mchOrderId");
    let Some(mut o) = order(tx, ctx.gateway, mch)?.filter(|o| text(o, "kind") == "qr") else {
        return Err(ctx.fail(21006, mch));
    };
    if text(&o, "status") != "PENDING" || text(&o, "qrStatus") != "ACTIVE" {
        return Err(ctx.fail(21025, "the QR code is paid, failed or cancelled already"));
    }
    set(
        &mut o,
        json!({ "qrStatus": "CANCELLED", "status": "FAILED", "updateMs": ctx.now, "returnMs": ctx.now,
                "failedMessage": "QR code cancelled by the merchant" }),
    );
    put_order(tx, &o);
    Ok(json!({ "mchOrderId": mch, "transactionId": o["transactionId"], "qrStatus": "CANCELLED" }))
}
