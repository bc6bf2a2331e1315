//! FROZEN SNAPSHOT of `plugin-api/src/abi.rs` as ABI 1.0 was released. Never edit it to follow
//! the real file: a plugin built against it must keep loading in every ABI 1 host.
//! (Doc links to the rest of plugin-api are dead here; only the ABI matters.)
//!
//! The frozen part: the root module every plugin exports and the host-side context trait.
//!
//! Compatibility promise (ABI 1): a plugin built against any ABI 1 `plugin-api` loads in any
//! ABI 1 host. abi_stable's layout check rejects a host whose root module, or whose `HostContext`
//! vtable, has *more* entries than the plugin was built with ("too many fields"), so appending a
//! field or a method would lock out every older plugin. Therefore, for all of ABI 1:
//! - `PluginMod` and `HostContext` are frozen: no field or method is added, removed or changed.
//! - New host capabilities are new *method names* of `HostContext::extension`, which answers an
//!   `unavailable` error on hosts that predate them; new plugin capabilities are new tools or
//!   new JSON fields.
//! - Everything richer than a string, a number or a flag travels as JSON, whose readers ignore
//!   unknown fields and default missing ones, so it can grow in both directions.
//!
//! `tests/compat` builds a plugin against a frozen copy of this file and the end-to-end tests load
//! it: a change here that breaks ABI 1 plugins fails that test.

#![allow(non_local_definitions)] // emitted by #[sabi_trait]; the impls it generates are sound.

use abi_stable::{
    StableAbi, declare_root_module_statics,
    library::RootModule,
    sabi_trait,
    sabi_types::VersionStrings,
    std_types::{RBox, ROption, RResult, RStr, RString},
};

/// The ABI generation. abi_stable refuses plugins whose major version differs from the host's.
pub const ABI_VERSION: &str = "1.0.0";

/// The root module a plugin exports (through `export_plugin!`).
#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = PluginModRef)))]
#[sabi(missing_field(option))]
pub struct PluginMod {
    /// The plugin's manifest as JSON (`Manifest`), or an error message.
    /// Called once, at load time.
    pub manifest: extern "C" fn() -> RResult<RString, RString>,

    /// Runs one tool: `(tool name, arguments as a JSON object, the host context)`.
    /// Ok is a JSON `ToolOutput`; Err is a JSON `ToolError`.
    /// Called on a blocking thread of the host, possibly from several threads at once.
    #[sabi(last_prefix_field)]
    pub call: extern "C" fn(RStr<'_>, RStr<'_>, HostContextBox) -> RResult<RString, RString>,
}

impl RootModule for PluginModRef {
    declare_root_module_statics! {PluginModRef}
    const BASE_NAME: &'static str = "mcp_aws_sso_plugin";
    const NAME: &'static str = "mcp_aws_sso_plugin";
    const VERSION_STRINGS: VersionStrings = VersionStrings::new(ABI_VERSION);
}

/// What the host offers a plugin during one tool call. Implemented by the host; plugins use it
/// through the typed wrapper `Host`.
///
/// Errors are JSON `ToolError`s, so a plugin can pass them on unchanged.
#[sabi_trait]
pub trait HostContext: Send + Sync {
    /// Short-lived credentials for `(account id, role name)` as JSON
    /// `Credentials`. `force_refresh` skips the host's caches, for when the
    /// plugin saw the cached ones rejected.
    fn credentials(&self, account_id: RStr<'_>, role_name: RStr<'_>, force_refresh: bool) -> RResult<RString, RString>;

    /// The role names the signed-in user has in an account, as a JSON array of strings.
    fn account_roles(&self, account_id: RStr<'_>) -> RResult<RString, RString>;

    /// The region to use when the caller named none.
    fn default_region(&self) -> ROption<RString>;

    /// The endpoint override for a service (`AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`),
    /// where the user set one. `service` is the SDK service id, e.g. `ssm`, `ec2`, `sts`.
    fn endpoint_url(&self, service: RStr<'_>) -> ROption<RString>;

    /// Reports progress to the client (when it asked for progress); `total` when known.
    fn progress(&self, done: f64, total: ROption<f64>, message: RStr<'_>);

    /// Logs through the host (to stderr and, if the client subscribed, to the client).
    /// `level` is a `LogLevel` as a number.
    fn log(&self, level: u8, message: RStr<'_>);

    /// True once the client cancelled this call (or the host is shutting down).
    fn is_cancelled(&self) -> bool;

    /// The plugin's own configuration section as a JSON object (`{}` when there is none),
    /// merged with the host-wide settings a plugin must honour (e.g. `readOnly`).
    fn config(&self) -> RString;

    /// Facts about the host as a JSON object: `{"version": "...", "abi": "1.0.0", "extensions": [...]}`.
    fn host_info(&self) -> RString;

    /// The way the host grows within ABI 1: `(method name, JSON params)` -> JSON answer. A host
    /// that does not know `method` answers a JSON `ToolError` of kind `unavailable`;
    /// `host_info()["extensions"]` lists the methods a host knows.
    #[sabi(last_prefix_field)]
    fn extension(&self, method: RStr<'_>, params: RStr<'_>) -> RResult<RString, RString>;
}

/// The context as it crosses the boundary: owned, so a plugin may keep it for the whole call,
/// including in tasks of its own runtime.
pub type HostContextBox = HostContext_TO<'static, RBox<()>>;
