//! `aws_sso_logout`: sign out at AWS (portal Logout) and drop every cached credential of the
//! session: the SSO token, the SSO role credentials, the accounts listing, a pending login.

use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use mcp_aws_sso_plugin_api::{ToolAnnotations, ToolError, ToolOutput, ToolSpec};
use serde_json::{Value, json};

use super::BuiltinTool;
use super::mention::{self, Mention};
use crate::auth::{Auth, PortalLogout, tool_error};
use crate::call_context::CallContext;

pub struct LogoutTool {
    auth: Arc<Auth>,
}

impl LogoutTool {
    pub fn new(auth: Arc<Auth>) -> Self {
        Self { auth }
    }

    async fn run(&self, say: Mention) -> Result<ToolOutput, ToolError> {
        let session = self.auth.session().map_err(tool_error)?.clone();
        let report = self.auth.logout().await.map_err(tool_error)?;
        let (portal_state, portal_line) = match &report.portal {
            PortalLogout::Done => (
                "done",
                "Signed out at AWS: the session's tokens are revoked.".to_string(),
            ),
            PortalLogout::Skipped(reason) => ("skipped", format!("No sign-out at AWS was needed ({reason}).")),
            PortalLogout::Failed(reason) => (
                "failed",
                format!("Signing out at AWS failed ({reason}); the local session was removed anyway."),
            ),
        };
        let headline = if report.had_session {
            "You are signed out of AWS SSO."
        } else {
            "There was no AWS SSO session to sign out of; local caches were cleared."
        };
        let mut removed = Vec::new();
        if report.token_file_removed {
            removed.push("the cached SSO token".to_string());
        }
        if report.role_credential_files_removed > 0 {
            removed.push(format!(
                "{} cached SSO role credential file(s)",
                report.role_credential_files_removed
            ));
        }
        if report.accounts_cache_removed {
            removed.push("the cached accounts list".to_string());
        }
        if report.pending_login_cancelled {
            removed.push("a login that was waiting for approval".to_string());
        }
        let removed_line = if removed.is_empty() {
            "Nothing was cached locally.".to_string()
        } else {
            format!("Removed {}.", removed.join(", "))
        };
        let text = format!(
            "# AWS SSO: Logged Out\n\n{headline}\n\n- **Start URL**: {url}\n- {portal_line}\n- {removed_line}\n\n\
             Run {login} to sign in again.",
            url = session.start_url,
            login = say.tool(mention::LOGIN),
        );
        Ok(ToolOutput::text(text).with_structured(json!({
            "hadSession": report.had_session,
            "portalLogout": portal_state,
            "tokenRemoved": report.token_file_removed,
            "roleCredentialFilesRemoved": report.role_credential_files_removed,
            "accountsCacheRemoved": report.accounts_cache_removed,
            "pendingLoginCancelled": report.pending_login_cancelled,
            "startUrl": session.start_url,
        })))
    }
}

impl BuiltinTool for LogoutTool {
    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: "aws_sso_logout".into(),
            title: "AWS SSO Logout".into(),
            description: "Signs out of AWS SSO: revokes the session and deletes the cached token, role \
                credentials and account list."
                .into(),
            input_schema: json!({"type": "object", "properties": {}}),
            output_schema: Some(json!({
                "type": "object",
                "properties": {
                    "hadSession": {"type": "boolean"},
                    "portalLogout": {"type": "string", "enum": ["done", "skipped", "failed"]},
                    "tokenRemoved": {"type": "boolean"},
                    "roleCredentialFilesRemoved": {"type": "integer"},
                    "accountsCacheRemoved": {"type": "boolean"},
                    "pendingLoginCancelled": {"type": "boolean"},
                    "startUrl": {"type": "string"}
                },
                "required": ["hadSession", "portalLogout", "tokenRemoved", "roleCredentialFilesRemoved", "startUrl"]
            })),
            annotations: ToolAnnotations {
                read_only_hint: Some(false),
                destructive_hint: Some(true),
                idempotent_hint: Some(true),
                open_world_hint: Some(true),
            },
            ..Default::default()
        }
    }

    fn call<'a>(&'a self, _args: Value, ctx: &'a CallContext) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        self.run(Mention::for_call(ctx)).boxed()
    }
}
