//! The documented sandbox test accounts (sgate.md §A13): bank cards and IBANs, STCPay numbers and
//! OTP numbers whose review and payment results are fixed.

use serde_json::Value;

use crate::base::json::optional_text;

/// Customer and payment results of the documented sandbox test accounts: `(card number, IBAN,
/// customer approved, payment transferred)`.
pub const BANK_TEST_ACCOUNTS: &[(&str, &str, bool, bool)] = &[
    ("5123450000000001", "SA0000000000000000000001", true, true),
    ("5123450000000002", "SA0000000000000000000002", true, true),
    ("5123450000000021", "SA0020000000000000000021", true, true),
    ("5123450000000022", "SA0005000000000000000022", true, true),
    ("5123450000000003", "SA0000000000000000000003", true, false),
    ("5123450000000004", "SA0000000000000000000004", true, false),
    ("5123450000000023", "SA0080000000000000000023", true, false),
    ("5123450000000024", "SA0010000000000000000024", true, false),
    ("5123450000000005", "SA0000000000000000000005", false, false),
    ("5123450000000006", "SA0000000000000000000006", false, false),
    ("5123450000000025", "SA0015000000000000000025", false, false),
    ("5123450000000026", "SA0060000000000000000026", false, false),
];

/// STCPay test accounts: `(number, customer approved, payment transferred)`.
pub const STC_TEST_ACCOUNTS: &[(&str, bool, bool)] = &[
    ("512345678", true, true),
    ("500000001", true, true),
    ("510000001", true, true),
    ("500000002", true, false),
    ("500000003", true, false),
    ("510000002", true, false),
    ("510000003", true, false),
    ("500000004", false, false),
    ("500000005", false, false),
    ("510000004", false, false),
    ("510000005", false, false),
];

/// OTP test numbers: `(number, sessionid)`; their code is always 123456.
pub const OTP_TEST_NUMBERS: &[(&str, &str)] = &[
    ("512345678", "10290d703f8254593ff93533f00af153"),
    ("500000001", "a3f551d80f05a0e3e9056869fda18485"),
    ("500000002", "e8cffbb22c2e09af7004c92b82a4275f"),
    ("500000003", "05121e9b019b6ac4bd938322dcaf73ef"),
    ("500000004", "9e1aac7c1f6719e12e3384ced6782887"),
    ("500000005", "c6cfc53d34b2c93eaaa9d430397dead0"),
];

/// The effective Saudi mobile number (`5XXXXXXXX`) of any of the four documented formats.
pub fn effective_mobile(mobile: &str) -> String {
    let number = mobile.trim();
    let number = number.strip_prefix('+').unwrap_or(number);
    let number = number.strip_prefix("966").unwrap_or(number);
    let number = number.strip_prefix('0').unwrap_or(number);
    number.to_string()
}

pub fn bank_test(customer: &Value) -> Option<(bool, bool)> {
    BANK_TEST_ACCOUNTS
        .iter()
        .find(|(card, iban, _, _)| {
            optional_text(customer, "cardno") == Some(card)
                || optional_text(customer, "ibanaccount") == Some(iban)
        })
        .map(|(_, _, approved, transferred)| (*approved, *transferred))
}

pub fn stc_test(customer: &Value) -> Option<(bool, bool)> {
    let number = effective_mobile(optional_text(customer, "stcaccount")?);
    STC_TEST_ACCOUNTS
        .iter()
        .find(|(account, _, _)| *account == number)
        .map(|(_, approved, transferred)| (*approved, *transferred))
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
