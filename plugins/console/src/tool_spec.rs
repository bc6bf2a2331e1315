//! The tool's declaration: MCP listing, argument validation and `--help` all come from here.

use mcp_aws_sso_plugin_api::{ToolAnnotations, ToolSpec};
use serde_json::json;

pub const CONSOLE: &str = "aws_sso_console";

pub fn console() -> ToolSpec {
    ToolSpec {
        name: CONSOLE.into(),
        title: "AWS SSO Open Console".into(),
        description: "Opens the AWS Management Console for the person, signed in with a role of their SSO \
                      session, in the web browser of the machine this server runs on. `destination` is a service \
                      name (s3, ec2, cloudwatch, lambda, iam, logs, ...) or an https console URL; default: the \
                      console home. Returns what was opened and until when the console session lasts; the \
                      sign-in link itself is never returned. Changes nothing in AWS."
            .into(),
        input_schema: json!({
            "type": "object",
            "properties": {
                "accountId": {
                    "type": "string",
                    "pattern": "^[0-9]{12}$",
                    "description": "The 12-digit AWS account id"
                },
                "roleName": {
                    "type": "string",
                    "pattern": "^[\\w+=,.@-]{1,64}$",
                    "description": "The role (permission set) to sign in with, e.g. ReadOnly"
                },
                "destination": {
                    "type": "string",
                    "maxLength": 2048,
                    "description": "A service name (s3, ec2, cloudwatch, ...) or an https URL on the AWS console"
                },
                "region": {
                    "type": "string",
                    "pattern": "^[a-z]{2,}(-[a-z0-9]+)+-[0-9]+$",
                    "description": "The console's region (default: the configured region)"
                }
            },
            "required": ["accountId", "roleName"],
            "additionalProperties": false
        }),
        output_schema: Some(json!({
            "type": "object",
            "properties": {
                "accountId": {"type": "string"},
                "roleName": {"type": "string"},
                "region": {"type": "string"},
                "page": {"type": "string", "description": "The service or page opened"},
                "destination": {"type": "string", "description": "The console page the browser landed on"},
                "expiresAt": {"type": "string", "description": "When the console session ends (ISO 8601)"}
            },
            "required": ["accountId", "roleName", "region", "page", "destination", "expiresAt"]
        })),
        // Read-only in AWS; not idempotent: every call opens another browser tab.
        annotations: ToolAnnotations {
            idempotent_hint: Some(false),
            ..ToolAnnotations::read_only()
        },
        ..Default::default()
    }
}
