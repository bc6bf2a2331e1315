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
//!
//! The file is the one source of truth: another process (this host's CLI, another MCP server,
//! `aws sso login` / `aws sso logout`) may change or delete it at any moment, without our lock.
//! So every use starts from the file as it is now ([`TokenCache::on_disk`]). That costs one
//! `stat`: the parsed token is kept with the file's [`FileStamp`] (inode, size, modification and
//! change times) and read again only when the stamp differs.

use std::fmt;
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::cache_time::{self, now_unix};
use crate::client_registration::Registration;
use crate::device_flow::TokenGrant;
use crate::private_file::{self, FileError};
use crate::sso_session::{SsoSession, sha1_hex};
use crate::token_lock::TokenLock;

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

    /// Which token this is, for tying what was minted with it (role credentials) to it. A hash:
    /// it may be kept and compared, but it is no bearer secret.
    pub fn id(&self) -> TokenId {
        TokenId(sha1_hex(&self.access_token))
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

/// A file younger than this is read again even when its stamp did not change.
const RACY_WITHIN: std::time::Duration = std::time::Duration::from_secs(2);

/// The identity of one access token (a hash of it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenId(String);

/// What tells one version of a file from another without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
    #[cfg(unix)]
    inode: (u64, u64),
    #[cfg(unix)]
    changed: (i64, i64),
}

impl FileStamp {
    fn of(metadata: &fs::Metadata) -> Self {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        Self {
            len: metadata.len(),
            modified: metadata.modified().ok(),
            #[cfg(unix)]
            inode: (metadata.dev(), metadata.ino()),
            #[cfg(unix)]
            changed: (metadata.ctime(), metadata.ctime_nsec()),
        }
    }

    /// Whether the file was written so recently that a second write within the file system's
    /// timestamp granularity (a few milliseconds on Linux) could leave the same stamp: such a
    /// file is read again rather than trusted (git calls this "racily clean").
    fn is_racy(&self) -> bool {
        self.modified.is_none_or(|at| {
            SystemTime::now()
                .duration_since(at)
                .map_or(true, |age| age < RACY_WITHIN)
        })
    }

    /// When the file was last written.
    pub fn modified(&self) -> Option<SystemTime> {
        self.modified
    }
}

/// The token file as it is now: the token, its identity, and the stamp of the version read.
#[derive(Debug)]
pub struct OnDisk {
    pub token: CachedToken,
    pub id: TokenId,
    pub stamp: FileStamp,
}

/// Where the token of one SSO session lives, and the lock its writers take.
pub struct TokenCache {
    path: PathBuf,
    lock: TokenLock,
    /// The last version read, reused while the file's stamp is unchanged.
    last_read: Mutex<Option<Arc<OnDisk>>>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl TokenCache {
    pub fn new(home: &Path, session: &SsoSession) -> Self {
        let path = sso_cache_dir(home).join(format!("{}.json", session.token_cache_key()));
        Self {
            lock: TokenLock::new(&path),
            path,
            last_read: Mutex::new(None),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The lock to hold while changing the file.
    pub fn lock(&self) -> &TokenLock {
        &self.lock
    }

    /// The cached token, if there is a readable one (always read from the file).
    pub fn load(&self) -> Option<CachedToken> {
        private_file::read_json(&self.path)
    }

    /// The token file as it is now; `None` when it is missing or unreadable. One `stat` when
    /// the file did not change since the last call.
    pub fn on_disk(&self) -> Option<Arc<OnDisk>> {
        let mut last_read = self.last_read.lock().unwrap_or_else(|p| p.into_inner());
        let Ok(metadata) = fs::metadata(&self.path) else {
            *last_read = None;
            return None;
        };
        let stamp = FileStamp::of(&metadata);
        if let Some(known) = last_read
            .as_ref()
            .filter(|known| known.stamp == stamp && !stamp.is_racy())
        {
            return Some(known.clone());
        }
        let fresh = read_versioned(&self.path).map(Arc::new);
        last_read.clone_from(&fresh);
        fresh
    }

    pub fn save(&self, token: &CachedToken) -> Result<(), FileError> {
        private_file::write_json(&self.path, token)
    }

    pub fn remove(&self) -> Result<bool, FileError> {
        private_file::remove(&self.path)
    }
}

/// Reads the file through one handle, so that the stamp is that of the bytes read even when
/// the file is replaced meanwhile.
fn read_versioned(path: &Path) -> Option<OnDisk> {
    let mut file = File::open(path).ok()?;
    let stamp = FileStamp::of(&file.metadata().ok()?);
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).ok()?;
    match serde_json::from_slice::<CachedToken>(&bytes) {
        Ok(token) => Some(OnDisk {
            id: token.id(),
            token,
            stamp,
        }),
        Err(error) => {
            tracing::debug!("ignoring unreadable token cache {}: {error}", path.display());
            None
        }
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
    fn on_disk_follows_every_change_of_the_file() {
        let home = tempfile::tempdir().unwrap();
        let session = SsoSession {
            start_url: "https://x.awsapps.com/start".into(),
            region: "us-east-1".into(),
            session_name: None,
        };
        let cache = TokenCache::new(home.path(), &session);
        assert!(cache.on_disk().is_none());
        let token = |access: &str| -> CachedToken {
            serde_json::from_value(serde_json::json!({"accessToken": access, "expiresAt": "2030-01-01T00:00:00Z"}))
                .unwrap()
        };
        cache.save(&token("first")).unwrap();
        let first = cache.on_disk().unwrap();
        assert_eq!(first.token.access_token, "first");
        assert_eq!(cache.on_disk().unwrap().id, first.id);
        // Once the file is older than the timestamp granularity, an unchanged stamp is trusted.
        let an_hour_ago = SystemTime::now() - std::time::Duration::from_secs(3600);
        File::options()
            .write(true)
            .open(cache.path())
            .unwrap()
            .set_modified(an_hour_ago)
            .unwrap();
        let settled = cache.on_disk().unwrap();
        assert!(
            Arc::ptr_eq(&settled, &cache.on_disk().unwrap()),
            "unchanged file: not read again"
        );
        // Another tool rewrites the file in place, same size (as botocore's JSONFileCache does).
        fs::write(cache.path(), serde_json::to_vec(&token("other")).unwrap()).unwrap();
        let second = cache.on_disk().unwrap();
        assert_eq!(second.token.access_token, "other");
        assert_ne!(second.id, first.id);
        cache.remove().unwrap();
        assert!(cache.on_disk().is_none());
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
