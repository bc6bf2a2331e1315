//! Running plugin code under the host's limits. Plugin code is synchronous and may block for
//! minutes, so it runs on a blocking thread; the host waits for it only until the call's limit
//! (plus a grace), or until the client cancels. Then the host signals cancellation to the
//! plugin (`is_cancelled()` turns true), gives it [`STOP_GRACE`] to stop by itself (and clean
//! up), answers the call itself and keeps serving.
//!
//! A blocking thread cannot be killed: a plugin that ignores cancellation keeps its thread until
//! it returns. Such *abandoned* calls are counted per plugin, and past
//! [`MAX_ABANDONED_CALLS`] the host refuses new calls to that plugin instead of piling up
//! threads, until some finish.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::time::Duration;

use mcp_aws_sso_plugin_api::{ErrorKind, ToolError};
use tokio_util::sync::CancellationToken;

use crate::call_context::CallContext;
use crate::limits::call_timeout::CallLimit;

/// Abandoned calls a plugin may have running before its new calls are refused.
pub const MAX_ABANDONED_CALLS: usize = 4;

/// How long the host waits, after signalling cancellation, for the plugin to stop by itself.
pub const STOP_GRACE: Duration = Duration::from_secs(2);

const RUNNING: u8 = 0;
const FINISHED: u8 = 1;
const ABANDONED: u8 = 2;

/// One plugin's abandoned-call count.
#[derive(Default)]
pub struct GuardedCalls {
    abandoned: Arc<AtomicUsize>,
}

/// Why the host stopped waiting.
enum GaveUp {
    Timeout,
    Cancelled,
}

/// Marks a call abandoned unless it finished first; also on drop, for a front end that drops
/// the waiting future (a client that went away).
struct Waiting {
    state: Arc<AtomicU8>,
    abandoned: Arc<AtomicUsize>,
    cancel: CancellationToken,
    armed: bool,
}

impl Waiting {
    /// True when the call was still running and is now abandoned.
    fn abandon(&mut self) -> bool {
        self.armed = false;
        self.cancel.cancel();
        self.abandoned.fetch_add(1, Ordering::SeqCst);
        if self
            .state
            .compare_exchange(RUNNING, ABANDONED, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            true
        } else {
            // It finished in the meantime: not abandoned after all.
            self.abandoned.fetch_sub(1, Ordering::SeqCst);
            false
        }
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if self.armed {
            self.abandon();
        }
    }
}

impl GuardedCalls {
    pub fn abandoned(&self) -> usize {
        self.abandoned.load(Ordering::SeqCst)
    }

    /// Runs the closure that `prepare` builds (given the call's context with the host's own
    /// cancellation token) on a blocking thread, under `limit`.
    pub async fn run<R, F>(
        &self,
        plugin: &str,
        tool: &str,
        ctx: CallContext,
        limit: CallLimit,
        prepare: impl FnOnce(CallContext) -> F,
    ) -> Result<R, ToolError>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let stuck = self.abandoned();
        if stuck >= MAX_ABANDONED_CALLS {
            return Err(ToolError::new(
                ErrorKind::Unavailable,
                format!(
                    "Refused: {stuck} earlier calls to plugin `{plugin}` ran past their time limit or were cancelled and are \
                     still running in the background (at most {MAX_ABANDONED_CALLS} may), so the host runs no new call \
                     of it until some finish. Try again later, or restart the server."
                ),
            ));
        }
        let client_cancel = ctx.cancellation().clone();
        let cancel = client_cancel.child_token();
        let work = prepare(ctx.with_cancellation(cancel.clone()));
        let state = Arc::new(AtomicU8::new(RUNNING));
        let thread_state = state.clone();
        let thread_abandoned = self.abandoned.clone();
        let mut handle = tokio::task::spawn_blocking(move || {
            // Drop-based so a panic out of the ABI layer still counts the call as done.
            struct Done(Arc<AtomicU8>, Arc<AtomicUsize>);
            impl Drop for Done {
                fn drop(&mut self) {
                    if self
                        .0
                        .compare_exchange(RUNNING, FINISHED, Ordering::SeqCst, Ordering::SeqCst)
                        .is_err()
                    {
                        self.1.fetch_sub(1, Ordering::SeqCst);
                    }
                }
            }
            let _done = Done(thread_state, thread_abandoned);
            work()
        });
        let mut waiting = Waiting {
            state,
            abandoned: self.abandoned.clone(),
            cancel,
            armed: true,
        };
        let gave_up = tokio::select! {
            joined = &mut handle => {
                waiting.armed = false;
                return joined.map_err(|e| ToolError::internal(format!("the plugin call did not complete: {e}")));
            }
            _ = tokio::time::sleep(limit.deadline()) => GaveUp::Timeout,
            _ = client_cancel.cancelled() => GaveUp::Cancelled,
        };
        // Ask the plugin to stop, and give it a moment to clean up (exec-command kills its
        // command's process group) before the host answers; the CLI exits right after.
        waiting.cancel.cancel();
        let stopped = tokio::time::timeout(STOP_GRACE, &mut handle).await;
        let finished = match stopped {
            Ok(joined) => {
                waiting.armed = false;
                Some(joined)
            }
            Err(_) if !waiting.abandon() => Some(handle.await),
            Err(_) => None,
        };
        if let (GaveUp::Cancelled, Some(joined)) = (&gave_up, finished) {
            // The plugin's own answer to the cancellation.
            return joined.map_err(|e| ToolError::internal(format!("the plugin call did not complete: {e}")));
        }
        Err(match gave_up {
            GaveUp::Timeout => ToolError::new(
                ErrorKind::Timeout,
                format!(
                    "`{tool}` (plugin `{plugin}`) did not finish within its time limit of {} s ({}), so the host stopped \
                     waiting and asked it to stop; it may still finish in the background. Retry with a larger \
                     `timeoutSeconds` if the tool takes one, or raise MCP_AWS_SSO_CALL_TIMEOUT.",
                    limit.limit.as_secs(),
                    limit.source
                ),
            ),
            GaveUp::Cancelled => ToolError::new(ErrorKind::Cancelled, "The call was cancelled by the client."),
        })
    }
}
