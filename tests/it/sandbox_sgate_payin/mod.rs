//! The sandbox as SGATE Payin, through paybind's generated client over real HTTP: the HMAC
//! headers checked apart from paybind's signer (`authentication`), every operation
//! (`operations`), the hosted cashier and its 3DS page (`cashier`), callbacks checked by
//! paybind's `Callbacks` and retried on SGATE's schedule (`callbacks`), refunds (`refunds`),
//! and card data kept out of the request log and the admin API (`redaction`).

mod authentication;
mod callbacks;
mod cashier;
mod operations;
mod redaction;
mod refunds;
mod trigger;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common;

use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse as _, Response};
use paybind::sgate_payin::{headers, types, CheckedCallback, Client};
use paybind_sandbox::Sandbox;
use serde_json::Value;

/// The docs' test card (appendix): number, expiry 01/39, security code 100, with 3DS.
const TEST_CARD: &str = "5123450000000008";
/// The docs' test STC Pay wallet and its code (appendix).
const TEST_WALLET: &str = "548220713";
const TEST_CODE: &str = "12345";

fn client(sandbox: &Sandbox) -> Client {
    Client::new(sandbox.sgate_payin_config()).expect("client")
}

/// An order of `amount` SAR with merchant order ID `id`, its callbacks to `notify` if given.
fn order(id: &str, amount: &str, notify: Option<&str>) -> types::builder::MerchantAddOrderParam {
    let order = types::MerchantAddOrderParam::builder()
        .merchant_order_id(id)
        .name("Game card")
        .amount(amount)
        .currency("SAR")
        .client_ip("127.0.0.1");
    match notify {
        Some(url) => order.notification_url(url),
        None => order,
    }
}

/// The test card, direct: `number` and `code` as given.
fn card(number: &str, code: &str) -> types::builder::OrderStartByDirectMastercardParam {
    types::OrderStartByDirectMastercardParam::builder()
        .card_number(number)
        .expiry_month("01")
        .expiry_year("39")
        .name_on_card("SGate_Sandbox")
        .security_code(code)
}

fn payer() -> headers::OrderStartByStcpay {
    headers::OrderStartByStcpay {
        user_agent: "Mozilla/5.0 (payer's browser)".into(),
        x_auth_uuid: "a13382f5-4dcf-4ef5-9e81-33a836a610a9".into(),
        x_customer_ip: "124.126.202.12".into(),
    }
}

fn payer_again() -> headers::TransactionCompleteByStcpay {
    let payer = payer();
    headers::TransactionCompleteByStcpay {
        user_agent: payer.user_agent,
        x_auth_uuid: payer.x_auth_uuid,
        x_customer_ip: payer.x_customer_ip,
    }
}

/// A payer's browser: follows no redirect, so each step is seen.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The first `<form>` of `html` whose action ends with `action_end`: its absolute action URL
/// (below `base`) and its hidden fields.
fn form(html: &str, base: &str, action_end: &str) -> (String, Vec<(String, String)>) {
    let attribute = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = tag[start..].find('"')? + start;
        Some(tag[start..end].replace("&amp;", "&"))
    };
    for chunk in html.split("<form").skip(1) {
        let body = chunk.split("</form>").next().unwrap();
        let action = attribute(body, "action").unwrap();
        if !action.ends_with(action_end) {
            continue;
        }
        let hidden = body
            .split("<input")
            .skip(1)
            .filter(|tag| tag.contains("type=\"hidden\""))
            .map(|tag| {
                (
                    attribute(tag, "name").unwrap(),
                    attribute(tag, "value").unwrap(),
                )
            })
            .collect();
        return (format!("{base}{action}"), hidden);
    }
    panic!("no form to …{action_end} in {html}")
}

/// The HTML of the page at `url`, as the payer's browser gets it.
async fn page_html(browser: &reqwest::Client, url: &str) -> String {
    browser.get(url).send().await.unwrap().text().await.unwrap()
}

/// The scheme, host and port of `url`.
fn origin(url: &str) -> String {
    let url = reqwest::Url::parse(url).unwrap();
    format!("{}://{}", url.scheme(), url.host_str().unwrap()) + &format!(":{}", url.port().unwrap())
}

/// Posts `form` (hidden fields and `more`) as a browser would.
async fn submit(
    browser: &reqwest::Client,
    form: &(String, Vec<(String, String)>),
    more: &[(&str, &str)],
) -> reqwest::Response {
    let mut fields = form.1.clone();
    fields.extend(
        more.iter()
            .map(|(name, value)| (name.to_string(), value.to_string())),
    );
    let mut encoder = reqwest::Url::parse("http://form.invalid/").unwrap();
    encoder.query_pairs_mut().extend_pairs(&fields);
    browser
        .post(&form.0)
        .header("origin", origin(&form.0))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encoder.query().unwrap_or("").to_string())
        .send()
        .await
        .unwrap()
}

/// Pays `order` on the sandbox's hosted cashier with the test card and passes (or fails) the
/// simulated 3DS page; the last answer (the way back to `return_url`, or the result page).
async fn pay_by_card_on_cashier(
    sandbox: &Sandbox,
    order: &types::CreatedOrder,
    return_url: Option<&str>,
    authenticate: bool,
) -> reqwest::Response {
    let browser = browser();
    let cashier = sandbox.sgate_payin_cashier_url(&order.id, &order.ticket, return_url);
    let page = browser.get(&cashier).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let to_three_ds = submit_test_card(&browser, &html, &cashier).await;
    assert_eq!(to_three_ds.status(), 303);
    let three_ds_url = location(&to_three_ds);
    assert!(
        three_ds_url.contains("/direct/mastercard?"),
        "{three_ds_url}"
    );
    let html = page_html(&browser, &three_ds_url).await;
    assert!(html.contains("512345xxxxxx0008"), "the test card, masked");
    assert!(!html.contains(TEST_CARD), "never whole");
    pass_three_ds(&browser, &three_ds_url, authenticate).await
}

/// The card form of the cashier page `html` (at `page_url`) posted with the test card, as a
/// payer types it.
async fn submit_test_card(
    browser: &reqwest::Client,
    html: &str,
    page_url: &str,
) -> reqwest::Response {
    let card_form = form(html, &origin(page_url), "/card");
    submit(
        browser,
        &card_form,
        &[
            ("cardNumber", "5123 4500 0000 0008"),
            ("expiryMonth", "01"),
            ("expiryYear", "39"),
            ("nameOnCard", "SGate_Sandbox"),
            ("securityCode", "100"),
        ],
    )
    .await
}

/// The simulated 3DS page at `url`: authenticated, or not.
async fn pass_three_ds(
    browser: &reqwest::Client,
    url: &str,
    authenticate: bool,
) -> reqwest::Response {
    let page = browser.get(url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("xxxxxx"), "the masked card is shown");
    let outcome = if authenticate { "authenticate" } else { "fail" };
    submit(
        browser,
        &form(&html, &origin(url), "/direct/mastercard"),
        &[("outcome", outcome)],
    )
    .await
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

/// The sandbox's notifications of `kind` (`payment`, `refund`) about `order_id`.
fn callbacks_of(sandbox: &Sandbox, order_id: &str, kind: &str) -> Vec<Value> {
    sandbox
        .notifications()
        .unwrap()
        .into_iter()
        .filter(|n| n["gateway"] == "sgate-payin" && n["event"] == kind)
        .filter(|n| n["payload"]["_orderId"] == order_id)
        .collect()
}

/// Waits until the callback of `kind` about `order_id` has `attempts` attempts recorded.
async fn callback_with_attempts(
    sandbox: &Sandbox,
    order_id: &str,
    kind: &str,
    attempts: usize,
) -> Value {
    common::eventually(15, || {
        callbacks_of(sandbox, order_id, kind).into_iter().find(|n| {
            n["attempts"].as_array().map_or(0, Vec::len) == attempts && n["status"] != "pending"
        })
    })
    .await
}

/// A merchant's callback endpoint on paybind's axum extractor, with a client of the sandbox:
/// acknowledges what the order confirms, answers 409 otherwise. Records each query it got.
struct Merchant {
    url: String,
    queries: Arc<Mutex<Vec<String>>>,
}

impl Merchant {
    async fn start(sandbox: &Sandbox) -> Self {
        let queries = Arc::new(Mutex::new(Vec::new()));
        let seen = queries.clone();
        let handler = move |uri: Uri, CheckedCallback(callback): CheckedCallback| {
            let seen = seen.clone();
            async move {
                seen.lock()
                    .unwrap()
                    .push(uri.query().unwrap_or("").to_string());
                let answer: Response = match callback.ack() {
                    Some(ack) => ack.into_response(),
                    None => StatusCode::CONFLICT.into_response(),
                };
                answer
            }
        };
        let app = axum::Router::new()
            .route("/hooks/payin", axum::routing::get(handler))
            .with_state(client(sandbox).notifications());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        Self {
            url: format!("http://{address}/hooks/payin?shop=1"),
            queries,
        }
    }

    fn queries(&self) -> Vec<String> {
        self.queries.lock().unwrap().clone()
    }
}

/// Waits (on the real clock, for the worker) until `check` holds for the order `id`.
async fn order_until(
    client: &Client,
    id: &str,
    check: impl Fn(&types::Order) -> bool,
) -> types::Order {
    for _ in 0..500 {
        let order = client.order_detail(id).await.unwrap();
        if check(&order) {
            return order;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("order {id} never reached the state");
}
