//! The `exec-command` plugin: the `aws_sso_exec_command` tool (CLI verb `exec-command`), which
//! runs one AWS CLI command with the short-lived credentials of an IAM Identity Center role.
//!
//! Safer than its TypeScript ancestor by construction, against a model that sends any string: no
//! shell is ever involved (the command is split into words, must start with `aws`, and is
//! executed directly in a process group of its own); the command is read with the AWS CLI's own
//! grammar, so policies see what the CLI will do; and the CLI runs in a private sandbox (its own
//! HOME, a generated config, no credentials file, an allow-listed environment with the role's
//! credentials — the plugin never sees the SSO token).
//!
//! Data flow of one call (`execute` drives it):
//!
//! ```text
//! args JSON ─▶ validation ─▶ command_line ─▶ cli_grammar ─▶ endpoint_policy, local_programs,
//!           (typed request)  (argv, no shell) (globals, service,  read_only (refusals)
//!                                              operation)
//!   ─▶ local_paths ─▶ aws_binary ─▶ host.credentials ─▶ sandbox + child_env ─▶ runner ──▶ failure
//!      (work dir)     (PATH or                          (private HOME, config,  (process group,
//!                      MCP_AWS_SSO_AWS_CLI)              allow-listed env)       timeout, cancel)
//!   ─▶ truncation (redaction, cap) ─▶ render (markdown + structuredContent, tool_spec's schema)
//! ```
//!
//! Settings come from `host.config()` at every call (`settings`).

mod aws_binary;
mod capture;
mod child_env;
mod cli_grammar;
mod command_line;
mod consent;
mod endpoint_policy;
mod execute;
mod failure;
#[doc(hidden)]
pub mod fuzzing;
mod local_paths;
mod local_programs;
#[cfg(test)]
mod policy_table;
mod process_group;
mod read_only;
mod redaction;
mod render;
mod runner;
mod sandbox;
mod settings;
mod streaming_operations;
mod tool_spec;
mod truncation;
mod validation;

use mcp_aws_sso_plugin_api::kit::{Tool, ToolPlugin};
use mcp_aws_sso_plugin_api::{Host, ToolError, ToolOutput, ToolSpec, export_plugin};
use serde_json::Value;

/// The one tool; stateless, so concurrent calls share nothing but the host. Its arguments are
/// read by `validation` (which says what to fix), so it takes them as JSON.
struct ExecCommand;

impl Tool for ExecCommand {
    type Args = Value;

    fn spec(&self) -> ToolSpec {
        tool_spec::tool_spec()
    }

    fn run(&self, args: Value, host: &Host) -> Result<ToolOutput, ToolError> {
        execute::exec_command(&args, host)
    }
}

export_plugin!(
    ToolPlugin,
    ToolPlugin::new("exec-command", env!("CARGO_PKG_VERSION"))
        .description("Runs AWS CLI commands with IAM Identity Center role credentials, without a shell")
        .enforces_read_only()
        .tool(ExecCommand)
);
