//! The answer: a short markdown table for the model, and the same facts as structured content.

use std::time::{SystemTime, UNIX_EPOCH};

use mcp_aws_sso_plugin_api::ToolOutput;
use serde_json::json;

use crate::check::{Request, RoleCheck};

pub fn result(request: &Request, checks: &[RoleCheck]) -> ToolOutput {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let usable = checks.iter().filter(|c| c.result.is_ok()).count();
    let mut text = format!(
        "# AWS SSO: Role Access\n\n**Account**: {}\n**Usable roles**: {usable} of {}\n\n| Role | Access | Details |\n|---|---|---|\n",
        request.account_id,
        checks.len()
    );
    let mut roles = Vec::with_capacity(checks.len());
    for check in checks {
        match &check.result {
            Ok(expires_at) => {
                let minutes = (expires_at - now).max(0) / 60;
                text.push_str(&format!(
                    "| {} | ✅ usable | credentials valid for {minutes} min |\n",
                    check.role_name
                ));
                roles
                    .push(json!({"roleName": check.role_name, "usable": true, "expiresAt": expires_at, "error": null}));
            }
            Err(error) => {
                let reason = error.message.replace('|', "\\|").replace('\n', " ");
                text.push_str(&format!(
                    "| {} | ❌ {} | {reason} |\n",
                    check.role_name,
                    error.kind.as_str()
                ));
                roles.push(
                    json!({"roleName": check.role_name, "usable": false, "expiresAt": null, "error": error.message}),
                );
            }
        }
    }
    if checks.is_empty() {
        text.push_str("\nYou have no roles in this account.\n");
    }
    let structured = json!({
        "accountId": request.account_id.to_string(),
        "roles": roles,
        "usable": usable,
        "checked": checks.len(),
    });
    let output = ToolOutput::text(text).with_structured(structured);
    if usable == 0 { output.into_error() } else { output }
}
