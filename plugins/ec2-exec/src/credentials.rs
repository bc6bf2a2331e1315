//! Role credentials from the host, as an AWS SDK credentials provider.
//!
//! The plugin never sees the SSO token: it asks the host (`Host::credentials`) for the role's
//! short-lived credentials. [`RoleCredentials`] keeps the current set; the SDK clients read them
//! through [`RoleCredentials::provider`] on every request (the clients run without an identity
//! cache, so that a refresh here is seen at once). Two things make it ask the host again:
//! - the credentials are about to expire (a command may run for up to an hour), and
//! - AWS rejected them as expired or invalid: [`RoleCredentials::refresh_once`] asks the host with
//!   `force_refresh`, once per call, so that a revoked session cannot loop.
//!
//! Host calls block (the host drives its own runtime), so inside the plugin's runtime they run on
//! `spawn_blocking` threads.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, error::CredentialsError, future};
use mcp_aws_sso_plugin_api::{Credentials, Host, ToolError};

/// Credentials closer than this to their expiry are replaced before use.
const EXPIRY_MARGIN: Duration = Duration::from_secs(120);

pub struct RoleCredentials {
    host: Host,
    account_id: String,
    role_name: String,
    current: Mutex<Credentials>,
    refreshed: AtomicBool,
}

impl fmt::Debug for RoleCredentials {
    // Only names: `Credentials`' own Debug already hides the secrets, but there is no need to
    // print even the key id.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoleCredentials")
            .field("account_id", &self.account_id)
            .field("role_name", &self.role_name)
            .finish_non_exhaustive()
    }
}

impl RoleCredentials {
    /// Asks the host for the role's credentials. Blocking: call it outside the runtime.
    pub fn fetch(host: &Host, account_id: &str, role_name: &str) -> Result<Arc<Self>, ToolError> {
        let credentials = host.credentials(account_id, role_name, false)?;
        Ok(Arc::new(Self {
            host: host.clone(),
            account_id: account_id.to_string(),
            role_name: role_name.to_string(),
            current: Mutex::new(credentials),
            refreshed: AtomicBool::new(false),
        }))
    }

    pub fn provider(self: &Arc<Self>) -> SharedCredentialsProvider {
        SharedCredentialsProvider::new(HostCredentialsProvider(self.clone()))
    }

    /// After AWS rejected the credentials: fresh ones from the host, bypassing its caches.
    /// `Ok(false)` when this call already refreshed once (the caller reports the error instead).
    pub async fn refresh_once(self: &Arc<Self>) -> Result<bool, ToolError> {
        if self.refreshed.swap(true, Ordering::SeqCst) {
            return Ok(false);
        }
        self.replace(true).await?;
        Ok(true)
    }

    async fn replace(self: &Arc<Self>, force_refresh: bool) -> Result<Credentials, ToolError> {
        let this = self.clone();
        let fresh = tokio::task::spawn_blocking(move || {
            this.host.credentials(&this.account_id, &this.role_name, force_refresh)
        })
        .await
        .map_err(|e| ToolError::internal(format!("asking the host for credentials failed: {e}")))??;
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = fresh.clone();
        Ok(fresh)
    }

    async fn current(self: &Arc<Self>) -> Result<Credentials, ToolError> {
        let credentials = self.current.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if expires_within(&credentials, EXPIRY_MARGIN) {
            return self.replace(false).await;
        }
        Ok(credentials)
    }
}

fn expires_within(credentials: &Credentials, margin: Duration) -> bool {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs() as i64;
    credentials.expiration - now < margin.as_secs() as i64
}

fn to_sdk(credentials: Credentials) -> aws_credential_types::Credentials {
    let expiry = UNIX_EPOCH + Duration::from_secs(credentials.expiration.max(0) as u64);
    aws_credential_types::Credentials::new(
        credentials.access_key_id,
        credentials.secret_access_key,
        Some(credentials.session_token),
        Some(expiry),
        "mcp-aws-sso",
    )
}

#[derive(Debug)]
struct HostCredentialsProvider(Arc<RoleCredentials>);

impl ProvideCredentials for HostCredentialsProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            self.0
                .current()
                .await
                .map(to_sdk)
                .map_err(|error| CredentialsError::provider_error(error.message))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expiring_in(seconds: i64) -> Credentials {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
        Credentials {
            access_key_id: "AKIA".into(),
            secret_access_key: "secret".into(),
            session_token: "token".into(),
            expiration: now + seconds,
        }
    }

    #[test]
    fn credentials_near_expiry_are_replaced_before_use() {
        assert!(expires_within(&expiring_in(60), EXPIRY_MARGIN));
        assert!(expires_within(&expiring_in(-10), EXPIRY_MARGIN));
        assert!(!expires_within(&expiring_in(3600), EXPIRY_MARGIN));
    }
}
