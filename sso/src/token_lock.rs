//! The one lock every change of the token file happens under: login, refresh and logout, in this
//! process and in every other `mcp-aws-sso` sharing the session (two MCP servers, the CLI).
//!
//! It is an advisory lock (`flock` on Unix, `LockFileEx` on Windows, through `fs4`) on a file
//! beside the token: `~/.aws/sso/cache/<key>.json.lock`. The AWS CLI does not take it, which is
//! why readers never trust memory over the token file (see `token_cache`). The lock file is never
//! deleted: removing a lock file while another process waits on it would give two owners.
//!
//! The lock file also carries the session's logout epoch, a counter a logout raises while it
//! holds the lock. Its text is deliberately not JSON: `aws sso logout` JSON-loads every file in
//! that directory and tests `'accessToken' in contents`, which would crash on a JSON number;
//! a file that does not parse is skipped. A login remembers the epoch it started in and stores its token only if no
//! logout came in between, so a browser approval that arrives after `mcp-aws-sso logout` (in any
//! process) writes nothing.
//!
//! Within one process callers first queue on an async mutex. The file lock is then taken with
//! `try_lock`, at once when nobody holds it; a lock another process holds is tried again every
//! few milliseconds, without blocking a thread, for at most [`LOCK_WAIT`] (a holder refreshing
//! the token is bounded by the SDK's 90 s operation timeout; a stopped process is not).

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use fs4::FileExt;

use crate::private_file::{FileError, ensure_private_dir};

/// How long to wait for the lock before giving up.
pub const LOCK_WAIT: Duration = Duration::from_secs(120);
/// The longest pause between two tries.
const MAX_RETRY_PAUSE: Duration = Duration::from_millis(50);

/// What precedes the logout count in the lock file (and keeps it from being JSON).
const EPOCH_PREFIX: &str = "mcp-aws-sso token lock, logouts: ";

pub struct TokenLock {
    path: PathBuf,
    in_process: tokio::sync::Mutex<()>,
    wait: Duration,
}

/// Held while the token file may be changed; dropping it releases the lock.
pub struct TokenLockGuard<'a> {
    file: File,
    path: &'a Path,
    _in_process: tokio::sync::MutexGuard<'a, ()>,
}

impl TokenLock {
    /// The lock of the token file at `token_path`.
    pub fn new(token_path: &Path) -> Self {
        let mut name = token_path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(".lock");
        Self {
            path: token_path.with_file_name(name),
            in_process: tokio::sync::Mutex::new(()),
            wait: LOCK_WAIT,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Waits until this caller owns the token file.
    pub async fn acquire(&self) -> Result<TokenLockGuard<'_>, FileError> {
        let in_process = self.in_process.lock().await;
        let file = open_lock_file(&self.path).map_err(|(action, source)| self.fail(action, source))?;
        let started = tokio::time::Instant::now();
        let mut pause = Duration::from_millis(2);
        loop {
            match FileExt::try_lock(&file) {
                Ok(()) => break,
                Err(fs4::TryLockError::WouldBlock) if started.elapsed() < self.wait => {
                    // Another process owns the token for now (a refresh, a login, a logout).
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(MAX_RETRY_PAUSE);
                }
                Err(fs4::TryLockError::WouldBlock) => {
                    let held = io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!(
                            "another process has held it for {} s (a stopped mcp-aws-sso?)",
                            self.wait.as_secs()
                        ),
                    );
                    return Err(self.fail("lock", held));
                }
                Err(fs4::TryLockError::Error(error)) => return Err(self.fail("lock", error)),
            }
        }
        Ok(TokenLockGuard {
            file,
            path: &self.path,
            _in_process: in_process,
        })
    }

    fn fail(&self, action: &'static str, source: io::Error) -> FileError {
        FileError {
            action,
            path: self.path.clone(),
            source,
        }
    }
}

fn open_lock_file(path: &Path) -> Result<File, (&'static str, io::Error)> {
    if let Some(dir) = path.parent() {
        ensure_private_dir(dir).map_err(|e| ("create the directory of", e.source))?;
    }
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    // `FileExt::lock` / `try_lock` (fs4), not the inherent `File` ones: one implementation on
    // every platform and toolchain.
    options.open(path).map_err(|e| ("open", e))
}

impl TokenLockGuard<'_> {
    /// How many logouts this session has seen (0 for a lock file that never saw one).
    pub fn logout_epoch(&mut self) -> u64 {
        let mut text = String::new();
        let read = self
            .file
            .seek(SeekFrom::Start(0))
            .and_then(|_| self.file.read_to_string(&mut text));
        match read {
            Ok(_) => text
                .rsplit(':')
                .next()
                .and_then(|count| count.trim().parse().ok())
                .unwrap_or(0),
            Err(error) => {
                tracing::debug!("cannot read {}: {error}", self.path.display());
                0
            }
        }
    }

    /// Records a logout: every login started before it can no longer store its token.
    pub fn raise_logout_epoch(&mut self) -> Result<u64, FileError> {
        let next = self.logout_epoch().wrapping_add(1);
        let write = self
            .file
            .set_len(0)
            .and_then(|_| self.file.seek(SeekFrom::Start(0)))
            .and_then(|_| self.file.write_all(format!("{EPOCH_PREFIX}{next}\n").as_bytes()));
        write.map_err(|source| FileError {
            action: "write",
            path: self.path.to_owned(),
            source,
        })?;
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn the_lock_file_sits_beside_the_token_and_carries_the_logout_epoch() {
        let home = tempfile::tempdir().unwrap();
        let token = home.path().join("sso/cache/abc.json");
        let lock = TokenLock::new(&token);
        assert_eq!(lock.path(), home.path().join("sso/cache/abc.json.lock"));
        {
            let mut guard = lock.acquire().await.unwrap();
            assert_eq!(guard.logout_epoch(), 0);
            assert_eq!(guard.raise_logout_epoch().unwrap(), 1);
            assert_eq!(guard.raise_logout_epoch().unwrap(), 2);
        }
        let mut again = lock.acquire().await.unwrap();
        assert_eq!(again.logout_epoch(), 2);
        let text = std::fs::read_to_string(lock.path()).unwrap();
        assert!(
            serde_json::from_str::<serde_json::Value>(&text).is_err(),
            "{text:?} must not be JSON"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(lock.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[tokio::test]
    async fn a_lock_held_elsewhere_for_too_long_is_an_error_not_a_hang() {
        let home = tempfile::tempdir().unwrap();
        let mut lock = TokenLock::new(&home.path().join("t.json"));
        lock.wait = Duration::from_millis(200);
        // Another process's hold: a separate open file description with the lock.
        let other = open_lock_file(lock.path()).unwrap();
        FileExt::lock(&other).unwrap();
        let error = lock.acquire().await.err().expect("the lock is held elsewhere");
        assert_eq!(error.source.kind(), io::ErrorKind::TimedOut);
        assert!(error.to_string().contains("another process has held it"), "{error}");
        drop(other);
        assert!(lock.acquire().await.is_ok(), "free again once the holder is gone");
    }

    /// Two independent `TokenLock`s on one path stand for two processes: the file lock alone
    /// must keep them apart.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn separate_lock_instances_exclude_each_other() {
        let home = tempfile::tempdir().unwrap();
        let token = home.path().join("t.json");
        let inside = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let token = token.clone();
            let inside = inside.clone();
            tasks.push(tokio::spawn(async move {
                let lock = TokenLock::new(&token);
                for _ in 0..5 {
                    let _guard = lock.acquire().await.unwrap();
                    assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two owners at once");
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    inside.fetch_sub(1, Ordering::SeqCst);
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
    }
}
