//! The tool's arguments, as the host extension `console.open` takes them.

use mcp_aws_sso_plugin_api::ToolError;
use serde_json::{Value, json};

pub struct ConsoleRequest {
    pub account_id: String,
    pub role_name: String,
    pub destination: Option<String>,
    pub region: Option<String>,
}

impl ConsoleRequest {
    /// The host validated `args` against the input schema already; this only reads them.
    pub fn from_args(args: &Value) -> Result<Self, ToolError> {
        let text = |name: &str| args.get(name).and_then(Value::as_str).map(String::from);
        Ok(Self {
            account_id: text("accountId").ok_or_else(|| ToolError::invalid_arguments("`accountId` is required"))?,
            role_name: text("roleName").ok_or_else(|| ToolError::invalid_arguments("`roleName` is required"))?,
            destination: text("destination"),
            region: text("region"),
        })
    }

    pub fn to_params(&self) -> Value {
        let mut params = json!({"accountId": self.account_id, "roleName": self.role_name});
        if let Some(destination) = &self.destination {
            params["destination"] = json!(destination);
        }
        if let Some(region) = &self.region {
            params["region"] = json!(region);
        }
        params
    }
}
