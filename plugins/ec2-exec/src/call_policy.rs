//! Retries and timeouts per AWS operation: the one place they are decided.
//!
//! - **Lookups** (DescribeInstances, DescribeInstanceInformation) use the clients' defaults: the
//!   SDK's standard retries ([`DEFAULT_ATTEMPTS`] attempts) within [`DEFAULT_ATTEMPT_TIMEOUT`] each.
//!   They change nothing, so retrying them is harmless.
//! - **SendCommand** is sent by the SDK exactly once ([`send_command`]): a retry after a lost
//!   answer would run the command twice. It is sent again only after an answer that says it was
//!   not carried out (throttling) or when it never left (the connection could not be made), at
//!   most [`SEND_ATTEMPTS`] times in all (`send.rs`). After an ambiguous failure, `sent_lookup.rs`
//!   looks for it instead of sending it again.
//! - **Polls** (GetCommandInvocation) and **CancelCommand** have short budgets ([`poll`],
//!   [`cancel`]): they race the call's timeout and the client's cancellation, and a slow endpoint
//!   must cost seconds, not minutes of retry chains. The poller retries on its own schedule.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;

/// Attempts (the first one included) per lookup call.
pub const DEFAULT_ATTEMPTS: u32 = 5;
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const INITIAL_BACKOFF: Duration = Duration::from_millis(200);

/// SendCommand attempts in all, counting only those that AWS surely did not carry out.
pub const SEND_ATTEMPTS: u32 = 3;
/// Pause before sending again after throttling or a failed connection (times the attempt).
pub const SEND_BACKOFF: Duration = Duration::from_millis(300);

/// How long one GetCommandInvocation (or ListCommands) may take, retries included.
const POLL_BUDGET: Duration = Duration::from_secs(10);
const POLL_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
const POLL_ATTEMPTS: u32 = 2;
/// CancelCommand is harmless to repeat; its budget bounds the end of a timed-out call.
const CANCEL_BUDGET: Duration = Duration::from_secs(10);
const CANCEL_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(4);
const CANCEL_ATTEMPTS: u32 = 3;

pub fn default_retries() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(DEFAULT_ATTEMPTS)
        .with_initial_backoff(INITIAL_BACKOFF)
}

pub fn default_timeouts() -> TimeoutConfig {
    timeouts(DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_ATTEMPT_TIMEOUT * DEFAULT_ATTEMPTS)
}

/// SendCommand: one SDK attempt. Its timeout follows the call's (`timeoutSeconds`), between 3
/// and 10 seconds: a caller who asked for a short call should not wait long on SendCommand, and
/// a SendCommand whose answer is late is not lost, it is found by its comment.
pub fn send_command(call_timeout: Duration) -> aws_sdk_ssm::config::Builder {
    let timeout = call_timeout.clamp(Duration::from_secs(3), Duration::from_secs(10));
    aws_sdk_ssm::config::Builder::default()
        .retry_config(RetryConfig::standard().with_max_attempts(1))
        .timeout_config(timeouts(timeout, timeout))
}

/// GetCommandInvocation and ListCommands: read-only, short.
pub fn poll() -> aws_sdk_ssm::config::Builder {
    aws_sdk_ssm::config::Builder::default()
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(POLL_ATTEMPTS)
                .with_initial_backoff(INITIAL_BACKOFF),
        )
        .timeout_config(timeouts(POLL_ATTEMPT_TIMEOUT, POLL_BUDGET))
}

pub fn cancel() -> aws_sdk_ssm::config::Builder {
    aws_sdk_ssm::config::Builder::default()
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(CANCEL_ATTEMPTS)
                .with_initial_backoff(INITIAL_BACKOFF),
        )
        .timeout_config(timeouts(CANCEL_ATTEMPT_TIMEOUT, CANCEL_BUDGET))
}

/// Every field set, so that an override never leans on how the SDK merges timeout configs.
fn timeouts(attempt: Duration, operation: Duration) -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT.min(attempt))
        .read_timeout(attempt)
        .operation_attempt_timeout(attempt)
        .operation_timeout(operation)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_command_is_one_attempt_with_a_short_timeout() {
        for (asked, expected) in [(1, 3), (5, 5), (60, 10), (3600, 10)] {
            let config = send_command(Duration::from_secs(asked)).build();
            assert_eq!(config.retry_config().unwrap().max_attempts(), 1);
            let timeouts = config.timeout_config().unwrap();
            assert_eq!(
                timeouts.operation_attempt_timeout(),
                Some(Duration::from_secs(expected))
            );
            assert_eq!(timeouts.operation_timeout(), Some(Duration::from_secs(expected)));
            assert_eq!(timeouts.read_timeout(), Some(Duration::from_secs(expected)));
        }
    }

    #[test]
    fn polls_and_cancels_end_within_seconds() {
        for config in [poll().build(), cancel().build()] {
            let timeouts = config.timeout_config().unwrap();
            assert!(timeouts.operation_timeout().unwrap() <= Duration::from_secs(10));
            assert!(config.retry_config().unwrap().max_attempts() <= 3);
        }
        assert!(default_retries().max_attempts() > 1, "lookups keep their retries");
    }
}
