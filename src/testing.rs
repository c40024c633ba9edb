//! Signed notifications and callbacks on demand, for your handlers' unit tests: what the
//! gateways send, minted with test keys this module generates once per process. Meant for
//! `[dev-dependencies]`:
//!
//! ```toml
//! [dev-dependencies]
//! paybind = { version = "0.1", features = ["testing"] }
//! ```
//!
//! A handler of BluePay notifications, tested with no network:
//!
//! ```
//! # #[cfg(feature = "bluepay")]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use paybind::bluepay::{Notification, NotificationError, Notifications};
//! use paybind::testing;
//!
//! /// The shop's handler: the order a verified notification pays, if any.
//! fn paid_order(verifier: &Notifications, body: &[u8]) -> Result<Option<String>, NotificationError> {
//!     Ok(match verifier.verify(body)? {
//!         Notification::QrCodePayment(paid) => paid.mch_order_id,
//!         _ => None,
//!     })
//! }
//!
//! // Its unit test:
//! let body = testing::bluepay::notification(serde_json::json!({
//!     "eventName": "qrcode.payment.success", "mchOrderId": "SHOP42",
//!     "transactionId": "Q123", "amount": 50020, "transactionStatus": "COMPLETED",
//! }))?;
//! assert_eq!(paid_order(&testing::bluepay::verifier(), &body)?.as_deref(), Some("SHOP42"));
//! # Ok(()) }
//! # #[cfg(not(feature = "bluepay"))]
//! # fn main() {}
//! ```
//!
//! What can be minted: a gateway's typed `Notification` or one of its event structs
//! (`paybind::bluepay::types::QrCodePaymentNotification`, …), a `serde_json::Value`, or JSON
//! text kept byte for byte ([`JsonText`]) — each a [`Payload`] of that gateway.
//!
//! - `testing::bluepay` and `testing::bluepay_jt`: the body `{"param": "<JSON text>", "sign":
//!   "<Base64>"}` signed with the test gateway key (SHA256withRSA; `NotificationSigner` for another
//!   key or SHA-1), the `Notifications` verifier that accepts it, and a client `Config` holding it.
//! - `testing::sgate`: a callback's `V-*` headers and body, signed now with the test system key
//!   over the callback URL's path, its `x-sensitive` members encrypted to the test merchant key
//!   (`CallbackSigner` for other keys, a clock or a fixed nonce), the `Notifications` verifier
//!   that accepts it, and a client `Config` holding it.
//! - [`keys`]: the test key pairs, 2048-bit, generated on first use and kept for the process.
//!
//! For a test of your whole integration (requests, state, notifications delivered over HTTP),
//! run the `paybind-sandbox` crate instead.

#[cfg(feature = "envelope")]
mod envelope;
pub mod keys;
#[cfg(feature = "sgate")]
pub mod sgate;

#[cfg(feature = "bluepay")]
pub mod bluepay {
    //! BluePay notifications signed with the test gateway key, and the verifier and `Config`
    //! that accept them. See [`crate::testing`].
    super::envelope::envelope_testing!(bluepay, "BluePay");
    super::payloads!(bluepay {
        Payout(PayoutNotification),
        QrCodePayment(QrCodePaymentNotification),
        WebPayPayment(WebPayPaymentNotification),
        Refund(RefundNotification),
        DirectDebitAuthorization(DirectDebitAuthorizationNotification),
        DirectDebitPayment(DirectDebitPaymentNotification),
    });
}

#[cfg(feature = "bluepay-jt")]
pub mod bluepay_jt {
    //! BluePay JT notifications signed with the test gateway key, and the verifier and `Config`
    //! that accept them. See [`crate::testing`].
    super::envelope::envelope_testing!(bluepay_jt, "BluePay JT");
    super::payloads!(bluepay_jt {
        DirectDebitAuthorization(DirectDebitAuthorizationNotification),
        DirectDebitPayment(DirectDebitPaymentNotification),
        QrCodePayment(QrCodePaymentNotification),
        TicketResult(TicketResultNotification),
        Settled(SettledNotification),
        SettlementV2(SettlementV2Notification),
    });
}

/// Why a notification or callback could not be minted. It never quotes the payload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MintError {
    /// [`JsonText`] that is not JSON.
    #[error("the payload is not JSON: {0}")]
    NotJson(String),
    /// JSON that is not an object: the gateways send objects.
    #[error("the payload is not a JSON object (the gateways send objects)")]
    NotAnObject,
    /// A typed event that serde could not serialise.
    #[error("the event could not be serialised: {0}")]
    Serialize(String),
    /// A typed event that the verifier would not recognise as its own kind: a member that
    /// names the kind (`eventName`, SGATE's `event`) is missing or names another kind.
    #[error(
        "the minted payload would not be recognised as {kind}: set the member that names its kind"
    )]
    Unrecognized {
        /// The kind (the `Notification` variant) of the typed event.
        kind: &'static str,
    },
    /// A sensitive member could not be encrypted.
    #[error("cannot encrypt {field}: {reason}")]
    Encryption {
        /// Path of the member (`data.custominfo.cardno`).
        field: String,
        /// Why (never the value).
        reason: String,
    },
    /// The RSA signature could not be computed (aws-lc ran out of memory or caught a fault).
    #[error("signing failed: {0}")]
    Signing(String),
    /// The callback URL is neither a path (and query) starting with `/` nor an http(s) URL.
    #[error("the callback URL is neither a path starting with `/` nor an http(s) URL")]
    Url,
    /// A value that cannot be sent in this HTTP header (the API KEY, a nonce of your own).
    #[error("the value of {0} cannot be sent as an HTTP header")]
    Header(&'static str),
}

/// JSON text to mint as it is: a BluePay param is signed byte for byte, an SGATE body is sent
/// as written (only its sensitive members rewritten, when it is encrypted). For an exact
/// amount at any scale, an order of members, or spacing that a `serde_json::Value` would not
/// keep. `Debug` shows its size only: it may hold plain values to be encrypted.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct JsonText<'a>(pub &'a str);

impl std::fmt::Debug for JsonText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JsonText({} bytes)", self.0.len())
    }
}

/// What a notification or callback of the gateway whose event type is `N` (its `Notification`
/// enum) can be minted from: that enum, one of its event structs, a `serde_json::Value` or
/// [`JsonText`], or a reference to one. Sealed: the inputs are paybind's.
///
/// A typed event is written as the gateway writes it (its `Sensitive` members in plain text,
/// to be encrypted), and is refused with [`MintError::Unrecognized`] if the verifier would not
/// type it as the same kind. A `Value` or [`JsonText`] is minted whatever it holds, so a test
/// can also send what the verifier does not recognise.
pub trait Payload<N>: sealed::Payload<N> {}

impl<N, T: sealed::Payload<N> + ?Sized> Payload<N> for T {}

pub(crate) mod sealed {
    use super::MintError;

    /// A payload's JSON text and, for a typed event, the kind it must be recognised as.
    #[derive(Debug)]
    #[cfg_attr(not(any(feature = "envelope", feature = "sgate")), allow(dead_code))]
    pub struct Text {
        pub(crate) json: String,
        pub(crate) kind: Option<&'static str>,
    }

    /// The work of [`super::Payload`], out of reach of other crates.
    pub trait Payload<N> {
        /// The JSON text to send.
        fn text(&self) -> Result<Text, MintError>;
    }

    impl<N, T: Payload<N> + ?Sized> Payload<N> for &T {
        fn text(&self) -> Result<Text, MintError> {
            (**self).text()
        }
    }

    impl<N> Payload<N> for serde_json::Value {
        fn text(&self) -> Result<Text, MintError> {
            if !self.is_object() {
                return Err(MintError::NotAnObject);
            }
            super::serialized(self, None)
        }
    }

    impl<N> Payload<N> for super::JsonText<'_> {
        fn text(&self) -> Result<Text, MintError> {
            let text = self.0;
            let value: &serde_json::value::RawValue = serde_json::from_str(text)
                .map_err(|e| MintError::NotJson(crate::spec::without_value(&e.to_string())))?;
            if value.get().trim_start().starts_with('{') {
                Ok(Text {
                    json: text.to_string(),
                    kind: None,
                })
            } else {
                Err(MintError::NotAnObject)
            }
        }
    }
}

/// The JSON text of a typed value, its `Sensitive` members in plain text (they are what the
/// gateway encrypts or sends).
#[cfg_attr(not(any(feature = "envelope", feature = "sgate")), allow(dead_code))]
fn serialized<T: serde::Serialize + ?Sized>(
    value: &T,
    kind: Option<&'static str>,
) -> Result<sealed::Text, MintError> {
    crate::secret::with_plaintext(|| serde_json::to_string(value))
        .map(|json| sealed::Text { json, kind })
        .map_err(|e| MintError::Serialize(crate::spec::without_value(&e.to_string())))
}

/// Implements [`Payload`] for a gateway's `Notification` enum and each of its event structs.
/// The enum's `match` has no wildcard arm: a kind added to the spec fails to compile here until
/// its struct is listed.
#[cfg(any(feature = "envelope", feature = "sgate"))]
macro_rules! payloads {
    ($gateway:ident { $($variant:ident($event:ident)),* $(,)? }) => {
        impl $crate::testing::sealed::Payload<$crate::$gateway::Notification>
            for $crate::$gateway::Notification
        {
            fn text(&self) -> Result<$crate::testing::sealed::Text, $crate::testing::MintError> {
                match self {
                    $(Self::$variant(event) => $crate::testing::sealed::Payload::<Self>::text(event),)*
                    Self::Unrecognized(param) => $crate::testing::serialized(param, None),
                }
            }
        }
        $(
            impl $crate::testing::sealed::Payload<$crate::$gateway::Notification>
                for $crate::$gateway::types::$event
            {
                fn text(&self) -> Result<$crate::testing::sealed::Text, $crate::testing::MintError> {
                    $crate::testing::serialized(self, Some(stringify!($variant)))
                }
            }
        )*
    };
}

#[cfg(any(feature = "envelope", feature = "sgate"))]
pub(crate) use payloads;

/// Whether a payload's JSON is recognised as the kind its typed event is (by `member`, the one
/// that names the kind, or by the fields only that kind carries), as the verifier recognises it.
#[cfg(any(feature = "envelope", feature = "sgate"))]
fn check_kind(
    text: &sealed::Text,
    kinds: &'static [crate::spec::NotificationKind],
    member: &str,
) -> Result<(), MintError> {
    let Some(kind) = text.kind else {
        return Ok(());
    };
    let object = crate::json_text::object_of(text.json.as_bytes())
        .map_err(|e| MintError::NotJson(crate::spec::without_value(&e.to_string())))?;
    let event = object
        .get(member)
        .and_then(|raw| crate::json_text::as_string(raw));
    let found = crate::spec::NotificationKind::find(kinds, event.as_deref(), |field| {
        object.contains_key(field)
    });
    match found {
        Some(found) if found.kind == kind => Ok(()),
        _ => Err(MintError::Unrecognized { kind }),
    }
}
