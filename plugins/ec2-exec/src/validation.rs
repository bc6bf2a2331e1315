//! From the JSON arguments to a checked [`Request`], before anything talks to AWS.
//!
//! The host already validated the arguments against the input schema; these checks repeat the
//! schema's rules (a plugin may run under any ABI-1 host) and add what a schema says badly (a
//! command of blanks). Every error names the field.

use std::time::Duration;

use mcp_aws_sso_plugin_api::ToolError;
use mcp_aws_sso_plugin_api::kit::validate;
use serde_json::Value;

use crate::error::Ec2ExecError;
use crate::tool_spec::{DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS};

/// A call's arguments, checked, with the region and timeout resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub instance_id: String,
    pub account_id: String,
    pub role_name: String,
    pub command: String,
    pub region: String,
    pub timeout_seconds: u64,
}

impl Request {
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_seconds)
    }
}

/// What the host contributes: its default region and its call timeout (`callTimeoutSeconds`).
#[derive(Debug, Clone, Default)]
pub struct HostDefaults {
    pub region: Option<String>,
    pub call_timeout_seconds: Option<u64>,
}

/// Region order: the `region` argument, else the host's default region, else an error.
/// Timeout: `timeoutSeconds`, else 60 s, tightened by a smaller host-wide call timeout.
pub fn parse(args: &Value, defaults: &HostDefaults) -> Result<Request, Ec2ExecError> {
    let instance_id = kit(validate::instance_id, args, "instanceId")?;
    // A JSON integer is accepted and zero-padded to 12 digits.
    let account_id = kit(validate::account_id, args, "accountId")?;
    let role_name = kit(validate::role_name, args, "roleName")?;
    let command = required_string(args, "command")?;
    if command.trim().is_empty() {
        return Err(invalid(
            "command",
            "must not be empty: give the shell command to run on the instance",
        ));
    }
    let region = match validate::optional("region", field(args, "region"), validate::region)
        .map_err(|e| kit_rule("region", e))?
    {
        Some(region) => region,
        None => match &defaults.region {
            Some(region) if validate::region("region", &Value::from(region.as_str())).is_ok() => region.clone(),
            _ => return Err(Ec2ExecError::NoRegion),
        },
    };
    let timeout_seconds = match args.get("timeoutSeconds") {
        None | Some(Value::Null) => {
            DEFAULT_TIMEOUT_SECONDS.min(defaults.call_timeout_seconds.unwrap_or(u64::MAX).max(1))
        }
        Some(value) => match value.as_u64() {
            Some(seconds) if (1..=MAX_TIMEOUT_SECONDS).contains(&seconds) => seconds,
            _ => {
                return Err(invalid(
                    "timeoutSeconds",
                    &format!("must be a whole number of seconds from 1 to {MAX_TIMEOUT_SECONDS}, not {value}"),
                ));
            }
        },
    };
    Ok(Request {
        instance_id,
        account_id,
        role_name,
        command,
        region,
        timeout_seconds,
    })
}

fn invalid(field: &'static str, problem: &str) -> Ec2ExecError {
    Ec2ExecError::InvalidArgument {
        field,
        problem: problem.to_string(),
    }
}

fn field<'a>(args: &'a Value, name: &str) -> &'a Value {
    args.get(name).unwrap_or(&Value::Null)
}

fn kit_rule(field: &'static str, error: ToolError) -> Ec2ExecError {
    Ec2ExecError::KitRule {
        field,
        message: error.message,
    }
}

/// A required argument checked by the kit's validator of the same name.
fn kit(
    check: fn(&str, &Value) -> Result<String, ToolError>,
    args: &Value,
    name: &'static str,
) -> Result<String, Ec2ExecError> {
    check(name, field(args, name)).map_err(|e| kit_rule(name, e))
}

fn required_string(args: &Value, field: &'static str) -> Result<String, Ec2ExecError> {
    optional_string(args, field)?.ok_or_else(|| invalid(field, "is required"))
}

fn optional_string(args: &Value, field: &'static str) -> Result<Option<String>, Ec2ExecError> {
    match args.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(other) => Err(invalid(field, &format!("must be a string, not {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn args() -> Value {
        json!({
            "instanceId": "i-0123456789abcdef0",
            "accountId": "111111111111",
            "roleName": "Admin",
            "command": "uptime"
        })
    }

    fn with(key: &str, value: Value) -> Value {
        let mut args = args();
        args[key] = value;
        args
    }

    fn host(region: Option<&str>) -> HostDefaults {
        HostDefaults {
            region: region.map(String::from),
            call_timeout_seconds: Some(300),
        }
    }

    fn field_of(result: Result<Request, Ec2ExecError>) -> &'static str {
        match result {
            Err(Ec2ExecError::InvalidArgument { field, .. } | Ec2ExecError::KitRule { field, .. }) => field,
            other => panic!("expected an invalid argument, got {other:?}"),
        }
    }

    #[test]
    fn accepts_both_instance_id_lengths_and_managed_nodes() {
        for id in ["i-0123abcd", "i-0123456789abcdef0", "mi-0123456789abcdef0"] {
            assert!(
                parse(&with("instanceId", json!(id)), &host(Some("us-east-1"))).is_ok(),
                "{id}"
            );
        }
    }

    #[test]
    fn refuses_malformed_ids_naming_the_field() {
        for id in [
            "i-123",
            "i-0123456789ABCDEF0",
            "x-0123abcd",
            "i-0123456789abcdef",
            "i-0123abcg",
            "mi-01234567",
            "",
            "i-",
        ] {
            assert_eq!(
                field_of(parse(&with("instanceId", json!(id)), &host(Some("us-east-1")))),
                "instanceId"
            );
        }
        for id in ["12345678901", "1234567890123", "12345678901a"] {
            assert_eq!(
                field_of(parse(&with("accountId", json!(id)), &host(Some("us-east-1")))),
                "accountId"
            );
        }
        for name in ["", "has space", "a/b", &"x".repeat(65)] {
            assert_eq!(
                field_of(parse(&with("roleName", json!(name)), &host(Some("us-east-1")))),
                "roleName"
            );
        }
        for command in ["", "   \n\t"] {
            assert_eq!(
                field_of(parse(&with("command", json!(command)), &host(Some("us-east-1")))),
                "command"
            );
        }
        for region in ["useast1", "US-EAST-1", "us-east-", "us-east-100", "u-east-1"] {
            assert_eq!(field_of(parse(&with("region", json!(region)), &host(None))), "region");
        }
        for timeout in [json!(0), json!(3601), json!(-5), json!(1.5), json!("60")] {
            assert_eq!(
                field_of(parse(&with("timeoutSeconds", timeout), &host(Some("us-east-1")))),
                "timeoutSeconds"
            );
        }
        let mut missing = args();
        missing.as_object_mut().unwrap().remove("roleName");
        assert_eq!(field_of(parse(&missing, &host(Some("us-east-1")))), "roleName");
    }

    #[test]
    fn an_integer_account_id_is_zero_padded() {
        let request = parse(&with("accountId", json!(12345678901u64)), &host(Some("us-east-1"))).unwrap();
        assert_eq!(request.account_id, "012345678901");
        let request = parse(&with("accountId", json!(123456789012u64)), &host(Some("us-east-1"))).unwrap();
        assert_eq!(request.account_id, "123456789012");
    }

    #[test]
    fn region_comes_from_the_argument_then_the_host_then_is_an_error() {
        let explicit = parse(&with("region", json!("eu-west-1")), &host(Some("us-east-1"))).unwrap();
        assert_eq!(explicit.region, "eu-west-1");
        assert_eq!(
            parse(&args(), &host(Some("us-gov-west-1"))).unwrap().region,
            "us-gov-west-1"
        );
        assert!(matches!(parse(&args(), &host(None)), Err(Ec2ExecError::NoRegion)));
    }

    #[test]
    fn timeout_defaults_to_a_minute_unless_the_host_is_stricter() {
        assert_eq!(parse(&args(), &host(Some("us-east-1"))).unwrap().timeout_seconds, 60);
        let strict = HostDefaults {
            region: Some("us-east-1".into()),
            call_timeout_seconds: Some(20),
        };
        assert_eq!(parse(&args(), &strict).unwrap().timeout_seconds, 20);
        let explicit = parse(&with("timeoutSeconds", json!(3600)), &strict).unwrap();
        assert_eq!(explicit.timeout_seconds, 3600);
    }
}
