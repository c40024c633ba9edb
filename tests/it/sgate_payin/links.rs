//! SGATE Payin's payment links against the docs: every page the docs list is a page of the
//! generated enums, and every link paybind builds is the docs' URL filled by `node` with
//! JavaScript's own `encodeURIComponent`, as the docs ask (tests/fixtures/sgate-payin:
//! paymentCashier.en.md is the newest English docs page, byte for byte). Then what a merchant
//! can get wrong: the return URL (missing, relative, a script), an empty order ID or ticket,
//! named without their values.

use std::collections::BTreeSet;

use paybind::sgate_payin::{
    CashierLanguage, CashierPage, Client, Config, EmbeddedPage, Environment,
};
use serde_json::json;

use super::{fixtures, run_node};

const ORDER_ID: &str = "M448726T2022123112531745487632";
/// A ticket with characters `encodeURIComponent` must encode.
const TICKET: &str = "QnTkb04gg5RzB6fP+KlfKH9A/JgTW7PYQ=";
/// A return URL with its own query and fragment, a space and non-ASCII text.
const RETURN_URL: &str = "https://shop.example/paid?order=A1&note=café au lait#top";

/// A client of the documented sandbox host (the docs write their links on it). Nothing is sent.
fn client() -> Client {
    Client::new(Config::new(
        Environment::Sandbox,
        "key",
        "secret",
        "M448726",
    ))
    .unwrap()
}

/// The payment links the docs page writes (`https://sandbox.sgate.sa/order/…` and `/embed/…`),
/// each once, sorted.
fn docs_links() -> Vec<String> {
    let page = std::fs::read_to_string(fixtures().join("paymentCashier.en.md")).unwrap();
    let links: BTreeSet<String> = page
        .split(['`', '\''])
        .filter(|piece| {
            piece.starts_with("https://sandbox.sgate.sa/order/")
                || piece.starts_with("https://sandbox.sgate.sa/embed/")
        })
        .map(String::from)
        .collect();
    links.into_iter().collect()
}

/// `links` filled by the docs' rules in `node`.
fn node_fill(links: &[String], language: &str) -> Vec<String> {
    let input = json!({
        "links": links,
        "values": {
            "ORDER_ID": ORDER_ID, "ORDER_TICKET": TICKET, "RETURN_URL": RETURN_URL,
            "LANGUAGE": language, "LOCK_PAY_METHOD": "yes",
        },
    });
    serde_json::from_value(run_node("fill-docs-links.js", &input)).expect("a JSON list")
}

/// The templates of the generated pages, as the docs write them (on the sandbox host), sorted.
fn generated_links() -> Vec<String> {
    let cashier = CashierPage::ALL.iter().map(|page| page.template());
    let embedded = EmbeddedPage::ALL.iter().map(|page| page.template());
    let links: BTreeSet<String> = cashier
        .chain(embedded)
        .map(|template| format!("https://sandbox.sgate.sa{template}"))
        .collect();
    links.into_iter().collect()
}

#[test]
fn the_pages_are_the_ones_the_docs_list() {
    let docs = docs_links();
    assert_eq!(
        docs.len(),
        11,
        "7 cashier pages and 4 embedded ones: {docs:#?}"
    );
    assert_eq!(generated_links(), docs);
}

#[test]
fn every_link_is_the_docs_url_filled_with_encode_uri_component() {
    let client = client();
    for language in CashierLanguage::ALL {
        let built: BTreeSet<String> = CashierPage::ALL
            .iter()
            .map(|page| client.payment_link(*page, ORDER_ID, TICKET))
            .chain(
                EmbeddedPage::ALL
                    .iter()
                    .map(|page| client.embedded_link(*page, ORDER_ID, TICKET)),
            )
            .map(|link| {
                let link = link.return_url(RETURN_URL).language(*language);
                link.url().unwrap().to_string()
            })
            .collect();
        let expected: BTreeSet<String> = node_fill(&docs_links(), language.code())
            .into_iter()
            .collect();
        assert_eq!(built, expected);
    }
}

/// The parameters a browser reads from a link, decoded.
fn parameters(link: &reqwest::Url) -> Vec<(String, String)> {
    link.query_pairs().into_owned().collect()
}

#[test]
fn a_browser_reads_back_exactly_what_was_given() {
    let link = client()
        .payment_link(CashierPage::Card, ORDER_ID, TICKET)
        .return_url(RETURN_URL)
        .language(CashierLanguage::Ar)
        .url()
        .unwrap();
    assert_eq!(link.host_str(), Some("sandbox.sgate.sa"));
    assert_eq!(link.path(), format!("/order/{ORDER_ID}/mada"));
    let expected = [
        ("ticket", TICKET),
        ("returnURL", RETURN_URL),
        ("language", "AR"),
        ("lockPayMethod", "yes"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    assert_eq!(parameters(&link), expected);
    assert_eq!(link.fragment(), None, "the return URL's `#` is encoded");
}

#[test]
fn the_default_language_is_the_first_and_unlocking_drops_the_parameter() {
    assert_eq!(CashierLanguage::default(), CashierLanguage::ALL[0]);
    assert_eq!(CashierLanguage::default().code(), "EN");
    let link = client()
        .payment_link(CashierPage::Stcpay, ORDER_ID, TICKET)
        .return_url(RETURN_URL)
        .lock_pay_method(false)
        .url()
        .unwrap();
    let names: Vec<String> = parameters(&link)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(names, ["ticket", "returnURL", "language"]);
    assert!(link.as_str().ends_with("&language=EN"), "{link}");
    // The standard page has no such parameter to drop.
    let standard = client()
        .payment_link(CashierPage::Standard, ORDER_ID, TICKET)
        .return_url(RETURN_URL)
        .url()
        .unwrap();
    assert!(!standard.as_str().contains("lockPayMethod"), "{standard}");
}

#[test]
fn a_link_is_beside_the_api_root_of_the_configured_url() {
    for (base, expected) in [
        ("https://pay.example/api_v1", "https://pay.example/order/"),
        ("https://pay.example/api_v1/", "https://pay.example/order/"),
        (
            "http://127.0.0.1:4000/sgate-payin/api_v1",
            "http://127.0.0.1:4000/sgate-payin/order/",
        ),
    ] {
        let client = Client::new(Config::new(
            Environment::Url(base.into()),
            "key",
            "secret",
            "M448726",
        ))
        .unwrap();
        let link = client
            .payment_link(CashierPage::Standard, ORDER_ID, TICKET)
            .return_url(RETURN_URL)
            .url()
            .unwrap();
        assert!(
            link.as_str().starts_with(&format!("{expected}{ORDER_ID}?")),
            "{base}: {link}"
        );
    }
}

#[test]
fn a_link_names_what_it_lacks_never_the_value() {
    let client = client();
    let without = client
        .payment_link(CashierPage::Standard, ORDER_ID, TICKET)
        .url()
        .unwrap_err();
    assert_eq!(
        (without.field.as_str(), without.reason.as_str()),
        ("returnURL", "is required")
    );
    for return_url in [
        "/paid",
        "shop.example/paid",
        "javascript:alert(document.cookie)",
        "ftp://shop.example/paid",
        "https://",
    ] {
        let refused = client
            .payment_link(CashierPage::Standard, ORDER_ID, TICKET)
            .return_url(return_url)
            .url()
            .unwrap_err();
        assert_eq!(refused.field, "returnURL", "{return_url}");
        assert_eq!(refused.reason, "must be an absolute http or https URL");
        let shown = format!("{refused} {refused:?}");
        assert!(!shown.contains(return_url), "{shown}");
    }
    let empty = client
        .embedded_link(EmbeddedPage::Card, "", "")
        .return_url(RETURN_URL)
        .url()
        .unwrap_err();
    let fields: Vec<String> = empty.violations().into_iter().map(|v| v.field).collect();
    assert_eq!(fields, ["ORDER_ID", "ORDER_TICKET"]);
}

/// Every placeholder of the templates is one the docs' parameter list describes.
#[test]
fn the_docs_describe_every_placeholder() {
    let page = std::fs::read_to_string(fixtures().join("paymentCashier.en.md")).unwrap();
    let links = generated_links();
    let placeholders: BTreeSet<&str> = links
        .iter()
        .flat_map(|link| link.split('{').skip(1))
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    assert_eq!(placeholders.len(), 5, "{placeholders:?}");
    for name in placeholders {
        let described = format!("- `{{{name}}}`:");
        assert!(page.contains(&described), "the docs describe {{{name}}}");
    }
}
