//! The tool's definition: name, description, input and output JSON Schemas, annotations. The input
//! schema is the single definition of the parameters; the host derives MCP listing, argument
//! validation and the `exec-command` CLI verb (`--account-id`, `--role-name`, `--command`,
//! `--region`, `--timeout-seconds`) from it.
//!
//! Annotations and read-only mode: the host reads a manifest once, at load time, while read-only
//! mode is configuration the plugin only sees during a call (`host.config()`). The annotations are
//! therefore static and describe what the tool can do in general: destructive and open-world, not
//! read-only. A client that trusted a read-only hint would run calls without asking its user, so
//! the hint must never claim more safety than every configuration gives; in read-only mode the
//! policy in [`crate::read_only`] refuses writes at call time, and the description says so.
//!
//! The description is short on purpose (every client sends it to the model with every request):
//! each rule once, nothing the schema already says.

use mcp_aws_sso_plugin_api::kit::schema;
use mcp_aws_sso_plugin_api::{ToolAnnotations, ToolSpec};
use serde_json::{Value, json};

use crate::validation::{MAX_COMMAND_CHARS, MAX_TIMEOUT_SECONDS, MIN_TIMEOUT_SECONDS};

pub const TOOL_NAME: &str = "aws_sso_exec_command";

/// The description, with `{workdir}` standing for the work directory.
const DESCRIPTION: &str = "Runs one AWS CLI command with the role's short-lived credentials. No shell (`|`, `;`, \
`&&`, `>`, `$(...)` are refused): filter with `--query`/`--output`. Global options in full; no `--profile`, no \
unconfigured `--endpoint-url`. Local files (`file://`, `s3 cp` paths, outfiles) only in {workdir}; relative paths \
resolve there. Read-only mode runs reads only. AccessDenied lists your other roles.";

/// The work directory as the manifest can know it: `MCP_AWS_SSO_EXEC_WORKDIR` or the default
/// from the server's environment (a value set only in configs.json is applied at call time, and
/// refusals name it).
fn described_workdir() -> String {
    let settings = crate::settings::Settings {
        workdir: std::env::var_os("MCP_AWS_SSO_EXEC_WORKDIR").map(Into::into),
        ..crate::settings::Settings::from_config(&Value::Null)
    };
    settings
        .workdir(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
        .map(|dir| format!("`{}`", dir.display()))
        .unwrap_or_else(|| "the work directory (MCP_AWS_SSO_EXEC_WORKDIR)".into())
}

pub fn tool_spec() -> ToolSpec {
    ToolSpec {
        name: TOOL_NAME.into(),
        title: "AWS SSO Execute Command".into(),
        description: DESCRIPTION.replace("{workdir}", &described_workdir()),
        input_schema: input_schema(),
        output_schema: Some(output_schema()),
        annotations: ToolAnnotations {
            read_only_hint: Some(false),
            destructive_hint: Some(true),
            idempotent_hint: Some(false),
            open_world_hint: Some(true),
        },
        ..Default::default()
    }
}

/// Account id, role name and region are the kit's fragments (an integer account id is accepted
/// and zero-padded), with descriptions of this tool.
pub fn input_schema() -> Value {
    schema::object(
        [
            (
                "accountId",
                schema::described(schema::account_id(), "AWS account id (12 digits)"),
            ),
            (
                "roleName",
                schema::described(schema::role_name(), "Role (permission set) in that account"),
            ),
            (
                "command",
                json!({
                    "type": "string",
                    "minLength": 1,
                    "maxLength": MAX_COMMAND_CHARS,
                    "description": "e.g. `aws s3 ls`"
                }),
            ),
            (
                "region",
                schema::described(
                    schema::region(),
                    "Default: --region in the command, else the server's region",
                ),
            ),
            (
                "timeoutSeconds",
                json!({
                    "type": "integer",
                    "minimum": MIN_TIMEOUT_SECONDS,
                    "maximum": MAX_TIMEOUT_SECONDS,
                    "description": "Default: the server's call timeout (300)"
                }),
            ),
        ],
        &["accountId", "roleName", "command"],
    )
}

/// The shape of `structuredContent`, on success and on a failed command alike.
pub fn output_schema() -> Value {
    let count = json!({"type": "integer", "minimum": 0});
    json!({
        "type": "object",
        "properties": {
            "accountId": {"type": "string"},
            "roleName": {"type": "string"},
            "region": {"type": "string"},
            "command": {"type": "string", "description": "The command as given"},
            "exitCode": {"type": ["integer", "null"], "description": "null when the command was stopped or killed"},
            "stdout": {"type": "string", "description": "Standard output, cut to the output cap when `truncated`"},
            "stderr": {"type": "string", "description": "Standard error, cut to the output cap when `truncated`"},
            "truncated": {"type": "boolean", "description": "True when stdout or stderr was cut"},
            "stdoutBytes": count.clone(),
            "stderrBytes": count.clone(),
            "durationMs": count,
            "timedOut": {"type": "boolean"},
            "errorKind": {
                "type": "string",
                "enum": ["permission_denied", "credentials_rejected", "timeout", "failed"],
                "description": "Present when the command failed"
            },
            "suggestedRoles": {
                "type": "array",
                "items": {"type": "string"},
                "description": "On permission_denied: the other roles you have in the account"
            }
        },
        "required": [
            "accountId", "roleName", "region", "command", "exitCode", "stdout", "stderr",
            "truncated", "stdoutBytes", "stderrBytes", "durationMs", "timedOut"
        ],
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_are_valid_json_schemas() {
        jsonschema::validator_for(&input_schema()).unwrap();
        jsonschema::validator_for(&output_schema()).unwrap();
    }

    #[test]
    fn the_input_schema_refuses_what_validation_refuses() {
        let validator = jsonschema::validator_for(&input_schema()).unwrap();
        let ok = json!({"accountId": "123456789012", "roleName": "ReadOnly", "command": "aws s3 ls", "region": "eu-west-1", "timeoutSeconds": 30});
        assert!(validator.is_valid(&ok));
        assert!(
            validator.is_valid(&json!({"accountId": 12345678901u64, "roleName": "ReadOnly", "command": "aws s3 ls"}))
        );
        for bad in [
            json!({"accountId": "1234", "roleName": "ReadOnly", "command": "aws s3 ls"}),
            json!({"accountId": "123456789012", "roleName": "Read Only", "command": "aws s3 ls"}),
            json!({"accountId": "123456789012", "roleName": "ReadOnly", "command": ""}),
            json!({"accountId": "123456789012", "roleName": "ReadOnly", "command": "aws s3 ls", "region": "mars"}),
            json!({"accountId": "123456789012", "roleName": "ReadOnly", "command": "aws s3 ls", "timeoutSeconds": 0}),
            json!({"accountId": "123456789012", "roleName": "ReadOnly"}),
            json!({"accountId": "123456789012", "roleName": "ReadOnly", "command": "aws s3 ls", "shell": true}),
        ] {
            assert!(!validator.is_valid(&bad), "{bad}");
        }
    }

    #[test]
    fn the_description_names_the_work_directory_and_stays_short() {
        let spec = tool_spec();
        assert!(spec.description.contains("mcp-aws-sso") || spec.description.contains("MCP_AWS_SSO_EXEC_WORKDIR"));
        assert!(!spec.description.contains("{workdir}"));
        assert!(spec.description.len() < 700, "{}", spec.description.len());
    }

    #[test]
    fn annotations_never_claim_read_only() {
        let spec = tool_spec();
        assert_eq!(spec.annotations.read_only_hint, Some(false));
        assert_eq!(spec.annotations.destructive_hint, Some(true));
        assert_eq!(spec.annotations.open_world_hint, Some(true));
    }
}
