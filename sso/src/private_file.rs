//! Files that hold secrets (tokens, client secrets, role credentials): written atomically with
//! mode 0600 in a directory created 0700, read leniently, removed without fuss.
//!
//! Atomic means temp file in the same directory (`tempfile`) + `persist` (a `rename`) + an fsync
//! of the directory, so a reader (this host in another process, the AWS CLI, botocore) sees the
//! old file or the new one, never half of one, also after a crash. The temp file is created 0600
//! from the start, so the secret is never readable by others, not even for the moment before a
//! `chmod`.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A cache file that could not be written or removed.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} {}: {source}", path.display())]
pub struct FileError {
    pub action: &'static str,
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

/// Creates `dir` (and missing parents) with mode 0700. An existing directory is left as it is:
/// it may be shared with the AWS CLI, whose choices are not ours to change.
pub fn ensure_private_dir(dir: &Path) -> Result<(), FileError> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|source| FileError {
        action: "create the directory",
        path: dir.to_owned(),
        source,
    })
}

/// Writes `value` as JSON to `path`: temp file (0600) in the same directory, then rename.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), FileError> {
    let body = serde_json::to_vec(value).map_err(|e| FileError {
        action: "serialize",
        path: path.to_owned(),
        source: io::Error::other(e),
    })?;
    write_bytes(path, &body)
}

fn write_bytes(path: &Path, body: &[u8]) -> Result<(), FileError> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    ensure_private_dir(dir)?;
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("cache");
    let fail = |action: &'static str, source: io::Error| FileError {
        action,
        path: path.to_owned(),
        source,
    };
    // tempfile picks a random name (create_new, so two writers never share one) and removes the
    // temp file on every early return; it creates it 0600, said here so it stays that way.
    let prefix = format!(".{file_name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o600));
    }
    let mut temp = builder.tempfile_in(dir).map_err(|source| fail("write", source))?;
    temp.write_all(body)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|source| fail("write", source))?;
    temp.persist(path).map_err(|error| fail("replace", error.error))?;
    sync_dir(dir).map_err(|source| fail("sync the directory of", source))
}

/// Makes the rename itself durable: without it a crash soon after may bring back the old file
/// (or none) although the new one was reported written.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

/// Windows cannot open a directory as a file; NTFS journals the rename itself.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// Reads JSON from `path`. `None` when the file is missing or is not the expected JSON: another
/// tool may have left anything in a shared cache directory, and a cache that cannot be read is a
/// cache miss, not an error.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Option<T> {
    let bytes = fs::read(path).ok()?;
    match serde_json::from_slice(&bytes) {
        Ok(value) => Some(value),
        Err(error) => {
            // serde_json errors name a position and the expected type, never the content.
            tracing::debug!("ignoring unreadable cache file {}: {error}", path.display());
            None
        }
    }
}

/// Removes `path`; `Ok(false)` when it was not there.
pub fn remove(path: &Path) -> Result<bool, FileError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(FileError {
            action: "remove",
            path: path.to_owned(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_private_files_in_private_dirs() {
        let home = tempfile::tempdir().unwrap();
        let path = home.path().join("a/b/c.json");
        write_json(&path, &serde_json::json!({"k": "v"})).unwrap();
        write_json(&path, &serde_json::json!({"k": "w"})).unwrap();
        let value: serde_json::Value = read_json(&path).unwrap();
        assert_eq!(value["k"], "w");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(
                fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777,
                0o700
            );
        }
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp files stay behind");
        assert!(remove(&path).unwrap());
        assert!(!remove(&path).unwrap());
        assert!(read_json::<serde_json::Value>(&path).is_none());
    }
}
