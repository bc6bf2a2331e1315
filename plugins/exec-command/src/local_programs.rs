//! AWS CLI commands that start other local programs, refused in every mode.
//!
//! "No shell, ever" must also hold inside the AWS CLI: some of its customizations run a local
//! program or change the machine's configuration. The list is closed and short; an alias
//! (`!`-aliases run a shell) cannot occur because the sandbox has no alias file.

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
    let (Some(service), Some(operation)) = (invocation.service.as_deref(), invocation.operation.as_deref()) else {
        return Ok(());
    };
    match LOCAL_PROGRAMS.iter().find(|(s, o, _)| *s == service && *o == operation) {
        Some((_, _, does)) => Err(LocalProgramRefusal {
            what: invocation.what(),
            does,
        }),
        None => Ok(()),
    }
}
