//! Role credentials (GetRoleCredentials), cached in memory and on disk in the AWS CLI v2 format,
//! so that the AWS CLI, botocore and this host reuse each other's credentials:
//! `~/.aws/cli/cache/<sha1(key)>.json`, where key is botocore's
//! `json.dumps({"accountId", "roleName", "sessionName" | "startUrl"}, sort_keys=True,
//! separators=(",", ":"))` (`SSOCredentialFetcher._create_cache_key`), holding
//!
//! ```json
//! {"ProviderType": "sso", "Credentials": {"AccessKeyId": "...", "SecretAccessKey": "...",
//!  "SessionToken": "...", "Expiration": "2024-01-01T00:00:00Z", "AccountId": "..."}}
//! ```
//!
//! Credentials are reused until [`REUSE_MARGIN_SECONDS`] before they expire, long enough for a
//! tool call that started with them to finish. Each (account, role) has its own lock, so
//! concurrent calls for one role make one GetRoleCredentials call.
//!
//! Credentials are only as good as the SSO session they came from: a logout or a login as
//! someone else must stop their use at once, in this process and in any other. So credentials
//! in memory carry the identity of the token they were minted with and are served only while
//! that token is the one on disk. A file in `~/.aws/cli/cache` carries no such identity (the AWS
//! CLI writes them too): it is reused only when it was written after the current token file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::cache_time::{self, now_unix};
use crate::private_file;
use crate::python_json::python_json_string;
use crate::sdk_clients::Portal;
use crate::service_errors::{Failure, classify};
use crate::sso_session::{SsoSession, sha1_hex};
use crate::token_cache::{OnDisk, TokenId};

/// Credentials closer than this to expiry are fetched again (botocore uses 15 minutes; a tool
/// call lasts at most the configured call timeout, 5 minutes by default).
pub const REUSE_MARGIN_SECONDS: i64 = 10 * 60;

/// Short-lived credentials of one role. `Debug` shows only the access key id.
#[derive(Clone, PartialEq, Eq)]
pub struct RoleCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    /// Expiry as Unix seconds.
    pub expiration: i64,
}

impl fmt::Debug for RoleCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoleCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("session_token", &"<redacted>")
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// Credentials and the token they were minted with.
struct Minted {
    credentials: RoleCredentials,
    token: TokenId,
}

type Slot = Arc<tokio::sync::Mutex<Option<Minted>>>;

pub struct RoleCredentialCache {
    dir: PathBuf,
    slots: Mutex<HashMap<(String, String), Slot>>,
}

impl RoleCredentialCache {
    pub fn new(home: &Path) -> Self {
        Self {
            dir: cli_cache_dir(home),
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// Cached credentials for the role minted with the `current` token, else the result of
    /// `fetch` (credentials and the token they were minted with), then cached. `force` skips
    /// both caches (the caller saw the cached credentials rejected).
    pub async fn get<F, Fut, E>(
        &self,
        session: &SsoSession,
        account_id: &str,
        role: &str,
        force: bool,
        current: &OnDisk,
        fetch: F,
    ) -> Result<RoleCredentials, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(RoleCredentials, TokenId), E>>,
    {
        let slot = self.slot(account_id, role);
        let mut entry = slot.lock().await;
        let path = self.path(session, account_id, role);
        if !force && let Some(cached) = Self::lookup(&mut entry, &path, current) {
            return Ok(cached);
        }
        let (fresh, token) = fetch().await?;
        tracing::debug!(
            "fetched role credentials for {role} in {account_id}, valid until {}",
            cache_time::format_unix(fresh.expiration)
        );
        if let Err(error) = private_file::write_json(&path, &CliCacheEntry::new(&fresh, account_id)) {
            // The memory cache still works; only other processes miss out.
            tracing::warn!("{error}");
        }
        *entry = Some(Minted {
            credentials: fresh.clone(),
            token,
        });
        Ok(fresh)
    }

    /// Cached credentials for the role minted with the `current` token, if there are any; never
    /// fetches. The warm path of callers that must not pay for an SDK client (a
    /// `credential_process` runs once per SDK client).
    pub async fn cached(
        &self,
        session: &SsoSession,
        account_id: &str,
        role: &str,
        current: &OnDisk,
    ) -> Option<RoleCredentials> {
        let slot = self.slot(account_id, role);
        let mut entry = slot.lock().await;
        Self::lookup(&mut entry, &self.path(session, account_id, role), current)
    }

    /// The memory entry, else the AWS CLI cache file (then kept in memory), when reusable with
    /// the `current` token.
    fn lookup(entry: &mut Option<Minted>, path: &Path, current: &OnDisk) -> Option<RoleCredentials> {
        if let Some(cached) = entry
            .as_ref()
            .filter(|m| m.token == current.id && is_reusable(&m.credentials))
        {
            return Some(cached.credentials.clone());
        }
        let cached = read_cli_entry(path, current).filter(is_reusable)?;
        *entry = Some(Minted {
            credentials: cached.clone(),
            token: current.id.clone(),
        });
        Some(cached)
    }

    /// Forgets every cached role credential in memory, and deletes every SSO entry of the AWS
    /// CLI cache (`ProviderType: sso`), as `aws sso logout` does. Returns how many files went.
    pub fn clear(&self) -> usize {
        self.slots.lock().unwrap_or_else(|p| p.into_inner()).clear();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        let mut removed = 0;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let is_sso = private_file::read_json::<serde_json::Value>(&path)
                .is_some_and(|v| v.get("ProviderType").and_then(|p| p.as_str()) == Some("sso"));
            if is_sso {
                match private_file::remove(&path) {
                    Ok(true) => removed += 1,
                    Ok(false) => {}
                    Err(error) => tracing::warn!("{error}"),
                }
            }
        }
        removed
    }

    fn slot(&self, account_id: &str, role: &str) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots
            .entry((account_id.to_string(), role.to_string()))
            .or_default()
            .clone()
    }

    fn path(&self, session: &SsoSession, account_id: &str, role: &str) -> PathBuf {
        self.dir.join(format!("{}.json", cache_key(session, account_id, role)))
    }
}

/// GetRoleCredentials with `access_token`.
pub async fn fetch(
    portal: &Portal,
    access_token: &str,
    account_id: &str,
    role: &str,
) -> Result<RoleCredentials, Failure> {
    let answer = portal
        .get_role_credentials()
        .access_token(access_token)
        .account_id(account_id)
        .role_name(role)
        .send()
        .await
        .map_err(|e| classify(&e, &portal.endpoint))?;
    let incomplete = || Failure::Other {
        code: None,
        message: "GetRoleCredentials answered without complete credentials".to_string(),
    };
    let credentials = answer.role_credentials().ok_or_else(incomplete)?;
    Ok(RoleCredentials {
        access_key_id: credentials.access_key_id().ok_or_else(incomplete)?.to_string(),
        secret_access_key: credentials.secret_access_key().ok_or_else(incomplete)?.to_string(),
        session_token: credentials.session_token().ok_or_else(incomplete)?.to_string(),
        expiration: credentials.expiration() / 1000,
    })
}

fn is_reusable(credentials: &RoleCredentials) -> bool {
    credentials.expiration - now_unix() > REUSE_MARGIN_SECONDS
}

/// `~/.aws/cli/cache`, shared with the AWS CLI.
pub fn cli_cache_dir(home: &Path) -> PathBuf {
    home.join(".aws").join("cli").join("cache")
}

fn cache_key(session: &SsoSession, account_id: &str, role: &str) -> String {
    // Keys in sorted order: accountId, roleName, then sessionName or startUrl.
    let (last_key, last_value) = match &session.session_name {
        Some(name) => ("sessionName", name.as_str()),
        None => ("startUrl", session.start_url.as_str()),
    };
    let args = format!(
        "{{\"accountId\":{},\"roleName\":{},\"{last_key}\":{}}}",
        python_json_string(account_id),
        python_json_string(role),
        python_json_string(last_value)
    );
    // botocore then makes the hex digest "file safe", which leaves hex unchanged.
    sha1_hex(&args)
}

#[derive(Serialize, Deserialize)]
struct CliCacheEntry {
    #[serde(rename = "ProviderType", default, skip_serializing_if = "Option::is_none")]
    provider_type: Option<String>,
    #[serde(rename = "Credentials")]
    credentials: CliCredentials,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CliCredentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    #[serde(with = "cache_time::field")]
    expiration: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    account_id: Option<String>,
}

impl CliCacheEntry {
    fn new(credentials: &RoleCredentials, account_id: &str) -> Self {
        Self {
            provider_type: Some("sso".to_string()),
            credentials: CliCredentials {
                access_key_id: credentials.access_key_id.clone(),
                secret_access_key: credentials.secret_access_key.clone(),
                session_token: credentials.session_token.clone(),
                expiration: credentials.expiration,
                account_id: Some(account_id.to_string()),
            },
        }
    }
}

/// The AWS CLI cache entry at `path`, if it was written after the `current` token file (so it
/// cannot be from a session that was since logged out or replaced).
fn read_cli_entry(path: &Path, current: &OnDisk) -> Option<RoleCredentials> {
    let written = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
    if current
        .stamp
        .modified()
        .is_none_or(|token_written| written < token_written)
    {
        return None;
    }
    let entry: CliCacheEntry = private_file::read_json(path)?;
    let c = entry.credentials;
    Some(RoleCredentials {
        access_key_id: c.access_key_id,
        secret_access_key: c.secret_access_key,
        session_token: c.session_token,
        expiration: c.expiration,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_keys_match_botocore() {
        let mut session = SsoSession {
            start_url: "https://my-org.awsapps.com/start".into(),
            region: "us-east-1".into(),
            session_name: Some("my-sso".into()),
            registration_scopes: None,
        };
        // sha1(json.dumps({...}, sort_keys=True, separators=(",", ":"))), computed with Python.
        assert_eq!(
            cache_key(&session, "111111111111", "ReadOnly"),
            "7656329665c70f26bb8dc6f65f498aa9de8da4e0"
        );
        session.session_name = None;
        assert_eq!(
            cache_key(&session, "111111111111", "ReadOnly"),
            "9f94025375aaa37e3fb1d43cd1f5155d812c39b0"
        );
    }
}
