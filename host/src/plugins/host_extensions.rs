//! Host capabilities a plugin reaches by name through `HostContext::extension` (ABI 1 grows only
//! this way; see plugin-api's `abi` module). Each method takes and returns JSON.
//!
//! - `console.open` `{accountId, roleName, destination?, region?}`: signs the person in to the
//!   AWS console with that role and opens it in the browser of the machine the host runs on
//!   ([`crate::console_signin`]). Answers what was opened (account, role, page, region, session
//!   expiry), never the sign-in URL: the URL is a bearer credential, and keeping the federation
//!   call in the host means no plugin ever holds it, so none can leak it into a tool result.

use mcp_aws_sso_plugin_api::{ErrorKind, ToolError};
use serde::Deserialize;
use serde_json::Value;
use tokio::runtime::Handle;

use super::PluginCallEnv;
use crate::auth::tool_error;
use crate::aws_identifiers;
use crate::console_signin::{self, ConsoleError, ConsoleRequest};

/// The methods this host offers, for `host_info()["extensions"]`.
pub const METHODS: &[&str] = &[CONSOLE_OPEN];

pub const CONSOLE_OPEN: &str = "console.open";

/// Runs `method`; `None` when this host has no such method.
pub fn call(env: &PluginCallEnv, runtime: &Handle, method: &str, params: &str) -> Option<Result<Value, ToolError>> {
    match method {
        CONSOLE_OPEN => Some(console_open(env, runtime, params)),
        _ => None,
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConsoleOpenParams {
    account_id: String,
    role_name: String,
    #[serde(default)]
    destination: Option<String>,
    #[serde(default)]
    region: Option<String>,
}

fn console_open(env: &PluginCallEnv, runtime: &Handle, params: &str) -> Result<Value, ToolError> {
    let params: ConsoleOpenParams = serde_json::from_str(params)
        .map_err(|e| ToolError::invalid_arguments(format!("{CONSOLE_OPEN}: bad parameters: {e}")))?;
    // The plugin validated these against its schema; the host checks again, as it trusts no plugin.
    if !(aws_identifiers::is_account_id(&params.account_id)
        && aws_identifiers::is_role_name(&params.role_name)
        && params.region.as_deref().is_none_or(aws_identifiers::is_region))
    {
        return Err(ToolError::invalid_arguments(format!(
            "{}; {}; {}",
            aws_identifiers::ACCOUNT_ID_RULE,
            aws_identifiers::ROLE_NAME_RULE,
            aws_identifiers::REGION_RULE
        )));
    }
    let request = ConsoleRequest {
        account_id: params.account_id,
        role_name: params.role_name,
        destination: params.destination,
        region: params.region,
    };
    match runtime.block_on(console_signin::open(&env.auth, &env.config, &request)) {
        Ok(opened) => Ok(opened.to_json()),
        Err(ConsoleError::Auth(error)) => Err(tool_error(error)),
        Err(error @ ConsoleError::Destination(_)) => Err(ToolError::invalid_arguments(error.to_string())),
        Err(error @ ConsoleError::Federation(_)) => Err(ToolError::new(ErrorKind::Unavailable, error.to_string())),
        Err(error @ ConsoleError::Browser(_)) => Err(ToolError::new(ErrorKind::Failed, error.to_string())),
    }
}
