//! Every configuration key, documented once.
//!
//! The names are the TypeScript server's (`@aashari/mcp-server-aws-sso`) plus the `MCP_AWS_SSO_*`
//! limits of this host. The same name is used in the environment and in the `environments` object
//! of `~/.mcp/configs.json`, so a user migrating from the TypeScript server keeps their file.

/// The AWS access portal URL, e.g. `https://my-org.awsapps.com/start`.
pub const AWS_SSO_START_URL: &str = "AWS_SSO_START_URL";
/// The region of the IAM Identity Center instance (else the profile's `sso_region`, else `AWS_REGION`).
pub const AWS_SSO_REGION: &str = "AWS_SSO_REGION";
/// Default region for tools.
pub const AWS_REGION: &str = "AWS_REGION";
/// Default region for tools when `AWS_REGION` is unset; the AWS profile's `region` feeds this key.
pub const AWS_DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";
/// The `~/.aws/config` profile to read SSO settings from (default: `[default]`).
pub const AWS_PROFILE: &str = "AWS_PROFILE";
/// An explicit `[sso-session NAME]` to read; also the token cache key (`sha1(NAME)`).
pub const AWS_SSO_SESSION: &str = "AWS_SSO_SESSION";
/// Path of the AWS config file (default `~/.aws/config`).
pub const AWS_CONFIG_FILE: &str = "AWS_CONFIG_FILE";
/// Verbose logging.
pub const DEBUG: &str = "DEBUG";
/// `stdio` or `http`.
pub const TRANSPORT_MODE: &str = "TRANSPORT_MODE";
/// TCP port of the HTTP transport.
pub const PORT: &str = "PORT";
/// Bind address of the HTTP transport. Not `HOST`: shells set that to the machine name.
pub const MCP_AWS_SSO_HTTP_HOST: &str = "MCP_AWS_SSO_HTTP_HOST";
/// Bearer token required by the HTTP transport.
pub const MCP_AWS_SSO_HTTP_TOKEN: &str = "MCP_AWS_SSO_HTTP_TOKEN";
/// HTTP transport: the most MCP sessions open at once.
pub const MCP_AWS_SSO_HTTP_MAX_SESSIONS: &str = "MCP_AWS_SSO_HTTP_MAX_SESSIONS";
/// HTTP transport: the most tool calls running at once, all sessions together.
pub const MCP_AWS_SSO_HTTP_MAX_CALLS: &str = "MCP_AWS_SSO_HTTP_MAX_CALLS";
/// HTTP transport: the most tool calls running at once in one session.
pub const MCP_AWS_SSO_HTTP_MAX_CALLS_PER_SESSION: &str = "MCP_AWS_SSO_HTTP_MAX_CALLS_PER_SESSION";
/// HTTP transport: the largest request body accepted, in bytes.
pub const MCP_AWS_SSO_HTTP_MAX_BODY: &str = "MCP_AWS_SSO_HTTP_MAX_BODY";
/// HTTP transport: seconds a session may stay idle before the server closes it.
pub const MCP_AWS_SSO_HTTP_SESSION_IDLE: &str = "MCP_AWS_SSO_HTTP_SESSION_IDLE";
/// Plugin directories, an OS path list (`:`-separated on Unix, `;` on Windows).
pub const MCP_AWS_SSO_PLUGIN_DIRS: &str = "MCP_AWS_SSO_PLUGIN_DIRS";
/// Allow read-only AWS operations only.
pub const MCP_AWS_SSO_READ_ONLY: &str = "MCP_AWS_SSO_READ_ONLY";
/// When tools ask the person before they act: `never` (default), `mutations` (before anything
/// that is not read-only) or `all` (before every command). Needs a client with MCP elicitation.
pub const MCP_AWS_SSO_CONFIRM: &str = "MCP_AWS_SSO_CONFIRM";
/// Seconds the accounts-and-roles list stays cached.
pub const MCP_AWS_SSO_ACCOUNTS_CACHE_TTL: &str = "MCP_AWS_SSO_ACCOUNTS_CACHE_TTL";
/// Default timeout of a tool call, in seconds.
pub const MCP_AWS_SSO_CALL_TIMEOUT: &str = "MCP_AWS_SSO_CALL_TIMEOUT";
/// Maximum characters of text a tool returns.
pub const MCP_AWS_SSO_MAX_OUTPUT: &str = "MCP_AWS_SSO_MAX_OUTPUT";
/// `aws_sso_exec_command`: run the AWS CLI in a private sandbox (`on`, the default, or `off`).
pub const MCP_AWS_SSO_EXEC_SANDBOX: &str = "MCP_AWS_SSO_EXEC_SANDBOX";
/// `aws_sso_exec_command`: comma-separated URL prefixes `--endpoint-url` may use, and `no-verify-ssl`.
pub const MCP_AWS_SSO_EXEC_ALLOWED_ENDPOINTS: &str = "MCP_AWS_SSO_EXEC_ALLOWED_ENDPOINTS";
/// `aws_sso_exec_command`: the directory local files are confined to.
pub const MCP_AWS_SSO_EXEC_WORKDIR: &str = "MCP_AWS_SSO_EXEC_WORKDIR";
/// `aws_sso_exec_command`: the `aws` executable (default: the first `aws` on `PATH`).
pub const MCP_AWS_SSO_AWS_CLI: &str = "MCP_AWS_SSO_AWS_CLI";

/// All keys, in the order they are validated and reported.
pub const ALL: &[&str] = &[
    AWS_SSO_START_URL,
    AWS_SSO_REGION,
    AWS_REGION,
    AWS_DEFAULT_REGION,
    AWS_PROFILE,
    AWS_SSO_SESSION,
    AWS_CONFIG_FILE,
    DEBUG,
    TRANSPORT_MODE,
    PORT,
    MCP_AWS_SSO_HTTP_HOST,
    MCP_AWS_SSO_HTTP_TOKEN,
    MCP_AWS_SSO_HTTP_MAX_SESSIONS,
    MCP_AWS_SSO_HTTP_MAX_CALLS,
    MCP_AWS_SSO_HTTP_MAX_CALLS_PER_SESSION,
    MCP_AWS_SSO_HTTP_MAX_BODY,
    MCP_AWS_SSO_HTTP_SESSION_IDLE,
    MCP_AWS_SSO_PLUGIN_DIRS,
    MCP_AWS_SSO_READ_ONLY,
    MCP_AWS_SSO_CONFIRM,
    MCP_AWS_SSO_ACCOUNTS_CACHE_TTL,
    MCP_AWS_SSO_CALL_TIMEOUT,
    MCP_AWS_SSO_MAX_OUTPUT,
    MCP_AWS_SSO_EXEC_SANDBOX,
    MCP_AWS_SSO_EXEC_ALLOWED_ENDPOINTS,
    MCP_AWS_SSO_EXEC_WORKDIR,
    MCP_AWS_SSO_AWS_CLI,
];

/// Defaults for keys that always have a value. Typed, and recorded in the provenance as
/// [`crate::Source::Default`] when no source sets the key.
pub mod defaults {
    use std::time::Duration;

    /// `PORT`.
    pub const PORT: u16 = 3000;
    /// `MCP_AWS_SSO_HTTP_HOST`: loopback only, so nothing off the machine reaches the host by default.
    pub const HTTP_HOST: &str = "127.0.0.1";
    /// `MCP_AWS_SSO_HTTP_MAX_SESSIONS`: an idle session costs a few kilobytes; a thousand
    /// clients fit on a laptop.
    pub const HTTP_MAX_SESSIONS: usize = 1024;
    /// `MCP_AWS_SSO_HTTP_MAX_CALLS`: each running call may hold a plugin thread and an `aws` process.
    pub const HTTP_MAX_CALLS: usize = 64;
    /// `MCP_AWS_SSO_HTTP_MAX_CALLS_PER_SESSION`: one client cannot take every slot.
    pub const HTTP_MAX_CALLS_PER_SESSION: usize = 16;
    /// `MCP_AWS_SSO_HTTP_MAX_BODY`: 1 MiB, far above any tool call's arguments.
    pub const HTTP_MAX_BODY: usize = 1024 * 1024;
    /// `MCP_AWS_SSO_HTTP_SESSION_IDLE`: rmcp's own default.
    pub const HTTP_SESSION_IDLE: Duration = Duration::from_secs(300);
    /// `MCP_AWS_SSO_ACCOUNTS_CACHE_TTL`.
    pub const ACCOUNTS_CACHE_TTL: Duration = Duration::from_secs(600);
    /// `MCP_AWS_SSO_CALL_TIMEOUT`.
    pub const CALL_TIMEOUT: Duration = Duration::from_secs(300);
    /// `MCP_AWS_SSO_MAX_OUTPUT`: enough for a long listing, well under a model's context.
    pub const MAX_OUTPUT_CHARS: usize = 40_000;
}

/// The `&'static` spelling of a key read from outside (an env map, a JSON object), or `None`
/// for keys this crate does not know (those are ignored: users keep other tools' keys there).
pub(crate) fn known(name: &str) -> Option<&'static str> {
    ALL.iter().copied().find(|key| *key == name)
}

/// Keys whose value must never be printed (errors, `doctor`).
pub(crate) fn is_secret(key: &str) -> bool {
    key == MCP_AWS_SSO_HTTP_TOKEN
}
