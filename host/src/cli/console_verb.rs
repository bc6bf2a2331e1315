//! `console --account-id ID --role-name ROLE [--destination URL|SERVICE] [--region R] [--print]`:
//! signs the person in to the AWS console ([`crate::console_signin`]) and opens the browser, or
//! prints the login URL with `--print` (stdout holds the URL alone, for `open "$(...)"`).
//!
//! This is the host's own verb for the same sign-in the `aws_sso_console` MCP tool performs;
//! only here can the URL be printed, because only here is the reader the person at the terminal.

use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};

use super::role_target::{self, RoleTarget};
use super::session_verbs::{Session, one_line};
use super::{EXIT_OK, EXIT_TOOL_ERROR};
use crate::console_signin::{self, ConsoleError, ConsoleRequest};

pub fn command() -> Command {
    let command = Command::new("console")
        .about("Sign in to the AWS console with a role and open it in the browser (or --print the URL)")
        .long_about(
            "Sign in to the AWS console with a role: the role credentials are exchanged at the AWS \
             federation endpoint (AWS_ENDPOINT_URL_SIGNIN overrides it) for a sign-in URL, which opens in \
             the browser (BROWSER, else the system's opener). --destination takes a service name (s3, ec2, \
             cloudwatch, lambda, iam, ...) or a console URL.\n\nThe URL signs in whoever opens it within 15 \
             minutes: with --print, keep it to yourself.",
        )
        .arg(
            Arg::new("destination")
                .long("destination")
                .value_name("URL|SERVICE")
                .help("A service name (s3, ec2, cloudwatch, ...) or an https console URL; default: the console home"),
        )
        .arg(
            Arg::new("print")
                .long("print")
                .action(ArgAction::SetTrue)
                .help("Print the sign-in URL instead of opening the browser"),
        )
        .arg(
            Arg::new("json")
                .long("json")
                .action(ArgAction::SetTrue)
                .conflicts_with("print")
                .help("Print what was opened as JSON"),
        );
    role_target::add_args(command)
}

pub async fn run(session: &Session, matches: &ArgMatches) -> ExitCode {
    let target = RoleTarget::from_matches(session, matches);
    if let Err(error) = role_target::ensure_logged_in(session) {
        return role_target::fail(&error);
    }
    let request = ConsoleRequest {
        account_id: target.account_id,
        role_name: target.role_name,
        destination: matches.get_one::<String>("destination").cloned(),
        region: target.region,
    };
    if matches.get_flag("print") {
        return match console_signin::sign_in(&session.auth, &session.config, &request).await {
            Ok((url, opened)) => {
                println!("{}", url.expose());
                eprintln!(
                    "{}.\nThis URL signs in whoever opens it within 15 minutes: do not share it.",
                    opened.summary()
                );
                ExitCode::from(EXIT_OK)
            }
            Err(error) => fail(&error),
        };
    }
    match console_signin::open(&session.auth, &session.config, &request).await {
        Ok(opened) => {
            if matches.get_flag("json") {
                println!("{:#}", opened.to_json());
            } else {
                println!("Opened the {}.", opened.summary());
            }
            ExitCode::from(EXIT_OK)
        }
        Err(error) => fail(&error),
    }
}

fn fail(error: &ConsoleError) -> ExitCode {
    match error {
        ConsoleError::Auth(error) => role_target::fail(error),
        other => {
            eprintln!("error: {}", one_line(&other.to_string()));
            ExitCode::from(EXIT_TOOL_ERROR)
        }
    }
}
