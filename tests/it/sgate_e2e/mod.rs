//! Every SGATE operation end to end over real HTTP against the sandbox: the tests check each
//! request's signature and decrypt its sensitive members with their own implementation
//! (`sgate_support`), the sandbox's answers are signed with the system key and carry members
//! encrypted for the merchant, and fault injection spoils them the ways a client must survive.
//!
//! One file per area: `merchant` (balance, rates, banks, OTP, virtual account, statement),
//! `customers`, `orders`, `failures`, `callbacks` and `secrets`.

mod callbacks;
mod customers;
mod failures;
mod merchant;
mod orders;
mod secrets;

use crate::common::wait_status;
use crate::sgate_support;
use crate::sgate_support::{
    bank_customer, decrypted, independently_signed, json_of, last, plain_value, signed_callback,
    API_KEY,
};
use paybind::money::Decimal2;
use paybind::sgate::signing::SignatureError;
use paybind::sgate::{types, Error, Notification, ResultCode, StatementOutcome};
use paybind_sandbox::Sandbox;
use serde_json::{json, Value};

async fn fault(sandbox: &Sandbox, operation: &str, fault: Value) {
    let mut f = json!({"gateway": "sgate", "operation": operation, "times": 1});
    f.as_object_mut()
        .unwrap()
        .extend(fault.as_object().unwrap().clone());
    sandbox.admin().put("faults", f).await.expect("fault");
}

/// The payment order most tests send: to customer `u004`, 2002 SAR.
fn order_param() -> types::builder::PaymentOrderCreateParam {
    sgate_support::payment_order("u004", "TEST1234567aa12sd2", "2002")
}
