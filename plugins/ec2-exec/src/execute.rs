//! One call, start to end, inside the plugin's runtime: look the instance up, send the command,
//! wait for it, render the result. Every AWS failure is turned into an error that names its real
//! cause here, in one place.

use std::sync::Arc;
use std::time::Instant;

use mcp_aws_sso_plugin_api::{Host, LogLevel, ToolOutput};

use crate::aws_clients::{Aws, Endpoints};
use crate::classify::{AwsFailure, Cause};
use crate::credentials::RoleCredentials;
use crate::error::Ec2ExecError;
use crate::instance::{self, Target};
use crate::poll::{PollError, Poller};
use crate::progress::Progress;
use crate::render::{Report, render};
use crate::send::{SendError, send_command};
use crate::validation::Request;

pub struct Call<'a> {
    pub host: &'a Host,
    pub request: &'a Request,
    pub credentials: Arc<RoleCredentials>,
    pub endpoints: Endpoints,
    pub max_output_chars: usize,
}

impl Call<'_> {
    pub async fn run(self) -> Result<ToolOutput, Ec2ExecError> {
        let request = self.request;
        let mut progress = Progress::new(self.host);
        let aws = Aws::new(&request.region, self.credentials.clone(), &self.endpoints);

        progress.update(
            "Lookup",
            &format!("Looking up {} in {}", request.instance_id, request.region),
        );
        let target = instance::look_up(&aws, self.host, request).await?;
        if self.host.is_cancelled() {
            return Err(Ec2ExecError::CancelledBeforeSend);
        }

        progress.update("Sending", &format!("Sending the command to {}", target.label()));
        let sent = match send_command(&aws, self.host, &target, request).await {
            Ok(sent) => sent,
            Err(error) => return Err(self.send_error(&target, error).await),
        };
        let command_id = sent.command_id;
        let sent_at = Instant::now();
        if let Some(lost) = &sent.answer_lost {
            self.host.log(
                LogLevel::Warn,
                &format!(
                    "SendCommand's answer was lost ({}); found command {command_id} by its comment, not sending it again",
                    lost.detail()
                ),
            );
        }
        progress.update("Sent", &format!("Sent command {command_id} ({})", target.document()));

        let poller = Poller {
            aws: &aws,
            host: self.host,
            command_id: &command_id,
            instance_id: &request.instance_id,
        };
        let waited = match poller.wait(request.timeout(), &mut progress).await {
            Ok(waited) => waited,
            Err(PollError::InvocationMissing { waited }) => {
                return Err(Ec2ExecError::InvocationMissing {
                    command_id,
                    instance_id: request.instance_id.clone(),
                    waited_secs: waited.as_secs(),
                });
            }
            Err(PollError::Aws(failure)) => {
                let context = format!(
                    "Command {command_id} was sent to {}; it may still be running (see Run Command in the SSM console).",
                    target.label()
                );
                return Err(self
                    .aws_error("SSM", "ssm:GetCommandInvocation", failure, context)
                    .await);
            }
        };
        Ok(render(&Report {
            request,
            target: &target,
            command_id: &command_id,
            waited: &waited,
            duration: sent_at.elapsed(),
            max_output_chars: self.max_output_chars,
            answer_lost: sent.answer_lost.as_ref(),
        }))
    }

    async fn send_error(&self, target: &Target, error: SendError) -> Ec2ExecError {
        let failure = match error {
            SendError::NotSent(failure) => failure,
            SendError::Cancelled => return Ec2ExecError::CancelledBeforeSend,
            SendError::NotFound { failure, comment } => {
                return Ec2ExecError::SendNotFound {
                    instance: target.label(),
                    detail: failure.detail(),
                    comment,
                };
            }
            SendError::Unknown {
                failure,
                comment,
                lookup,
            } => {
                return Ec2ExecError::SendOutcomeUnknown {
                    instance: target.label(),
                    detail: failure.detail(),
                    comment,
                    lookup: lookup.detail(),
                };
            }
        };
        if failure.cause == Cause::Unreachable {
            // Only a connection that could not be made ends up here (`Delivery::NotCarriedOut`).
            return Ec2ExecError::unreachable_before_send(&failure);
        }
        if failure.cause == Cause::InvalidInstance {
            return Ec2ExecError::NotManaged {
                instance: target.label(),
                region: self.request.region.clone(),
                aws: format!(" (SSM: {})", failure.detail()),
            };
        }
        self.aws_error("SSM", "ssm:SendCommand", failure, String::new()).await
    }

    /// The error for an AWS failure, by cause. Access denied lists the user's other roles.
    async fn aws_error(
        &self,
        service: &'static str,
        action: &'static str,
        failure: AwsFailure,
        context: String,
    ) -> Ec2ExecError {
        match failure.cause {
            Cause::AccessDenied => {
                let roles = self.other_roles().await;
                Ec2ExecError::permission_denied(
                    action,
                    &self.request.account_id,
                    &self.request.role_name,
                    &failure,
                    &roles,
                )
            }
            Cause::Unreachable => Ec2ExecError::unreachable(service, &failure),
            Cause::RejectedCredentials => instance::rejected(self.request, &failure),
            _ => Ec2ExecError::aws(&failure, context),
        }
    }

    /// The user's roles in the account other than the one that was denied; none if the host
    /// cannot tell (the suggestion is a courtesy, not worth failing over).
    async fn other_roles(&self) -> Vec<String> {
        let host = self.host.clone();
        let account = self.request.account_id.clone();
        let denied = self.request.role_name.clone();
        tokio::task::spawn_blocking(move || host.account_roles(&account))
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .filter(|role| *role != denied)
            .collect()
    }
}
