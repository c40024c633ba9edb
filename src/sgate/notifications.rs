//! Callbacks SGATE POSTs to the merchant's configured URL (`CUSTOM_STATUS_CHANGE`,
//! `SALARY_STATUS_CHANGE`, `RECEIVING_TRANS_NOTIFICATION`).
//!
//! A callback is signed like an answer: the signature object uses the merchant API KEY, the
//! callback's `V-Timestamp` and `V-Nonce-Str`, `url` = the path (and query) of the callback URL,
//! `method` = `POST` and `body` = the raw JSON. It is verified with the system public key before
//! the body is parsed; its sensitive members (encrypted with the merchant public key, without a
//! `sensitiveFields` member) are decrypted by the `x-sensitive` marks of the event's schema.
//! The merchant answers a verified callback with HTTP 200; any other status makes SGATE retry
//! after 5 seconds (at most 5 notifications).

use std::sync::Arc;
use std::time::Duration;

use super::freshness::{Freshness, NonceMemory};
use super::sensitive::decrypt_object;
use super::signing::{
    digest_hex, read_signature, signature_data, verify_digest, ApiKey, ResponseSignature,
    SignatureError,
};
use super::{Notification, NOTIFICATION_KINDS};
use crate::clock::SharedClock;
use crate::json_text;
use crate::keys::{PrivateKey, PublicKey};
use crate::spec::NotificationKind;

/// The HTTP status to answer a verified callback with (no body is defined).
pub const ACK_STATUS: u16 = 200;

/// Why a callback was refused. Answer it with a non-200 status; a genuine callback is sent
/// again by SGATE.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum NotificationError {
    /// The signature is missing or malformed: treat as forged.
    #[error("callback signature rejected: {0}")]
    BadSignature(#[from] SignatureError),
    /// The signature does not verify for the URL path that was checked: forged or tampered,
    /// or signed for another path (a proxy that rewrites the path: see
    /// [`Notifications::public_path`]; a wrong key gives the same answer).
    #[error("callback signature does not verify for path {path} with the system public key")]
    SignatureMismatch {
        /// The path that was verified. A query, if any, shows as `?…`: a merchant's callback
        /// URL may carry a token there.
        path: String,
    },
    /// `V-Signature` is empty: nothing in the callback is authenticated.
    #[error("callback is unsigned (empty V-Signature)")]
    Unsigned,
    /// `V-Timestamp` is further from now than the configured maximum age.
    #[error("callback timestamp {timestamp} is outside the accepted window")]
    Stale {
        /// The callback's `V-Timestamp`.
        timestamp: i64,
    },
    /// The same signed callback (`V-Timestamp` and `V-Nonce-Str`) was verified before.
    #[error("callback replayed (V-Nonce-Str seen before)")]
    Replayed,
    /// The signed body is not a JSON object.
    #[error("callback body is not a JSON object")]
    NotJson,
    /// A sensitive member could not be decrypted with the merchant private key.
    #[error("cannot decrypt {field}: {reason}")]
    Decryption {
        /// Path of the member (`data.cardno`).
        field: String,
        /// Why (never the value).
        reason: String,
    },
    /// The signature is good but the body does not fit the event's documented model. The text
    /// names the rule, never the value.
    #[error("callback does not fit its model: {0}")]
    BadPayload(String),
}

/// Verifies SGATE callbacks. Holds the API KEY, the system public key and the merchant private
/// key; `Debug` shows none of them.
#[derive(Debug, Clone)]
pub struct Notifications {
    api_key: ApiKey,
    system_key: PublicKey,
    merchant_key: Arc<PrivateKey>,
    clock: SharedClock,
    freshness: Freshness,
    public_path: Option<PublicPath>,
}

impl Notifications {
    /// A verifier for the merchant's API KEY, SGATE's system public key and the merchant
    /// private key (to decrypt sensitive members).
    pub fn new(
        api_key: impl Into<ApiKey>,
        system_public_key: PublicKey,
        merchant_private_key: PrivateKey,
    ) -> Self {
        Self {
            api_key: api_key.into(),
            system_key: system_public_key,
            merchant_key: Arc::new(merchant_private_key),
            clock: SharedClock::default(),
            freshness: Freshness::default(),
            public_path: None,
        }
    }

    /// The path (and query) of the callback URL as registered with SGATE, for a service behind
    /// a reverse proxy that rewrites the path: SGATE signs the URL it calls, not the one the
    /// service receives. Once set, every callback is verified for this path, whatever path it
    /// arrived on (the axum extractor `VerifiedNotification` and [`Notifications::verify`] alike), so
    /// set it only when all callbacks go to this one URL. The whole URL is accepted too
    /// (`https://shop.example/pay/hooks/sgate/callback`); only its path and query are used.
    ///
    /// Not needed for a router nested under a prefix (`Router::nest`): `VerifiedNotification`
    /// already verifies the path before axum stripped the prefix.
    ///
    /// ```
    /// # fn keys() -> (paybind::keys::PublicKey, paybind::keys::PrivateKey) { unimplemented!() }
    /// # fn run() {
    /// # let (system_public_key, merchant_private_key) = keys();
    /// use paybind::sgate::Notifications;
    /// // The proxy forwards https://shop.example/pay/hooks/sgate/callback as /sgate/callback.
    /// let verifier = Notifications::new("API KEY", system_public_key, merchant_private_key)
    ///     .public_path("/pay/hooks/sgate/callback");
    /// # let _ = verifier; }
    /// ```
    pub fn public_path(mut self, path: impl Into<String>) -> Self {
        self.public_path = Some(PublicPath::new(path.into()));
        self
    }

    /// Refuses callbacks whose `V-Timestamp` is more than `max_age` away from now (replay
    /// protection). On by default with [`DEFAULT_WINDOW`](super::freshness::DEFAULT_WINDOW)
    /// (5 minutes; SGATE retries a callback 5 s apart, at most 5 times).
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.freshness.window = Some(max_age);
        self
    }

    /// Accepts callbacks of any age. Only with a replay memory
    /// ([`Notifications::remember_nonces`]) and an idempotent handler.
    pub fn without_max_age(mut self) -> Self {
        self.freshness.window = None;
        self
    }

    /// Refuses a callback whose `(V-Timestamp, V-Nonce-Str)` was verified before (the last
    /// `capacity` are kept). Answer every verified callback 200 when this is on: a callback
    /// answered otherwise may come back with the same signature.
    pub fn remember_nonces(mut self, capacity: usize) -> Self {
        self.freshness.nonces = Some(Arc::new(NonceMemory::new(capacity)));
        self
    }

    /// The clock ages are measured with (the system clock unless set; tests inject one).
    pub fn clock(mut self, clock: impl crate::clock::Clock + 'static) -> Self {
        self.clock = SharedClock::new(clock);
        self
    }

    pub(crate) fn with_clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    pub(crate) fn with_freshness(mut self, freshness: Freshness) -> Self {
        self.freshness = freshness;
        self
    }

    /// Verifies a callback and returns it typed, sensitive members decrypted. `url_path` is the
    /// path and query of the callback URL as SGATE called it (`/sgate/callback`; ignored when
    /// [`Notifications::public_path`] is set), `body` the raw request body.
    pub fn verify(
        &self,
        headers: &http::HeaderMap,
        url_path: &str,
        body: &[u8],
    ) -> Result<Notification, NotificationError> {
        let (timestamp, nonce, signature) = match read_signature(headers)? {
            ResponseSignature::Empty => return Err(NotificationError::Unsigned),
            ResponseSignature::Present {
                timestamp,
                nonce,
                signature,
            } => (timestamp, nonce, signature),
        };
        let url_path = self.public_path.as_ref().map_or(url_path, |p| p.0.as_str());
        // Naming the path turns "check your keys" into an evident path mismatch when a router
        // or proxy changed it.
        let mismatch = || NotificationError::SignatureMismatch {
            path: shown_path(url_path),
        };
        // Signed JSON is UTF-8: other bytes cannot verify.
        let text = std::str::from_utf8(body).map_err(|_| mismatch())?;
        let data = signature_data(
            self.api_key.expose(),
            timestamp,
            nonce,
            url_path,
            "POST",
            text,
        );
        match verify_digest(&self.system_key, &digest_hex(&data), signature) {
            Ok(()) => {}
            Err(SignatureError::Mismatch) => return Err(mismatch()),
            Err(other) => return Err(other.into()),
        }
        match self.freshness.check(&self.clock, timestamp, nonce) {
            Err(SignatureError::Stale { timestamp, .. }) => {
                return Err(NotificationError::Stale { timestamp })
            }
            Err(SignatureError::Replayed) => return Err(NotificationError::Replayed),
            Err(other) => return Err(other.into()),
            Ok(()) => {}
        }
        // Each member's text is kept, so that an amount reaches its model with every digit.
        let mut payload = json_text::object_of(body).map_err(|_| NotificationError::NotJson)?;
        let event = payload
            .get("event")
            .and_then(|raw| json_text::as_string(raw));
        let kind = NotificationKind::find(NOTIFICATION_KINDS, event.as_deref(), |field| {
            payload.contains_key(field)
        });
        if let Some(kind) = kind {
            let spec = super::spec();
            if let Some(plan) = spec.sensitive_plan(kind.schema) {
                decrypt_object(&self.merchant_key, &plan, &mut payload, "")
                    .map_err(|(field, reason)| NotificationError::Decryption { field, reason })?;
            }
        }
        let text = json_text::text_of(&payload).map_err(|_| NotificationError::NotJson)?;
        Notification::from_kind(kind.map_or("", |k| k.kind), &text)
            .map_err(|e| NotificationError::BadPayload(crate::spec::without_value(&e.to_string())))
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        ApiKey::new(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        ApiKey::new(key)
    }
}

/// The path and query SGATE signs, set by [`Notifications::public_path`]. `Debug` hides
/// the query (it may carry a token).
#[derive(Clone, PartialEq, Eq)]
struct PublicPath(String);

impl PublicPath {
    fn new(path: String) -> Self {
        // A whole URL: keep what SGATE signs, its path and query.
        let path = match path.parse::<http::Uri>() {
            Ok(uri) if uri.scheme().is_some() => uri
                .path_and_query()
                .map_or_else(|| "/".to_string(), |p| p.as_str().to_string()),
            _ => path,
        };
        Self(path)
    }
}

impl std::fmt::Debug for PublicPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&shown_path(&self.0))
    }
}

/// A path and query as errors and `Debug` show it: the path, the query as `?…`.
fn shown_path(path_and_query: &str) -> String {
    match path_and_query.split_once('?') {
        Some((path, _)) => format!("{path}?…"),
        None => path_and_query.to_string(),
    }
}
