//! Configuration of `paybind call`: `PAYBIND_*` environment variables, over an optional TOML
//! file (`--config FILE` or `PAYBIND_CONFIG`). Values are never printed; errors name the
//! variable or key that is missing or wrong.

use std::path::{Path, PathBuf};
use std::time::Duration;

use paybind::envelope::{HashAlgorithm, TimestampUnit};
use paybind::gateways::{Gateway, GatewayRow, Setting};
use paybind::keys::{PrivateKey, PublicKey};
use serde::Deserialize;

use crate::input;
use crate::output::CliError;

/// The text `paybind call --help` shows about configuration: every gateway's variables, from
/// the table's settings (`paybind::gateways::Setting`).
pub fn help() -> String {
    let gateways: String = Gateway::ALL.iter().map(|g| gateway_help(g.row())).collect();
    format!(
        "\
Configuration (environment variables win over the config file):
  PAYBIND_CONFIG=FILE                     TOML file with [bluepay], [bluepay-jt], [sgate] and
                                          [sgate-payin] tables
                                          (same names, lower case, without the prefix:
                                          url = \"https://…\", app_id = \"…\", private_key_file = \"…\");
                                          relative key paths are relative to the file
  PAYBIND_TIMEOUT=SECONDS                 time allowed for one request (default 30)
{gateways}
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
  system_public_key_file = \"keys/sgate-system.pem\""
    )
}

/// One gateway's block of [`help`]: a line per variable, a key's file variable first.
fn gateway_help(row: &GatewayRow) -> String {
    let mut text = format!("\n  {} ({}_*):\n", row.name, row.variable_prefix());
    for setting in row.signing.settings() {
        let variable = row.variable(*setting);
        // The table's words are Markdown (rustdoc shows them); a terminal shows plain text.
        let about = row.about(*setting).replace('`', "");
        if setting.is_key() {
            let file = row.file_variable(*setting);
            text += &format!("  {file:<40}{about}: a file, or\n");
            text += &format!("  {variable:<40}the key text itself\n");
        } else {
            text += &format!("  {variable:<40}{about}\n");
        }
    }
    text
}

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

impl Section {
    /// The table's value of `setting` (for a key, its text written inline).
    fn value(&self, setting: Setting) -> Option<&String> {
        match setting {
            Setting::Url => self.url.as_ref(),
            Setting::AppId => self.app_id.as_ref(),
            Setting::PrivateKey => self.private_key.as_ref(),
            Setting::PublicKey => self.public_key.as_ref(),
            Setting::Hash => self.hash.as_ref(),
            Setting::TimestampUnit => self.timestamp_unit.as_ref(),
            Setting::ApiKey => self.api_key.as_ref(),
            Setting::SystemPublicKey => self.system_public_key.as_ref(),
            Setting::Key => self.key.as_ref(),
            Setting::Secret => self.secret.as_ref(),
            Setting::MerchantId => self.merchant_id.as_ref(),
        }
    }

    /// The table's file path of the key `setting` (`private_key_file`, …).
    fn key_file(&self, setting: Setting) -> Option<&PathBuf> {
        match setting {
            Setting::PrivateKey => self.private_key_file.as_ref(),
            Setting::PublicKey => self.public_key_file.as_ref(),
            Setting::SystemPublicKey => self.system_public_key_file.as_ref(),
            _ => None,
        }
    }
}

/// Where settings come from for one gateway.
pub struct Settings {
    /// The gateway's row: its variables' names and its table's (`[bluepay-jt]`).
    row: &'static GatewayRow,
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
    pub fn load(config: Option<&Path>, gateway: Gateway) -> Result<Self, CliError> {
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
            row: gateway.row(),
            timeout: section.timeout.or(file.timeout),
            section,
            base,
        })
    }

    /// The error for an unset `setting`: its variable (`_FILE` for a key) or its file key.
    fn missing(&self, setting: Setting) -> CliError {
        let (variable, key) = if setting.is_key() {
            let key = format!("{}_file", setting.name().to_ascii_lowercase());
            (self.row.file_variable(setting), key)
        } else {
            (
                self.row.variable(setting),
                setting.name().to_ascii_lowercase(),
            )
        };
        CliError::input(
            "config",
            format!(
                "set {variable} or `{key}` in the [{}] table of the config file (see paybind call --help)",
                self.row.id
            ),
        )
        .with("variable", variable)
    }

    fn text(&self, setting: Setting) -> Option<String> {
        env(&self.row.variable(setting)).or_else(|| self.section.value(setting).cloned())
    }

    fn required(&self, setting: Setting) -> Result<String, CliError> {
        self.text(setting).ok_or_else(|| self.missing(setting))
    }

    /// Key text: inline variable, variable naming a file, inline in the file, file path in the
    /// file (relative to the config file).
    fn key_text(&self, setting: Setting) -> Result<String, CliError> {
        let variable = self.row.variable(setting);
        if let Some(text) = env(&variable) {
            return Ok(text);
        }
        if let Some(path) = env(&self.row.file_variable(setting)) {
            return input::utf8(
                input::read_file(Path::new(&path), "key file")?,
                "the key file",
            );
        }
        if let Some(text) = self.section.value(setting) {
            return Ok(text.clone());
        }
        if let Some(path) = self.section.key_file(setting) {
            let path = match (&self.base, path.is_relative()) {
                (Some(base), true) => base.join(path),
                _ => path.clone(),
            };
            return input::utf8(input::read_file(&path, "key file")?, "the key file");
        }
        Err(self.missing(setting))
    }

    fn private_key(&self) -> Result<PrivateKey, CliError> {
        let text = self.key_text(Setting::PrivateKey)?;
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
        let url = self.required(Setting::Url)?;
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
        let app_id = self.required(Setting::AppId)?;
        let key = self.private_key()?;
        let hash = match self.text(Setting::Hash).as_deref() {
            None | Some("sha256") | Some("SHA256") => HashAlgorithm::Sha256,
            Some("sha1") | Some("SHA1") => HashAlgorithm::Sha1,
            Some(_) => {
                return Err(CliError::input(
                    "config",
                    format!(
                        "{} must be sha256 or sha1",
                        self.row.variable(Setting::Hash)
                    ),
                ))
            }
        };
        let unit = match self.text(Setting::TimestampUnit).as_deref() {
            None | Some("ms") | Some("milliseconds") => TimestampUnit::Milliseconds,
            Some("s") | Some("seconds") => TimestampUnit::Seconds,
            Some(_) => {
                return Err(CliError::input(
                    "config",
                    format!(
                        "{} must be ms or s",
                        self.row.variable(Setting::TimestampUnit)
                    ),
                ))
            }
        };
        let gateway_key = self.key_text(Setting::PublicKey)?;
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
        let api_key = self.required(Setting::ApiKey)?;
        let key = self.private_key()?;
        let system = self.key_text(Setting::SystemPublicKey)?;
        let system = PublicKey::from_text(&system)?;
        Ok(Config::new(environment, api_key, key, system).timeout(self.timeout()?))
    }

    /// An SGATE Payin config.
    pub fn sgate_payin(&self) -> Result<paybind::sgate_payin::Config, CliError> {
        use paybind::sgate_payin::Config;
        let environment = self.environment()?;
        let key = self.required(Setting::Key)?;
        let secret = self.required(Setting::Secret)?;
        let merchant_id = self.required(Setting::MerchantId)?;
        Ok(Config::new(environment, key, secret, merchant_id).timeout(self.timeout()?))
    }
}
