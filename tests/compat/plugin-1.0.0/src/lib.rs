//! Test-only: a plugin built against the frozen plugin-api 1.0.0 with the author-facing API and
//! the kit (`kit::ToolPlugin`, a typed `kit::Tool`, `kit::validate::types`, `kit::text`,
//! `export_plugin!`, `Host`), as a team would have written it when 1.0.0 came out. The
//! end-to-end tests load it in the current host and call its tool: the host must accept the
//! library, hand it a working `HostContext`, and read its JSON answers.

use mcp_aws_sso_plugin_api::kit::validate::types::Region;
use mcp_aws_sso_plugin_api::kit::{Tool, ToolPlugin, schema, text};
use mcp_aws_sso_plugin_api::{ErrorKind, Host, ToolAnnotations, ToolError, ToolOutput, ToolSpec, export_plugin};
use serde_json::json;

struct Hello;

#[derive(serde::Deserialize)]
struct HelloArgs {
    name: Option<String>,
    region: Option<Region>,
}

impl Tool for Hello {
    type Args = HelloArgs;

    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: "frozen_hello".into(),
            title: "Hello from plugin-api 1.0.0".into(),
            description: "Greets, and reports what the host told it".into(),
            input_schema: schema::object(
                [("name", json!({"type": "string"})), ("region", schema::region())],
                &[],
            ),
            output_schema: None,
            annotations: ToolAnnotations::read_only(),
        }
    }

    fn run(&self, args: HelloArgs, host: &Host) -> Result<ToolOutput, ToolError> {
        let name = args.name.unwrap_or_else(|| "world".into());
        // A capability this plugin-api does not know must come back as `unavailable`, not crash.
        let probe = host.extension("frozen/probe", &json!({}));
        let report = json!({
            "hostInfo": host.host_info(),
            "config": host.config(),
            "cancelled": host.is_cancelled(),
            "region": args.region.map(|r| r.to_string()).or_else(|| host.default_region()),
            "unknownExtension": probe.err().map(|e| e.kind == ErrorKind::Unavailable),
        });
        let text = format!("hello {name} from plugin-api 1.0.0\n\n{}", text::fenced(&report.to_string(), "json"));
        Ok(ToolOutput::text(text).with_structured(report))
    }
}

export_plugin!(ToolPlugin, ToolPlugin::new("frozen-1-0", "1.0.0").tool(Hello));
