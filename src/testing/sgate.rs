//! SGATE callbacks signed with the test system key, their sensitive members encrypted to the
//! test merchant key, and the verifier and `Config` that accept them. See [`crate::testing`].
//!
//! ```
//! use paybind::sgate::Notification;
//! use paybind::testing;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let callback = testing::sgate::callback("/sgate/callback", serde_json::json!({
//!     "event": "CUSTOM_STATUS_CHANGE", "time": 1718000000,
//!     "data": {"customid": "C1", "status": 1, "identity": "1012345678"},
//! }))?;
//! // On the wire the ID number is ciphertext; verified, it is plain again.
//! assert!(!String::from_utf8(callback.body.clone())?.contains("1012345678"));
//! let event = testing::sgate::notifications().verify(&callback.headers, callback.path(), &callback.body)?;
//! let Notification::CustomStatusChange(changed) = event else { panic!("{event:?}") };
//! assert_eq!(changed.data.identity.as_ref().map(|id| id.expose()), Some("1012345678"));
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::Arc;

use http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use serde_json::value::RawValue;

use super::{keys, sealed, MintError, Payload};
use crate::clock::{Clock, SharedClock};
use crate::json_text;
use crate::keys::{PrivateKey, PublicKey, Zeroizing};
use crate::sgate::crypto::encrypt_field;
use crate::sgate::signing::{
    digest_hex, signature_data, try_sign_digest, API_VERSION, HEADER_API_KEY, HEADER_API_VERSION,
    HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};
use crate::sgate::{
    ApiKey, Config, Environment, NonceSource, Notification, Notifications, RandomNonce,
    NOTIFICATION_KINDS,
};

/// The API KEY of [`signer`], [`notifications`] and [`config`].
pub const API_KEY: &str = "paybind-testing-api-key";

/// A callback as SGATE POSTs it: the headers (`Content-Type`, `V-Api-Key`, `V-Api-Version`,
/// `V-Timestamp`, `V-Nonce-Str`, `V-Signature`) and the body, for the URL it was signed for.
/// `Debug` shows the API KEY as `Sensitive` and the body's size only.
#[derive(Clone)]
pub struct Callback {
    /// The headers; `V-Api-Key` is marked sensitive.
    pub headers: http::HeaderMap,
    /// The JSON body, sensitive members encrypted.
    pub body: Vec<u8>,
    uri: http::Uri,
    path: String,
}

impl Callback {
    /// The path and query the signature covers: what to give `Notifications::verify` (for a
    /// whole URL, its path and query).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The callback as an HTTP request (POST to the URL it was signed for), for a router's
    /// `oneshot` or any HTTP client: `callback.into_request::<axum::body::Body>()`.
    pub fn into_request<B: From<Vec<u8>>>(self) -> http::Request<B> {
        let mut request = http::Request::new(B::from(self.body));
        *request.method_mut() = http::Method::POST;
        *request.uri_mut() = self.uri;
        *request.headers_mut() = self.headers;
        request
    }
}

impl fmt::Debug for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Callback")
            .field("path", &self.path)
            .field("headers", &self.headers)
            .field("body", &format_args!("{} bytes", self.body.len()))
            .finish()
    }
}

/// Mints SGATE callbacks: signed with a system private key (MD5withRSA over the MD5 hex of the
/// signature object, as SGATE signs), at the time of its clock, with a fresh nonce, the
/// members the spec marks `x-sensitive` encrypted to the merchant public key when one is
/// given. [`signer`] is one with the test keys. `Debug` shows no key and no API KEY.
#[derive(Debug, Clone)]
pub struct CallbackSigner {
    api_key: ApiKey,
    system_key: PrivateKey,
    encrypt_to: Option<PublicKey>,
    clock: SharedClock,
    nonce: Arc<dyn NonceSource>,
}

impl CallbackSigner {
    /// Signs with the merchant's API KEY and SGATE's system private key, at the system clock's
    /// time, with 32 random letters and digits as nonce; the body is sent as given until
    /// [`CallbackSigner::encrypt_to`] names the merchant key.
    pub fn new(api_key: impl Into<ApiKey>, system_private_key: PrivateKey) -> Self {
        Self {
            api_key: api_key.into(),
            system_key: system_private_key,
            encrypt_to: None,
            clock: SharedClock::default(),
            nonce: Arc::new(RandomNonce),
        }
    }

    /// Encrypts the sensitive members (by the `x-sensitive` marks of the event's schema, as
    /// `Notifications` decrypts them) to `merchant_public_key`. Give them in plain text.
    pub fn encrypt_to(mut self, merchant_public_key: PublicKey) -> Self {
        self.encrypt_to = Some(merchant_public_key);
        self
    }

    /// The clock `V-Timestamp` is read from (the system clock unless set): the one your
    /// `Notifications` or `Config` measures ages with, when a test fixes the time.
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = SharedClock::new(clock);
        self
    }

    /// Where `V-Nonce-Str` comes from (random unless set): a `FixedNonce` for a replay test.
    pub fn nonce_source(mut self, nonce: impl NonceSource + 'static) -> Self {
        self.nonce = Arc::new(nonce);
        self
    }

    /// The callback SGATE POSTs to `url` for `event`: `url` is the path (and query) of the
    /// callback URL, `/sgate/callback`, or the whole URL, whose path and query are signed.
    pub fn callback(
        &self,
        url: &str,
        event: impl Payload<Notification>,
    ) -> Result<Callback, MintError> {
        let (uri, path) = signed_path(url)?;
        let text = sealed::Payload::<Notification>::text(&event)?;
        super::check_kind(&text, NOTIFICATION_KINDS, "event")?;
        let body = match &self.encrypt_to {
            Some(key) => encrypted(key, text.json)?,
            None => text.json,
        };
        let timestamp = self.clock.now_seconds();
        let nonce = self.nonce.nonce();
        let data = signature_data(
            self.api_key.expose(),
            timestamp,
            &nonce,
            &path,
            "POST",
            &body,
        );
        let signature = try_sign_digest(&self.system_key, &digest_hex(&data)).ok_or_else(|| {
            MintError::Signing("aws-lc could not compute the MD5withRSA signature".into())
        })?;
        let mut api_key = header_value(HEADER_API_KEY, self.api_key.expose())?;
        api_key.set_sensitive(true);
        let mut headers = http::HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        for (name, value) in [
            (HEADER_API_KEY, api_key),
            (HEADER_API_VERSION, HeaderValue::from_static(API_VERSION)),
            (HEADER_TIMESTAMP, HeaderValue::from(timestamp)),
            (HEADER_NONCE, header_value(HEADER_NONCE, &nonce)?),
            (
                HEADER_SIGNATURE,
                header_value(HEADER_SIGNATURE, &signature)?,
            ),
        ] {
            let name =
                HeaderName::from_bytes(name.as_bytes()).map_err(|_| MintError::Header(name))?;
            headers.insert(name, value);
        }
        Ok(Callback {
            headers,
            body: body.into_bytes(),
            uri,
            path,
        })
    }
}

fn header_value(name: &'static str, value: &str) -> Result<HeaderValue, MintError> {
    HeaderValue::from_str(value).map_err(|_| MintError::Header(name))
}

/// The URL as a request URI, and the path and query SGATE signs of it.
fn signed_path(url: &str) -> Result<(http::Uri, String), MintError> {
    let uri: http::Uri = url.parse().map_err(|_| MintError::Url)?;
    let path = match uri.scheme_str() {
        Some("http" | "https") => uri
            .path_and_query()
            .map_or_else(|| "/".to_string(), |p| p.as_str().to_string()),
        None if url.starts_with('/') => url.to_string(),
        _ => return Err(MintError::Url),
    };
    Ok((uri, path))
}

/// The body with the sensitive members of its kind's schema encrypted to `key`; every other
/// member keeps its text, and a body with nothing to encrypt is kept as it is.
fn encrypted(key: &PublicKey, json: String) -> Result<String, MintError> {
    let not_json =
        |e: serde_json::Error| MintError::NotJson(crate::spec::without_value(&e.to_string()));
    let mut object = json_text::object_of(json.as_bytes()).map_err(not_json)?;
    let event = object
        .get("event")
        .and_then(|raw| json_text::as_string(raw));
    let kind = crate::spec::NotificationKind::find(NOTIFICATION_KINDS, event.as_deref(), |field| {
        object.contains_key(field)
    });
    let Some(plan) = kind.and_then(|kind| crate::sgate::spec().sensitive_plan(kind.schema)) else {
        return Ok(json);
    };
    let changed = json_text::apply_plan_to_object(&plan, &mut object, "", &mut |member, path| {
        encrypt_member(key, member, path)
    })
    .map_err(|(field, reason)| MintError::Encryption { field, reason })?;
    if changed {
        json_text::text_of(&object).map_err(not_json)
    } else {
        Ok(json)
    }
}

/// Encrypts one member in place; `""` (SGATE's "none") and non-strings are sent as they are,
/// as `Notifications` leaves them.
fn encrypt_member(
    key: &PublicKey,
    member: &mut Box<RawValue>,
    path: &str,
) -> Result<bool, (String, String)> {
    let Some(plain) = json_text::as_string(member).filter(|text| !text.is_empty()) else {
        return Ok(false);
    };
    let plain = Zeroizing::new(plain);
    let cipher = encrypt_field(key, &plain).map_err(|e| (path.to_string(), e.to_string()))?;
    *member = json_text::string_value(&cipher)
        .map_err(|_| (path.to_string(), "cannot be written as JSON".to_string()))?;
    Ok(true)
}

/// A [`CallbackSigner`] with the test keys: API KEY [`API_KEY`], the test system key
/// ([`keys::sgate_system`]), sensitive members encrypted to the test merchant key
/// ([`keys::sgate_merchant`]), the system clock. What [`notifications`] and [`config`] accept.
pub fn signer() -> CallbackSigner {
    CallbackSigner::new(API_KEY, keys::sgate_system())
        .encrypt_to(keys::sgate_merchant().public_key())
}

/// The callback SGATE POSTs to `url` (its path and query, or the whole URL) for `event`,
/// signed now with the test keys: [`notifications`] accepts it.
pub fn callback(url: &str, event: impl Payload<Notification>) -> Result<Callback, MintError> {
    signer().callback(url, event)
}

/// The SGATE `Notifications` verifier that accepts what [`callback`] mints: API KEY
/// [`API_KEY`], the test system public key, the test merchant private key (to decrypt).
pub fn notifications() -> Notifications {
    Notifications::new(
        API_KEY,
        keys::sgate_system().public_key(),
        keys::sgate_merchant(),
    )
}

/// An SGATE client `Config` for `base_url` (a sandbox's, or any address when the test only
/// verifies callbacks) with the test keys and [`API_KEY`], so `client.notifications()` accepts
/// what [`callback`] mints.
pub fn config(base_url: impl Into<String>) -> Config {
    Config::new(
        Environment::Url(base_url.into()),
        API_KEY,
        keys::sgate_merchant(),
        keys::sgate_system().public_key(),
    )
}

super::payloads!(sgate {
    CustomStatusChange(CustomStatusChangeCallback),
    SalaryStatusChange(SalaryStatusChangeCallback),
    ReceivingTransNotification(ReceivingTransNotificationCallback),
});
