//! The SSO token cache, in the AWS CLI v2 format and place, so that `aws sso login` and this host
//! share one login: `~/.aws/sso/cache/<sha1(session name or start URL)>.json` holding
//!
//! ```json
//! {"startUrl": "...", "region": "us-east-1", "accessToken": "...", "expiresAt": "2024-01-01T00:00:00Z",
//!  "refreshToken": "...", "clientId": "...", "clientSecret": "...", "registrationExpiresAt": "..."}
//! ```
//!
//! The last four are present when the token can be refreshed (botocore requires all four to
//! refresh). Fields other tools add are kept when the file is rewritten.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::cache_time::{self, now_unix};
use crate::client_registration::Registration;
use crate::device_flow::TokenGrant;
use crate::private_file::{self, FileError};
use crate::sso_session::SsoSession;

#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CachedToken {
    #[serde(default)]
    pub start_url: String,
    #[serde(default)]
    pub region: String,
    pub access_token: String,
    /// Unix seconds.
    #[serde(with = "cache_time::field")]
    pub expires_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "cache_time::optional")]
    pub registration_expires_at: Option<i64>,
    /// Whatever else another tool wrote, kept verbatim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedToken")
            .field("start_url", &self.start_url)
            .field("region", &self.region)
            .field("expires_at", &cache_time::format_unix(self.expires_at))
            .field("refreshable", &self.is_refreshable())
            .finish_non_exhaustive()
    }
}

impl CachedToken {
    pub fn seconds_left(&self) -> i64 {
        self.expires_at - now_unix()
    }

    pub fn is_expired(&self) -> bool {
        self.seconds_left() <= 0
    }

    /// The cache entry for a token just granted under `registration`.
    pub fn from_grant(session: &SsoSession, registration: &Registration, grant: TokenGrant) -> Self {
        Self {
            start_url: session.start_url.clone(),
            region: session.region.clone(),
            access_token: grant.access_token,
            expires_at: now_unix() + grant.expires_in.max(0),
            refresh_token: grant.refresh_token,
            client_id: Some(registration.client_id.clone()),
            client_secret: Some(registration.client_secret.clone()),
            registration_expires_at: Some(registration.expires_at),
            other: Map::new(),
        }
    }

    /// Whether a refresh_token grant can be tried: a refresh token and a client registration that
    /// has not expired (the same test botocore applies).
    pub fn is_refreshable(&self) -> bool {
        self.refresh_token.is_some()
            && self.client_id.is_some()
            && self.client_secret.is_some()
            && self.registration_expires_at.is_none_or(|at| at > now_unix())
    }
}

/// Where the token of one SSO session lives.
#[derive(Debug, Clone)]
pub struct TokenCache {
    path: PathBuf,
}

impl TokenCache {
    pub fn new(home: &Path, session: &SsoSession) -> Self {
        Self {
            path: sso_cache_dir(home).join(format!("{}.json", session.token_cache_key())),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The cached token, if there is a readable one.
    pub fn load(&self) -> Option<CachedToken> {
        private_file::read_json(&self.path)
    }

    pub fn save(&self, token: &CachedToken) -> Result<(), FileError> {
        private_file::write_json(&self.path, token)
    }

    pub fn remove(&self) -> Result<bool, FileError> {
        private_file::remove(&self.path)
    }
}

/// `~/.aws/sso/cache`, shared with the AWS CLI and botocore.
pub fn sso_cache_dir(home: &Path) -> PathBuf {
    home.join(".aws").join("sso").join("cache")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_the_aws_cli_format() {
        let written_by_cli = r#"{"startUrl": "https://x.awsapps.com/start", "region": "us-east-1",
            "accessToken": "aoa-secret", "expiresAt": "2030-01-01T00:00:00Z",
            "refreshToken": "aor-secret", "clientId": "cid", "clientSecret": "csecret",
            "registrationExpiresAt": "2030-03-01T00:00:00Z", "somethingElse": 1}"#;
        let token: CachedToken = serde_json::from_str(written_by_cli).unwrap();
        assert_eq!(token.expires_at, 1_893_456_000);
        assert!(token.is_refreshable());
        let again = serde_json::to_value(&token).unwrap();
        assert_eq!(again["expiresAt"], "2030-01-01T00:00:00Z");
        assert_eq!(again["registrationExpiresAt"], "2030-03-01T00:00:00Z");
        assert_eq!(again["somethingElse"], 1);
        let shown = format!("{token:?}");
        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn a_token_without_refresh_fields_is_not_refreshable() {
        let token: CachedToken =
            serde_json::from_str(r#"{"accessToken": "t", "expiresAt": "2030-01-01T00:00:00UTC"}"#).unwrap();
        assert!(!token.is_refreshable());
        let json = serde_json::to_value(&token).unwrap();
        assert!(json.get("refreshToken").is_none());
    }
}
