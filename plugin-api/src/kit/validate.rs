//! Argument checks that say what is wrong and how to fix it. Each agrees with the JSON Schema
//! fragment of the same name in [`schema`](super::schema) (a test checks it), so the host's
//! schema validation and the plugin's own checks give one answer.
//!
//! Every check takes the argument as JSON, so a plugin can pass `&args["accountId"]` as it came.

use serde_json::Value;

use crate::outcome::ToolError;

/// Most characters of an IAM role name.
pub const MAX_ROLE_NAME_CHARS: usize = 64;

/// The largest 12-digit account id, as a JSON integer.
pub const MAX_ACCOUNT_ID: u64 = 999_999_999_999;

fn shown(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut short: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        short.push('…');
    }
    format!("{short:?}")
}

fn broken(field: &str, rule: &str, value: &Value) -> ToolError {
    ToolError::invalid_arguments(format!("`{field}` {rule}; got {}.", shown(value)))
}

fn required(field: &str, value: &Value) -> Result<(), ToolError> {
    if value.is_null() {
        return Err(ToolError::invalid_arguments(format!("`{field}` is required.")));
    }
    Ok(())
}

/// A 12-digit AWS account id. A JSON integer is accepted too and zero-padded to 12 digits:
/// a model (or a YAML round trip) often turns `012345678901` into the number `12345678901`.
pub fn account_id(field: &str, value: &Value) -> Result<String, ToolError> {
    required(field, value)?;
    let rule = "must be a 12-digit AWS account id, e.g. 123456789012 (see aws_sso_ls_accounts)";
    match value {
        Value::String(s) if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) => Ok(s.clone()),
        Value::Number(n) => match n.as_u64() {
            Some(id) if id <= MAX_ACCOUNT_ID => Ok(format!("{id:012}")),
            _ => Err(broken(field, rule, value)),
        },
        _ => Err(broken(field, rule, value)),
    }
}

/// An IAM role name: 1-64 characters from `A-Za-z0-9_+=,.@-`.
pub fn role_name(field: &str, value: &Value) -> Result<String, ToolError> {
    required(field, value)?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c);
    match value.as_str() {
        Some(s) if (1..=MAX_ROLE_NAME_CHARS).contains(&s.len()) && s.chars().all(allowed) => Ok(s.to_string()),
        _ => Err(broken(
            field,
            "must be an IAM role name: 1-64 characters from A-Z, a-z, 0-9 and _+=,.@- (e.g. ReadOnly)",
            value,
        )),
    }
}

/// An AWS region code such as `us-east-1`, `eu-central-2` or `us-gov-west-1`.
pub fn region(field: &str, value: &Value) -> Result<String, ToolError> {
    required(field, value)?;
    let ok = value.as_str().is_some_and(|s| {
        let parts: Vec<&str> = s.split('-').collect();
        let letters = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
        parts.len() >= 3
            && parts[0].len() == 2
            && letters(parts[0])
            && parts[1..parts.len() - 1].iter().all(|p| letters(p))
            && (1..=2).contains(&parts[parts.len() - 1].len())
            && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
    });
    match value.as_str() {
        Some(s) if ok => Ok(s.to_string()),
        _ => Err(broken(field, "must be an AWS region code such as us-east-1", value)),
    }
}

/// An EC2 instance id: `i-` and 8 or 17 lower-case hex digits. Managed on-premises instances
/// (`mi-` + 17 hex digits) are accepted too: SSM addresses them the same way.
pub fn instance_id(field: &str, value: &Value) -> Result<String, ToolError> {
    required(field, value)?;
    let hex = |s: &str| {
        (s.len() == 8 || s.len() == 17) && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    let ok = value.as_str().is_some_and(|s| {
        s.strip_prefix("i-").is_some_and(hex) || s.strip_prefix("mi-").is_some_and(|h| h.len() == 17 && hex(h))
    });
    match value.as_str() {
        Some(s) if ok => Ok(s.to_string()),
        _ => Err(broken(
            field,
            "must be an instance id: i- and 8 or 17 hex digits (e.g. i-0abc12345def67890), or mi- and 17",
            value,
        )),
    }
}

/// An optional argument: `None` when absent or null, else `check`ed.
pub fn optional<T>(
    field: &str,
    value: &Value,
    check: fn(&str, &Value) -> Result<T, ToolError>,
) -> Result<Option<T>, ToolError> {
    if value.is_null() {
        return Ok(None);
    }
    check(field, value).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn account_ids_as_strings_or_integers() {
        assert_eq!(account_id("accountId", &json!("123456789012")).unwrap(), "123456789012");
        assert_eq!(account_id("accountId", &json!(12345678901u64)).unwrap(), "012345678901");
        assert_eq!(account_id("accountId", &json!(7)).unwrap(), "000000000007");
        for bad in [
            json!("12345678901"),
            json!("1234567890123"),
            json!("12345678901a"),
            json!(""),
            json!("１２３４５６７８９０１２"),
            json!(1_000_000_000_000u64),
            json!(-1),
            json!(1.5),
            json!(true),
        ] {
            let error = account_id("accountId", &bad).unwrap_err();
            assert!(
                error.message.contains("`accountId`") && error.message.contains("12-digit"),
                "{bad}"
            );
        }
        assert!(
            account_id("accountId", &Value::Null)
                .unwrap_err()
                .message
                .contains("required")
        );
    }

    #[test]
    fn role_names_regions_and_instances() {
        for good in [
            "ReadOnly",
            "AWSReservedSSO_Admin_0123abcd",
            "a+b=c,d.e@f-g_h",
            &"R".repeat(64),
        ] {
            assert!(role_name("roleName", &json!(good)).is_ok(), "{good}");
        }
        for bad in ["", "Read Only", "Role/Path", "Rôle", "x;y", &"R".repeat(65)] {
            assert!(role_name("roleName", &json!(bad)).is_err(), "{bad}");
        }
        for good in ["us-east-1", "us-gov-west-1", "eu-central-2", "ap-southeast-2"] {
            assert!(region("region", &json!(good)).is_ok(), "{good}");
        }
        for bad in ["", "us-east", "US-EAST-1", "us-east-100", "us-east-1 ", "us-east-1;"] {
            assert!(region("region", &json!(bad)).is_err(), "{bad}");
        }
        for good in ["i-0abc12345def67890", "i-1234abcd", "mi-0123456789abcdef0"] {
            assert!(instance_id("instanceId", &json!(good)).is_ok(), "{good}");
        }
        for bad in [
            "i-",
            "i-123",
            "i-0ABC12345DEF67890",
            "x-1234abcd",
            "i-1234abcd;ls",
            "mi-1234abcd",
        ] {
            assert!(instance_id("instanceId", &json!(bad)).is_err(), "{bad}");
        }
        assert_eq!(optional("region", &Value::Null, region).unwrap(), None);
    }
}

/// Typed arguments for [`Tool::Args`](super::Tool::Args): each newtype deserializes through the
/// check of the same name, so a bad value is an `invalid_arguments` error naming the rule.
pub mod types {
    use serde::{Deserialize, Deserializer, Serialize};
    use serde_json::Value;

    macro_rules! checked_string {
        ($(#[$doc:meta])* $name:ident, $check:path, $field:literal) => {
            $(#[$doc])*
            #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
            #[serde(transparent)]
            pub struct $name(pub String);

            impl<'de> Deserialize<'de> for $name {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = Value::deserialize(deserializer)?;
                    $check($field, &value).map($name).map_err(|e| serde::de::Error::custom(e.message))
                }
            }

            impl std::ops::Deref for $name {
                type Target = str;
                fn deref(&self) -> &str {
                    &self.0
                }
            }

            impl std::fmt::Display for $name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(&self.0)
                }
            }
        };
    }

    checked_string!(
        /// A 12-digit account id; a JSON integer is zero-padded.
        AccountId, super::account_id, "accountId"
    );
    checked_string!(
        /// An IAM role name.
        RoleName, super::role_name, "roleName"
    );
    checked_string!(
        /// An AWS region code.
        Region, super::region, "region"
    );
    checked_string!(
        /// An EC2 (or SSM managed) instance id.
        InstanceId, super::instance_id, "instanceId"
    );
}
