//! The business of SGATE: what each operation does to the simulated world, by area. Requests
//! reach [`dispatch`] already authenticated, decrypted and checked by the wire layer.

pub mod accounts;
pub mod common;
pub mod customers;
pub mod orders;
pub mod otp;
pub mod statement;
pub mod va;

use serde_json::{json, Value};

use crate::sandbox::base::http::{HErr, HResult};
use crate::sandbox::base::json::{opt_s, s, set};
use crate::sandbox::base::shared::Shared;
use crate::sandbox::base::spec_data::{documented_data, generic_data};
use crate::sandbox::base::store::Tx;
use crate::sandbox::wire::sgate::request::Incoming;
use crate::sandbox::wire::sgate::Reply;
use common::*;
use customers::{
    customer_create, customer_file_upload, customer_list, customer_update, customer_view,
    find_customer, stc_otp_resend, stc_otp_submit,
};
use orders::{find_order, order_create, order_list, order_rapid, order_view};
use otp::{otp_check, otp_detail, otp_send};
use statement::statement;
use va::va_list;

/// Runs operation `op` with the checked request `req` in `tx`.
pub fn dispatch(
    shared: &Shared,
    tx: &mut Tx<'_>,
    op: &crate::spec::Operation,
    req: &Incoming,
    now: i64,
) -> Result<Reply, HErr> {
    let b = &req.body;
    let q = &Value::Object(req.query.clone());
    let data = match op.id {
        "merchant_balance" => merchant_balance(tx)?,
        "customer_create" => customer_create(shared, tx, b, now)?,
        "customer_list" => customer_list(tx, q)?,
        "customer_detail" => customer_view(&find_customer(tx, q)?),
        "customer_update" => customer_update(shared, tx, b, now)?,
        "customer_file_upload" => {
            customer_file_upload(shared, tx, &req.body, req.file.as_ref(), now)?
        }
        "customer_stc_otp_resend" => stc_otp_resend(tx, b, now)?,
        "customer_stc_otp_submit" => stc_otp_submit(tx, b)?,
        "bank_list" => bank_list(q),
        "exchange_rate" => exchange_rate(now),
        "payment_order_create" => order_create(shared, tx, b, now, "standard")?,
        "payment_order_rapid" => order_rapid(shared, tx, b, now)?,
        "payment_order_list" => order_list(tx, q)?,
        "payment_order_detail" => order_view(&find_order(tx, q)?),
        "otp_send" => otp_send(tx, b, now)?,
        "otp_check" => otp_check(tx, b, now)?,
        "otp_detail" => otp_detail(tx, q)?,
        "statement_download" => return statement(tx, q, now),
        "va_receiving_trans_list" => va_list(tx, q)?,
        other => generic_data(GW, other),
    };
    Ok(Reply::Data(data))
}

fn merchant_balance(tx: &Tx<'_>) -> HResult {
    let mut list = Vec::new();
    for currency in ["SAR", "KWD", "AED"] {
        list.push(
            json!({ "currency": currency, "balance": money(currency_balance(tx, currency)?) }),
        );
    }
    Ok(Value::Array(list))
}

fn bank_list(q: &Value) -> Value {
    let country = opt_s(q, "country").unwrap_or("SAU");
    Value::Array(
        banks()
            .into_iter()
            .filter(|b| country == "ALL" || s(b, "country") == country)
            .collect(),
    )
}

fn exchange_rate(now: i64) -> Value {
    let mut rates = documented_data(
        crate::sgate::spec(),
        "GET",
        "/openApi/v1/payee/exchangeRate",
    )
    .unwrap_or(json!([]));
    if let Some(list) = rates.as_array_mut() {
        for rate in list {
            set(rate, json!({ "updated_at": now.div_euclid(1000) }));
        }
    }
    rates
}
