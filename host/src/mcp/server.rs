//! The rmcp `ServerHandler`: lists the registry's tools and the catalog's prompts and resources,
//! and runs calls with progress, cancellation and client input wired to the client.
//!
//! Tool calls, `prompts/get` and plugin `resources/read` can ask the client for input mid-call
//! (see [`crate::input`]): on 2025-11-25 sessions through server-to-client requests, on
//! 2026-07-28 through `InputRequiredResult` rounds, which [`InputRounds`] keeps across requests.

use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use mcp_aws_sso_plugin_api::extensions::requests;
use mcp_aws_sso_plugin_api::{ToolError, ToolOutput};
#[allow(deprecated)]
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, ClientCapabilities, CompleteRequestParams, CompleteResult, ContentBlock,
    GetPromptRequestParams, GetPromptResponse, Implementation, InputResponses, ListPromptsResult,
    ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
    ProgressNotificationParam, ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource,
    ResourceContents, ResourceUpdatedNotificationParam, ServerCapabilities, ServerConfig, SetLevelRequestParams,
    SubscribeRequestParams, SubscriptionFilter, UnsubscribeRequestParams,
};
use rmcp::service::{RequestContext, SubscriptionContext};
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::client_log::{self, SessionLog};
use super::features;
use super::tool_result::{from_outcome, to_mcp_tool};
use crate::app::App;
use crate::call_context::{CallContext, FrontEnd, ProgressSink, ProgressUpdate};
use crate::input::capabilities::uses_input_rounds;
use crate::input::peer_input::PeerInput;
use crate::input::rounds::{InputRounds, RequestKey, Round};
use crate::input::{ClientInput, InputCapabilities};
use crate::limits::output_cap;
use crate::limits::result_store::{self, ResultStore};
use crate::plugins::LoadedPlugin;

const INSTRUCTIONS: &str = "Tools for AWS through AWS IAM Identity Center (AWS SSO). Start with \
aws_sso_status; if not authenticated, call aws_sso_login and show the user the code and URL. \
Use aws_sso_ls_accounts to find account ids and role names, then aws_sso_exec_command to run \
AWS CLI commands or aws_sso_ec2_exec_command to run shell commands on EC2 instances via SSM.";

/// Calls waiting for a 2026-07-28 client's next round: one table for the whole process, since
/// a stateless client's retry may arrive through any session handler.
pub fn input_rounds() -> Arc<InputRounds> {
    static ROUNDS: OnceLock<Arc<InputRounds>> = OnceLock::new();
    ROUNDS.get_or_init(|| Arc::new(InputRounds::default())).clone()
}

/// One MCP session's handler. Cheap to clone: rmcp's HTTP transport makes one per session.
#[derive(Clone)]
pub struct McpServer {
    app: Arc<App>,
    /// Tells this session's log lines apart from other sessions' (see `client_log`).
    session: u64,
    /// Set once the client sends `logging/setLevel`.
    log: Arc<Mutex<Option<Arc<SessionLog>>>>,
    /// Resource URIs this session subscribed to (`resources/subscribe`).
    subscriptions: Arc<Mutex<HashSet<String>>>,
    /// Cancelled when the last clone of this session's handler is dropped (the session ended),
    /// which stops the task forwarding its resource updates.
    session_alive: Arc<tokio_util::sync::DropGuard>,
    rounds: Arc<InputRounds>,
    /// Full outputs too long for a result, served as resources to this session only.
    results: ResultStore,
    /// Over HTTP, this session's place under `MCP_AWS_SSO_HTTP_MAX_SESSIONS`: given back when
    /// the session ends (closed, or idle past `MCP_AWS_SSO_HTTP_SESSION_IDLE`).
    session_slot: Option<Arc<super::http_limits::SessionSlot>>,
}

impl McpServer {
    pub fn new(app: Arc<App>) -> Self {
        static NEXT_SESSION: AtomicU64 = AtomicU64::new(1);
        Self {
            app,
            session: NEXT_SESSION.fetch_add(1, Ordering::Relaxed),
            log: Arc::new(Mutex::new(None)),
            subscriptions: Arc::new(Mutex::new(HashSet::new())),
            session_alive: Arc::new(tokio_util::sync::CancellationToken::new().drop_guard()),
            rounds: input_rounds(),
            results: ResultStore::new(),
            session_slot: None,
        }
    }

    /// This session holds `slot` for as long as it lives (see `http_limits`).
    pub fn holding(mut self, slot: super::http_limits::SessionSlot) -> Self {
        self.session_slot = Some(Arc::new(slot));
        self
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

    /// Runs one request that may ask the client for input, on either protocol revision.
    /// `run` receives the call context (with the client as input) and returns the outcome.
    async fn run_with_input<F, Fut>(
        &self,
        key: RequestKey,
        resume: (Option<InputResponses>, Option<String>),
        progress: Option<ProgressSink>,
        context: &RequestContext<RoleServer>,
        run: F,
    ) -> Result<Round, McpError>
    where
        F: FnOnce(CallContext) -> Fut + Send + 'static,
        Fut: Future<Output = Result<ToolOutput, ToolError>> + Send + 'static,
    {
        let version = context.protocol_version();
        let capabilities = InputCapabilities::from_client(context.client_capabilities().as_ref(), version.as_ref());
        let session = self.session;
        if !uses_input_rounds(version.as_ref()) {
            let input: Arc<dyn ClientInput> = Arc::new(PeerInput::new(context.peer.clone(), capabilities));
            let ctx = CallContext::new(FrontEnd::Mcp, context.ct.clone(), progress)
                .for_session(session)
                .with_input(input);
            return Ok(Round::Done(run(ctx).await));
        }
        let (responses, state) = resume;
        match state {
            Some(state) => {
                self.rounds
                    .resume(key, &state, responses.unwrap_or_default(), &context.ct)
                    .await
            }
            None => Ok(self
                .rounds
                .start(key, capabilities, responses, &context.ct, move |input, cancel| {
                    let ctx = CallContext::new(FrontEnd::Mcp, cancel, progress)
                        .for_session(session)
                        .with_input(input);
                    run(ctx)
                })
                .await),
        }
    }

    /// The plugin serving a declared resource, or the kept resource itself.
    fn plugin_for_resource(&self, uri: &str) -> Option<Arc<LoadedPlugin>> {
        self.app.catalog.resource_owner(uri).cloned()
    }
}

/// Progress notifications for `context`'s progress token, in order, from any thread.
fn progress_forwarder(
    context: &RequestContext<RoleServer>,
) -> (Option<ProgressSink>, Option<tokio::task::JoinHandle<()>>) {
    let Some(token) = context.meta.get_progress_token() else {
        return (None, None);
    };
    let (tx, mut rx) = mpsc::unbounded_channel::<ProgressUpdate>();
    let peer = context.peer.clone();
    let forwarder = tokio::spawn(async move {
        while let Some(update) = rx.recv().await {
            let mut param = ProgressNotificationParam::new(token.clone(), update.done).with_message(update.message);
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

/// Flushes progress before the result, so no notification arrives for a finished request.
/// Bounded: a tool that keeps working in the background may still hold the sender.
async fn flush(forwarder: Option<tokio::task::JoinHandle<()>>) {
    if let Some(forwarder) = forwarder {
        let _ = tokio::time::timeout(std::time::Duration::from_millis(250), forwarder).await;
    }
}

/// MCP error -32021 naming what the tool needs and the client did not declare.
fn missing_capabilities(missing: &[&String]) -> McpError {
    let mut required = serde_json::Map::new();
    for capability in missing {
        let name = capability.split('.').next().unwrap_or(capability);
        required.insert(name.to_string(), json!({}));
    }
    let required: ClientCapabilities = serde_json::from_value(Value::Object(required)).unwrap_or_default();
    McpError::missing_required_client_capability(required)
}

// Logging is deprecated from protocol 2026-07-28 on (SEP-2577), but every client on an older
// revision still sets levels and reads log notifications, and the conformance suite checks it.
#[allow(deprecated)]
impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        // Resources always: the host keeps resources of its own and published by plugins.
        // Prompts and completions only when a plugin declares something to serve.
        let mut capabilities = ServerCapabilities::builder()
            .enable_logging()
            .enable_tools()
            .enable_resources()
            .enable_resources_subscribe()
            .build();
        if self.app.catalog.has_prompts() {
            capabilities.prompts = Some(Default::default());
        }
        if !self.app.catalog.is_empty() {
            capabilities.completions = Some(Default::default());
        }
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
        if let Some(entry) = self.app.registry.get(&request.name) {
            let version = context.protocol_version();
            let capabilities = InputCapabilities::from_client(context.client_capabilities().as_ref(), version.as_ref());
            let missing: Vec<&String> = entry
                .spec
                .requires_client_capabilities
                .iter()
                .filter(|c| !capabilities.has(c))
                .collect();
            if !missing.is_empty() {
                return Err(missing_capabilities(&missing));
            }
        }
        let args = request.arguments.map(Value::Object).unwrap_or(Value::Null);
        let key = RequestKey {
            method: "tools/call",
            name: request.name.to_string(),
            arguments: args.to_string(),
        };
        let (progress, forwarder) = progress_forwarder(&context);
        let app = self.app.clone();
        let name = request.name.to_string();
        let round = self
            .run_with_input(
                key,
                (request.input_responses, request.request_state),
                progress,
                &context,
                move |ctx| async move { app.registry.call(&name, args, ctx).await },
            )
            .await?;
        flush(forwarder).await;
        let outcome = match round {
            Round::Done(outcome) => outcome,
            Round::InputRequired(input) => return Ok(input.into()),
        };
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

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        features::list_prompts(&self.app)
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        let Some((_, plugin)) = self.app.catalog.prompt(&request.name) else {
            return Err(McpError::invalid_params(
                format!("Unknown prompt: {}", request.name),
                None,
            ));
        };
        let plugin = plugin.clone();
        let args = json!({ "name": request.name, "arguments": request.arguments.clone().unwrap_or_default() });
        let key = RequestKey {
            method: "prompts/get",
            name: request.name.clone(),
            arguments: args.to_string(),
        };
        let app = self.app.clone();
        let round = self
            .run_with_input(
                key,
                (request.input_responses, request.request_state),
                None,
                &context,
                move |ctx| async move {
                    app.registry
                        .call_plugin_request(&plugin, requests::PROMPTS_GET, args, ctx)
                        .await
                },
            )
            .await?;
        Ok(match round {
            Round::Done(outcome) => features::prompt_result(&request.name, outcome)?.into(),
            Round::InputRequired(input) => input.into(),
        })
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, McpError> {
        features::complete(
            &self.app,
            &request.r#ref,
            &request.argument.name,
            &request.argument.value,
        )
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        let mut list = features::list_resources(&self.app)?;
        list.resources.extend(self.results.list().into_iter().map(|r| {
            Resource::new(r.uri, r.name)
                .with_mime_type("text/markdown")
                .with_size(r.text.len() as u64)
        }));
        Ok(list)
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        features::list_resource_templates(&self.app)
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        let uri = request.uri.clone();
        if let Some(stored) = self.results.get(&uri) {
            return Ok(ReadResourceResult::new(vec![
                ResourceContents::text(stored.text.as_str(), stored.uri).with_mime_type("text/markdown"),
            ])
            .into());
        }
        if let Some(kept) = features::read_kept(&self.app, &uri) {
            return Ok(kept?.into());
        }
        let Some(plugin) = self.plugin_for_resource(&uri) else {
            // The host's own scheme: a kept output that was evicted (or never existed).
            if uri.starts_with("mcp-aws-sso://") {
                return Err(McpError::resource_not_found(
                    format!(
                        "no resource {uri}: this server keeps the full text of the last {} truncated outputs ({} MiB at \
                         most), oldest dropped first. Call the tool again.",
                        result_store::MAX_RESULTS,
                        result_store::MAX_BYTES / (1024 * 1024)
                    ),
                    None,
                ));
            }
            return Err(features::resource_not_found(&uri));
        };
        let args = json!({ "uri": uri });
        let key = RequestKey {
            method: "resources/read",
            name: uri.clone(),
            arguments: args.to_string(),
        };
        let app = self.app.clone();
        let round = self
            .run_with_input(
                key,
                (request.input_responses, request.request_state),
                None,
                &context,
                move |ctx| async move {
                    app.registry
                        .call_plugin_request(&plugin, requests::RESOURCES_READ, args, ctx)
                        .await
                },
            )
            .await?;
        Ok(match round {
            Round::Done(outcome) => features::read_result(&uri, outcome)?.into(),
            Round::InputRequired(input) => input.into(),
        })
    }

    async fn subscribe(
        &self,
        request: SubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        let first = {
            let mut subscriptions = self.subscriptions.lock().unwrap_or_else(|p| p.into_inner());
            let first = subscriptions.is_empty();
            subscriptions.insert(request.uri.clone());
            first
        };
        if first {
            // One task per session forwards updates of the URIs it subscribed to.
            let mut updates = self.app.resources.updates();
            let subscriptions = Arc::downgrade(&self.subscriptions);
            let ended = self.session_alive.token().clone();
            let peer = context.peer.clone();
            tokio::spawn(async move {
                loop {
                    let uri = tokio::select! {
                        _ = ended.cancelled() => break,
                        update = updates.recv() => match update {
                            Ok(uri) => uri,
                            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                            Err(_) => break,
                        },
                    };
                    let Some(subscriptions) = subscriptions.upgrade() else {
                        break;
                    };
                    if peer.is_transport_closed() {
                        break;
                    }
                    let wanted = subscriptions.lock().unwrap_or_else(|p| p.into_inner()).contains(&uri);
                    if wanted {
                        let _ = peer
                            .notify_resource_updated(ResourceUpdatedNotificationParam::new(uri))
                            .await;
                    }
                }
            });
        }
        Ok(())
    }

    /// 2026-07-28 `subscriptions/listen`: updates of the resources the client names.
    fn accepted_subscription_filter(&self, requested: &SubscriptionFilter) -> Option<SubscriptionFilter> {
        let mut accepted = SubscriptionFilter::new();
        accepted.resource_subscriptions = requested.resource_subscriptions.clone();
        Some(accepted)
    }

    async fn listen(&self, context: SubscriptionContext) -> Result<(), McpError> {
        let wanted: HashSet<String> = context
            .accepted()
            .resource_subscriptions
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect();
        let mut updates = self.app.resources.updates();
        loop {
            tokio::select! {
                _ = context.cancelled() => return Ok(()),
                update = updates.recv() => match update {
                    Ok(uri) if wanted.contains(&uri) => {
                        if context.sink().notify_resource_updated(uri).await.is_err() {
                            return Ok(());
                        }
                    }
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(_) => return Ok(()),
                },
            }
        }
    }

    async fn unsubscribe(
        &self,
        request: UnsubscribeRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        self.subscriptions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&request.uri);
        Ok(())
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
