//! The tool's declaration: name, description, input and output schemas, annotations, limits.
//!
//! The host builds the MCP listing, argument validation, the CLI verb (`ec2-exec-command`) and its
//! `--help` from this schema, so it is the one place the parameters live. `validation.rs` re-checks
//! the same rules with messages that say what to do next.

use mcp_aws_sso_plugin_api::kit::schema;
use mcp_aws_sso_plugin_api::{ToolAnnotations, ToolSpec};
use serde_json::{Value, json};

pub const EC2_EXEC_COMMAND: &str = "aws_sso_ec2_exec_command";

/// How long a command may run when the caller names no timeout.
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 60;
/// The longest `timeoutSeconds` a call may ask for: one hour, the default `executionTimeout` of
/// `AWS-RunShellScript`. Longer jobs belong in SSM directly (S3 output, notifications).
pub const MAX_TIMEOUT_SECONDS: u64 = 3600;

pub fn ec2_exec_command() -> ToolSpec {
    ToolSpec {
        name: EC2_EXEC_COMMAND.into(),
        title: "AWS SSO EC2 Execute Command".into(),
        description: description(),
        input_schema: input_schema(),
        output_schema: Some(output_schema()),
        annotations: ToolAnnotations::destructive(),
        ..Default::default()
    }
}

/// What the model reads to decide when and how to call the tool. Each thing is said once, here or
/// in the schema, and nothing the schema already says (types, limits, defaults) is repeated.
fn description() -> String {
    "Runs a shell command (PowerShell on Windows) on an EC2 instance or SSM managed node through SSM \
Run Command, as an AWS SSO role; no SSH needed. Sign in first with `aws_sso_login`. The instance needs \
a running SSM Agent and an instance profile allowing SSM; the role needs ssm:SendCommand, \
ssm:GetCommandInvocation, ssm:CancelCommand and ssm:ListCommands. A stopped or unmanaged instance is \
reported without sending. The command is sent at most once, and cancelled when the timeout runs out \
or the call is cancelled. Returns the exit code, SSM status, stdout and stderr (SSM keeps the first \
24,000 and 8,000 characters). A non-zero exit is an error result with the full output."
        .to_string()
}

/// Instance id, account id (a JSON integer too), role name and region are the kit's fragments,
/// with descriptions of this tool.
fn input_schema() -> Value {
    schema::object(
        [
            (
                "instanceId",
                schema::described(schema::instance_id(), "EC2 instance id or managed node id (mi-...)"),
            ),
            (
                "accountId",
                schema::described(schema::account_id(), "Account that owns the instance"),
            ),
            (
                "roleName",
                schema::described(schema::role_name(), "SSO role (permission set) to run as"),
            ),
            (
                "command",
                json!({
                    "type": "string",
                    "minLength": 1,
                    "description": "Script to run on the instance"
                }),
            ),
            (
                "region",
                schema::described(schema::region(), "Instance's region; default: the host's AWS_REGION"),
            ),
            (
                "timeoutSeconds",
                json!({
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_TIMEOUT_SECONDS,
                    "default": DEFAULT_TIMEOUT_SECONDS,
                    "description": "Seconds to wait before cancelling the command"
                }),
            ),
        ],
        &["instanceId", "accountId", "roleName", "command"],
    )
}

/// The outcome names of `structuredContent.outcome`; `render.rs` and `classify.rs` produce them.
pub const OUTCOMES: &[&str] = &[
    "success",
    "command_failed",
    "execution_timed_out",
    "delivery_timed_out",
    "undeliverable",
    "wrong_platform",
    "timed_out",
    "cancelled_by_client",
    "cancelled",
    "failed",
];

fn output_schema() -> Value {
    let nullable_string = json!({"type": ["string", "null"]});
    json!({
        "type": "object",
        "properties": {
            "instanceId": {"type": "string"},
            "instanceName": nullable_string,
            "accountId": {"type": "string"},
            "roleName": {"type": "string"},
            "region": {"type": "string"},
            "platform": nullable_string,
            "document": {"type": "string"},
            "command": {"type": "string"},
            "commandId": {"type": "string"},
            "status": {
                "type": "string",
                "description": "The last SSM invocation status: Success, Failed, TimedOut, Cancelled, Cancelling, or Pending/InProgress/Delayed when the call stopped waiting"
            },
            "statusDetails": nullable_string,
            "responseCode": {
                "type": ["integer", "null"],
                "description": "The command's exit code as SSM reports it (-1 when it did not run to an exit)"
            },
            "stdout": {"type": "string"},
            "stderr": {"type": "string"},
            "stdoutTruncated": {"type": "boolean", "description": "SSM kept only the first 24,000 characters"},
            "stderrTruncated": {"type": "boolean", "description": "SSM kept only the first 8,000 characters"},
            "outcome": {"type": "string", "enum": OUTCOMES},
            "cancelSent": {"type": "boolean", "description": "This call sent CancelCommand for the remote command"},
            "timeoutSeconds": {"type": "integer"},
            "executionStartTime": nullable_string,
            "executionEndTime": nullable_string,
            "durationMs": {"type": "integer", "description": "From SendCommand to the result"}
        },
        "required": [
            "instanceId", "instanceName", "accountId", "roleName", "region", "platform", "document",
            "command", "commandId", "status", "statusDetails", "responseCode", "stdout", "stderr",
            "stdoutTruncated", "stderrTruncated", "outcome", "cancelSent", "timeoutSeconds",
            "executionStartTime", "executionEndTime", "durationMs"
        ],
        "additionalProperties": false
    })
}
