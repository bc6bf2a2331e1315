//! The work: ask the host for credentials role by role, with progress and cancellation.

use mcp_aws_sso_plugin_api::kit::Tool;
use mcp_aws_sso_plugin_api::kit::validate::types::{AccountId, RoleName};
use mcp_aws_sso_plugin_api::{Host, ToolError, ToolOutput, ToolSpec};
use serde::Deserialize;

/// The tool, as the kit's typed dispatch sees it.
pub struct CheckAccess;

/// The arguments. The host has validated them against the input schema already; the kit's
/// newtypes check them again (and zero-pad an account id sent as a number).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    pub account_id: AccountId,
    #[serde(default)]
    pub role_name: Option<RoleName>,
}

/// The outcome for one role.
pub struct RoleCheck {
    pub role_name: String,
    /// Expiry of the obtained credentials (Unix seconds), or why there are none.
    pub result: Result<i64, ToolError>,
}

impl Tool for CheckAccess {
    type Args = Request;

    fn spec(&self) -> ToolSpec {
        crate::tool_spec::check_access()
    }

    fn run(&self, request: Request, host: &Host) -> Result<ToolOutput, ToolError> {
        let checks = check_roles(&request, host)?;
        Ok(crate::render::result(&request, &checks))
    }
}

pub fn check_roles(request: &Request, host: &Host) -> Result<Vec<RoleCheck>, ToolError> {
    let roles = match &request.role_name {
        Some(role) => vec![role.to_string()],
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

#[cfg(test)]
mod tests {
    use mcp_aws_sso_plugin_api::Plugin;
    use mcp_aws_sso_plugin_api::kit::testing::FakeHost;
    use serde_json::json;

    /// The whole plugin against a fake host: one usable role, one refused, progress per role.
    #[test]
    fn reports_each_role_of_the_account() {
        let fake = FakeHost::new()
            .with_roles("012345678901", &["ReadOnly", "Admin"])
            .with_credentials("012345678901", "ReadOnly");
        // An account id sent as a JSON number loses its leading zero; the kit puts it back.
        let output = crate::plugin()
            .call(
                "aws_sso_check_access",
                json!({"accountId": 12345678901u64}),
                &fake.host(),
            )
            .unwrap();
        let facts = output.structured.unwrap();
        assert_eq!(facts["accountId"], "012345678901");
        assert_eq!(
            (facts["usable"].as_u64(), facts["checked"].as_u64()),
            (Some(1), Some(2))
        );
        assert_eq!(facts["roles"][0]["usable"], true);
        assert_eq!(facts["roles"][1]["usable"], false);
        assert!(output.text.contains("| ReadOnly | ✅ usable |"));
        assert_eq!(fake.progress().len(), 2);
        assert!(!output.text.contains("fake-secret"), "credentials are never shown");
    }

    #[test]
    fn a_cancelled_call_stops() {
        let fake = FakeHost::new().with_roles("111111111111", &["ReadOnly"]);
        fake.cancel();
        let error = crate::plugin()
            .call(
                "aws_sso_check_access",
                json!({"accountId": "111111111111"}),
                &fake.host(),
            )
            .unwrap_err();
        assert_eq!(error.kind, mcp_aws_sso_plugin_api::ErrorKind::Cancelled);
        assert!(fake.credential_requests().is_empty());
    }
}
