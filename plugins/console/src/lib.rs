//! The `console` plugin: `aws_sso_console` opens the AWS console for the person, signed in with
//! a role of their SSO session, in the browser of the machine the server runs on.
//!
//! The sign-in URL is a bearer credential (whoever opens it within 15 minutes is signed in), so
//! the model must never see it. That is why the plugin does not build it: it asks the host,
//! through the host extension `console.open`, to sign in and open the browser, and gets back only
//! what was opened. The federation call, the endpoint choice (partitions, regions,
//! `AWS_ENDPOINT_URL_SIGNIN`), the destination allow-list and the browser launch are the host's,
//! shared with the `mcp-aws-sso console` CLI verb. This plugin never touches credentials at all.
//!
//! Flow: arguments ([`request`]) -> `host.extension("console.open", ...)` -> [`render`].

mod render;
mod request;
mod tool_spec;

use mcp_aws_sso_plugin_api::{Host, Manifest, Plugin, ToolError, ToolOutput, export_plugin};
use serde_json::Value;

/// The host extension that does the sign-in.
const CONSOLE_OPEN: &str = "console.open";

struct ConsolePlugin;

impl Plugin for ConsolePlugin {
    fn manifest(&self) -> Manifest {
        Manifest {
            name: "console".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Opens the AWS console for the person, signed in with a role of their SSO session".into(),
            tools: vec![tool_spec::console()],
            // Its one tool is read-only (it changes nothing in AWS), so read-only mode allows it as is.
            enforces_read_only: false,
            ..Default::default()
        }
    }

    fn call(&self, tool: &str, args: Value, host: &Host) -> Result<ToolOutput, ToolError> {
        match tool {
            tool_spec::CONSOLE => {
                let request = request::ConsoleRequest::from_args(&args)?;
                let opened = host.extension(CONSOLE_OPEN, &request.to_params())?;
                render::opened(&opened)
            }
            other => Err(ToolError::invalid_arguments(format!(
                "this plugin has no tool `{other}`"
            ))),
        }
    }
}

export_plugin!(ConsolePlugin, ConsolePlugin);
