//! `mcp-aws-sso`: an MCP tool host for AWS through AWS IAM Identity Center (AWS SSO).
//!
//! Start-up: configuration ([`mcp_aws_sso_config`]) -> [`app::App`], which owns the auth service
//! ([`auth`]) and the tool [`registry`] (built-in SSO tools from [`builtin`] plus tools from
//! stable-ABI [`plugins`]). Two front ends share that registry: MCP ([`mcp`], stdio or
//! streamable HTTP) and the command line ([`cli`]), where every tool is also a verb.
//! Only the host ever touches the SSO access token; plugins get short-lived role credentials
//! through the `HostContext` they are handed for each call.

mod app;
mod auth;
mod builtin;
mod call_context;
mod catalog;
mod cli;
mod input;
mod limits;
mod logging;
mod mcp;
mod plugins;
mod registry;
mod resources;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (config, config_error) = match mcp_aws_sso_config::Config::load() {
        Ok(config) => (config, None),
        // `doctor` still runs, on defaults, to report the error next to everything else.
        Err(error) if args.get(1).map(String::as_str) == Some("doctor") => match fallback_config() {
            Some(config) => (config, Some(error)),
            None => return config_failure(&error),
        },
        Err(error) => return config_failure(&error),
    };
    logging::init(config.debug);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(async move {
        let app = app::App::start(config);
        cli::dispatch(app, args, config_error).await
    });
    // Dropping a runtime waits for every blocking thread, and a plugin call the host abandoned
    // (timed out, ignoring cancellation) may sleep on for minutes: exit without waiting for it.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    code
}

fn config_failure(error: &mcp_aws_sso_config::ConfigError) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::from(cli::EXIT_USAGE)
}

/// The configuration with nothing set but HOME, for `doctor` when the real one does not load.
fn fallback_config() -> Option<mcp_aws_sso_config::Config> {
    let home = std::env::var_os("HOME")?;
    let env = std::collections::HashMap::from([("HOME".to_string(), home.to_string_lossy().into_owned())]);
    mcp_aws_sso_config::Config::load_from(&env, std::path::Path::new(&home)).ok()
}
