//! The sandbox's own payment links (`info.x-payment-links.cashier`): what an order records as
//! its cashier link and what the dashboard and `Sandbox::sgate_payin_cashier_url` open. Kept
//! apart from the cashier's pages so that making an order does not depend on serving them.

use serde_json::Value;

use super::records::info;

/// The link of `kind` (`standard`, `card`, `stcpay`…: `info.x-payment-links.cashier`) to the
/// order `order_id`, below the environment's host: `/order/{id}?ticket=…&returnURL=…&language=…`.
/// Every link but the standard one locks the payment method.
pub fn payment_link(
    kind: &str,
    order_id: &str,
    ticket: &str,
    return_url: &str,
    language: &str,
) -> String {
    let template = info(&format!("x-payment-links/cashier/{kind}"))
        .and_then(Value::as_str)
        .unwrap_or("/order/{ORDER_ID}?ticket={ORDER_TICKET}");
    let encode = |value: &str| {
        reqwest::Url::parse_with_params("http://link.invalid/", [("v", value)])
            .ok()
            .and_then(|url| {
                url.query()
                    .map(|query| query.trim_start_matches("v=").to_string())
            })
            .unwrap_or_default()
    };
    template
        .replace("{ORDER_ID}", &encode(order_id))
        .replace("{ORDER_TICKET}", &encode(ticket))
        .replace("{RETURN_URL}", &encode(return_url))
        .replace("{LANGUAGE}", &encode(language))
        .replace("{LOCK_PAY_METHOD}", "yes")
}
