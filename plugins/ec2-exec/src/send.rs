//! The remote command's lifecycle calls: SendCommand, and CancelCommand when the call's timeout
//! runs out or the client cancels.

use crate::aws_clients::Aws;
use crate::classify::AwsFailure;
use crate::instance::Target;
use crate::validation::Request;

/// Shown in the SSM console's Run Command history, so an administrator can tell where a command
/// came from. At most 100 characters (SSM's limit).
pub const COMMENT: &str = "Sent by mcp-aws-sso (aws_sso_ec2_exec_command)";

/// SSM's lower bound for SendCommand `TimeoutSeconds` (the delivery timeout).
const MIN_DELIVERY_TIMEOUT_SECONDS: u64 = 30;

/// Sends the command; returns its command id.
///
/// `TimeoutSeconds` (how long SSM tries to deliver) and the document's `executionTimeout` (how
/// long the agent lets the script run) are both the call's timeout, so a command this call
/// gave up on cannot live on even if CancelCommand never arrives.
pub async fn send_command(aws: &Aws, target: &Target, request: &Request) -> Result<String, AwsFailure> {
    let delivery_timeout = request.timeout_seconds.max(MIN_DELIVERY_TIMEOUT_SECONDS);
    let output = aws
        .call("ssm:SendCommand", || {
            aws.ssm
                .send_command()
                .instance_ids(&request.instance_id)
                .document_name(target.document())
                .comment(COMMENT)
                .timeout_seconds(delivery_timeout as i32)
                .parameters("commands", vec![request.command.clone()])
                .parameters("executionTimeout", vec![request.timeout_seconds.to_string()])
                .send()
        })
        .await?;
    output
        .command()
        .and_then(|command| command.command_id())
        .map(str::to_string)
        .ok_or_else(|| AwsFailure {
            operation: "ssm:SendCommand",
            code: None,
            message: "SSM accepted the command but returned no command id".into(),
            cause: crate::classify::Cause::Other,
        })
}

/// Asks SSM to stop the command on the instance.
pub async fn cancel_command(aws: &Aws, command_id: &str, instance_id: &str) -> Result<(), AwsFailure> {
    aws.call("ssm:CancelCommand", || {
        aws.ssm
            .cancel_command()
            .command_id(command_id)
            .instance_ids(instance_id)
            .send()
    })
    .await
    .map(|_| ())
}
