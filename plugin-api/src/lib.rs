//! The stable ABI between the `mcp-aws-sso` host and its tool plugins.
//!
//! A plugin is a `cdylib` that exports one root module, [`PluginMod`]. The host loads each plugin
//! file on its own, reads the plugin's [`Manifest`] (its tools and their JSON Schemas) and, for
//! every tool call, hands the plugin the tool name, the arguments as JSON and a [`HostContext`]
//! object. Through that context the plugin asks the host for what only the host has: short-lived
//! role credentials (the plugin never sees the SSO access token), the roles of an account, the
//! default region, endpoint overrides, progress reporting, logging and cancellation.
//!
//! The data flow is therefore:
//!
//! ```text
//! host ──manifest()──────────────────────────▶ plugin   JSON Manifest
//! host ──call(tool, args JSON, HostContext)──▶ plugin   JSON ToolOutput | JSON ToolError
//!        ◀──credentials / progress / log ───────┘
//! ```
//!
//! Only the root module and the `HostContext` trait are `abi_stable` types, and both are kept
//! tiny on purpose: everything else crosses the boundary as JSON, so that new fields can be added
//! to manifests, outputs and host answers without a layout change that would lock out plugins
//! built against an older `plugin-api`.
//!
//! Since plugin-api 1.1.0 a plugin reaches the rest of MCP through named extension methods (see
//! [`extensions`]): it can ask the person (elicitation in form or URL mode, on both protocol
//! revisions, as one blocking call — [`input`], and [`consent::require_consent`] for "may I?"),
//! ask for sampling or roots, publish resources, and declare prompts, resources, resource
//! templates and completions in its manifest, which the host serves by calling the plugin with
//! the request names in [`extensions::requests`].
//!
//! A plugin author writes plain Rust: implement [`Plugin`] (or build a [`kit::ToolPlugin`] from
//! typed [`kit::Tool`]s) and call [`export_plugin!`]. The exported entry points catch panics, so
//! a broken plugin becomes a tool error, never a dead host. The [`kit`] holds what most plugins
//! need besides the ABI: validators and schema fragments, text helpers, typed dispatch, AWS
//! error-code sets, and a fake host for unit tests.
//!
//! # Versioning
//!
//! This crate has its own semver line, independent of the host's version; 1.0.0 is ABI 1.
//! - A minor release (1.x) may add [`HostContext::extension`] methods, JSON fields (of
//!   [`Manifest`], [`ToolOutput`], host answers) and kit items.
//! - A major release is a new ABI: any change to [`PluginMod`] or [`HostContext`].
//! - A plugin built against 1.x loads in every host built with 1.y, y >= x; the host refuses a
//!   plugin built against a newer 1.x than its own, or another major. See [`abi`] for what
//!   abi_stable checks and why this shape follows from it.

pub mod abi;
pub mod consent;
mod export;
pub mod extensions;
mod features;
#[doc(hidden)]
pub mod fuzzing;
mod host;
pub mod input;
pub mod kit;
mod manifest;
mod outcome;

pub use abi::{ABI_VERSION, HostContext, HostContext_TO, HostContextBox, PluginMod, PluginModRef};
pub use export::{__entry, Plugin};
pub use features::{CompletionRef, CompletionSpec, PromptArgumentSpec, PromptSpec, ResourceSpec, ResourceTemplateSpec};
pub use host::{Credentials, Host, LogLevel};
pub use manifest::{Manifest, ToolAnnotations, ToolSpec};
pub use outcome::{ErrorKind, ToolError, ToolOutput};

/// Re-exported so that plugins and the host agree on one `abi_stable` and `serde_json`.
pub use abi_stable;
pub use serde_json;
