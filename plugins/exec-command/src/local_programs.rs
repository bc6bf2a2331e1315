//! AWS CLI commands that start other local programs, refused in every mode.
//!
//! "No shell, ever" must also hold inside the AWS CLI: some of its customizations run a local
//! program or change the machine's configuration. The list is closed and short.
//!
//! CLI aliases (`~/.aws/cli/alias`; one starting with `!` runs a shell) cannot occur in the
//! sandbox, which has no alias file. With the sandbox off the user's alias file is live, so a
//! command whose service (or, in a `[command SERVICE]` section, operation) is an alias defined
//! there is refused: [`check_aliases`]; and so is `configure` other than listing, which would
//! read or change the user's own configuration: [`check_user_config`].

use crate::cli_grammar::Invocation;

/// `(service, operation, what it would do)`.
const LOCAL_PROGRAMS: &[(&str, &str, &str)] = &[
    ("emr", "ssh", "runs `ssh`"),
    ("emr", "socks", "runs `ssh`"),
    ("emr", "get", "runs `scp`"),
    ("emr", "put", "runs `scp`"),
    ("ssm", "start-session", "runs the Session Manager plugin"),
    ("ecs", "execute-command", "runs the Session Manager plugin"),
    ("ec2-instance-connect", "ssh", "runs `ssh`"),
    ("ec2-instance-connect", "open-tunnel", "opens a local tunnel"),
    ("deploy", "install", "installs the CodeDeploy agent on this machine"),
    ("deploy", "uninstall", "removes the CodeDeploy agent from this machine"),
    ("opsworks", "register", "registers this machine with OpsWorks"),
    (
        "codeartifact",
        "login",
        "runs npm, pip, twine, dotnet or nuget and changes their configuration",
    ),
    ("sso", "login", "opens a browser"),
    ("configure", "sso", "opens a browser"),
    ("configure", "sso-session", "changes local AWS CLI settings"),
    ("codecommit", "credential-helper", "is a git credential helper"),
    // v2.32+: `aws login` signs in through a browser; `*` matches any (or no) operation.
    ("login", "*", "opens a browser"),
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "Refused: `aws {what}` {does} on this machine; only AWS API calls run here. For commands on an EC2 instance \
     use aws_sso_ec2_exec_command."
)]
pub struct LocalProgramRefusal {
    what: String,
    does: &'static str,
}

pub fn check(invocation: &Invocation) -> Result<(), LocalProgramRefusal> {
    let Some(service) = invocation.service.as_deref() else {
        return Ok(());
    };
    let operation = invocation.operation.as_deref();
    match LOCAL_PROGRAMS
        .iter()
        .find(|(s, o, _)| *s == service && (*o == "*" || Some(*o) == operation))
    {
        Some((_, _, does)) => Err(LocalProgramRefusal {
            what: invocation.what(),
            does,
        }),
        None => Ok(()),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "Refused: with the sandbox off (MCP_AWS_SSO_EXEC_SANDBOX=off), `aws {0}` would read or change your own AWS CLI \
     configuration and credentials; only `configure list` and `configure list-profiles` run."
)]
pub struct UserConfigRefusal(String);

/// With the sandbox off: `configure` would print the user's long-term secrets (`get`,
/// `export-credentials`) or change their CLI for good (`set`, `import`, `add-model`: a
/// `credential_process` they set later runs a shell). Only listing runs.
pub fn check_user_config(invocation: &Invocation) -> Result<(), UserConfigRefusal> {
    match (invocation.service.as_deref(), invocation.operation.as_deref()) {
        (Some("configure"), Some("list" | "list-profiles")) => Ok(()),
        (Some("configure"), _) => Err(UserConfigRefusal(invocation.what())),
        _ => Ok(()),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "Refused: `{0}` is an AWS CLI alias in {1}; aliases are not available here (one starting with `!` runs a shell). \
     Write the AWS CLI command it stands for."
)]
pub struct AliasRefusal(String, String);

/// With the sandbox off: refuses a command that uses an alias of `alias_file` (the user's
/// `~/.aws/cli/alias`). A missing or unreadable file has no aliases.
pub fn check_aliases(invocation: &Invocation, alias_file: &std::path::Path) -> Result<(), AliasRefusal> {
    let Ok(text) = std::fs::read_to_string(alias_file) else {
        return Ok(());
    };
    let service = invocation.service.as_deref().unwrap_or_default();
    let operation = invocation.operation.as_deref().unwrap_or_default();
    let mut section = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            section = name.split_whitespace().collect::<Vec<_>>().join(" ");
            continue;
        }
        // Keys start a line; indented lines continue a value.
        if line.starts_with([' ', '\t']) || trimmed.starts_with(['#', ';']) {
            continue;
        }
        let Some((key, _)) = trimmed.split_once('=') else {
            continue;
        };
        let key = key.trim();
        let used =
            (section == "toplevel" && key == service) || (section == format!("command {service}") && key == operation);
        if used && !key.is_empty() {
            return Err(AliasRefusal(key.to_string(), alias_file.display().to_string()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invocation(line: &str) -> Invocation {
        crate::cli_grammar::parse(shell_words::split(line).unwrap().into_iter().skip(1).collect()).unwrap()
    }

    #[test]
    fn programs_are_refused_and_api_calls_are_not() {
        assert!(check(&invocation("aws ssm start-session --target i-1")).is_err());
        assert!(check(&invocation("aws --region eu-west-1 emr ssh --cluster-id j")).is_err());
        assert!(check(&invocation("aws ssm describe-sessions --state Active")).is_ok());
        assert!(check(&invocation("aws")).is_ok());
        assert!(check(&invocation("aws login")).is_err());
        assert!(check(&invocation("aws login --remote")).is_err());
    }

    #[test]
    fn without_the_sandbox_configure_only_lists() {
        for line in [
            "aws configure get prod.aws_secret_access_key",
            "aws configure export-credentials",
            "aws configure set default.credential_process 'sh -c id'",
            "aws configure",
        ] {
            assert!(check_user_config(&invocation(line)).is_err(), "{line}");
        }
        for line in ["aws configure list", "aws configure list-profiles", "aws s3 ls"] {
            assert!(check_user_config(&invocation(line)).is_ok(), "{line}");
        }
    }

    #[test]
    fn aliases_of_the_users_file_are_refused() {
        let file = std::env::temp_dir().join(format!("exec-alias-{}", std::process::id()));
        std::fs::write(
            &file,
            "[toplevel]\nevil = !f() { touch /tmp/x; }; f\nwhoami = sts get-caller-identity\n  continued = x\n\
             [command ec2]\nmine = describe-instances\n",
        )
        .unwrap();
        for line in ["aws evil", "aws --debug whoami", "aws ec2 mine"] {
            assert!(check_aliases(&invocation(line), &file).is_err(), "{line}");
        }
        for line in [
            "aws sts get-caller-identity",
            "aws continued",
            "aws s3 mine",
            "aws ec2 describe-vpcs",
        ] {
            assert!(check_aliases(&invocation(line), &file).is_ok(), "{line}");
        }
        assert!(check_aliases(&invocation("aws evil"), std::path::Path::new("/nonexistent/alias")).is_ok());
        std::fs::remove_file(file).unwrap();
    }
}
