//! `xtask docs-diff sgate-payin` on the six real snapshots of SGATE's Payin pages in
//! `../shared/sgate-docs-history/payin` (skipped with a message where that folder is absent,
//! a failure under `CI=true`), and on an edited copy of the newest one.
//!
//! `openapi/sgate-payin.yaml` describes the newest snapshot (2024-09-01), so each older one
//! reports, as new, every change SGATE made since: one test per snapshot, each expecting the
//! changes of the later snapshots plus its own.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use xtask::docs_diff::{self, payin::PAYIN_SNAPSHOT, report::Difference};
use xtask::workspace_root;

/// The Payin snapshots, or `None` (skipped) where `../shared` is absent; under `CI=true` a
/// missing folder fails the test instead.
fn history() -> Option<PathBuf> {
    match docs_diff::payin::payin_history() {
        Ok(dir) => Some(dir),
        Err(why) if xtask::in_ci() => {
            panic!("CI=true and the SGATE Payin docs snapshots are missing: {why}")
        }
        Err(why) => {
            eprintln!("SKIPPED: SGATE Payin docs snapshots not available: {why}");
            None
        }
    }
}

fn diff(dir: &Path) -> Vec<Difference> {
    docs_diff::run("sgate-payin", dir, &workspace_root().join("openapi")).unwrap()
}

/// `kind page schema.field` of a difference (page: the file name without `.md`).
fn key(d: &Difference) -> String {
    let page = d
        .page
        .rsplit('/')
        .next()
        .unwrap_or(&d.page)
        .replace(".md", "");
    let at = match (&d.schema, &d.field) {
        (Some(s), Some(f)) => format!("{s}.{f}"),
        (None, Some(f)) => f.clone(),
        (Some(s), None) => s.clone(),
        (None, None) => d.operation.clone().unwrap_or_default(),
    };
    format!("{} {page} {at}", d.kind)
}

fn new_keys(differences: &[Difference]) -> BTreeSet<String> {
    differences
        .iter()
        .filter(|d| !d.acknowledged())
        .map(key)
        .collect()
}

fn keys(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn union(sets: &[BTreeSet<String>]) -> BTreeSet<String> {
    sets.iter().flatten().cloned().collect()
}

fn assert_new(snapshot: &str, expected: BTreeSet<String>) {
    let Some(history) = history() else { return };
    let found = new_keys(&diff(&history.join(snapshot)));
    let missing: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{snapshot}: not reported {missing:#?}\nreported but not expected {extra:#?}"
    );
}

/// 2024-09-01: the order page's warning says the customer needs uuid, email or mobile.
fn customer_rule() -> BTreeSet<String> {
    keys(&["rule paymentCashier OrderCustomerParam.require-one-of"])
}

/// 2024-08-30: the customer's phone is no longer required; the appendix's test card expires
/// 01/39 (was 07/24) and the STC Pay test number loses its leading 0.
fn customer_phone_optional() -> BTreeSet<String> {
    keys(&[
        "required paymentCashier MerchantAddOrderParam.customer.mobile",
        "test-data appendix x-test-data.card.expiry",
        "test-data appendix x-test-data.stcpay.mobile",
    ])
}

/// 2024-07-17: SAR gains a 10000 cap (was unlimited) and STC Pay's cap goes from 3000 to 10000.
fn currency_limits(page: &str) -> BTreeSet<String> {
    ["SAR.maximum", "stcpay-maximum"]
        .iter()
        .map(|f| format!("limit {page} x-currency-limits.{f}"))
        .collect()
}

/// 2024-06-25: both logistics PUTs gain the optional shippedAt and shippingCompany.
fn logistics_time_and_company() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (page, schema) in [
        ("logistics", "OrderSetLogisticsParam"),
        ("overseasLogistics", "OrderSetOverseasLogisticsParam"),
    ] {
        for field in ["shippedAt", "shippingCompany"] {
            out.insert(format!("field-removed {page} {schema}.value.{field}"));
        }
    }
    out
}

/// 2024-05-24: the shipping email endpoint is new; the create-order page gains beneficiary,
/// avatarURL, registeredIp and the product currencies; the English order page catches up
/// with the Chinese one; the after-sale values are written in code (`returning`).
fn shipping_email_and_more() -> BTreeSet<String> {
    let mut out = keys(&[
        "endpoint-removed - order_shipping_email",
        "languages afterSaleStatus OrderSetAfterSaleStatusParam.value",
        "field-removed orderQuery Order.beneficiary",
        "field-removed paymentCashier MerchantAddOrderParam.beneficiary",
        "field-removed paymentCashier MerchantAddOrderParam.customer.avatarURL",
        "field-removed paymentCashier MerchantAddOrderParam.customer.registeredIp",
        "field-removed paymentCashier MerchantAddOrderParam.products.amountCurrency",
        "field-removed paymentCashier MerchantAddOrderParam.products.priceCurrency",
    ]);
    for field in [
        "closedAt",
        "createdAt",
        "currency",
        "exchangeRate",
        "expiredAt",
        "invoiceId",
        "message",
        "paidAt",
        "payLink",
        "payerInfo",
        "refundStatus",
        "refundTimes",
        "successPaymentCardBrand",
        "successPaymentMethod",
        "updatedAt",
    ] {
        out.insert(format!("languages orderQuery Order.{field}"));
    }
    out
}

#[test]
fn newest_snapshot_has_nothing_new() {
    let Some(history) = history() else { return };
    let differences = diff(&history.join(PAYIN_SNAPSHOT));
    assert_eq!(new_keys(&differences), BTreeSet::new());
    // The docs' own inconsistencies are there, each acknowledged by its note.
    let acknowledged: BTreeSet<String> = differences.iter().map(key).collect();
    for known in [
        "languages merchantQuery Merchant.currencys",
        "languages merchantQuery Merchant.currencies",
        "values orderQuery Order.status",
        "field-added paymentCashier CreatedOrder.createAt",
        "type transactionQuery Transaction.channelOrderResult",
        "field-removed refundCreate Refund.reason",
    ] {
        assert!(
            acknowledged.contains(known),
            "{known} not in {acknowledged:#?}"
        );
    }
}

#[test]
fn since_2024_08_30_the_customer_needs_uuid_email_or_mobile() {
    assert_new("2024-08-30-15a40b6", customer_rule());
}

#[test]
fn since_2024_07_17_the_customer_phone_is_optional() {
    assert_new(
        "2024-07-17-8becc56",
        union(&[customer_rule(), customer_phone_optional()]),
    );
}

#[test]
fn since_2024_06_25_currency_limits() {
    assert_new(
        "2024-06-25-3610be5",
        union(&[
            customer_rule(),
            customer_phone_optional(),
            currency_limits("currencyAndLimits"),
        ]),
    );
}

#[test]
fn since_2024_05_24_logistics_shipping_time_and_company() {
    assert_new(
        "2024-05-24-faf408f",
        union(&[
            customer_rule(),
            customer_phone_optional(),
            currency_limits("currencyAndLimits"),
            logistics_time_and_company(),
        ]),
    );
}

/// The limits were on the appendix page then; docs-diff finds the table wherever it is.
#[test]
fn since_2024_04_30_shipping_email_endpoint() {
    assert_new(
        "2024-04-30-4f49e5f",
        union(&[
            customer_rule(),
            customer_phone_optional(),
            currency_limits("appendix"),
            logistics_time_and_company(),
            shipping_email_and_more(),
        ]),
    );
}

/// `clientIp` is in every snapshot: the oldest (2024-04-30) is the commit that added it to
/// orders, so no snapshot differs from the YAML there; the YAML has it wherever the docs do.
#[test]
fn client_ip_is_documented_in_every_snapshot() {
    let Some(history) = history() else { return };
    let mut snapshots: Vec<PathBuf> = std::fs::read_dir(&history)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    snapshots.sort();
    assert_eq!(snapshots.len(), 6, "{snapshots:?}");
    for snapshot in &snapshots {
        let differences = diff(snapshot);
        let about_ip: Vec<String> = differences
            .iter()
            .filter(|d| d.field.as_deref().is_some_and(|f| f.ends_with("clientIp")))
            .map(key)
            .collect();
        assert!(about_ip.is_empty(), "{}: {about_ip:?}", snapshot.display());
    }
}

/// The command line: exit 0 for the newest snapshot, 1 for an older one, JSON objects.
#[test]
fn command_exit_codes_and_json() {
    let Some(history) = history() else { return };
    let run = |snapshot: &str| {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["docs-diff", "sgate-payin"])
            .arg(history.join(snapshot))
            .args(["--format", "json"])
            .output()
            .unwrap()
    };
    assert_eq!(run(PAYIN_SNAPSHOT).status.code(), Some(0));
    let older = run("2024-06-25-3610be5");
    assert_eq!(older.status.code(), Some(1));
    let list: Value = serde_json::from_slice(&older.stdout).unwrap();
    let sar = list
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["field"] == "SAR.maximum")
        .unwrap();
    assert_eq!(sar["kind"], "limit");
    assert_eq!(sar["schema"], "x-currency-limits");
    assert_eq!(sar["docs"], "unlimited");
    assert_eq!(sar["yaml"], "10000");
    assert_eq!(sar["acknowledged"], false);
    let text = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["docs-diff", "sgate-payin"])
        .arg(history.join(PAYIN_SNAPSHOT))
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("0 new"), "{text}");
    assert!(text.contains("nothing new"), "{text}");
}

/// A copy of the newest snapshot with `edits` (page, from, to) applied: every occurrence of
/// `from`, which the page must hold.
fn edited_copy(history: &Path, edits: &[(&str, &str, &str)]) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if path.is_dir() {
                copy(&path, &target);
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&history.join(PAYIN_SNAPSHOT), dir.path());
    for (page, from, to) in edits {
        let path = dir.path().join(page);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{page} has no {from:?}");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    }
    dir
}

/// What only the Payin pages hold, each edited once: the signed method name, an extra header,
/// the signing pairs, a code's text, a currency limit, the test card, the callback retries.
#[test]
fn payin_facts_beyond_the_field_tables() {
    let Some(history) = history() else { return };
    let mut edits = Vec::new();
    for lang in ["en", "zh"] {
        let merchant = format!("{lang}/payinApi/merchant/merchantQuery.md");
        let direct = format!("{lang}/payinApi/payment/directOrder.md");
        let call = format!("{lang}/payinApi/callMethod/callMethod.md");
        let currency = format!("{lang}/payinApi/currency/currencyAndLimits.md");
        let appendix = format!("{lang}/payinApi/appendix/appendix.md");
        let pages = [merchant, direct, call, currency, appendix];
        edits.push((pages[0].clone(), "`merchant.detail`", "`merchant.info`"));
        edits.push((
            pages[1].clone(),
            "| x-customer-ip | String   | 是           | 用户的真实 IP                     |\n",
            "",
        ));
        edits.push((
            pages[2].clone(),
            "| method      |",
            "| nonce       | String | x |\n   | method      |",
        ));
        let qar = match lang {
            "en" => "| QAR          | 0.1                        | 29000",
            _ => "| QAR      | 0.1              | 29000",
        };
        edits.push((pages[3].clone(), qar, "| QAR | 0.1 | 30000"));
        edits.push((pages[4].clone(), "| 100 |", "| 101 |"));
    }
    edits.push((
        "en/payinApi/callMethod/callMethod.md".into(),
        "\"No access\"",
        "\"Forbidden\"",
    ));
    edits.push((
        "en/payinApi/callback/callbackNotification.md".into(),
        "retry 3 times every 5 seconds",
        "retry 3 times every 10 seconds",
    ));
    let edits: Vec<(&str, &str, &str)> =
        edits.iter().map(|(p, f, t)| (p.as_str(), *f, *t)).collect();
    let copy = edited_copy(&history, &edits);
    let differences = diff(copy.path());
    let found = new_keys(&differences);
    let expected = keys(&[
        "method-name merchantQuery get.x-method",
        "field-removed directOrder#2 header.x-customer-ip",
        "field-removed directOrder#3 header.x-customer-ip",
        "value-added callMethod x-signing.string-to-sign.nonce",
        "text callMethod ErrorCode.notAllowed",
        "limit currencyAndLimits x-currency-limits.QAR.maximum",
        "test-data appendix x-test-data.card.security-code",
        "languages callbackNotification x-callback-retry.no-answer.interval-seconds",
    ]);
    assert_eq!(found, expected, "{differences:#?}");
    let text = differences
        .iter()
        .find(|d| d.kind == "text")
        .expect("a text difference");
    assert_eq!(
        (text.docs.as_deref(), text.yaml.as_deref()),
        (Some("Forbidden"), Some("No access"))
    );
}
