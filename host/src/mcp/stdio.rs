//! MCP over stdio: stdout carries only protocol messages, so all logging goes to stderr.

use std::process::ExitCode;
use std::sync::Arc;

use rmcp::ServiceExt;

use super::McpServer;
use crate::app::App;

pub async fn serve(app: Arc<App>) -> ExitCode {
    let server = McpServer::new(app.clone());
    match server.serve(rmcp::transport::stdio()).await {
        Ok(running) => match running.waiting().await {
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => {
                tracing::error!("MCP stdio session ended with an error: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            tracing::error!("MCP stdio session could not start: {e}");
            ExitCode::FAILURE
        }
    }
}
