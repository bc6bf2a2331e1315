//! Asking the person before a command runs (`MCP_AWS_SSO_CONFIRM`). When to ask, how, and what a
//! refusal says are plugin-api's ([`consent::require_consent`]); this module only decides whether
//! the command is read-only (the grammar's parse and the classification read-only mode uses) and what the question
//! shows: the command, the account, the role and the region.

use mcp_aws_sso_plugin_api::{Host, ToolError, consent};

use crate::cli_grammar::Invocation;
use crate::read_only;
use crate::validation::ExecRequest;

/// `Ok(())`: run it. Called after every other check, just before credentials are fetched, so a
/// command that would be refused anyway is never put to the person.
pub fn ask(host: &Host, request: &ExecRequest, invocation: &Invocation, region: &str) -> Result<(), ToolError> {
    let read_only = read_only::check(invocation).is_ok();
    let effect = if read_only {
        "It only reads."
    } else {
        "It is not a read-only command: it may change things in AWS."
    };
    let message = format!(
        "Run this AWS CLI command?\n\n    {}\n\nAccount: {}\nRole: {}\nRegion: {region}\n\n{effect}",
        request.command, request.account_id, request.role_name
    );
    consent::require_consent(host, read_only, &message)
}
