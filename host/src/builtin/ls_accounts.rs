//! `aws_sso_ls_accounts`: every account the user can reach, with the roles in each.
//!
//! The text is built to fit the output cap with hundreds of accounts: one line per account
//! (`id name <email>`), under headings that group accounts by their set of roles (organisations
//! assign the same permission sets to many accounts, so each role list is written once per group
//! instead of once per account). If it still does not fit, it says how many accounts were left
//! out and how to filter; `structuredContent` always carries the full (filtered) list.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use mcp_aws_sso_plugin_api::{ErrorKind, ToolAnnotations, ToolError, ToolOutput, ToolSpec};
use serde_json::{Value, json};

use super::BuiltinTool;
use super::mention::{self, Mention};
use super::time_left::ago;
use crate::auth::{AccountDirectory, AccountEntry, Auth, ListingProgress, format_unix, human_unix, tool_error};
use crate::call_context::CallContext;

/// Room kept for the note that says how many accounts were left out.
const TRUNCATION_NOTE_RESERVE: usize = 400;

pub struct LsAccountsTool {
    auth: Arc<Auth>,
    max_chars: usize,
}

impl LsAccountsTool {
    pub fn new(auth: Arc<Auth>, max_chars: usize) -> Self {
        Self { auth, max_chars }
    }

    async fn run(&self, args: Value, ctx: &CallContext) -> Result<ToolOutput, ToolError> {
        let refresh = args.get("refresh").and_then(Value::as_bool).unwrap_or(false);
        let filter = args
            .get("filter")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(str::to_string);
        let progress = |p: ListingProgress| {
            if !ctx.wants_progress() {
                return;
            }
            let done = (p.pages + p.roles_done) as f64;
            let total = p.listing_complete.then_some((p.pages + p.accounts_listed) as f64);
            let listed = if p.listing_complete { "" } else { " so far" };
            ctx.progress(
                done,
                total,
                format!(
                    "Listed {} accounts{listed}; roles fetched for {}",
                    p.accounts_listed, p.roles_done
                ),
            );
        };
        // Dropping the listing stops it: no call is left running for a client that gave up.
        let (directory, from_cache) = tokio::select! {
            listing = self.auth.accounts(refresh, &progress) => listing.map_err(tool_error)?,
            _ = ctx.cancellation().cancelled() => {
                return Err(ToolError::new(ErrorKind::Cancelled, "The account listing was cancelled."));
            }
        };
        Ok(render(
            &directory,
            from_cache,
            filter.as_deref(),
            self.max_chars,
            self.auth.accounts_cache_ttl().as_secs(),
            Mention::for_call(ctx),
        ))
    }
}

fn render(
    directory: &AccountDirectory,
    from_cache: bool,
    filter: Option<&str>,
    max_chars: usize,
    ttl_seconds: u64,
    say: Mention,
) -> ToolOutput {
    let needle = filter.map(str::to_lowercase);
    let mut matched: Vec<&AccountEntry> = directory
        .accounts
        .iter()
        .filter(|a| needle.as_deref().is_none_or(|n| a.matches(n)))
        .collect();
    matched.sort_by(|a, b| {
        a.account_name
            .to_lowercase()
            .cmp(&b.account_name.to_lowercase())
            .then_with(|| a.account_id.cmp(&b.account_id))
    });

    let total = directory.accounts.len();
    let role_count: usize = matched.iter().map(|a| a.roles.len()).sum();
    let failed: Vec<&&AccountEntry> = matched.iter().filter(|a| a.roles_error.is_some()).collect();
    let refresh = say.arg("refresh", Some(&Value::Bool(true)));
    // The age comes from the listing's own timestamp, which the disk cache keeps: a listing read
    // back by a new process is as old as when it was made, not as old as the process.
    let cache_age = directory.age().as_secs();
    let source = if from_cache {
        format!(
            "From the cache: listed {} ({}); the cache is kept {ttl_seconds} s, {refresh} lists again.",
            match cache_age {
                0 => "less than a second ago".to_string(),
                age => ago(age),
            },
            human_unix(directory.fetched_at_ms / 1000),
        )
    } else {
        format!(
            "Listed just now in {:.1} s ({} calls to AWS{}).",
            directory.took_ms as f64 / 1000.0,
            directory.calls,
            if directory.throttled > 0 {
                format!(", {} throttled and retried", directory.throttled)
            } else {
                String::new()
            }
        )
    };
    let scope = match filter {
        Some(filter) => format!(
            "**{} of {total} accounts** match `{filter}`, with {role_count} roles.",
            matched.len()
        ),
        None => format!("**{total} accounts**, {role_count} roles."),
    };

    let mut text = format!("# AWS SSO: Accounts and Roles\n\n{scope} {source}\n");
    if !failed.is_empty() {
        let _ = write!(
            text,
            "\n⚠️ The roles of {} account(s) could not be listed (see below); {refresh} tries again.\n",
            failed.len()
        );
    }
    let filter_arg = say.arg("filter", None);
    let footer = format!(
        "\n---\nUse an account id and a role name with {}. \
         {filter_arg} narrows the list (part of an account id, name, email or role).",
        say.tool(mention::EXEC_COMMAND)
    );

    let mut shown = 0;
    if matched.is_empty() {
        text.push_str(match filter {
            Some(_) => "\nNo account matches the filter. Try a shorter part of the name, id, email or role.\n",
            None => "\nNo accounts are assigned to you in this AWS IAM Identity Center instance. Ask your administrator for an assignment.\n",
        });
    } else {
        text.push_str("\nOne line per account: `id` name <email>, grouped by the roles you have in them.\n");
        let budget = max_chars.saturating_sub(footer.len() + TRUNCATION_NOTE_RESERVE);
        'groups: for (heading, accounts) in groups(&matched) {
            let heading = format!(
                "\n## {heading} ({} account{})\n",
                accounts.len(),
                plural(accounts.len())
            );
            if text.len() + heading.len() > budget {
                break;
            }
            text.push_str(&heading);
            for account in accounts {
                let mut line = format!(
                    "- `{}` {} <{}>",
                    account.account_id, account.account_name, account.email_address
                );
                if let Some(error) = &account.roles_error {
                    let _ = write!(line, ": {error}");
                }
                line.push('\n');
                if text.len() + line.len() > budget {
                    break 'groups;
                }
                text.push_str(&line);
                shown += 1;
            }
        }
        let omitted = matched.len() - shown;
        if omitted > 0 {
            let _ = write!(
                text,
                "\n**{omitted} more account{} not shown**: the text is capped at {max_chars} characters \
                 (structuredContent lists all {}). Use {filter_arg} with part of an account id, name, email or \
                 role name to narrow the list.\n",
                plural(omitted),
                matched.len()
            );
        }
    }
    text.push_str(&footer);

    let accounts: Vec<Value> = matched
        .iter()
        .map(|a| {
            let mut entry = json!({
                "accountId": a.account_id,
                "accountName": a.account_name,
                "emailAddress": a.email_address,
                "roles": a.roles,
            });
            if let Some(error) = &a.roles_error {
                entry["rolesError"] = json!(error);
            }
            entry
        })
        .collect();
    let mut structured = json!({
        "accounts": accounts,
        "totalAccounts": total,
        "matchedAccounts": matched.len(),
        "shownAccounts": shown,
        "omittedAccounts": matched.len() - shown,
        "accountsWithoutRoles": failed.len(),
        "fromCache": from_cache,
        "fetchedAt": format_unix(directory.fetched_at_ms / 1000),
        "listingSeconds": directory.took_ms as f64 / 1000.0,
        "throttledCalls": directory.throttled,
    });
    if let Some(filter) = filter {
        structured["filter"] = json!(filter);
    }
    if from_cache {
        structured["cacheAgeSeconds"] = json!(cache_age);
    }
    ToolOutput::text(text).with_structured(structured)
}

/// Accounts grouped by role set: the most common set first; accounts whose roles could not be
/// listed last.
fn groups<'a>(accounts: &[&'a AccountEntry]) -> Vec<(String, Vec<&'a AccountEntry>)> {
    let mut by_roles: BTreeMap<String, Vec<&AccountEntry>> = BTreeMap::new();
    for account in accounts {
        let heading = if account.roles_error.is_some() {
            "⚠️ Roles could not be listed".to_string()
        } else if account.roles.is_empty() {
            "No roles".to_string()
        } else {
            let mut roles = account.roles.clone();
            roles.sort();
            roles.join(", ")
        };
        by_roles.entry(heading).or_default().push(account);
    }
    let mut groups: Vec<_> = by_roles.into_iter().collect();
    groups.sort_by_key(|(heading, accounts)| (heading.starts_with('⚠'), std::cmp::Reverse(accounts.len())));
    groups
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

impl BuiltinTool for LsAccountsTool {
    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: "aws_sso_ls_accounts".into(),
            title: "AWS SSO List Accounts and Roles".into(),
            description: "Lists the AWS accounts the signed-in user can access, with id, name, email and \
                roles (permission sets). Cached. Needs aws_sso_login."
                .into(),
            input_schema: json!({
                "type": "object",
                "properties": {
                    "refresh": {
                        "type": "boolean",
                        "default": false,
                        "description": "Bypass the cache"
                    },
                    "filter": {
                        "type": "string",
                        "description": "Keep accounts whose id, name, email or a role contains this (any case)"
                    }
                }
            }),
            output_schema: Some(json!({
                "type": "object",
                "properties": {
                    "accounts": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "accountId": {"type": "string"},
                                "accountName": {"type": "string"},
                                "emailAddress": {"type": "string"},
                                "roles": {"type": "array", "items": {"type": "string"}},
                                "rolesError": {"type": "string"}
                            },
                            "required": ["accountId", "accountName", "emailAddress", "roles"]
                        }
                    },
                    "totalAccounts": {"type": "integer"},
                    "matchedAccounts": {"type": "integer"},
                    "shownAccounts": {"type": "integer", "description": "Accounts listed in the text"},
                    "omittedAccounts": {"type": "integer", "description": "Matched accounts left out of the text to fit the output cap"},
                    "accountsWithoutRoles": {"type": "integer", "description": "Accounts whose roles could not be listed"},
                    "filter": {"type": "string"},
                    "fromCache": {"type": "boolean"},
                    "cacheAgeSeconds": {"type": "integer", "description": "Age of the cached listing, when fromCache"},
                    "fetchedAt": {"type": "string"},
                    "listingSeconds": {"type": "number"},
                    "throttledCalls": {"type": "integer"}
                },
                "required": ["accounts", "totalAccounts", "matchedAccounts", "shownAccounts", "omittedAccounts", "fromCache", "fetchedAt"]
            })),
            annotations: ToolAnnotations::read_only(),
            ..Default::default()
        }
    }

    fn call<'a>(&'a self, args: Value, ctx: &'a CallContext) -> BoxFuture<'a, Result<ToolOutput, ToolError>> {
        self.run(args, ctx).boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call_context::FrontEnd;

    fn directory(accounts: usize, roles: &[&str]) -> AccountDirectory {
        AccountDirectory {
            accounts: (1..=accounts)
                .map(|i| AccountEntry {
                    account_id: format!("{i:012}"),
                    account_name: format!("sandbox-{i:03}"),
                    email_address: format!("aws+sandbox-{i:03}@example.com"),
                    roles: roles.iter().map(|r| r.to_string()).collect(),
                    roles_error: None,
                })
                .collect(),
            fetched_at_ms: 0,
            took_ms: 25_000,
            calls: 505,
            throttled: 0,
        }
    }

    #[test]
    fn five_hundred_accounts_with_three_roles_fit_the_default_cap() {
        let output = render(
            &directory(500, &["ReadOnly", "PowerUser", "Admin"]),
            false,
            None,
            40_000,
            600,
            Mention::new(FrontEnd::Mcp),
        );
        assert!(output.text.len() < 40_000, "{}", output.text.len());
        let structured = output.structured.unwrap();
        assert_eq!(structured["shownAccounts"], 500);
        assert_eq!(structured["omittedAccounts"], 0);
        assert!(
            output
                .text
                .contains("- `000000000500` sandbox-500 <aws+sandbox-500@example.com>")
        );
        assert!(output.text.contains("## Admin, PowerUser, ReadOnly (500 accounts)"));
    }

    #[test]
    fn a_cut_list_says_how_many_were_left_out() {
        let output = render(
            &directory(500, &["ReadOnly"]),
            true,
            None,
            5_000,
            600,
            Mention::new(FrontEnd::Mcp),
        );
        assert!(output.text.len() <= 5_000);
        let structured = output.structured.unwrap();
        let omitted = structured["omittedAccounts"].as_u64().unwrap();
        assert!(omitted > 0);
        assert_eq!(structured["accounts"].as_array().unwrap().len(), 500);
        assert!(
            output.text.contains(&format!("**{omitted} more accounts not shown**")),
            "{}",
            output.text
        );
    }

    #[test]
    fn filter_matches_id_name_email_and_role_case_insensitively() {
        let mut dir = directory(3, &["ReadOnly"]);
        dir.accounts[2].roles.push("BillingAdmin".into());
        for (filter, expected) in [
            ("SANDBOX-002", 1),
            ("000000000003", 1),
            ("aws+sandbox-001@", 1),
            ("billing", 1),
            ("readonly", 3),
            ("nothing", 0),
        ] {
            let output = render(&dir, false, Some(filter), 40_000, 600, Mention::new(FrontEnd::Mcp));
            assert_eq!(output.structured.unwrap()["matchedAccounts"], expected, "{filter}");
        }
    }
}

#[cfg(test)]
mod cache_tests {
    use super::*;
    use crate::call_context::FrontEnd;

    fn listed_seconds_ago(seconds: i64) -> AccountDirectory {
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        AccountDirectory {
            accounts: Vec::new(),
            fetched_at_ms: now_ms - seconds * 1000,
            took_ms: 1_000,
            calls: 1,
            throttled: 0,
        }
    }

    #[test]
    fn a_cached_listing_says_so_and_how_old_it_is() {
        let directory = listed_seconds_ago(125);
        let output = render(&directory, true, None, 40_000, 600, Mention::new(FrontEnd::Cli));
        assert!(
            output.text.contains("From the cache: listed 2 min ago ("),
            "{}",
            output.text
        );
        assert!(output.text.contains("`--refresh` lists again"), "{}", output.text);
        assert!(!output.text.contains("just now"));
        let age = output.structured.unwrap()["cacheAgeSeconds"].as_u64().unwrap();
        assert!((125..130).contains(&age), "{age}");

        let fresh = render(&directory, false, None, 40_000, 600, Mention::new(FrontEnd::Mcp));
        assert!(fresh.text.contains("Listed just now in 1.0 s"), "{}", fresh.text);
        assert!(fresh.structured.unwrap().get("cacheAgeSeconds").is_none());
    }
}
