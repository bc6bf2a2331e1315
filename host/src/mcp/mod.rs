//! The MCP front end: an rmcp server over the tool registry, on stdio or streamable HTTP.

pub mod client_log;
mod features;
mod http;
mod http_limits;
mod local_origin;
pub mod server;
mod stdio;
mod tool_result;

use std::process::ExitCode;
use std::sync::Arc;

use clap::ArgMatches;
use mcp_aws_sso_config::{ConfigError, Transport};

pub use server::McpServer;

use crate::app::App;

/// Serves on the transport chosen by `serve` flags, else by configuration (`TRANSPORT_MODE`).
pub async fn serve_configured(app: Arc<App>, flags: Option<&ArgMatches>) -> ExitCode {
    let options = match http_options(&app, flags) {
        Ok(options) => options,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(crate::cli::EXIT_USAGE);
        }
    };
    let transport = match flags.and_then(|f| f.get_one::<String>("transport")).map(String::as_str) {
        Some("http") => Transport::Http,
        Some(_) => Transport::Stdio,
        None => app.config.transport,
    };
    let code = match transport {
        Transport::Stdio => stdio::serve(app).await,
        Transport::Http => http::serve(app.clone(), options).await,
    };
    // Calls still waiting for a 2026-07-28 client's answers hold plugin threads; end them.
    server::input_rounds().cancel_all();
    code
}

/// `serve` flags over configuration (`MCP_AWS_SSO_HTTP_HOST`, `PORT`, `MCP_AWS_SSO_HTTP_TOKEN`).
/// A bad `--port` is refused whatever the transport, as a bad `PORT` is.
fn http_options(app: &App, flags: Option<&ArgMatches>) -> Result<http::HttpOptions, ConfigError> {
    let flag = |name: &str| flags.and_then(|f| f.get_one::<String>(name)).cloned();
    let port = match flag("port") {
        Some(text) => mcp_aws_sso_config::port_flag("--port", &text)?,
        None => app.config.http.port,
    };
    Ok(http::HttpOptions {
        host: flag("host").unwrap_or_else(|| app.config.http.host.clone()),
        port,
        token: flag("token").or_else(|| app.config.http.token.as_ref().map(|t| t.expose().clone())),
        limits: http_limits::HttpLimits::from_config(&app.config),
    })
}
