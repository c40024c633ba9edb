//! Reading a gateway's configuration from `PAYBIND_<GATEWAY>_*` environment variables — the
//! names the `paybind` command line reads too — for a service configured the twelve-factor way.
//! A missing or unreadable variable is a [`ConfigError::Variable`] naming it and the rule, never
//! its value (a key may be in it).

#[cfg(any(feature = "envelope", feature = "sgate"))]
use crate::keys::{PrivateKey, PublicKey};

use super::{ConfigError, Environment};
use crate::gateways::{GatewayRow, Setting};

/// The variables of one gateway (`PAYBIND_SGATE_*`), named by the table's [`Setting`]s.
pub(crate) struct Variables {
    pub(crate) row: &'static GatewayRow,
}

impl Variables {
    /// The variable of `setting`, when it is set and not empty.
    pub(crate) fn optional(&self, setting: Setting) -> Result<Option<String>, ConfigError> {
        self.read(self.row.variable(setting))
    }

    fn read(&self, variable: String) -> Result<Option<String>, ConfigError> {
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

    /// The variable of `setting`, which must be set.
    pub(crate) fn required(&self, setting: Setting) -> Result<String, ConfigError> {
        self.optional(setting)?
            .ok_or_else(|| self.refuse(setting, "is not set"))
    }

    /// The error naming the variable of `setting`, for `reason`.
    pub(crate) fn refuse(&self, setting: Setting, reason: &'static str) -> ConfigError {
        ConfigError::Variable {
            variable: self.row.variable(setting),
            reason,
        }
    }

    /// The `URL` setting: `sandbox`, `production` or a base URL.
    pub(crate) fn environment(&self) -> Result<Environment, ConfigError> {
        Ok(match self.required(Setting::Url)?.trim() {
            "sandbox" => Environment::Sandbox,
            "production" => Environment::Production,
            url => Environment::Url(url.to_string()),
        })
    }

    #[cfg(any(feature = "envelope", feature = "sgate"))]
    /// A private key from `<variable>_FILE` (a path) or the variable (the text).
    pub(crate) fn private_key(&self, setting: Setting) -> Result<PrivateKey, ConfigError> {
        self.key(setting, PrivateKey::from_file, PrivateKey::from_text)?
            .ok_or_else(|| self.neither(setting))
    }

    #[cfg(any(feature = "envelope", feature = "sgate"))]
    /// A public key from `<variable>_FILE` (a path) or the variable (the text).
    pub(crate) fn public_key(&self, setting: Setting) -> Result<PublicKey, ConfigError> {
        self.key(setting, PublicKey::from_file, PublicKey::from_text)?
            .ok_or_else(|| self.neither(setting))
    }

    #[cfg(any(feature = "envelope", feature = "sgate"))]
    fn key<K, E: Into<ConfigError>>(
        &self,
        setting: Setting,
        from_file: impl Fn(String) -> Result<K, E>,
        from_text: impl Fn(&str) -> Result<K, E>,
    ) -> Result<Option<K>, ConfigError> {
        if let Some(path) = self.read(self.row.file_variable(setting))? {
            return from_file(path).map(Some).map_err(Into::into);
        }
        match self.optional(setting)? {
            Some(text) => from_text(&text).map(Some).map_err(Into::into),
            None => Ok(None),
        }
    }

    #[cfg(any(feature = "envelope", feature = "sgate"))]
    fn neither(&self, setting: Setting) -> ConfigError {
        ConfigError::Variable {
            variable: self.row.file_variable(setting),
            reason: "is not set (nor the key text itself without _FILE)",
        }
    }
}
