//! Waiting for the invocation: GetCommandInvocation with adaptive polling until a final status,
//! the call's timeout, or the client's cancellation.
//!
//! Polling is fast at first (50 ms, growing by a quarter each time up to 1 s, which it reaches
//! after about 4 s) and fast again whenever the status changes: a short script finishes soon
//! after it starts (`InProgress`), and that moment is what the caller waits for. The gentle growth
//! keeps the delay between the end of a command and its result to a fraction of its run time
//! (see benches/ec2_exec_latency.py) at the cost of about 8 polls in the first second, 14 in the
//! first five. Early on, `InvocationDoesNotExist` means SSM has not registered the invocation
//! yet. Throttling and transient errors slow polling down but do not abandon a running command.
//!
//! Every poll races the call's timeout and the client's cancellation: a slow GetCommandInvocation
//! is dropped when either comes first (it only reads). Each call has a budget of seconds
//! (`call_policy::poll`), not the SDK's default retry chain. On timeout or cancellation,
//! CancelCommand goes out (`call_policy::cancel`) and the final state (with any partial output)
//! is collected for at most [`DRAIN`].

use std::time::{Duration, Instant};

use aws_sdk_ssm::operation::get_command_invocation::GetCommandInvocationOutput;
use mcp_aws_sso_plugin_api::{Host, LogLevel};

use crate::aws_clients::Aws;
use crate::call_policy;
use crate::classify::{AwsFailure, Cause, is_final};
use crate::progress::Progress;
use crate::send::cancel_command;

const FIRST_INTERVAL: Duration = Duration::from_millis(50);
const MAX_INTERVAL: Duration = Duration::from_secs(1);
/// After throttling or a transient error, the next poll waits this long.
const SLOW_INTERVAL: Duration = Duration::from_secs(2);
/// How long `InvocationDoesNotExist` may mean "not registered yet".
const REGISTRATION_GRACE: Duration = Duration::from_secs(30);
/// After CancelCommand: how long to wait for the final status and partial output.
const DRAIN: Duration = Duration::from_secs(3);
/// How often a pause looks at the client's cancellation.
const CANCEL_CHECK: Duration = Duration::from_millis(50);

/// One GetCommandInvocation answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Invocation {
    pub status: String,
    pub status_details: Option<String>,
    pub response_code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub execution_start: Option<String>,
    pub execution_end: Option<String>,
}

impl Invocation {
    fn from_output(output: &GetCommandInvocationOutput) -> Self {
        let text = |value: Option<&str>| value.filter(|v| !v.is_empty()).map(str::to_string);
        Self {
            status: output
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_else(|| "Unknown".into()),
            status_details: text(output.status_details()),
            response_code: Some(output.response_code()),
            stdout: output.standard_output_content().unwrap_or_default().to_string(),
            stderr: output.standard_error_content().unwrap_or_default().to_string(),
            execution_start: text(output.execution_start_date_time()),
            execution_end: text(output.execution_end_date_time()),
        }
    }
}

/// Why waiting stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The invocation reached a final status on its own.
    Finished,
    /// The call's timeout ran out.
    TimedOut,
    /// The client cancelled the call.
    CancelledByClient,
}

#[derive(Debug, Clone)]
pub struct Waited {
    /// The last invocation state seen (none if SSM never showed one).
    pub invocation: Option<Invocation>,
    pub ending: Ending,
    /// For `TimedOut` / `CancelledByClient`: whether CancelCommand went out, or why not.
    pub cancel: Option<Result<(), String>>,
}

#[derive(Debug)]
pub enum PollError {
    /// GetCommandInvocation failed in a way waiting cannot fix (access denied, bad credentials).
    Aws(AwsFailure),
    /// SSM never showed an invocation; the command was cancelled.
    InvocationMissing { waited: Duration },
}

struct Backoff {
    next: Duration,
}

impl Backoff {
    fn new() -> Self {
        Self { next: FIRST_INTERVAL }
    }

    fn next(&mut self) -> Duration {
        let interval = self.next;
        self.next = (interval * 5 / 4).min(MAX_INTERVAL);
        interval
    }

    fn reset(&mut self) {
        self.next = FIRST_INTERVAL;
    }

    fn slow_down(&mut self) {
        self.next = SLOW_INTERVAL;
    }
}

pub struct Poller<'a> {
    pub aws: &'a Aws,
    pub host: &'a Host,
    pub command_id: &'a str,
    pub instance_id: &'a str,
}

impl Poller<'_> {
    /// Waits for the invocation's final status, for at most `timeout` from now.
    pub async fn wait(&self, timeout: Duration, progress: &mut Progress) -> Result<Waited, PollError> {
        let sent_at = Instant::now();
        let deadline = sent_at + timeout;
        let mut backoff = Backoff::new();
        let mut last: Option<Invocation> = None;
        loop {
            if self.host.is_cancelled() {
                return Ok(self.stop(Ending::CancelledByClient, last).await);
            }
            if Instant::now() >= deadline {
                return Ok(self.stop(Ending::TimedOut, last).await);
            }
            let answer = tokio::select! {
                answer = self.get() => answer,
                // The top of the loop tells which of the two it was.
                () = self.pause_until(deadline) => continue,
            };
            match answer {
                Ok(invocation) => {
                    if is_final(&invocation.status) {
                        return Ok(Waited {
                            invocation: Some(invocation),
                            ending: Ending::Finished,
                            cancel: None,
                        });
                    }
                    if last.as_ref().map(|l| &l.status) != Some(&invocation.status) {
                        backoff.reset();
                    }
                    progress.update(
                        &invocation.status,
                        &format!(
                            "{} on {} ({:.1} s)",
                            invocation.status,
                            self.instance_id,
                            sent_at.elapsed().as_secs_f64()
                        ),
                    );
                    last = Some(invocation);
                }
                Err(failure) => match failure.cause {
                    Cause::InvocationDoesNotExist if last.is_none() && sent_at.elapsed() < REGISTRATION_GRACE => {
                        progress.update(
                            "Registering",
                            &format!("Waiting for SSM to register the command on {}", self.instance_id),
                        );
                    }
                    Cause::InvocationDoesNotExist => {
                        self.stop(Ending::TimedOut, None).await;
                        return Err(PollError::InvocationMissing {
                            waited: sent_at.elapsed(),
                        });
                    }
                    Cause::Throttled | Cause::Transient | Cause::Unreachable => {
                        self.host.log(
                            LogLevel::Warn,
                            &format!(
                                "polling command {} failed, will retry: {}",
                                self.command_id,
                                failure.detail()
                            ),
                        );
                        backoff.slow_down();
                    }
                    _ => return Err(PollError::Aws(failure)),
                },
            }
            let until = (Instant::now() + backoff.next()).min(deadline);
            self.pause_until(until).await;
        }
    }

    async fn get(&self) -> Result<Invocation, AwsFailure> {
        self.aws
            .call("ssm:GetCommandInvocation", || {
                self.aws
                    .ssm
                    .get_command_invocation()
                    .command_id(self.command_id)
                    .instance_id(self.instance_id)
                    .customize()
                    .config_override(call_policy::poll())
                    .send()
            })
            .await
            .map(|output| Invocation::from_output(&output))
    }

    /// Sleeps until `until`, returning early when the client cancels.
    async fn pause_until(&self, until: Instant) {
        loop {
            let now = Instant::now();
            if now >= until || self.host.is_cancelled() {
                return;
            }
            tokio::time::sleep((until - now).min(CANCEL_CHECK)).await;
        }
    }

    /// Cancels the remote command, then collects its final state for a few seconds.
    async fn stop(&self, ending: Ending, mut last: Option<Invocation>) -> Waited {
        let cancel = cancel_command(self.aws, self.command_id, self.instance_id)
            .await
            .map_err(|failure| failure.detail());
        if cancel.is_ok() {
            let give_up = Instant::now() + DRAIN;
            let mut backoff = Backoff::new();
            while Instant::now() < give_up {
                let left = give_up.saturating_duration_since(Instant::now());
                if let Ok(Ok(invocation)) = tokio::time::timeout(left, self.get()).await {
                    // `Cancelling` is not the end here: the output arrives with `Cancelled`.
                    let settled = is_final(&invocation.status) && invocation.status != "Cancelling";
                    last = Some(invocation);
                    if settled {
                        break;
                    }
                }
                tokio::time::sleep(backoff.next()).await;
            }
        }
        Waited {
            invocation: last,
            ending,
            cancel: Some(cancel),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polling_starts_fast_and_backs_off_to_a_second() {
        let mut backoff = Backoff::new();
        let intervals: Vec<u128> = (0..20).map(|_| backoff.next().as_millis()).collect();
        assert_eq!(intervals[0], 50);
        assert!(intervals.windows(2).all(|w| w[0] <= w[1]), "{intervals:?}");
        assert_eq!(*intervals.last().unwrap(), 1000);
        backoff.reset();
        assert_eq!(backoff.next().as_millis(), 50);
        backoff.slow_down();
        assert_eq!(backoff.next().as_millis(), 2000);
        assert_eq!(backoff.next().as_millis(), 1000);
    }
}
