//! `export-credentials --account-id ID --role-name ROLE --format FORMAT`: role credentials in the
//! formats of `aws configure export-credentials`, so `eval "$(mcp-aws-sso export-credentials
//! ... --format env)"` sets up a shell.
//!
//! The lines are byte for byte what the AWS CLI v2 writes (`export AWS_ACCESS_KEY_ID=...`,
//! `$Env:AWS_ACCESS_KEY_ID="..."`, `set AWS_ACCESS_KEY_ID=...`), plus `AWS_REGION` and
//! `AWS_DEFAULT_REGION` when `--region` is given. Values are written unquoted, as the AWS CLI does;
//! that is only safe for the characters AWS uses in credentials, so anything else is refused
//! rather than written into a line a shell will evaluate.

use std::process::ExitCode;

use clap::{Arg, ArgMatches, Command};
use serde_json::json;

use super::credential_process::ProcessCredentials;
use super::role_target::{self, Credentials, RoleTarget};
use super::session_verbs::Session;
use super::{EXIT_OK, EXIT_TOOL_ERROR};
use crate::auth::format_unix;

const FORMATS: &[&str] = &["env", "env-no-export", "powershell", "windows-cmd", "process", "json"];

pub fn command() -> Command {
    let command = Command::new("export-credentials")
        .about("Print role credentials as shell variables, credential_process JSON or JSON")
        .long_about(
            "Print role credentials in the formats of `aws configure export-credentials`:\n  \
             env            export AWS_ACCESS_KEY_ID=...        (eval \"$(mcp-aws-sso export-credentials ...)\")\n  \
             env-no-export  AWS_ACCESS_KEY_ID=...\n  \
             powershell     $Env:AWS_ACCESS_KEY_ID=\"...\"\n  \
             windows-cmd    set AWS_ACCESS_KEY_ID=...\n  \
             process        credential_process JSON (the default)\n  \
             json           one JSON object with account, role and region\n\n\
             With --region, the shell formats also set AWS_REGION and AWS_DEFAULT_REGION.",
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("FORMAT")
                .value_parser(FORMATS.to_vec())
                .default_value("process")
                .help("Output format"),
        );
    role_target::add_args(command)
}

pub async fn run(session: &Session, matches: &ArgMatches) -> ExitCode {
    let target = RoleTarget::from_matches(session, matches);
    // Region lines only when asked for: without --region the output is the AWS CLI's exactly.
    let region = matches.get_one::<String>("region").cloned();
    let format = matches
        .get_one::<String>("format")
        .map(String::as_str)
        .unwrap_or("process");
    let credentials = match role_target::role_credentials(session, &target).await {
        Ok(credentials) => credentials,
        Err(error) => return role_target::fail(&error),
    };
    match render(format, &credentials, &target, region.as_deref()) {
        Ok(text) => {
            print!("{text}");
            ExitCode::from(EXIT_OK)
        }
        Err(reason) => {
            eprintln!("error: {reason}");
            ExitCode::from(EXIT_TOOL_ERROR)
        }
    }
}

/// The output for `format`, ending in a newline.
pub fn render(
    format: &str,
    credentials: &Credentials,
    target: &RoleTarget,
    region: Option<&str>,
) -> Result<String, String> {
    let line_format: fn(&str, &str) -> String = match format {
        "process" => return Ok(format!("{}\n", ProcessCredentials::from(credentials).to_json())),
        "json" => {
            let value = json!({
                "accessKeyId": credentials.access_key_id,
                "secretAccessKey": credentials.secret_access_key,
                "sessionToken": credentials.session_token,
                "expiration": format_unix(credentials.expiration),
                "accountId": target.account_id,
                "roleName": target.role_name,
                "region": target.region,
            });
            return Ok(format!("{value:#}\n"));
        }
        "env" => |name, value| format!("export {name}={value}\n"),
        "env-no-export" => |name, value| format!("{name}={value}\n"),
        "powershell" => |name, value| format!("$Env:{name}=\"{value}\"\n"),
        "windows-cmd" => |name, value| format!("set {name}={value}\n"),
        other => return Err(format!("unknown format `{other}`")),
    };
    let expiration = format_unix(credentials.expiration);
    let mut variables = vec![
        ("AWS_ACCESS_KEY_ID", credentials.access_key_id.as_str()),
        ("AWS_SECRET_ACCESS_KEY", credentials.secret_access_key.as_str()),
        ("AWS_SESSION_TOKEN", credentials.session_token.as_str()),
        ("AWS_CREDENTIAL_EXPIRATION", expiration.as_str()),
    ];
    if let Some(region) = region {
        variables.push(("AWS_REGION", region));
        variables.push(("AWS_DEFAULT_REGION", region));
    }
    let mut text = String::new();
    for (name, value) in variables {
        if !is_plain(value) {
            return Err(format!(
                "{name} holds characters that cannot be written safely as `{format}`; use --format process"
            ));
        }
        text.push_str(&line_format(name, value));
    }
    Ok(text)
}

/// Characters that mean nothing special to sh, PowerShell (in double quotes) or cmd.
fn is_plain(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+/=._:-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials(secret: &str) -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: secret.into(),
            session_token: "IQoJb3JpZ2luX2Vj+/=".into(),
            expiration: 1_700_000_000,
        }
    }

    fn target() -> RoleTarget {
        RoleTarget {
            account_id: "111111111111".into(),
            role_name: "ReadOnly".into(),
            region: Some("eu-west-1".into()),
        }
    }

    #[test]
    fn shell_formats_match_the_aws_cli() {
        let c = credentials("wJalr/K7MDENG+bPxRfiCY=");
        assert_eq!(
            render("env", &c, &target(), None).unwrap(),
            "export AWS_ACCESS_KEY_ID=ASIAEXAMPLE\nexport AWS_SECRET_ACCESS_KEY=wJalr/K7MDENG+bPxRfiCY=\n\
             export AWS_SESSION_TOKEN=IQoJb3JpZ2luX2Vj+/=\nexport AWS_CREDENTIAL_EXPIRATION=2023-11-14T22:13:20Z\n"
        );
        assert!(
            render("env-no-export", &c, &target(), None)
                .unwrap()
                .starts_with("AWS_ACCESS_KEY_ID=ASIAEXAMPLE\n")
        );
        assert!(
            render("powershell", &c, &target(), None)
                .unwrap()
                .starts_with("$Env:AWS_ACCESS_KEY_ID=\"ASIAEXAMPLE\"\n")
        );
        assert!(
            render("windows-cmd", &c, &target(), None)
                .unwrap()
                .starts_with("set AWS_ACCESS_KEY_ID=ASIAEXAMPLE\n")
        );
        let with_region = render("env", &c, &target(), Some("eu-west-1")).unwrap();
        assert!(with_region.ends_with("export AWS_REGION=eu-west-1\nexport AWS_DEFAULT_REGION=eu-west-1\n"));
    }

    #[test]
    fn values_a_shell_would_interpret_are_refused() {
        for hostile in ["$(touch /tmp/x)", "a b", "a;b", "`id`", "a\"b", "a&b", ""] {
            assert!(
                render("env", &credentials(hostile), &target(), None).is_err(),
                "{hostile}"
            );
            assert!(
                render("powershell", &credentials(hostile), &target(), None).is_err(),
                "{hostile}"
            );
        }
        assert!(render("process", &credentials("$(x)"), &target(), None).is_ok());
    }
}
