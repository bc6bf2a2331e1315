//! The command line: `mcp-aws-sso [VERB]`. With no verb it serves MCP on stdio. Every tool in the
//! registry, built-in or plugin, is also a verb whose flags come from the tool's input schema.
//!
//! Flow: parse flags ([`definition`]) -> dispatch to the MCP server, a host verb, or a tool run
//! ([`run_tool`]), whose exit code is 0 on success, 1 on a tool error and 2 on a usage error.

mod definition;
mod doctor;
mod plugins_report;
mod run_tool;
mod scaffold;
mod spinner;
pub mod tool_command;

use std::process::ExitCode;
use std::sync::Arc;

use mcp_aws_sso_config::ConfigError;

use crate::app::App;

pub use definition::build;

/// Exit codes shared by every verb.
pub const EXIT_OK: u8 = 0;
pub const EXIT_TOOL_ERROR: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// Parses `args` against the registry and runs what they ask for. `config_error` is the reason the
/// configuration could not be loaded, when `app` runs on defaults for `doctor`'s sake.
pub async fn dispatch(app: Arc<App>, args: Vec<String>, config_error: Option<ConfigError>) -> ExitCode {
    let matches = match build(&app).try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(error) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    match matches.subcommand() {
        None => crate::mcp::serve_configured(app, None).await,
        Some(("serve", sub)) => crate::mcp::serve_configured(app, Some(sub)).await,
        Some(("plugins", sub)) => match sub.subcommand() {
            Some(("new", new)) => scaffold::run(&app, new),
            _ => plugins_report::print(&app, sub.get_flag("json")),
        },
        Some(("doctor", sub)) => doctor::run(&app, config_error.as_ref(), sub.get_flag("json")).await,
        Some(("completions", sub)) => {
            let shell = *sub.get_one::<clap_complete::Shell>("shell").expect("required by clap");
            clap_complete::generate(shell, &mut build(&app), "mcp-aws-sso", &mut std::io::stdout());
            ExitCode::from(EXIT_OK)
        }
        Some((verb, sub)) => run_tool::run(&app, verb, sub).await,
    }
}
