//! `mcp-aws-sso`: an MCP tool host for AWS through AWS IAM Identity Center (AWS SSO).
//!
//! Start-up: configuration ([`mcp_aws_sso_config`], loaded leniently; [`cli::startup`] decides
//! whether this command line may run with a broken part) -> [`app::App`], which owns the SSO
//! session (the `sso` crate, seen through [`auth`]) and the tool [`registry`] (built-in SSO tools
//! from [`builtin`] plus tools from stable-ABI [`plugins`]). Two front ends share that registry:
//! MCP ([`mcp`], stdio or streamable HTTP) and the command line ([`cli`]), where every tool is
//! also a verb.
//! Only the host ever touches the SSO access token; plugins get short-lived role credentials
//! through the `HostContext` they are handed for each call. The session verbs
//! (`credential-process`, `export-credentials`, `exec`, `console`, `profiles`;
//! [`cli::session_verbs`]) hand the same session to other tools, on a lean path that loads no
//! plugins; the console sign-in itself is [`console_signin`].

mod app;
mod auth;
mod aws_identifiers;
mod builtin;
mod call_context;
mod catalog;
mod cli;
mod console_signin;
mod input;
mod limits;
mod logging;
mod mcp;
mod plugins;
mod registry;
mod resources;

use std::process::ExitCode;

use cli::startup::Startup;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    // The session verbs take a lean path: no plugins, no MCP, a one-thread runtime.
    if cli::session_verbs::handles(args.get(1).map(String::as_str)) {
        return cli::session_verbs::main(args);
    }
    let Some((config, problems)) = Startup::of(&args).accept(mcp_aws_sso_config::Config::load_lenient()) else {
        return ExitCode::from(cli::EXIT_USAGE);
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
        cli::dispatch(app, args, problems).await
    });
    // Dropping a runtime waits for every blocking thread, and a plugin call the host abandoned
    // (timed out, ignoring cancellation) may sleep on for minutes: exit without waiting for it.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    code
}
