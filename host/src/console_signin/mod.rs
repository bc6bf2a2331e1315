//! Signing a person in to the AWS console with a role of the SSO session.
//!
//! ```text
//! (account, role, destination?, region?) ─▶ role credentials (Auth, shared caches)
//!     ─▶ destination::resolve (service name or console URL, allow-listed)
//!     ─▶ federation::signin_token (POST getSigninToken) ─▶ federation::login_url (a SigninUrl)
//!     ─▶ the browser (BROWSER, else the platform's opener) | `console --print`
//! ```
//!
//! Used by the CLI verb `console` and, through the host extension `console.open`, by the
//! `console` plugin's MCP tool. The login URL is a bearer credential: it goes to the browser (or,
//! for `--print`, to the person's terminal) and nowhere else. What callers get back is an
//! [`Opened`]: which account, role, page and region, and until when the session lasts.

pub mod destination;
pub mod federation;
pub mod partition;

use mcp_aws_sso_config::Config;
use serde_json::{Value, json};

use crate::auth::{Auth, AuthError, format_unix, human_unix, now_unix};
use destination::DestinationError;
use federation::{FederationError, SigninUrl};

/// Credentials closer than this to expiry are replaced before signing in: the console session
/// lasts as long as the credentials it was made from.
const MIN_SESSION_SECONDS: i64 = 30 * 60;

/// What to open.
#[derive(Debug, Clone)]
pub struct ConsoleRequest {
    pub account_id: String,
    pub role_name: String,
    /// A service name (`ec2`) or a console URL; the console home when absent.
    pub destination: Option<String>,
    /// The console's region; else the configured default region, else the SSO region.
    pub region: Option<String>,
}

/// What was opened. Holds nothing secret: this is what the model and logs may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub account_id: String,
    pub role_name: String,
    pub region: String,
    /// "EC2", "the console home", or a console URL's host and path.
    pub page: String,
    /// The console page the browser lands on (no token in it).
    pub destination: String,
    /// When the console session ends (Unix seconds).
    pub expires_at: i64,
}

impl Opened {
    /// "AWS console for 123456789012 / ReadOnly, EC2 in eu-west-1, session valid until ...".
    pub fn summary(&self) -> String {
        format!(
            "AWS console for {} / {}, {} in {}, session valid until {}",
            self.account_id,
            self.role_name,
            self.page,
            self.region,
            human_unix(self.expires_at)
        )
    }

    pub fn to_json(&self) -> Value {
        json!({
            "accountId": self.account_id,
            "roleName": self.role_name,
            "region": self.region,
            "page": self.page,
            "destination": self.destination,
            "expiresAt": format_unix(self.expires_at),
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("{0}")]
    Destination(#[from] DestinationError),
    #[error("{0}")]
    Federation(#[from] FederationError),
    #[error("the console sign-in is ready but no browser could be opened: {0}")]
    Browser(String),
}

/// Signs in: the login URL, and what it opens.
pub async fn sign_in(
    auth: &Auth,
    config: &Config,
    request: &ConsoleRequest,
) -> Result<(SigninUrl, Opened), ConsoleError> {
    let session = auth.session()?.clone();
    let region = request
        .region
        .clone()
        .or_else(|| config.region.clone())
        .unwrap_or_else(|| session.region.clone());
    let page = destination::resolve(request.destination.as_deref(), &region)?;
    let endpoint = federation::endpoint(&region)?;
    let mut credentials = auth
        .role_credentials(&request.account_id, &request.role_name, false)
        .await?;
    if credentials.expiration - now_unix() < MIN_SESSION_SECONDS {
        credentials = auth
            .role_credentials(&request.account_id, &request.role_name, true)
            .await?;
    }
    let token = federation::signin_token(
        &endpoint,
        &credentials.access_key_id,
        &credentials.secret_access_key,
        &credentials.session_token,
    )
    .await?;
    let url = federation::login_url(&endpoint, &session.start_url, &page.url, &token);
    tracing::debug!(
        "console sign-in ready for {} / {} ({})",
        request.account_id,
        request.role_name,
        page.label
    );
    let opened = Opened {
        account_id: request.account_id.clone(),
        role_name: request.role_name.clone(),
        region,
        page: page.label,
        destination: page.url,
        expires_at: credentials.expiration,
    };
    Ok((url, opened))
}

/// Signs in and opens the browser on this machine.
pub async fn open(auth: &Auth, config: &Config, request: &ConsoleRequest) -> Result<Opened, ConsoleError> {
    let (url, opened) = sign_in(auth, config, request).await?;
    crate::auth::browser::open(url.expose())
        .await
        // A BROWSER entry like `%s` would make the URL the command name in the reason.
        .map_err(|reason| ConsoleError::Browser(reason.replace(url.expose(), "<sign-in URL>")))?;
    Ok(opened)
}
