//! The MCP front end: an rmcp server over the tool registry, on stdio or streamable HTTP.

pub mod server;
mod stdio;
mod tool_result;

use std::process::ExitCode;
use std::sync::Arc;

use clap::ArgMatches;
use mcp_aws_sso_config::Transport;

pub use server::McpServer;

use crate::app::App;

/// Serves on the transport chosen by `serve` flags, else by configuration (`TRANSPORT_MODE`).
pub async fn serve_configured(app: Arc<App>, flags: Option<&ArgMatches>) -> ExitCode {
    let transport = match flags.and_then(|f| f.get_one::<String>("transport")).map(String::as_str) {
        Some("http") => Transport::Http,
        Some(_) => Transport::Stdio,
        None => app.config.transport,
    };
    match transport {
        Transport::Stdio => stdio::serve(app).await,
        Transport::Http => {
            tracing::error!("the HTTP transport is not available in this build");
            ExitCode::from(crate::cli::EXIT_USAGE)
        }
    }
}
