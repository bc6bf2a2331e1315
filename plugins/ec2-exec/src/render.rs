//! The result of a command that was sent: markdown in the shape of the TypeScript server's
//! (`# AWS SSO: EC2 Command Result`, the execution context, `## Command`, `## Output`,
//! `## Errors (stderr)`, the command id), plus the same facts as `structuredContent`.
//!
//! Output is shown exactly as SSM returned it (no trimming), in a code fence longer than any run
//! of backticks inside it. The markdown honours the host's `maxOutputChars`; `structuredContent`
//! always carries stdout and stderr in full.

use std::time::Duration;

use mcp_aws_sso_plugin_api::ToolOutput;
use mcp_aws_sso_plugin_api::kit::text;
use serde_json::json;

use crate::classify::{AwsFailure, Outcome};
use crate::instance::Target;
use crate::poll::{Ending, Invocation, Waited};
use crate::tool_spec::MAX_TIMEOUT_SECONDS;
use crate::validation::Request;

/// GetCommandInvocation returns at most this many characters of stdout / stderr.
pub const STDOUT_LIMIT: usize = 24_000;
pub const STDERR_LIMIT: usize = 8_000;

pub struct Report<'a> {
    pub request: &'a Request,
    pub target: &'a Target,
    pub command_id: &'a str,
    pub waited: &'a Waited,
    /// From SendCommand to now.
    pub duration: Duration,
    pub max_output_chars: usize,
    /// SendCommand's answer was lost and the command was found by its comment.
    pub answer_lost: Option<&'a AwsFailure>,
}

/// How the command ended, all things considered.
pub fn outcome(waited: &Waited) -> Outcome {
    let invocation = waited.invocation.as_ref();
    let from_ssm = || {
        invocation.map_or(Outcome::Failed, |i| {
            crate::classify::outcome_of(&i.status, i.status_details.as_deref(), i.response_code)
        })
    };
    match waited.ending {
        Ending::Finished => from_ssm(),
        // The command may have finished on its own while CancelCommand was on its way.
        _ if invocation.is_some_and(|i| i.status == "Success" || i.status_details.as_deref() == Some("Failed")) => {
            from_ssm()
        }
        Ending::TimedOut => Outcome::TimedOut,
        Ending::CancelledByClient => Outcome::CancelledByClient,
    }
}

pub fn stdout_truncated(text: &str) -> bool {
    text.chars().count() >= STDOUT_LIMIT || text.trim_end_matches('-').ends_with("---Output truncated")
}

pub fn stderr_truncated(text: &str) -> bool {
    text.chars().count() >= STDERR_LIMIT || text.trim_end_matches('-').ends_with("---Error truncated")
}

pub fn render(report: &Report) -> ToolOutput {
    let outcome = outcome(report.waited);
    let empty = Invocation::default();
    let invocation = report.waited.invocation.as_ref().unwrap_or(&empty);
    let request = report.request;
    let target = report.target;
    let stdout_cut = stdout_truncated(&invocation.stdout);
    let stderr_cut = stderr_truncated(&invocation.stderr);
    let status = if invocation.status.is_empty() {
        "Unknown"
    } else {
        &invocation.status
    };

    let mut text = String::new();
    let title = if outcome.is_success() {
        "AWS SSO: EC2 Command Result"
    } else {
        "❌ AWS SSO: EC2 Command Error"
    };
    text.push_str(&format!("# {title}\n\n## Execution Context\n"));
    text.push_str(&format!("- **Instance**: {}\n", target.label()));
    text.push_str(&format!(
        "- **Account/Role**: {}/{}\n",
        request.account_id, request.role_name
    ));
    text.push_str(&format!("- **Region**: {}\n", request.region));
    text.push_str(&format!("- **Document**: {}\n", target.document()));
    text.push_str(&format!("- **Status**: {}\n\n", status_line(status, invocation)));

    text.push_str("## Command\n\n");
    text.push_str(&fenced(
        &request.command,
        if target.document() == crate::instance::POWERSHELL_DOCUMENT {
            "powershell"
        } else {
            "bash"
        },
    ));

    let (stdout_budget, stderr_budget) = text::shared_budget(
        report.max_output_chars,
        invocation.stdout.chars().count(),
        invocation.stderr.chars().count(),
    );
    text.push_str("\n## Output\n\n");
    if invocation.stdout.is_empty() {
        text.push_str(if outcome.is_success() {
            "*Command completed successfully with no output.*\n"
        } else {
            "*No output.*\n"
        });
    } else {
        text.push_str(&fenced(&capped(&invocation.stdout, stdout_budget), ""));
    }
    if !invocation.stderr.is_empty() {
        text.push_str("\n## Errors (stderr)\n\n");
        text.push_str(&fenced(&capped(&invocation.stderr, stderr_budget), ""));
    }
    if stdout_cut || stderr_cut {
        text.push_str(&format!(
            "\n> **Output truncated by SSM**: GetCommandInvocation returns at most the first {} characters of \
             stdout and {} of stderr{}. For the full text, write it to a file on the instance and read it in \
             parts, or send the command with S3 output.\n",
            group(STDOUT_LIMIT),
            group(STDERR_LIMIT),
            match (stdout_cut, stderr_cut) {
                (true, true) => "; both were cut",
                (true, false) => "; stdout was cut",
                _ => "; stderr was cut",
            }
        ));
    }
    if stdout_budget < invocation.stdout.chars().count() || stderr_budget < invocation.stderr.chars().count() {
        text.push_str(&format!(
            "\n> Shown shortened to the host's limit of {} characters (maxOutputChars); `structuredContent` \
             has stdout and stderr in full.\n",
            group(report.max_output_chars)
        ));
    }
    if let Some(lost) = report.answer_lost {
        text.push_str(&format!(
            "\n> SendCommand's answer was lost ({}); the command was found in SSM by this call's comment and \
             was not sent again.\n",
            lost.detail()
        ));
    }
    if let Some(section) = explanation(outcome, report) {
        text.push('\n');
        text.push_str(&section);
    }
    text.push_str(&format!(
        "\n---\n*Command ID: {}*\n*Executed: {}*\n",
        report.command_id,
        now_utc()
    ));

    let structured = json!({
        "instanceId": target.instance_id,
        "instanceName": target.name,
        "accountId": request.account_id,
        "roleName": request.role_name,
        "region": request.region,
        "platform": target.platform,
        "document": target.document(),
        "command": request.command,
        "commandId": report.command_id,
        "status": status,
        "statusDetails": invocation.status_details,
        "responseCode": invocation.response_code,
        "stdout": invocation.stdout,
        "stderr": invocation.stderr,
        "stdoutTruncated": stdout_cut,
        "stderrTruncated": stderr_cut,
        "outcome": outcome.as_str(),
        "cancelSent": matches!(report.waited.cancel, Some(Ok(()))),
        "timeoutSeconds": request.timeout_seconds,
        "executionStartTime": invocation.execution_start,
        "executionEndTime": invocation.execution_end,
        "durationMs": report.duration.as_millis() as u64,
    });
    let output = ToolOutput::text(text).with_structured(structured);
    if outcome.is_success() {
        output
    } else {
        output.into_error()
    }
}

fn status_line(status: &str, invocation: &Invocation) -> String {
    let details = invocation
        .status_details
        .as_deref()
        .filter(|d| *d != status)
        .map(|d| format!(", {d}"))
        .unwrap_or_default();
    match invocation.response_code {
        Some(code) if code >= 0 => format!("{status}{details} (exit code {code})"),
        _ => format!("{status}{details}"),
    }
}

/// The "what happened and what now" section of a result that is not a plain success.
fn explanation(outcome: Outcome, report: &Report) -> Option<String> {
    let invocation = report.waited.invocation.as_ref();
    let code = invocation.and_then(|i| i.response_code).unwrap_or(-1);
    let timeout = report.request.timeout_seconds;
    let cancel_note = match &report.waited.cancel {
        Some(Ok(())) => "CancelCommand was sent for the remote command".to_string(),
        Some(Err(why)) => format!(
            "CancelCommand failed ({why}), so the command may still be running: cancel it in the SSM console \
             (Run Command, command {})",
            report.command_id
        ),
        None => String::new(),
    };
    let last_status = invocation.map_or("none".to_string(), |i| i.status.clone());
    let section = match outcome {
        Outcome::Success => return None,
        Outcome::CommandFailed => format!(
            "## Error: Command Failed (exit code {code})\n\nThe command ran on the instance and exited with code \
             {code}. This is the command's own failure (see the output and stderr above), not a permission problem.\n"
        ),
        Outcome::ExecutionTimedOut => format!(
            "## Error: Execution Timed Out\n\nThe SSM Agent stopped the command when it reached its execution \
             timeout ({timeout} s). Pass a larger `timeoutSeconds` (at most {MAX_TIMEOUT_SECONDS}) for long commands.\n"
        ),
        Outcome::DeliveryTimedOut => "## Error: Delivery Timed Out\n\nSSM could not deliver the command to the \
             instance before the delivery timeout: its SSM Agent is not running or cannot reach the SSM \
             endpoints. Check the agent (`systemctl status amazon-ssm-agent`), the instance profile and the \
             network (VPC endpoints or internet access).\n"
            .to_string(),
        Outcome::Undeliverable => "## Error: Undeliverable\n\nSSM could not deliver the command: the instance \
             was terminated, or its SSM Agent is no longer registered.\n"
            .to_string(),
        Outcome::WrongPlatform => format!(
            "## Error: Wrong Platform\n\nThe document {} does not support this instance's platform.\n",
            report.target.document()
        ),
        Outcome::TimedOut => format!(
            "## Error: Timed Out\n\nThe command did not finish within {timeout} s (last status: {last_status}). \
             {cancel_note}. Pass a larger `timeoutSeconds` (at most {MAX_TIMEOUT_SECONDS}) for long commands.\n"
        ),
        Outcome::CancelledByClient => {
            format!("## Cancelled\n\nThe client cancelled the call (last status: {last_status}). {cancel_note}.\n")
        }
        Outcome::Cancelled => "## Error: Cancelled\n\nThe command was cancelled before it finished (by someone \
             else, e.g. from the SSM console).\n"
            .to_string(),
        Outcome::Failed => format!(
            "## Error: Failed\n\nSSM reported {last_status}{} without an exit code from the command. Check the \
             command in the SSM console (Run Command history).\n",
            invocation
                .and_then(|i| i.status_details.as_deref())
                .map(|d| format!(" ({d})"))
                .unwrap_or_default()
        ),
    };
    Some(section)
}

/// The kit's fenced block (whatever backticks `content` holds), as a paragraph of its own.
fn fenced(content: &str, language: &str) -> String {
    format!("{}\n", text::fenced(content, language))
}

/// `text` cut by the kit to `budget` characters, with a note of what was left out.
fn capped(content: &str, budget: usize) -> String {
    let head = text::truncate(content, budget);
    if !head.cut {
        return head.text;
    }
    let left_out = head.total_chars - head.kept_chars();
    format!("{}\n[... {left_out} more characters not shown ...]", head.text)
}

/// 24000 -> "24,000".
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn now_utc() -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    time::OffsetDateTime::now_utc()
        .format(&format)
        .unwrap_or_else(|_| "now".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tool_spec::ec2_exec_command;

    fn request() -> Request {
        Request {
            instance_id: "i-0123456789abcdef0".into(),
            account_id: "111111111111".into(),
            role_name: "Admin".into(),
            command: "echo hi".into(),
            region: "us-east-1".into(),
            timeout_seconds: 60,
        }
    }

    fn target() -> Target {
        Target {
            instance_id: "i-0123456789abcdef0".into(),
            name: Some("web-1".into()),
            platform: Some("Linux".into()),
        }
    }

    fn finished(status: &str, details: &str, code: i32, stdout: &str, stderr: &str) -> Waited {
        Waited {
            invocation: Some(Invocation {
                status: status.into(),
                status_details: Some(details.into()),
                response_code: Some(code),
                stdout: stdout.into(),
                stderr: stderr.into(),
                execution_start: Some("2024-01-01T00:00:00.000Z".into()),
                execution_end: Some("2024-01-01T00:00:01.000Z".into()),
            }),
            ending: Ending::Finished,
            cancel: None,
        }
    }

    fn rendered(waited: &Waited) -> ToolOutput {
        render(&Report {
            request: &request(),
            target: &target(),
            command_id: "cmd-1",
            waited,
            duration: Duration::from_millis(700),
            max_output_chars: 40_000,
            answer_lost: None,
        })
    }

    fn assert_matches_output_schema(output: &ToolOutput) {
        let schema = ec2_exec_command().output_schema.unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let structured = output.structured.as_ref().unwrap();
        let errors: Vec<String> = validator.iter_errors(structured).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn success_shows_the_original_shape_and_exact_output() {
        let output = rendered(&finished("Success", "Success", 0, "hi\n  indented\n", ""));
        assert!(!output.is_error);
        let text = &output.text;
        assert!(text.starts_with("# AWS SSO: EC2 Command Result\n"), "{text}");
        assert!(text.contains("- **Instance**: i-0123456789abcdef0 (web-1)"));
        assert!(text.contains("- **Account/Role**: 111111111111/Admin"));
        assert!(text.contains("- **Region**: us-east-1"));
        assert!(text.contains("## Command\n\n```bash\necho hi\n```"));
        assert!(text.contains("## Output\n\n```\nhi\n  indented\n```"));
        assert!(!text.contains("## Errors (stderr)"));
        assert!(text.contains("*Command ID: cmd-1*"));
        let structured = output.structured.as_ref().unwrap();
        assert_eq!(structured["stdout"], "hi\n  indented\n");
        assert_eq!(structured["outcome"], "success");
        assert_matches_output_schema(&output);
    }

    #[test]
    fn a_failed_command_is_an_error_with_its_exit_code_not_a_permission_problem() {
        let output = rendered(&finished("Failed", "Failed", 3, "partial\n", "boom\n"));
        assert!(output.is_error);
        assert!(output.text.starts_with("# ❌ AWS SSO: EC2 Command Error"));
        assert!(output.text.contains("## Errors (stderr)\n\n```\nboom\n```"));
        assert!(output.text.contains("## Error: Command Failed (exit code 3)"));
        assert!(!output.text.to_lowercase().contains("permission denied"));
        assert_eq!(output.structured.as_ref().unwrap()["outcome"], "command_failed");
        assert_eq!(output.structured.as_ref().unwrap()["responseCode"], 3);
        assert_matches_output_schema(&output);
    }

    #[test]
    fn timeouts_say_that_the_command_was_cancelled() {
        let mut waited = finished("Cancelled", "Cancelled", 137, "", "");
        waited.ending = Ending::TimedOut;
        waited.cancel = Some(Ok(()));
        let output = rendered(&waited);
        assert!(output.is_error);
        assert!(output.text.contains("## Error: Timed Out"));
        assert!(output.text.contains("CancelCommand was sent"));
        assert_eq!(output.structured.as_ref().unwrap()["outcome"], "timed_out");
        assert_eq!(output.structured.as_ref().unwrap()["cancelSent"], true);
        assert_matches_output_schema(&output);
    }

    #[test]
    fn output_with_backticks_keeps_its_fence_intact() {
        let output = rendered(&finished("Success", "Success", 0, "```\ncode\n```\n", ""));
        assert!(output.text.contains("````\n```\ncode\n```\n````"), "{}", output.text);
    }

    #[test]
    fn ssm_truncation_is_announced() {
        let long = format!("{}\n---Output truncated---", "x".repeat(STDOUT_LIMIT - 23));
        assert!(stdout_truncated(&long));
        assert!(stderr_truncated("abc\n---Error truncated----"));
        assert!(!stdout_truncated("short"));
        let output = rendered(&finished("Success", "Success", 0, &long, ""));
        assert!(output.text.contains("Output truncated by SSM"));
        assert_eq!(output.structured.as_ref().unwrap()["stdoutTruncated"], true);
    }

    #[test]
    fn the_markdown_respects_the_hosts_output_limit() {
        let waited = finished("Success", "Success", 0, &"▓".repeat(1000), &"░".repeat(1000));
        let output = render(&Report {
            request: &request(),
            target: &target(),
            command_id: "cmd-1",
            waited: &waited,
            duration: Duration::from_millis(1),
            max_output_chars: 400,
            answer_lost: None,
        });
        assert!(output.text.contains("maxOutputChars"));
        assert!(output.text.chars().filter(|c| *c == '▓' || *c == '░').count() <= 400);
        assert_eq!(
            output.structured.as_ref().unwrap()["stdout"]
                .as_str()
                .unwrap()
                .chars()
                .count(),
            1000
        );
    }

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(group(24_000), "24,000");
        assert_eq!(group(8_000), "8,000");
        assert_eq!(group(400), "400");
        assert_eq!(group(1_234_567), "1,234,567");
    }
}
