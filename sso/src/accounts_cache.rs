//! The accounts-and-roles listing, kept for `MCP_AWS_SSO_ACCOUNTS_CACHE_TTL` in memory and on
//! disk. Listing 500 accounts takes about 25 s at Identity Center's rate limit, so the disk copy
//! lets the next CLI run (a new process) answer at once as well.
//!
//! The disk copy is not an AWS format and does not belong in `~/.aws`: it lives in
//! `$XDG_CACHE_HOME/mcp-aws-sso/` (else `~/.cache/mcp-aws-sso/`), named after the SSO session's
//! token cache key, mode 0600. Logout removes it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::accounts::AccountDirectory;
use crate::private_file;
use crate::sso_session::SsoSession;

pub struct AccountsCache {
    ttl: Duration,
    path: PathBuf,
    memory: Mutex<Option<Arc<AccountDirectory>>>,
    /// Held while a listing runs, so concurrent callers share one listing.
    pub fetch_gate: tokio::sync::Mutex<()>,
}

impl AccountsCache {
    pub fn new(home: &Path, session: &SsoSession, ttl: Duration) -> Self {
        Self {
            ttl,
            path: cache_dir(home).join(format!("accounts-{}.json", session.token_cache_key())),
            memory: Mutex::new(None),
            fetch_gate: tokio::sync::Mutex::new(()),
        }
    }

    /// A listing younger than the TTL: from memory, else from disk.
    pub fn fresh(&self) -> Option<Arc<AccountDirectory>> {
        let mut memory = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(directory) = memory.as_ref().filter(|d| d.age() < self.ttl) {
            return Some(directory.clone());
        }
        let from_disk = private_file::read_json::<AccountDirectory>(&self.path)
            .filter(|d| d.age() < self.ttl)
            .map(Arc::new)?;
        *memory = Some(from_disk.clone());
        Some(from_disk)
    }

    pub fn store(&self, directory: Arc<AccountDirectory>) {
        if self.ttl.is_zero() {
            return;
        }
        if let Err(error) = private_file::write_json(&self.path, directory.as_ref()) {
            tracing::warn!("{error}");
        }
        *self.memory.lock().unwrap_or_else(|p| p.into_inner()) = Some(directory);
    }

    /// Drops both copies; true when a file was removed.
    pub fn clear(&self) -> bool {
        *self.memory.lock().unwrap_or_else(|p| p.into_inner()) = None;
        match private_file::remove(&self.path) {
            Ok(removed) => removed,
            Err(error) => {
                tracing::warn!("{error}");
                false
            }
        }
    }
}

fn cache_dir(home: &Path) -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .unwrap_or_else(|| home.join(".cache"));
    base.join("mcp-aws-sso")
}
