//! `credential-process --account-id ID --role-name ROLE`: the AWS `credential_process` protocol.
//!
//! An SDK or the AWS CLI runs this for a profile such as
//!
//! ```ini
//! [profile dev]
//! credential_process = mcp-aws-sso credential-process --account-id 123456789012 --role-name ReadOnly
//! ```
//!
//! and reads one JSON object from stdout: `Version` 1, `AccessKeyId`, `SecretAccessKey`,
//! `SessionToken` and `Expiration` (ISO 8601). Stdout carries that object and nothing else; any
//! failure is exit code 1 with one line on stderr, which the SDKs show to the person. It never
//! prompts: SDKs call it without a terminal.

use std::io::Write;
use std::process::ExitCode;

use clap::{ArgMatches, Command};
use serde::Serialize;

use super::role_target::{self, Credentials, RoleTarget};
use super::session_verbs::Session;
use super::{EXIT_OK, EXIT_TOOL_ERROR};
use crate::auth::format_unix;

pub fn command() -> Command {
    let command = Command::new("credential-process")
        .about("Print role credentials as AWS credential_process JSON (for ~/.aws/config profiles)")
        .long_about(
            "Print role credentials as the JSON the AWS SDKs and CLI expect from a credential_process, \
             and nothing else on stdout. Use it in ~/.aws/config:\n\n  \
             [profile dev]\n  \
             credential_process = mcp-aws-sso credential-process --account-id 123456789012 --role-name ReadOnly\n\n\
             Credentials come from the shared cache (~/.aws/cli/cache) while they are fresh. Exit code 1 \
             with one line on stderr when not logged in; never prompts.",
        );
    role_target::add_args(command)
}

pub async fn run(session: &Session, matches: &ArgMatches) -> ExitCode {
    let target = RoleTarget::from_matches(session, matches);
    match role_target::role_credentials(session, &target).await {
        Ok(credentials) => print(&ProcessCredentials::from(&credentials)),
        Err(error) => role_target::fail(&error),
    }
}

/// The `credential_process` output, version 1, as the AWS CLI's `--format process` writes it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProcessCredentials<'a> {
    version: u8,
    access_key_id: &'a str,
    secret_access_key: &'a str,
    session_token: &'a str,
    expiration: String,
}

impl<'a> From<&'a Credentials> for ProcessCredentials<'a> {
    fn from(credentials: &'a Credentials) -> Self {
        Self {
            version: 1,
            access_key_id: &credentials.access_key_id,
            secret_access_key: &credentials.secret_access_key,
            session_token: &credentials.session_token,
            expiration: format_unix(credentials.expiration),
        }
    }
}

impl ProcessCredentials<'_> {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("plain strings serialize")
    }
}

fn print(output: &ProcessCredentials<'_>) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{}", output.to_json()).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(error) => {
            eprintln!("error: cannot write the credentials to stdout: {error}");
            ExitCode::from(EXIT_TOOL_ERROR)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_version_1_shape() {
        let credentials = Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "secret".into(),
            session_token: "token".into(),
            expiration: 1_700_000_000,
        };
        let json: serde_json::Value = serde_json::from_str(&ProcessCredentials::from(&credentials).to_json()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "Version": 1,
                "AccessKeyId": "ASIAEXAMPLE",
                "SecretAccessKey": "secret",
                "SessionToken": "token",
                "Expiration": "2023-11-14T22:13:20Z"
            })
        );
    }
}
