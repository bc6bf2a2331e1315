//! Why a call stopped before it had a command result to show. Each message says what went wrong
//! and what to do next; none carries a secret. Results of commands that did run (failed, timed
//! out, cancelled) are not errors of this kind: they are rendered by `render.rs`.

use mcp_aws_sso_plugin_api::{ErrorKind, ToolError};

use crate::classify::AwsFailure;

#[derive(Debug, thiserror::Error)]
pub enum Ec2ExecError {
    #[error("`{field}` {problem}")]
    InvalidArgument { field: &'static str, problem: String },

    /// A rule of the plugin kit (instance id, account id, role name, region), in its words.
    #[error("{message}")]
    KitRule { field: &'static str, message: String },

    #[error(
        "No AWS region for the instance: pass `region` (e.g. `us-east-1`), or give the host a default \
         region with AWS_REGION (environment or ~/.mcp/configs.json)."
    )]
    NoRegion,

    #[error(
        "The host runs in read-only mode, and `aws_sso_ec2_exec_command` runs arbitrary commands on an \
         instance, so it is refused. Nothing was sent. Turn read-only mode off (MCP_AWS_SSO_READ_ONLY) \
         to allow it."
    )]
    ReadOnly,

    /// What the host answered when asked for role credentials (not logged in, no such role...).
    #[error("{}", .0.message)]
    Host(ToolError),

    #[error(
        "AWS rejected the credentials of role `{role_name}` in account {account_id} even after they were \
         renewed ({aws}). Sign in again with `aws_sso_login`, then retry."
    )]
    CredentialsRejected {
        role_name: String,
        account_id: String,
        aws: String,
    },

    #[error(
        "Instance {instance_id} was not found in account {account_id}, region {region} ({aws}). Check \
         the instance id, and pass `region` if the instance lives in another region."
    )]
    InstanceNotFound {
        instance_id: String,
        account_id: String,
        region: String,
        aws: String,
    },

    #[error(
        "Instance {instance} is {state}: SSM can only run commands on a running instance. Nothing was \
         sent. {advice}"
    )]
    InstanceNotRunning {
        instance: String,
        state: String,
        advice: String,
    },

    #[error(
        "Instance {instance} is not managed by AWS Systems Manager in {region}, so it cannot receive \
         commands. Nothing was sent. It needs the SSM Agent installed and running, and an instance \
         profile (IAM role) that allows SSM, such as the AmazonSSMManagedInstanceCore policy; it then \
         shows up in `aws ssm describe-instance-information`.{aws}"
    )]
    NotManaged {
        instance: String,
        region: String,
        aws: String,
    },

    #[error(
        "The SSM Agent of instance {instance} is {ping_status}: SSM would hold the command until it \
         times out. Nothing was sent. Check that the instance is healthy and that its agent can reach \
         the SSM endpoints (network, VPC endpoints, instance profile), then try again."
    )]
    AgentOffline { instance: String, ping_status: String },

    #[error(
        "Permission denied: role `{role_name}` in account {account_id} may not call {action} ({aws}). \
         {suggestion}"
    )]
    PermissionDenied {
        action: &'static str,
        role_name: String,
        account_id: String,
        aws: String,
        suggestion: String,
    },

    #[error(
        "Could not reach {service} ({operation}): {detail}.{nothing_sent} Check the network, and the \
         endpoint override (AWS_ENDPOINT_URL_{service_env} / AWS_ENDPOINT_URL) if one is set."
    )]
    Unreachable {
        service: &'static str,
        service_env: &'static str,
        operation: &'static str,
        detail: String,
        /// " Nothing was sent." when SendCommand itself could not connect.
        nothing_sent: &'static str,
    },

    #[error("{operation} failed: {detail}.{context}")]
    Aws {
        operation: &'static str,
        detail: String,
        /// What had already happened (e.g. the command id of a command that was sent).
        context: String,
    },

    #[error(
        "SSM accepted command {command_id} but showed no invocation on {instance_id} for {waited_secs} s. \
         It was cancelled. Check the instance in the SSM console (Run Command history)."
    )]
    InvocationMissing {
        command_id: String,
        instance_id: String,
        waited_secs: u64,
    },

    #[error(
        "SendCommand got no clear answer ({detail}), and SSM lists no command with this call's comment \
         \"{comment}\" on {instance}, so the command most likely never arrived. It was not sent again. \
         Try again; to be sure first, look for that comment in the SSM console's Run Command history."
    )]
    SendNotFound {
        instance: String,
        detail: String,
        comment: String,
    },

    #[error(
        "SendCommand got no clear answer ({detail}), so the command may have started on {instance}. It was sent \
         once and not again; looking it up by its comment failed ({lookup}). Before trying again, look for \
         the comment \"{comment}\" in the SSM console's Run Command history."
    )]
    SendOutcomeUnknown {
        instance: String,
        detail: String,
        comment: String,
        lookup: String,
    },

    #[error("The call was cancelled by the client before the command was sent. Nothing was sent.")]
    CancelledBeforeSend,

    #[error("Internal error: {0}. Report this to the mcp-aws-sso authors.")]
    Internal(String),
}

impl Ec2ExecError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidArgument { .. } | Self::KitRule { .. } | Self::NoRegion => ErrorKind::InvalidArguments,
            Self::ReadOnly | Self::PermissionDenied { .. } => ErrorKind::PermissionDenied,
            Self::Host(error) => error.kind,
            Self::CredentialsRejected { .. } => ErrorKind::NotLoggedIn,
            Self::InstanceNotFound { .. } | Self::NotManaged { .. } => ErrorKind::NotFound,
            Self::InstanceNotRunning { .. }
            | Self::InvocationMissing { .. }
            | Self::Aws { .. }
            | Self::SendNotFound { .. }
            | Self::SendOutcomeUnknown { .. } => ErrorKind::Failed,
            Self::AgentOffline { .. } | Self::Unreachable { .. } => ErrorKind::Unavailable,
            Self::CancelledBeforeSend => ErrorKind::Cancelled,
            Self::Internal(_) => ErrorKind::Internal,
        }
    }

    /// An AWS failure nothing more specific applies to.
    pub fn aws(failure: &AwsFailure, context: impl Into<String>) -> Self {
        let context = context.into();
        Self::Aws {
            operation: failure.operation,
            detail: failure.detail(),
            context: if context.is_empty() {
                context
            } else {
                format!(" {context}")
            },
        }
    }

    pub fn unreachable(service: &'static str, failure: &AwsFailure) -> Self {
        Self::Unreachable {
            service,
            service_env: if service == "EC2" { "EC2" } else { "SSM" },
            operation: failure.operation,
            detail: failure.message.clone(),
            nothing_sent: "",
        }
    }

    /// SendCommand could not connect to SSM, so it surely never left.
    pub fn unreachable_before_send(failure: &AwsFailure) -> Self {
        Self::Unreachable {
            service: "SSM",
            service_env: "SSM",
            operation: failure.operation,
            detail: failure.message.clone(),
            nothing_sent: " Nothing was sent.",
        }
    }

    /// AccessDenied, with the user's other roles in the account as the way out.
    pub fn permission_denied(
        action: &'static str,
        account_id: &str,
        role_name: &str,
        failure: &AwsFailure,
        other_roles: &[String],
    ) -> Self {
        let suggestion = if other_roles.is_empty() {
            format!(
                "Ask an administrator to allow {action} for this permission set, or use another role \
                 (`aws_sso_ls_accounts` lists yours)."
            )
        } else {
            format!(
                "Your other roles in this account: {}. Try one that allows {action}.",
                other_roles
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        Self::PermissionDenied {
            action,
            role_name: role_name.to_string(),
            account_id: account_id.to_string(),
            aws: failure.detail(),
            suggestion,
        }
    }
}

impl From<Ec2ExecError> for ToolError {
    fn from(error: Ec2ExecError) -> Self {
        match error {
            Ec2ExecError::Host(error) => error,
            other => ToolError::new(other.kind(), other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Cause;

    #[test]
    fn an_unconfirmed_send_names_its_comment_and_promises_no_second_send() {
        let not_found = Ec2ExecError::SendNotFound {
            instance: "i-0123abcd (web-1)".into(),
            detail: "dispatch failure".into(),
            comment: "Sent by mcp-aws-sso (aws_sso_ec2_exec_command) call 00ff".into(),
        };
        let unknown = Ec2ExecError::SendOutcomeUnknown {
            instance: "i-0123abcd".into(),
            detail: "timeout".into(),
            comment: "Sent by mcp-aws-sso (aws_sso_ec2_exec_command) call 00ff".into(),
            lookup: "AccessDeniedException: not allowed: ssm:ListCommands".into(),
        };
        for error in [&not_found, &unknown] {
            let text = error.to_string();
            assert!(text.contains("call 00ff"), "{text}");
            assert!(
                text.contains("not sent again") || text.contains("sent once and not again"),
                "{text}"
            );
            assert!(text.contains("Run Command history"), "{text}");
            assert_eq!(error.kind(), ErrorKind::Failed);
        }
        assert!(unknown.to_string().contains("ssm:ListCommands"));
    }

    #[test]
    fn a_refused_connection_says_nothing_was_sent() {
        let failure = AwsFailure::local("ssm:SendCommand", None, "connection refused", Cause::Unreachable);
        let text = Ec2ExecError::unreachable_before_send(&failure).to_string();
        assert!(text.starts_with("Could not reach SSM (ssm:SendCommand): connection refused. Nothing was sent."));
        assert!(
            !Ec2ExecError::unreachable("SSM", &failure)
                .to_string()
                .contains("Nothing was sent")
        );
    }
}
