//! The arguments of `aws_sso_exec_command`, checked field by field before anything runs.
//!
//! The host already validates arguments against the input schema (whose patterns come from the
//! constants below), but a plugin is a boundary of its own: these checks keep the plugin safe
//! with any host, turn the JSON into a typed [`ExecRequest`], and catch what a schema cannot say
//! well (a command of blanks, a NUL byte) with a message that names the field and the rule.

use std::time::Duration;

use serde_json::Value;

/// `accountId`: an AWS account id is exactly twelve digits.
pub const ACCOUNT_ID_PATTERN: &str = "^[0-9]{12}$";
/// `roleName`: the characters IAM allows in a role name, 1 to 64 of them.
pub const ROLE_NAME_PATTERN: &str = "^[A-Za-z0-9_+=,.@-]{1,64}$";
/// `region`: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `us-isob-east-1`, ...
pub const REGION_PATTERN: &str = "^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$";
/// `command`: long enough for inline JSON policies and filters, short of anything absurd.
pub const MAX_COMMAND_CHARS: usize = 16 * 1024;
/// `timeoutSeconds`: one second to one day.
pub const MIN_TIMEOUT_SECONDS: u64 = 1;
pub const MAX_TIMEOUT_SECONDS: u64 = 24 * 60 * 60;

const MAX_ROLE_NAME_CHARS: usize = 64;

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
}

/// Reads and checks the tool's arguments.
pub fn parse(args: &Value) -> Result<ExecRequest, ValidationError> {
    let account_id = required_string(args, "accountId", "the 12-digit AWS account id")?;
    check_account_id(&account_id)?;
    let role_name = required_string(args, "roleName", "the name of an IAM Identity Center role")?;
    check_role_name(&role_name)?;
    let command = required_string(
        args,
        "command",
        "one AWS CLI command, e.g. `aws sts get-caller-identity`",
    )?;
    let command = check_command(&command)?;
    let region = optional_string(args, "region")?;
    if let Some(region) = &region {
        check_region(region)?;
    }
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

fn optional_string(args: &Value, field: &'static str) -> Result<Option<String>, ValidationError> {
    match args.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
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

pub fn check_account_id(value: &str) -> Result<(), ValidationError> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    Err(ValidationError::BrokenRule {
        field: "accountId",
        rule: "must be exactly 12 digits, e.g. 123456789012 (see aws_sso_ls_accounts)",
        got: shown(value),
    })
}

pub fn check_role_name(value: &str) -> Result<(), ValidationError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c);
    if (1..=MAX_ROLE_NAME_CHARS).contains(&value.chars().count()) && value.chars().all(allowed) {
        return Ok(());
    }
    Err(ValidationError::BrokenRule {
        field: "roleName",
        rule: "must be 1-64 characters from A-Z, a-z, 0-9 and _+=,.@- (an IAM role name, e.g. ReadOnly)",
        got: shown(value),
    })
}

pub fn check_region(value: &str) -> Result<(), ValidationError> {
    let parts: Vec<&str> = value.split('-').collect();
    let letters = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase());
    let ok = parts.len() >= 3
        && parts[0].len() == 2
        && letters(parts[0])
        && parts[1..parts.len() - 1].iter().all(|p| letters(p))
        && (1..=2).contains(&parts[parts.len() - 1].len())
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit());
    if ok {
        return Ok(());
    }
    Err(ValidationError::BrokenRule {
        field: "region",
        rule: "must be an AWS region code such as us-east-1 or eu-central-2",
        got: shown(value),
    })
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
    fn account_id_must_be_twelve_digits() {
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
                text.contains("`accountId`") && text.contains("12 digits"),
                "{bad:?}: {text}"
            );
        }
        let error = parse(&args(json!({"accountId": 123456789012u64}))).unwrap_err();
        assert_eq!(
            error,
            ValidationError::WrongType {
                field: "accountId",
                expected: "a string"
            }
        );
    }

    #[test]
    fn role_name_uses_iam_characters() {
        for good in [
            "ReadOnly",
            "AWSReservedSSO_Admin_0123abcd",
            "a+b=c,d.e@f-g_h",
            &"R".repeat(64),
        ] {
            assert!(check_role_name(good).is_ok(), "{good}");
        }
        for bad in ["", "Read Only", "Role/Path", "Rôle", "x;y", &"R".repeat(65)] {
            let text = check_role_name(bad).unwrap_err().to_string();
            assert!(text.contains("`roleName`"), "{bad:?}: {text}");
        }
    }

    #[test]
    fn region_must_look_like_a_region_code() {
        for good in [
            "us-east-1",
            "ap-southeast-2",
            "us-gov-west-1",
            "us-isob-east-1",
            "eu-central-2",
            "il-central-1",
        ] {
            assert!(check_region(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "us-east",
            "US-EAST-1",
            "useast1",
            "us-east-100",
            "u-east-1",
            "us--1",
            "us-east-1 ",
            "us-east-1;",
        ] {
            let text = check_region(bad).unwrap_err().to_string();
            assert!(
                text.contains("`region`") && text.contains("region code"),
                "{bad:?}: {text}"
            );
        }
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

    /// The schema the host validates with and these checks must agree, or a caller would get
    /// different answers from different front ends.
    #[test]
    fn patterns_agree_with_the_checks() {
        let agree = |pattern: &str, check: fn(&str) -> Result<(), ValidationError>, samples: &[&str]| {
            let schema = json!({"type": "string", "pattern": pattern});
            let validator = jsonschema::validator_for(&schema).unwrap();
            for sample in samples {
                assert_eq!(
                    validator.is_valid(&json!(sample)),
                    check(sample).is_ok(),
                    "{pattern} vs {sample:?}"
                );
            }
        };
        agree(
            ACCOUNT_ID_PATTERN,
            check_account_id,
            &["123456789012", "12345678901", "12345678901x", "0000000000001"],
        );
        agree(
            ROLE_NAME_PATTERN,
            check_role_name,
            &["ReadOnly", "a b", "x@y.z", "", &"r".repeat(64), &"r".repeat(65), "é"],
        );
        agree(
            REGION_PATTERN,
            check_region,
            &[
                "us-east-1",
                "us-gov-west-1",
                "us-east",
                "us-east-123",
                "US-east-1",
                "a-b-1",
                "us-e4st-1",
            ],
        );
    }
}
