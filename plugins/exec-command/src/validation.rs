//! The arguments of `aws_sso_exec_command`, checked field by field before anything runs.
//!
//! The host already validates arguments against the input schema (the kit's fragments for account
//! id, role name and region, checked here by the kit's validators), but a plugin is a boundary of its own: these checks keep the plugin safe
//! with any host, turn the JSON into a typed [`ExecRequest`], and catch what a schema cannot say
//! well (a command of blanks, a NUL byte) with a message that names the field and the rule.

use std::time::Duration;

use mcp_aws_sso_plugin_api::ToolError;
use mcp_aws_sso_plugin_api::kit::validate;
use serde_json::Value;

/// `command`: long enough for inline JSON policies and filters, short of anything absurd.
pub const MAX_COMMAND_CHARS: usize = 16 * 1024;
/// `timeoutSeconds`: one second to one day.
pub const MIN_TIMEOUT_SECONDS: u64 = 1;
pub const MAX_TIMEOUT_SECONDS: u64 = 24 * 60 * 60;

/// A validated call.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecRequest {
    pub account_id: String,
    pub role_name: String,
    /// The command as the caller wrote it, without surrounding blanks.
    pub command: String,
    pub region: Option<String>,
    pub timeout: Option<Duration>,
}

/// Why the arguments were refused: always names the field and the rule it broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    #[error("`{field}` is required: {rule}.")]
    Missing { field: &'static str, rule: &'static str },
    #[error("`{field}` must be {expected}.")]
    WrongType {
        field: &'static str,
        expected: &'static str,
    },
    #[error("`{field}` {rule} (got {got}).")]
    BrokenRule {
        field: &'static str,
        rule: &'static str,
        got: String,
    },
    /// A rule of the plugin kit (account id, role name, region), in the kit's words.
    #[error("{0}")]
    Kit(String),
}

impl From<ToolError> for ValidationError {
    fn from(error: ToolError) -> Self {
        Self::Kit(error.message)
    }
}

fn field<'a>(args: &'a Value, name: &str) -> &'a Value {
    args.get(name).unwrap_or(&Value::Null)
}

/// Reads and checks the tool's arguments. The account id may come as a JSON integer (the kit
/// zero-pads it to 12 digits).
pub fn parse(args: &Value) -> Result<ExecRequest, ValidationError> {
    let account_id = validate::account_id("accountId", field(args, "accountId"))?;
    let role_name = validate::role_name("roleName", field(args, "roleName"))?;
    let command = required_string(
        args,
        "command",
        "one AWS CLI command, e.g. `aws sts get-caller-identity`",
    )?;
    let command = check_command(&command)?;
    let region = validate::optional("region", field(args, "region"), validate::region)?;
    let timeout = optional_timeout(args)?;
    Ok(ExecRequest {
        account_id,
        role_name,
        command,
        region,
        timeout,
    })
}

fn required_string(args: &Value, field: &'static str, rule: &'static str) -> Result<String, ValidationError> {
    match args.get(field) {
        None | Some(Value::Null) => Err(ValidationError::Missing { field, rule }),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(ValidationError::WrongType {
            field,
            expected: "a string",
        }),
    }
}

/// Quotes a caller's value for an error message, shortened so a huge value stays readable.
fn shown(value: &str) -> String {
    const MAX: usize = 60;
    let mut text: String = value.chars().take(MAX).collect();
    if value.chars().count() > MAX {
        text.push('…');
    }
    format!("{text:?}")
}

/// Returns the command without surrounding blanks.
pub fn check_command(value: &str) -> Result<String, ValidationError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ValidationError::BrokenRule {
            field: "command",
            rule: "must not be empty: give one AWS CLI command, e.g. `aws sts get-caller-identity`",
            got: shown(value),
        });
    }
    let chars = trimmed.chars().count();
    if chars > MAX_COMMAND_CHARS {
        return Err(ValidationError::BrokenRule {
            field: "command",
            rule: "must be at most 16384 characters; put large inputs in a file and pass `file://path`",
            got: format!("{chars} characters"),
        });
    }
    if trimmed.contains('\0') {
        return Err(ValidationError::BrokenRule {
            field: "command",
            rule: "must not contain NUL characters",
            got: "a NUL character".to_string(),
        });
    }
    Ok(trimmed.to_string())
}

fn optional_timeout(args: &Value) -> Result<Option<Duration>, ValidationError> {
    let field = "timeoutSeconds";
    let value = match args.get(field) {
        None | Some(Value::Null) => return Ok(None),
        Some(value) => value,
    };
    // JSON has one number type: 30 and 30.0 are the same integer to a JSON Schema validator.
    let seconds = value.as_u64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0)
            .map(|f| f as u64)
    });
    let Some(seconds) = seconds else {
        return Err(ValidationError::WrongType {
            field,
            expected: "a whole number of seconds",
        });
    };
    if !(MIN_TIMEOUT_SECONDS..=MAX_TIMEOUT_SECONDS).contains(&seconds) {
        return Err(ValidationError::BrokenRule {
            field,
            rule: "must be between 1 and 86400 seconds",
            got: seconds.to_string(),
        });
    }
    Ok(Some(Duration::from_secs(seconds)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn args(overrides: Value) -> Value {
        let mut base = json!({"accountId": "123456789012", "roleName": "ReadOnly", "command": "aws s3 ls"});
        for (k, v) in overrides.as_object().unwrap() {
            base[k] = v.clone();
        }
        base
    }

    #[test]
    fn accepts_a_complete_call() {
        let request = parse(&args(json!({"region": "eu-west-1", "timeoutSeconds": 30}))).unwrap();
        assert_eq!(request.account_id, "123456789012");
        assert_eq!(request.role_name, "ReadOnly");
        assert_eq!(request.command, "aws s3 ls");
        assert_eq!(request.region.as_deref(), Some("eu-west-1"));
        assert_eq!(request.timeout, Some(Duration::from_secs(30)));
    }

    #[test]
    fn optional_fields_may_be_absent_or_null() {
        let request = parse(&args(json!({"region": null, "timeoutSeconds": null}))).unwrap();
        assert_eq!(request.region, None);
        assert_eq!(request.timeout, None);
    }

    #[test]
    fn account_id_is_twelve_digits_or_an_integer() {
        for bad in [
            "12345678901",
            "1234567890123",
            "12345678901a",
            "",
            "１２３４５６７８９０１２",
        ] {
            let error = parse(&args(json!({"accountId": bad}))).unwrap_err();
            let text = error.to_string();
            assert!(
                text.contains("`accountId`") && text.contains("12-digit"),
                "{bad:?}: {text}"
            );
        }
        let request = parse(&args(json!({"accountId": 123456789012u64}))).unwrap();
        assert_eq!(request.account_id, "123456789012");
        let request = parse(&args(json!({"accountId": 12345678901u64}))).unwrap();
        assert_eq!(request.account_id, "012345678901");
    }

    #[test]
    fn role_name_and_region_are_checked_by_the_kit() {
        let text = parse(&args(json!({"roleName": "Read Only"}))).unwrap_err().to_string();
        assert!(text.contains("`roleName`"), "{text}");
        let text = parse(&args(json!({"region": "us-east-1;"}))).unwrap_err().to_string();
        assert!(text.contains("`region`") && text.contains("region code"), "{text}");
    }

    #[test]
    fn command_must_not_be_blank_huge_or_contain_nul() {
        assert!(
            parse(&args(json!({"command": "   \t "})))
                .unwrap_err()
                .to_string()
                .contains("must not be empty")
        );
        let huge = format!("aws s3 ls {}", "x".repeat(MAX_COMMAND_CHARS));
        assert!(
            parse(&args(json!({"command": huge})))
                .unwrap_err()
                .to_string()
                .contains("at most 16384")
        );
        assert!(
            parse(&args(json!({"command": "aws s3 ls\u{0}"})))
                .unwrap_err()
                .to_string()
                .contains("NUL")
        );
        assert_eq!(
            parse(&args(json!({"command": "  aws s3 ls \n"}))).unwrap().command,
            "aws s3 ls"
        );
    }

    #[test]
    fn missing_fields_are_named() {
        let error = parse(&json!({"accountId": "123456789012", "roleName": "ReadOnly"})).unwrap_err();
        assert!(error.to_string().starts_with("`command` is required"), "{error}");
        let error = parse(&json!({})).unwrap_err();
        assert!(error.to_string().starts_with("`accountId` is required"), "{error}");
    }

    #[test]
    fn timeout_is_a_whole_number_in_range() {
        assert_eq!(
            parse(&args(json!({"timeoutSeconds": 5.0}))).unwrap().timeout,
            Some(Duration::from_secs(5))
        );
        for bad in [json!(0), json!(86401), json!(1.5), json!(-3), json!("30")] {
            let text = parse(&args(json!({"timeoutSeconds": bad}))).unwrap_err().to_string();
            assert!(text.contains("`timeoutSeconds`"), "{text}");
        }
    }
}
