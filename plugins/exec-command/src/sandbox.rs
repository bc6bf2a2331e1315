//! The private directory one `aws` process runs in: its `HOME` and working directory, with an
//! AWS config written for the call and an empty shared-credentials file.
//!
//! So nothing of the user's own AWS setup reaches the child: no `~/.aws/credentials` (long-term
//! keys), no profiles, no `~/.aws/cli/alias` (an alias starting with `!` runs a shell), no
//! history, no plugins from the user's config. The config holds only what the call needs:
//!
//! ```ini
//! [default]
//! region = <region>
//! output = json
//! cli_pager =
//! cli_auto_prompt = off
//! cli_follow_urlparam = false   # v1 would fetch http(s):// parameter values
//! ```
//!
//! The directory (mode 0700) lives in the user's runtime directory when there is one:
//! `$XDG_RUNTIME_DIR`, else `/run/user/<uid>`, else a private `/dev/shm/mcp-aws-sso-<uid>` — all
//! memory file systems, where creating and removing it costs microseconds (on a disk file system
//! it costs milliseconds per call) — else the user's cache directory, else the temp directory. It
//! is a [`tempfile::TempDir`]: removed when the call ends, however it ends — exit, timeout,
//! cancellation, an error, a panic.

use std::io;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

/// One call's directory.
pub struct Sandbox {
    dir: TempDir,
}

impl Sandbox {
    /// Creates the directory and its files. `env` is the host's environment (for the base
    /// directory).
    pub fn create(region: &str, env: &impl Fn(&str) -> Option<String>) -> io::Result<Self> {
        let base = base_dir(env)?;
        let dir = tempfile::Builder::new()
            .prefix("exec-")
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .tempdir_in(&base)?;
        let sandbox = Self { dir };
        std::fs::write(sandbox.config_file(), config_text(region))?;
        std::fs::write(sandbox.credentials_file(), "")?;
        Ok(sandbox)
    }

    /// `HOME` and the working directory.
    pub fn home(&self) -> &Path {
        self.dir.path()
    }

    pub fn config_file(&self) -> PathBuf {
        self.home().join("aws-config")
    }

    pub fn credentials_file(&self) -> PathBuf {
        self.home().join("aws-credentials")
    }

    /// `TMPDIR`: temporary files of the CLI go away with the sandbox too.
    pub fn tmp_dir(&self) -> PathBuf {
        self.home().to_path_buf()
    }
}

fn config_text(region: &str) -> String {
    format!(
        "[default]\nregion = {region}\noutput = json\ncli_pager =\ncli_auto_prompt = off\ncli_follow_urlparam = false\n"
    )
}

/// The first usable of: `$XDG_RUNTIME_DIR/mcp-aws-sso`, `/run/user/<uid>/mcp-aws-sso`,
/// `/dev/shm/mcp-aws-sso-<uid>`, `$XDG_CACHE_HOME` or `~/.cache` + `/mcp-aws-sso/run`, the temp
/// directory; created 0700. `XDG_RUNTIME_DIR` set to something else than a directory we own
/// skips the system runtime places (tests point it at a directory of their own).
fn base_dir(env: &impl Fn(&str) -> Option<String>) -> io::Result<PathBuf> {
    let absolute = |name: &str| env(name).map(PathBuf::from).filter(|p| p.is_absolute());
    let runtime = absolute("XDG_RUNTIME_DIR");
    let system_runtime = || {
        let user_run = PathBuf::from(format!("/run/user/{}", current_uid()));
        [
            user_run.is_dir().then(|| user_run.join("mcp-aws-sso")),
            Path::new("/dev/shm")
                .is_dir()
                .then(|| PathBuf::from(format!("/dev/shm/mcp-aws-sso-{}", current_uid()))),
        ]
    };
    let [user_run, shm] = if env("XDG_RUNTIME_DIR").is_none() {
        system_runtime()
    } else {
        [None, None]
    };
    let candidates = [
        runtime.map(|d| d.join("mcp-aws-sso")),
        user_run,
        shm,
        absolute("XDG_CACHE_HOME")
            .or_else(|| absolute("HOME").map(|h| h.join(".cache")))
            .map(|d| d.join("mcp-aws-sso").join("run")),
        Some(std::env::temp_dir().join(format!("mcp-aws-sso-{}", current_uid()))),
    ];
    let mut last_error = io::Error::other("no base directory");
    for candidate in candidates.into_iter().flatten() {
        match private_dir(&candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) => last_error = e,
        }
    }
    Err(last_error)
}

fn current_uid() -> u32 {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() }
}

/// Creates `dir` 0700 if missing; an existing one must be a directory of ours that nobody else
/// can write to.
fn private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    let meta = std::fs::symlink_metadata(dir)?;
    if !meta.is_dir() || meta.uid() != current_uid() || meta.mode() & 0o022 != 0 {
        return Err(io::Error::other(format!(
            "{} is not a private directory of this user",
            dir.display()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_private_directory_with_config_and_empty_credentials_removed_on_drop() {
        let runtime = std::env::temp_dir().join(format!("exec-sandbox-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&runtime);
        std::fs::create_dir_all(&runtime).unwrap();
        let env = |name: &str| (name == "XDG_RUNTIME_DIR").then(|| runtime.display().to_string());
        let sandbox = Sandbox::create("eu-west-1", &env).unwrap();
        let home = sandbox.home().to_path_buf();
        assert!(home.starts_with(runtime.join("mcp-aws-sso")));
        assert_eq!(std::fs::metadata(&home).unwrap().permissions().mode() & 0o777, 0o700);
        let config = std::fs::read_to_string(sandbox.config_file()).unwrap();
        assert!(config.contains("region = eu-west-1\n") && config.contains("cli_auto_prompt = off"));
        assert_eq!(std::fs::read(sandbox.credentials_file()).unwrap(), b"");
        drop(sandbox);
        assert!(!home.exists());
        std::fs::remove_dir_all(runtime).unwrap();
    }

    #[test]
    fn falls_back_to_the_cache_directory() {
        let home = std::env::temp_dir().join(format!("exec-sandbox-home-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(&home).unwrap();
        let env = |name: &str| match name {
            "HOME" => Some(home.display().to_string()),
            "XDG_RUNTIME_DIR" => Some("relative/dir".into()),
            _ => None,
        };
        let sandbox = Sandbox::create("us-east-1", &env).unwrap();
        assert!(sandbox.home().starts_with(home.join(".cache/mcp-aws-sso/run")));
        drop(sandbox);
        std::fs::remove_dir_all(home).unwrap();
    }
}
