//! Asking the person before a command is sent to an instance (`MCP_AWS_SSO_CONFIRM`). A shell
//! command on an instance can change anything, so it is never read-only: `mutations` asks every
//! time, like `all`. The policy and the question's mechanics are plugin-api's.

use mcp_aws_sso_plugin_api::{Host, ToolError, consent};

use crate::validation::Request;

/// `Ok(())`: send it. Called before credentials are fetched, so nothing reaches AWS before a yes.
pub fn ask(host: &Host, request: &Request) -> Result<(), ToolError> {
    let message = format!(
        "Run this shell command on EC2 instance {} (through SSM Run Command)?\n\n    {}\n\nAccount: {}\nRole: {}\n\
         Region: {}\n\nA shell command on an instance may change anything on it.",
        request.instance_id, request.command, request.account_id, request.role_name, request.region
    );
    consent::require_consent(host, false, &message)
}
