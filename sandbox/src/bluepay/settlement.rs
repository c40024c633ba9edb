//! Settlement: a completed payment settles (no void after that; JT notifies), and the daily
//! transaction report a download URL points at.

use serde_json::{json, Value};

use super::records::*;
use crate::base::clock::{bangkok_date, bangkok_time};
use crate::base::gateway::Gateway;
use crate::base::http::{HandlerError, HandlerResult};
use crate::base::json::{compact, integer, optional_text, set, text};
use crate::base::shared::Shared;
use crate::base::store::Tx;
use axum::response::{IntoResponse, Response};

use super::orders::view;
use crate::base::http::not_found;
use crate::scheduler::outbox::enqueue;

/// Marks a completed payment settled (it can no longer be voided); JT sends the settled
/// notification.
pub fn settle(
    tx: &mut Tx<'_>,
    shared: &Shared,
    gateway: Gateway,
    transaction_id: &str,
) -> HandlerResult {
    let Some(mut record) = order_by_transaction_id(tx, gateway, transaction_id)? else {
        return Err(HandlerError::admin(
            404,
            format!("no transaction {transaction_id}"),
        ));
    };
    if text(&record, "status") != "COMPLETED" {
        return Err(HandlerError::admin(409, "only completed payments settle"));
    }
    let now = shared.now_ms();
    set(&mut record, json!({ "settled": true, "settledMs": now }));
    put_order(tx, &record);
    if gateway == Gateway::BluePayJt {
        if let Some(url) = optional_text(&record, "notifyUrl") {
            let payload = compact(json!({
                "eventName": "settle.payment.success",
                "mchOrderId": record["mchOrderId"],
                "transactionId": record["transactionId"],
                "amount": record["amount"],
                "fee": record["fee"],
                "settledReturnTime": bangkok_time(now),
                "channelCode": record["channelCode"],
                "projectType": record.pointer("/param/projectType").cloned().unwrap_or(Value::Null),
                "remark": text(&record, "remark"),
            }));
            enqueue(
                tx,
                shared,
                gateway,
                "settle.payment.success",
                url,
                &payload,
                false,
            )?;
        }
    }
    Ok(view(shared, &record))
}

pub fn report_download(context: &RequestContext<'_>, param: &Value) -> HandlerResult {
    let name = format!(
        "report-{}-{}-{}.csv",
        text(param, "countryCode"),
        text(param, "transDate"),
        integer(param, "transType")
    );
    let gateway_url = context.shared.gateway_url(context.gateway);
    Ok(json!({ "downloadUrl": format!("{gateway_url}/files/{name}") }))
}

/// `GET /{gateway}/files/report-{country}-{date}-{type}.csv`: the transactions of that Thai
/// date as CSV (the real file is a GPG-encrypted zip; the sandbox serves plain CSV).
pub fn serve_file(shared: &Shared, gateway: Gateway, name: &str) -> Response {
    let Some(rest) = name
        .strip_prefix("report-")
        .and_then(|without_prefix| without_prefix.strip_suffix(".csv"))
    else {
        return not_found(name);
    };
    let parts: Vec<&str> = rest.rsplitn(2, '-').collect();
    let (Some(kind), Some(head)) = (parts.first(), parts.get(1)) else {
        return not_found(name);
    };
    let Some((_, date)) = head.split_once('-') else {
        return not_found(name);
    };
    let Ok(day) = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d") else {
        return not_found(name);
    };
    let want_payout = *kind == "1";
    let rows = shared
        .read(|store| store.list("bp_order"))
        .unwrap_or_default();
    let mut csv =
        String::from("mchOrderId,transactionId,kind,channelCode,amount,status,returnTime\n");
    for (_, record) in rows {
        let payout = text(&record, "kind") == "payout";
        if text(&record, "gw") != gateway.id()
            || payout != want_payout
            || bangkok_date(integer(&record, "returnMs")) != Some(day)
        {
            continue;
        }
        csv += &format!(
            "{},{},{},{},{},{},{}\n",
            text(&record, "mchOrderId"),
            text(&record, "transactionId"),
            text(&record, "kind"),
            text(&record, "channelCode"),
            integer(&record, "amount"),
            text(&record, "status"),
            bangkok_time(integer(&record, "returnMs"))
        );
    }
    ([(axum::http::header::CONTENT_TYPE, "text/csv")], csv).into_response()
}
