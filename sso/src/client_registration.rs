//! The SSO OIDC client registration (RegisterClient), cached where the AWS CLI v2 caches its own:
//! `~/.aws/sso/cache/<sha1(key)>.json` with `{"clientId", "clientSecret", "expiresAt", "scopes"}`,
//! where key is Python's `json.dumps({"tool": "botocore", "startUrl", "region", "scopes",
//! "session_name"}, sort_keys=True)` (botocore's `SSOTokenFetcher._registration_cache_key`).
//! A registration lives about 90 days; registering again on every login would be wasteful and
//! AWS throttles RegisterClient.
//!
//! The scope `sso:account:access` is what `aws configure sso` writes as
//! `sso_registration_scopes`; it is what makes Identity Center issue refresh tokens.
//!
//! One file serves both login flows, as in the AWS CLI v2: a registration for the authorization
//! code flow (`grantTypes` holds `authorization_code`, with the loopback redirect URI and the
//! start URL as issuer, as `SSOTokenFetcherAuth` registers) is reused only by that flow, any
//! other only by the device flow; a login of the other kind registers anew and replaces it.

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

/// Scopes requested at registration when the sso-session sets no `sso_registration_scopes`
/// (botocore's `_AUTH_GRANT_DEFAULT_SCOPE`).
pub const DEFAULT_SCOPES: &[&str] = &["sso:account:access"];
/// What an authorization-code registration may do (botocore's `_AUTH_GRANT_TYPES`).
const AUTH_CODE_GRANT_TYPES: &[&str] = &["authorization_code", "refresh_token"];
/// The redirect URI registered: any port of it is accepted on a loopback address (RFC 8252 §7.3),
/// so the listener picks a free one per login.
pub const REDIRECT_URI: &str = "http://127.0.0.1/oauth/callback";

/// The flow a registration is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationKind {
    DeviceCode,
    /// Registered for `authorization_code` with this issuer (the start URL).
    AuthorizationCode,
}

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
    /// Written for authorization-code registrations, as AWS CLI v2 does; absent means device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_types: Option<Vec<String>>,
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

    /// botocore's `_is_registration_for_auth_code`.
    pub fn kind(&self) -> RegistrationKind {
        let auth_code = self
            .grant_types
            .as_ref()
            .is_some_and(|grants| grants.iter().any(|g| g == "authorization_code"));
        if auth_code {
            RegistrationKind::AuthorizationCode
        } else {
            RegistrationKind::DeviceCode
        }
    }
}

/// The registration cache of one SSO session.
pub struct Registrations {
    path: PathBuf,
    client_name: String,
    issuer_url: String,
    scopes: Vec<String>,
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
            issuer_url: session.start_url.clone(),
            scopes: registration_scopes(session),
        }
    }

    /// The cached registration for `kind`, unless it is missing, unreadable, for the other flow
    /// or about to expire.
    pub fn cached(&self, kind: RegistrationKind) -> Option<Registration> {
        private_file::read_json::<Registration>(&self.path)
            .filter(Registration::is_usable)
            .filter(|registration| registration.kind() == kind)
    }

    /// A usable registration for `kind`: the cached one, else a new one (which is then cached).
    pub async fn get_or_register(&self, oidc: &Oidc, kind: RegistrationKind) -> Result<Registration, AuthError> {
        if let Some(cached) = self.cached(kind) {
            return Ok(cached);
        }
        self.register(oidc, kind).await
    }

    /// Registers a new client for `kind` and caches it, replacing whatever was cached.
    pub async fn register(&self, oidc: &Oidc, kind: RegistrationKind) -> Result<Registration, AuthError> {
        let mut request = oidc
            .register_client()
            .client_name(&self.client_name)
            .client_type("public");
        for scope in &self.scopes {
            request = request.scopes(scope);
        }
        if kind == RegistrationKind::AuthorizationCode {
            for grant in AUTH_CODE_GRANT_TYPES {
                request = request.grant_types(*grant);
            }
            request = request.redirect_uris(REDIRECT_URI).issuer_url(&self.issuer_url);
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
            scopes: Some(self.scopes.clone()),
            grant_types: (kind == RegistrationKind::AuthorizationCode)
                .then(|| AUTH_CODE_GRANT_TYPES.iter().map(|s| s.to_string()).collect()),
            other: Map::new(),
        };
        tracing::debug!(
            "registered SSO OIDC client {} for the {kind:?} flow, valid until {}",
            self.client_name,
            cache_time::format_unix(expires_at)
        );
        if let Err(error) = private_file::write_json(&self.path, &registration) {
            // Not fatal: the login can go on; the next one registers again.
            tracing::warn!("{error}");
        }
        Ok(registration)
    }

    /// The scopes this session's client is registered with (and its browser logins ask for).
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }
}

/// The session's `sso_registration_scopes`, else the default.
fn registration_scopes(session: &SsoSession) -> Vec<String> {
    match &session.registration_scopes {
        Some(scopes) if !scopes.is_empty() => scopes.clone(),
        _ => DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect(),
    }
}

/// The text botocore hashes to name the registration file: `json.dumps(args, sort_keys=True)`
/// with Python's default separators (`", "`, `": "`) and ASCII escaping. `scopes` is the
/// configured `sso_registration_scopes` (`null` when not set), exactly as botocore passes it.
fn registration_key(session: &SsoSession) -> String {
    let scopes = match &session.registration_scopes {
        Some(scopes) => format!(
            "[{}]",
            scopes
                .iter()
                .map(|s| python_json_string(s))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => "null".to_string(),
    };
    let session_name = match &session.session_name {
        Some(name) => python_json_string(name),
        None => "null".to_string(),
    };
    format!(
        "{{\"region\": {}, \"scopes\": {}, \"session_name\": {}, \"startUrl\": {}, \"tool\": \"botocore\"}}",
        python_json_string(&session.region),
        scopes,
        session_name,
        python_json_string(&session.start_url),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_key_matches_python_json_dumps() {
        let mut session = SsoSession {
            start_url: "https://my-org.awsapps.com/start".into(),
            region: "us-east-1".into(),
            session_name: Some("my-sso".into()),
            registration_scopes: Some(vec!["sso:account:access".into()]),
        };
        // python3 -c 'import json; print(json.dumps({"tool": "botocore", "startUrl":
        //   "https://my-org.awsapps.com/start", "region": "us-east-1",
        //   "scopes": ["sso:account:access"], "session_name": "my-sso"}, sort_keys=True))'
        assert_eq!(
            registration_key(&session),
            r#"{"region": "us-east-1", "scopes": ["sso:account:access"], "session_name": "my-sso", "startUrl": "https://my-org.awsapps.com/start", "tool": "botocore"}"#
        );
        // Unset scopes and no session are `null`, as botocore passes them.
        session.registration_scopes = Some(vec!["sso:account:access".into(), "a:b".into()]);
        assert!(registration_key(&session).contains(r#""scopes": ["sso:account:access", "a:b"], "#));
        session.registration_scopes = None;
        session.session_name = None;
        assert_eq!(
            registration_key(&session),
            r#"{"region": "us-east-1", "scopes": null, "session_name": null, "startUrl": "https://my-org.awsapps.com/start", "tool": "botocore"}"#
        );
    }
}

#[cfg(test)]
mod kind_tests {
    use super::*;

    fn registration(grant_types: Option<&[&str]>) -> Registration {
        Registration {
            client_id: "c".into(),
            client_secret: "s".into(),
            expires_at: now_unix() + 86400,
            scopes: None,
            grant_types: grant_types.map(|g| g.iter().map(|s| s.to_string()).collect()),
            other: Map::new(),
        }
    }

    #[test]
    fn a_registration_is_for_the_authorization_code_only_if_its_grants_say_so() {
        // botocore's `_is_registration_for_auth_code`: older caches have no grantTypes.
        assert_eq!(registration(None).kind(), RegistrationKind::DeviceCode);
        assert_eq!(
            registration(Some(&["refresh_token"])).kind(),
            RegistrationKind::DeviceCode
        );
        assert_eq!(
            registration(Some(AUTH_CODE_GRANT_TYPES)).kind(),
            RegistrationKind::AuthorizationCode
        );
        let json = serde_json::to_value(registration(Some(AUTH_CODE_GRANT_TYPES))).unwrap();
        assert_eq!(
            json["grantTypes"],
            serde_json::json!(["authorization_code", "refresh_token"])
        );
        assert!(
            serde_json::to_value(registration(None))
                .unwrap()
                .get("grantTypes")
                .is_none()
        );
    }
}
