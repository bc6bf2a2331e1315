//! Test-only: a plugin built against the frozen plugin-api 1.0.0 with the author-facing API
//! (`Plugin`, `export_plugin!`, `Host`), as a team would have written it when 1.0.0 came out.
//! The end-to-end tests load it in the current host and call its tool: the host must accept the
//! library, hand it a working `HostContext`, and read its JSON answers.

use mcp_aws_sso_plugin_api::{
    ErrorKind, Host, Manifest, Plugin, ToolAnnotations, ToolError, ToolOutput, ToolSpec, export_plugin,
};
use serde_json::{Value, json};

struct Frozen;

impl Plugin for Frozen {
    fn manifest(&self) -> Manifest {
        Manifest {
            name: "frozen-1-0".into(),
            version: "1.0.0".into(),
            description: "Built against plugin-api 1.0.0".into(),
            enforces_read_only: false,
            tools: vec![ToolSpec {
                name: "frozen_hello".into(),
                title: "Hello from plugin-api 1.0.0".into(),
                description: "Greets, and reports what the host told it".into(),
                input_schema: json!({"type": "object", "properties": {"name": {"type": "string"}}}),
                output_schema: None,
                annotations: ToolAnnotations::read_only(),
            }],
        }
    }

    fn call(&self, _tool: &str, args: Value, host: &Host) -> Result<ToolOutput, ToolError> {
        let name = args["name"].as_str().unwrap_or("world");
        // A capability this plugin-api does not know must come back as `unavailable`, not crash.
        let probe = host.extension("frozen/probe", &json!({}));
        let report = json!({
            "hostInfo": host.host_info(),
            "config": host.config(),
            "cancelled": host.is_cancelled(),
            "unknownExtension": probe.err().map(|e| e.kind == ErrorKind::Unavailable),
        });
        Ok(ToolOutput::text(format!("hello {name} from plugin-api 1.0.0")).with_structured(report))
    }
}

export_plugin!(Frozen, Frozen);
