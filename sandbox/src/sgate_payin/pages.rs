//! The HTML of the sandbox's Payin pages: the hosted cashier, the simulated 3DS step, the STC
//! Pay code form and the result. Every value from a request or a record is escaped; the pages
//! run no script, and their headers forbid any (and framing, but for the embedded pages, and
//! sending the ticket-bearing address on as a `Referer` to another site).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse as _, Response};
use serde_json::Value;

use super::records::info;
use crate::base::json::text;

/// No script, styles of the page only, forms to this sandbox or the merchant's return URL
/// (after a POST the payer is redirected there); framed by the sites `$frame_ancestors` names.
macro_rules! content_security_policy {
    ($frame_ancestors:literal) => {
        concat!(
            "default-src 'none'; style-src 'unsafe-inline'; ",
            "form-action 'self' http: https:; base-uri 'none'; frame-ancestors ",
            $frame_ancestors
        )
    };
}

/// Every page but the embedded ones: no site may frame it.
const CONTENT_SECURITY_POLICY: &str = content_security_policy!("'none'");

/// The embedded pages (`/embed/…`): the merchant's checkout page, on any site, frames them.
const EMBEDDED_CONTENT_SECURITY_POLICY: &str = content_security_policy!("*");

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;\
     padding:0 1rem}form{border:1px solid #ccc;border-radius:6px;padding:1rem;margin:1rem 0}\
     label{display:block;margin:.5rem 0 .2rem}input{width:100%;padding:.4rem;box-sizing:border-box}\
     button{margin-top:1rem;padding:.5rem 1rem}.note{color:#555;font-size:.9rem}\
     .error{color:#a00}";

/// `text` with the five HTML-special characters escaped.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// A whole page: `body` is HTML already (its data escaped).
pub fn page(status: StatusCode, title: &str, arabic: bool, body: &str) -> Response {
    let (lang, dir) = if arabic { ("ar", "rtl") } else { ("en", "ltr") };
    let html = format!(
        "<!doctype html><html lang=\"{lang}\" dir=\"{dir}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · SGATE Payin sandbox</title><style>{STYLE}</style></head><body>\
         <p class=\"note\">paybind sandbox · simulated SGATE Payin: no real payment</p>\
         <h1>{title}</h1>{body}</body></html>",
        title = escape(title),
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::CACHE_CONTROL, "no-store"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// `response` as an embedded page (`/embed/…`), which the merchant's checkout page frames.
pub fn embeddable(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(EMBEDDED_CONTENT_SECURITY_POLICY),
    );
    response
}

/// A page saying what went wrong.
pub fn problem(status: StatusCode, message: &str) -> Response {
    let body = format!("<p class=\"error\">{}</p>", escape(message));
    page(status, "Cannot continue", false, &body)
}

/// A hidden form field.
pub fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        escape(name),
        escape(value)
    )
}

/// A labelled text field (`autocomplete` off: card data is not remembered).
fn field(name: &str, label: &str, extra: &str) -> String {
    format!(
        "<label for=\"{name}\">{label}</label>\
         <input id=\"{name}\" name=\"{name}\" required autocomplete=\"off\" {extra}>"
    )
}

/// The order's summary: name, amount and merchant order ID.
pub fn summary(order: &Value) -> String {
    format!(
        "<p><strong>{}</strong></p><p>Amount: {} {}</p><p class=\"note\">Order {} · merchant \
         order {} · status {}</p>",
        escape(text(order, "name")),
        escape(&order["amount"].to_string()),
        escape(text(order, "currency")),
        escape(text(order, "id")),
        escape(text(order, "merchantOrderId")),
        escape(text(order, "status")),
    )
}

/// The card form, posted to `action` with the `carried` hidden fields.
pub fn card_form(action: &str, carried: &str) -> String {
    let test = |name: &str| {
        info("x-test-data/cards/0")
            .and_then(|card| card.get(name))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    format!(
        "<form method=\"post\" action=\"{action}\"><h2>Card</h2>{carried}{}{}{}{}{}\
         <button type=\"submit\">Pay by card</button><p class=\"note\">Test card: {} · expiry \
         {}/{} · security code {} (goes through 3-D Secure). Any other card is declined.</p>\
         </form>",
        field("cardNumber", "Card number", "inputmode=\"numeric\""),
        field(
            "expiryMonth",
            "Expiry month (MM)",
            "inputmode=\"numeric\" maxlength=\"2\""
        ),
        field(
            "expiryYear",
            "Expiry year (YY)",
            "inputmode=\"numeric\" maxlength=\"2\""
        ),
        field("nameOnCard", "Name on card", ""),
        field(
            "securityCode",
            "Security code",
            "inputmode=\"numeric\" maxlength=\"4\""
        ),
        escape(test("number")),
        escape(test("expiry-month")),
        escape(test("expiry-year")),
        escape(test("security-code")),
        action = escape(action),
    )
}

/// The STC Pay wallet form.
pub fn wallet_form(action: &str, carried: &str) -> String {
    let mobile = info("x-test-data/stcpay/0/mobile")
        .and_then(Value::as_str)
        .unwrap_or("");
    format!(
        "<form method=\"post\" action=\"{}\"><h2>STC Pay</h2>{carried}{}\
         <button type=\"submit\">Send the code</button><p class=\"note\">Test wallet: {}.</p>\
         </form>",
        escape(action),
        field("mobile", "STC Pay mobile number", "inputmode=\"tel\""),
        escape(mobile),
    )
}

/// The STC Pay code form.
pub fn code_form(action: &str, carried: &str) -> String {
    let code = info("x-test-data/stcpay/0/otp")
        .and_then(Value::as_str)
        .unwrap_or("");
    format!(
        "<form method=\"post\" action=\"{}\">{carried}{}<button type=\"submit\">Pay</button>\
         <p class=\"note\">The test wallet's code is {}.</p></form>",
        escape(action),
        field("OtpValue", "The code sent by SMS", "inputmode=\"numeric\""),
        escape(code),
    )
}

/// The simulated 3DS step: the payer authenticates, or fails to.
pub fn three_ds_form(action: &str, carried: &str, card: &str) -> String {
    format!(
        "<p>Card {}: confirm the payment as the card's bank would ask.</p>\
         <form method=\"post\" action=\"{}\">{carried}\
         <button type=\"submit\" name=\"outcome\" value=\"authenticate\">Authenticate</button> \
         <button type=\"submit\" name=\"outcome\" value=\"fail\">Fail authentication</button>\
         </form>",
        escape(card),
        escape(action),
    )
}

/// The end of a payment (when the merchant gave no return URL).
pub fn result(transaction: &Value) -> Response {
    let outcome = text(transaction, "result");
    let title = if outcome == "Approved" {
        "Payment approved"
    } else {
        "Payment not approved"
    };
    let body = format!(
        "<p>Transaction {}: {}.</p>",
        escape(text(transaction, "id")),
        escape(outcome)
    );
    page(StatusCode::OK, title, false, &body)
}
