//! The answer: what was opened, for the model and as structured content. It is built from the
//! host's `console.open` answer field by field, so nothing else the host might add (now or in a
//! later version) can reach the model.

use mcp_aws_sso_plugin_api::{ToolError, ToolOutput};
use serde_json::{Value, json};

pub fn opened(answer: &Value) -> Result<ToolOutput, ToolError> {
    let field = |name: &str| {
        answer
            .get(name)
            .and_then(Value::as_str)
            .map(String::from)
            .ok_or_else(|| ToolError::internal(format!("the host's console.open answer has no `{name}`")))
    };
    let (account_id, role_name, region, page, destination, expires_at) = (
        field("accountId")?,
        field("roleName")?,
        field("region")?,
        field("page")?,
        field("destination")?,
        field("expiresAt")?,
    );
    let until = expires_at.replace('T', " ").replace('Z', " UTC");
    let text = format!(
        "# AWS SSO: Console Opened\n\n\
         Opened the AWS console for {account_id} / {role_name}, {page} in {region}, session valid until {until}.\n\n\
         The browser on the machine this server runs on is now signed in. The sign-in link is a credential \
         and is not shown; to open another page, call this tool again with another `destination`."
    );
    let structured = json!({
        "accountId": account_id,
        "roleName": role_name,
        "region": region,
        "page": page,
        "destination": destination,
        "expiresAt": expires_at,
    });
    Ok(ToolOutput::text(text).with_structured(structured))
}
