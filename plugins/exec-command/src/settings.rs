//! The plugin's settings, read from `host.config()` at every call (the host merges the plugin's
//! configs.json section with its own limits: `readOnly`, `callTimeoutSeconds`, `maxOutputChars`).

use std::time::Duration;

use serde_json::Value;

/// Used when the host sends no `callTimeoutSeconds` (the host's own default is the same).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);
/// Used when the host sends no `maxOutputChars`.
pub const DEFAULT_MAX_OUTPUT_CHARS: usize = 40_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub read_only: bool,
    /// Timeout of a command when the call names none.
    pub default_timeout: Duration,
    /// Most characters of command output (stdout and stderr together) a result carries.
    pub max_output_chars: usize,
}

impl Settings {
    pub fn from_config(config: &Value) -> Self {
        let read_only = config.get("readOnly").and_then(Value::as_bool).unwrap_or(false);
        let default_timeout = config
            .get("callTimeoutSeconds")
            .and_then(Value::as_u64)
            .filter(|s| *s > 0)
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_TIMEOUT);
        let max_output_chars = config
            .get("maxOutputChars")
            .and_then(Value::as_u64)
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
            .unwrap_or(DEFAULT_MAX_OUTPUT_CHARS);
        Self {
            read_only,
            default_timeout,
            max_output_chars,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_host_limits() {
        let settings =
            Settings::from_config(&json!({"readOnly": true, "callTimeoutSeconds": 12, "maxOutputChars": 500}));
        assert_eq!(
            settings,
            Settings {
                read_only: true,
                default_timeout: Duration::from_secs(12),
                max_output_chars: 500
            }
        );
    }

    #[test]
    fn missing_or_unusable_values_fall_back_to_defaults() {
        let settings =
            Settings::from_config(&json!({"callTimeoutSeconds": 0, "maxOutputChars": "many", "readOnly": "yes"}));
        assert_eq!(
            settings,
            Settings {
                read_only: false,
                default_timeout: DEFAULT_TIMEOUT,
                max_output_chars: DEFAULT_MAX_OUTPUT_CHARS
            }
        );
    }
}
