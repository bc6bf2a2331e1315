//! The SSO OIDC client registration (RegisterClient), cached where the AWS CLI v2 caches its own:
//! `~/.aws/sso/cache/<sha1(key)>.json` with `{"clientId", "clientSecret", "expiresAt", "scopes"}`,
//! where key is Python's `json.dumps({"tool": "botocore", "startUrl", "region", "scopes",
//! "session_name"}, sort_keys=True)` (botocore's `SSOTokenFetcher._registration_cache_key`).
//! A registration lives about 90 days; registering again on every login would be wasteful and
//! AWS throttles RegisterClient.
//!
//! The scope `sso:account:access` is what `aws configure sso` writes as
//! `sso_registration_scopes`; it is what makes Identity Center issue refresh tokens.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::AuthError;
use crate::cache_time::{self, now_unix};
use crate::private_file;
use crate::python_json::python_json_string;
use crate::sdk_clients::Oidc;
use crate::service_errors::classify;
use crate::sso_session::{SsoSession, sha1_hex};
use crate::token_cache::sso_cache_dir;

/// Scopes requested at registration.
pub const SCOPES: &[&str] = &["sso:account:access"];

/// A registration is not used in its last 15 minutes (botocore's window), so that it cannot
/// expire in the middle of a device flow.
const EXPIRY_MARGIN_SECONDS: i64 = 15 * 60;

#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Registration {
    pub client_id: String,
    pub client_secret: String,
    #[serde(with = "cache_time::field")]
    pub expires_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration")
            .field("client_id", &self.client_id)
            .field("expires_at", &cache_time::format_unix(self.expires_at))
            .finish_non_exhaustive()
    }
}

impl Registration {
    fn is_usable(&self) -> bool {
        self.expires_at - now_unix() > EXPIRY_MARGIN_SECONDS
    }
}

/// The registration cache of one SSO session.
pub struct Registrations {
    path: PathBuf,
    client_name: String,
}

impl Registrations {
    pub fn new(home: &Path, session: &SsoSession) -> Self {
        let key = sha1_hex(&registration_key(session));
        let client_name = match &session.session_name {
            Some(name) => format!("mcp-aws-sso-{name}"),
            None => format!("mcp-aws-sso-{}", now_unix()),
        };
        Self {
            path: sso_cache_dir(home).join(format!("{key}.json")),
            client_name,
        }
    }

    /// The cached registration, unless it is missing, unreadable or about to expire.
    pub fn cached(&self) -> Option<Registration> {
        private_file::read_json::<Registration>(&self.path).filter(Registration::is_usable)
    }

    /// A usable registration: the cached one, else a new one (which is then cached).
    pub async fn get_or_register(&self, oidc: &Oidc) -> Result<Registration, AuthError> {
        if let Some(cached) = self.cached() {
            return Ok(cached);
        }
        self.register(oidc).await
    }

    /// Registers a new client and caches it, replacing whatever was cached.
    pub async fn register(&self, oidc: &Oidc) -> Result<Registration, AuthError> {
        let mut request = oidc
            .register_client()
            .client_name(&self.client_name)
            .client_type("public");
        for scope in SCOPES {
            request = request.scopes(*scope);
        }
        let answer = request
            .send()
            .await
            .map_err(|e| AuthError::service("RegisterClient", classify(&e, &oidc.endpoint)))?;
        let (Some(client_id), Some(client_secret)) = (answer.client_id(), answer.client_secret()) else {
            return Err(AuthError::Service {
                operation: "RegisterClient",
                detail: "the answer has no client id or secret".to_string(),
            });
        };
        let expires_at = match answer.client_secret_expires_at() {
            0 => now_unix() + 90 * 24 * 3600,
            at => at,
        };
        let registration = Registration {
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
            expires_at,
            scopes: Some(SCOPES.iter().map(|s| s.to_string()).collect()),
            other: Map::new(),
        };
        tracing::debug!(
            "registered SSO OIDC client {}, valid until {}",
            self.client_name,
            cache_time::format_unix(expires_at)
        );
        if let Err(error) = private_file::write_json(&self.path, &registration) {
            // Not fatal: the login can go on; the next one registers again.
            tracing::warn!("{error}");
        }
        Ok(registration)
    }
}

/// The text botocore hashes to name the registration file: `json.dumps(args, sort_keys=True)`
/// with Python's default separators (`", "`, `": "`) and ASCII escaping.
fn registration_key(session: &SsoSession) -> String {
    let scopes: Vec<String> = SCOPES.iter().map(|s| python_json_string(s)).collect();
    let session_name = match &session.session_name {
        Some(name) => python_json_string(name),
        None => "null".to_string(),
    };
    format!(
        "{{\"region\": {}, \"scopes\": [{}], \"session_name\": {}, \"startUrl\": {}, \"tool\": \"botocore\"}}",
        python_json_string(&session.region),
        scopes.join(", "),
        session_name,
        python_json_string(&session.start_url),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_key_matches_python_json_dumps() {
        let session = SsoSession {
            start_url: "https://my-org.awsapps.com/start".into(),
            region: "us-east-1".into(),
            session_name: Some("my-sso".into()),
        };
        // python3 -c 'import json; print(json.dumps({"tool": "botocore", "startUrl":
        //   "https://my-org.awsapps.com/start", "region": "us-east-1",
        //   "scopes": ["sso:account:access"], "session_name": "my-sso"}, sort_keys=True))'
        assert_eq!(
            registration_key(&session),
            r#"{"region": "us-east-1", "scopes": ["sso:account:access"], "session_name": "my-sso", "startUrl": "https://my-org.awsapps.com/start", "tool": "botocore"}"#
        );
    }
}
