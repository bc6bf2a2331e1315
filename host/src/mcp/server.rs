//! The rmcp `ServerHandler`: lists the registry's tools and runs calls with progress and
//! cancellation wired to the client.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

#[allow(deprecated)]
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, Implementation, ListToolsResult, PaginatedRequestParams,
    ProgressNotificationParam, ServerCapabilities, ServerConfig, SetLevelRequestParams,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::Value;
use tokio::sync::mpsc;

use super::client_log::{self, SessionLog};
use super::tool_result::{from_outcome, to_mcp_tool};
use crate::app::App;
use crate::call_context::{CallContext, FrontEnd, ProgressSink, ProgressUpdate};

const INSTRUCTIONS: &str = "Tools for AWS through AWS IAM Identity Center (AWS SSO). Start with \
aws_sso_status; if not authenticated, call aws_sso_login and show the user the code and URL. \
Use aws_sso_ls_accounts to find account ids and role names, then aws_sso_exec_command to run \
AWS CLI commands or aws_sso_ec2_exec_command to run shell commands on EC2 instances via SSM.";

/// One MCP session's handler. Cheap to clone: rmcp's HTTP transport makes one per session.
#[derive(Clone)]
pub struct McpServer {
    app: Arc<App>,
    /// Tells this session's log lines apart from other sessions' (see `client_log`).
    session: u64,
    /// Set once the client sends `logging/setLevel`.
    log: Arc<Mutex<Option<Arc<SessionLog>>>>,
}

impl McpServer {
    pub fn new(app: Arc<App>) -> Self {
        static NEXT_SESSION: AtomicU64 = AtomicU64::new(1);
        Self {
            app,
            session: NEXT_SESSION.fetch_add(1, Ordering::Relaxed),
            log: Arc::new(Mutex::new(None)),
        }
    }
}

// Logging is deprecated from protocol 2026-07-28 on (SEP-2577), but every client on an older
// revision still sets levels and reads log notifications, and the conformance suite checks it.
#[allow(deprecated)]
impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        let capabilities = ServerCapabilities::builder().enable_logging().enable_tools().build();
        ServerConfig::new(capabilities)
            .with_server_info(
                Implementation::new("mcp-aws-sso", env!("CARGO_PKG_VERSION"))
                    .with_title("AWS SSO (IAM Identity Center)"),
            )
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        let tools = self
            .app
            .registry
            .tools()
            .map(|entry| to_mcp_tool(&entry.spec))
            .collect();
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let args = request.arguments.map(Value::Object).unwrap_or(Value::Null);
        let (progress, forwarder) = match context.meta.get_progress_token() {
            Some(token) => {
                let (tx, mut rx) = mpsc::unbounded_channel::<ProgressUpdate>();
                let peer = context.peer.clone();
                // A task keeps notifications in order; plugins report from blocking threads.
                let forwarder = tokio::spawn(async move {
                    while let Some(update) = rx.recv().await {
                        let mut param =
                            ProgressNotificationParam::new(token.clone(), update.done).with_message(update.message);
                        if let Some(total) = update.total {
                            param = param.with_total(total);
                        }
                        if peer.notify_progress(param).await.is_err() {
                            break;
                        }
                    }
                });
                let sink: ProgressSink = Arc::new(move |update| {
                    let _ = tx.send(update);
                });
                (Some(sink), Some(forwarder))
            }
            None => (None, None),
        };
        let ctx = CallContext::new(FrontEnd::Mcp, context.ct.clone(), progress).for_session(self.session);
        let outcome = self.app.registry.call(&request.name, args, ctx).await;
        // Flush progress before the result, so no notification arrives for a finished request.
        // Bounded: a tool that keeps working in the background may still hold the sender.
        if let Some(forwarder) = forwarder {
            let _ = tokio::time::timeout(std::time::Duration::from_millis(250), forwarder).await;
        }
        Ok(from_outcome(outcome).into())
    }

    async fn set_level(
        &self,
        request: SetLevelRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        match log.as_ref() {
            Some(session) => session.set_level(request.level),
            None => *log = Some(client_log::subscribe(self.session, context.peer.clone(), request.level)),
        }
        Ok(())
    }
}
