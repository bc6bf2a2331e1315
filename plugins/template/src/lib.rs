//! The plugin template: copy this crate (or run `mcp-aws-sso plugins new NAME`) to start an
//! in-house tool.
//!
//! It is a real, small tool rather than an echo, so that it shows every part a plugin needs,
//! built on the plugin kit (`mcp_aws_sso_plugin_api::kit`): a typed tool ([`check::CheckAccess`],
//! a `kit::Tool`) with its spec made of kit schema fragments ([`tool_spec`]), typed arguments
//! checked by the kit's validators, asking the host for what only the host has (role
//! credentials, the user's roles), progress and cancellation, markdown plus structured output
//! ([`render`]), and a unit test against the kit's `FakeHost`.
//!
//! `aws_sso_check_access` answers "which roles in this account can I really use right now, and
//! until when?": for each role (or the one named) it asks the host for role credentials and
//! reports success with the expiry, or the reason it failed. It never shows the credentials.

mod check;
mod render;
mod tool_spec;

use mcp_aws_sso_plugin_api::export_plugin;
use mcp_aws_sso_plugin_api::kit::ToolPlugin;

fn plugin() -> ToolPlugin {
    ToolPlugin::new("template", env!("CARGO_PKG_VERSION"))
        .description("Template plugin: checks which roles of an account can be used now")
        .tool(check::CheckAccess)
}

export_plugin!(ToolPlugin, plugin());
