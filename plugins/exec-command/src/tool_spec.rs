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

use mcp_aws_sso_plugin_api::{ToolAnnotations, ToolSpec};
use serde_json::{Value, json};

use crate::validation::{
    ACCOUNT_ID_PATTERN, MAX_COMMAND_CHARS, MAX_TIMEOUT_SECONDS, MIN_TIMEOUT_SECONDS, REGION_PATTERN, ROLE_NAME_PATTERN,
};

pub const TOOL_NAME: &str = "aws_sso_exec_command";

const DESCRIPTION: &str = "Runs one AWS CLI command with the short-lived credentials of an AWS IAM Identity Center (AWS SSO) \
role, and returns its output.

- `accountId` and `roleName` choose the credentials: find them with aws_sso_ls_accounts (sign in first with aws_sso_login).
- `command` is a single AWS CLI command starting with `aws`, e.g. `aws ec2 describe-instances --output json`. It runs \
directly, without a shell: pipes, `;`, `&&`, `||`, redirections, `$(...)`, backticks and line breaks are refused. Filter \
and format with `--query` (JMESPath, in single quotes, e.g. `--query 'Reservations[].Instances[].InstanceId'`) and \
`--output json|text|table`. `--profile` is refused: the role's credentials are always used.
- `region` defaults to a `--region` in the command, else the server's configured region (AWS_REGION).
- The command is stopped after `timeoutSeconds` (default: the server's MCP_AWS_SSO_CALL_TIMEOUT, 300 s), and long \
output is cut to the server's MCP_AWS_SSO_MAX_OUTPUT characters with a note.
- When the server runs in read-only mode (MCP_AWS_SSO_READ_ONLY=true), only read operations run: `describe-*`, \
`list-*`, `get-*`, `s3 ls`, `sts get-caller-identity` and similar.
- On AccessDenied the result lists the other roles you have in the account.";

pub fn tool_spec() -> ToolSpec {
    ToolSpec {
        name: TOOL_NAME.into(),
        title: "AWS SSO Execute Command".into(),
        description: DESCRIPTION.into(),
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

pub fn input_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "accountId": {
                "type": "string",
                "pattern": ACCOUNT_ID_PATTERN,
                "description": "AWS account id, 12 digits (see aws_sso_ls_accounts)"
            },
            "roleName": {
                "type": "string",
                "pattern": ROLE_NAME_PATTERN,
                "description": "IAM Identity Center role (permission set) to use in that account, e.g. ReadOnly"
            },
            "command": {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_COMMAND_CHARS,
                "description": "One AWS CLI command starting with `aws`, without shell syntax, e.g. `aws s3 ls`"
            },
            "region": {
                "type": "string",
                "pattern": REGION_PATTERN,
                "description": "AWS region, e.g. us-east-1 (default: --region in the command, else the configured region)"
            },
            "timeoutSeconds": {
                "type": "integer",
                "minimum": MIN_TIMEOUT_SECONDS,
                "maximum": MAX_TIMEOUT_SECONDS,
                "description": "Stop the command after this many seconds (default: the server's call timeout, 300)"
            }
        },
        "required": ["accountId", "roleName", "command"],
        "additionalProperties": false
    })
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
    fn annotations_never_claim_read_only() {
        let spec = tool_spec();
        assert_eq!(spec.annotations.read_only_hint, Some(false));
        assert_eq!(spec.annotations.destructive_hint, Some(true));
        assert_eq!(spec.annotations.open_world_hint, Some(true));
    }
}
