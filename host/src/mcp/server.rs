//! The rmcp `ServerHandler`: lists the registry's tools and runs calls with progress and
//! cancellation wired to the client.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

#[allow(deprecated)]
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, ContentBlock, Implementation, ListResourcesResult, ListToolsResult,
    PaginatedRequestParams, ProgressNotificationParam, ReadResourceRequestParams, ReadResourceResponse,
    ReadResourceResult, Resource, ResourceContents, ServerCapabilities, ServerConfig, SetLevelRequestParams,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::Value;
use tokio::sync::mpsc;

use super::client_log::{self, SessionLog};
use super::tool_result::{from_outcome, to_mcp_tool};
use crate::app::App;
use crate::call_context::{CallContext, FrontEnd, ProgressSink, ProgressUpdate};
use crate::limits::output_cap;
use crate::limits::result_store::{self, ResultStore};

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
    /// Full outputs too long for a result, served as resources to this session only.
    results: ResultStore,
}

impl McpServer {
    pub fn new(app: Arc<App>) -> Self {
        static NEXT_SESSION: AtomicU64 = AtomicU64::new(1);
        Self {
            app,
            session: NEXT_SESSION.fetch_add(1, Ordering::Relaxed),
            log: Arc::new(Mutex::new(None)),
            results: ResultStore::new(),
        }
    }

    /// Applies the output cap to a plugin tool's output: the full text becomes a resource of
    /// this session, linked from the result.
    fn cap_output(&self, tool: &str, output: &mut mcp_aws_sso_plugin_api::ToolOutput) -> Option<Resource> {
        let plugin = self.app.registry.plugin_of(tool)?;
        let max = self
            .app
            .config
            .plugin_config(&plugin.manifest.name)
            .get("maxOutputChars")
            .and_then(Value::as_u64)
            .map_or(self.app.config.max_output_chars, |n| n as usize);
        let oversized = output_cap::cap(output, max)?;
        let stored = self.results.keep(tool, oversized.full_text.clone());
        output.text.push_str(&output_cap::note(
            &oversized,
            max,
            &format!(
                "The full output is the MCP resource {} (read it with resources/read; this server keeps the last {} \
                 such outputs).",
                stored.uri,
                result_store::MAX_RESULTS
            ),
        ));
        Some(
            Resource::new(stored.uri.clone(), stored.name.clone())
                .with_title(stored.name)
                .with_description(format!("The full, untruncated text output of {tool}"))
                .with_mime_type("text/markdown")
                .with_size(stored.text.len() as u64),
        )
    }
}

// Logging is deprecated from protocol 2026-07-28 on (SEP-2577), but every client on an older
// revision still sets levels and reads log notifications, and the conformance suite checks it.
#[allow(deprecated)]
impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        let capabilities = ServerCapabilities::builder()
            .enable_logging()
            .enable_tools()
            .enable_resources()
            .build();
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
        let mut link = None;
        let outcome = outcome.map(|mut output| {
            link = self.cap_output(&request.name, &mut output);
            output
        });
        let mut result = from_outcome(outcome);
        if let Some(resource) = link {
            result.content.push(ContentBlock::resource_link(resource));
        }
        Ok(result.into())
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        let resources = self
            .results
            .list()
            .into_iter()
            .map(|r| {
                Resource::new(r.uri, r.name)
                    .with_mime_type("text/markdown")
                    .with_size(r.text.len() as u64)
            })
            .collect();
        Ok(ListResourcesResult::with_all_items(resources))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        match self.results.get(&request.uri) {
            Some(stored) => Ok(ReadResourceResult::new(vec![
                ResourceContents::text(stored.text.as_str(), stored.uri).with_mime_type("text/markdown"),
            ])
            .into()),
            None => Err(McpError::resource_not_found(
                format!(
                    "no resource {}: this server keeps the full text of the last {} truncated outputs ({} MiB at most), \
                     oldest dropped first. Call the tool again.",
                    request.uri,
                    result_store::MAX_RESULTS,
                    result_store::MAX_BYTES / (1024 * 1024)
                ),
                None,
            )),
        }
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
