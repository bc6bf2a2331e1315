//! The tool's declaration. The host builds MCP listing, argument validation, the CLI verb
//! (`check-access`) and its `--help` from this schema, so it is the one place parameters live.

use mcp_aws_sso_plugin_api::kit::schema;
use mcp_aws_sso_plugin_api::{ToolAnnotations, ToolSpec};
use serde_json::json;

pub const CHECK_ACCESS: &str = "aws_sso_check_access";

pub fn check_access() -> ToolSpec {
    ToolSpec {
        name: CHECK_ACCESS.into(),
        title: "AWS SSO Check Role Access".into(),
        description: "Checks which of your roles in an account are usable now, by getting short-lived \
                      credentials for each (or one named role); reports their expiry or why not. Never shows \
                      credentials."
            .into(),
        input_schema: schema::object(
            [
                ("accountId", schema::account_id()),
                (
                    "roleName",
                    schema::described(schema::role_name(), "Only this role (default: all of yours there)"),
                ),
            ],
            &["accountId"],
        ),
        output_schema: Some(json!({
            "type": "object",
            "properties": {
                "accountId": {"type": "string"},
                "roles": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "roleName": {"type": "string"},
                            "usable": {"type": "boolean"},
                            "expiresAt": {"type": ["integer", "null"], "description": "Unix seconds"},
                            "error": {"type": ["string", "null"]}
                        },
                        "required": ["roleName", "usable"]
                    }
                },
                "usable": {"type": "integer"},
                "checked": {"type": "integer"}
            },
            "required": ["accountId", "roles", "usable", "checked"]
        })),
        annotations: ToolAnnotations::read_only(),
    }
}
