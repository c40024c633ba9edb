//! The facts of SGATE's Payin pages a sandbox lives by, against `openapi/sgate-payin.yaml`: the
//! currency limits (`info.x-currency-limits`), the test card and STC Pay wallet
//! (`info.x-test-data`), the customer's "uuid, email or mobile" rule (`x-rules`) and how callbacks
//! are acknowledged and retried (`info.x-callback-ack`, `info.x-callback-retry`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use super::markdown::{self, Block};
use super::payin::LANGUAGES;
use super::payin_facts::{each, find_table, list, strings, text, Fact, Pages};
use super::report::{acknowledging, kind, Difference};
use super::yaml::notes_of;

/// Column words of the currency limits table (the currency page; the appendix before it).
const CURRENCY: &[&str] = &["currency", "币种"];
const MINIMUM: &[&str] = &["minimum payment amount", "最小支付金额"];
const MAXIMUM: &[&str] = &["maximum payment limit", "最大支付限额"];
const UNLIMITED: &[&str] = &["unlimited", "无限制"];

/// Each currency's (minimum, maximum) of the limits table on any page of one language.
/// Currency → (minimum, maximum), as a limits table states them.
type Limits = BTreeMap<String, (String, String)>;

/// The page holding the limits table of one language, and the table.
fn limits_table(pages: &Pages, lang: &str) -> Option<(String, Limits)> {
    for (key, langs) in pages {
        let Some((_, blocks)) = langs.iter().find(|(l, _)| *l == lang) else {
            continue;
        };
        let mut columns = None;
        let table = find_table(blocks, |h| {
            let at = |words: &[&str]| h.iter().position(|c| words.contains(&c.as_str()));
            columns = Some((at(CURRENCY), at(MINIMUM), at(MAXIMUM)));
            matches!(columns, Some((Some(_), Some(_), Some(_))))
        });
        let (Some(table), Some((Some(c), Some(min), Some(max)))) = (table, columns) else {
            continue;
        };
        let limit = |cell: &str| {
            let v = markdown::plain(cell);
            if UNLIMITED.contains(&v.to_lowercase().as_str()) {
                "unlimited".to_string()
            } else {
                v
            }
        };
        let rows = table
            .rows
            .iter()
            .map(|r| (markdown::plain(&r[c]), (limit(&r[min]), limit(&r[max]))));
        return Some((key.clone(), rows.collect()));
    }
    None
}

/// "STCPay single payment cannot exceed 10000 SAR", "STCPay 单笔支付不能超过 10000 SAR".
fn stcpay_cap(pages: &Pages, lang: &str) -> Option<String> {
    static CAP: OnceLock<Regex> = OnceLock::new();
    let re = CAP.get_or_init(|| {
        Regex::new(
            r"(?i)stc\s*pay\s*(?:single payment cannot exceed|单笔支付不能超过)\s*([0-9.]+)\s*SAR",
        )
        .expect("pattern is valid")
    });
    pages
        .values()
        .flatten()
        .filter(|(l, _)| *l == lang)
        .find_map(|(_, blocks)| {
            blocks.iter().find_map(|b| match b {
                Block::Text { text, .. } => re.captures(text).map(|c| c[1].to_string()),
                _ => None,
            })
        })
}

pub(super) fn limits(pages: &Pages, spec: &Value, out: &mut Vec<Difference>) {
    let node = spec
        .pointer("/info/x-currency-limits")
        .unwrap_or(&Value::Null);
    let notes = notes_of(node);
    let mut yaml = Limits::new();
    for row in node
        .get("currencies")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(currency) = text(row.get("currency")) else {
            continue;
        };
        let max = text(row.get("maximum")).unwrap_or_else(|| "unlimited".into());
        yaml.insert(
            currency,
            (text(row.get("minimum")).unwrap_or_default(), max),
        );
    }
    let tables: Vec<(&str, Option<(String, Limits)>)> = LANGUAGES
        .iter()
        .map(|l| (*l, limits_table(pages, l)))
        .collect();
    let Some(page) = tables
        .iter()
        .find_map(|(_, t)| t.as_ref().map(|(p, _)| p.clone()))
    else {
        out.push(Difference::unreadable(
            "-",
            "no currency limits table (currency, minimum, maximum) on any page",
        ));
        return;
    };
    let listed: Vec<(&str, Vec<String>)> = tables
        .iter()
        .map(|(l, t)| {
            (
                *l,
                t.iter()
                    .flat_map(|(_, rows)| rows.keys().cloned())
                    .collect(),
            )
        })
        .collect();
    let yaml_currencies: Vec<String> = yaml.keys().cloned().collect();
    list(
        &page,
        "x-currency-limits",
        &listed,
        &yaml_currencies,
        &notes,
        out,
    );
    for (currency, (min, max)) in &yaml {
        for (bound, yaml_value, pick) in [("minimum", min, 0), ("maximum", max, 1)] {
            let stated: Vec<(&str, Option<String>)> = tables
                .iter()
                .map(|(l, t)| {
                    let row = t.as_ref().and_then(|(_, rows)| rows.get(currency));
                    (
                        *l,
                        row.map(|(a, b)| if pick == 0 { a.clone() } else { b.clone() }),
                    )
                })
                .collect();
            let fact = Fact {
                page: &page,
                operation: None,
                schema: "x-currency-limits",
                field: format!("{currency}.{bound}"),
                kind: kind::LIMIT,
            };
            fact.compare(&stated, Some(yaml_value.clone()), &notes, out);
        }
    }
    let cap: Vec<(&str, Option<String>)> = LANGUAGES
        .iter()
        .map(|l| (*l, stcpay_cap(pages, l)))
        .collect();
    let fact = Fact {
        page: &page,
        operation: None,
        schema: "x-currency-limits",
        field: "stcpay-maximum".into(),
        kind: kind::LIMIT,
    };
    fact.compare(
        &cap,
        text(node.pointer("/stcpay-maximum/maximum")),
        &notes,
        out,
    );
}

// ------------------------------------------------------------------------------ test data

const APPENDIX: &str = "payinApi/appendix/appendix.md";

/// The first row of the table whose first header cell is one of `words`, as plain cells.
fn first_row(blocks: &[Block], words: &[&str]) -> Option<Vec<String>> {
    let table = find_table(blocks, |h| words.contains(&h[0].as_str()))?;
    Some(
        table
            .rows
            .first()?
            .iter()
            .map(|c| markdown::plain(c))
            .collect(),
    )
}

pub(super) fn test_data(pages: &Pages, spec: &Value, out: &mut Vec<Difference>) {
    let Some(langs) = pages.get(APPENDIX) else {
        return;
    };
    let node = spec.pointer("/info/x-test-data").unwrap_or(&Value::Null);
    let notes = notes_of(node);
    let card = node.pointer("/cards/0").unwrap_or(&Value::Null);
    let wallet = node.pointer("/stcpay/0").unwrap_or(&Value::Null);
    let expiry = match (
        text(card.get("expiry-month")),
        text(card.get("expiry-year")),
    ) {
        (Some(m), Some(y)) => Some(format!("{m}/{y}")),
        _ => None,
    };
    let three_ds = card
        .get("three-ds")
        .and_then(Value::as_bool)
        .map(|b| if b { "Y" } else { "N" }.to_string());
    // (field, table's first header words, column, YAML value)
    let facts: [(&str, &[&str], usize, Option<String>); 7] = [
        (
            "card.number",
            &["card number", "卡号"],
            0,
            text(card.get("number")),
        ),
        (
            "card.name-on-card",
            &["card number", "卡号"],
            1,
            text(card.get("name-on-card")),
        ),
        ("card.expiry", &["card number", "卡号"], 2, expiry),
        (
            "card.security-code",
            &["card number", "卡号"],
            3,
            text(card.get("security-code")),
        ),
        ("card.three-ds", &["card number", "卡号"], 4, three_ds),
        (
            "stcpay.mobile",
            &["test mobile phone number", "测试手机号"],
            0,
            text(wallet.get("mobile")),
        ),
        (
            "stcpay.otp",
            &["test mobile phone number", "测试手机号"],
            1,
            text(wallet.get("otp")),
        ),
    ];
    for (field, words, column, yaml) in facts {
        let stated = each(langs, |blocks| {
            let cell = first_row(blocks, words)?.get(column)?.replace(' ', "");
            Some(match cell.as_str() {
                "是" | "Y" | "Yes" => "Y".to_string(),
                "否" | "N" | "No" => "N".to_string(),
                _ => cell,
            })
        });
        let fact = Fact {
            page: APPENDIX,
            operation: None,
            schema: "x-test-data",
            field: field.into(),
            kind: kind::TEST_DATA,
        };
        fact.compare(&stated, yaml, &notes, out);
    }
}

// ------------------------------------------------------------------------------ rule, callbacks

const CASHIER: &str = "payinApi/payment/paymentCashier.md";
const CALLBACK: &str = "payinApi/callback/callbackNotification.md";

/// "`customer` information needs to upload additional `uuid`, `email` or `mobile` fields" (and
/// its Chinese): the fields of which the customer needs one.
fn customer_warning(blocks: &[Block]) -> Option<String> {
    blocks.iter().find_map(|b| match b {
        Block::Text { text, .. }
            if text.contains("`customer`")
                && (text.contains("needs to upload additional")
                    || text.contains("需要额外上传")) =>
        {
            let spans = markdown::code_spans(text);
            Some(spans[1..].join(", "))
        }
        _ => None,
    })
}

pub(super) fn customer_rule(pages: &Pages, spec: &Value, out: &mut Vec<Difference>) {
    let Some(langs) = pages.get(CASHIER) else {
        return;
    };
    let schema = spec
        .pointer("/components/schemas/OrderCustomerParam")
        .unwrap_or(&Value::Null);
    let rule = schema
        .get("x-rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|r| r.get("if").is_none() && r.get("require-one-of").is_some());
    let yaml = rule.map(|r| strings(r.get("require-one-of")).join(", "));
    let mut notes = notes_of(schema);
    notes.extend(rule.map(notes_of).unwrap_or_default());
    let stated = each(langs, customer_warning);
    let fact = Fact {
        page: CASHIER,
        operation: Some("merchant_add_order".into()),
        schema: "OrderCustomerParam",
        field: "require-one-of".into(),
        kind: kind::RULE,
    };
    match stated.iter().all(|(_, v)| v.is_none()) {
        // The YAML's rule is no longer (or not yet) in the docs.
        true if yaml.is_some() => {
            let mut d = fact.diff(kind::RULE, None, yaml);
            d.note = acknowledging(&notes, &[], None, &["warning".to_string()]);
            out.push(d);
        }
        _ => fact.compare(&stated, yaml, &notes, out),
    }
}

pub(super) fn callbacks(pages: &Pages, spec: &Value, out: &mut Vec<Difference>) {
    static RETRY: OnceLock<[Regex; 2]> = OnceLock::new();
    let [unanswered, failed] = RETRY.get_or_init(|| {
        [
            Regex::new(concat!(
                r"(?i)retry\s+(\d+)\s+times\s+every\s+(\d+)\s+seconds",
                r"|每隔\s*(\d+)\s*秒重试\s*(\d+)\s*次"
            ))
            .expect("pattern is valid"),
            Regex::new(r"(?i)retry\s+every\s+(\d+)\s+minutes|每隔\s*(\d+)\s*分钟重试")
                .expect("pattern is valid"),
        ]
    });
    let Some(langs) = pages.get(CALLBACK) else {
        return;
    };
    let texts = |blocks: &[Block]| -> Vec<String> {
        blocks
            .iter()
            .filter_map(|b| match b {
                Block::Text { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    };
    let ack = spec.pointer("/info/x-callback-ack").unwrap_or(&Value::Null);
    let stated = each(langs, |b| {
        texts(b)
            .iter()
            .flat_map(|t| markdown::code_spans(t))
            .find(|s| s.starts_with("COMPLETED::{"))
    });
    let fact = Fact {
        page: CALLBACK,
        operation: None,
        schema: "x-callback-ack",
        field: "template".into(),
        kind: kind::CALLBACK,
    };
    fact.compare(&stated, text(ack.get("template")), &notes_of(ack), out);
    let retry = spec
        .pointer("/info/x-callback-retry")
        .unwrap_or(&Value::Null);
    let capture = |re: &Regex, blocks: &[Block], groups: [usize; 2]| {
        texts(blocks).iter().find_map(|t| {
            let c = re.captures(t)?;
            groups
                .iter()
                .find_map(|g| c.get(*g))
                .map(|m| m.as_str().to_string())
        })
    };
    let facts: [(&str, &Regex, [usize; 2], u64, &str); 3] = [
        (
            "no-answer.attempts",
            unanswered,
            [1, 4],
            1,
            "/no-answer/attempts",
        ),
        (
            "no-answer.interval-seconds",
            unanswered,
            [2, 3],
            1,
            "/no-answer/interval-seconds",
        ),
        (
            "error-answer.interval-seconds",
            failed,
            [1, 2],
            60,
            "/error-answer/interval-seconds",
        ),
    ];
    for (field, re, groups, unit, pointer) in facts {
        let stated = each(langs, |b| {
            let n: u64 = capture(re, b, groups)?.parse().ok()?;
            Some((n * unit).to_string())
        });
        let fact = Fact {
            page: CALLBACK,
            operation: None,
            schema: "x-callback-retry",
            field: field.into(),
            kind: kind::CALLBACK,
        };
        fact.compare(&stated, text(retry.pointer(pointer)), &notes_of(retry), out);
    }
}
