//! The login in progress, if any: at most one per host process, so that a second `aws_sso_login`
//! while the user is still in the browser returns the same code (or authorize URL) instead of
//! starting a new one.
//! Also remembers how the last background login ended when it failed, so that the next status
//! or login call can say so once.

use std::sync::{Arc, Mutex};

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::AuthError;
use crate::cache_time::now_unix;
use crate::client_registration::Registration;
use crate::device_flow::DeviceAuthorization;
use crate::login_flow_choice::LoginFlow;
use crate::pkce_flow::PkceAuthorization;
use crate::token_cache::CachedToken;

/// What happened when the browser was to be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrowserOutcome {
    Opened,
    /// `launchBrowser: false`.
    NotRequested,
    /// Why no browser could be started.
    Failed(String),
}

/// The flow a pending login runs.
#[derive(Debug)]
pub enum PendingFlow {
    /// A code to approve at a verification URL, on any device.
    Device(DeviceAuthorization),
    /// An authorize page in this machine's browser, redirecting to our loopback listener.
    Browser(BrowserLogin),
}

/// A browser login: its authorization, and the task that waits for the redirect and caches the
/// token (started before the browser opened, so that nothing delays the redirect's answer).
#[derive(Debug)]
pub struct BrowserLogin {
    pub authorization: Arc<PkceAuthorization>,
    completion: tokio::sync::Mutex<Option<JoinHandle<Result<CachedToken, AuthError>>>>,
}

impl BrowserLogin {
    pub(crate) fn new(
        authorization: Arc<PkceAuthorization>,
        completion: JoinHandle<Result<CachedToken, AuthError>>,
    ) -> Self {
        Self {
            authorization,
            completion: tokio::sync::Mutex::new(Some(completion)),
        }
    }

    /// How the login ended, for the one caller that waits for it.
    pub(crate) async fn completion(&self) -> Result<CachedToken, AuthError> {
        let Some(task) = self.completion.lock().await.take() else {
            return Err(AuthError::Cancelled);
        };
        task.await.unwrap_or(Err(AuthError::Cancelled))
    }
}

#[derive(Debug)]
pub struct PendingLogin {
    pub flow: PendingFlow,
    pub browser: BrowserOutcome,
    /// Whether the host polls in the background (else a later login/status call checks). A
    /// browser login always completes in the background: its code arrives at the listener.
    pub auto_poll: bool,
    /// Stops the background poll (logout, or a new login replacing this one).
    pub cancel: CancellationToken,
    /// The session's logout epoch when the login started (see `token_lock`): a logout since
    /// then, in any process, keeps this login from storing its token.
    pub logout_epoch: u64,
}

impl PendingLogin {
    pub fn is_live(&self) -> bool {
        now_unix() < self.expires_at() && !self.cancel.is_cancelled()
    }

    pub fn kind(&self) -> LoginFlow {
        match &self.flow {
            PendingFlow::Device(_) => LoginFlow::DeviceCode,
            PendingFlow::Browser(_) => LoginFlow::AuthorizationCode,
        }
    }

    /// The page the user opens: the device flow's complete verification URL, or the authorize URL.
    pub fn url(&self) -> &str {
        match &self.flow {
            PendingFlow::Device(device) => &device.verification_uri_complete,
            PendingFlow::Browser(browser) => &browser.authorization.authorize_url,
        }
    }

    /// Unix seconds at which the login can no longer complete.
    pub fn expires_at(&self) -> i64 {
        match &self.flow {
            PendingFlow::Device(device) => device.expires_at,
            PendingFlow::Browser(browser) => browser.authorization.expires_at,
        }
    }

    /// The device authorization, for a device-code login.
    pub fn device(&self) -> Option<&DeviceAuthorization> {
        match &self.flow {
            PendingFlow::Device(device) => Some(device),
            PendingFlow::Browser(_) => None,
        }
    }

    pub fn registration(&self) -> &Registration {
        match &self.flow {
            PendingFlow::Device(device) => &device.registration,
            PendingFlow::Browser(browser) => &browser.authorization.registration,
        }
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
