//! `xtask docs-diff sgate` on the six real snapshots of SGATE's docs in `../shared` (skipped,
//! with a message, where that folder is absent on a developer's machine; a failure under CI),
//! and on small hand-made pages.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use xtask::docs_diff::{self, report::Difference};
use xtask::workspace_root;

const CUSTOMER_PAGES: &[&str] = &[
    "customCreate",
    "customDetail",
    "customList",
    "customUpdate",
    "customUpdateFile",
];

fn history() -> Option<PathBuf> {
    match docs_diff::sgate_history() {
        Ok(dir) => Some(dir),
        Err(why) if xtask::in_ci() => panic!("CI needs the SGATE docs snapshots: {why}"),
        Err(why) => {
            eprintln!("SKIPPED: SGATE docs snapshots not available: {why}");
            None
        }
    }
}

fn diff(dir: &Path) -> Vec<Difference> {
    docs_diff::run("sgate", dir, &workspace_root().join("openapi")).unwrap()
}

/// `kind page schema.field` of every difference the YAML does not acknowledge.
fn new_keys(differences: &[Difference]) -> BTreeSet<String> {
    differences
        .iter()
        .filter(|d| !d.acknowledged())
        .map(|d| {
            let page = Path::new(&d.page)
                .file_stem()
                .map_or("-".into(), |s| s.to_string_lossy().to_string());
            let at = match (&d.schema, &d.field) {
                (Some(s), Some(f)) => format!("{s}.{f}"),
                (None, Some(f)) => f.clone(),
                (Some(s), None) => s.clone(),
                (None, None) => d.operation.clone().unwrap_or_default(),
            };
            format!("{} {page} {at}", d.kind)
        })
        .collect()
}

fn keys(list: &[(&str, &str, &str)]) -> BTreeSet<String> {
    list.iter()
        .map(|(kind, page, at)| format!("{kind} {page} {at}"))
        .collect()
}

/// 2024-10-10: customers gain `address` and `swiftcode`; the VA list gains the `uuid` filter.
fn address_swiftcode_and_va_uuid() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for page in CUSTOMER_PAGES {
        for field in ["address", "swiftcode"] {
            out.insert(format!("field-removed {page} Customer.{field}"));
        }
    }
    for (page, schema) in [
        ("customCreate", "CustomerCreateParam"),
        ("customUpdate", "CustomerUpdateParam"),
        ("payoutRapid", "PaymentOrderRapidParam"),
    ] {
        for field in ["address", "swiftcode"] {
            out.insert(format!("field-removed {page} {schema}.{field}"));
        }
    }
    out.insert("field-removed receivingTransList query.uuid".into());
    out
}

/// Automatic approval as the snapshots before 2024-07-24 show it: no autoapproval, no
/// otpappname, no STCPay OTP endpoints, no codes 1308-1311. `zh_only` is 2024-07-24, where the
/// Chinese pages already have all of it and the English ones do not.
fn automatic_approval(zh_only: bool) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let field_kind = if zh_only {
        "languages"
    } else {
        "field-removed"
    };
    for page in CUSTOMER_PAGES {
        for field in ["autoapproval", "otpappname"] {
            out.insert(format!("{field_kind} {page} Customer.{field}"));
        }
    }
    for field in ["autoapproval", "otpappname"] {
        out.insert(format!(
            "{field_kind} customCreate CustomerCreateParam.{field}"
        ));
    }
    // Neither language lists otpappname on the update page yet.
    out.insert("field-removed customUpdate CustomerUpdateParam.otpappname".into());
    for code in 1308..=1311 {
        out.insert(format!("value-removed statusCode StatusCode.{code}"));
    }
    if zh_only {
        out.insert("languages resendSTCPayAccounAuth customer_stc_otp_resend".into());
        out.insert("languages submitSTCPayAccounAuth customer_stc_otp_submit".into());
    } else {
        out.insert("endpoint-removed - customer_stc_otp_resend".into());
        out.insert("endpoint-removed - customer_stc_otp_submit".into());
    }
    out
}

/// 2024-07-16: bank_list gains the `country` parameter and banks their country.
fn bank_country() -> BTreeSet<String> {
    keys(&[
        ("field-removed", "bankList", "query.country"),
        ("field-removed", "bankList", "Bank.country"),
    ])
}

/// 2024-07-08: KWD and AED, the exchange-rate endpoint, code 1406 re-used and 1407 added.
fn multi_currency() -> BTreeSet<String> {
    keys(&[
        ("endpoint-removed", "-", "exchange_rate"),
        ("value-removed", "currency", "Currency.KWD"),
        ("value-removed", "currency", "Currency.AED"),
        ("value-removed", "statusCode", "StatusCode.1406"),
        ("value-removed", "statusCode", "StatusCode.1407"),
    ])
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

#[test]
fn newest_snapshot_has_nothing_new() {
    let Some(history) = history() else { return };
    let differences = diff(&history.join(docs_diff::SGATE_SNAPSHOT));
    assert_eq!(new_keys(&differences), BTreeSet::new());
    // The known deviations are there, each acknowledged by its note.
    let acknowledged: BTreeSet<String> = differences
        .iter()
        .map(|d| format!("{} {}", d.kind, d.field.as_deref().unwrap_or("-")))
        .collect();
    for known in [
        "languages mercustomid",
        "languages customids",
        "type mobile",
        "type data",
        "field-removed feeconfigid",
        "default day",
    ] {
        assert!(
            acknowledged.contains(known),
            "{known} not in {acknowledged:?}"
        );
    }
}

#[test]
fn since_2024_09_19_address_swiftcode_and_va_uuid() {
    assert_new("2024-09-19-44d0ee3", address_swiftcode_and_va_uuid());
}

#[test]
fn since_2024_07_24_automatic_approval_in_english() {
    assert_new(
        "2024-07-24-f2dc700",
        union(&[address_swiftcode_and_va_uuid(), automatic_approval(true)]),
    );
}

#[test]
fn since_2024_07_16_automatic_approval() {
    assert_new(
        "2024-07-16-d3ef0da",
        union(&[address_swiftcode_and_va_uuid(), automatic_approval(false)]),
    );
}

#[test]
fn since_2024_07_08_bank_list_country() {
    assert_new(
        "2024-07-08-64813ab",
        union(&[
            address_swiftcode_and_va_uuid(),
            automatic_approval(false),
            bank_country(),
        ]),
    );
}

#[test]
fn since_2024_06_28_multi_currency() {
    assert_new(
        "2024-06-28-6a3937b",
        union(&[
            address_swiftcode_and_va_uuid(),
            automatic_approval(false),
            bank_country(),
            multi_currency(),
        ]),
    );
}

/// The command line: exit codes and the JSON objects.
#[test]
fn command_exit_codes_and_json() {
    let Some(history) = history() else { return };
    let run = |snapshot: &str| {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["docs-diff", "sgate"])
            .arg(history.join(snapshot))
            .args(["--format", "json"])
            .output()
            .unwrap()
    };
    let newest = run(docs_diff::SGATE_SNAPSHOT);
    assert_eq!(newest.status.code(), Some(0));
    let older = run("2024-09-19-44d0ee3");
    assert_eq!(older.status.code(), Some(1));
    let list: Value = serde_json::from_slice(&older.stdout).unwrap();
    let uuid = list
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["field"] == "uuid")
        .unwrap();
    assert_eq!(uuid["kind"], "field-removed");
    assert_eq!(uuid["operation"], "va_receiving_trans_list");
    assert_eq!(uuid["schema"], "query");
    assert_eq!(uuid["docs"], Value::Null);
    assert_eq!(uuid["yaml"], "string");
    assert_eq!(uuid["acknowledged"], false);
    let usage = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["docs-diff", "bluepay", "."])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
}

const CREATE_PAGE: &str = "# Create Customer\n\n## Create customer API\n\n### Request URL\n\n\
- `/payee/custom/create`\n\n### Request Method\n\n- POST\n\n### Request Parameters\n\n\
| **Parameter** | **Required** | **Type** | **Default Value** | **Description** |\n\
| --- | --- | --- | --- | --- |\n\
| name_e | Y | string | - | English name, length limit 32 characters |\n\
| name_a | Y | number | - | Arabic name, length limit 64 characters |\n\
| mercustomid | Y | string | - | Merchant customer ID, length limit 128 characters |\n\
| identity | N | string | - | ID number, length limit 64 characters |\n\
| autoapproval | N | number | 0 | Automatic approval: <br> `0`: Off <br> `1`: On <br> `2`: Later |\n\
| nickname | N | string | - | A new member |\n";

/// Hand-made pages (no ../shared needed): each kind of field difference, and a page that
/// cannot be read.
#[test]
fn field_differences_and_unreadable_pages() {
    let dir = tempfile::tempdir().unwrap();
    let custom = dir.path().join("en/payoutApi/custom");
    std::fs::create_dir_all(&custom).unwrap();
    std::fs::write(custom.join("customCreate.md"), CREATE_PAGE).unwrap();
    std::fs::write(
        custom.join("customList.md"),
        "### Request URL\n\n- /payee/custom/list\n\n### Request Method\n\n- GET\n",
    )
    .unwrap();
    let differences = diff(dir.path());
    let found = new_keys(&differences);
    for expected in [
        "length customCreate CustomerCreateParam.name_e",
        "type customCreate CustomerCreateParam.name_a",
        "required customCreate CustomerCreateParam.identity",
        "values customCreate CustomerCreateParam.autoapproval",
        "field-added customCreate CustomerCreateParam.nickname",
        "field-removed customCreate CustomerCreateParam.cardno",
        "endpoint-removed - payment_order_create",
    ] {
        assert!(found.contains(expected), "{expected} not in {found:#?}");
    }
    // What agrees is not reported: mercustomid's length, name_a's length, autoapproval's default.
    for quiet in ["mercustomid", "name_a"] {
        assert!(!differences
            .iter()
            .any(|d| d.kind == "length" && d.field.as_deref() == Some(quiet)));
    }
    let length = differences
        .iter()
        .find(|d| d.kind == "length" && d.field.as_deref() == Some("name_e"))
        .unwrap();
    assert_eq!(length.docs.as_deref(), Some("..32"));
    assert_eq!(length.yaml.as_deref(), Some("1..64"));
    let unreadable = differences
        .iter()
        .find(|d| d.kind == "unreadable")
        .expect("the list page is named");
    assert!(unreadable.page.ends_with("customList.md"));
    assert!(unreadable.docs.as_deref().unwrap().contains("no path"));
    // The list endpoint is not guessed from the unreadable page: it counts as undocumented.
    assert!(found.contains("endpoint-removed - customer_list"));
}

/// A copy of the newest snapshot in a temporary directory.
fn copy_of_newest(history: &Path) -> tempfile::TempDir {
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
    copy(&history.join(docs_diff::SGATE_SNAPSHOT), dir.path());
    dir
}

/// `docs-diff sgate <dir> --format json`: the exit code and the differences.
fn docs_diff_command(dir: &Path) -> (Option<i32>, Vec<Value>) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["docs-diff", "sgate"])
        .arg(dir)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let list: Value = serde_json::from_slice(&output.stdout).unwrap();
    (output.status.code(), list.as_array().unwrap().clone())
}

/// Issue 24: the code texts are compared too. An unedited copy of the newest snapshot has
/// nothing new: every code's English text is the YAML's `message`, every Chinese text its
/// `message-zh` (1309's stray character is the one acknowledged difference).
#[test]
fn an_unedited_copy_of_the_newest_snapshot_exits_0() {
    let Some(history) = history() else { return };
    let copy = copy_of_newest(&history);
    let (code, differences) = docs_diff_command(copy.path());
    assert_eq!(code, Some(0), "{differences:#?}");
    let texts: Vec<&Value> = differences.iter().filter(|d| d["kind"] == "text").collect();
    assert_eq!(texts.len(), 1, "{texts:#?}");
    assert_eq!(texts[0]["field"], "1309");
    assert_eq!(texts[0]["acknowledged"], true);
}

/// Issue 24: SGATE rewording one code (in either language) is a new difference that names the
/// code, and docs-diff exits 1.
#[test]
fn an_edited_code_message_exits_1_and_names_the_code() {
    let Some(history) = history() else { return };
    for (lang, code, old, reworded) in [
        (
            "en",
            "1404",
            "| 1404 | The payment amount on behalf needs to be greater than 0 ",
            "| 1404 | The payout amount must be positive                       ",
        ),
        (
            "zh",
            "1611",
            "| 1611   | OTP 正在发送中 ",
            "| 1611   | OTP 发送中     ",
        ),
    ] {
        let copy = copy_of_newest(&history);
        let page = copy
            .path()
            .join(lang)
            .join("payoutApi/appendix/statusCode.md");
        let text = std::fs::read_to_string(&page).unwrap();
        assert!(text.contains(old), "{lang}: the snapshot's row changed");
        std::fs::write(&page, text.replace(old, reworded)).unwrap();
        let (exit, differences) = docs_diff_command(copy.path());
        assert_eq!(exit, Some(1), "{lang}");
        let unacknowledged: Vec<&Value> = differences
            .iter()
            .filter(|d| d["acknowledged"] == false)
            .collect();
        assert_eq!(unacknowledged.len(), 1, "{lang}: {unacknowledged:#?}");
        let difference = unacknowledged[0];
        assert_eq!(difference["kind"], "text");
        assert_eq!(difference["schema"], "StatusCode");
        assert_eq!(difference["field"], code);
        let docs = difference["docs"].as_str().unwrap();
        let new_text = reworded.split('|').nth(2).unwrap().trim();
        assert_eq!(docs, format!("{lang}: {new_text}"));
    }
}
