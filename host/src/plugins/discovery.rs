//! Where plugins are looked for, and which files there are plugin candidates.
//!
//! Order (first that applies): `MCP_AWS_SSO_PLUGIN_DIRS`; else `plugins/` beside the executable,
//! if it exists; else `../lib/mcp-aws-sso/plugins` from the executable, if it exists (where
//! `scripts/install.sh` puts them: `~/.local/bin` + `~/.local/lib/mcp-aws-sso/plugins`); else the
//! executable's own directory, which is where `cargo build` puts the plugin libraries.

use std::path::{Path, PathBuf};

/// A directory that was searched, or refused.
#[derive(Debug, Clone)]
pub struct SearchedDir {
    pub path: PathBuf,
    pub refused: Option<String>,
}

/// The candidate plugin files, and what was refused on the way.
#[derive(Debug, Default)]
pub struct Discovery {
    pub dirs: Vec<SearchedDir>,
    pub files: Vec<PathBuf>,
    /// Files passed over before loading, with the reason (e.g. world-writable).
    pub refused_files: Vec<(PathBuf, String)>,
}

pub fn plugin_dirs(configured: &[PathBuf]) -> Vec<PathBuf> {
    if !configured.is_empty() {
        return configured.to_vec();
    }
    let Some(exe_dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.canonicalize().ok())
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    else {
        return Vec::new();
    };
    let beside = exe_dir.join("plugins");
    let installed = exe_dir.join("../lib/mcp-aws-sso/plugins");
    if beside.is_dir() {
        vec![beside]
    } else if installed.is_dir() {
        vec![installed.canonicalize().unwrap_or(installed)]
    } else {
        vec![exe_dir]
    }
}

/// Lists the plugin libraries in `dirs`: files with the platform's library extension, sorted by
/// name per directory so that the order (and which of two duplicates wins) is stable.
pub fn discover(dirs: &[PathBuf]) -> Discovery {
    let mut found = Discovery::default();
    for dir in dirs {
        let refused = world_writable(dir).then(|| {
            format!(
                "the directory is writable by every user; anyone could drop a plugin there and run it with your AWS credentials. Fix: chmod o-w {}",
                dir.display()
            )
        });
        let entries = match (&refused, std::fs::read_dir(dir)) {
            (Some(_), _) => None,
            (None, Ok(entries)) => Some(entries),
            (None, Err(e)) => {
                found.dirs.push(SearchedDir {
                    path: dir.clone(),
                    refused: Some(format!("cannot read the directory: {e}")),
                });
                continue;
            }
        };
        found.dirs.push(SearchedDir {
            path: dir.clone(),
            refused,
        });
        let Some(entries) = entries else { continue };
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().and_then(|e| e.to_str()) == Some(std::env::consts::DLL_EXTENSION))
            .filter(|path| path.is_file())
            .collect();
        files.sort();
        for file in files {
            if world_writable(&file) {
                let reason = format!(
                    "the file is writable by every user; anyone could replace it and run code with your AWS credentials. Fix: chmod o-w {}",
                    file.display()
                );
                found.refused_files.push((file, reason));
            } else {
                found.files.push(file);
            }
        }
    }
    found
}

#[cfg(unix)]
fn world_writable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o002 != 0)
}

#[cfg(not(unix))]
fn world_writable(_path: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_only_library_files_and_refuses_world_writable_ones() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let lib = |name: &str| dir.path().join(format!("{name}.{}", std::env::consts::DLL_EXTENSION));
        std::fs::write(lib("b"), b"x").unwrap();
        std::fs::write(lib("a"), b"x").unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"x").unwrap();
        std::fs::write(lib("open"), b"x").unwrap();
        std::fs::set_permissions(lib("open"), std::fs::Permissions::from_mode(0o666)).unwrap();

        let found = discover(&[dir.path().to_path_buf()]);
        assert_eq!(found.files, vec![lib("a"), lib("b")]);
        assert_eq!(found.refused_files.len(), 1);
        assert!(found.refused_files[0].1.contains("writable by every user"));
    }

    #[test]
    fn refuses_a_world_writable_directory() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(format!("a.{}", std::env::consts::DLL_EXTENSION)), b"x").unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let found = discover(&[dir.path().to_path_buf()]);
        assert!(found.files.is_empty());
        assert!(found.dirs[0].refused.as_deref().unwrap().contains("chmod o-w"));
    }
}
