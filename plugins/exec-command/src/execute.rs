//! One `aws_sso_exec_command` call, from arguments to result: the order of the checks is the
//! safety story, so it is all in one place.
//!
//! 1. validate the arguments, split the command, refuse shell syntax and non-`aws` programs
//!    (`command_line`);
//! 2. parse it with the AWS CLI's exact grammar (`cli_grammar`): abbreviated global options are
//!    refused, service and operation are what the CLI will run;
//! 3. refuse `--profile`, foreign endpoints, `--no-verify-ssl` (`endpoint_policy`), commands that
//!    start local programs (`local_programs`), and in read-only mode anything but reads
//!    (`read_only`);
//! 4. confine local files to the work directory (`local_paths`);
//! 5. choose the region and find the `aws` executable;
//! 6. only then ask the host for credentials and run, in a fresh sandbox (`sandbox`,
//!    `child_env`); if AWS rejects the credentials as expired or unknown, fetch fresh ones once
//!    and run again within the same time budget;
//! 7. classify and render.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mcp_aws_sso_plugin_api::{ErrorKind, Host, LogLevel, ToolError, ToolOutput};
use serde_json::Value;
use time::OffsetDateTime;

use crate::aws_binary;
use crate::child_env::{SandboxPaths, host_environment, sandboxed_environment};
use crate::cli_grammar::{self, GlobalOption, Invocation};
use crate::command_line::CommandLine;
use crate::consent;
use crate::endpoint_policy::EndpointPolicy;
use crate::failure::{self, Failure};
use crate::local_paths::{self, Workdir};
use crate::local_programs;
use crate::read_only;
use crate::render::{Report, Verdict, render};
use crate::runner::{self, Ending, RunOutcome, RunSpec, Supervisor};
use crate::sandbox::Sandbox;
use crate::settings::Settings;
use crate::truncation;
use crate::validation::{self, ExecRequest};
use mcp_aws_sso_plugin_api::kit::validate;

/// Extra bytes kept beyond four per character of the cap: room for redacting a secret at the cut.
const CAPTURE_SLACK: usize = 4096;

fn refused(message: impl ToString) -> ToolError {
    ToolError::invalid_arguments(message.to_string())
}

/// Steps 1-4: the command as it will run, or why it will not. Nothing has run yet.
pub fn plan(
    request: &ExecRequest,
    settings: &Settings,
    policy: &EndpointPolicy,
    workdir: &Workdir,
) -> Result<Invocation, ToolError> {
    let line = CommandLine::parse(&request.command).map_err(refused)?;
    let mut invocation = cli_grammar::parse(line.args).map_err(refused)?;
    policy.check(&invocation, &request.role_name).map_err(refused)?;
    local_programs::check(&invocation).map_err(refused)?;
    if !settings.sandbox
        && let Some(home) = host_env("HOME")
    {
        let alias_file = Path::new(&home).join(".aws").join("cli").join("alias");
        local_programs::check_aliases(&invocation, &alias_file).map_err(refused)?;
    }
    if !settings.sandbox {
        local_programs::check_user_config(&invocation).map_err(refused)?;
    }
    if settings.read_only {
        read_only::check(&invocation).map_err(refused)?;
    }
    local_paths::confine_paths(&mut invocation, workdir, settings.read_only).map_err(refused)?;
    Ok(invocation)
}

fn host_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The work directory of these settings, created if needed.
pub fn workdir(settings: &Settings) -> Result<Workdir, ToolError> {
    let unavailable = |message: String| ToolError::new(ErrorKind::Unavailable, message);
    let dir = settings
        .workdir(host_env)
        .ok_or_else(|| unavailable("No work directory: set MCP_AWS_SSO_EXEC_WORKDIR or HOME.".into()))?;
    Workdir::prepare(&dir).map_err(|e| unavailable(e.to_string()))
}

/// The host's environment as text (a variable that is not UTF-8 is never one of ours).
fn host_vars() -> impl Iterator<Item = (String, String)> {
    std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
}

pub fn exec_command(args: &Value, host: &Host) -> Result<ToolOutput, ToolError> {
    let settings = Settings::from_config(&host.config());
    let request = validation::parse(args).map_err(refused)?;
    let policy = EndpointPolicy::new(host_vars(), &settings.allowed_endpoints);
    let workdir = workdir(&settings)?;
    let invocation = plan(&request, &settings, &policy, &workdir)?;
    let default_region = host.default_region();
    let region = resolve_region(&request, &invocation, default_region.as_deref())?;
    let program = aws_binary::locate(settings.aws_cli.as_deref(), std::env::var_os("PATH").as_deref())
        .map_err(|e| ToolError::new(ErrorKind::Unavailable, e.to_string()))?;
    consent::ask(host, &request, &invocation, &region)?;
    let timeout = request.timeout.unwrap_or(settings.default_timeout);
    let capture_limit = settings
        .max_output_chars
        .saturating_mul(4)
        .saturating_add(CAPTURE_SLACK);

    // Removed when this function returns, whichever way it returns.
    let sandbox = if settings.sandbox {
        let sandbox = Sandbox::create(&region, &host_env)
            .map_err(|e| ToolError::failed(format!("Could not create the sandbox directory: {e}.")))?;
        Some(sandbox)
    } else {
        None
    };
    let cwd: PathBuf = match &sandbox {
        Some(sandbox) => sandbox.home().to_path_buf(),
        None => workdir.path().to_path_buf(),
    };

    let started = Instant::now();
    let supervisor = HostSupervisor {
        host,
        started,
        label: progress_label(&request.command),
    };
    let run = |force_refresh: bool, budget: Duration| -> Result<(RunOutcome, Vec<String>), ToolError> {
        let credentials = host.credentials(&request.account_id, &request.role_name, force_refresh)?;
        if host.is_cancelled() {
            return Err(host.cancelled_error());
        }
        let env = match &sandbox {
            Some(sandbox) => {
                let (config_file, credentials_file, tmp_dir) =
                    (sandbox.config_file(), sandbox.credentials_file(), sandbox.tmp_dir());
                let paths = SandboxPaths {
                    home: sandbox.home(),
                    config_file: &config_file,
                    credentials_file: &credentials_file,
                    tmp_dir: &tmp_dir,
                };
                sandboxed_environment(std::env::vars_os(), &credentials, &region, &paths)
            }
            None => host_environment(std::env::vars_os(), &credentials, &region),
        };
        let spec = RunSpec {
            program: &program,
            args: &invocation.args,
            env,
            cwd: Path::new(&cwd),
            timeout: budget,
            capture_limit,
        };
        let outcome = runner::run(spec, &supervisor).map_err(|e| ToolError::failed(e.to_string()))?;
        Ok((outcome, vec![credentials.secret_access_key, credentials.session_token]))
    };

    host.log(
        LogLevel::Debug,
        &format!(
            "running {} as {}/{} in {region} (timeout {} s, sandbox {})",
            program.display(),
            request.account_id,
            request.role_name,
            timeout.as_secs(),
            if settings.sandbox { "on" } else { "off" }
        ),
    );
    let (mut outcome, mut secrets) = run(false, timeout)?;
    let mut failure = classify(&outcome);
    if let Some(Failure::CredentialsRejected { code }) = &failure {
        let remaining = timeout.saturating_sub(started.elapsed());
        if !remaining.is_zero() {
            host.log(
                LogLevel::Info,
                &format!("AWS rejected the cached credentials ({code}); running again with fresh ones"),
            );
            (outcome, secrets) = run(true, remaining)?;
            failure = classify(&outcome);
        }
    }
    host.log(
        LogLevel::Debug,
        &format!(
            "{} ended: {:?} after {} ms",
            program.display(),
            outcome.ending,
            outcome.duration.as_millis()
        ),
    );
    if outcome.ending == Ending::Cancelled {
        return Err(host.cancelled_error());
    }

    let verdict = match (outcome.ending, failure) {
        (Ending::TimedOut, _) => Verdict::TimedOut,
        (_, None) => Verdict::Success,
        (_, Some(Failure::PermissionDenied { code })) => Verdict::PermissionDenied {
            code,
            other_roles: other_roles(host, &request),
        },
        (_, Some(Failure::CredentialsRejected { code })) => Verdict::CredentialsRejected { code },
        (_, Some(Failure::Other)) => Verdict::Failed,
    };
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let (stdout, stderr) = truncation::fit(&outcome.stdout, &outcome.stderr, settings.max_output_chars, &secrets);
    Ok(render(&Report {
        account_id: &request.account_id,
        role_name: &request.role_name,
        region: &region,
        default_region: default_region.as_deref(),
        command: &request.command,
        ending: outcome.ending,
        stdout: &stdout,
        stderr: &stderr,
        duration: started.elapsed(),
        timeout,
        verdict,
        finished_at: OffsetDateTime::now_utc(),
    }))
}

fn classify(outcome: &RunOutcome) -> Option<Failure> {
    let exit_code = match outcome.ending {
        Ending::Exited(code) => Some(code),
        _ => None,
    };
    failure::classify(exit_code, &String::from_utf8_lossy(&outcome.stderr.bytes))
}

/// The region the AWS CLI will use: the `region` argument, else a `--region` in the command, else
/// the host's default. An argument that contradicts the command is refused rather than guessed.
fn resolve_region(request: &ExecRequest, invocation: &Invocation, default: Option<&str>) -> Result<String, ToolError> {
    let in_command = invocation.global_value(GlobalOption::Region);
    match (request.region.as_deref(), in_command) {
        (Some(argument), Some(flag)) if argument != flag => Err(ToolError::invalid_arguments(format!(
            "`region` is {argument} but the command says `--region {flag}`. Give the region once, or make them agree."
        ))),
        (Some(argument), _) => Ok(argument.to_string()),
        (None, Some(flag)) => {
            validate::region("region", &Value::from(flag))
                .map_err(|e| ToolError::invalid_arguments(format!("In the command's `--region`: {}", e.message)))?;
            Ok(flag.to_string())
        }
        (None, None) => default.map(str::to_string).ok_or_else(|| {
            ToolError::invalid_arguments(
                "No AWS region: pass `region` (e.g. us-east-1), add `--region` to the command, or set AWS_REGION in the \
                 server's configuration.",
            )
        }),
    }
}

/// The account's roles other than the one that was denied, or why they could not be listed.
fn other_roles(host: &Host, request: &ExecRequest) -> Result<Vec<String>, String> {
    host.account_roles(&request.account_id)
        .map(|roles| roles.into_iter().filter(|r| *r != request.role_name).collect())
        .map_err(|e| e.message)
}

/// The command as progress messages show it: one line, not too long.
fn progress_label(command: &str) -> String {
    const MAX: usize = 80;
    let line: String = command.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= MAX {
        return line;
    }
    let mut short: String = line.chars().take(MAX - 1).collect();
    short.push('…');
    short
}

/// Cancellation and progress through the host.
struct HostSupervisor<'a> {
    host: &'a Host,
    /// Start of the call: elapsed time keeps growing across a retry, as progress must.
    started: Instant,
    label: String,
}

impl Supervisor for HostSupervisor<'_> {
    fn is_cancelled(&self) -> bool {
        self.host.is_cancelled()
    }

    fn tick(&self) {
        let seconds = self.started.elapsed().as_secs();
        self.host.progress(
            seconds as f64,
            None,
            &format!("`{}` running for {seconds} s", self.label),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(region: Option<&str>) -> ExecRequest {
        ExecRequest {
            account_id: "111111111111".into(),
            role_name: "ReadOnly".into(),
            command: String::new(),
            region: region.map(str::to_string),
            timeout: None,
        }
    }

    fn line(command: &str) -> Invocation {
        cli_grammar::parse(CommandLine::parse(command).unwrap().args).unwrap()
    }

    #[test]
    fn region_comes_from_argument_then_command_then_default() {
        let region = |arg, command, default| resolve_region(&request(arg), &line(command), default);
        assert_eq!(
            region(Some("eu-west-1"), "aws s3 ls", Some("us-east-1")).unwrap(),
            "eu-west-1"
        );
        assert_eq!(
            region(None, "aws s3 ls --region ap-south-1", Some("us-east-1")).unwrap(),
            "ap-south-1"
        );
        assert_eq!(region(None, "aws s3 ls", Some("us-east-1")).unwrap(), "us-east-1");
        assert_eq!(
            region(Some("eu-west-1"), "aws s3 ls --region eu-west-1", None).unwrap(),
            "eu-west-1"
        );
    }

    #[test]
    fn region_conflicts_and_absence_are_explained() {
        let error =
            resolve_region(&request(Some("eu-west-1")), &line("aws s3 ls --region us-east-1"), None).unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidArguments);
        assert!(
            error
                .message
                .contains("`region` is eu-west-1 but the command says `--region us-east-1`")
        );
        let error = resolve_region(&request(None), &line("aws s3 ls"), None).unwrap_err();
        assert!(error.message.starts_with("No AWS region"), "{}", error.message);
        let error = resolve_region(&request(None), &line("aws s3 ls --region nowhere"), None).unwrap_err();
        assert!(
            error.message.contains("`region` must be an AWS region code"),
            "{}",
            error.message
        );
    }

    #[test]
    fn progress_labels_are_one_short_line() {
        assert_eq!(progress_label("aws  s3\n ls"), "aws s3 ls");
        let long = format!("aws s3 ls {}", "x".repeat(200));
        assert_eq!(progress_label(&long).chars().count(), 80);
    }
}
