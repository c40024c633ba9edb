//! What BluePay and BluePay JT share: the `{param, sign}` body signed with the gateway key, and
//! the module body of `testing::bluepay` and `testing::bluepay_jt` ([`envelope_testing!`]).

use serde_json::json;

use super::MintError;
use crate::envelope::RsaSigner;

/// The body a gateway POSTs: `param` is `param_text` as it is, `sign` its signature.
pub(crate) fn body(signer: &RsaSigner, param_text: &str) -> Result<Vec<u8>, MintError> {
    let sign = signer
        .try_sign_bytes(param_text.as_bytes())
        .map_err(|e| MintError::Signing(e.0))?;
    let sign = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, sign);
    serde_json::to_vec(&json!({ "param": param_text, "sign": sign }))
        .map_err(|e| MintError::Serialize(crate::spec::without_value(&e.to_string())))
}

/// The body of an envelope gateway's testing module: its `NotificationSigner`, `notification`,
/// `verifier`, `config` and the `Payload` impls of its events, as `envelope_gateway!` defines
/// one mechanism for both gateways.
macro_rules! envelope_testing {
    ($gateway:ident, $name:literal) => {
        use $crate::envelope::{HashAlgorithm, RsaSigner};
        use $crate::keys::PrivateKey;
        use $crate::testing::{keys, MintError, Payload};

        #[doc = concat!("The app id of [`config`]: ", $name, " notifications carry none, so it is only the client's.")]
        pub const APP_ID: &str = "paybind-testing-app";

        #[doc = concat!("Mints ", $name, " notifications signed with a gateway private key and hash: what [`notification`] does with the test key, for another key or SHA1withRSA. `Debug` shows the hash and key size only.")]
        #[derive(Debug, Clone)]
        pub struct NotificationSigner {
            signer: RsaSigner,
        }

        impl NotificationSigner {
            /// Signs with `gateway_private_key` and `hash` (the hash your `Config` and
            /// `Notifications` verify with).
            pub fn new(gateway_private_key: &PrivateKey, hash: HashAlgorithm) -> Self {
                Self {
                    signer: RsaSigner::new(gateway_private_key, hash),
                }
            }

            /// The hash it signs with.
            pub fn hash(&self) -> HashAlgorithm {
                self.signer.hash()
            }

            #[doc = concat!("The body ", $name, " POSTs for `event`: `{\"param\": \"<JSON text>\", \"sign\": \"<Base64>\"}`, the signature over the param text exactly.")]
            pub fn notification(
                &self,
                event: impl Payload<$crate::$gateway::Notification>,
            ) -> Result<Vec<u8>, MintError> {
                let text = $crate::testing::sealed::Payload::<$crate::$gateway::Notification>::text(&event)?;
                $crate::testing::check_kind(&text, $crate::$gateway::NOTIFICATION_KINDS, "eventName")?;
                $crate::testing::envelope::body(&self.signer, &text.json)
            }
        }

        #[doc = concat!("A [`NotificationSigner`] with the test gateway key ([`keys::bluepay_gateway`]) and SHA256withRSA, what [`verifier`] and [`config`] accept.")]
        pub fn signer() -> NotificationSigner {
            NotificationSigner::new(&keys::bluepay_gateway(), HashAlgorithm::Sha256)
        }

        #[doc = concat!("The body ", $name, " POSTs for `event`, signed with the test gateway key (SHA256withRSA): [`verifier`] accepts it.")]
        pub fn notification(
            event: impl Payload<$crate::$gateway::Notification>,
        ) -> Result<Vec<u8>, MintError> {
            signer().notification(event)
        }

        #[doc = concat!("The ", $name, " `Notifications` verifier that accepts what [`notification`] mints: the test gateway public key, SHA256withRSA.")]
        pub fn verifier() -> $crate::$gateway::Notifications {
            $crate::$gateway::Notifications::new(keys::bluepay_gateway().public_key(), HashAlgorithm::Sha256)
        }

        #[doc = concat!("A ", $name, " client `Config` for `base_url` (a sandbox's, or any address when the test only verifies notifications): app id [`APP_ID`], the test merchant key ([`keys::bluepay_merchant`]) and the test gateway public key, so `client.notifications()` accepts what [`notification`] mints.")]
        pub fn config(base_url: impl Into<String>) -> $crate::$gateway::Config {
            $crate::$gateway::Config::new(
                $crate::$gateway::Environment::Url(base_url.into()),
                APP_ID,
                keys::bluepay_merchant(),
                keys::bluepay_gateway().public_key(),
            )
        }
    };
}
pub(crate) use envelope_testing;
