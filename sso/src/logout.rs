//! Signing out: every local trace — a login still waiting for the browser, the cached token, the
//! SSO role credentials in the AWS CLI cache (as `aws sso logout` does), the accounts listing —
//! then the portal's Logout, which revokes the session's tokens at AWS.
//!
//! The token file is removed under the token lock, which also raises the logout epoch: a refresh
//! in flight elsewhere finds no file when it gets the lock, and a login that started before
//! the logout (in this process or another) stores nothing when its approval arrives.

use crate::service_errors::classify;
use crate::{Auth, AuthError};

/// What the portal said to Logout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortalLogout {
    Done,
    /// Why no call was made (no token, or it had expired).
    Skipped(&'static str),
    /// The call failed; the local cleanup happened anyway.
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct LogoutReport {
    pub had_session: bool,
    pub portal: PortalLogout,
    pub token_file_removed: bool,
    pub role_credential_files_removed: usize,
    pub accounts_cache_removed: bool,
    pub pending_login_cancelled: bool,
}

impl Auth {
    pub async fn logout(&self) -> Result<LogoutReport, AuthError> {
        let parts = self.parts()?;
        let pending_login_cancelled = parts.logins.current().is_some();
        parts.logins.cancel();
        let (token, token_file_removed) = {
            let mut owner = parts.tokens.cache().lock().acquire().await?;
            owner.raise_logout_epoch()?;
            let token = parts.tokens.peek();
            (token, parts.tokens.cache().remove()?)
        };
        let role_credential_files_removed = parts.role_credentials.clear();
        let accounts_cache_removed = parts.accounts.clear();
        let portal = match &token {
            None => PortalLogout::Skipped("no cached session"),
            Some(token) if token.is_expired() => PortalLogout::Skipped("the session had already expired"),
            Some(token) => {
                let clients = self.clients().await?;
                match clients.portal.logout().access_token(&token.access_token).send().await {
                    Ok(_) => PortalLogout::Done,
                    Err(error) => PortalLogout::Failed(classify(&error, &clients.portal.endpoint).describe()),
                }
            }
        };
        Ok(LogoutReport {
            had_session: token.is_some(),
            portal,
            token_file_removed,
            role_credential_files_removed,
            accounts_cache_removed,
            pending_login_cancelled,
        })
    }
}
