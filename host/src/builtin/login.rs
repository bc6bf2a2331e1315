//! `aws_sso_login`: sign in with the device authorization flow.
//!
//! Over MCP the call answers at once with the code and URL (a model cannot wait minutes for a
//! person) and the host polls in the background; a second call while the login is pending returns
//! the same code. On the CLI `login` blocks until the browser step is done, with the code and URL
//! on stderr and a spinner; Ctrl-C cancels.

use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use mcp_aws_sso_plugin_api::{ToolAnnotations, ToolError, ToolOutput, ToolSpec};
use serde_json::{Map, Value, json};

use super::BuiltinTool;
use super::time_left::time_left;
use crate::auth::{
    Auth, BrowserOutcome, CachedToken, LoginOptions, LoginOutcome, PendingLogin, SsoSession, format_unix, human_unix,
    now_unix,
};
use crate::call_context::{CallContext, FrontEnd};

pub struct LoginTool {
    auth: Arc<Auth>,
}

impl LoginTool {
    pub fn new(auth: Arc<Auth>) -> Self {
        Self { auth }
    }

    async fn run(&self, args: Value, ctx: &CallContext) -> Result<ToolOutput, ToolError> {
        let options = LoginOptions {
            launch_browser: args.get("launchBrowser").and_then(Value::as_bool).unwrap_or(true),
            auto_poll: args.get("autoPoll").and_then(Value::as_bool).unwrap_or(true),
        };
        let session = self.auth.session()?.clone();
        let outcome = match ctx.front_end {
            FrontEnd::Mcp => self.auth.login(options).await?,
            FrontEnd::Cli => self.login_at_terminal(options, ctx).await?,
        };
        Ok(match outcome {
            LoginOutcome::AlreadyLoggedIn(token) => authenticated(&session, &token, "already_authenticated"),
            LoginOutcome::Completed(token) => authenticated(&session, &token, "authenticated"),
            LoginOutcome::Pending { login, reused } => {
                let mut output = pending(&session, &login, reused);
                if let Some(note) = offer_url(ctx, &login).await {
                    output.text.push_str(&note);
                }
                output
            }
        })
    }

    async fn login_at_terminal(&self, options: LoginOptions, ctx: &CallContext) -> Result<LoginOutcome, ToolError> {
        let announce = |login: &PendingLogin| ctx.notice(&terminal_instructions(login));
        // Without auto-polling, a person presses Enter after approving; at end of input (not a
        // terminal, or Ctrl-D) polling goes automatic.
        let checks = (!options.auto_poll).then(enter_presses);
        let on_wait = |seconds: u64| {
            ctx.progress(
                seconds as f64,
                None,
                format!("Waiting for approval in the browser ({seconds} s)"),
            );
        };
        Ok(self
            .auth
            .login_and_wait(options, ctx.cancellation(), &announce, checks, &on_wait)
            .await?)
    }
}

/// Offers the verification page to the person through the MCP client (URL-mode elicitation),
/// when the client supports it: the page opens on the person's side, out of the model's hands.
/// Best effort: the code and URL are in the result anyway.
async fn offer_url(ctx: &CallContext, login: &PendingLogin) -> Option<String> {
    let input = ctx
        .client_input()
        .filter(|input| input.capabilities().elicitation_url)?;
    let auth = &login.authorization;
    let request = json!({
        "method": "elicitation/create",
        "params": {
            "mode": "url",
            "message": format!("Sign in to AWS SSO: approve the code {} on this page.", auth.user_code),
            "url": auth.verification_uri_complete,
            "elicitationId": format!("aws-sso-login-{}", auth.user_code),
        }
    });
    let answers = input
        .request([("aws_sso_login".to_string(), request)].into_iter().collect())
        .await
        .ok()?;
    let action = answers.get("aws_sso_login")?.get("action")?.as_str()?.to_string();
    Some(format!(
        "\n\nThe sign-in page was also offered through your MCP client (answer: {action})."
    ))
}

/// One message per line read from stdin, read on a plain thread: a pending read must never keep
/// the runtime from shutting down.
fn enter_presses() -> tokio::sync::mpsc::UnboundedReceiver<()> {
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        while std::io::stdin().read_line(&mut line).is_ok_and(|n| n > 0) {
            line.clear();
            if sender.send(()).is_err() {
                return;
            }
        }
    });
    receiver
}

fn terminal_instructions(login: &PendingLogin) -> String {
    let auth = &login.authorization;
    let browser = match &login.browser {
        BrowserOutcome::Opened => "A browser window was opened at this address.".to_string(),
        BrowserOutcome::NotRequested => "Open this address in a browser.".to_string(),
        BrowserOutcome::Failed(reason) => format!("Could not open a browser ({reason}); open this address yourself."),
    };
    let next = if login.auto_poll {
        "Waiting for approval… (Ctrl-C cancels)"
    } else {
        "Press Enter once you have approved the login (Ctrl-C cancels)."
    };
    format!(
        "To sign in to AWS SSO, approve the code {code} at:\n\n    {url}\n\n{browser}\nThe code expires in {left}. {next}",
        code = auth.user_code,
        url = auth.verification_uri_complete,
        left = time_left(auth.expires_at - now_unix()),
    )
}

fn authenticated(session: &SsoSession, token: &CachedToken, status: &str) -> ToolOutput {
    let heading = if status == "already_authenticated" {
        "You are already signed in to AWS SSO; no new login is needed."
    } else {
        "You are now signed in to AWS SSO."
    };
    let refresh = if token.is_refreshable() {
        "The session renews itself with its refresh token; no new login is needed until the refresh token expires."
    } else {
        "The session cannot renew itself; sign in again after it expires."
    };
    let text = format!(
        "# AWS SSO: {title}\n\n{heading}\n\n\
         - **Start URL**: {url}\n- **Region**: {region}\n- **Session expires**: {expires} ({left} left)\n\n\
         {refresh}\n\n\
         Next: `aws_sso_ls_accounts` lists your accounts and roles; `aws_sso_exec_command` runs AWS CLI commands with a role.",
        title = if status == "already_authenticated" {
            "Already Authenticated"
        } else {
            "Authentication Successful"
        },
        url = session.start_url,
        region = session.region,
        expires = human_unix(token.expires_at),
        left = time_left(token.seconds_left()),
    );
    ToolOutput::text(text).with_structured(json!({
        "status": status,
        "startUrl": session.start_url,
        "region": session.region,
        "expiresAt": format_unix(token.expires_at),
        "secondsLeft": token.seconds_left().max(0),
        "refreshable": token.is_refreshable(),
    }))
}

fn pending(session: &SsoSession, login: &PendingLogin, reused: bool) -> ToolOutput {
    let auth = &login.authorization;
    let browser_line = match &login.browser {
        BrowserOutcome::Opened => "A browser window was opened at the URL below.".to_string(),
        BrowserOutcome::NotRequested => "No browser was opened (launchBrowser is false).".to_string(),
        BrowserOutcome::Failed(reason) => format!("A browser could not be opened ({reason})."),
    };
    let intro = if reused {
        "A login is already waiting for approval; here are its code and URL again."
    } else {
        "Ask the user to open the URL and approve the code."
    };
    let next = if login.auto_poll {
        "The server completes the login in the background as soon as the code is approved. Then call \
         `aws_sso_status` to confirm, or go on with `aws_sso_ls_accounts`."
    } else {
        "After the code is approved, call `aws_sso_login` or `aws_sso_status` again to complete the login."
    };
    let text = format!(
        "# AWS SSO: Login Pending\n\n{intro} {browser_line}\n\n\
         - **URL**: {complete}\n- **Code**: `{code}`\n- **Code expires**: {expires} ({left} left)\n\n\
         If the page asks for a code, use the one above at {uri}.\n\n{next}",
        complete = auth.verification_uri_complete,
        code = auth.user_code,
        expires = human_unix(auth.expires_at),
        left = time_left(auth.expires_at - now_unix()),
        uri = auth.verification_uri,
    );
    let mut structured = Map::new();
    structured.insert("status".into(), json!("pending"));
    structured.insert("startUrl".into(), json!(session.start_url));
    structured.insert("region".into(), json!(session.region));
    structured.insert("userCode".into(), json!(auth.user_code));
    structured.insert("verificationUri".into(), json!(auth.verification_uri));
    structured.insert("verificationUriComplete".into(), json!(auth.verification_uri_complete));
    structured.insert("browserOpened".into(), json!(login.browser == BrowserOutcome::Opened));
    if let BrowserOutcome::Failed(reason) = &login.browser {
        structured.insert("browserError".into(), json!(reason));
    }
    structured.insert("codeExpiresAt".into(), json!(format_unix(auth.expires_at)));
    structured.insert("autoPoll".into(), json!(login.auto_poll));
    structured.insert("reused".into(), json!(reused));
    ToolOutput::text(text).with_structured(Value::Object(structured))
}

impl BuiltinTool for LoginTool {
    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: "aws_sso_login".into(),
            title: "AWS SSO Login".into(),
            description: "Signs in to AWS IAM Identity Center (AWS SSO) with the device flow. Returns at once \
                with a URL and code for the user to approve in a browser; the login then completes in the \
                background. While pending, a call returns the same code; a valid session is reported with \
                its expiry. Other AWS tools need this session."
                .into(),
            input_schema: json!({
                "type": "object",
                "properties": {
                    "launchBrowser": {
                        "type": "boolean",
                        "default": true,
                        "description": "Open the URL in the browser"
                    },
                    "autoPoll": {
                        "type": "boolean",
                        "default": true,
                        "description": "Finish in the background; if false, call again after approval"
                    }
                }
            }),
            output_schema: Some(json!({
                "type": "object",
                "properties": {
                    "status": {"type": "string", "enum": ["pending", "authenticated", "already_authenticated"]},
                    "startUrl": {"type": "string"},
                    "region": {"type": "string"},
                    "expiresAt": {"type": "string", "description": "Session expiry (UTC), when signed in"},
                    "secondsLeft": {"type": "integer"},
                    "refreshable": {"type": "boolean", "description": "The session can renew itself with a refresh token"},
                    "userCode": {"type": "string"},
                    "verificationUri": {"type": "string"},
                    "verificationUriComplete": {"type": "string"},
                    "browserOpened": {"type": "boolean"},
                    "browserError": {"type": "string"},
                    "codeExpiresAt": {"type": "string", "description": "When the code stops working (UTC)"},
                    "autoPoll": {"type": "boolean"},
                    "reused": {"type": "boolean", "description": "An earlier call started this pending login"}
                },
                "required": ["status", "startUrl", "region"]
            })),
            annotations: ToolAnnotations {
                read_only_hint: Some(false),
                destructive_hint: Some(false),
                idempotent_hint: Some(true),
                open_world_hint: Some(true),
            },
            ..Default::default()
        }
    }

    fn call<'a>(&'a self, args: Value, ctx: &'a CallContext) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        self.run(args, ctx).boxed()
    }
}
