//! `mcp-aws-sso doctor`: one look at everything that has to be right for the tools to work —
//! configuration and where each value came from, the SSO session, the `aws` CLI, the plugin
//! directories, and whether the Identity Center endpoints answer. Exit 1 when a check failed.

use std::net::ToSocketAddrs;
use std::process::ExitCode;
use std::time::Duration;

use mcp_aws_sso_config::{Config, ConfigError, keys};
use serde_json::json;

use super::{EXIT_OK, EXIT_TOOL_ERROR, aws_cli_version};
use crate::app::App;
use crate::auth::{LoginFlow, LoginOptions, human_unix, now_unix};
use crate::builtin::time_left::time_left;
use crate::plugins::PluginStatus;
use crate::plugins::host_context::endpoint_override;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Ok,
    Warn,
    Fail,
}

struct Check {
    area: &'static str,
    status: Status,
    summary: String,
    hint: Option<String>,
}

impl Check {
    fn new(area: &'static str, status: Status, summary: impl Into<String>) -> Self {
        Self {
            area,
            status,
            summary: summary.into(),
            hint: None,
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// `problems` are the broken parts of the configuration: each is reported (✘), and `app` runs on
/// the rest, so every other check still says something useful.
pub async fn run(app: &App, problems: &[ConfigError], as_json: bool) -> ExitCode {
    let mut checks = Vec::new();
    checks.extend(configuration(&app.config, problems));
    if app.config.sso.start_url.is_some() && app.config.sso.region.is_some() {
        checks.push(sso_session(app));
        checks.push(login_flow(app));
    }
    checks.push(aws_cli().await);
    checks.extend(plugins(app));
    checks.extend(endpoints(&app.config).await);

    let failed = checks.iter().any(|c| c.status == Status::Fail);
    if as_json {
        let items: Vec<_> = checks
            .iter()
            .map(|c| {
                let status = match c.status {
                    Status::Ok => "ok",
                    Status::Warn => "warning",
                    Status::Fail => "problem",
                };
                json!({"area": c.area, "status": status, "summary": c.summary, "hint": c.hint})
            })
            .collect();
        println!("{:#}", json!({"ok": !failed, "checks": items}));
    } else {
        for check in &checks {
            let mark = match check.status {
                Status::Ok => "✔",
                Status::Warn => "!",
                Status::Fail => "✘",
            };
            println!("{mark} {:<13} {}", check.area, check.summary);
            if let Some(hint) = &check.hint {
                for line in hint.lines() {
                    println!("  {:<13} {line}", "");
                }
            }
        }
        println!();
        println!(
            "{}",
            if failed {
                "Problems found (✘): fix them and run `mcp-aws-sso doctor` again."
            } else {
                "All checks passed."
            }
        );
    }
    ExitCode::from(if failed { EXIT_TOOL_ERROR } else { EXIT_OK })
}

fn configuration(config: &Config, problems: &[ConfigError]) -> Vec<Check> {
    let mut checks: Vec<Check> = problems
        .iter()
        .map(|problem| {
            Check::new("configuration", Status::Fail, problem.to_string())
                .hint("Left out for this check; serving and the tool commands refuse to start until it is fixed.")
        })
        .collect();
    checks.extend(
        config
            .warnings
            .iter()
            .map(|warning| Check::new("configuration", Status::Warn, warning.to_string())),
    );
    let described = |key: &str, value: Option<&String>| match (value, config.provenance.get(key)) {
        (Some(value), Some(source)) => format!("{key}={value} ({source})"),
        (Some(value), None) => format!("{key}={value}"),
        (None, _) => format!("{key} is not set"),
    };
    match &config.sso.start_url {
        Some(url) => checks.push(Check::new(
            "configuration",
            Status::Ok,
            described(keys::AWS_SSO_START_URL, Some(url)),
        )),
        None => checks.push(
            Check::new("configuration", Status::Fail, "no AWS SSO start URL is configured")
                .hint(config.missing_start_url_help()),
        ),
    }
    match &config.sso.region {
        Some(region) => checks.push(Check::new(
            "configuration",
            Status::Ok,
            described(keys::AWS_SSO_REGION, Some(region)),
        )),
        None => checks.push(
            Check::new(
                "configuration",
                Status::Fail,
                "no IAM Identity Center region is configured",
            )
            .hint("Set AWS_SSO_REGION (the region of your Identity Center instance, e.g. us-east-1)."),
        ),
    }
    let region = config.region.as_ref();
    let status = if region.is_some() { Status::Ok } else { Status::Warn };
    let check = Check::new(
        "configuration",
        status,
        format!("default region for tools: {}", described(keys::AWS_REGION, region)),
    );
    checks.push(match region {
        Some(_) => check,
        None => check.hint("Tools then need an explicit `region` argument. Set AWS_REGION to avoid that."),
    });
    if config.read_only {
        checks.push(Check::new(
            "configuration",
            Status::Ok,
            "read-only mode is on: only read operations are allowed",
        ));
    }
    checks
}

/// The cached SSO session as it is on disk: no refresh, no network, nothing changed.
fn sso_session(app: &App) -> Check {
    let area = "sso session";
    let login_hint = "Run `mcp-aws-sso login` (or the aws_sso_login tool, or `aws sso login`).";
    match app.auth.cached_token() {
        Err(error) => Check::new(area, Status::Fail, error.to_string()),
        Ok(None) => Check::new(area, Status::Fail, "not logged in").hint(login_hint),
        Ok(Some(token)) => {
            let left = token.expires_at - now_unix();
            let refreshable = token.is_refreshable();
            match (left > 0, refreshable) {
                (true, _) => Check::new(
                    area,
                    Status::Ok,
                    format!(
                        "logged in until {} ({} left; {})",
                        human_unix(token.expires_at),
                        time_left(left),
                        if refreshable {
                            "renews itself"
                        } else {
                            "no refresh token: sign in again when it expires"
                        }
                    ),
                ),
                (false, true) => Check::new(
                    area,
                    Status::Ok,
                    "the access token expired; it is refreshed on next use",
                ),
                (false, false) => {
                    Check::new(area, Status::Fail, "the session expired and cannot be refreshed").hint(login_hint)
                }
            }
        }
    }
}

/// Which flow a login started here would use, and why (the `sso` crate's choice).
fn login_flow(app: &App) -> Check {
    let options = LoginOptions {
        launch_browser: true,
        auto_poll: true,
        use_device_code: false,
    };
    let (flow, why) = app.auth.login_flow(options);
    let summary = match flow {
        LoginFlow::AuthorizationCode => format!("browser login (authorization code with PKCE): {why}"),
        LoginFlow::DeviceCode => format!("device code login: {why}"),
    };
    let check = Check::new("login", Status::Ok, summary);
    match flow {
        LoginFlow::AuthorizationCode => {
            check.hint("`mcp-aws-sso login --use-device-code` signs in from another device.")
        }
        LoginFlow::DeviceCode => check.hint("Set BROWSER (or run in a desktop session) for the browser login."),
    }
}

async fn aws_cli() -> Check {
    let output = tokio::process::Command::new("aws").arg("--version").output().await;
    match output {
        Ok(out) if out.status.success() => {
            // AWS CLI v1 prints its version on stderr, v2 on stdout.
            let text = if out.stdout.is_empty() { out.stderr } else { out.stdout };
            let verdict = aws_cli_version::judge(&String::from_utf8_lossy(&text));
            let status = if verdict.fine { Status::Ok } else { Status::Warn };
            let check = Check::new("aws cli", status, verdict.summary);
            match verdict.hint {
                Some(hint) => check.hint(hint),
                None => check,
            }
        }
        Ok(out) => Check::new(
            "aws cli",
            Status::Warn,
            format!("`aws --version` failed ({})", out.status),
        ),
        Err(_) => Check::new(
            "aws cli",
            Status::Warn,
            "the `aws` CLI is not on PATH; `mcp-aws-sso exec-command` (the aws_sso_exec_command tool) needs it",
        )
        .hint(format!("Install AWS CLI v2: {}", aws_cli_version::INSTALL_GUIDE)),
    }
}

fn plugins(app: &App) -> Vec<Check> {
    let mut checks = Vec::new();
    for dir in &app.plugin_dirs {
        match &dir.refused {
            Some(reason) => checks.push(Check::new(
                "plugins",
                Status::Fail,
                format!("{} refused: {reason}", dir.path.display()),
            )),
            None => checks.push(Check::new(
                "plugins",
                Status::Ok,
                format!("searched {}", dir.path.display()),
            )),
        }
    }
    for report in &app.plugin_reports {
        match &report.status {
            PluginStatus::Loaded {
                name, version, tools, ..
            } => checks.push(Check::new(
                "plugins",
                Status::Ok,
                format!("{name} {version}: {} ({})", tools.join(", "), report.path.display()),
            )),
            PluginStatus::Skipped { reason } => checks.push(Check::new(
                "plugins",
                Status::Fail,
                format!("skipped {}: {reason}", report.path.display()),
            )),
        }
    }
    if app.plugin_reports.is_empty() {
        checks.push(
            Check::new(
                "plugins",
                Status::Warn,
                "no plugin found: only the built-in SSO tools are available",
            )
            .hint("Install the bundled plugins (scripts/install.sh) or set MCP_AWS_SSO_PLUGIN_DIRS."),
        );
    }
    checks
}

async fn endpoints(config: &Config) -> Vec<Check> {
    let Some(region) = config.sso.region.clone() else {
        return Vec::new();
    };
    let targets = [
        (
            "SSO OIDC",
            endpoint_override("SSO_OIDC").unwrap_or_else(|| format!("https://oidc.{region}.amazonaws.com")),
        ),
        (
            "SSO portal",
            endpoint_override("SSO").unwrap_or_else(|| format!("https://portal.sso.{region}.amazonaws.com")),
        ),
    ];
    let mut checks = Vec::new();
    for (name, url) in targets {
        checks.push(match reachable(&url).await {
            Ok(()) => Check::new("network", Status::Ok, format!("{name} endpoint {url} is reachable")),
            Err(reason) => Check::new(
                "network",
                Status::Fail,
                format!("{name} endpoint {url} is not reachable: {reason}"),
            )
            .hint("Check your network, proxy and AWS_SSO_REGION (and AWS_ENDPOINT_URL_* overrides)."),
        });
    }
    checks
}

/// A TCP connection to the endpoint's host and port; enough to catch DNS, proxy and typo problems
/// without sending anything.
async fn reachable(url: &str) -> Result<(), String> {
    let uri: axum::http::Uri = url.parse().map_err(|e| format!("not a URL ({e})"))?;
    let host = uri
        .host()
        .ok_or("the URL has no host")?
        .trim_matches(['[', ']'])
        .to_string();
    let port = uri
        .port_u16()
        .unwrap_or(if uri.scheme_str() == Some("http") { 80 } else { 443 });
    let addresses =
        tokio::task::spawn_blocking(move || (host.as_str(), port).to_socket_addrs().map(|a| a.collect::<Vec<_>>()))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| format!("cannot resolve the host ({e})"))?;
    let address = addresses.first().ok_or("the host has no address")?;
    match tokio::time::timeout(Duration::from_secs(3), tokio::net::TcpStream::connect(address)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("no answer within 3 s".to_string()),
    }
}
