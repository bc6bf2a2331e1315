//! Naming the real cause of a failure: what an AWS error means for this tool, and what the final
//! state of an invocation means for the person who ran the command.
//!
//! The TypeScript server called almost every failure "Permission Denied". Here a permission
//! problem is only ever an answer from AWS with a code in the kit's `ACCESS_DENIED` set; a command
//! that ran and exited non-zero is `command_failed` with its exit code.

use aws_sdk_ssm::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use mcp_aws_sso_plugin_api::kit::aws_errors::{self, AwsErrorClass};

/// What an AWS error means for this tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// Rate exceeded: wait and try again.
    Throttled,
    /// The role credentials are expired or no longer accepted: get fresh ones once and retry.
    RejectedCredentials,
    /// The role may not call this operation.
    AccessDenied,
    /// EC2 does not know the instance (or the id is malformed).
    InstanceNotFound,
    /// SSM refuses the instance: unknown, not managed, or not in a state to receive commands.
    InvalidInstance,
    /// GetCommandInvocation has no record (yet) for this command and instance.
    InvocationDoesNotExist,
    /// The endpoint does not offer the operation (an emulator, a partial implementation).
    NotImplemented,
    /// No answer: connection refused, DNS, TLS, timeout.
    Unreachable,
    /// A server-side error worth retrying later (5xx).
    Transient,
    Other,
}

/// What a failed request did at AWS, as far as the client can tell. This decides whether sending
/// it again could run a command twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Surely not carried out: AWS refused it (a 4xx answer: invalid, denied, throttled), or it
    /// never left (it could not be built, the connection could not be made).
    NotCarriedOut,
    /// It may have been carried out: it may have left, and no usable answer came back (a
    /// timeout, a connection dropped mid-call, an unreadable answer, a 5xx).
    Unknown,
}

/// An AWS error reduced to what the tool needs to decide and to tell the user.
#[derive(Debug, Clone)]
pub struct AwsFailure {
    pub operation: &'static str,
    pub code: Option<String>,
    pub message: String,
    pub cause: Cause,
    pub delivery: Delivery,
}

impl AwsFailure {
    /// A failure found by the plugin itself (an answer it cannot use, a request it cannot build).
    pub fn local(operation: &'static str, code: Option<&str>, message: impl Into<String>, cause: Cause) -> Self {
        Self {
            operation,
            code: code.map(str::to_string),
            message: message.into(),
            cause,
            delivery: Delivery::NotCarriedOut,
        }
    }

    /// `code: message` as AWS sent them, for error texts.
    pub fn detail(&self) -> String {
        match &self.code {
            Some(code) if !self.message.is_empty() => format!("{code}: {}", self.message),
            Some(code) => code.clone(),
            None => self.message.clone(),
        }
    }
}

pub fn classify<E>(operation: &'static str, error: &SdkError<E>) -> AwsFailure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match error {
        SdkError::ServiceError(_) | SdkError::ResponseError(_) => {
            let code = error.code().map(str::to_string);
            let status = error.raw_response().map(|r| r.status().as_u16());
            let message = error
                .message()
                .map(str::to_string)
                .unwrap_or_else(|| DisplayErrorContext(error).to_string());
            let cause = cause_of(code.as_deref(), status);
            // A 4xx error answer says the request was refused; an unreadable answer (whatever its
            // status) or a 5xx does not say what happened.
            let refused = matches!(error, SdkError::ServiceError(_)) && status.is_some_and(|s| (400..500).contains(&s));
            AwsFailure {
                operation,
                code,
                message,
                cause,
                delivery: if refused {
                    Delivery::NotCarriedOut
                } else {
                    Delivery::Unknown
                },
            }
        }
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => AwsFailure {
            operation,
            code: None,
            message: DisplayErrorContext(error).to_string(),
            cause: Cause::Unreachable,
            delivery: if matches!(error, SdkError::DispatchFailure(_)) && never_connected(error) {
                Delivery::NotCarriedOut
            } else {
                Delivery::Unknown
            },
        },
        // Construction failures include a credentials provider that could not answer.
        SdkError::ConstructionFailure(_) => AwsFailure {
            operation,
            code: None,
            message: DisplayErrorContext(error).to_string(),
            cause: Cause::Other,
            delivery: Delivery::NotCarriedOut,
        },
        _ => AwsFailure {
            operation,
            code: None,
            message: DisplayErrorContext(error).to_string(),
            cause: Cause::Other,
            delivery: Delivery::Unknown,
        },
    }
}

/// Whether a dispatch failure happened before a connection existed (DNS, TCP connect, TLS
/// handshake, connect timeout), so that no byte of the request can have reached AWS. Anything
/// this cannot recognise counts as "may have been sent": that costs a lookup, never a second run.
fn never_connected(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(error) = next {
        if error
            .downcast_ref::<hyper_util::client::legacy::Error>()
            .is_some_and(hyper_util::client::legacy::Error::is_connect)
        {
            return true;
        }
        if error
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused)
        {
            return true;
        }
        next = error.source();
    }
    false
}

/// The cause behind an error code (and HTTP status, for answers without a code). Throttling,
/// rejected credentials, access denied and transient faults are the kit's code sets; the rest is
/// what EC2 and SSM say about instances and invocations.
pub fn cause_of(code: Option<&str>, status: Option<u16>) -> Cause {
    // No status: the kit's status rules (403 = denied) are not this plugin's.
    match aws_errors::classify(code, None) {
        AwsErrorClass::Throttled => return Cause::Throttled,
        AwsErrorClass::CredentialsRejected => return Cause::RejectedCredentials,
        AwsErrorClass::AccessDenied => return Cause::AccessDenied,
        AwsErrorClass::Transient => return Cause::Transient,
        AwsErrorClass::Other => {}
    }
    match code {
        Some("InvalidInstanceID.NotFound" | "InvalidInstanceID.Malformed" | "InvalidInstanceID") => {
            Cause::InstanceNotFound
        }
        Some("InvalidInstanceId") => Cause::InvalidInstance,
        Some("InvocationDoesNotExist") => Cause::InvocationDoesNotExist,
        Some(
            "UnknownOperationException"
            | "InvalidAction"
            | "NotImplemented"
            | "UnsupportedOperation"
            | "UnsupportedOperationException",
        ) => Cause::NotImplemented,
        _ => match status {
            Some(501) => Cause::NotImplemented,
            Some(429) => Cause::Throttled,
            Some(500..=599) => Cause::Transient,
            _ => Cause::Other,
        },
    }
}

/// How a command ended, from the tool's point of view. `structuredContent.outcome` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// The script ran and exited non-zero.
    CommandFailed,
    /// The agent stopped the script at `executionTimeout`.
    ExecutionTimedOut,
    /// The instance never picked the command up before `TimeoutSeconds`.
    DeliveryTimedOut,
    /// SSM could not deliver: the instance was terminated or its agent is gone.
    Undeliverable,
    /// The document does not support the instance's platform.
    WrongPlatform,
    /// This call's timeout ran out; it sent CancelCommand.
    TimedOut,
    /// The client cancelled the call; it sent CancelCommand.
    CancelledByClient,
    /// Somebody else cancelled the command.
    Cancelled,
    /// Any other final failure SSM reported.
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::CommandFailed => "command_failed",
            Self::ExecutionTimedOut => "execution_timed_out",
            Self::DeliveryTimedOut => "delivery_timed_out",
            Self::Undeliverable => "undeliverable",
            Self::WrongPlatform => "wrong_platform",
            Self::TimedOut => "timed_out",
            Self::CancelledByClient => "cancelled_by_client",
            Self::Cancelled => "cancelled",
            Self::Failed => "failed",
        }
    }

    pub fn is_success(self) -> bool {
        self == Self::Success
    }
}

/// The outcome of an invocation that reached a final SSM status on its own.
pub fn outcome_of(status: &str, status_details: Option<&str>, response_code: Option<i32>) -> Outcome {
    match (status, status_details.unwrap_or_default()) {
        ("Success", _) if response_code.unwrap_or(0) == 0 => Outcome::Success,
        ("Success", _) => Outcome::CommandFailed,
        (_, "DeliveryTimedOut") => Outcome::DeliveryTimedOut,
        (_, "ExecutionTimedOut") => Outcome::ExecutionTimedOut,
        ("TimedOut", _) => Outcome::ExecutionTimedOut,
        (_, "Undeliverable") => Outcome::Undeliverable,
        (_, "InvalidPlatform") => Outcome::WrongPlatform,
        ("Cancelled" | "Cancelling", _) => Outcome::Cancelled,
        ("Failed", _) if response_code.is_some_and(|code| code >= 0) => Outcome::CommandFailed,
        _ => Outcome::Failed,
    }
}

/// SSM statuses after which an invocation changes no more (`Cancelling` counts: it only ever
/// becomes `Cancelled`, and whoever cancelled is not waiting for us).
pub fn is_final(status: &str) -> bool {
    matches!(status, "Success" | "Failed" | "Cancelled" | "TimedOut" | "Cancelling")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_map_to_their_real_cause() {
        assert_eq!(cause_of(Some("ThrottlingException"), Some(400)), Cause::Throttled);
        assert_eq!(cause_of(Some("RequestLimitExceeded"), Some(503)), Cause::Throttled);
        assert_eq!(
            cause_of(Some("ExpiredTokenException"), Some(400)),
            Cause::RejectedCredentials
        );
        assert_eq!(
            cause_of(Some("UnrecognizedClientException"), Some(400)),
            Cause::RejectedCredentials
        );
        assert_eq!(cause_of(Some("AuthFailure"), Some(401)), Cause::RejectedCredentials);
        assert_eq!(cause_of(Some("AccessDeniedException"), Some(400)), Cause::AccessDenied);
        assert_eq!(cause_of(Some("UnauthorizedOperation"), Some(403)), Cause::AccessDenied);
        assert_eq!(
            cause_of(Some("InvalidInstanceID.NotFound"), Some(400)),
            Cause::InstanceNotFound
        );
        assert_eq!(cause_of(Some("InvalidInstanceId"), Some(400)), Cause::InvalidInstance);
        assert_eq!(
            cause_of(Some("InvocationDoesNotExist"), Some(400)),
            Cause::InvocationDoesNotExist
        );
        assert_eq!(cause_of(None, Some(501)), Cause::NotImplemented);
        assert_eq!(cause_of(None, Some(500)), Cause::Transient);
        assert_eq!(cause_of(Some("ValidationException"), Some(400)), Cause::Other);
    }

    #[test]
    fn a_failed_command_is_a_command_failure_not_a_permission_problem() {
        assert_eq!(outcome_of("Failed", Some("Failed"), Some(3)), Outcome::CommandFailed);
        assert_eq!(outcome_of("Success", Some("Success"), Some(0)), Outcome::Success);
        assert_eq!(
            outcome_of("TimedOut", Some("DeliveryTimedOut"), Some(-1)),
            Outcome::DeliveryTimedOut
        );
        assert_eq!(
            outcome_of("TimedOut", Some("ExecutionTimedOut"), Some(137)),
            Outcome::ExecutionTimedOut
        );
        assert_eq!(
            outcome_of("Failed", Some("InvalidPlatform"), Some(-1)),
            Outcome::WrongPlatform
        );
        assert_eq!(
            outcome_of("Failed", Some("Undeliverable"), Some(-1)),
            Outcome::Undeliverable
        );
        assert_eq!(outcome_of("Cancelled", Some("Cancelled"), Some(-1)), Outcome::Cancelled);
        assert_eq!(
            outcome_of("Cancelling", Some("Cancelling"), Some(-1)),
            Outcome::Cancelled
        );
        assert_eq!(outcome_of("Failed", Some("Failed"), Some(-1)), Outcome::Failed);
    }

    #[test]
    fn the_output_schema_lists_every_outcome() {
        use Outcome::*;
        let all = [
            Success,
            CommandFailed,
            ExecutionTimedOut,
            DeliveryTimedOut,
            Undeliverable,
            WrongPlatform,
            TimedOut,
            CancelledByClient,
            Cancelled,
            Failed,
        ];
        let names: Vec<&str> = all.iter().map(|o| o.as_str()).collect();
        assert_eq!(names, crate::tool_spec::OUTCOMES);
    }

    #[test]
    fn only_settled_statuses_are_final() {
        for status in ["Success", "Failed", "Cancelled", "TimedOut", "Cancelling"] {
            assert!(is_final(status), "{status}");
        }
        for status in ["Pending", "InProgress", "Delayed"] {
            assert!(!is_final(status), "{status}");
        }
    }

    mod delivery {
        use aws_sdk_ssm::error::ErrorMetadata;
        use aws_sdk_ssm::operation::send_command::SendCommandError;
        use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
        use aws_smithy_runtime_api::client::result::ConnectorError;
        use aws_smithy_runtime_api::http::StatusCode;
        use aws_smithy_types::body::SdkBody;

        use super::super::*;

        type Error = SdkError<SendCommandError, HttpResponse>;

        fn answer(status: u16) -> HttpResponse {
            HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::empty())
        }

        fn service(code: &str, status: u16) -> Error {
            let error = SendCommandError::generic(ErrorMetadata::builder().code(code).message("m").build());
            SdkError::service_error(error, answer(status))
        }

        fn delivery(error: Error) -> (Cause, Delivery) {
            let failure = classify("ssm:SendCommand", &error);
            (failure.cause, failure.delivery)
        }

        #[test]
        fn a_refusal_says_the_request_was_not_carried_out() {
            assert_eq!(
                delivery(service("ThrottlingException", 400)),
                (Cause::Throttled, Delivery::NotCarriedOut)
            );
            assert_eq!(
                delivery(service("InvalidInstanceId", 400)),
                (Cause::InvalidInstance, Delivery::NotCarriedOut)
            );
            let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
            assert_eq!(
                delivery(SdkError::dispatch_failure(ConnectorError::io(Box::new(refused)))),
                (Cause::Unreachable, Delivery::NotCarriedOut)
            );
            assert_eq!(
                delivery(SdkError::construction_failure("no credentials")).1,
                Delivery::NotCarriedOut
            );
        }

        #[test]
        fn a_lost_or_unreadable_answer_leaves_it_open() {
            assert_eq!(
                delivery(service("InternalServerError", 500)),
                (Cause::Transient, Delivery::Unknown)
            );
            assert_eq!(
                delivery(SdkError::timeout_error("attempt timeout")),
                (Cause::Unreachable, Delivery::Unknown)
            );
            let dropped = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
            assert_eq!(
                delivery(SdkError::dispatch_failure(ConnectorError::io(Box::new(dropped)))).1,
                Delivery::Unknown
            );
            let closed = ConnectorError::other("connection closed before message completed".into(), None);
            assert_eq!(delivery(SdkError::dispatch_failure(closed)).1, Delivery::Unknown);
            assert_eq!(
                delivery(SdkError::response_error("garbled", answer(200))).1,
                Delivery::Unknown
            );
        }
    }
}
