//! The role a session verb works as (`--account-id`, `--role-name`, `--region`), and getting its
//! credentials without ever prompting.
//!
//! "Logged in" is decided from the token cache alone, before anything else: a token that is
//! valid, or expired but refreshable. Without one, every verb fails at once with one line that
//! ends in "run `mcp-aws-sso login`", even when role credentials from an earlier session are
//! still on disk: a signed-out user must not keep working by accident.

use std::process::ExitCode;

use clap::{Arg, ArgMatches, Command};

use super::EXIT_TOOL_ERROR;
use super::session_verbs::{Session, one_line};
use crate::auth::AuthError;
use crate::aws_identifiers;

/// The hint every "not logged in" line ends with.
pub const LOGIN_HINT: &str = "run `mcp-aws-sso login`";

/// An account and role, and the region to use with them.
#[derive(Debug, Clone)]
pub struct RoleTarget {
    pub account_id: String,
    pub role_name: String,
    /// `--region`, else the configured default region (`AWS_REGION`, `AWS_DEFAULT_REGION`, profile).
    pub region: Option<String>,
}

/// Adds `--account-id`, `--role-name` and `--region` to `command`.
pub fn add_args(command: Command) -> Command {
    command
        .arg(
            Arg::new("account-id")
                .long("account-id")
                .value_name("ACCOUNT_ID")
                .required(true)
                .value_parser(parse_account_id)
                .help("The 12-digit AWS account id"),
        )
        .arg(
            Arg::new("role-name")
                .long("role-name")
                .value_name("ROLE_NAME")
                .required(true)
                .value_parser(parse_role_name)
                .help("The IAM Identity Center role (permission set) name, e.g. ReadOnly"),
        )
        .arg(
            Arg::new("region")
                .long("region")
                .value_name("REGION")
                .value_parser(parse_region)
                .help("AWS region; default from AWS_REGION, AWS_DEFAULT_REGION or the profile"),
        )
}

impl RoleTarget {
    pub fn from_matches(session: &Session, matches: &ArgMatches) -> Self {
        let text = |id: &str| matches.get_one::<String>(id).cloned();
        Self {
            account_id: text("account-id").unwrap_or_default(),
            role_name: text("role-name").unwrap_or_default(),
            region: text("region").or_else(|| session.config.region.clone()),
        }
    }
}

/// Role credentials for `target`, from the shared caches when they are fresh. Never prompts.
pub async fn role_credentials(session: &Session, target: &RoleTarget) -> Result<Credentials, AuthError> {
    ensure_logged_in(session)?;
    session
        .auth
        .role_credentials(&target.account_id, &target.role_name, false)
        .await
}

/// The role credentials type of the auth layer.
pub type Credentials = crate::auth::RoleCredentials;

/// Fails unless the token cache holds a session that can still be used.
pub fn ensure_logged_in(session: &Session) -> Result<(), AuthError> {
    match session.auth.cached_token()? {
        None => Err(AuthError::NotLoggedIn),
        Some(token) if token.is_expired() && !token.is_refreshable() => Err(AuthError::SessionExpired {
            expired_at: crate::auth::human_unix(token.expires_at),
        }),
        Some(_) => Ok(()),
    }
}

/// Prints why a verb failed, on one line of stderr, and returns exit code 1.
pub fn fail(error: &AuthError) -> ExitCode {
    eprintln!("error: {}", failure_line(error));
    ExitCode::from(EXIT_TOOL_ERROR)
}

/// The one line for `error`. Sign-in problems name the one thing to do: log in with this binary.
pub fn failure_line(error: &AuthError) -> String {
    match error {
        AuthError::NotLoggedIn => format!("not logged in to AWS SSO; {LOGIN_HINT}"),
        AuthError::SessionExpired { expired_at } => {
            format!("the AWS SSO session expired at {expired_at}; {LOGIN_HINT}")
        }
        AuthError::SessionRejected => format!("AWS SSO rejected the cached session; {LOGIN_HINT}"),
        AuthError::NotConfigured { .. } => format!(
            "AWS SSO is not configured: set AWS_SSO_START_URL and AWS_SSO_REGION (or an sso-session \
             profile in ~/.aws/config), then {LOGIN_HINT}"
        ),
        other => one_line(&other.to_string()),
    }
}

fn parse_account_id(text: &str) -> Result<String, String> {
    checked(text, aws_identifiers::is_account_id, aws_identifiers::ACCOUNT_ID_RULE)
}

fn parse_role_name(text: &str) -> Result<String, String> {
    checked(text, aws_identifiers::is_role_name, aws_identifiers::ROLE_NAME_RULE)
}

pub fn parse_region(text: &str) -> Result<String, String> {
    checked(text, aws_identifiers::is_region, aws_identifiers::REGION_RULE)
}

fn checked(text: &str, valid: fn(&str) -> bool, rule: &str) -> Result<String, String> {
    if valid(text) {
        Ok(text.to_string())
    } else {
        Err(rule.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_logged_in_lines_name_the_login_verb() {
        for error in [
            AuthError::NotLoggedIn,
            AuthError::SessionRejected,
            AuthError::SessionExpired {
                expired_at: "2020-01-01 00:00:00 UTC".into(),
            },
            AuthError::NotConfigured { help: "x\ny".into() },
        ] {
            let line = failure_line(&error);
            assert!(line.contains(LOGIN_HINT), "{line}");
            assert!(!line.contains('\n'), "{line}");
        }
    }
}
