//! What a running tool call can reach besides its arguments: progress reporting, cancellation,
//! and which front end (MCP or CLI) asked for it.

use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

use crate::input::ClientInput;

/// One progress update. `done` only ever increases within a call (MCP requires it).
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressUpdate {
    pub done: f64,
    pub total: Option<f64>,
    pub message: String,
}

/// Where progress goes: MCP `notifications/progress` or a CLI spinner.
pub type ProgressSink = Arc<dyn Fn(ProgressUpdate) + Send + Sync>;

/// Where a message for the person at the terminal goes (the CLI prints it above its spinner).
pub type NoticeSink = Arc<dyn Fn(&str) + Send + Sync>;

/// Who is calling. Some tools behave differently for a person at a terminal (the CLI `login`
/// waits for the browser step; the MCP tool returns the code at once and polls in the background).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontEnd {
    Mcp,
    Cli,
}

#[derive(Clone)]
pub struct CallContext {
    pub front_end: FrontEnd,
    /// The MCP session that made the call, so log lines about it go to that client only.
    pub session: Option<u64>,
    cancel: CancellationToken,
    progress: Option<ProgressSink>,
    notice: Option<NoticeSink>,
    /// The MCP client as a source of input (elicitation, sampling, roots); none on the CLI.
    input: Option<Arc<dyn ClientInput>>,
    last_done: Arc<Mutex<f64>>,
}

impl CallContext {
    pub fn new(front_end: FrontEnd, cancel: CancellationToken, progress: Option<ProgressSink>) -> Self {
        Self {
            front_end,
            session: None,
            cancel,
            progress,
            notice: None,
            input: None,
            last_done: Arc::new(Mutex::new(f64::NEG_INFINITY)),
        }
    }

    pub fn with_notice(mut self, notice: NoticeSink) -> Self {
        self.notice = Some(notice);
        self
    }

    /// Shows `text` to the person at the terminal (CLI); on stderr when there is no sink.
    pub fn notice(&self, text: &str) {
        match &self.notice {
            Some(sink) => sink(text),
            None => eprintln!("{text}"),
        }
    }

    pub fn with_input(mut self, input: Arc<dyn ClientInput>) -> Self {
        self.input = Some(input);
        self
    }

    /// The client to ask, when the call came from one that can be asked.
    pub fn client_input(&self) -> Option<&Arc<dyn ClientInput>> {
        self.input.as_ref()
    }

    pub fn for_session(mut self, session: u64) -> Self {
        self.session = Some(session);
        self
    }

    /// The same context with another cancellation token (the host's own, for a plugin call it
    /// may abandon).
    pub fn with_cancellation(mut self, cancel: CancellationToken) -> Self {
        self.cancel = cancel;
        self
    }

    pub fn cancellation(&self) -> &CancellationToken {
        &self.cancel
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    pub fn wants_progress(&self) -> bool {
        self.progress.is_some()
    }

    /// Reports progress; updates that would not increase `done` are dropped rather than sent out
    /// of order, because clients may reject a decreasing progress value.
    pub fn progress(&self, done: f64, total: Option<f64>, message: impl Into<String>) {
        let Some(sink) = &self.progress else { return };
        {
            let mut last = self.last_done.lock().unwrap_or_else(|p| p.into_inner());
            if done <= *last || !done.is_finite() {
                return;
            }
            *last = done;
        }
        sink(ProgressUpdate {
            done,
            total,
            message: message.into(),
        });
    }
}
