//! Signing in: start (or reuse) a device authorization, open the browser, and finish the login
//! either in the background (MCP: the tool answers with the code at once), on a later call
//! (`autoPoll: false`), or while the caller waits (the CLI).

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedReceiver;
use tokio_util::sync::CancellationToken;

use crate::device_flow::{self, PollOutcome, StartError, TokenGrant};
use crate::pending_login::{BrowserOutcome, PendingLogin};
use crate::token_cache::CachedToken;
use crate::{Auth, AuthError, browser};

#[derive(Debug, Clone, Copy)]
pub struct LoginOptions {
    pub launch_browser: bool,
    pub auto_poll: bool,
}

#[derive(Debug)]
pub enum LoginOutcome {
    /// A valid (or refreshed) session already existed.
    AlreadyLoggedIn(CachedToken),
    /// The user has to approve in the browser; `reused` when an earlier call started it.
    Pending { login: Arc<PendingLogin>, reused: bool },
    /// The login completed during this call.
    Completed(CachedToken),
}

/// What a check of the pending login found.
#[derive(Debug)]
pub enum PendingCheck {
    None,
    Pending(Arc<PendingLogin>),
    Completed(CachedToken),
}

impl Auth {
    /// Starts a login, or returns the one in progress; never waits for the user. With
    /// `auto_poll` the host polls in the background and stores the token when approved.
    pub async fn login(self: &Arc<Self>, options: LoginOptions) -> Result<LoginOutcome, AuthError> {
        let parts = self.parts()?;
        let _gate = parts.logins.gate.lock().await;
        if let Some(token) = self.still_logged_in().await {
            parts.logins.cancel();
            return Ok(LoginOutcome::AlreadyLoggedIn(token));
        }
        if let Some(login) = parts.logins.current() {
            if !login.auto_poll
                && let Some(token) = self.poll_pending_once(&login).await?
            {
                return Ok(LoginOutcome::Completed(token));
            }
            return Ok(LoginOutcome::Pending { login, reused: true });
        }
        let login = self.start(options).await?;
        parts.logins.set(login.clone());
        if options.auto_poll {
            let auth = self.clone();
            let polled = login.clone();
            tokio::spawn(async move {
                let result = auth.wait_and_store(&polled, None, &|_| {}).await;
                let failure = match &result {
                    Ok(_) => None,
                    Err(AuthError::Cancelled) => None,
                    Err(error) => Some(error.to_string()),
                };
                if let Some(message) = &failure {
                    tracing::warn!("AWS SSO login did not complete: {message}");
                }
                if let Ok(parts) = auth.parts() {
                    parts.logins.finish(&polled, failure);
                }
            });
        }
        Ok(LoginOutcome::Pending { login, reused: false })
    }

    /// Starts a login and waits for it (the CLI). `announce` shows the code and URL at once.
    /// Without `auto_poll`, each message on `checks` triggers one poll (a person pressing Enter);
    /// when `checks` closes, polling goes automatic. `on_wait` gets the seconds waited so far.
    pub async fn login_and_wait(
        self: &Arc<Self>,
        options: LoginOptions,
        cancel: &CancellationToken,
        announce: &(dyn Fn(&PendingLogin) + Send + Sync),
        checks: Option<UnboundedReceiver<()>>,
        on_wait: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<LoginOutcome, AuthError> {
        let parts = self.parts()?;
        let login = {
            let _gate = parts.logins.gate.lock().await;
            if let Some(token) = self.still_logged_in().await {
                return Ok(LoginOutcome::AlreadyLoggedIn(token));
            }
            match parts.logins.current() {
                Some(login) => login,
                None => {
                    let login = self.start(options).await?;
                    parts.logins.set(login.clone());
                    login
                }
            }
        };
        announce(&login);
        let result = self.wait_and_store(&login, checks.filter(|_| !options.auto_poll), on_wait);
        let result = tokio::select! {
            result = result => result,
            _ = cancel.cancelled() => Err(AuthError::Cancelled),
        };
        parts.logins.finish(&login, None);
        if result.is_err() {
            login.cancel.cancel();
        }
        result.map(LoginOutcome::Completed)
    }

    /// The pending login, if any; a manual one (`autoPoll: false`) is polled once and completed
    /// when the user approved it.
    pub async fn check_pending_login(&self) -> Result<PendingCheck, AuthError> {
        let parts = self.parts()?;
        let _gate = parts.logins.gate.lock().await;
        let Some(login) = parts.logins.current() else {
            return Ok(PendingCheck::None);
        };
        if !login.auto_poll
            && let Some(token) = self.poll_pending_once(&login).await?
        {
            return Ok(PendingCheck::Completed(token));
        }
        Ok(PendingCheck::Pending(login))
    }

    /// How the last background login failed, once.
    pub fn take_login_failure(&self) -> Option<String> {
        self.parts().ok().and_then(|parts| parts.logins.take_failure())
    }

    /// A valid session, refreshed if need be; `None` when a login is needed.
    async fn still_logged_in(&self) -> Option<CachedToken> {
        self.valid_token().await.ok().filter(|token| !token.is_expired())
    }

    async fn start(&self, options: LoginOptions) -> Result<Arc<PendingLogin>, AuthError> {
        let parts = self.parts()?;
        let clients = self.clients().await?;
        let registration = parts.registrations.get_or_register(&clients.oidc).await?;
        let start_url = &parts.session.start_url;
        let authorization = match device_flow::start(&clients.oidc, registration, start_url).await {
            Ok(authorization) => authorization,
            Err(StartError::InvalidClient) => {
                // The cached registration was revoked or belongs to another instance.
                tracing::debug!("the cached SSO OIDC client registration was rejected; registering again");
                let fresh = parts.registrations.register(&clients.oidc).await?;
                device_flow::start(&clients.oidc, fresh, start_url)
                    .await
                    .map_err(|error| match error {
                        StartError::InvalidClient => AuthError::Service {
                            operation: "StartDeviceAuthorization",
                            detail: "a freshly registered client was rejected (InvalidClientException)".to_string(),
                        },
                        StartError::Other(error) => error,
                    })?
            }
            Err(StartError::Other(error)) => return Err(error),
        };
        let browser = if options.launch_browser {
            match browser::open(&authorization.verification_uri_complete).await {
                Ok(()) => BrowserOutcome::Opened,
                Err(reason) => BrowserOutcome::Failed(reason),
            }
        } else {
            BrowserOutcome::NotRequested
        };
        tracing::debug!(
            "AWS SSO login started for {}: code {}, browser {browser:?}",
            parts.session.label(),
            authorization.user_code
        );
        let logout_epoch = parts.tokens.cache().lock().acquire().await?.logout_epoch();
        Ok(Arc::new(PendingLogin {
            authorization,
            browser,
            auto_poll: options.auto_poll,
            cancel: CancellationToken::new(),
            logout_epoch,
        }))
    }

    /// Polls until approval (automatically, or once per message on `checks`), then caches the
    /// token. Ends early when the login is cancelled.
    async fn wait_and_store(
        &self,
        login: &PendingLogin,
        checks: Option<UnboundedReceiver<()>>,
        on_wait: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<CachedToken, AuthError> {
        let clients = self.clients().await?;
        let grant = match checks {
            None => device_flow::wait_for_approval(&clients.oidc, &login.authorization, &login.cancel, on_wait).await?,
            Some(checks) => self.wait_for_checks(login, checks, on_wait).await?,
        };
        self.store(login, grant).await
    }

    async fn wait_for_checks(
        &self,
        login: &PendingLogin,
        mut checks: UnboundedReceiver<()>,
        on_wait: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<TokenGrant, AuthError> {
        let clients = self.clients().await?;
        loop {
            let signal = tokio::select! {
                _ = login.cancel.cancelled() => return Err(AuthError::Cancelled),
                signal = checks.recv() => signal,
            };
            if signal.is_none() {
                // Nobody will press Enter any more: poll on our own.
                return device_flow::wait_for_approval(&clients.oidc, &login.authorization, &login.cancel, on_wait)
                    .await;
            }
            if let PollOutcome::Approved(grant) = device_flow::poll_once(&clients.oidc, &login.authorization).await? {
                return Ok(grant);
            }
        }
    }

    /// One poll of a manual login; the token when it was approved.
    async fn poll_pending_once(&self, login: &Arc<PendingLogin>) -> Result<Option<CachedToken>, AuthError> {
        let parts = self.parts()?;
        let clients = self.clients().await?;
        match device_flow::poll_once(&clients.oidc, &login.authorization).await {
            Ok(PollOutcome::Approved(grant)) => {
                let token = self.store(login, grant).await?;
                parts.logins.finish(login, None);
                Ok(Some(token))
            }
            Ok(PollOutcome::Pending | PollOutcome::SlowDown) => Ok(None),
            Err(error @ (AuthError::LoginDenied { .. } | AuthError::LoginExpired { .. })) => {
                parts.logins.finish(login, None);
                Err(error)
            }
            Err(error) => Err(error),
        }
    }

    /// Caches the token of an approved login, under the token lock, unless the login was
    /// cancelled or a logout (in any process) happened since it started: then nothing is written.
    async fn store(&self, login: &PendingLogin, grant: TokenGrant) -> Result<CachedToken, AuthError> {
        let parts = self.parts()?;
        let mut owner = parts.tokens.cache().lock().acquire().await?;
        if login.cancel.is_cancelled() || owner.logout_epoch() != login.logout_epoch {
            tracing::debug!("a login approved after a logout or cancel; its token is not stored");
            return Err(AuthError::Cancelled);
        }
        let token = CachedToken::from_grant(&parts.session, &login.authorization.registration, grant);
        parts.tokens.save(&token)?;
        Ok(token)
    }
}
