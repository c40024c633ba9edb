//! The sandbox config file: faults, outcome rules, settings and channel capabilities, read and
//! checked at start, and its JSON Schema.

use std::path::Path;

use serde_json::{json, Value};

use super::base::error::{io_error, SandboxError};
use super::base::faults::{self, Fault};
use super::base::json::set;
use super::base::rules::OutcomeRule;
use super::base::settings::SETTINGS;
use super::base::shared::Shared;
use super::base::store::StoreError;

/// The JSON Schema (2020-12) of the sandbox config file ([`SandboxConfig::config_file`]),
/// generated with schemars from the types the sandbox reads it into. The repository keeps a
/// copy in `schema/sandbox/config.schema.json` for editors and other languages.
///
/// [`SandboxConfig::config_file`]: crate::SandboxConfig::config_file
pub fn config_file_schema() -> Value {
    serde_json::to_value(schemars::schema_for!(FileConfig)).unwrap_or(Value::Null)
}

/// The sandbox config file: faults, outcome rules, settings and channel capabilities.
#[derive(Debug, Default, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    #[serde(default)]
    faults: Vec<Fault>,
    #[serde(default)]
    rules: Option<Vec<OutcomeRule>>,
    #[serde(default)]
    settings: serde_json::Map<String, Value>,
    #[serde(default)]
    channels: serde_json::Map<String, Value>,
}

pub fn read_config_file(path: &Path) -> Result<FileConfig, SandboxError> {
    let text = std::fs::read_to_string(path)
        .map_err(io_error(format!("cannot read {}", path.display())))?;
    let config: FileConfig = serde_json::from_str(&text)
        .map_err(|e| SandboxError::Config(format!("{}: {e}", path.display())))?;
    if let Some(why) = config.faults.iter().find_map(faults::refusal) {
        return Err(SandboxError::Config(format!("{}: {why}", path.display())));
    }
    if let Some(unknown) = config
        .settings
        .keys()
        .find(|key| !SETTINGS.contains(&key.as_str()))
    {
        return Err(SandboxError::Config(format!(
            "{}: unknown setting {unknown}",
            path.display()
        )));
    }
    Ok(config)
}

pub fn apply_config_file(shared: &Shared, config: &FileConfig) -> Result<(), StoreError> {
    shared.with_tx(|tx| {
        for fault in &config.faults {
            faults::put(tx, fault)?;
        }
        if let Some(rules) = &config.rules {
            tx.put(
                "meta",
                "rules",
                serde_json::to_value(rules).unwrap_or(json!([])),
            );
        }
        if !config.settings.is_empty() {
            let mut current = tx.get("meta", "settings")?.unwrap_or(json!({}));
            set(&mut current, Value::Object(config.settings.clone()));
            tx.put("meta", "settings", current);
        }
        for (gateway, channels) in &config.channels {
            for (code, capabilities) in channels.as_object().into_iter().flatten() {
                tx.put(
                    "channel",
                    &format!("{gateway}:{code}"),
                    capabilities.clone(),
                );
            }
        }
        Ok(())
    })
}
