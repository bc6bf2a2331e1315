//! The host's side of [`HostContext`]: what a plugin may ask of the host during one call.
//!
//! Plugin code runs on a blocking thread, so the async auth calls are driven with the host
//! runtime's `block_on` from that thread.

use std::sync::Arc;

use abi_stable::std_types::{ROption, RResult, RStr, RString};
use mcp_aws_sso_config::Config;
use mcp_aws_sso_plugin_api::{ABI_VERSION, ErrorKind, HostContext, LogLevel, ToolError, extensions};
use serde_json::{Value, json};
use tokio::runtime::Handle;

use super::host_extensions;
use crate::auth::{Auth, plugin_credentials, tool_error};
use crate::call_context::CallContext;
use crate::input::{self, InputCapabilities, InputRequests};
use crate::resources::{KeptResource, ResourceStore};

/// What every plugin call shares: the host's services.
pub struct PluginCallEnv {
    pub auth: Arc<Auth>,
    pub config: Arc<Config>,
    pub resources: Arc<ResourceStore>,
}

pub struct PluginHostContext {
    plugin: String,
    env: Arc<PluginCallEnv>,
    ctx: CallContext,
    runtime: Handle,
}

impl PluginHostContext {
    /// Must be created on the host runtime (it captures the runtime handle).
    pub fn new(plugin: String, env: Arc<PluginCallEnv>, ctx: CallContext) -> Self {
        Self {
            plugin,
            env,
            ctx,
            runtime: Handle::current(),
        }
    }
}

fn answer<T: serde::Serialize>(result: Result<T, ToolError>) -> RResult<RString, RString> {
    match result.and_then(|value| serde_json::to_string(&value).map_err(|e| ToolError::internal(e.to_string()))) {
        Ok(json) => RResult::ROk(json.into()),
        Err(error) => RResult::RErr(error.to_json().into()),
    }
}

impl HostContext for PluginHostContext {
    fn credentials(&self, account_id: RStr<'_>, role_name: RStr<'_>, force_refresh: bool) -> RResult<RString, RString> {
        let auth = &self.env.auth;
        let result =
            self.runtime
                .block_on(auth.role_credentials(account_id.as_str(), role_name.as_str(), force_refresh));
        answer(result.map(plugin_credentials).map_err(tool_error))
    }

    fn account_roles(&self, account_id: RStr<'_>) -> RResult<RString, RString> {
        let result = self.runtime.block_on(self.env.auth.account_roles(account_id.as_str()));
        answer(result.map_err(tool_error))
    }

    fn default_region(&self) -> ROption<RString> {
        self.env.config.region.clone().map(RString::from).into()
    }

    fn endpoint_url(&self, service: RStr<'_>) -> ROption<RString> {
        endpoint_override(service.as_str()).map(RString::from).into()
    }

    fn progress(&self, done: f64, total: ROption<f64>, message: RStr<'_>) {
        // A call the host gave up on (timeout, client cancel) has been answered: progress for
        // it would reach the client after its result.
        if self.ctx.is_cancelled() {
            return;
        }
        self.ctx.progress(done, total.into_option(), message.as_str());
    }

    fn log(&self, level: u8, message: RStr<'_>) {
        let plugin = self.plugin.as_str();
        let message = message.as_str();
        // `session` routes the line to the client that made this call (see mcp::client_log).
        let session = self.ctx.session;
        match LogLevel::from_u8(level) {
            LogLevel::Error => tracing::error!(plugin, session, "{message}"),
            LogLevel::Warn => tracing::warn!(plugin, session, "{message}"),
            LogLevel::Info => tracing::info!(plugin, session, "{message}"),
            LogLevel::Debug => tracing::debug!(plugin, session, "{message}"),
        }
    }

    fn is_cancelled(&self) -> bool {
        self.ctx.is_cancelled()
    }

    fn config(&self) -> RString {
        self.env.config.plugin_config(&self.plugin).to_string().into()
    }

    fn host_info(&self) -> RString {
        let methods = [extensions::ALL, host_extensions::METHODS].concat();
        json!({
            "version": env!("CARGO_PKG_VERSION"),
            "abi": ABI_VERSION,
            "pluginApi": ABI_VERSION,
            "extensions": methods,
        })
        .to_string()
        .into()
    }

    fn extension(&self, method: RStr<'_>, params: RStr<'_>) -> RResult<RString, RString> {
        if let Some(result) = host_extensions::call(&self.env, &self.runtime, method.as_str(), params.as_str()) {
            return answer(result);
        }
        let params: Value = match serde_json::from_str(params.as_str()) {
            Ok(params) => params,
            Err(e) => return answer::<Value>(Err(ToolError::invalid_arguments(format!("params are not JSON: {e}")))),
        };
        let result = match method.as_str() {
            extensions::INPUT_REQUEST => self.input_request(params),
            extensions::CLIENT_CAPABILITIES => Ok(self.client_capabilities().to_json()),
            extensions::RESOURCES_PUBLISH => self.publish_resource(params),
            other => Err(ToolError::new(
                ErrorKind::Unavailable,
                format!(
                    "this host (mcp-aws-sso {}, plugin-api {ABI_VERSION}) does not offer `{other}`; upgrade the host",
                    env!("CARGO_PKG_VERSION"),
                ),
            )),
        };
        answer(result)
    }
}

impl PluginHostContext {
    fn client_capabilities(&self) -> InputCapabilities {
        self.ctx
            .client_input()
            .map(|input| input.capabilities().clone())
            .unwrap_or_default()
    }

    /// Blocks this plugin thread until the client answered (see `crate::input`).
    fn input_request(&self, params: Value) -> Result<Value, ToolError> {
        let requests: InputRequests = serde_json::from_value(params.get("requests").cloned().unwrap_or(Value::Null))
            .map_err(|e| ToolError::invalid_arguments(format!("`requests` must map keys to requests: {e}")))?;
        let input = self.ctx.client_input().ok_or_else(input::no_client)?;
        let pending = input.request(requests);
        let cancel = self.ctx.cancellation().clone();
        let answers = self.runtime.block_on(async move {
            tokio::select! {
                answers = pending => answers,
                _ = cancel.cancelled() => Err(ToolError::new(ErrorKind::Cancelled, "The call was cancelled by the client.")),
            }
        })?;
        Ok(json!({ "responses": answers }))
    }

    fn publish_resource(&self, params: Value) -> Result<Value, ToolError> {
        let mut resource: KeptResource = serde_json::from_value(params).map_err(|e| {
            ToolError::invalid_arguments(format!(
                "a resource needs `uri`, `name` and either `text` or `blob` (base64): {e}"
            ))
        })?;
        resource.owner = self.plugin.clone();
        let uri = resource.uri.clone();
        self.env.resources.keep(resource)?;
        Ok(json!({ "uri": uri }))
    }
}

/// The endpoint override the AWS SDKs would use for `service`: `AWS_ENDPOINT_URL_<SERVICE>`
/// (service id upper-cased, spaces and dashes as underscores), else `AWS_ENDPOINT_URL`.
pub fn endpoint_override(service: &str) -> Option<String> {
    let key = format!(
        "AWS_ENDPOINT_URL_{}",
        service.to_ascii_uppercase().replace([' ', '-'], "_")
    );
    [key.as_str(), "AWS_ENDPOINT_URL"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
}
