//! The MCP front end: an rmcp server over the tool registry, on stdio or streamable HTTP.

mod bearer_auth;
pub mod client_log;
mod features;
mod http;
mod http_limits;
mod local_origin;
mod memory_release;
pub mod server;
mod stdio;
mod tool_result;

use std::process::ExitCode;
use std::sync::Arc;

use clap::ArgMatches;
use mcp_aws_sso_config::{ConfigError, Secret, Transport};

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
/// The token: `--token-file`, else `--token` (with a warning: `ps` shows it), else configuration.
fn http_options(app: &App, flags: Option<&ArgMatches>) -> Result<http::HttpOptions, String> {
    let flag = |name: &str| flags.and_then(|f| f.get_one::<String>(name)).cloned();
    let port = match flag("port") {
        Some(text) => mcp_aws_sso_config::port_flag("--port", &text).map_err(|e: ConfigError| e.to_string())?,
        None => app.config.http.port,
    };
    let token_file = flags.and_then(|f| f.get_one::<std::path::PathBuf>("token-file"));
    let token = match (token_file, flags.and_then(|f| f.get_one::<String>("token"))) {
        (Some(path), _) => Some(bearer_auth::read_token_file(path).map_err(|e| e.to_string())?),
        (None, Some(text)) => {
            eprintln!("{}", bearer_auth::TOKEN_FLAG_WARNING);
            Some(Secret::new(text.clone()))
        }
        (None, None) => app.config.http.token.clone(),
    };
    Ok(http::HttpOptions {
        host: flag("host").unwrap_or_else(|| app.config.http.host.clone()),
        port,
        token,
        limits: http_limits::HttpLimits::from_config(&app.config),
    })
}
