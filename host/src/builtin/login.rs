//! `aws_sso_login`: sign in with the authorization code flow and PKCE when a browser opens on
//! this machine, else (or with `useDeviceCode`) with the device authorization flow. The `sso`
//! crate's `login_flow_choice` decides.
//!
//! Over MCP the call answers at once with the URL (and, for the device flow, the code): a model
//! cannot wait minutes for a person. The login completes in the background; a second call while it
//! is pending returns the same URL. On the CLI `login` blocks until the browser step is done, with
//! the URL on stderr and a spinner; Ctrl-C cancels.

use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use mcp_aws_sso_plugin_api::{ToolAnnotations, ToolError, ToolOutput, ToolSpec};
use serde_json::{Map, Value, json};

use super::BuiltinTool;
use super::mention::{self, Mention};
use super::time_left::time_left;
use crate::auth::{
    Auth, BrowserOutcome, CachedToken, LoginOptions, LoginOutcome, PendingLogin, SsoSession, format_unix, human_unix,
    now_unix, tool_error,
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
            use_device_code: args.get("useDeviceCode").and_then(Value::as_bool).unwrap_or(false),
        };
        let session = self.auth.session().map_err(tool_error)?.clone();
        let outcome = match ctx.front_end {
            FrontEnd::Mcp => self.auth.login(options).await.map_err(tool_error)?,
            FrontEnd::Cli => self.login_at_terminal(options, ctx).await?,
        };
        let say = Mention::for_call(ctx);
        Ok(match outcome {
            LoginOutcome::AlreadyLoggedIn(token) => authenticated(&session, &token, "already_authenticated", say),
            LoginOutcome::Completed(token) => authenticated(&session, &token, "authenticated", say),
            LoginOutcome::Pending { login, reused } => {
                let mut output = pending(&session, &login, reused, say);
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
        self.auth
            .login_and_wait(options, ctx.cancellation(), &announce, checks, &on_wait)
            .await
            .map_err(tool_error)
    }
}

/// Offers the verification page to the person through the MCP client (URL-mode elicitation),
/// when the client supports it: the page opens on the person's side, out of the model's hands.
/// Best effort: the code and URL are in the result anyway.
async fn offer_url(ctx: &CallContext, login: &PendingLogin) -> Option<String> {
    let input = ctx
        .client_input()
        .filter(|input| input.capabilities().elicitation_url)?;
    // Only the device flow's page may be opened anywhere; the browser flow's page must open on
    // this machine (it returns to a loopback listener), and it has been opened already.
    let auth = login.device()?;
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
    let Some(auth) = login.device() else {
        let browser = match &login.browser {
            BrowserOutcome::Opened => {
                "A browser window was opened at this address; sign in and allow access there.".to_string()
            }
            BrowserOutcome::NotRequested => "Open this address in a browser on this machine.".to_string(),
            BrowserOutcome::Failed(reason) => {
                format!("Could not open a browser ({reason}); open this address in a browser on this machine.")
            }
        };
        return format!(
            "To sign in to AWS SSO, allow access at:\n\n    {url}\n\n{browser}\nWaiting for the browser for {left}… \
             (Ctrl-C cancels; `--use-device-code` signs in with a code on another device instead)",
            url = login.url(),
            left = time_left(login.expires_at() - now_unix()),
        );
    };
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

fn authenticated(session: &SsoSession, token: &CachedToken, status: &str, say: Mention) -> ToolOutput {
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
         Next: {ls_accounts} lists your accounts and roles; {exec_command} runs AWS CLI commands with a role.",
        title = if status == "already_authenticated" {
            "Already Authenticated"
        } else {
            "Authentication Successful"
        },
        url = session.start_url,
        region = session.region,
        expires = human_unix(token.expires_at),
        left = time_left(token.seconds_left()),
        ls_accounts = say.tool(mention::LS_ACCOUNTS),
        exec_command = say.tool(mention::EXEC_COMMAND),
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

fn pending(session: &SsoSession, login: &PendingLogin, reused: bool, say: Mention) -> ToolOutput {
    let Some(auth) = login.device() else {
        return pending_in_browser(session, login, reused, say);
    };
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
        format!(
            "The server completes the login in the background as soon as the code is approved. Then call \
             {} to confirm, or go on with {}.",
            say.tool(mention::STATUS),
            say.tool(mention::LS_ACCOUNTS)
        )
    } else {
        format!(
            "After the code is approved, call {} or {} again to complete the login.",
            say.tool(mention::LOGIN),
            say.tool(mention::STATUS)
        )
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
    structured.insert("flow".into(), json!(login.kind().name()));
    structured.insert("url".into(), json!(login.url()));
    structured.insert("loginExpiresAt".into(), json!(format_unix(login.expires_at())));
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

/// A pending authorization-code login: the authorize page opened (or to open) on this machine.
fn pending_in_browser(session: &SsoSession, login: &PendingLogin, reused: bool, say: Mention) -> ToolOutput {
    let browser_line = match &login.browser {
        BrowserOutcome::Opened => "A browser window was opened at the URL below.".to_string(),
        BrowserOutcome::NotRequested => "No browser was opened.".to_string(),
        BrowserOutcome::Failed(reason) => format!("A browser could not be opened ({reason})."),
    };
    let intro = if reused {
        "A login is already waiting in the browser; here is its URL again."
    } else {
        "Ask the user to sign in and allow access in the browser."
    };
    let text = format!(
        "# AWS SSO: Login Pending\n\n{intro} {browser_line}\n\n\
         - **URL**: {url}\n- **Waits until**: {expires} ({left} left)\n\n\
         The URL must be opened in a browser on the machine this server runs on (it returns to it). \
         The server completes the login in the background as soon as access is allowed. Then call \
         {status} to confirm, or go on with {ls_accounts}. If the user is on another device, call \
         {device_login} instead.",
        status = say.tool(mention::STATUS),
        ls_accounts = say.tool(mention::LS_ACCOUNTS),
        device_login = say.call(mention::LOGIN, &[("useDeviceCode", json!(true))]),
        url = login.url(),
        expires = human_unix(login.expires_at()),
        left = time_left(login.expires_at() - now_unix()),
    );
    let mut structured = Map::new();
    structured.insert("status".into(), json!("pending"));
    structured.insert("flow".into(), json!(login.kind().name()));
    structured.insert("url".into(), json!(login.url()));
    structured.insert("loginExpiresAt".into(), json!(format_unix(login.expires_at())));
    structured.insert("startUrl".into(), json!(session.start_url));
    structured.insert("region".into(), json!(session.region));
    structured.insert("browserOpened".into(), json!(login.browser == BrowserOutcome::Opened));
    if let BrowserOutcome::Failed(reason) = &login.browser {
        structured.insert("browserError".into(), json!(reason));
    }
    structured.insert("autoPoll".into(), json!(login.auto_poll));
    structured.insert("reused".into(), json!(reused));
    ToolOutput::text(text).with_structured(Value::Object(structured))
}

impl BuiltinTool for LoginTool {
    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: "aws_sso_login".into(),
            title: "AWS SSO Login".into(),
            description: "Signs in to AWS IAM Identity Center (AWS SSO): opens the sign-in page in this machine's \
                browser (authorization code with PKCE), or, with useDeviceCode or no browser, returns a URL and code \
                to approve on any device. Returns at once; the login completes in the background. While pending, a \
                call returns the same login; a valid session is reported with its expiry. Other AWS tools need this \
                session."
                .into(),
            input_schema: json!({
                "type": "object",
                "properties": {
                    "launchBrowser": {
                        "type": "boolean",
                        "default": true,
                        "description": "Open the login page in the browser; false uses the device code flow"
                    },
                    "autoPoll": {
                        "type": "boolean",
                        "default": true,
                        "description": "Device flow: finish in the background; if false, call again after approval"
                    },
                    "useDeviceCode": {
                        "type": "boolean",
                        "default": false,
                        "description": "Use the device code flow even where a browser would open here"
                    }
                }
            }),
            output_schema: Some(json!({
                "type": "object",
                "properties": {
                    "status": {"type": "string", "enum": ["pending", "authenticated", "already_authenticated"]},
                    "flow": {"type": "string", "enum": ["authorization_code", "device_code"], "description": "How the pending login signs in"},
                    "url": {"type": "string", "description": "The page the user opens: the authorize page (authorization_code) or the complete verification URL (device_code)"},
                    "loginExpiresAt": {"type": "string", "description": "When the pending login stops waiting (UTC)"},
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
