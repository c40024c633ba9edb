//! SGATE Payin's callbacks, made trustworthy. SGATE calls the order's `notificationURL` with an
//! unsigned `GET` carrying only `?_orderId=…&_type=payment|refund`: anyone who knows the URL can
//! send one. So nothing in it is believed but the ID: [`Callbacks`] looks the order up over the
//! signed API (`order_detail`, which the spec's `info.x-callbacks` names as `verify-with` for
//! both types) and hands over the order as SGATE's API states it, whether that state confirms
//! the callback, and — only then — the acknowledgement to answer, `COMPLETED::{ORDER_ID}`.
//!
//! A callback left unanswered comes again 3 times, 5 s apart; one answered with an error every
//! 15 minutes. So: act on a confirmed callback and answer [`VerifiedCallback::ack`]; answer
//! anything else with an error status (a genuine callback that came before the API shows the
//! new state comes again).
//!
//! [`VerifiedCallback::event_key`] tells a retried callback from a new event (a second refund
//! of the same order), from the verified order's fields the spec's `event-key` names; with
//! [`SeenEvents`](super::SeenEvents) each event is handled once.
//!
//! A refund callback is checked through its order too: the docs define `_orderId` as the order
//! ID for both types (en and zh), so it is confirmed by the order's refund state (`partial` or
//! `full`). Look a particular refund up with `refund_detail` and the refund ID you hold.
//!
//! ```no_run
//! # async fn run(client: paybind::sgate_payin::Client) -> Result<(), Box<dyn std::error::Error>> {
//! // The query string SGATE called your notificationURL with.
//! let callback = client
//!     .notifications()
//!     .verify_query("_orderId=M448726T2022123112531745487632&_type=payment")
//!     .await?;
//! match callback.ack() {
//!     Some(ack) => {
//!         // The order is paid (SGATE's API says so): fulfil it once, then answer.
//!         println!("paid: {}; answer {}", callback.order_id(), ack.body());
//!     }
//!     None => println!("not confirmed ({:?}): answer an error status", callback.order.status),
//! }
//! # Ok(()) }
//! ```

use std::fmt;

use super::{types, Client, Error, GATEWAY};
use super::{CallbackType, OrderRefundStatus, OrderStatus};
use crate::events::EventKey;

/// What begins the body that acknowledges a callback; the callback's order ID follows.
pub const ACK_PREFIX: &str = "COMPLETED::";

/// The callback query parameter naming the order.
pub const ORDER_ID_PARAMETER: &str = "_orderId";
/// The callback query parameter naming what completed.
pub const TYPE_PARAMETER: &str = "_type";

/// Checks SGATE Payin's callbacks by asking SGATE's API: built from a [`Client`]
/// (`client.notifications()`), cheap to clone (an axum state).
#[derive(Debug, Clone)]
pub struct Callbacks {
    client: Client,
}

/// What a callback announced (`_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CallbackKind {
    /// `payment`: a payment of the order completed.
    Payment,
    /// `refund`: a refund of the order completed.
    Refund,
}

/// A callback checked against the order SGATE's API returned for its `_orderId`.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedCallback {
    /// What the callback announced.
    pub kind: CallbackKind,
    /// The order as `order_detail` answered it, over the signed API: the state to act on.
    pub order: types::Order,
}

/// Why a callback could not be checked. Answer it with an error status: SGATE sends a genuine
/// callback again.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// A query parameter is missing or given twice.
    #[error("callback query parameter {name} {reason}")]
    Parameter {
        /// `_orderId` or `_type`.
        name: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// `_type` is neither `payment` nor `refund` (the value is not repeated: anyone may have
    /// written it).
    #[error("callback _type is not a type SGATE documents (payment, refund)")]
    UnknownType,
    /// The order could not be looked up (an ID that is not an ID, no such order, SGATE
    /// unreachable, a refusal): nothing is known about it.
    #[error("the callback's order could not be looked up: {0}")]
    Lookup(#[source] Box<Error>),
    /// SGATE's API answered with another order than the callback names.
    #[error("the order SGATE answered is not the callback's")]
    OrderMismatch,
}

impl Callbacks {
    /// A handler that looks orders up with `client`.
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    /// Checks a callback from its URL's query string (`_orderId=…&_type=payment`, with or
    /// without the leading `?`; other parameters of the merchant's own URL are left alone).
    pub async fn verify_query(&self, query: &str) -> Result<VerifiedCallback, CallbackError> {
        let (order_id, kind) = parameters(query)?;
        self.verify(&order_id, &kind).await
    }

    /// Checks a callback from its two values: `_type` must be a documented type, then the order
    /// `_orderId` is looked up over the signed API (the ID is checked against the spec first).
    pub async fn verify(
        &self,
        order_id: &str,
        kind: &str,
    ) -> Result<VerifiedCallback, CallbackError> {
        let kind = kind_of(kind)?;
        let order = self
            .client
            .order_detail(order_id)
            .await
            .map_err(|error| CallbackError::Lookup(Box::new(error)))?;
        if order.id != order_id {
            return Err(CallbackError::OrderMismatch);
        }
        Ok(VerifiedCallback { kind, order })
    }
}

/// The documented type of a `_type` value, through the spec's `CallbackType`: a type the spec
/// adds is a compile error here until it is handled.
fn kind_of(text: &str) -> Result<CallbackKind, CallbackError> {
    let Ok(kind) = text.parse::<CallbackType>();
    match kind {
        CallbackType::Payment => Ok(CallbackKind::Payment),
        CallbackType::Refund => Ok(CallbackKind::Refund),
        CallbackType::Unknown(_) => Err(CallbackError::UnknownType),
    }
}

/// `_orderId` and `_type` of a query string, each once.
fn parameters(query: &str) -> Result<(String, String), CallbackError> {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut order_id = None;
    let mut kind = None;
    for (name, value) in url_pairs(query) {
        let (slot, name) = match name.as_str() {
            ORDER_ID_PARAMETER => (&mut order_id, ORDER_ID_PARAMETER),
            TYPE_PARAMETER => (&mut kind, TYPE_PARAMETER),
            _ => continue,
        };
        if slot.replace(value).is_some() {
            return Err(CallbackError::Parameter {
                name,
                reason: "is given more than once",
            });
        }
    }
    let missing = |name| CallbackError::Parameter {
        name,
        reason: "is missing",
    };
    Ok((
        order_id.ok_or_else(|| missing(ORDER_ID_PARAMETER))?,
        kind.ok_or_else(|| missing(TYPE_PARAMETER))?,
    ))
}

/// The decoded name/value pairs of a query string (`+` is a space, as forms write it).
fn url_pairs(query: &str) -> Vec<(String, String)> {
    let parsed = reqwest::Url::parse(&format!("http://callback.invalid/?{query}"));
    parsed
        .map(|url| url.query_pairs().into_owned().collect())
        .unwrap_or_default()
}

impl VerifiedCallback {
    /// The order's ID (the callback's `_orderId`, which the API's answer matched).
    pub fn order_id(&self) -> &str {
        &self.order.id
    }

    /// Whether the order is paid (`status` is `paid`), whatever the callback announced.
    pub fn is_paid(&self) -> bool {
        self.order.status == OrderStatus::Paid
    }

    /// Whether the order's state confirms what the callback announced: `paid` for a payment, a
    /// refund state of `partial` or `full` for a refund. A forged callback for an unpaid order
    /// is not confirmed.
    pub fn is_confirmed(&self) -> bool {
        match self.kind {
            CallbackKind::Payment => self.is_paid(),
            CallbackKind::Refund => matches!(
                self.order.refund_status,
                Some(OrderRefundStatus::Partial | OrderRefundStatus::Full)
            ),
        }
    }

    /// What identifies this event, to tell a delivery of it again from a new one: the kind and
    /// the verified order's identifying fields (the spec's `event-key`, listed in
    /// [`NOTIFICATION_KINDS`](super::NOTIFICATION_KINDS)): a payment is the order and its
    /// status; a refund the order's refund state, count and refunded total, so a second refund
    /// of the order is a new event. Remember handled keys with
    /// [`SeenEvents`](super::SeenEvents) or in your database.
    pub fn event_key(&self) -> EventKey {
        let kind = match self.kind {
            CallbackKind::Payment => "Payment",
            CallbackKind::Refund => "Refund",
        };
        let callback = KeyedCallback {
            kind,
            event: &self.order,
        };
        EventKey::of_notification(GATEWAY.gateway.id(), super::NOTIFICATION_KINDS, &callback)
    }

    /// The acknowledgement to answer with, only when the callback is confirmed.
    pub fn ack(&self) -> Option<Ack> {
        self.is_confirmed().then(|| Ack {
            order_id: self.order.id.clone(),
        })
    }
}

/// A callback as the event keys of every gateway read a notification: `{"kind", "event"}`, the
/// event being the verified order.
#[derive(Debug, serde::Serialize)]
struct KeyedCallback<'a> {
    kind: &'static str,
    event: &'a types::Order,
}

/// The answer to a confirmed callback: the body `COMPLETED::{ORDER_ID}` (as `text/plain` with
/// HTTP 200 through axum). Only [`VerifiedCallback::ack`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    order_id: String,
}

impl Ack {
    /// The exact body: `COMPLETED::` and the order ID.
    pub fn body(&self) -> String {
        format!("{ACK_PREFIX}{}", self.order_id)
    }
}

impl fmt::Display for Ack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{ACK_PREFIX}{}", self.order_id)
    }
}
