//! The documented sandbox test accounts: bank cards and IBANs, STCPay numbers and OTP numbers
//! whose review and payment results are fixed. The table is the spec's `info.x-test-accounts`
//! (openapi/sgate-payout.yaml), read once: the sandbox keeps no copy that could drift from it.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

use crate::base::json::optional_text;

/// The review result of a test account's customer (the docs' CustomerStatus names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum CustomerOutcome {
    Normal,
    Reject,
}

/// The end of a test account's payment orders (the docs' PaymentOrderStatus names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum PaymentOutcome {
    Transferred,
    Error,
}

/// A bank test account: a customer holding its card number or IBAN (the table's bank code is
/// the docs' and is not matched).
#[derive(Debug, Clone, Deserialize)]
pub struct BankAccount {
    pub iban: String,
    pub cardno: String,
    pub customer: CustomerOutcome,
    pub payment: PaymentOutcome,
}

/// An STCPay test account (the effective number, `5XXXXXXXX`).
#[derive(Debug, Clone, Deserialize)]
pub struct StcAccount {
    pub account: String,
    pub customer: CustomerOutcome,
    pub payment: PaymentOutcome,
}

/// An OTP test number: no SMS, a fixed code and sessionid.
#[derive(Debug, Clone, Deserialize)]
pub struct OtpNumber {
    pub number: String,
    pub code: String,
    pub sessionid: String,
}

/// The spec's `info.x-test-accounts`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TestAccounts {
    pub bank: Vec<BankAccount>,
    pub stcpay: Vec<StcAccount>,
    pub otp: Vec<OtpNumber>,
}

/// The table, read from the spec once. A table that does not read (a broken spec) leaves the
/// sandbox without test accounts, and says so in the log.
pub fn test_accounts() -> &'static TestAccounts {
    static TABLE: OnceLock<TestAccounts> = OnceLock::new();
    TABLE.get_or_init(|| {
        let table = paybind::sgate::spec()
            .document()
            .pointer("/info/x-test-accounts")
            .cloned()
            .unwrap_or(Value::Null);
        serde_json::from_value(table).unwrap_or_else(|e| {
            tracing::error!("the spec's info.x-test-accounts does not read: {e}");
            TestAccounts::default()
        })
    })
}

/// `(customer approved, payment transferred)` of a test account's outcomes.
fn results(customer: CustomerOutcome, payment: PaymentOutcome) -> (bool, bool) {
    (
        customer == CustomerOutcome::Normal,
        payment == PaymentOutcome::Transferred,
    )
}

/// The effective Saudi mobile number (`5XXXXXXXX`) of any of the four documented formats.
pub fn effective_mobile(mobile: &str) -> String {
    let number = mobile.trim();
    let number = number.strip_prefix('+').unwrap_or(number);
    let number = number.strip_prefix("966").unwrap_or(number);
    let number = number.strip_prefix('0').unwrap_or(number);
    number.to_string()
}

/// `(customer approved, payment transferred)` when the customer holds a bank test account.
pub fn bank_test(customer: &Value) -> Option<(bool, bool)> {
    test_accounts()
        .bank
        .iter()
        .find(|account| {
            optional_text(customer, "cardno") == Some(account.cardno.as_str())
                || optional_text(customer, "ibanaccount") == Some(account.iban.as_str())
        })
        .map(|account| results(account.customer, account.payment))
}

/// `(customer approved, payment transferred)` when the customer holds an STCPay test account.
pub fn stc_test(customer: &Value) -> Option<(bool, bool)> {
    let number = effective_mobile(optional_text(customer, "stcaccount")?);
    test_accounts()
        .stcpay
        .iter()
        .find(|account| account.account == number)
        .map(|account| results(account.customer, account.payment))
}

/// The OTP test number an effective number is, if any.
pub fn otp_test(effective: &str) -> Option<&'static OtpNumber> {
    test_accounts()
        .otp
        .iter()
        .find(|otp| otp.number == effective)
}

/// The customer review result of a customer holding test accounts (a rejection wins).
pub fn customer_test_result(customer: &Value) -> Option<bool> {
    match (bank_test(customer), stc_test(customer)) {
        (None, None) => None,
        (bank, stc) => Some(
            bank.is_none_or(|(approved, _)| approved) && stc.is_none_or(|(approved, _)| approved),
        ),
    }
}
