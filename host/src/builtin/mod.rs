//! Tools implemented by the host itself. Authentication is the host's job, so the SSO tools live
//! here rather than in plugins: they are the only code that touches the SSO access token.

mod login;
mod logout;
mod ls_accounts;
pub(crate) mod mention;
mod status;
pub(crate) mod time_left;

use futures::future::BoxFuture;
use mcp_aws_sso_plugin_api::{ToolError, ToolOutput, ToolSpec};
use serde_json::Value;

use crate::call_context::CallContext;

/// A tool compiled into the host.
pub trait BuiltinTool: Send + Sync {
    fn spec(&self) -> ToolSpec;

    /// Runs the tool with arguments already validated against [`BuiltinTool::spec`]'s schema.
    fn call<'a>(&'a self, args: Value, ctx: &'a CallContext) -> BoxFuture<'a, Result<ToolOutput, ToolError>>;
}

use std::sync::Arc;

use mcp_aws_sso_config::Config;

use crate::auth::Auth;

/// Every built-in tool, in the order they are listed to clients.
pub fn all(auth: &Arc<Auth>, config: &Arc<Config>) -> Vec<Arc<dyn BuiltinTool>> {
    vec![
        Arc::new(login::LoginTool::new(auth.clone())),
        Arc::new(status::StatusTool::new(auth.clone())),
        Arc::new(logout::LogoutTool::new(auth.clone())),
        Arc::new(ls_accounts::LsAccountsTool::new(auth.clone(), config.max_output_chars)),
    ]
}
