//! Why an authentication step failed, worded for the person (or model) who has to act on it.
//! No variant ever carries a token, a client secret or role credentials.

use crate::private_file::FileError;
use crate::service_errors::Failure;

/// How to sign in, appended to every "not signed in" message. Tools are named as a model calls
/// them; the host's command line rewrites each name into the command a person types.
const LOGIN_HINT: &str = "Run `aws_sso_login` to sign in.";

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No start URL or SSO region: `help` says which key to set and where.
    #[error("{}\n\nThen run `aws_sso_login` to sign in.", help.trim_end())]
    NotConfigured { help: String },

    #[error("You are not logged in to AWS SSO. {LOGIN_HINT}")]
    NotLoggedIn,

    #[error("Your AWS SSO session expired at {expired_at} and cannot be refreshed. {LOGIN_HINT}")]
    SessionExpired { expired_at: String },

    #[error(
        "AWS SSO rejected the cached session (it expired early or was signed out elsewhere) and it cannot be refreshed. {LOGIN_HINT}"
    )]
    SessionRejected,

    #[error(
        "The AWS SSO login with code {user_code} was denied. Run `aws_sso_login` again and approve the request in the browser."
    )]
    LoginDenied { user_code: String },

    #[error(
        "The AWS SSO login code {user_code} expired before it was approved. Run `aws_sso_login` again and approve it within the time shown."
    )]
    LoginExpired { user_code: String },

    #[error(
        "The AWS SSO login was denied in the browser ({reason}). Run `aws_sso_login` again and approve the request \
         (or use the device code flow: `useDeviceCode: true`, `mcp-aws-sso login --use-device-code`)."
    )]
    BrowserLoginDenied { reason: String },

    #[error(
        "No answer came back from the browser within {minutes} minutes, so the AWS SSO login was abandoned. Run \
         `aws_sso_login` again and approve the request in the browser window it opens."
    )]
    BrowserLoginTimedOut { minutes: u64 },

    #[error(
        "The browser login cannot start: {detail}. Use the device code flow instead (`useDeviceCode: true`, \
         `mcp-aws-sso login --use-device-code`)."
    )]
    LoopbackUnavailable { detail: String },

    #[error("The AWS SSO login was cancelled.")]
    Cancelled,

    #[error(
        "No access to role `{role}` in account {account_id} ({detail}). Run `aws_sso_ls_accounts` to see the accounts and roles you have."
    )]
    NoAccess {
        account_id: String,
        role: String,
        detail: String,
    },

    #[error("{what} was not found ({detail}). Run `aws_sso_ls_accounts` to see the accounts and roles you have.")]
    NotFound { what: String, detail: String },

    #[error(
        "Cannot reach AWS SSO for {operation}: {detail}. Check the network connection and any endpoint override \
         (AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL), then try again."
    )]
    Unreachable { operation: &'static str, detail: String },

    #[error("AWS SSO is throttling {operation} (TooManyRequestsException). Wait a minute and try again.")]
    Throttled { operation: &'static str },

    #[error("AWS SSO {operation} failed: {detail}")]
    Service { operation: &'static str, detail: String },

    #[error("{0}. Check the permissions of that path.")]
    Cache(#[from] FileError),
}

impl AuthError {
    /// The error for a failed SSO call that has no better meaning at the call site.
    pub(crate) fn service(operation: &'static str, failure: Failure) -> Self {
        match failure {
            Failure::Unauthorized => AuthError::NotLoggedIn,
            Failure::Throttled => AuthError::Throttled { operation },
            Failure::Transient(detail) => AuthError::Unreachable { operation, detail },
            Failure::NotFound(detail) => AuthError::NotFound {
                what: "The resource".to_string(),
                detail,
            },
            other => AuthError::Service {
                operation,
                detail: other.describe(),
            },
        }
    }
}
