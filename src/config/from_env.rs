//! Reading a gateway's configuration from `PAYBIND_<GATEWAY>_*` environment variables — the
//! names the `paybind` command line reads too — for a service configured the twelve-factor way.
//! A missing or unreadable variable is a [`ConfigError::Variable`] naming it and the rule, never
//! its value (a key may be in it).

#[cfg(any(feature = "envelope", feature = "sgate"))]
use crate::keys::{PrivateKey, PublicKey};

use super::{ConfigError, Environment};

/// The variables of one gateway: `PAYBIND_BLUEPAY`, `PAYBIND_BLUEPAY_JT`, `PAYBIND_SGATE`.
pub(crate) struct Variables {
    pub(crate) prefix: &'static str,
}

impl Variables {
    /// `<prefix>_<name>`, when it is set and not empty.
    pub(crate) fn optional(&self, name: &str) -> Result<Option<String>, ConfigError> {
        let variable = format!("{}_{name}", self.prefix);
        match std::env::var(&variable) {
            Ok(value) if value.trim().is_empty() => Ok(None),
            Ok(value) => Ok(Some(value)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::Variable {
                variable,
                reason: "is not UTF-8",
            }),
        }
    }

    /// `<prefix>_<name>`, which must be set.
    pub(crate) fn required(&self, name: &str) -> Result<String, ConfigError> {
        self.optional(name)?.ok_or_else(|| ConfigError::Variable {
            variable: format!("{}_{name}", self.prefix),
            reason: "is not set",
        })
    }

    /// `<prefix>_URL`: `sandbox`, `production` or a base URL.
    pub(crate) fn environment(&self) -> Result<Environment, ConfigError> {
        Ok(match self.required("URL")?.trim() {
            "sandbox" => Environment::Sandbox,
            "production" => Environment::Production,
            url => Environment::Url(url.to_string()),
        })
    }

    #[cfg(any(feature = "envelope", feature = "sgate"))]
    /// A private key from `<prefix>_<name>_FILE` (a path) or `<prefix>_<name>` (the text).
    pub(crate) fn private_key(&self, name: &str) -> Result<PrivateKey, ConfigError> {
        self.key(name, PrivateKey::from_file, PrivateKey::from_text)?
            .ok_or_else(|| self.neither(name))
    }

    #[cfg(any(feature = "envelope", feature = "sgate"))]
    /// A public key from `<prefix>_<name>_FILE` (a path) or `<prefix>_<name>` (the text).
    pub(crate) fn public_key(&self, name: &str) -> Result<PublicKey, ConfigError> {
        self.key(name, PublicKey::from_file, PublicKey::from_text)?
            .ok_or_else(|| self.neither(name))
    }

    #[cfg(any(feature = "envelope", feature = "sgate"))]
    fn key<K, E: Into<ConfigError>>(
        &self,
        name: &str,
        from_file: impl Fn(String) -> Result<K, E>,
        from_text: impl Fn(&str) -> Result<K, E>,
    ) -> Result<Option<K>, ConfigError> {
        if let Some(path) = self.optional(&format!("{name}_FILE"))? {
            return from_file(path).map(Some).map_err(Into::into);
        }
        match self.optional(name)? {
            Some(text) => from_text(&text).map(Some).map_err(Into::into),
            None => Ok(None),
        }
    }

    #[cfg(any(feature = "envelope", feature = "sgate"))]
    fn neither(&self, name: &str) -> ConfigError {
        ConfigError::Variable {
            variable: format!("{}_{name}_FILE", self.prefix),
            reason: "is not set (nor the key text itself without _FILE)",
        }
    }
}
