//! The result of a command as the model and the user see it: markdown in the shape of the
//! TypeScript server (`# AWS SSO: Command Result` / `# ❌ AWS SSO: Command Error`, account/role,
//! region, `## Command`, `## Output`, `## Warnings (stderr)`, role suggestions on AccessDenied)
//! plus `structuredContent` that matches [`crate::tool_spec::output_schema`].

use std::time::Duration;

use mcp_aws_sso_plugin_api::ToolOutput;
use mcp_aws_sso_plugin_api::kit::text;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::runner::Ending;
use crate::truncation::Shown;

/// What the command's run amounted to.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Success,
    /// `other_roles`: the account's other roles, or why they could not be listed.
    PermissionDenied {
        code: String,
        other_roles: Result<Vec<String>, String>,
    },
    /// Still rejected after fresh credentials were fetched.
    CredentialsRejected {
        code: String,
    },
    TimedOut,
    Failed,
}

impl Verdict {
    fn error_kind(&self) -> Option<&'static str> {
        match self {
            Self::Success => None,
            Self::PermissionDenied { .. } => Some("permission_denied"),
            Self::CredentialsRejected { .. } => Some("credentials_rejected"),
            Self::TimedOut => Some("timeout"),
            Self::Failed => Some("failed"),
        }
    }
}

/// Everything a result shows.
pub struct Report<'a> {
    pub account_id: &'a str,
    pub role_name: &'a str,
    pub region: &'a str,
    /// The host's default region, shown next to `region` when they differ.
    pub default_region: Option<&'a str>,
    pub command: &'a str,
    pub ending: Ending,
    pub stdout: &'a Shown,
    pub stderr: &'a Shown,
    pub duration: Duration,
    pub timeout: Duration,
    pub verdict: Verdict,
    pub finished_at: OffsetDateTime,
}

pub fn render(report: &Report<'_>) -> ToolOutput {
    let output = ToolOutput::text(markdown(report)).with_structured(structured(report));
    if report.verdict == Verdict::Success {
        output
    } else {
        output.into_error()
    }
}

fn exit_code(ending: Ending) -> Option<i32> {
    match ending {
        Ending::Exited(code) => Some(code),
        _ => None,
    }
}

fn markdown(r: &Report<'_>) -> String {
    let success = r.verdict == Verdict::Success;
    let mut md = String::new();
    md.push_str(if success {
        "# AWS SSO: Command Result\n\n"
    } else {
        "# ❌ AWS SSO: Command Error\n\n"
    });
    md.push_str(&format!("**Account/Role:** {}/{}\n", r.account_id, r.role_name));
    match r.default_region {
        Some(default) if default != r.region => {
            md.push_str(&format!("**Region:** {} (Default: {default})\n", r.region))
        }
        _ => md.push_str(&format!("**Region:** {}\n", r.region)),
    }
    if let Some(code) = exit_code(r.ending).filter(|_| !success) {
        md.push_str(&format!("**Exit Code:** {code}\n"));
    }
    md.push_str("\n## Command\n");
    md.push_str(&code_block(r.command, "bash"));

    if success {
        md.push_str("\n## Output\n");
        if r.stdout.text.trim().is_empty() && !r.stdout.truncated {
            md.push_str("*Command completed successfully with no output.*\n");
        } else {
            md.push_str(&code_block(&r.stdout.text, ""));
            md.push_str(&truncation_note(r.stdout, "stdout"));
        }
        if !r.stderr.text.trim().is_empty() || r.stderr.truncated {
            md.push_str("\n## Warnings (stderr)\n");
            md.push_str(&code_block(&r.stderr.text, ""));
            md.push_str(&truncation_note(r.stderr, "stderr"));
        }
    } else {
        md.push_str(&format!("\n## {}\n{}\n", error_title(r), error_description(r)));
        if !r.stderr.text.trim().is_empty() || r.stderr.truncated {
            md.push_str("\n## Error Details\n");
            md.push_str(&code_block(&r.stderr.text, ""));
            md.push_str(&truncation_note(r.stderr, "stderr"));
        }
        if !r.stdout.text.trim().is_empty() || r.stdout.truncated {
            md.push_str("\n## Output\n");
            md.push_str(&code_block(&r.stdout.text, ""));
            md.push_str(&truncation_note(r.stdout, "stdout"));
        }
        md.push_str(&troubleshooting(r));
    }

    let when = r
        .finished_at
        .format(format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"))
        .unwrap_or_default();
    md.push_str(&format!(
        "\n*Executed: {when} UTC in {:.2} s*\n",
        r.duration.as_secs_f64()
    ));
    md
}

fn error_title(r: &Report<'_>) -> String {
    match (&r.verdict, r.ending) {
        (Verdict::PermissionDenied { .. }, _) => "Error: Permission Denied".into(),
        (Verdict::CredentialsRejected { .. }, _) => "Error: Credentials Rejected".into(),
        (Verdict::TimedOut, _) => "Error: Timed Out".into(),
        (_, Ending::Exited(code)) => format!("Error: Command Failed (Exit Code {code})"),
        (_, Ending::Signalled(signal)) => format!("Error: Command Killed (Signal {signal})"),
        _ => "Error".into(),
    }
}

fn error_description(r: &Report<'_>) -> String {
    match &r.verdict {
        Verdict::PermissionDenied { code, .. } => format!(
            "The role `{}` does not have permission to execute this command (`{code}`).",
            r.role_name
        ),
        Verdict::CredentialsRejected { code } => format!(
            "AWS rejected the role's credentials (`{code}`), also after fresh ones were fetched. Check the SSO session \
             with aws_sso_status and sign in again with aws_sso_login if it has expired."
        ),
        Verdict::TimedOut => format!(
            "The command did not finish within {} s and was stopped (its whole process group was killed). Output up to \
             that point is shown. Pass a larger `timeoutSeconds`, or narrow the command.",
            r.timeout.as_secs()
        ),
        _ => match r.ending {
            Ending::Exited(code) => format!("The command exited with code {code}; its error output is below."),
            Ending::Signalled(signal) => format!("The command was killed by signal {signal}."),
            _ => "The command failed to execute.".into(),
        },
    }
}

fn troubleshooting(r: &Report<'_>) -> String {
    let Verdict::PermissionDenied { other_roles, .. } = &r.verdict else {
        return String::new();
    };
    let mut md = String::from("\n### Troubleshooting\n");
    match other_roles {
        Ok(roles) if !roles.is_empty() => {
            md.push_str("#### Available Roles\n");
            for role in roles {
                md.push_str(&format!("- {role}\n"));
            }
            md.push_str(
                "\nTry executing the command again using one of the roles listed above that has appropriate permissions.\n",
            );
        }
        Ok(_) => md.push_str(&format!(
            "You have no other role in account {}. Ask an administrator for a permission set that allows this \
             operation.\n",
            r.account_id
        )),
        Err(why) => md.push_str(&format!(
            "The other roles of account {} could not be listed ({why}). Use aws_sso_ls_accounts to see them.\n",
            r.account_id
        )),
    }
    md
}

fn truncation_note(shown: &Shown, stream: &str) -> String {
    if !shown.truncated {
        return String::new();
    }
    format!(
        "\n> ⚠️ **Output truncated:** showing the first {} characters of {} bytes the command wrote to {stream}. \
         Narrow the output with `--query`, filters or `--max-items`.\n",
        shown.chars(),
        shown.total_bytes
    )
}

/// The kit's fenced block (the content cannot close it early), as a paragraph of its own.
fn code_block(content: &str, language: &str) -> String {
    // The AWS CLI starts its error messages with an empty line; it only pads the block.
    let body = content.trim_start_matches(['\n', '\r']);
    format!("{}\n", text::fenced(body, language))
}

fn structured(r: &Report<'_>) -> Value {
    let mut value = json!({
        "accountId": r.account_id,
        "roleName": r.role_name,
        "region": r.region,
        "command": r.command,
        "exitCode": exit_code(r.ending),
        "stdout": r.stdout.text,
        "stderr": r.stderr.text,
        "truncated": r.stdout.truncated || r.stderr.truncated,
        "stdoutBytes": r.stdout.total_bytes,
        "stderrBytes": r.stderr.total_bytes,
        "durationMs": u64::try_from(r.duration.as_millis()).unwrap_or(u64::MAX),
        "timedOut": r.verdict == Verdict::TimedOut,
    });
    let object: &mut Map<String, Value> = value.as_object_mut().expect("a JSON object literal");
    if let Some(kind) = r.verdict.error_kind() {
        object.insert("errorKind".into(), json!(kind));
    }
    if let Verdict::PermissionDenied {
        other_roles: Ok(roles), ..
    } = &r.verdict
    {
        object.insert("suggestedRoles".into(), json!(roles));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tool_spec::output_schema;

    fn shown(text: &str) -> Shown {
        Shown {
            text: text.into(),
            total_bytes: text.len() as u64,
            truncated: false,
        }
    }

    fn report<'a>(stdout: &'a Shown, stderr: &'a Shown, ending: Ending, verdict: Verdict) -> Report<'a> {
        Report {
            account_id: "111111111111",
            role_name: "ReadOnly",
            region: "eu-west-1",
            default_region: Some("us-east-1"),
            command: "aws s3 ls",
            ending,
            stdout,
            stderr,
            duration: Duration::from_millis(1234),
            timeout: Duration::from_secs(30),
            verdict,
            finished_at: OffsetDateTime::from_unix_timestamp(1_747_635_709).unwrap(),
        }
    }

    fn assert_matches_schema(value: &Value) {
        let validator = jsonschema::validator_for(&output_schema()).unwrap();
        let errors: Vec<String> = validator.iter_errors(value).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?} in {value:#}");
    }

    #[test]
    fn success_in_the_original_shape() {
        let (out, err) = (shown("2023-01-15 08:42:53 my-bucket\n"), shown(""));
        let output = render(&report(&out, &err, Ending::Exited(0), Verdict::Success));
        assert!(!output.is_error);
        let expected = "# AWS SSO: Command Result\n\n**Account/Role:** 111111111111/ReadOnly\n**Region:** eu-west-1 (Default: \
                        us-east-1)\n\n## Command\n```bash\naws s3 ls\n```\n\n## Output\n```\n2023-01-15 08:42:53 \
                        my-bucket\n```\n\n*Executed: 2025-05-19 06:21:49 UTC in 1.23 s*\n";
        assert_eq!(output.text, expected);
        let structured = output.structured.unwrap();
        assert_eq!(structured["exitCode"], 0);
        assert_eq!(structured["durationMs"], 1234);
        assert!(structured.get("errorKind").is_none());
        assert_matches_schema(&structured);
    }

    #[test]
    fn warnings_and_truncation_are_visible() {
        let out = Shown {
            text: "a\n".into(),
            total_bytes: 99_999,
            truncated: true,
        };
        let err = shown("WARNING: deprecated\n");
        let output = render(&report(&out, &err, Ending::Exited(0), Verdict::Success));
        assert!(
            output
                .text
                .contains("## Warnings (stderr)\n```\nWARNING: deprecated\n```"),
            "{}",
            output.text
        );
        assert!(
            output.text.contains(
                "**Output truncated:** showing the first 2 characters of 99999 bytes the command wrote to stdout"
            ),
            "{}",
            output.text
        );
        let structured = output.structured.unwrap();
        assert_eq!(structured["truncated"], true);
        assert_eq!(structured["stdoutBytes"], 99_999);
        assert_matches_schema(&structured);
    }

    #[test]
    fn permission_denied_suggests_other_roles() {
        let err = shown("An error occurred (AccessDenied) when calling the ListBuckets operation: Access Denied\n");
        let verdict = Verdict::PermissionDenied {
            code: "AccessDenied".into(),
            other_roles: Ok(vec!["PowerUser".into(), "Admin".into()]),
        };
        let out = shown("");
        let output = render(&report(&out, &err, Ending::Exited(254), verdict));
        assert!(output.is_error);
        let text = &output.text;
        assert!(text.starts_with("# ❌ AWS SSO: Command Error\n"), "{text}");
        assert!(text.contains("**Exit Code:** 254"), "{text}");
        assert!(
            text.contains("## Error: Permission Denied\nThe role `ReadOnly` does not have permission"),
            "{text}"
        );
        assert!(
            text.contains("## Error Details\n```\nAn error occurred (AccessDenied)"),
            "{text}"
        );
        assert!(text.contains("#### Available Roles\n- PowerUser\n- Admin\n"), "{text}");
        let structured = output.structured.unwrap();
        assert_eq!(structured["errorKind"], "permission_denied");
        assert_eq!(structured["suggestedRoles"], json!(["PowerUser", "Admin"]));
        assert_matches_schema(&structured);
    }

    #[test]
    fn other_failures_show_exit_code_and_no_role_advice() {
        let err = shown("An error occurred (NoSuchBucket) when calling the ListObjectsV2 operation\n");
        let out = shown("");
        let output = render(&report(&out, &err, Ending::Exited(254), Verdict::Failed));
        assert!(
            output
                .text
                .contains("## Error: Command Failed (Exit Code 254)\nThe command exited with code 254"),
            "{}",
            output.text
        );
        assert!(!output.text.contains("Permission"), "{}", output.text);
        assert!(!output.text.contains("Available Roles"), "{}", output.text);
        assert_matches_schema(&output.structured.unwrap());
    }

    #[test]
    fn timeouts_have_no_exit_code() {
        let (out, err) = (shown("partial\n"), shown(""));
        let output = render(&report(&out, &err, Ending::TimedOut, Verdict::TimedOut));
        assert!(
            output
                .text
                .contains("## Error: Timed Out\nThe command did not finish within 30 s"),
            "{}",
            output.text
        );
        assert!(output.text.contains("## Output\n```\npartial\n```"), "{}", output.text);
        let structured = output.structured.unwrap();
        assert_eq!(structured["exitCode"], Value::Null);
        assert_eq!(structured["timedOut"], true);
        assert_matches_schema(&structured);
    }

    #[test]
    fn code_fences_outgrow_backticks_in_the_output() {
        assert_eq!(code_block("a ``` b", ""), "````\na ``` b\n````\n");
        assert_eq!(code_block("plain\n", "bash"), "```bash\nplain\n```\n");
        assert_eq!(code_block("\nAn error occurred\n", ""), "```\nAn error occurred\n```\n");
    }
}
