//! A valid access token on demand: read from the shared cache, refreshed with the refresh token
//! inside a window before expiry, replaced when AWS rejects it early.
//!
//! The cache file is the source of truth and is looked at on every request (one `stat` when it
//! did not change), so a login, refresh or logout done by another process (the AWS CLI, another
//! host) is seen at once. A refresh is one owner's job across processes: it waits for the token
//! lock (`token_lock`), reads the file again under it, and refreshes only if the token there
//! still needs it. Whoever waited finds the winner's token and uses it, so N processes with one
//! expired token make one CreateToken call, which matters when the service rotates refresh
//! tokens (a replayed one is refused). No caller is ever prompted while a refresh can succeed.
//!
//! The window is botocore's: 15 minutes before expiry.

use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_ssooidc::operation::create_token::CreateTokenError;
use tokio::sync::Mutex;

use crate::AuthError;
use crate::cache_time::{self, now_unix};
use crate::sdk_clients::Oidc;
use crate::service_errors::classify;
use crate::sso_session::SsoSession;
use crate::token_cache::{CachedToken, OnDisk, TokenCache};

/// A token with less than this left is refreshed before use (when it can be); botocore's
/// `SSOTokenProvider` uses the same 15 minutes.
pub const REFRESH_WINDOW_SECONDS: i64 = 15 * 60;
/// After a failed refresh of a still-valid token, wait this long before trying again, so a
/// flaky network does not add a failing call to every request.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(60);

const REFRESH_GRANT: &str = "refresh_token";

/// Why a fresh token is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need<'a> {
    /// The token is inside the refresh window (or expired).
    Window,
    /// AWS rejected this access token.
    Rejected(&'a str),
}

pub struct TokenKeeper {
    session: SsoSession,
    cache: TokenCache,
    /// Held while refreshing in this process (before the token lock); remembers when the last
    /// refresh failed.
    refresh_gate: Mutex<Option<Instant>>,
}

impl TokenKeeper {
    pub fn new(session: SsoSession, cache: TokenCache) -> Self {
        Self {
            session,
            cache,
            refresh_gate: Mutex::new(None),
        }
    }

    pub fn cache(&self) -> &TokenCache {
        &self.cache
    }

    /// The cached token as it is, without refreshing.
    pub fn peek(&self) -> Option<CachedToken> {
        self.cache.load()
    }

    /// The token file as it is now, refreshed first when its token is inside the refresh
    /// window. `NotLoggedIn` when there is no token file (never logged in, or logged out by any
    /// process or tool).
    pub async fn current(&self, oidc: &Oidc) -> Result<Arc<OnDisk>, AuthError> {
        let on_disk = self.cache.on_disk().ok_or(AuthError::NotLoggedIn)?;
        if on_disk.token.seconds_left() > REFRESH_WINDOW_SECONDS {
            return Ok(on_disk);
        }
        self.refresh(oidc, Need::Window).await?;
        // What the refresh left on disk, unless a logout removed it meanwhile.
        self.cache.on_disk().ok_or(AuthError::NotLoggedIn)
    }

    /// The token file as it is now, when its token is outside the refresh window (so it can be
    /// used without a refresh, hence without an SSO OIDC client); `None` otherwise.
    pub fn usable_without_refresh(&self) -> Option<Arc<OnDisk>> {
        self.cache
            .on_disk()
            .filter(|on_disk| on_disk.token.seconds_left() > REFRESH_WINDOW_SECONDS)
    }

    /// A replacement for `rejected`, an access token AWS answered 401 to.
    pub async fn replace_rejected(&self, oidc: &Oidc, rejected: &str) -> Result<CachedToken, AuthError> {
        self.refresh(oidc, Need::Rejected(rejected)).await
    }

    /// Writes the token file; the caller holds the token lock.
    pub fn save(&self, token: &CachedToken) -> Result<(), AuthError> {
        self.cache.save(token)?;
        tracing::debug!(
            "SSO token for {} cached in {} (valid until {})",
            self.session.label(),
            self.cache.path().display(),
            cache_time::format_unix(token.expires_at)
        );
        Ok(())
    }

    async fn refresh(&self, oidc: &Oidc, need: Need<'_>) -> Result<CachedToken, AuthError> {
        let mut last_failure = self.refresh_gate.lock().await;
        let _owner = self.cache.lock().acquire().await?;
        // Whoever held the lock before us (here or in another process) may have done the work.
        let token = self.cache.load().ok_or(AuthError::NotLoggedIn)?;
        match need {
            Need::Window if token.seconds_left() > REFRESH_WINDOW_SECONDS => return Ok(token),
            Need::Rejected(rejected) if token.access_token != rejected && !token.is_expired() => return Ok(token),
            _ => {}
        }
        let usable_meanwhile = need == Need::Window && !token.is_expired();
        if !token.is_refreshable() {
            return match need {
                _ if usable_meanwhile => Ok(token),
                Need::Window => Err(AuthError::SessionExpired {
                    expired_at: cache_time::human_unix(token.expires_at),
                }),
                Need::Rejected(_) => Err(AuthError::SessionRejected),
            };
        }
        if usable_meanwhile && last_failure.is_some_and(|at| at.elapsed() < RETRY_AFTER_FAILURE) {
            return Ok(token);
        }
        match refresh_grant(oidc, &token).await {
            Ok(fresh) => {
                *last_failure = None;
                self.save(&fresh)?;
                tracing::debug!("refreshed the SSO token for {}", self.session.label());
                Ok(fresh)
            }
            Err(error) => {
                // A writer that does not take our lock (`aws sso login`, the AWS CLI's own
                // refresh) may have replaced the token meanwhile, and spent the refresh token we
                // just replayed: its token is as good as ours would have been.
                if let Some(now) = self.cache.load().filter(|now| now.access_token != token.access_token)
                    && !now.is_expired()
                {
                    tracing::debug!("the SSO token was replaced by another tool during our refresh; using that one");
                    return Ok(now);
                }
                *last_failure = Some(Instant::now());
                match (need, error) {
                    (_, error) if usable_meanwhile => {
                        tracing::warn!("could not refresh the AWS SSO token, using it until it expires: {error}");
                        Ok(token)
                    }
                    // The token was revoked before its time, and so was the refresh token.
                    (Need::Rejected(_), AuthError::SessionExpired { .. }) => Err(AuthError::SessionRejected),
                    (_, error) => Err(error),
                }
            }
        }
    }
}

/// CreateToken with the refresh_token grant; the result keeps the registration of `token`.
async fn refresh_grant(oidc: &Oidc, token: &CachedToken) -> Result<CachedToken, AuthError> {
    let (Some(refresh_token), Some(client_id), Some(client_secret)) =
        (&token.refresh_token, &token.client_id, &token.client_secret)
    else {
        return Err(AuthError::SessionRejected);
    };
    let answer = oidc
        .create_token()
        .client_id(client_id)
        .client_secret(client_secret)
        .grant_type(REFRESH_GRANT)
        .refresh_token(refresh_token)
        .send()
        .await
        .map_err(|error| match error.as_service_error() {
            // The refresh token or the registration is no longer valid: only a login helps.
            Some(
                CreateTokenError::InvalidGrantException(_)
                | CreateTokenError::InvalidClientException(_)
                | CreateTokenError::ExpiredTokenException(_)
                | CreateTokenError::UnauthorizedClientException(_)
                | CreateTokenError::AccessDeniedException(_),
            ) => AuthError::SessionExpired {
                expired_at: cache_time::human_unix(token.expires_at),
            },
            _ => AuthError::service("CreateToken (refresh)", classify(&error, &oidc.endpoint)),
        })?;
    let access_token = answer.access_token().ok_or_else(|| AuthError::Service {
        operation: "CreateToken (refresh)",
        detail: "the answer has no access token".to_string(),
    })?;
    let mut fresh = token.clone();
    fresh.access_token = access_token.to_string();
    fresh.expires_at = now_unix() + i64::from(answer.expires_in()).max(0);
    if let Some(rotated) = answer.refresh_token() {
        fresh.refresh_token = Some(rotated.to_string());
    }
    Ok(fresh)
}
