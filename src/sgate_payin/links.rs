//! Payment links: where the merchant sends the payer's browser to pay an order on SGATE's
//! hosted cashier ([`Client::payment_link`]), or the `src` of the iframe that embeds SGATE's
//! payment form in the merchant's own page ([`Client::embedded_link`]). Not API calls: a link
//! is built from the created order's `id` and `ticket` and the spec's templates
//! (`info.x-payment-links`, the generated [`CashierPage`] and [`EmbeddedPage`]), on the host
//! of the client's base URL. Every value is percent-encoded as the docs' Node code encodes
//! (`encodeURIComponent`).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use paybind::sgate_payin::{types, CashierLanguage, CashierPage, Client, Config, Environment};
//!
//! let client = Client::new(Config::new(Environment::Sandbox, "key", "secret", "M448726"))?;
//! let order = client
//!     .merchant_add_order(
//!         types::MerchantAddOrderParam::builder()
//!             .merchant_order_id("TEST1672491207")
//!             .name("Game card")
//!             .amount("12.02")
//!             .currency("SAR"),
//!     )
//!     .await?;
//!
//! // Every method the merchant supports, in English (the default language):
//! let link = client
//!     .payment_link(CashierPage::Standard, &order.id, &order.ticket)
//!     .return_url("https://shop.example/paid")
//!     .url()?;
//! // STC Pay alone, in Arabic:
//! let stcpay = client
//!     .payment_link(CashierPage::Stcpay, &order.id, &order.ticket)
//!     .return_url("https://shop.example/paid")
//!     .language(CashierLanguage::Ar)
//!     .url()?;
//! println!("redirect the payer to {link} (or {stcpay})");
//! # Ok(()) }
//! ```

use super::signing::encode_component;
use super::{CashierLanguage, CashierPage, Client, EmbeddedPage, API_ROOT};
use crate::spec::ValidationError;

/// A payment link being built: the page and order, then [`return_url`](Self::return_url) (the
/// docs require it) and optionally the language; [`url`](Self::url) checks and writes it.
#[derive(Debug, Clone)]
pub struct PaymentLink {
    /// The base URL without its API root: the links' host (and a sandbox's prefix).
    host: String,
    template: &'static str,
    order_id: String,
    ticket: String,
    return_url: Option<String>,
    language: CashierLanguage,
    lock_pay_method: bool,
}

impl Client {
    /// The link to `page` of the hosted cashier for the order `order_id`, whose `ticket` the
    /// created order holds: where the merchant sends the payer's browser. A page other than
    /// [`CashierPage::Standard`] shows its method alone unless
    /// [`lock_pay_method(false)`](PaymentLink::lock_pay_method).
    pub fn payment_link(&self, page: CashierPage, order_id: &str, ticket: &str) -> PaymentLink {
        PaymentLink::new(self.endpoint.base_url(), page.template(), order_id, ticket)
    }

    /// The `src` of an iframe showing `page` of SGATE's embeddable payment form for the order
    /// `order_id` and its `ticket`, inside the merchant's own checkout page.
    pub fn embedded_link(&self, page: EmbeddedPage, order_id: &str, ticket: &str) -> PaymentLink {
        PaymentLink::new(self.endpoint.base_url(), page.template(), order_id, ticket)
    }
}

impl PaymentLink {
    fn new(base_url: &str, template: &'static str, order_id: &str, ticket: &str) -> Self {
        let base_url = base_url.trim_end_matches('/');
        Self {
            host: base_url
                .strip_suffix(API_ROOT)
                .unwrap_or(base_url)
                .to_string(),
            template,
            order_id: order_id.to_string(),
            ticket: ticket.to_string(),
            return_url: None,
            language: CashierLanguage::default(),
            lock_pay_method: true,
        }
    }

    /// The page the payer comes back to after paying (`returnURL`): an absolute `http` or
    /// `https` URL. Required.
    pub fn return_url(mut self, url: impl Into<String>) -> Self {
        self.return_url = Some(url.into());
        self
    }

    /// The language the page opens in (`language`; [`CashierLanguage::default`] otherwise).
    pub fn language(mut self, language: CashierLanguage) -> Self {
        self.language = language;
        self
    }

    /// Whether a one-method page shows that method alone (`lockPayMethod=yes`, the default) or
    /// lets the payer choose another (the parameter left out). Pages without the parameter
    /// ignore it.
    pub fn lock_pay_method(mut self, lock: bool) -> Self {
        self.lock_pay_method = lock;
        self
    }

    /// The link, or every rule it breaks (a missing order ID or ticket, a missing or relative
    /// `returnURL`), each naming the parameter, never its value.
    pub fn url(&self) -> Result<reqwest::Url, ValidationError> {
        let return_url = self.checked()?;
        let (path, query) = self.template.split_once('?').unwrap_or((self.template, ""));
        let pairs: Vec<String> = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .filter(|pair| self.lock_pay_method || !pair.contains("{LOCK_PAY_METHOD}"))
            .map(|pair| self.fill(pair, return_url))
            .collect();
        let mut link = format!("{}{}", self.host, self.fill(path, return_url));
        if !pairs.is_empty() {
            link.push('?');
            link.push_str(&pairs.join("&"));
        }
        reqwest::Url::parse(&link)
            .map_err(|_| ValidationError::new("", "the client's base URL makes no payment link"))
    }

    /// The return URL, once every rule holds.
    fn checked(&self) -> Result<&str, ValidationError> {
        let mut problems = Vec::new();
        if self.order_id.is_empty() {
            problems.push(ValidationError::new("ORDER_ID", "must not be empty"));
        }
        if self.ticket.is_empty() {
            problems.push(ValidationError::new("ORDER_TICKET", "must not be empty"));
        }
        let return_url = self.return_url.as_deref().unwrap_or_default();
        let absolute = reqwest::Url::parse(return_url)
            .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.has_host());
        if self.return_url.is_none() {
            problems.push(ValidationError::new("returnURL", "is required"));
        } else if !absolute {
            problems.push(ValidationError::new(
                "returnURL",
                "must be an absolute http or https URL",
            ));
        }
        ValidationError::combine(problems).map(|()| return_url)
    }

    /// `text` of the template with each placeholder replaced by its encoded value.
    fn fill(&self, text: &str, return_url: &str) -> String {
        text.replace("{ORDER_ID}", &encode_component(&self.order_id))
            .replace("{ORDER_TICKET}", &encode_component(&self.ticket))
            .replace("{RETURN_URL}", &encode_component(return_url))
            .replace("{LANGUAGE}", self.language.code())
            .replace("{LOCK_PAY_METHOD}", "yes")
    }
}
