//! AWS IAM Identity Center authentication: the SSO session (device-code login, the AWS CLI token
//! cache, refresh) and what it unlocks (role credentials, accounts and roles).
//!
//! Everything that needs the SSO access token lives behind [`Auth`]; tools and plugins only ever
//! receive role credentials.

use std::sync::Arc;

use mcp_aws_sso_config::Config;
use mcp_aws_sso_plugin_api::{Credentials, ErrorKind, ToolError};

/// Why an authenticated operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("You are not logged in to AWS SSO. Run the `aws_sso_login` tool (or `mcp-aws-sso login`) first.")]
    NotLoggedIn,
}

impl From<AuthError> for ToolError {
    fn from(error: AuthError) -> Self {
        let kind = match error {
            AuthError::NotLoggedIn => ErrorKind::NotLoggedIn,
        };
        ToolError::new(kind, error.to_string())
    }
}

/// The host's authentication service, shared by built-in tools and plugin calls.
pub struct Auth {
    #[allow(dead_code)]
    config: Arc<Config>,
}

impl Auth {
    pub fn new(config: Arc<Config>) -> Arc<Self> {
        Arc::new(Self { config })
    }

    /// Short-lived credentials for a role; `force_refresh` bypasses the caches.
    pub async fn role_credentials(
        &self,
        _account_id: &str,
        _role_name: &str,
        _force_refresh: bool,
    ) -> Result<Credentials, AuthError> {
        Err(AuthError::NotLoggedIn)
    }

    /// The roles the user has in an account.
    pub async fn account_roles(&self, _account_id: &str) -> Result<Vec<String>, AuthError> {
        Err(AuthError::NotLoggedIn)
    }
}
