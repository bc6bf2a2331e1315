//! `aws_sso_status`: is there a usable AWS SSO session, for which portal, until when, and can it
//! renew itself. A token inside the refresh window is refreshed first, so the answer is what the
//! next AWS call will see. A login started with `autoPoll: false` is completed here once approved.

use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use mcp_aws_sso_plugin_api::{ToolAnnotations, ToolError, ToolOutput, ToolSpec};
use serde_json::{Map, Value, json};

use super::BuiltinTool;
use super::mention::{self, Mention};
use super::time_left::time_left;
use crate::auth::{
    Auth, AuthError, CachedToken, PendingCheck, PendingLogin, format_unix, human_unix, now_unix, tool_error,
};
use crate::call_context::CallContext;

pub struct StatusTool {
    auth: Arc<Auth>,
}

/// What the status comes down to.
enum State {
    Authenticated(CachedToken),
    Pending(Arc<PendingLogin>),
    Expired(CachedToken),
    NotAuthenticated,
}

impl StatusTool {
    pub fn new(auth: Arc<Auth>) -> Self {
        Self { auth }
    }

    async fn run(&self, say: Mention) -> Result<ToolOutput, ToolError> {
        self.auth.session().map_err(tool_error)?;
        let mut notes = Vec::new();
        if let Some(failure) = self.auth.take_login_failure() {
            notes.push(format!("The last login did not complete: {failure}"));
        }
        let pending = match self.auth.check_pending_login().await {
            Ok(PendingCheck::Pending(login)) => Some(login),
            Ok(PendingCheck::Completed(token)) => {
                notes.push(format!(
                    "The pending login was approved and is now complete (session valid until {}).",
                    human_unix(token.expires_at)
                ));
                None
            }
            Ok(PendingCheck::None) => None,
            Err(error @ (AuthError::LoginDenied { .. } | AuthError::LoginExpired { .. })) => {
                notes.push(format!("The last login did not complete: {error}"));
                None
            }
            Err(error) => return Err(tool_error(error)),
        };
        let state = match (self.auth.valid_token().await, pending) {
            (Ok(token), _) => State::Authenticated(token),
            (Err(_), Some(login)) => State::Pending(login),
            (Err(error), None) => self.without_session(error, &mut notes)?,
        };
        Ok(render(&self.auth, state, &notes, say))
    }
}

impl StatusTool {
    /// The state when no usable token could be had, and why.
    fn without_session(&self, error: AuthError, notes: &mut Vec<String>) -> Result<State, ToolError> {
        let cached = self.auth.cached_token().map_err(tool_error)?;
        Ok(match (error, cached) {
            (error @ (AuthError::Unreachable { .. } | AuthError::Throttled { .. }), Some(token))
                if !token.is_expired() =>
            {
                notes.push(format!("The session could not be refreshed just now: {error}"));
                State::Authenticated(token)
            }
            (error, Some(token)) if token.is_expired() => {
                if !matches!(error, AuthError::SessionExpired { .. }) {
                    notes.push(error.to_string());
                }
                State::Expired(token)
            }
            (AuthError::NotLoggedIn | AuthError::SessionExpired { .. }, _) => State::NotAuthenticated,
            (error, _) => {
                notes.push(error.to_string());
                State::NotAuthenticated
            }
        })
    }
}

fn render(auth: &Auth, state: State, notes: &[String], say: Mention) -> ToolOutput {
    // The session is configured (the caller checked), so this cannot fail.
    let Ok(session) = auth.session() else {
        return ToolOutput::text("# AWS SSO: Session Status\n\nNot configured.");
    };
    let mut lines = vec![
        format!("- **Start URL**: {}", session.start_url),
        format!("- **Region**: {}", session.region),
    ];
    if let Some(name) = &session.session_name {
        lines.push(format!("- **SSO session**: {name}"));
    }
    let mut structured = Map::new();
    structured.insert("startUrl".into(), json!(session.start_url));
    structured.insert("region".into(), json!(session.region));
    if let Some(name) = &session.session_name {
        structured.insert("sessionName".into(), json!(name));
    }
    let (state_name, headline, next) = match &state {
        State::Authenticated(token) => {
            describe_token(token, &mut lines, &mut structured);
            (
                "authenticated",
                "✅ **Authenticated**",
                format!("Use {} to list accounts and roles.", say.tool(mention::LS_ACCOUNTS)),
            )
        }
        State::Expired(token) => {
            describe_token(token, &mut lines, &mut structured);
            (
                "expired",
                "❌ **Session expired**",
                format!(
                    "The session expired and cannot be refreshed. Run {} to sign in again.",
                    say.tool(mention::LOGIN)
                ),
            )
        }
        State::Pending(login) => match login.device() {
            None => {
                lines.push(format!("- **Login in the browser** at {}", login.url()));
                lines.push(format!(
                    "- **Waits until**: {} ({} left)",
                    human_unix(login.expires_at()),
                    time_left(login.expires_at() - now_unix())
                ));
                structured.insert(
                    "pendingLogin".into(),
                    json!({
                        "flow": login.kind().name(),
                        "url": login.url(),
                        "expiresAt": format_unix(login.expires_at()),
                        "autoPoll": login.auto_poll,
                    }),
                );
                let next = format!(
                    "Sign in and allow access in the browser on this machine; the login completes in the \
                     background. Call {} again to confirm.",
                    say.tool(mention::STATUS)
                );
                ("login_pending", "⏳ **Login pending**", next)
            }
            Some(auth) => {
                lines.push(format!(
                    "- **Login code**: `{}` at {}",
                    auth.user_code, auth.verification_uri_complete
                ));
                lines.push(format!(
                    "- **Code expires**: {} ({} left)",
                    human_unix(auth.expires_at),
                    time_left(auth.expires_at - now_unix())
                ));
                structured.insert(
                    "pendingLogin".into(),
                    json!({
                        "flow": login.kind().name(),
                        "url": login.url(),
                        "expiresAt": format_unix(login.expires_at()),
                        "userCode": auth.user_code,
                        "verificationUriComplete": auth.verification_uri_complete,
                        "codeExpiresAt": format_unix(auth.expires_at),
                        "autoPoll": login.auto_poll,
                    }),
                );
                let next = if login.auto_poll {
                    format!(
                        "Approve the code in the browser; the login completes in the background. Call {} again to confirm.",
                        say.tool(mention::STATUS)
                    )
                } else {
                    format!(
                        "Approve the code in the browser, then call {} or {} again to complete the login.",
                        say.tool(mention::STATUS),
                        say.tool(mention::LOGIN)
                    )
                };
                ("login_pending", "⏳ **Login pending**", next)
            }
        },
        State::NotAuthenticated => (
            "not_authenticated",
            "❌ **Not authenticated**",
            format!("Run {} to sign in.", say.tool(mention::LOGIN)),
        ),
    };
    structured.insert("state".into(), json!(state_name));
    structured.insert("authenticated".into(), json!(matches!(state, State::Authenticated(_))));
    if !notes.is_empty() {
        structured.insert("notes".into(), json!(notes));
    }
    let mut text = format!(
        "# AWS SSO: Session Status\n\n{headline}\n\n{}\n\n{next}",
        lines.join("\n")
    );
    for note in notes {
        text.push_str(&format!("\n\n> {note}"));
    }
    ToolOutput::text(text).with_structured(Value::Object(structured))
}

fn describe_token(token: &CachedToken, lines: &mut Vec<String>, structured: &mut Map<String, Value>) {
    lines.push(format!(
        "- **Expires**: {} ({} left)",
        human_unix(token.expires_at),
        time_left(token.seconds_left())
    ));
    lines.push(format!(
        "- **Refresh token**: {}",
        if token.is_refreshable() {
            "yes (the session renews itself before it expires)"
        } else {
            "no (sign in again when it expires)"
        }
    ));
    structured.insert("expiresAt".into(), json!(format_unix(token.expires_at)));
    structured.insert("secondsLeft".into(), json!(token.seconds_left().max(0)));
    structured.insert("refreshable".into(), json!(token.is_refreshable()));
}

impl BuiltinTool for StatusTool {
    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: "aws_sso_status".into(),
            title: "AWS SSO Status".into(),
            description: "Shows the AWS SSO session: authenticated, expired or login pending, with start URL, \
                region, expiry and time left. Call it first; if not authenticated, call aws_sso_login."
                .into(),
            input_schema: json!({"type": "object", "properties": {}}),
            output_schema: Some(json!({
                "type": "object",
                "properties": {
                    "state": {"type": "string", "enum": ["authenticated", "expired", "login_pending", "not_authenticated"]},
                    "authenticated": {"type": "boolean"},
                    "startUrl": {"type": "string"},
                    "region": {"type": "string"},
                    "sessionName": {"type": "string"},
                    "expiresAt": {"type": "string", "description": "Session expiry (UTC)"},
                    "secondsLeft": {"type": "integer"},
                    "refreshable": {"type": "boolean"},
                    "pendingLogin": {
                        "type": "object",
                        "properties": {
                            "flow": {"type": "string", "enum": ["authorization_code", "device_code"]},
                            "url": {"type": "string"},
                            "expiresAt": {"type": "string"},
                            "userCode": {"type": "string"},
                            "verificationUriComplete": {"type": "string"},
                            "codeExpiresAt": {"type": "string"},
                            "autoPoll": {"type": "boolean"}
                        }
                    },
                    "notes": {"type": "array", "items": {"type": "string"}}
                },
                "required": ["state", "authenticated", "startUrl", "region"]
            })),
            annotations: ToolAnnotations::read_only(),
            ..Default::default()
        }
    }

    fn call<'a>(&'a self, _args: Value, ctx: &'a CallContext) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        self.run(Mention::for_call(ctx)).boxed()
    }
}
