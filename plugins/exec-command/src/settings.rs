//! The plugin's settings, read from `host.config()` at every call. The host merges the plugin's
//! configs.json section with its own settings: `readOnly`, `callTimeoutSeconds`,
//! `maxOutputChars`, and for this plugin `execSandbox` (MCP_AWS_SSO_EXEC_SANDBOX),
//! `execAllowedEndpoints` (MCP_AWS_SSO_EXEC_ALLOWED_ENDPOINTS), `execWorkdir`
//! (MCP_AWS_SSO_EXEC_WORKDIR) and `awsCli` (MCP_AWS_SSO_AWS_CLI). The config crate validates them;
//! here a missing value (an older host) falls back to the safe default.

use std::path::PathBuf;
use std::time::Duration;

use mcp_aws_sso_plugin_api::kit::HostLimits;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub read_only: bool,
    /// Timeout of a command when the call names none.
    pub default_timeout: Duration,
    /// Most characters of command output (stdout and stderr together) a result carries.
    pub max_output_chars: usize,
    /// Run the CLI in a private HOME with a generated config (default on).
    pub sandbox: bool,
    /// URL prefixes `--endpoint-url` may use, and possibly `no-verify-ssl`.
    pub allowed_endpoints: Vec<String>,
    /// Where local files may be read and written; `None`: the default under the user's HOME.
    pub workdir: Option<PathBuf>,
    /// The `aws` to run instead of the one on PATH.
    pub aws_cli: Option<PathBuf>,
}

impl Settings {
    pub fn from_config(config: &Value) -> Self {
        // The host's own limits, read (with their defaults) by the kit.
        let HostLimits {
            read_only,
            call_timeout: default_timeout,
            max_output_chars,
        } = HostLimits::from_config(config);
        // Only an explicit `false` turns the sandbox off.
        let sandbox = config.get("execSandbox") != Some(&Value::Bool(false));
        let allowed_endpoints = config
            .get("execAllowedEndpoints")
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default();
        let path = |key: &str| {
            config
                .get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(PathBuf::from)
        };
        Self {
            read_only,
            default_timeout,
            max_output_chars,
            sandbox,
            allowed_endpoints,
            workdir: path("execWorkdir"),
            aws_cli: path("awsCli"),
        }
    }

    /// The work directory: the configured one, else `$XDG_DATA_HOME/mcp-aws-sso/work`, else
    /// `~/.local/share/mcp-aws-sso/work` (the config crate computes the same default).
    pub fn workdir(&self, env: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
        if let Some(dir) = &self.workdir {
            return Some(dir.clone());
        }
        let absolute = |name: &str| env(name).map(PathBuf::from).filter(|p| p.is_absolute());
        absolute("XDG_DATA_HOME")
            .or_else(|| absolute("HOME").map(|h| h.join(".local").join("share")))
            .map(|d| d.join("mcp-aws-sso").join("work"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp_aws_sso_plugin_api::kit::host_limits::{DEFAULT_CALL_TIMEOUT, DEFAULT_MAX_OUTPUT_CHARS};
    use serde_json::json;

    #[test]
    fn reads_the_host_settings() {
        let settings = Settings::from_config(&json!({
            "readOnly": true, "callTimeoutSeconds": 12, "maxOutputChars": 500, "execSandbox": false,
            "execAllowedEndpoints": ["http://127.0.0.1:5000", "no-verify-ssl"], "execWorkdir": "/w",
            "awsCli": "/opt/aws"
        }));
        assert_eq!(
            settings,
            Settings {
                read_only: true,
                default_timeout: Duration::from_secs(12),
                max_output_chars: 500,
                sandbox: false,
                allowed_endpoints: vec!["http://127.0.0.1:5000".into(), "no-verify-ssl".into()],
                workdir: Some("/w".into()),
                aws_cli: Some("/opt/aws".into()),
            }
        );
    }

    #[test]
    fn missing_or_unusable_values_fall_back_to_safe_defaults() {
        let settings = Settings::from_config(&json!({
            "callTimeoutSeconds": 0, "maxOutputChars": "many", "readOnly": "yes", "execSandbox": "off"
        }));
        assert!(!settings.read_only);
        assert_eq!(settings.default_timeout, DEFAULT_CALL_TIMEOUT);
        assert_eq!(settings.max_output_chars, DEFAULT_MAX_OUTPUT_CHARS);
        assert!(settings.sandbox, "only `false` turns the sandbox off");
        assert!(settings.allowed_endpoints.is_empty());
        let env = |name: &str| (name == "HOME").then(|| "/home/u".to_string());
        assert_eq!(
            settings.workdir(env),
            Some(PathBuf::from("/home/u/.local/share/mcp-aws-sso/work"))
        );
    }
}
