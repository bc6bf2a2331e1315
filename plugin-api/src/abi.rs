//! The frozen part: the root module every plugin exports and the host-side context trait.
//!
//! # What abi_stable checks when the host loads a plugin (abi_stable 0.11.3, read from its source)
//!
//! 1. `LibHeader::check_version`: the root module's `VERSION_STRINGS` ([`ABI_VERSION`], which is
//!    this crate's version). The majors must be equal; for 0.x versions the host's minor must
//!    also be at most the plugin's. Else `IncompatibleVersionNumber`.
//! 2. The layout of every type reachable from the root module ([`PluginMod`], the
//!    [`HostContext`] vtable, `RString`, ...), host's layout = "interface", plugin's =
//!    "implementation": same type name, same *package name*, and package versions that are
//!    `is_loosely_compatible` (same major; for 0.x the same minor), then field by field.
//! 3. Prefix types (the root module and `#[sabi_trait]` vtables): the fields up to
//!    `last_prefix_field` must match in number, and the *host's* type may not have more fields
//!    than the plugin's (`FieldCountMismatch`). A plugin's may have more.
//!
//! So with this crate at 0.x, every minor bump locked out every older plugin (rule 2), and
//! appending a field to [`PluginMod`] or a method to [`HostContext`] locks out every plugin built
//! before it (rule 3), whatever `#[sabi(missing_field)]` says.
//!
//! # Compatibility promise (ABI 1)
//!
//! A plugin built against any plugin-api 1.x loads in every host built with plugin-api 1.y,
//! y >= x. Therefore, for all of ABI 1:
//! - [`PluginMod`] and [`HostContext`] are frozen: no field or method is added, removed or
//!   changed. Any such change is plugin-api 2.0.0.
//! - New host capabilities are new *method names* of [`HostContext::extension`], which answers an
//!   `unavailable` error on hosts that predate them; new plugin capabilities are new tools or
//!   new JSON fields.
//! - Everything richer than a string, a number or a flag travels as JSON, whose readers ignore
//!   unknown fields and default missing ones, so it can grow in both directions.
//! - A plugin built against a *newer* 1.x than the host passes abi_stable's checks (rule 3 lets
//!   its vtable view be longer), but may rely on what the host lacks; the host refuses it itself,
//!   from the version in the plugin's library header.
//!
//! `tests/compat` builds a plugin against a frozen copy of plugin-api 1.0.0 and the end-to-end
//! tests load it in the current host: a change here that breaks ABI 1 plugins fails that test.

#![allow(non_local_definitions)] // emitted by #[sabi_trait]; the impls it generates are sound.

use abi_stable::{
    StableAbi, declare_root_module_statics,
    library::RootModule,
    sabi_trait,
    sabi_types::VersionStrings,
    std_types::{RBox, ROption, RResult, RStr, RString},
};

/// The plugin-api version a plugin (or host) was built with; written into every plugin's library
/// header as the root module's `VERSION_STRINGS`. abi_stable refuses a different major (a new
/// ABI); the host refuses a plugin built against a newer minor than its own.
pub const ABI_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The root module a plugin exports (through [`export_plugin!`](crate::export_plugin)).
#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = PluginModRef)))]
#[sabi(missing_field(option))]
pub struct PluginMod {
    /// The plugin's manifest as JSON ([`Manifest`](crate::Manifest)), or an error message.
    /// Called once, at load time.
    pub manifest: extern "C" fn() -> RResult<RString, RString>,

    /// Runs one tool: `(tool name, arguments as a JSON object, the host context)`.
    /// Ok is a JSON [`ToolOutput`](crate::ToolOutput); Err is a JSON [`ToolError`](crate::ToolError).
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
/// through the typed wrapper [`Host`](crate::Host).
///
/// Errors are JSON [`ToolError`](crate::ToolError)s, so a plugin can pass them on unchanged.
#[sabi_trait]
pub trait HostContext: Send + Sync {
    /// Short-lived credentials for `(account id, role name)` as JSON
    /// [`Credentials`](crate::Credentials). `force_refresh` skips the host's caches, for when the
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
    /// `level` is a [`LogLevel`](crate::LogLevel) as a number.
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
