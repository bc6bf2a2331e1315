//! The managed block of `~/.aws/config` that `profiles --write` owns, and writing it safely.
//!
//! ```ini
//! # >>> mcp-aws-sso profiles >>>
//! # Written by `mcp-aws-sso profiles --write`, which rewrites this block: edits inside it are lost.
//! [sso-session corp]                  <- only when the file has no such section elsewhere
//! sso_start_url = https://corp.awsapps.com/start
//! sso_region = us-east-1
//! sso_registration_scopes = sso:account:access
//!
//! [profile Production.ReadOnly]
//! sso_session = corp
//! sso_account_id = 111111111111
//! sso_role_name = ReadOnly
//! region = eu-west-1
//! # <<< mcp-aws-sso profiles <<<
//! ```
//!
//! Every byte outside the block stays as it was. The block is rebuilt from the listing each time,
//! with its profiles sorted by name, so writing twice gives the same file (and the second write
//! is skipped). A profile whose account or role is no longer listed stays until `--prune`. A
//! generated name that the file already defines outside the block is skipped, never duplicated:
//! botocore refuses a config file with a duplicate section. The file is replaced atomically
//! (temp file + rename in its directory, keeping its mode); a symlinked config is written
//! through the link.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const BEGIN: &str = "# >>> mcp-aws-sso profiles >>>";
pub const END: &str = "# <<< mcp-aws-sso profiles <<<";
const NOTICE: &str =
    "# Written by `mcp-aws-sso profiles --write`, which rewrites this block: edits inside it are lost.";

/// The `[sso-session]` the profiles point at.
#[derive(Debug, Clone)]
pub struct SessionSection {
    pub name: String,
    pub start_url: String,
    pub region: String,
}

/// One profile to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedProfile {
    pub name: String,
    pub account_id: String,
    pub role_name: String,
}

/// What writing would change.
#[derive(Debug, Default)]
pub struct Plan {
    /// The whole new file.
    pub text: String,
    pub added: Vec<String>,
    pub updated: Vec<String>,
    pub unchanged: Vec<String>,
    /// Listed no more, kept because `--prune` was not given (or their account could not be read).
    pub kept: Vec<String>,
    pub removed: Vec<String>,
    /// Generated names the file already defines outside the block.
    pub skipped: Vec<String>,
    /// Whether the block holds the `[sso-session]` section.
    pub session_in_block: bool,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("{path} has the line `{BEGIN}` without a matching `{END}`; fix the file by hand")]
    UnclosedBlock { path: String },
    #[error(
        "{path} already has [sso-session {name}] for {other_url}, not {start_url}; pick another name with --sso-session"
    )]
    SessionConflict {
        path: String,
        name: String,
        other_url: String,
        start_url: String,
    },
}

/// A section of the file: its header name (`profile dev`, `sso-session corp`, `default`), its
/// keys, and its raw lines (header included).
#[derive(Debug, Clone)]
struct Section {
    name: String,
    keys: BTreeMap<String, String>,
    raw: Vec<String>,
}

/// Reads the `[section]`s of `text` with the AWS shared-config rules that matter here: `#`/`;`
/// comments, `key = value` or `key: value`, indented lines are nested values.
fn sections(text: &str) -> Vec<Section> {
    let mut found: Vec<Section> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix('[')
            && let Some((name, _)) = rest.split_once(']')
        {
            found.push(Section {
                name: name.split_whitespace().collect::<Vec<_>>().join(" "),
                keys: BTreeMap::new(),
                raw: vec![line.to_string()],
            });
            continue;
        }
        let Some(section) = found.last_mut() else { continue };
        section.raw.push(line.to_string());
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) || line.starts_with([' ', '\t']) {
            continue;
        }
        if let Some((key, value)) = trimmed.split_once(['=', ':']) {
            section.keys.insert(key.trim().to_string(), value.trim().to_string());
        }
    }
    found
}

/// `text` split around the managed block: (before, block body or None, after).
fn split_block<'a>(text: &'a str, path: &Path) -> Result<(&'a str, Option<&'a str>, &'a str), PlanError> {
    let mut offset = 0;
    let mut begin = None;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        match begin {
            None if bare == BEGIN => begin = Some((offset, offset + line.len())),
            Some((start, body_start)) if bare == END => {
                let end = offset + line.len();
                return Ok((&text[..start], Some(&text[body_start..offset]), &text[end..]));
            }
            _ => {}
        }
        offset += line.len();
    }
    match begin {
        Some(_) => Err(PlanError::UnclosedBlock {
            path: path.display().to_string(),
        }),
        None => Ok((text, None, "")),
    }
}

/// The new file for `profiles`. `unreadable_accounts` are accounts whose roles could not be
/// listed: their profiles are kept even with `prune`.
pub fn plan(
    existing: &str,
    path: &Path,
    session: &SessionSection,
    profiles: &[GeneratedProfile],
    region: Option<&str>,
    prune: bool,
    unreadable_accounts: &HashSet<String>,
) -> Result<Plan, PlanError> {
    let (before, block, after) = split_block(existing, path)?;
    let outside: Vec<Section> = sections(before).into_iter().chain(sections(after)).collect();
    let outside_names: HashSet<&str> = outside.iter().map(|s| s.name.as_str()).collect();
    let old: BTreeMap<String, Section> = block
        .map(sections)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|s| s.name.strip_prefix("profile ").map(|n| (n.to_string(), s.clone())))
        .collect();

    let session_header = format!("sso-session {}", session.name);
    let session_in_block = match outside.iter().find(|s| s.name == session_header) {
        Some(section) => {
            let other_url = section.keys.get("sso_start_url").cloned().unwrap_or_default();
            if other_url.trim_end_matches('/') != session.start_url.trim_end_matches('/') {
                return Err(PlanError::SessionConflict {
                    path: path.display().to_string(),
                    name: session.name.clone(),
                    other_url,
                    start_url: session.start_url.clone(),
                });
            }
            false
        }
        None => true,
    };

    let mut plan = Plan {
        session_in_block,
        ..Plan::default()
    };
    // Profile name -> its lines, in name order.
    let mut rendered: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for profile in profiles {
        if outside_names.contains(format!("profile {}", profile.name).as_str())
            || (profile.name == "default" && outside_names.contains("default"))
        {
            plan.skipped.push(profile.name.clone());
            continue;
        }
        let mut lines = vec![
            format!("[profile {}]", profile.name),
            format!("sso_session = {}", session.name),
            format!("sso_account_id = {}", profile.account_id),
            format!("sso_role_name = {}", profile.role_name),
        ];
        if let Some(region) = region {
            lines.push(format!("region = {region}"));
        }
        match old.get(&profile.name) {
            None => plan.added.push(profile.name.clone()),
            Some(section) if trimmed(&section.raw) == lines => plan.unchanged.push(profile.name.clone()),
            Some(_) => plan.updated.push(profile.name.clone()),
        }
        rendered.insert(profile.name.clone(), lines);
    }
    for (name, section) in &old {
        if rendered.contains_key(name) || plan.skipped.contains(name) {
            continue;
        }
        let account = section.keys.get("sso_account_id").map(String::as_str).unwrap_or("");
        if prune && !unreadable_accounts.contains(account) {
            plan.removed.push(name.clone());
        } else {
            plan.kept.push(name.clone());
            rendered.insert(name.clone(), trimmed(&section.raw));
        }
    }

    let mut body = vec![BEGIN.to_string(), NOTICE.to_string()];
    if session_in_block {
        body.extend([
            format!("[{session_header}]"),
            format!("sso_start_url = {}", session.start_url),
            format!("sso_region = {}", session.region),
            "sso_registration_scopes = sso:account:access".to_string(),
        ]);
    }
    for lines in rendered.values() {
        if body.len() > 2 {
            body.push(String::new());
        }
        body.extend(lines.iter().cloned());
    }
    body.push(END.to_string());
    let block_text = body.join("\n") + "\n";

    plan.text = match block {
        Some(_) => format!("{before}{block_text}{after}"),
        None if before.is_empty() => block_text,
        None => {
            // Appended after a blank line; a last line without its newline gets one first.
            let separator = if before.ends_with("\n\n") {
                ""
            } else if before.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            format!("{before}{separator}{block_text}")
        }
    };
    Ok(plan)
}

/// A section's lines without the blank lines that separate it from the next one.
fn trimmed(raw: &[String]) -> Vec<String> {
    let mut lines = raw.to_vec();
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    lines
}

/// Writes `text` to `path` atomically: a temp file beside the real file (through a symlink, if
/// `path` is one), with the old file's permissions (0600 for a new one), then rename.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<PathBuf> {
    let target = match fs::canonicalize(path) {
        Ok(real) => real,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => path.to_path_buf(),
        Err(error) => return Err(error),
    };
    let dir = target.parent().unwrap_or_else(|| Path::new("."));
    if !dir.exists() {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut temp = tempfile::Builder::new()
        .prefix(".config.mcp-aws-sso.")
        .tempfile_in(dir)?;
    temp.write_all(text.as_bytes())?;
    let permissions = match fs::metadata(&target) {
        Ok(metadata) => metadata.permissions(),
        Err(_) => {
            #[cfg(unix)]
            {
                std::os::unix::fs::PermissionsExt::from_mode(0o600)
            }
            #[cfg(not(unix))]
            {
                temp.as_file().metadata()?.permissions()
            }
        }
    };
    temp.as_file().set_permissions(permissions)?;
    temp.as_file().sync_all()?;
    temp.persist(&target).map_err(|e| e.error)?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> SessionSection {
        SessionSection {
            name: "corp".into(),
            start_url: "https://corp.awsapps.com/start".into(),
            region: "us-east-1".into(),
        }
    }

    fn profile(name: &str, account: &str, role: &str) -> GeneratedProfile {
        GeneratedProfile {
            name: name.into(),
            account_id: account.into(),
            role_name: role.into(),
        }
    }

    fn run(existing: &str, profiles: &[GeneratedProfile], prune: bool) -> Plan {
        plan(
            existing,
            Path::new("/h/.aws/config"),
            &session(),
            profiles,
            Some("eu-west-1"),
            prune,
            &HashSet::new(),
        )
        .unwrap()
    }

    const USER_FILE: &str = "# my settings\n[default]\nregion = us-west-2 ; keep me\n\n[profile mine]\ncredential_process = x\n  nested = 1";

    #[test]
    fn writing_keeps_everything_outside_the_block_and_is_idempotent() {
        let profiles = [
            profile("Prod.ReadOnly", "111111111111", "ReadOnly"),
            profile("Dev.Admin", "222222222222", "Admin"),
        ];
        let first = run(USER_FILE, &profiles, false);
        assert!(
            first.text.starts_with(&format!("{USER_FILE}\n\n{BEGIN}\n")),
            "{}",
            first.text
        );
        assert!(
            first
                .text
                .contains("[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n")
        );
        assert!(first.text.contains("[profile Dev.Admin]\nsso_session = corp\nsso_account_id = 222222222222\nsso_role_name = Admin\nregion = eu-west-1\n\n[profile Prod.ReadOnly]"));
        assert_eq!(first.added, ["Prod.ReadOnly", "Dev.Admin"]);
        let second = run(&first.text, &profiles, false);
        assert_eq!(second.text, first.text);
        assert!(second.added.is_empty() && second.updated.is_empty());
        assert_eq!(second.unchanged.len(), 2);
        // Content after the block survives too.
        let with_tail = format!("{}[profile later]\nregion = x\n", first.text);
        assert_eq!(run(&with_tail, &profiles, false).text, with_tail);
    }

    #[test]
    fn vanished_profiles_stay_until_prune() {
        let first = run(
            "",
            &[profile("A.R", "111111111111", "R"), profile("B.R", "222222222222", "R")],
            false,
        );
        let kept = run(&first.text, &[profile("A.R", "111111111111", "R")], false);
        assert_eq!(kept.kept, ["B.R"]);
        assert!(kept.text.contains("[profile B.R]"));
        let pruned = run(&first.text, &[profile("A.R", "111111111111", "R")], true);
        assert_eq!(pruned.removed, ["B.R"]);
        assert!(!pruned.text.contains("[profile B.R]"));
        let unreadable = HashSet::from(["222222222222".to_string()]);
        let guarded = plan(
            &first.text,
            Path::new("/h/.aws/config"),
            &session(),
            &[profile("A.R", "111111111111", "R")],
            Some("eu-west-1"),
            true,
            &unreadable,
        )
        .unwrap();
        assert_eq!(guarded.kept, ["B.R"]);
    }

    #[test]
    fn names_the_user_defined_are_skipped_and_existing_sessions_reused() {
        let existing =
            "[profile mine]\nregion = x\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start/\n";
        let result = run(
            existing,
            &[profile("mine", "111111111111", "R"), profile("x", "111111111111", "R")],
            false,
        );
        assert_eq!(result.skipped, ["mine"]);
        assert!(!result.session_in_block);
        assert_eq!(result.text.matches("[sso-session corp]").count(), 1);
        let conflicting = "[sso-session corp]\nsso_start_url = https://other.awsapps.com/start\n";
        let error = plan(
            conflicting,
            Path::new("/c"),
            &session(),
            &[],
            None,
            false,
            &HashSet::new(),
        )
        .unwrap_err();
        assert!(matches!(error, PlanError::SessionConflict { .. }));
    }

    #[test]
    fn an_unclosed_block_is_an_error() {
        let text = format!("[default]\n{BEGIN}\n[profile a]\n");
        assert!(matches!(
            plan(&text, Path::new("/c"), &session(), &[], None, false, &HashSet::new()),
            Err(PlanError::UnclosedBlock { .. })
        ));
    }

    #[test]
    fn writes_are_atomic_and_keep_the_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        fs::write(&path, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
            write_atomically(&path, "new").unwrap();
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&path, &link).unwrap();
            write_atomically(&link, "through the link").unwrap();
            assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
            assert_eq!(fs::read_to_string(&path).unwrap(), "through the link");
        }
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            if cfg!(unix) { 2 } else { 1 }
        );
    }
}
