//! The host's limits as a plugin sees them in `host.config()`: `readOnly`, `callTimeoutSeconds`
//! (the default limit of a call, when it names none) and `maxOutputChars` (the budget for a
//! tool's payload). The host enforces all three itself; a plugin reads them to behave well
//! inside them (stop its own work in time, budget its output, refuse writes in read-only mode).

use std::time::Duration;

use serde_json::Value;

use crate::host::Host;

/// Used when the host sends none (the host's own defaults).
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(300);
pub const DEFAULT_MAX_OUTPUT_CHARS: usize = 40_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostLimits {
    pub read_only: bool,
    pub call_timeout: Duration,
    pub max_output_chars: usize,
}

impl HostLimits {
    pub fn of(host: &Host) -> Self {
        Self::from_config(&host.config())
    }

    /// Missing or unusable values fall back to the defaults; `readOnly` only when it is `true`.
    pub fn from_config(config: &Value) -> Self {
        Self {
            read_only: config.get("readOnly") == Some(&Value::Bool(true)),
            call_timeout: config
                .get("callTimeoutSeconds")
                .and_then(Value::as_u64)
                .filter(|s| *s > 0)
                .map_or(DEFAULT_CALL_TIMEOUT, Duration::from_secs),
            max_output_chars: config
                .get("maxOutputChars")
                .and_then(Value::as_u64)
                .map_or(DEFAULT_MAX_OUTPUT_CHARS, |n| usize::try_from(n).unwrap_or(usize::MAX)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::FakeHost;
    use serde_json::json;

    #[test]
    fn reads_the_limits_and_defaults_what_is_missing_or_odd() {
        let fake = FakeHost::new().read_only().with_config("maxOutputChars", json!(500));
        let limits = HostLimits::of(&fake.host());
        assert_eq!(
            limits,
            HostLimits {
                read_only: true,
                call_timeout: Duration::from_secs(300),
                max_output_chars: 500
            }
        );
        let odd = HostLimits::from_config(&json!({"readOnly": "yes", "callTimeoutSeconds": 0, "maxOutputChars": "x"}));
        assert_eq!(
            odd,
            HostLimits {
                read_only: false,
                call_timeout: DEFAULT_CALL_TIMEOUT,
                max_output_chars: DEFAULT_MAX_OUTPUT_CHARS
            }
        );
    }
}
