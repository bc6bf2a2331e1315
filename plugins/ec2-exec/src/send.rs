//! The remote command's lifecycle calls: SendCommand, at most once, and CancelCommand when the
//! call's timeout runs out or the client cancels.
//!
//! SendCommand is the one call that must never run twice. The SDK does not retry it
//! (`call_policy::send_command`); this file sends it again only after an answer that says it was
//! not carried out (throttling) or when the connection could not be made. After any other failure
//! it may have been carried out, so `sent_lookup` looks for it by this call's comment instead.

use mcp_aws_sso_plugin_api::Host;

use crate::aws_clients::Aws;
use crate::call_policy;
use crate::classify::{AwsFailure, Cause, Delivery};
use crate::instance::Target;
use crate::sent_lookup::{self, Lookup};
use crate::validation::Request;

/// SSM's lower bound for SendCommand `TimeoutSeconds` (the delivery timeout).
const MIN_DELIVERY_TIMEOUT_SECONDS: u64 = 30;

/// A command SSM took.
#[derive(Debug)]
pub struct Sent {
    pub command_id: String,
    /// Set when SendCommand's answer was lost and the command was found by its comment.
    pub answer_lost: Option<AwsFailure>,
}

#[derive(Debug)]
pub enum SendError {
    /// SSM refused it, or it never left: nothing runs.
    NotSent(AwsFailure),
    /// The client cancelled while a refused SendCommand waited to be sent again: nothing runs.
    Cancelled,
    /// No usable answer, and SSM lists no command with this call's comment.
    NotFound { failure: AwsFailure, comment: String },
    /// No usable answer, and ListCommands failed too: the command may be running.
    Unknown {
        failure: AwsFailure,
        comment: String,
        lookup: AwsFailure,
    },
}

/// Sends the command; returns its command id.
///
/// `TimeoutSeconds` (how long SSM tries to deliver) and the document's `executionTimeout` (how
/// long the agent lets the script run) are both the call's timeout, so a command this call
/// gave up on cannot live on even if CancelCommand never arrives.
pub async fn send_command(aws: &Aws, host: &Host, target: &Target, request: &Request) -> Result<Sent, SendError> {
    let comment = sent_lookup::comment();
    let delivery_timeout = request.timeout_seconds.max(MIN_DELIVERY_TIMEOUT_SECONDS);
    let mut attempt = 1;
    let failure = loop {
        let result = aws
            .call("ssm:SendCommand", || {
                aws.ssm
                    .send_command()
                    .instance_ids(&request.instance_id)
                    .document_name(target.document())
                    .comment(&comment)
                    .timeout_seconds(delivery_timeout as i32)
                    .parameters("commands", vec![request.command.clone()])
                    .parameters("executionTimeout", vec![request.timeout_seconds.to_string()])
                    .customize()
                    .config_override(call_policy::send_command(request.timeout()))
                    .send()
            })
            .await;
        let failure = match result {
            Ok(output) => match output.command().and_then(|command| command.command_id()) {
                Some(id) => {
                    return Ok(Sent {
                        command_id: id.to_string(),
                        answer_lost: None,
                    });
                }
                // Taken, but which command is it? The lookup finds out.
                None => AwsFailure {
                    delivery: Delivery::Unknown,
                    ..AwsFailure::local(
                        "ssm:SendCommand",
                        None,
                        "SSM accepted the command but returned no command id",
                        Cause::Other,
                    )
                },
            },
            Err(failure) => failure,
        };
        if failure.delivery == Delivery::Unknown {
            break failure;
        }
        let worth_again = matches!(failure.cause, Cause::Throttled | Cause::Unreachable);
        if !worth_again || attempt >= call_policy::SEND_ATTEMPTS {
            return Err(SendError::NotSent(failure));
        }
        tokio::time::sleep(call_policy::SEND_BACKOFF * attempt).await;
        if host.is_cancelled() {
            return Err(SendError::Cancelled);
        }
        attempt += 1;
    };
    found_or_error(aws, request, comment, failure).await
}

async fn found_or_error(aws: &Aws, request: &Request, comment: String, failure: AwsFailure) -> Result<Sent, SendError> {
    match sent_lookup::find_sent(aws, &request.instance_id, &comment).await {
        Lookup::Found(command_id) => Ok(Sent {
            command_id,
            answer_lost: Some(failure),
        }),
        Lookup::NotFound => Err(SendError::NotFound { failure, comment }),
        Lookup::Failed(lookup) => Err(SendError::Unknown {
            failure,
            comment,
            lookup,
        }),
    }
}

/// Asks SSM to stop the command on the instance.
pub async fn cancel_command(aws: &Aws, command_id: &str, instance_id: &str) -> Result<(), AwsFailure> {
    aws.call("ssm:CancelCommand", || {
        aws.ssm
            .cancel_command()
            .command_id(command_id)
            .instance_ids(instance_id)
            .customize()
            .config_override(call_policy::cancel())
            .send()
    })
    .await
    .map(|_| ())
}
