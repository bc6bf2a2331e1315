//! The typed configuration the host and plugins read.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::secret::Secret;
use crate::source::Source;
use crate::warning::ConfigWarning;

/// The merged, validated configuration. Build it with [`Config::load`] or [`Config::load_from`].
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to sign in.
    pub sso: SsoSettings,
    /// Default region for tools: `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the profile's `region`.
    pub region: Option<String>,
    /// `DEBUG`.
    pub debug: bool,
    /// `TRANSPORT_MODE`.
    pub transport: Transport,
    /// The HTTP transport's bind address and bearer token.
    pub http: HttpSettings,
    /// `MCP_AWS_SSO_PLUGIN_DIRS`; empty means not set, and the host applies its defaults.
    pub plugin_dirs: Vec<PathBuf>,
    /// `MCP_AWS_SSO_READ_ONLY`.
    pub read_only: bool,
    /// `MCP_AWS_SSO_CONFIRM`.
    pub confirm: Confirm,
    /// `MCP_AWS_SSO_ACCOUNTS_CACHE_TTL`.
    pub accounts_cache_ttl: Duration,
    /// `MCP_AWS_SSO_CALL_TIMEOUT`: the default for tools that take a timeout.
    pub call_timeout: Duration,
    /// `MCP_AWS_SSO_MAX_OUTPUT`: cap on the characters of text a tool returns.
    pub max_output_chars: usize,
    /// What `aws_sso_exec_command` may do on this machine (`MCP_AWS_SSO_EXEC_*`, `MCP_AWS_SSO_AWS_CLI`).
    pub exec: crate::ExecSettings,
    /// Per-plugin sections from configs.json's `plugins` object, by plugin name. Plugins get
    /// theirs through [`Config::plugin_config`], which adds the host-wide limits.
    pub plugins: serde_json::Map<String, serde_json::Value>,
    /// The home directory everything above was read relative to.
    pub home: PathBuf,
    /// Where each key that has a value got it from, by key name (see [`crate::keys`]).
    pub provenance: BTreeMap<&'static str, Source>,
    /// The files that were (or would have been) read, for `doctor` and help texts.
    pub files: ConfigFiles,
    /// Settings that loaded but are probably not what the user meant; the host prints each once.
    pub warnings: Vec<ConfigWarning>,
}

/// IAM Identity Center settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SsoSettings {
    /// `AWS_SSO_START_URL`, or the profile's (or its sso-session's) `sso_start_url`.
    pub start_url: Option<String>,
    /// `AWS_SSO_REGION`, else the profile's `sso_region`, else `AWS_REGION`.
    pub region: Option<String>,
    /// The sso-session name when the start URL came from an `[sso-session NAME]` section, or
    /// when `AWS_SSO_SESSION` is set explicitly. The token cache key is `sha1(session name)`
    /// then, else `sha1(start URL)`, as in the AWS CLI v2.
    pub session_name: Option<String>,
    /// The sso-session's `sso_registration_scopes` (comma-separated in the file), when the
    /// session came from that section and it sets them: the scopes the SSO OIDC client is
    /// registered with, and part of the registration's cache key, as in the AWS CLI v2.
    pub registration_scopes: Option<Vec<String>>,
    /// `AWS_PROFILE`, when set (the `[default]` profile is read without it).
    pub profile: Option<String>,
}

/// How MCP clients reach the host.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Transport {
    /// MCP over standard input and output (what desktop clients spawn).
    #[default]
    Stdio,
    /// MCP streamable HTTP.
    Http,
}

/// When tools ask the person (through MCP elicitation) before they act. Ordered: a later
/// variant asks about more.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confirm {
    /// Never ask (the default until clients commonly support elicitation).
    #[default]
    Never,
    /// Ask before anything that is not read-only.
    Mutations,
    /// Ask before every command, reads included.
    All,
}

impl Confirm {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Never => "never",
            Self::Mutations => "mutations",
            Self::All => "all",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "never" => Some(Self::Never),
            "mutations" => Some(Self::Mutations),
            "all" => Some(Self::All),
            _ => None,
        }
    }
}

/// The HTTP transport's settings.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// `MCP_AWS_SSO_HTTP_HOST`.
    pub host: String,
    /// `PORT`.
    pub port: u16,
    /// `MCP_AWS_SSO_HTTP_TOKEN`: the bearer token clients must send, if any.
    pub token: Option<Secret<String>>,
    /// `MCP_AWS_SSO_HTTP_MAX_SESSIONS`.
    pub max_sessions: usize,
    /// `MCP_AWS_SSO_HTTP_MAX_CALLS`.
    pub max_calls: usize,
    /// `MCP_AWS_SSO_HTTP_MAX_CALLS_PER_SESSION`.
    pub max_calls_per_session: usize,
    /// `MCP_AWS_SSO_HTTP_MAX_BODY`, in bytes.
    pub max_body: usize,
    /// `MCP_AWS_SSO_HTTP_SESSION_IDLE`.
    pub session_idle: Duration,
}

/// Configuration files, whether or not they exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFiles {
    /// `~/.mcp/configs.json`.
    pub configs_json: PathBuf,
    /// The section of configs.json that was read, if any.
    pub configs_json_section: Option<&'static str>,
    /// The AWS config file (`AWS_CONFIG_FILE`, else `~/.aws/config`).
    pub aws_config: PathBuf,
    /// The profile section that was read, such as `profile dev` or `default`.
    pub aws_profile_section: Option<String>,
    /// The sso-session section that was read, such as `sso-session corp`.
    pub aws_sso_session_section: Option<String>,
}
