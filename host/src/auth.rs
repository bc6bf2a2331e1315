//! The `sso` crate as the host sees it: its types, plus the two translations into the plugin
//! vocabulary that the `sso` crate must not know about (it depends on config only): an
//! [`AuthError`] as a [`ToolError`] of the right kind, and [`RoleCredentials`] as the
//! [`Credentials`] a plugin receives.

use mcp_aws_sso_plugin_api::{Credentials, ErrorKind, ToolError};

pub use sso::*;

/// What kind of tool error an authentication failure is, for the client and the exit code.
pub fn error_kind(error: &AuthError) -> ErrorKind {
    match error {
        AuthError::NotConfigured { .. } => ErrorKind::Failed,
        AuthError::NotLoggedIn | AuthError::SessionExpired { .. } | AuthError::SessionRejected => {
            ErrorKind::NotLoggedIn
        }
        AuthError::LoginDenied { .. } | AuthError::NoAccess { .. } => ErrorKind::PermissionDenied,
        AuthError::LoginExpired { .. } => ErrorKind::Timeout,
        AuthError::Cancelled => ErrorKind::Cancelled,
        AuthError::NotFound { .. } => ErrorKind::NotFound,
        AuthError::Unreachable { .. } | AuthError::Throttled { .. } => ErrorKind::Unavailable,
        AuthError::Service { .. } | AuthError::Cache(_) => ErrorKind::Failed,
    }
}

/// An authentication failure as a tool error (`.map_err(tool_error)?`).
pub fn tool_error(error: AuthError) -> ToolError {
    ToolError::new(error_kind(&error), error.to_string())
}

/// Role credentials in the form the plugin ABI carries them.
pub fn plugin_credentials(credentials: RoleCredentials) -> Credentials {
    Credentials {
        access_key_id: credentials.access_key_id,
        secret_access_key: credentials.secret_access_key,
        session_token: credentials.session_token,
        expiration: credentials.expiration,
    }
}
