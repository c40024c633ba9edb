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

use crate::base::http::{HandlerError, HandlerResult};
use crate::base::json::{optional_text, set, text};
use crate::base::shared::Shared;
use crate::base::spec_data::documented_data;
use crate::base::store::Tx;
use crate::wire::sgate::request::Incoming;
use crate::wire::sgate::Reply;
use common::*;
use customers::{
    customer_create, customer_file_upload, customer_list, customer_update, customer_view,
    find_customer, stc_otp_resend, stc_otp_submit,
};
use orders::{find_order, order_create, order_list, order_rapid, order_view};
use otp::{otp_check, otp_detail, otp_send};
use paybind::sgate::Operation;
use statement::statement;
use va::va_list;

/// Runs `operation` with the checked request `request` in `tx`. Every operation of the spec
/// has its arm, so one added to it is a compile error here.
pub fn dispatch(
    shared: &Shared,
    tx: &mut Tx<'_>,
    operation: Operation,
    request: &Incoming,
    now: i64,
) -> Result<Reply, HandlerError> {
    let body = &request.body;
    let query = &Value::Object(request.query.clone());
    let data = match operation {
        Operation::MerchantBalance => merchant_balance(tx)?,
        Operation::CustomerCreate => customer_create(shared, tx, body, now)?,
        Operation::CustomerList => customer_list(tx, query)?,
        Operation::CustomerDetail => customer_view(&find_customer(tx, query)?),
        Operation::CustomerUpdate => customer_update(shared, tx, body, now)?,
        Operation::CustomerFileUpload => {
            customer_file_upload(shared, tx, body, request.file.as_ref(), now)?
        }
        Operation::CustomerStcOtpResend => stc_otp_resend(tx, body, now)?,
        Operation::CustomerStcOtpSubmit => stc_otp_submit(tx, body)?,
        Operation::BankList => bank_list(query),
        Operation::ExchangeRate => exchange_rate(now),
        Operation::PaymentOrderCreate => order_create(shared, tx, body, now, "standard")?,
        Operation::PaymentOrderRapid => order_rapid(shared, tx, body, now)?,
        Operation::PaymentOrderList => order_list(tx, query)?,
        Operation::PaymentOrderDetail => order_view(&find_order(tx, query)?),
        Operation::OtpSend => otp_send(tx, body, now)?,
        Operation::OtpCheck => otp_check(tx, body, now)?,
        Operation::OtpDetail => otp_detail(tx, query)?,
        Operation::StatementDownload => return statement(tx, query, now),
        Operation::VaReceivingTransList => va_list(tx, query)?,
    };
    Ok(Reply::Data(data))
}

fn merchant_balance(tx: &Tx<'_>) -> HandlerResult {
    let mut list = Vec::new();
    for currency in ["SAR", "KWD", "AED"] {
        list.push(
            json!({ "currency": currency, "balance": money(currency_balance(tx, currency)?) }),
        );
    }
    Ok(Value::Array(list))
}

fn bank_list(query: &Value) -> Value {
    let country = optional_text(query, "country").unwrap_or("SAU");
    Value::Array(
        banks()
            .into_iter()
            .filter(|bank| country == "ALL" || text(bank, "country") == country)
            .collect(),
    )
}

fn exchange_rate(now: i64) -> Value {
    let mut rates = documented_data(
        paybind::sgate::spec(),
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
