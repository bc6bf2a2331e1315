//! The session verbs: one SSO session handed to every other tool a person uses.
//!
//! `credential-process`, `export-credentials` and `exec` give role credentials to SDKs, shells
//! and programs; `console` signs the person in to the AWS console; `profiles` writes
//! `~/.aws/config` profiles that the AWS CLI and SDKs resolve natively against our session.
//!
//! These verbs run on a lean path ([`main`]): no plugin is loaded and no MCP machinery starts,
//! because SDKs call `credential-process` once per client and must not wait for us. They share
//! the SSO session ([`crate::auth::Auth`]) and its caches with everything else, so 50 calls in a
//! row make one GetRoleCredentials call. Failures print one line on stderr that says what to do
//! (`run \`mcp-aws-sso login\``), never a prompt.

use std::process::ExitCode;
use std::sync::Arc;

use clap::Command;
use mcp_aws_sso_config::Config;

use super::{EXIT_OK, EXIT_USAGE, console_verb, credential_process, exec_program, export_credentials, profiles_verb};
use crate::auth::Auth;

/// The verbs, as typed on the command line.
pub const NAMES: &[&str] = &[
    "credential-process",
    "export-credentials",
    "exec",
    "console",
    "profiles",
];

/// Whether `verb` is one of the session verbs (which then run through [`main`]).
pub fn handles(verb: Option<&str>) -> bool {
    verb.is_some_and(|verb| NAMES.contains(&verb))
}

/// The subcommand definitions, for `--help`, completions and parsing.
pub fn commands() -> Vec<Command> {
    vec![
        credential_process::command(),
        export_credentials::command(),
        exec_program::command(),
        console_verb::command(),
        profiles_verb::command(),
    ]
}

/// What every session verb works with.
pub struct Session {
    pub config: Arc<Config>,
    pub auth: Arc<Auth>,
}

/// Runs a session verb; `args` is the whole command line (`mcp-aws-sso VERB ...`).
pub fn main(args: Vec<String>) -> ExitCode {
    let verb = args.get(1).cloned().unwrap_or_default();
    let mut root = Command::new("mcp-aws-sso")
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true);
    for command in commands().into_iter().filter(|c| c.get_name() == verb) {
        root = root.subcommand(command);
    }
    let matches = match root.try_get_matches_from(&args) {
        Ok(matches) => matches,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    let Some((verb, sub)) = matches.subcommand() else {
        return ExitCode::from(EXIT_USAGE);
    };
    let config = match Config::load() {
        Ok(config) => Arc::new(config),
        Err(error) => {
            eprintln!("error: {}", one_line(&error.to_string()));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    crate::logging::init(config.debug);
    // One thread is plenty for one role's credentials, and starts fastest.
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let session = Session {
        auth: Auth::new(config.clone()),
        config,
    };
    runtime.block_on(async {
        match verb {
            "credential-process" => credential_process::run(&session, sub).await,
            "export-credentials" => export_credentials::run(&session, sub).await,
            "exec" => exec_program::run(&session, sub).await,
            "console" => console_verb::run(&session, sub).await,
            "profiles" => profiles_verb::run(&session, sub).await,
            _ => ExitCode::from(EXIT_USAGE),
        }
    })
}

/// A message folded onto one line, for callers that read only the first line of stderr.
pub fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
