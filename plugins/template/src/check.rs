//! The work: ask the host for credentials role by role, with progress and cancellation.

use mcp_aws_sso_plugin_api::{Host, ToolError};
use serde_json::Value;

/// The validated arguments.
pub struct Request {
    pub account_id: String,
    pub role_name: Option<String>,
}

impl Request {
    /// The host has already validated `args` against the input schema; this only reads them.
    pub fn from_args(args: &Value) -> Result<Self, ToolError> {
        let account_id = args["accountId"]
            .as_str()
            .ok_or_else(|| ToolError::invalid_arguments("`accountId` is required"))?
            .to_string();
        let role_name = args["roleName"].as_str().map(String::from);
        Ok(Self { account_id, role_name })
    }
}

/// The outcome for one role.
pub struct RoleCheck {
    pub role_name: String,
    /// Expiry of the obtained credentials (Unix seconds), or why there are none.
    pub result: Result<i64, ToolError>,
}

pub fn check_roles(request: &Request, host: &Host) -> Result<Vec<RoleCheck>, ToolError> {
    let roles = match &request.role_name {
        Some(role) => vec![role.clone()],
        // Failing to list roles (e.g. not logged in) fails the whole call: nothing to check.
        None => host.account_roles(&request.account_id)?,
    };
    let total = roles.len() as f64;
    let mut checks = Vec::with_capacity(roles.len());
    for (index, role_name) in roles.into_iter().enumerate() {
        if host.is_cancelled() {
            return Err(host.cancelled_error());
        }
        let result = host
            .credentials(&request.account_id, &role_name, false)
            .map(|credentials| credentials.expiration);
        host.progress((index + 1) as f64, Some(total), &format!("checked {role_name}"));
        checks.push(RoleCheck { role_name, result });
    }
    Ok(checks)
}
