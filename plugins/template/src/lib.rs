//! The plugin template: copy this crate to start an in-house tool.
//!
//! It is a real, small tool rather than an echo, so that it shows every part a plugin needs:
//! a manifest with input and output schemas ([`tool_spec`]), argument handling, asking the host
//! for what only the host has (role credentials, the user's roles), progress and cancellation,
//! and markdown plus structured output ([`render`]).
//!
//! `aws_sso_check_access` answers "which roles in this account can I really use right now, and
//! until when?": for each role (or the one named) it asks the host for role credentials and
//! reports success with the expiry, or the reason it failed. It never shows the credentials.
//!
//! To make your own: copy `plugins/template/` to a new crate, rename the package and lib in its
//! Cargo.toml, replace the tool, and build it as a `cdylib`. Drop the library into a plugin
//! directory (see README, "Writing a plugin").

mod check;
mod render;
mod tool_spec;

use mcp_aws_sso_plugin_api::{Host, Manifest, Plugin, ToolError, ToolOutput, export_plugin};

use check::check_roles;
use serde_json::Value;

struct TemplatePlugin;

impl Plugin for TemplatePlugin {
    fn manifest(&self) -> Manifest {
        Manifest {
            name: "template".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Template plugin: checks which roles of an account can be used now".into(),
            enforces_read_only: false,
            tools: vec![tool_spec::check_access()],
            ..Default::default()
        }
    }

    fn call(&self, tool: &str, args: Value, host: &Host) -> Result<ToolOutput, ToolError> {
        match tool {
            tool_spec::CHECK_ACCESS => {
                let request = check::Request::from_args(&args)?;
                let checks = check_roles(&request, host)?;
                Ok(render::result(&request, &checks))
            }
            other => Err(ToolError::invalid_arguments(format!(
                "this plugin has no tool `{other}`"
            ))),
        }
    }
}

export_plugin!(TemplatePlugin, TemplatePlugin);
