//! `profiles [--write] [--template '{account_name}.{role_name}'] [--prefix P] [--prune]`: one
//! `~/.aws/config` profile per account and role of the SSO session, in the `sso_session` form the
//! AWS CLI v2 and the SDKs resolve natively (they then share our token cache).
//!
//! Without `--write` it lists what it would write. The writing itself, the managed block and its
//! guarantees are in [`super::profiles_writer`].

use std::collections::{BTreeMap, HashSet};
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::json;

use super::profiles_writer::{self, GeneratedProfile, SessionSection};
use super::role_target;
use super::session_verbs::{Session, one_line};
use super::{EXIT_OK, EXIT_TOOL_ERROR, EXIT_USAGE};
use crate::auth::AccountEntry;

const DEFAULT_TEMPLATE: &str = "{account_name}.{role_name}";
/// The session name used when the configuration names none.
const DEFAULT_SESSION_NAME: &str = "mcp-aws-sso";
const PLACEHOLDERS: &[&str] = &["account_name", "account_id", "role_name", "account_email"];

pub fn command() -> Command {
    Command::new("profiles")
        .about("List, or --write, one ~/.aws/config profile per account and role (sso_session form)")
        .long_about(
            "List, or with --write add to the AWS config file (AWS_CONFIG_FILE, else ~/.aws/config), one \
             profile per account and role, each with sso_session, sso_account_id and sso_role_name, plus the \
             [sso-session] section when the file has none. The AWS CLI and SDKs then use our SSO session \
             natively: `aws s3 ls --profile Production.ReadOnly`.\n\nThe profiles live in a marked block that \
             --write rewrites; everything outside it is kept byte for byte. Writing twice changes nothing. A \
             profile whose account or role is gone is removed only with --prune. Names are sanitised to \
             letters, digits, `.`, `_` and `-`.",
        )
        .arg(
            Arg::new("write")
                .long("write")
                .action(ArgAction::SetTrue)
                .help("Write the profiles to the AWS config file"),
        )
        .arg(
            Arg::new("template")
                .long("template")
                .value_name("TEMPLATE")
                .default_value(DEFAULT_TEMPLATE)
                .help("Profile name template: {account_name}, {account_id}, {role_name}, {account_email}"),
        )
        .arg(
            Arg::new("prefix")
                .long("prefix")
                .value_name("PREFIX")
                .default_value("")
                .help("Text put before every profile name"),
        )
        .arg(
            Arg::new("prune")
                .long("prune")
                .action(ArgAction::SetTrue)
                .requires("write")
                .help("Remove generated profiles whose account or role is no longer listed"),
        )
        .arg(
            Arg::new("sso-session")
                .long("sso-session")
                .value_name("NAME")
                .help("The [sso-session] the profiles use; default: the configured one, else one already in the file for this start URL, else mcp-aws-sso"),
        )
        .arg(
            Arg::new("json")
                .long("json")
                .action(ArgAction::SetTrue)
                .help("Print as JSON"),
        )
}

pub async fn run(session: &Session, matches: &ArgMatches) -> ExitCode {
    let text = |id: &str| matches.get_one::<String>(id).cloned().unwrap_or_default();
    let template = text("template");
    if let Err(reason) = check_template(&template) {
        eprintln!("error: --template: {reason}");
        return ExitCode::from(EXIT_USAGE);
    }
    if let Err(error) = role_target::ensure_logged_in(session) {
        return role_target::fail(&error);
    }
    let sso = match session.auth.session() {
        Ok(sso) => sso.clone(),
        Err(error) => return role_target::fail(&error),
    };
    let (directory, _) = match session.auth.accounts(false, &|_| {}).await {
        Ok(listing) => listing,
        Err(error) => return role_target::fail(&error),
    };
    let profiles = generate(&directory.accounts, &text("prefix"), &template);
    let unreadable: HashSet<String> = directory
        .accounts
        .iter()
        .filter(|a| a.roles_error.is_some())
        .map(|a| a.account_id.clone())
        .collect();
    let path = session.config.files.aws_config.clone();
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => {
            eprintln!("error: cannot read {}: {error}", path.display());
            return ExitCode::from(EXIT_TOOL_ERROR);
        }
    };
    let name = matches
        .get_one::<String>("sso-session")
        .cloned()
        .or_else(|| sso.session_name.clone())
        .or_else(|| existing_session_for(&existing, &sso.start_url))
        .unwrap_or_else(|| DEFAULT_SESSION_NAME.to_string());
    let section = SessionSection {
        name: name.clone(),
        start_url: sso.start_url.clone(),
        region: sso.region.clone(),
    };
    let region = session.config.region.as_deref();
    let plan = match profiles_writer::plan(
        &existing,
        &path,
        &section,
        &profiles,
        region,
        matches.get_flag("prune"),
        &unreadable,
    ) {
        Ok(plan) => plan,
        Err(error) => {
            eprintln!("error: {}", one_line(&error.to_string()));
            return ExitCode::from(EXIT_TOOL_ERROR);
        }
    };
    let write = matches.get_flag("write");
    let changed = plan.text != existing;
    if write
        && changed
        && let Err(error) = profiles_writer::write_atomically(&path, &plan.text)
    {
        eprintln!("error: cannot write {}: {error}", path.display());
        return ExitCode::from(EXIT_TOOL_ERROR);
    }
    if matches.get_flag("json") {
        let listed: Vec<_> = profiles
            .iter()
            .map(|p| json!({"profile": p.name, "accountId": p.account_id, "roleName": p.role_name}))
            .collect();
        let value = json!({
            "file": path.display().to_string(),
            "ssoSession": name,
            "written": write && changed,
            "profiles": listed,
            "added": plan.added, "updated": plan.updated, "unchanged": plan.unchanged,
            "kept": plan.kept, "removed": plan.removed, "skipped": plan.skipped,
            "ssoSessionInBlock": plan.session_in_block,
        });
        println!("{value:#}");
    } else {
        print_report(&profiles, &plan, &path, write, changed);
    }
    if write && sso.session_name.as_deref() != Some(name.as_str()) {
        eprintln!(
            "note: the profiles use [sso-session {name}], whose token the AWS CLI and SDKs look up under that name. \
             Set AWS_SSO_SESSION={name} for mcp-aws-sso (beside AWS_SSO_START_URL) and log in again, so both share one login."
        );
    }
    ExitCode::from(EXIT_OK)
}

fn print_report(
    profiles: &[GeneratedProfile],
    plan: &profiles_writer::Plan,
    path: &std::path::Path,
    write: bool,
    changed: bool,
) {
    let width = profiles.iter().map(|p| p.name.len()).max().unwrap_or(7).max(7);
    println!("{:<width$}  {:<12}  ROLE", "PROFILE", "ACCOUNT");
    for profile in profiles {
        println!(
            "{:<width$}  {:<12}  {}",
            profile.name, profile.account_id, profile.role_name
        );
    }
    let list = |label: &str, names: &[String]| {
        if !names.is_empty() {
            println!("{label}: {}", names.join(", "));
        }
    };
    println!();
    list("Skipped (already defined outside the managed block)", &plan.skipped);
    match (write, changed) {
        (false, _) => {
            list("Would add", &plan.added);
            list("Would update", &plan.updated);
            list("Kept although no longer listed (use --prune to remove)", &plan.kept);
            println!("Run with --write to write them to {}.", path.display());
        }
        (true, false) => println!("{} is up to date ({} profiles).", path.display(), profiles.len()),
        (true, true) => {
            list("Added", &plan.added);
            list("Updated", &plan.updated);
            list("Removed", &plan.removed);
            list("Kept although no longer listed (use --prune to remove)", &plan.kept);
            println!("Wrote {}.", path.display());
        }
    }
}

/// One profile per (account, role), named by `template`, sanitised, and unique: a name two
/// roles would share gets the account id appended.
pub fn generate(accounts: &[AccountEntry], prefix: &str, template: &str) -> Vec<GeneratedProfile> {
    let mut by_name: BTreeMap<String, Vec<GeneratedProfile>> = BTreeMap::new();
    for account in accounts {
        for role in &account.roles {
            let raw = template
                .replace("{account_name}", &account.account_name)
                .replace("{account_id}", &account.account_id)
                .replace("{role_name}", role)
                .replace("{account_email}", &account.email_address);
            let name = sanitise(&format!("{prefix}{raw}"), &account.account_id);
            by_name.entry(name.clone()).or_default().push(GeneratedProfile {
                name,
                account_id: account.account_id.clone(),
                role_name: role.clone(),
            });
        }
    }
    let mut profiles = Vec::new();
    let mut taken: HashSet<String> = by_name.keys().cloned().collect();
    for (name, group) in by_name {
        if group.len() == 1 {
            profiles.extend(group);
            continue;
        }
        for mut profile in group {
            let mut unique = format!("{name}-{}", profile.account_id);
            if !taken.insert(unique.clone()) {
                unique = format!("{name}-{}-{}", profile.account_id, sanitise(&profile.role_name, ""));
                taken.insert(unique.clone());
            }
            profile.name = unique;
            profiles.push(profile);
        }
    }
    profiles.sort_by(|a, b| a.name.cmp(&b.name));
    profiles
}

/// Letters, digits, `.`, `_` and `-`; any other run of characters becomes one `-`. Names that
/// would read as a different section (`[profile a] [b]`), a comment or nothing are impossible.
pub fn sanitise(name: &str, fallback_id: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches(|c| c == '-' || c == '.').to_string();
    if out.is_empty() {
        format!("account-{fallback_id}")
    } else {
        out
    }
}

fn check_template(template: &str) -> Result<(), String> {
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            return Err("a `{` without its `}`".to_string());
        };
        let name = &after[..end];
        if !PLACEHOLDERS.contains(&name) {
            let known: Vec<String> = PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect();
            return Err(format!("unknown placeholder {{{name}}}; use {}", known.join(", ")));
        }
        rest = &after[end + 1..];
    }
    Ok(())
}

/// The name of an `[sso-session]` already in the file for `start_url`, if any.
fn existing_session_for(text: &str, start_url: &str) -> Option<String> {
    let mut current: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix('[') {
            current = rest
                .split_once(']')
                .and_then(|(name, _)| name.trim().strip_prefix("sso-session").map(|n| n.trim().to_string()));
            continue;
        }
        if let (Some(name), Some((key, value))) = (&current, trimmed.split_once(['=', ':']))
            && key.trim() == "sso_start_url"
            && value.trim().trim_end_matches('/') == start_url.trim_end_matches('/')
        {
            return Some(name.clone());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: &str, name: &str, roles: &[&str]) -> AccountEntry {
        AccountEntry {
            account_id: id.into(),
            account_name: name.into(),
            email_address: format!("{name}@example.com"),
            roles: roles.iter().map(|r| r.to_string()).collect(),
            roles_error: None,
        }
    }

    #[test]
    fn names_are_sanitised() {
        assert_eq!(sanitise("Prod Account.ReadOnly", "1"), "Prod-Account.ReadOnly");
        assert_eq!(sanitise("a] [profile evil", "1"), "a-profile-evil");
        assert_eq!(
            sanitise("x\n[default]\ncredential_process = sh", "1"),
            "x-default-credential_process-sh"
        );
        assert_eq!(sanitise("# ; ", "123"), "account-123");
        assert_eq!(sanitise("Ünïcödé", "1"), "n-c-d");
    }

    #[test]
    fn colliding_names_get_the_account_id() {
        let accounts = [
            account("111111111111", "Team", &["Admin"]),
            account("222222222222", "Team", &["Admin", "ReadOnly"]),
        ];
        let names: Vec<_> = generate(&accounts, "sso-", DEFAULT_TEMPLATE)
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(
            names,
            [
                "sso-Team.Admin-111111111111",
                "sso-Team.Admin-222222222222",
                "sso-Team.ReadOnly"
            ]
        );
    }

    #[test]
    fn templates_are_checked() {
        assert!(check_template("{account_id}:{role_name}").is_ok());
        assert!(check_template("{accountName}").is_err());
        assert!(check_template("{account_id").is_err());
    }

    #[test]
    fn an_existing_session_for_the_start_url_is_found() {
        let text = "[sso-session other]\nsso_start_url = https://x/start\n[sso-session corp]\nsso_start_url = https://corp/start/\n";
        assert_eq!(
            existing_session_for(text, "https://corp/start").as_deref(),
            Some("corp")
        );
        assert_eq!(existing_session_for(text, "https://nope/start"), None);
    }
}
