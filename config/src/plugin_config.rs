//! What a plugin sees as its configuration (`HostContext::config()`).

use serde_json::{Map, Value};

use crate::config::{Config, Confirm};

impl Config {
    /// The plugin's configs.json section with the host-wide settings every plugin must honour:
    /// `{"readOnly": bool, "confirm": "never|mutations|all", "callTimeoutSeconds": n, "maxOutputChars": n,
    /// ...section}`, plus the exec settings (`execSandbox`, `execAllowedEndpoints`, `execWorkdir`, `awsCli`).
    ///
    /// The section may tune `callTimeoutSeconds` and `maxOutputChars` for its plugin (they are
    /// defaults, not ceilings), but it can only tighten `readOnly`: a host started read-only
    /// stays read-only for every plugin, whatever a section says. `confirm` likewise: a section may
    /// ask about more than the host-wide setting, never about less.
    pub fn plugin_config(&self, plugin: &str) -> Value {
        let mut merged = Map::new();
        merged.insert("readOnly".into(), Value::Bool(self.read_only));
        merged.insert("confirm".into(), Value::from(self.confirm.as_str()));
        merged.insert("callTimeoutSeconds".into(), Value::from(self.call_timeout.as_secs()));
        merged.insert("maxOutputChars".into(), Value::from(self.max_output_chars));
        if let Some(Value::Object(section)) = self.plugins.get(plugin) {
            for (key, value) in section {
                let value = match key.as_str() {
                    "readOnly" => Value::Bool(self.read_only || *value == Value::Bool(true)),
                    "confirm" => {
                        let asked = value.as_str().and_then(Confirm::parse).unwrap_or(self.confirm);
                        Value::from(asked.max(self.confirm).as_str())
                    }
                    _ => value.clone(),
                };
                merged.insert(key.clone(), value);
            }
        }
        // The exec settings are the host's (keys with sources and validation), not a section's.
        merged.insert("execSandbox".into(), Value::Bool(self.exec.sandbox));
        merged.insert(
            "execAllowedEndpoints".into(),
            Value::from(self.exec.allowed_endpoints.clone()),
        );
        merged.insert(
            "execWorkdir".into(),
            Value::from(self.exec.workdir.to_string_lossy().into_owned()),
        );
        if let Some(aws_cli) = &self.exec.aws_cli {
            merged.insert("awsCli".into(), Value::from(aws_cli.to_string_lossy().into_owned()));
        }
        Value::Object(merged)
    }
}
