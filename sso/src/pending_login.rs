//! The login in progress, if any: at most one per host process, so that a second `aws_sso_login`
//! while the user is still in the browser returns the same code instead of starting a new one.
//! Also remembers how the last background login ended when it failed, so that the next status
//! or login call can say so once.

use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

use crate::cache_time::now_unix;
use crate::device_flow::DeviceAuthorization;

/// What happened when the browser was to be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrowserOutcome {
    Opened,
    /// `launchBrowser: false`.
    NotRequested,
    /// Why no browser could be started.
    Failed(String),
}

#[derive(Debug)]
pub struct PendingLogin {
    pub authorization: DeviceAuthorization,
    pub browser: BrowserOutcome,
    /// Whether the host polls in the background (else a later login/status call checks).
    pub auto_poll: bool,
    /// Stops the background poll (logout, or a new login replacing this one).
    pub cancel: CancellationToken,
    /// The session's logout epoch when the login started (see `token_lock`): a logout since
    /// then, in any process, keeps this login from storing its token.
    pub logout_epoch: u64,
}

impl PendingLogin {
    pub fn is_live(&self) -> bool {
        now_unix() < self.authorization.expires_at && !self.cancel.is_cancelled()
    }
}

#[derive(Default)]
pub struct Logins {
    current: Mutex<Option<Arc<PendingLogin>>>,
    last_failure: Mutex<Option<String>>,
    /// One login start (or manual check) at a time.
    pub gate: tokio::sync::Mutex<()>,
}

impl Logins {
    /// The login in progress, if it can still complete.
    pub fn current(&self) -> Option<Arc<PendingLogin>> {
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if current.as_ref().is_some_and(|login| !login.is_live()) {
            *current = None;
        }
        current.clone()
    }

    pub fn set(&self, login: Arc<PendingLogin>) {
        let previous = self.current.lock().unwrap_or_else(|p| p.into_inner()).replace(login);
        if let Some(previous) = previous {
            previous.cancel.cancel();
        }
        self.take_failure();
    }

    /// Ends `login` if it is still the current one; a failure message is kept for the next call.
    pub fn finish(&self, login: &Arc<PendingLogin>, failure: Option<String>) {
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if current.as_ref().is_some_and(|c| Arc::ptr_eq(c, login)) {
            *current = None;
            *self.last_failure.lock().unwrap_or_else(|p| p.into_inner()) = failure;
        }
    }

    /// Cancels the login in progress (logout).
    pub fn cancel(&self) {
        if let Some(login) = self.current.lock().unwrap_or_else(|p| p.into_inner()).take() {
            login.cancel.cancel();
        }
        self.take_failure();
    }

    /// How the last background login failed, reported once.
    pub fn take_failure(&self) -> Option<String> {
        self.last_failure.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}
