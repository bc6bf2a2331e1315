//! The `aws_sso_exec_command` settings: the sandbox switch, the allowed endpoints, the work
//! directory and the `aws` binary. Validated here like every key, and handed to plugins by
//! [`crate::Config::plugin_config`] as `execSandbox`, `execAllowedEndpoints`, `execWorkdir` and
//! `awsCli`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::values;

/// What `aws_sso_exec_command` may do on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecSettings {
    /// `MCP_AWS_SSO_EXEC_SANDBOX`: run the AWS CLI in a private HOME with a generated config
    /// (default on; `off` lets the CLI read the user's own config and credentials).
    pub sandbox: bool,
    /// `MCP_AWS_SSO_EXEC_ALLOWED_ENDPOINTS`: URL prefixes `--endpoint-url` may point under, and
    /// the entry `no-verify-ssl` to allow `--no-verify-ssl`.
    pub allowed_endpoints: Vec<String>,
    /// `MCP_AWS_SSO_EXEC_WORKDIR`: the only directory whose files the AWS CLI may read or write.
    pub workdir: PathBuf,
    /// `MCP_AWS_SSO_AWS_CLI`: the `aws` executable to run instead of the first on `PATH`.
    pub aws_cli: Option<PathBuf>,
}

/// The entry of `MCP_AWS_SSO_EXEC_ALLOWED_ENDPOINTS` that allows `--no-verify-ssl`.
pub const NO_VERIFY_SSL: &str = "no-verify-ssl";

/// `on`/`off`, or any boolean spelling.
pub(crate) fn switch(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "on" => Some(true),
        "off" => Some(false),
        _ => values::boolean(text),
    }
}

/// Comma-separated http(s) URLs and `no-verify-ssl`; blanks between commas are ignored.
pub(crate) fn endpoint_list(text: &str) -> Option<Vec<String>> {
    let entries: Vec<String> = text
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned)
        .collect();
    entries
        .iter()
        .all(|e| e == NO_VERIFY_SSL || values::is_http_url(e))
        .then_some(entries)
}

/// An absolute path (after `~` expansion).
pub(crate) fn absolute_path(text: &str, home: &Path) -> Option<PathBuf> {
    let path = match text.strip_prefix("~/") {
        Some(rest) => home.join(rest),
        None if text == "~" => home.to_owned(),
        None => PathBuf::from(text),
    };
    path.is_absolute().then_some(path)
}

/// `$XDG_DATA_HOME/mcp-aws-sso/work`, else `~/.local/share/mcp-aws-sso/work`.
pub(crate) fn default_workdir(env: &HashMap<String, String>, home: &Path) -> PathBuf {
    env.get("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .unwrap_or_else(|| home.join(".local").join("share"))
        .join("mcp-aws-sso")
        .join("work")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsers() {
        assert_eq!(switch("off"), Some(false));
        assert_eq!(switch("ON"), Some(true));
        assert_eq!(switch("false"), Some(false));
        assert_eq!(switch("maybe"), None);
        assert_eq!(
            endpoint_list("http://127.0.0.1:5000, https://vpce.example.com/api ,no-verify-ssl,"),
            Some(vec![
                "http://127.0.0.1:5000".to_string(),
                "https://vpce.example.com/api".to_string(),
                NO_VERIFY_SSL.to_string()
            ])
        );
        assert_eq!(endpoint_list("127.0.0.1:5000"), None);
        let home = Path::new("/home/u");
        assert_eq!(absolute_path("~/work", home), Some(PathBuf::from("/home/u/work")));
        assert_eq!(absolute_path("work", home), None);
        assert_eq!(
            default_workdir(&HashMap::new(), home),
            PathBuf::from("/home/u/.local/share/mcp-aws-sso/work")
        );
        let env = HashMap::from([("XDG_DATA_HOME".to_string(), "/data".to_string())]);
        assert_eq!(default_workdir(&env, home), PathBuf::from("/data/mcp-aws-sso/work"));
    }
}
