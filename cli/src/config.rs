//! Configuration of `paybind call`: `PAYBIND_*` environment variables, over an optional TOML
//! file (`--config FILE` or `PAYBIND_CONFIG`). Values are never printed; errors name the
//! variable or key that is missing or wrong.

use std::path::{Path, PathBuf};
use std::time::Duration;

use paybind::envelope::{HashAlgorithm, TimestampUnit};
use paybind::gateways::Gateway;
use paybind::keys::{PrivateKey, PublicKey};
use serde::Deserialize;

use crate::input;
use crate::output::CliError;

/// The text `paybind call --help` shows about configuration.
pub const HELP: &str = "\
Configuration (environment variables win over the config file):
  PAYBIND_CONFIG=FILE                     TOML file with [bluepay], [bluepay-jt], [sgate] and
                                          [sgate-payin] tables
                                          (same names, lower case, without the prefix:
                                          url = \"https://…\", app_id = \"…\", private_key_file = \"…\");
                                          relative key paths are relative to the file
  PAYBIND_TIMEOUT=SECONDS                 time allowed for one request (default 30)

  BluePay (PAYBIND_BLUEPAY_*) and BluePay JT (PAYBIND_BLUEPAY_JT_*):
  PAYBIND_BLUEPAY_URL                     base URL the gateway gave you (or sandbox / production)
  PAYBIND_BLUEPAY_APP_ID                  your app id
  PAYBIND_BLUEPAY_PRIVATE_KEY_FILE        merchant private key file (PEM or bare Base64), or
  PAYBIND_BLUEPAY_PRIVATE_KEY             the key text itself
  PAYBIND_BLUEPAY_PUBLIC_KEY_FILE         the gateway's public key file (verifies notifications), or
  PAYBIND_BLUEPAY_PUBLIC_KEY              the key text itself
  PAYBIND_BLUEPAY_HASH                    sha256 (default) or sha1
  PAYBIND_BLUEPAY_TIMESTAMP_UNIT          ms (default) or s

  SGATE (PAYBIND_SGATE_*):
  PAYBIND_SGATE_URL                       sandbox, production, or a base URL without /openApi/v1
  PAYBIND_SGATE_API_KEY                   the API KEY SGATE issued
  PAYBIND_SGATE_PRIVATE_KEY_FILE          merchant private key file, or
  PAYBIND_SGATE_PRIVATE_KEY               the key text itself
  PAYBIND_SGATE_SYSTEM_PUBLIC_KEY_FILE    SGATE's system public key file, or
  PAYBIND_SGATE_SYSTEM_PUBLIC_KEY         the key text itself

  SGATE Payin (PAYBIND_SGATE_PAYIN_*):
  PAYBIND_SGATE_PAYIN_URL                 sandbox, production, or a base URL including /api_v1
  PAYBIND_SGATE_PAYIN_KEY                 the key SGATE issued for signing
  PAYBIND_SGATE_PAYIN_SECRET              the secret SGATE issued with it
  PAYBIND_SGATE_PAYIN_MERCHANT_ID         your merchant ID (fills {MERCHANT_ID})

Example config file:
  timeout = 30
  [bluepay]
  url = \"https://your-bluepay-host\"
  app_id = \"c9b002aef1d7496c9df078d937896605\"
  private_key_file = \"keys/private.pem\"
  public_key_file = \"keys/bluepay-public.pem\"
  [sgate]
  url = \"sandbox\"
  api_key = \"…\"
  private_key_file = \"keys/sgate-private.pem\"
  system_public_key_file = \"keys/sgate-system.pem\"";

/// The config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    timeout: Option<u64>,
    bluepay: Option<Section>,
    #[serde(rename = "bluepay-jt", alias = "bluepay_jt")]
    bluepay_jt: Option<Section>,
    sgate: Option<Section>,
    #[serde(rename = "sgate-payin", alias = "sgate_payin")]
    sgate_payin: Option<Section>,
}

/// One gateway's table. Which keys apply depends on the gateway.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Section {
    url: Option<String>,
    timeout: Option<u64>,
    app_id: Option<String>,
    hash: Option<String>,
    timestamp_unit: Option<String>,
    api_key: Option<String>,
    private_key: Option<String>,
    private_key_file: Option<PathBuf>,
    public_key: Option<String>,
    public_key_file: Option<PathBuf>,
    system_public_key: Option<String>,
    system_public_key_file: Option<PathBuf>,
    key: Option<String>,
    secret: Option<String>,
    merchant_id: Option<String>,
}

/// Where settings come from for one gateway.
pub struct Settings {
    /// `PAYBIND_BLUEPAY`, `PAYBIND_BLUEPAY_JT` or `PAYBIND_SGATE`.
    prefix: String,
    /// `bluepay`, `bluepay-jt` or `sgate`.
    table: &'static str,
    section: Section,
    /// Directory of the config file, for relative key paths.
    base: Option<PathBuf>,
    timeout: Option<u64>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Settings {
    /// Reads the config file (if any) and selects the table of `gateway` (named by its id).
    pub fn load(config: Option<&Path>, prefix: String, gateway: Gateway) -> Result<Self, CliError> {
        let table = gateway.id();
        let path = config
            .map(Path::to_path_buf)
            .or_else(|| env("PAYBIND_CONFIG").map(PathBuf::from));
        let (file, base) = match &path {
            Some(path) => {
                let text = input::utf8(input::read_file(path, "config file")?, "the config file")?;
                let file: FileConfig = toml::from_str(&text).map_err(|e| {
                    // Only the message and position: toml's full report quotes the line,
                    // which may hold a secret.
                    let line = e.span().map(|span| {
                        let start = span.start.min(text.len());
                        text.as_bytes()[..start]
                            .iter()
                            .filter(|&&b| b == b'\n')
                            .count()
                            + 1
                    });
                    let error = CliError::input(
                        "config",
                        format!(
                            "{}: {}",
                            path.display(),
                            paybind::spec::without_value(e.message().trim())
                        ),
                    )
                    .with("path", path.display().to_string());
                    match line {
                        Some(line) => error.with("line", line),
                        None => error,
                    }
                })?;
                (file, path.parent().map(Path::to_path_buf))
            }
            None => (FileConfig::default(), None),
        };
        let section = match gateway {
            Gateway::BluePay => file.bluepay,
            Gateway::BluePayJt => file.bluepay_jt,
            Gateway::Sgate => file.sgate,
            Gateway::SgatePayin => file.sgate_payin,
        }
        .unwrap_or_default();
        Ok(Self {
            prefix,
            table,
            timeout: section.timeout.or(file.timeout),
            section,
            base,
        })
    }

    fn missing(&self, var: &str, key: &str) -> CliError {
        CliError::input(
            "config",
            format!(
                "set {}_{var} or `{key}` in the [{}] table of the config file (see paybind call --help)",
                self.prefix, self.table
            ),
        )
        .with("variable", format!("{}_{var}", self.prefix))
    }

    fn text(&self, var: &str, from_file: &Option<String>) -> Option<String> {
        env(&format!("{}_{var}", self.prefix)).or_else(|| from_file.clone())
    }

    fn required(
        &self,
        var: &str,
        key: &str,
        from_file: &Option<String>,
    ) -> Result<String, CliError> {
        self.text(var, from_file)
            .ok_or_else(|| self.missing(var, key))
    }

    /// Key text: inline variable, variable naming a file, inline in the file, file path in the
    /// file (relative to the config file).
    fn key_text(
        &self,
        var: &str,
        key: &str,
        inline: &Option<String>,
        file: &Option<PathBuf>,
    ) -> Result<String, CliError> {
        if let Some(text) = env(&format!("{}_{var}", self.prefix)) {
            return Ok(text);
        }
        if let Some(path) = env(&format!("{}_{var}_FILE", self.prefix)) {
            return input::utf8(
                input::read_file(Path::new(&path), "key file")?,
                "the key file",
            );
        }
        if let Some(text) = inline {
            return Ok(text.clone());
        }
        if let Some(path) = file {
            let path = match (&self.base, path.is_relative()) {
                (Some(base), true) => base.join(path),
                _ => path.clone(),
            };
            return input::utf8(input::read_file(&path, "key file")?, "the key file");
        }
        Err(self.missing(&format!("{var}_FILE"), &format!("{key}_file")))
    }

    fn private_key(&self) -> Result<PrivateKey, CliError> {
        let text = self.key_text(
            "PRIVATE_KEY",
            "private_key",
            &self.section.private_key,
            &self.section.private_key_file,
        )?;
        Ok(PrivateKey::from_text(&text)?)
    }

    fn timeout(&self) -> Result<Duration, CliError> {
        let seconds = match env("PAYBIND_TIMEOUT") {
            Some(text) => text.trim().parse::<u64>().map_err(|_| {
                CliError::input("config", "PAYBIND_TIMEOUT is not a whole number of seconds")
                    .with("variable", "PAYBIND_TIMEOUT")
            })?,
            None => self.timeout.unwrap_or(30),
        };
        if seconds == 0 {
            return Err(CliError::input(
                "config",
                "the timeout must be at least 1 second",
            ));
        }
        Ok(Duration::from_secs(seconds))
    }

    /// The gateway's environment: `sandbox`, `production` or a base URL.
    fn environment(&self) -> Result<paybind::config::Environment, CliError> {
        use paybind::config::Environment;
        let url = self.required("URL", "url", &self.section.url)?;
        Ok(match url.trim() {
            "sandbox" => Environment::Sandbox,
            "production" => Environment::Production,
            other => Environment::Url(other.to_string()),
        })
    }

    /// A BluePay or BluePay JT config.
    pub fn envelope(&self) -> Result<paybind::envelope::Config, CliError> {
        use paybind::envelope::Config;
        let environment = self.environment()?;
        let app_id = self.required("APP_ID", "app_id", &self.section.app_id)?;
        let key = self.private_key()?;
        let hash = match self.text("HASH", &self.section.hash).as_deref() {
            None | Some("sha256") | Some("SHA256") => HashAlgorithm::Sha256,
            Some("sha1") | Some("SHA1") => HashAlgorithm::Sha1,
            Some(_) => {
                return Err(CliError::input(
                    "config",
                    format!("{}_HASH must be sha256 or sha1", self.prefix),
                ))
            }
        };
        let unit = match self
            .text("TIMESTAMP_UNIT", &self.section.timestamp_unit)
            .as_deref()
        {
            None | Some("ms") | Some("milliseconds") => TimestampUnit::Milliseconds,
            Some("s") | Some("seconds") => TimestampUnit::Seconds,
            Some(_) => {
                return Err(CliError::input(
                    "config",
                    format!("{}_TIMESTAMP_UNIT must be ms or s", self.prefix),
                ))
            }
        };
        let gateway_key = self.key_text(
            "PUBLIC_KEY",
            "public_key",
            &self.section.public_key,
            &self.section.public_key_file,
        )?;
        let gateway_key = PublicKey::from_text(&gateway_key)?;
        Ok(Config::new(environment, app_id, key, gateway_key)
            .hash(hash)
            .timestamp_unit(unit)
            .timeout(self.timeout()?))
    }

    /// An SGATE config.
    pub fn sgate(&self) -> Result<paybind::sgate::Config, CliError> {
        use paybind::sgate::Config;
        let environment = self.environment()?;
        let api_key = self.required("API_KEY", "api_key", &self.section.api_key)?;
        let key = self.private_key()?;
        let system = self.key_text(
            "SYSTEM_PUBLIC_KEY",
            "system_public_key",
            &self.section.system_public_key,
            &self.section.system_public_key_file,
        )?;
        let system = PublicKey::from_text(&system)?;
        Ok(Config::new(environment, api_key, key, system).timeout(self.timeout()?))
    }

    /// An SGATE Payin config.
    pub fn sgate_payin(&self) -> Result<paybind::sgate_payin::Config, CliError> {
        use paybind::sgate_payin::Config;
        let environment = self.environment()?;
        let key = self.required("KEY", "key", &self.section.key)?;
        let secret = self.required("SECRET", "secret", &self.section.secret)?;
        let merchant_id = self.required("MERCHANT_ID", "merchant_id", &self.section.merchant_id)?;
        Ok(Config::new(environment, key, secret, merchant_id).timeout(self.timeout()?))
    }
}
