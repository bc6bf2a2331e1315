//! The `ec2-exec` plugin: `aws_sso_ec2_exec_command` runs a shell command on an EC2 instance
//! through AWS Systems Manager Run Command, with the role credentials of the signed-in AWS SSO
//! user. CLI verb: `ec2-exec-command`.
//!
//! Data flow of one call (`Plugin::call`, on a blocking thread of the host):
//!
//! ```text
//! args ─validation──▶ Request (region: argument > host default; timeout)
//!      ─credentials─▶ RoleCredentials (from the host; refreshed once if AWS rejects them)
//!      ─execute (in the plugin's own tokio runtime)─────────────────────────────────────────┐
//!        instance: EC2 DescribeInstances + SSM DescribeInstanceInformation ─▶ Target        │
//!        send:     SendCommand, at most once (AWS-RunShellScript | AWS-RunPowerShellScript)│
//!                  answer lost? ─▶ sent_lookup: ListCommands by this call's comment       │
//!                  ─▶ command id                                                          │
//!        poll:     GetCommandInvocation, adaptive, progress, timeout/cancel ─▶ CancelCommand│
//!        render:   markdown + structuredContent (+ isError) ◀────────────────────────────────┘
//! ```
//!
//! Files: `tool_spec` (the schema), `validation`, `credentials`, `aws_clients` (SDK config by
//! hand, one credential refresh), `call_policy` (retries and timeouts per operation), `instance`,
//! `send`, `sent_lookup`, `poll`, `progress`, `classify` (real causes of failures, and whether a
//! failed request may have been carried out), `error`, `render`, `execute` (the sequence).

mod aws_clients;
mod call_policy;
mod classify;
mod consent;
mod credentials;
mod error;
mod execute;
mod instance;
mod poll;
mod progress;
mod render;
mod send;
mod sent_lookup;
mod tool_spec;
mod validation;

use std::sync::OnceLock;

use mcp_aws_sso_plugin_api::kit::{HostLimits, Tool, ToolPlugin};
use mcp_aws_sso_plugin_api::{Host, ToolError, ToolOutput, ToolSpec, export_plugin};
use serde_json::Value;

use aws_clients::Endpoints;
use credentials::RoleCredentials;
use error::Ec2ExecError;
use validation::HostDefaults;

/// The one tool. Its arguments are read by `validation` (which says what to fix), so it takes
/// them as JSON.
struct Ec2ExecCommand {
    /// Created on the first call. Two workers drive the SDK's connections while callers block
    /// on their own futures; the host may call from several threads at once.
    runtime: OnceLock<tokio::runtime::Runtime>,
}

impl Ec2ExecCommand {
    fn runtime(&self) -> Result<&tokio::runtime::Runtime, Ec2ExecError> {
        if let Some(runtime) = self.runtime.get() {
            return Ok(runtime);
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("ec2-exec")
            .enable_all()
            .build()
            .map_err(|e| Ec2ExecError::Internal(format!("cannot start the plugin's runtime: {e}")))?;
        // Another thread may have won the race; its runtime is used and this one dropped.
        Ok(self.runtime.get_or_init(|| runtime))
    }

    fn ec2_exec_command(&self, args: &Value, host: &Host) -> Result<ToolOutput, Ec2ExecError> {
        let limits = HostLimits::of(host);
        let defaults = HostDefaults {
            region: host.default_region(),
            call_timeout_seconds: Some(limits.call_timeout.as_secs()),
        };
        let request = validation::parse(args, &defaults)?;
        if limits.read_only {
            return Err(Ec2ExecError::ReadOnly);
        }
        consent::ask(host, &request).map_err(Ec2ExecError::Host)?;
        let credentials =
            RoleCredentials::fetch(host, &request.account_id, &request.role_name).map_err(Ec2ExecError::Host)?;
        let call = execute::Call {
            host,
            request: &request,
            credentials,
            endpoints: Endpoints {
                ssm: host.endpoint_url("ssm"),
                ec2: host.endpoint_url("ec2"),
            },
            max_output_chars: limits.max_output_chars,
        };
        self.runtime()?.block_on(call.run())
    }
}

impl Tool for Ec2ExecCommand {
    type Args = Value;

    fn spec(&self) -> ToolSpec {
        tool_spec::ec2_exec_command()
    }

    fn run(&self, args: Value, host: &Host) -> Result<ToolOutput, ToolError> {
        self.ec2_exec_command(&args, host).map_err(ToolError::from)
    }
}

export_plugin!(
    ToolPlugin,
    ToolPlugin::new("ec2-exec", env!("CARGO_PKG_VERSION"))
        .description("Runs shell commands on EC2 instances through AWS Systems Manager")
        .tool(Ec2ExecCommand {
            runtime: OnceLock::new()
        })
);
