//! Finding the `aws` executable before anything runs, so a missing AWS CLI is a clear error with
//! install guidance instead of a bare "No such file or directory".
//!
//! Which binary runs is the user's choice, never the command's: `MCP_AWS_SSO_AWS_CLI` when set,
//! else the first `aws` on the host's `PATH`.

use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

const INSTALL_GUIDE: &str = "https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AwsBinaryError {
    #[error(
        "The AWS CLI (`aws`) was not found on the PATH of the mcp-aws-sso server (PATH={path}). Install the AWS CLI v2 \
         ({INSTALL_GUIDE}), or put its directory on PATH in the MCP client's configuration for this server (or set \
         MCP_AWS_SSO_AWS_CLI to its absolute path), then restart the server."
    )]
    NotOnPath { path: String },
    #[error(
        "MCP_AWS_SSO_AWS_CLI is `{0}`, which is not an executable file. Check the path, or install the AWS CLI v2 \
         ({INSTALL_GUIDE})."
    )]
    NotExecutable(PathBuf),
}

/// The absolute path of the `aws` to run: `configured` (MCP_AWS_SSO_AWS_CLI) if given, else the
/// first executable `aws` on `path`.
pub fn locate(configured: Option<&Path>, path: Option<&OsStr>) -> Result<PathBuf, AwsBinaryError> {
    if let Some(file) = configured {
        return if file.is_absolute() && is_executable(file) {
            Ok(file.to_path_buf())
        } else {
            Err(AwsBinaryError::NotExecutable(file.to_path_buf()))
        };
    }
    path.into_iter()
        .flat_map(std::env::split_paths)
        // An empty PATH entry means the working directory: never run an `aws` from there.
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join("aws"))
        .find(|candidate| is_executable(candidate))
        .ok_or_else(|| AwsBinaryError::NotOnPath {
            path: path
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|| "<unset>".into()),
        })
}

fn is_executable(file: &Path) -> bool {
    std::fs::metadata(file).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("exec-command-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn write(file: &Path, mode: u32) {
        fs::write(file, "#!/bin/sh\n").unwrap();
        fs::set_permissions(file, fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn finds_the_first_executable_aws_on_path() {
        let dir = scratch("path");
        let (first, second) = (dir.join("a"), dir.join("b"));
        fs::create_dir_all(&first).unwrap();
        fs::create_dir_all(&second).unwrap();
        write(&first.join("aws"), 0o644); // not executable: skipped
        write(&second.join("aws"), 0o755);
        let path = std::env::join_paths([first, second.clone()]).unwrap();
        assert_eq!(locate(None, Some(&path)).unwrap(), second.join("aws"));
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn missing_aws_gives_install_guidance() {
        let dir = scratch("missing");
        let error = locate(None, Some(dir.as_os_str())).unwrap_err();
        let text = error.to_string();
        assert!(text.contains("was not found on the PATH"), "{text}");
        assert!(text.contains(INSTALL_GUIDE), "{text}");
        assert!(text.contains(&dir.display().to_string()), "{text}");
        assert!(locate(None, None).unwrap_err().to_string().contains("<unset>"));
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_configured_binary_wins_and_must_be_executable() {
        let dir = scratch("configured");
        let aws = dir.join("aws-v2");
        write(&aws, 0o755);
        assert_eq!(locate(Some(&aws), Some(OsStr::new("/usr/bin"))).unwrap(), aws);
        let missing = dir.join("nope");
        assert_eq!(
            locate(Some(&missing), None).unwrap_err(),
            AwsBinaryError::NotExecutable(missing)
        );
        assert!(locate(Some(Path::new("aws")), None).is_err());
        fs::remove_dir_all(dir).unwrap();
    }
}
