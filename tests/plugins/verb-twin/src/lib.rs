//! Test-only: a plugin with the tool `team-x`, whose CLI verb `team-x` is also that of the
//! testkit's `team_x`. Loaded after the testkit, it must be skipped with the reason. Written
//! with the plugin kit's `ToolPlugin`, as a small plugin would be.

use mcp_aws_sso_plugin_api::kit::{Tool, ToolPlugin, schema};
use mcp_aws_sso_plugin_api::{Host, ToolAnnotations, ToolError, ToolOutput, ToolSpec, export_plugin};

struct TeamX;

impl Tool for TeamX {
    type Args = serde_json::Value;

    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: "team-x".into(),
            title: "Team X (twin)".into(),
            description: "Must not be served while the testkit's team_x is".into(),
            input_schema: schema::object([], &[]),
            output_schema: None,
            annotations: ToolAnnotations::read_only(),
            ..Default::default()
        }
    }

    fn run(&self, _args: serde_json::Value, _host: &Host) -> Result<ToolOutput, ToolError> {
        Ok(ToolOutput::text("verb-twin answered"))
    }
}

export_plugin!(
    ToolPlugin,
    ToolPlugin::new("verb-twin", env!("CARGO_PKG_VERSION")).tool(TeamX)
);
