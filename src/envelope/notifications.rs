//! Verifying the `{param, sign}` notifications a gateway POSTs to the merchant.
//!
//! The signature covers the `param` string exactly as it appears (after JSON unescaping) in the
//! body; it is checked before anything in `param` is parsed.

use serde_json::{Map, Value};

use super::signing::{verify, HashAlgorithm, VerifyError};
use crate::keys::PublicKey;
use crate::spec::NotificationKind;

/// Why a notification was refused. Answer such a request with a non-200 status; a genuine
/// notification is sent again by the gateway.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum NotificationError {
    /// The body is not a JSON object.
    #[error("notification body is not a JSON object")]
    NotJson,
    /// A field of the envelope is missing or not a string.
    #[error("notification envelope has no string field `{0}`")]
    MissingField(&'static str),
    /// The signature does not verify with the gateway's public key: treat as forged.
    #[error("notification signature rejected: {0}")]
    BadSignature(#[from] VerifyError),
    /// The signature is good but `param` is not the documented JSON.
    #[error("signed param is not the documented JSON: {reason}")]
    BadParam {
        /// What did not fit: the rule, never the value.
        reason: String,
        /// The signed param text, as received (values included: take care where it goes).
        param: String,
    },
}

/// Verifies notifications with the gateway's public key.
#[derive(Debug, Clone)]
pub struct NotificationVerifier {
    key: PublicKey,
    hash: HashAlgorithm,
}

/// A notification whose signature verified: the exact signed text and its parsed fields.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedParam {
    /// The signed `param` string exactly as received.
    pub text: String,
    /// Its fields.
    pub fields: Map<String, Value>,
}

impl NotificationVerifier {
    /// A verifier for the gateway public key `key`, with the signature hash `hash`.
    pub fn new(key: PublicKey, hash: HashAlgorithm) -> Self {
        Self { key, hash }
    }

    /// Checks the signature of a notification body and returns its param, untyped.
    pub fn verify_envelope(&self, body: &[u8]) -> Result<VerifiedParam, NotificationError> {
        let envelope: Map<String, Value> =
            serde_json::from_slice(body).map_err(|_| NotificationError::NotJson)?;
        // One docs page names the field `params`; accept both spellings.
        let text = envelope
            .get("param")
            .or_else(|| envelope.get("params"))
            .and_then(Value::as_str)
            .ok_or(NotificationError::MissingField("param"))?;
        let sign = envelope
            .get("sign")
            .and_then(Value::as_str)
            .ok_or(NotificationError::MissingField("sign"))?;
        verify(&self.key, self.hash, text.as_bytes(), sign)?;
        let fields = serde_json::from_str(text).map_err(|e| NotificationError::BadParam {
            reason: crate::spec::without_value(&e.to_string()),
            param: text.to_string(),
        })?;
        Ok(VerifiedParam {
            text: text.to_string(),
            fields,
        })
    }

    /// Verifies and types a notification with a gateway's generated kind table, from the
    /// param's text so that every amount keeps its digits.
    pub(crate) fn verify_typed<N>(
        &self,
        body: &[u8],
        kinds: &'static [NotificationKind],
        from_kind: fn(&str, &str) -> Result<N, serde_json::Error>,
    ) -> Result<N, NotificationError> {
        let verified = self.verify_envelope(body)?;
        let event = verified.fields.get("eventName").and_then(Value::as_str);
        let kind = NotificationKind::find(kinds, event, |f| verified.fields.contains_key(f));
        from_kind(kind.map_or("", |k| k.kind), &verified.text).map_err(|e| {
            NotificationError::BadParam {
                reason: crate::spec::without_value(&e.to_string()),
                param: verified.text.clone(),
            }
        })
    }
}
