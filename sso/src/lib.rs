//! The SSO session as a library: everything this project knows about AWS IAM Identity Center
//! (AWS SSO), with no knowledge of MCP, the CLI or plugins. The host wires it to its tools and
//! verbs; plugins never see the access token, only the role credentials the host hands them.
//!
//! Data flow:
//!
//! ```text
//! Config ─▶ SsoSession (start URL, SSO region, session name)
//! login:   login_flow_choice (PKCE if a browser opens here, else device code)
//!          ─▶ Registrations (RegisterClient for that flow, cached)
//!          ─▶ pkce_flow (LoopbackListener on 127.0.0.1, browser at /authorize, redirect with
//!             the code, CreateToken authorization_code + verifier)
//!           | device_flow (StartDeviceAuthorization, CreateToken polling)
//!          ─▶ TokenCache (~/.aws/sso/cache/<sha1>.json), written under the TokenLock
//!             (<sha1>.json.lock) unless a logout came since the login started
//! use:     TokenKeeper (the file as it is now, one stat when unchanged; in the refresh window:
//!          TokenLock, read again, refresh only if still needed) ─▶ access token + TokenId ─▶
//!          role_credentials (GetRoleCredentials; in memory tied to the TokenId, on disk in
//!          ~/.aws/cli/cache) | accounts (ListAccounts + ListAccountRoles under the
//!          AdaptiveRateLimiter; AccountsCache with a TTL, failed accounts asked again alone)
//! logout:  TokenLock ─▶ logout epoch + 1, token file removed ─▶ caches cleared ─▶ portal Logout
//!          (a pending login is cancelled: its listener closes, its poll stops)
//! ```
//!
//! The token file is the one source of truth, shared with other processes and the AWS CLI:
//! nothing is served from memory without checking it first.
//!
//! Everything that needs the SSO access token lives behind [`Auth`]. A call the portal answers
//! with 401 gets one retry with a refreshed token; the SDK clients (`sdk_clients`) are unsigned
//! and honour the standard endpoint overrides.

mod accounts;
mod accounts_cache;
pub mod browser;
mod cache_time;
mod client_registration;
mod device_flow;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod login;
mod login_flow_choice;
mod logout;
mod loopback_listener;
mod pending_login;
mod pkce_flow;
mod private_file;
mod python_json;
mod rate_limiter;
mod role_credentials;
mod sdk_clients;
mod service_errors;
mod sso_session;
mod token_cache;
mod token_lock;
mod token_refresh;

use std::sync::Arc;

use mcp_aws_sso_config::Config;
use tokio::sync::OnceCell;

pub use accounts::{AccountDirectory, AccountEntry, ListingProgress, ProgressFn};
pub use cache_time::{format_unix, human_unix, now_unix};
pub use client_registration::Registration;
pub use device_flow::DeviceAuthorization;
pub use error::AuthError;
pub use login::{LoginOptions, LoginOutcome, PendingCheck};
pub use login_flow_choice::LoginFlow;
pub use logout::{LogoutReport, PortalLogout};
pub use pending_login::{BrowserLogin, BrowserOutcome, PendingFlow, PendingLogin};
pub use pkce_flow::PkceAuthorization;
pub use private_file::FileError;
pub use role_credentials::RoleCredentials;
pub use sso_session::SsoSession;
pub use token_cache::CachedToken;
pub use token_lock::{TokenLock, TokenLockGuard};

use accounts_cache::AccountsCache;
use client_registration::Registrations;
use pending_login::Logins;
use rate_limiter::AdaptiveRateLimiter;
use role_credentials::RoleCredentialCache;
use sdk_clients::SdkClients;
use service_errors::Failure;
use token_cache::{OnDisk, TokenCache, TokenId};
use token_refresh::TokenKeeper;

/// Everything that exists once the SSO session is configured.
struct Parts {
    session: SsoSession,
    tokens: TokenKeeper,
    registrations: Registrations,
    role_credentials: RoleCredentialCache,
    accounts: AccountsCache,
    limiter: AdaptiveRateLimiter,
    logins: Logins,
}

/// The host's authentication service, shared by built-in tools and plugin calls.
pub struct Auth {
    config: Arc<Config>,
    /// `None` when no start URL or region is configured; every operation then explains how to
    /// configure one.
    parts: Option<Parts>,
    clients: OnceCell<SdkClients>,
    /// Set when MCP is served to other machines; logins then use the device code flow.
    remote_clients: std::sync::atomic::AtomicBool,
}

/// Why an operation that needed the access token failed.
enum TokenOpError {
    Auth(AuthError),
    Failed(Failure),
}

impl From<AuthError> for TokenOpError {
    fn from(error: AuthError) -> Self {
        TokenOpError::Auth(error)
    }
}

impl Auth {
    pub fn new(config: Arc<Config>) -> Arc<Self> {
        let parts = SsoSession::from_config(&config).ok().map(|session| {
            let home = &config.home;
            Parts {
                tokens: TokenKeeper::new(session.clone(), TokenCache::new(home, &session)),
                registrations: Registrations::new(home, &session),
                role_credentials: RoleCredentialCache::new(home),
                accounts: AccountsCache::new(home, &session, config.accounts_cache_ttl),
                limiter: AdaptiveRateLimiter::default(),
                logins: Logins::default(),
                session,
            }
        });
        Arc::new(Self {
            config,
            parts,
            clients: OnceCell::new(),
            remote_clients: Default::default(),
        })
    }

    /// The configured SSO session, or the error that says how to configure one.
    pub fn session(&self) -> Result<&SsoSession, AuthError> {
        Ok(&self.parts()?.session)
    }

    fn parts(&self) -> Result<&Parts, AuthError> {
        match &self.parts {
            Some(parts) => Ok(parts),
            None => Err(SsoSession::from_config(&self.config)
                .err()
                .unwrap_or(AuthError::NotLoggedIn)),
        }
    }

    async fn clients(&self) -> Result<&SdkClients, AuthError> {
        let region = self.parts()?.session.region.clone();
        Ok(self.clients.get_or_init(|| SdkClients::new(&region)).await)
    }

    /// The cached token as it is on disk (no refresh, no network).
    pub fn cached_token(&self) -> Result<Option<CachedToken>, AuthError> {
        Ok(self.parts()?.tokens.peek())
    }

    /// A usable token, refreshed first when it is inside the refresh window.
    pub async fn valid_token(&self) -> Result<CachedToken, AuthError> {
        Ok(self.current_token().await?.token.clone())
    }

    /// The token file as it is now, refreshed when it is inside the refresh window.
    async fn current_token(&self) -> Result<Arc<OnDisk>, AuthError> {
        let clients = self.clients().await?;
        self.parts()?.tokens.current(&clients.oidc).await
    }

    /// Runs `op` with the access token of `first`; on a 401, once more with a refreshed one.
    /// Returns what `op` returned and the identity of the token it succeeded with.
    async fn with_token_from<T, F, Fut>(&self, first: &CachedToken, mut op: F) -> Result<(T, TokenId), TokenOpError>
    where
        F: FnMut(String) -> Fut,
        Fut: Future<Output = Result<T, Failure>>,
    {
        let parts = self.parts()?;
        match op(first.access_token.clone()).await {
            Err(Failure::Unauthorized) => {
                tracing::debug!("the SSO portal rejected the access token; refreshing it");
                let clients = self.clients().await?;
                let fresh = parts
                    .tokens
                    .replace_rejected(&clients.oidc, &first.access_token)
                    .await?;
                match op(fresh.access_token.clone()).await {
                    Err(Failure::Unauthorized) => Err(TokenOpError::Auth(AuthError::SessionRejected)),
                    other => other.map(|value| (value, fresh.id())).map_err(TokenOpError::Failed),
                }
            }
            other => other.map(|value| (value, first.id())).map_err(TokenOpError::Failed),
        }
    }

    /// [`Self::with_token_from`] the current token.
    async fn with_token<T, F, Fut>(&self, op: F) -> Result<T, TokenOpError>
    where
        F: FnMut(String) -> Fut,
        Fut: Future<Output = Result<T, Failure>>,
    {
        let current = self.current_token().await?;
        Ok(self.with_token_from(&current.token, op).await?.0)
    }

    /// Short-lived credentials for a role; `force_refresh` bypasses the caches.
    ///
    /// Cached credentials are served only while the token they were minted with is the one on
    /// disk: after a logout anywhere (this host, `aws sso logout`) the answer is "not logged
    /// in", after a re-login or refresh the credentials are minted again with the new token.
    pub async fn role_credentials(
        &self,
        account_id: &str,
        role_name: &str,
        force_refresh: bool,
    ) -> Result<RoleCredentials, AuthError> {
        let parts = self.parts()?;
        // Warm path: a token that needs no refresh and credentials cached for it need no SDK
        // client, whose set-up (TLS roots, shared config) would dominate a warm call.
        if !force_refresh
            && let Some(current) = parts.tokens.usable_without_refresh()
            && let Some(cached) = parts
                .role_credentials
                .cached(&parts.session, account_id, role_name, &current)
                .await
        {
            return Ok(cached);
        }
        let clients = self.clients().await?;
        let current = parts.tokens.current(&clients.oidc).await?;
        let fetch = || async {
            self.with_token_from(&current.token, |token| async move {
                role_credentials::fetch(&clients.portal, &token, account_id, role_name).await
            })
            .await
            .map_err(|error| match error {
                TokenOpError::Auth(error) => error,
                TokenOpError::Failed(Failure::Forbidden(detail) | Failure::NotFound(detail)) => AuthError::NoAccess {
                    account_id: account_id.to_string(),
                    role: role_name.to_string(),
                    detail,
                },
                TokenOpError::Failed(failure) => AuthError::service("GetRoleCredentials", failure),
            })
        };
        parts
            .role_credentials
            .get(&parts.session, account_id, role_name, force_refresh, &current, fetch)
            .await
    }

    /// The roles the user has in an account: from the accounts listing when it is fresh, else
    /// one ListAccountRoles call. Needs a valid session either way.
    pub async fn account_roles(&self, account_id: &str) -> Result<Vec<String>, AuthError> {
        let parts = self.parts()?;
        let current = self.current_token().await?;
        if let Some(entry) = parts
            .accounts
            .fresh()
            .and_then(|d| d.accounts.iter().find(|a| a.account_id == account_id).cloned())
            .filter(|a| a.roles_error.is_none())
        {
            return Ok(entry.roles);
        }
        let clients = self.clients().await?;
        self.with_token_from(&current.token, |token| async move {
            accounts::account_roles(&clients.portal_bulk, &parts.limiter, &token, account_id).await
        })
        .await
        .map(|(roles, _)| roles)
        .map_err(|error| match error {
            TokenOpError::Auth(error) => error,
            TokenOpError::Failed(Failure::NotFound(detail) | Failure::Forbidden(detail)) => AuthError::NotFound {
                what: format!("Account {account_id}"),
                detail,
            },
            TokenOpError::Failed(failure) => AuthError::service("ListAccountRoles", failure),
        })
    }

    /// Every account with its roles; from the cache unless `refresh` or the cache is older than
    /// the TTL. Returns the listing and whether it came from the cache. Concurrent callers share
    /// one listing. Needs a valid session, also for an answer from the cache.
    ///
    /// A listing in which some accounts' roles failed is cached with those accounts marked
    /// (`roles_error`); a later call from the cache asks again for those accounts only.
    pub async fn accounts(
        &self,
        refresh: bool,
        progress: &ProgressFn<'_>,
    ) -> Result<(Arc<AccountDirectory>, bool), AuthError> {
        let parts = self.parts()?;
        self.current_token().await?;
        let asked_at = accounts::unix_millis();
        if !refresh
            && let Some(directory) = parts.accounts.fresh()
            && directory.is_complete()
        {
            return Ok((directory, true));
        }
        let _listing = parts.accounts.fetch_gate.lock().await;
        if let Some(directory) = parts.accounts.fresh() {
            // A listing that finished while we waited answers this call too.
            if directory.fetched_at_ms >= asked_at || (!refresh && directory.is_complete()) {
                return Ok((directory, true));
            }
            if !refresh {
                return Ok((self.retry_failed_accounts(&directory, progress).await?, true));
            }
        }
        let clients = self.clients().await?;
        let directory = self
            .with_token(|token| async move {
                accounts::fetch_directory(&clients.portal_bulk, &parts.limiter, &token, progress).await
            })
            .await
            .map_err(|error| match error {
                TokenOpError::Auth(error) => error,
                TokenOpError::Failed(failure) => AuthError::service("ListAccounts", failure),
            })?;
        let directory = Arc::new(directory);
        tracing::debug!(
            "listed {} accounts in {} ms ({} portal calls, {} throttled and retried, {} without roles)",
            directory.accounts.len(),
            directory.took_ms,
            directory.calls,
            directory.throttled,
            directory.failed_accounts()
        );
        parts.accounts.store(directory.clone());
        Ok((directory, false))
    }

    /// The cached listing with the roles of its failed accounts asked for again (and cached).
    async fn retry_failed_accounts(
        &self,
        directory: &AccountDirectory,
        progress: &ProgressFn<'_>,
    ) -> Result<Arc<AccountDirectory>, AuthError> {
        let parts = self.parts()?;
        let clients = self.clients().await?;
        let retried = self
            .with_token(|token| async move {
                accounts::retry_failed(&clients.portal_bulk, &parts.limiter, &token, directory, progress).await
            })
            .await
            .map_err(|error| match error {
                TokenOpError::Auth(error) => error,
                TokenOpError::Failed(failure) => AuthError::service("ListAccountRoles", failure),
            })?;
        tracing::debug!(
            "asked again for the roles of {} accounts; {} still without roles",
            directory.failed_accounts(),
            retried.failed_accounts()
        );
        let retried = Arc::new(retried);
        parts.accounts.store(retried.clone());
        Ok(retried)
    }

    /// How long a listing is cached.
    pub fn accounts_cache_ttl(&self) -> std::time::Duration {
        self.config.accounts_cache_ttl
    }
}
