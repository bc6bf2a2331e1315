//! The `exec-command` plugin: the `aws_sso_exec_command` tool (CLI verb `exec-command`), which
//! runs one AWS CLI command with the short-lived credentials of an IAM Identity Center role.
//!
//! Safer than its TypeScript ancestor by construction: no shell is ever involved. The command is
//! split into words, must start with `aws`, and is executed directly in a process group of its
//! own, with the role's credentials (from the host; the plugin never sees the SSO token) in a
//! scrubbed environment.
//!
//! Data flow of one call (`execute` drives it):
//!
//! ```text
//! args JSON ─▶ validation ─▶ command_line ─▶ read_only ─▶ aws_binary
//!           (typed request)  (argv, no shell) (policy)     (PATH lookup)
//!   ─▶ host.credentials ─▶ child_env ─▶ runner ──────────────────────────▶ failure
//!                         (scrubbed)    (process group, capture, timeout,   (expired creds → refresh
//!                                        cancel, progress; process_group)    once and rerun; denied)
//!   ─▶ truncation (redaction, cap) ─▶ render (markdown + structuredContent, tool_spec's schema)
//! ```
//!
//! Settings come from `host.config()` at every call (`settings`): `readOnly`,
//! `callTimeoutSeconds`, `maxOutputChars`.

mod aws_binary;
mod capture;
mod child_env;
mod command_line;
mod consent;
mod execute;
mod failure;
mod process_group;
mod read_only;
mod redaction;
mod render;
mod runner;
mod settings;
mod tool_spec;
mod truncation;
mod validation;

use mcp_aws_sso_plugin_api::{Host, Manifest, Plugin, ToolError, ToolOutput, export_plugin};
use serde_json::Value;

/// The plugin; stateless, so concurrent calls share nothing but the host.
pub struct ExecCommandPlugin;

impl Plugin for ExecCommandPlugin {
    fn manifest(&self) -> Manifest {
        Manifest {
            name: "exec-command".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Runs AWS CLI commands with IAM Identity Center role credentials, without a shell".into(),
            enforces_read_only: true,
            tools: vec![tool_spec::tool_spec()],
            ..Default::default()
        }
    }

    fn call(&self, tool: &str, args: Value, host: &Host) -> Result<ToolOutput, ToolError> {
        match tool {
            tool_spec::TOOL_NAME => execute::exec_command(&args, host),
            other => Err(ToolError::invalid_arguments(format!(
                "The exec-command plugin has no tool `{other}`; it provides `{}`.",
                tool_spec::TOOL_NAME
            ))),
        }
    }
}

export_plugin!(ExecCommandPlugin, ExecCommandPlugin);
