//! The daily statement: the CSV of the payment orders finished on a Riyadh day, ready from
//! 01:00 the next day (before that: 1502 with HTTP 202).

use serde_json::{json, Value};

use super::common::*;
use crate::base::clock::{riyadh_date, riyadh_time};
use crate::base::gateway::code_message;
use crate::base::http::HandlerError;
use crate::base::json::{integer, optional_text, text};
use crate::base::store::Tx;
use axum::http::StatusCode;

use crate::base::ids::request_id;
use crate::wire::sgate::Reply;

/// `statement_download`: the file of `day` (default yesterday), or 1502 while it is not made.
pub fn statement(tx: &Tx<'_>, query: &Value, now: i64) -> Result<Reply, HandlerError> {
    let today = riyadh_date(now).ok_or_else(|| fail(1000, "clock"))?;
    let day = match optional_text(query, "day") {
        Some(requested) => chrono::NaiveDate::parse_from_str(requested, "%Y-%m-%d")
            .map_err(|_| fail(1103, "day"))?,
        None => today.pred_opt().unwrap_or(today),
    };
    if day >= today {
        // The file of day D is made at 01:00 on D+1 (Riyadh).
        let body = json!({
            "code": 1502, "message": code_message(GATEWAY, 1502), "data": {}, "sensitiveFields": {}, "requestId": request_id(),
        });
        return Ok(Reply::Raw {
            status: StatusCode::ACCEPTED,
            body: body.to_string().into_bytes(),
            content_type: "application/json",
            headers: Vec::new(),
        });
    }
    let mut csv = String::from("Merchant_ID,Merchant_Name,Payment_ID,Payee_UID,Payment_Method,Payment_Create_Time,Payment_Complete_Time,Amount,Fee,Real_Amount,Currency,Payment_Status,Custom_ID,Custom_Name_E,Custom_Name_A,Custom_Bank_Name,Custom_Bank_Code,Custom_Card_No,Custom_Iban,Custom_STCPay_Account\n");
    for (_, order) in tx.list("sg_order")? {
        let finished_ms = integer(&order, "updated_at").saturating_mul(1000);
        if riyadh_date(finished_ms) != Some(day) || !matches!(integer(&order, "status"), 1 | 2) {
            continue;
        }
        let info = order.get("custominfo").cloned().unwrap_or(Value::Null);
        let card = text(&info, "cardno");
        let digits: Vec<char> = card.chars().collect();
        let masked: String = if digits.len() > 10 {
            digits
                .iter()
                .enumerate()
                .map(|(position, digit)| {
                    if position < 6 || position >= digits.len() - 4 {
                        *digit
                    } else {
                        '*'
                    }
                })
                .collect()
        } else {
            card.to_string()
        };
        let amount = |member: &str| order.get(member).map(Value::to_string).unwrap_or_default();
        csv += &format!(
            "M1,Sandbox Merchant,{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            text(&order, "ticketid"),
            text(&order, "payeeuid"),
            text(&order, "paymentmethod"),
            riyadh_time(integer(&order, "created_at").saturating_mul(1000)),
            riyadh_time(finished_ms),
            amount("amount"),
            amount("fee"),
            amount("realamount"),
            text(&order, "currency"),
            integer(&order, "status"),
            text(&order, "customid"),
            text(&info, "name_e"),
            text(&info, "name_a"),
            text(&info, "bankname"),
            text(&info, "bankcode"),
            masked,
            text(&info, "ibanaccount"),
            text(&info, "stcaccount"),
        );
    }
    let name = format!("GCCRECO_Sandbox_M1_{}.csv", day.format("%Y%m%d"));
    let disposition = format!("attachment; filename=\"{name}\"");
    Ok(Reply::Raw {
        status: StatusCode::OK,
        body: csv.into_bytes(),
        content_type: "text/csv",
        headers: vec![("content-disposition", disposition)],
    })
}
