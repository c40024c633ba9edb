//! The hosted cashier: the payment links of `info.x-payment-links` (the cashier's, and the
//! embedded ones, which any site may frame) served as pages where the payer pays an order with
//! the documented test card (through the simulated 3DS page the direct card payment's
//! `redirectURL` also leads to) or the test STC Pay wallet and its code, then goes back to the
//! merchant's `returnURL`. The pages use the same business functions as the API. They are not
//! API calls: they are not logged (a card form holds card data).

use std::collections::BTreeMap;

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse as _, Response};
use serde_json::{json, Map, Value};

use super::orders::load_order;
use super::pages::{self, hidden, problem};
use super::payments::{complete_stcpay, finish_three_ds, start_card, start_stcpay};
use super::records::{find, info, view, ORDERS, TRANSACTIONS};
use crate::base::http::{Answer, Call};
use crate::base::ids::random_token;
use crate::base::json::{optional_text, text};
use crate::base::shared::Shared;
use crate::wire::sgate_payin::refusal::PayinError;
use crate::wire::sgate_payin::Incoming;

/// The fields of a query string or form body (a repeated name: the last one).
fn fields(text: &str) -> BTreeMap<String, String> {
    reqwest::Url::parse(&format!("http://form.invalid/?{text}"))
        .map(|url| url.query_pairs().into_owned().collect())
        .unwrap_or_default()
}

/// A request to the cashier's pages.
struct Visit<'a> {
    shared: &'a Shared,
    call: &'a Call<'a>,
    fields: BTreeMap<String, String>,
    /// A visit that began on an embedded page (`/embed/…`): every page of its flow may be
    /// framed, and its forms and redirects carry `embedded=yes` on.
    embedded: bool,
}

impl Visit<'_> {
    fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    /// The fields that travel from page to page.
    fn carried(&self, ticket: &str) -> String {
        [
            hidden("ticket", ticket),
            hidden("returnURL", self.field("returnURL")),
            hidden("language", self.field("language")),
            self.embedded_field(),
        ]
        .concat()
    }

    /// The hidden field that keeps an embedded flow embedded.
    fn embedded_field(&self) -> String {
        if self.embedded {
            hidden("embedded", "yes")
        } else {
            String::new()
        }
    }

    fn arabic(&self) -> bool {
        self.field("language").eq_ignore_ascii_case("AR")
    }

    /// A page address below the Payin root this request came to.
    fn address(&self, path: &str) -> String {
        format!("{}{path}", self.call.prefix())
    }

    /// The merchant's return URL, when it is an http(s) URL.
    fn return_url(&self, stored: Option<&str>) -> Option<String> {
        let given = stored.or_else(|| optional_text_of(&self.fields, "returnURL"))?;
        reqwest::Url::parse(given)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https"))
            .map(String::from)
    }
}

fn optional_text_of<'a>(fields: &'a BTreeMap<String, String>, name: &str) -> Option<&'a str> {
    fields
        .get(name)
        .map(String::as_str)
        .filter(|value| !value.is_empty())
}

/// Serves one request to a cashier page (`rest`: the path below the Payin root).
pub async fn serve(shared: &Shared, call: &Call<'_>) -> Answer {
    let query = call
        .path_and_query
        .split_once('?')
        .map_or("", |(_, query)| query);
    let form = if call.method == Method::POST {
        std::str::from_utf8(&call.body).unwrap_or("")
    } else {
        query
    };
    let segments: Vec<&str> = call.rest.trim_start_matches('/').split('/').collect();
    let fields = fields(form);
    let embedded = segments.first() == Some(&"embed")
        || fields.get("embedded").is_some_and(|value| value == "yes");
    let visit = Visit {
        shared,
        call,
        fields,
        embedded,
    };
    let post = call.method == Method::POST;
    let response = match (post, segments.as_slice()) {
        (false, ["order", id]) => cashier(&visit, id, true, true),
        (false, ["order", id, "mada" | "intl-card"]) => {
            cashier(&visit, id, true, visit.field("lockPayMethod") != "yes")
        }
        (false, ["order", id, "stcpay"]) => {
            cashier(&visit, id, visit.field("lockPayMethod") != "yes", true)
        }
        (true, ["order", id, "card"]) => pay_by_card(&visit, id),
        (true, ["order", id, "stcpay"]) => send_code(&visit, id),
        (true, ["order", _, "stcpay", "code"]) => pay_by_wallet(&visit),
        // The embedded pages: the same forms, the order ID a query parameter.
        (false, ["embed", "mada"]) => cashier(&visit, visit.field("orderId"), true, false),
        (false, ["embed", "stcpay"]) => cashier(&visit, visit.field("orderId"), false, true),
        (false, ["order", _, "applepay" | "tamara" | "tabby"] | ["embed", "tamara" | "tabby"]) => {
            problem(
                StatusCode::NOT_FOUND,
                "the sandbox simulates card and STC Pay payments only",
            )
        }
        (false, ["direct", "mastercard"]) => three_ds(&visit),
        (true, ["direct", "mastercard"]) => end_three_ds(&visit),
        _ => problem(StatusCode::NOT_FOUND, "the sandbox has no such Payin page"),
    };
    if visit.embedded {
        pages::embeddable(response).into()
    } else {
        response.into()
    }
}

/// What a business refusal shows the payer.
fn refused(error: PayinError) -> Response {
    match error {
        PayinError::Refused(refusal) => problem(refusal.status, &refusal.logged()),
        PayinError::Store(error) => {
            tracing::warn!(error = %error, "sandbox storage failed");
            problem(StatusCode::INTERNAL_SERVER_ERROR, "sandbox storage error")
        }
    }
}

/// The order `id` when the visit carries its ticket.
fn ticketed_order(visit: &Visit<'_>, id: &str) -> Result<Value, Box<Response>> {
    let now = visit.shared.now_ms();
    let order = visit
        .shared
        .with_tx(|tx| load_order(tx, id, now))
        .map_err(|error| Box::new(refused(error)))?;
    if text(&order, "ticket") != visit.field("ticket") {
        return Err(Box::new(problem(
            StatusCode::FORBIDDEN,
            "the link's ticket is not this order's",
        )));
    }
    Ok(order)
}

/// The cashier of an order: its summary and the forms of the methods shown.
fn cashier(visit: &Visit<'_>, id: &str, card: bool, wallet: bool) -> Response {
    let order = match ticketed_order(visit, id) {
        Ok(order) => order,
        Err(page) => return *page,
    };
    let mut body = pages::summary(&view("Order", &order));
    if matches!(text(&order, "status"), "pending" | "doing") {
        let carried = visit.carried(text(&order, "ticket"));
        if card {
            body.push_str(&pages::card_form(
                &visit.address(&format!("/order/{id}/card")),
                &carried,
            ));
        }
        // STC Pay takes SAR orders only (info.x-currency-limits).
        let sar = info("x-currency-limits/stcpay-maximum/currency").and_then(Value::as_str);
        if wallet && Some(text(&order, "currency")) == sar {
            body.push_str(&pages::wallet_form(
                &visit.address(&format!("/order/{id}/stcpay")),
                &carried,
            ));
        }
    } else {
        body.push_str("<p>This order can no longer be paid.</p>");
    }
    pages::page(StatusCode::OK, "Pay your order", visit.arabic(), &body)
}

/// The card form posted: a card transaction, and the payer sent on to its 3DS page.
fn pay_by_card(visit: &Visit<'_>, id: &str) -> Response {
    if let Err(page) = ticketed_order(visit, id) {
        return *page;
    }
    let mut card = Map::new();
    for name in [
        "cardNumber",
        "expiryMonth",
        "expiryYear",
        "nameOnCard",
        "securityCode",
        "returnURL",
    ] {
        let value: String = match name {
            // People type card numbers in groups.
            "cardNumber" => visit
                .field(name)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect(),
            _ => visit.field(name).trim().to_string(),
        };
        if !value.is_empty() {
            card.insert(name.to_string(), Value::String(value));
        }
    }
    let card = Value::Object(card);
    let spec = paybind::sgate_payin::spec();
    if let Err(error) = spec.validate("OrderStartByDirectMastercardParam", &card) {
        return problem(StatusCode::BAD_REQUEST, &error.to_string());
    }
    let (shared, now) = (visit.shared, visit.shared.now_ms());
    let root = visit.call.root_url();
    match shared.with_tx(|tx| start_card(tx, id, &card, &root, now)) {
        Ok(transaction) if visit.embedded => see_other(&format!(
            "{}&embedded=yes",
            text(&transaction, "redirectURL")
        )),
        Ok(transaction) => see_other(text(&transaction, "redirectURL")),
        Err(error) => refused(error),
    }
}

/// The wallet form posted: an STC Pay transaction, and the code form.
fn send_code(visit: &Visit<'_>, id: &str) -> Response {
    let order = match ticketed_order(visit, id) {
        Ok(order) => order,
        Err(page) => return *page,
    };
    let body = json!({ "ticket": visit.field("ticket"), "mobile": visit.field("mobile").trim() });
    if let Err(error) = paybind::sgate_payin::spec().validate("OrderStartByStcpayParam", &body) {
        return problem(StatusCode::BAD_REQUEST, &error.to_string());
    }
    let user_agent = visit
        .call
        .headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("unknown");
    let token = random_token(32);
    let device = format!(
        "{}-{}-{}-{}-{}",
        &token[..8],
        &token[8..12],
        &token[12..16],
        &token[16..20],
        &token[20..]
    );
    let incoming = Incoming {
        path: [("ORDER_ID".to_string(), json!(id))].into_iter().collect(),
        headers: [
            ("user-agent".to_string(), json!(user_agent)),
            ("x-auth-uuid".to_string(), json!(device)),
            ("x-customer-ip".to_string(), json!("127.0.0.1")),
        ]
        .into_iter()
        .collect(),
        body,
        root_url: visit.call.root_url(),
    };
    let now = visit.shared.now_ms();
    match visit.shared.with_tx(|tx| start_stcpay(tx, &incoming, now)) {
        Ok(transaction) => {
            let carried = visit.carried(text(&order, "ticket"))
                + &hidden("transactionId", text(&transaction, "id"));
            let action = visit.address(&format!("/order/{id}/stcpay/code"));
            let body =
                pages::summary(&view("Order", &order)) + &pages::code_form(&action, &carried);
            pages::page(
                StatusCode::OK,
                "Enter the STC Pay code",
                visit.arabic(),
                &body,
            )
        }
        Err(error) => refused(error),
    }
}

/// The code form posted: the STC Pay transaction ends.
fn pay_by_wallet(visit: &Visit<'_>) -> Response {
    let body =
        json!({ "ticket": visit.field("ticket"), "OtpValue": visit.field("OtpValue").trim() });
    let (shared, now) = (visit.shared, visit.shared.now_ms());
    let id = visit.field("transactionId");
    match shared.with_tx(|tx| complete_stcpay(tx, shared, id, &body, now)) {
        Ok(transaction) => finished(visit, &transaction, None),
        Err(error) => refused(error),
    }
}

/// The simulated 3DS page of a card transaction (the direct payment's `redirectURL`).
fn three_ds(visit: &Visit<'_>) -> Response {
    let transaction = match visit.shared.with_tx(|tx| {
        find(
            tx,
            TRANSACTIONS,
            visit.field("transactionId"),
            "transaction",
        )
    }) {
        Ok(transaction) => transaction,
        Err(error) => return refused(error),
    };
    let order = match visit
        .shared
        .with_tx(|tx| find(tx, ORDERS, text(&transaction, "orderId"), "order"))
    {
        Ok(order) => order,
        Err(error) => return refused(error),
    };
    if text(&order, "ticket") != visit.field("ticket")
        || text(&order, "id") != visit.field("orderId")
    {
        return problem(
            StatusCode::FORBIDDEN,
            "the link's ticket is not this transaction's",
        );
    }
    if text(&transaction, "result") != "Not_Yet" {
        return pages::result(&transaction);
    }
    let card: Value =
        serde_json::from_str(text(&transaction, "payerDigest")).unwrap_or(Value::Null);
    let carried = [
        hidden("orderId", text(&order, "id")),
        hidden("transactionId", text(&transaction, "id")),
        hidden("ticket", text(&order, "ticket")),
        visit.embedded_field(),
    ]
    .concat();
    let body = pages::summary(&view("Order", &order))
        + &pages::three_ds_form(
            &visit.address("/direct/mastercard"),
            &carried,
            text(&card, "number"),
        );
    pages::page(StatusCode::OK, "3-D Secure (simulated)", false, &body)
}

/// The 3DS page posted: the card transaction ends, and the payer goes back to the merchant.
fn end_three_ds(visit: &Visit<'_>) -> Response {
    let (shared, now) = (visit.shared, visit.shared.now_ms());
    let authenticated = visit.field("outcome") == "authenticate";
    let (id, ticket) = (visit.field("transactionId"), visit.field("ticket"));
    match shared.with_tx(|tx| finish_three_ds(tx, shared, id, ticket, authenticated, now)) {
        Ok(transaction) => {
            let stored = optional_text(&transaction, "sandbox_return_url");
            finished(visit, &view("Transaction", &transaction), stored)
        }
        Err(error) => refused(error),
    }
}

/// After a payment: back to the merchant's return URL, or the result page.
fn finished(visit: &Visit<'_>, transaction: &Value, stored_return_url: Option<&str>) -> Response {
    match visit.return_url(stored_return_url) {
        Some(url) => see_other(&url),
        None => pages::result(transaction),
    }
}

/// HTTP 303 to `location`.
fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}
