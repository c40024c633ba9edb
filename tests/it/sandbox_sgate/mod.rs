//! The sandbox as SGATE: header signatures, decryption and status codes; customers through
//! review, payment orders through payout, OTPs, statement and virtual-account callbacks — every
//! answer signed and verified by the real client.
//!
//! One file per area: `headers`, `customers_orders`, `otp`, `statement` and `test_accounts`.

mod customers_orders;
mod headers;
mod otp;
mod statement;
mod test_accounts;

use crate::common;
use crate::common::wait_status;
use crate::sgate_support::{bank_customer, payment_order};

use paybind::money::Decimal2;
use paybind::sgate::signing::{digest_hex, sign_digest, signature_data};
use paybind::sgate::{
    types, Client, CustomerStatus, Error, Notification, PaymentOrderStatus, ResultCode,
    StatementOutcome,
};
use paybind_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Value};

fn client(sandbox: &Sandbox) -> Client {
    Client::new(sandbox.sgate_config()).expect("client")
}

fn code<T: std::fmt::Debug>(result: Result<T, Error>) -> i64 {
    match result {
        Err(e) => e
            .code()
            .map(|c| c.code())
            .unwrap_or_else(|| panic!("{e:?}")),
        Ok(v) => panic!("expected an SGATE code, got {v:?}"),
    }
}
