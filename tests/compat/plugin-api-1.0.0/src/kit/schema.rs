//! JSON Schema fragments for common arguments, to put in a tool's `inputSchema`. They agree with
//! the checks of the same name in [`validate`](super::validate): the host validates against the
//! schema before the plugin runs, and the plugin's check then only reads the value.
//!
//! ```
//! use mcp_aws_sso_plugin_api::kit::schema;
//! let input = schema::object(
//!     [("accountId", schema::account_id()), ("roleName", schema::role_name())],
//!     &["accountId", "roleName"],
//! );
//! assert_eq!(input["required"][0], "accountId");
//! ```

use serde_json::{Map, Value, json};

/// Regular expressions of the string forms.
pub const ACCOUNT_ID_PATTERN: &str = "^[0-9]{12}$";
pub const ROLE_NAME_PATTERN: &str = "^[A-Za-z0-9_+=,.@-]{1,64}$";
pub const REGION_PATTERN: &str = "^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$";
pub const INSTANCE_ID_PATTERN: &str = "^(i-([0-9a-f]{8}|[0-9a-f]{17})|mi-[0-9a-f]{17})$";

/// A 12-digit account id, as a string or a JSON integer (zero-padded by
/// [`validate::account_id`](super::validate::account_id)).
pub fn account_id() -> Value {
    json!({
        "type": ["string", "integer"],
        "pattern": ACCOUNT_ID_PATTERN,
        "minimum": 0,
        "maximum": super::validate::MAX_ACCOUNT_ID,
        "description": "The 12-digit AWS account id (see aws_sso_ls_accounts)"
    })
}

pub fn role_name() -> Value {
    json!({
        "type": "string",
        "pattern": ROLE_NAME_PATTERN,
        "description": "The IAM Identity Center role (permission set) name, e.g. ReadOnly"
    })
}

pub fn region() -> Value {
    json!({
        "type": "string",
        "pattern": REGION_PATTERN,
        "description": "AWS region, e.g. us-east-1 (default: the host's default region)"
    })
}

pub fn instance_id() -> Value {
    json!({
        "type": "string",
        "pattern": INSTANCE_ID_PATTERN,
        "description": "The EC2 instance id, e.g. i-0abc12345def67890"
    })
}

/// `fragment` with another description.
pub fn described(mut fragment: Value, description: &str) -> Value {
    fragment["description"] = Value::String(description.to_string());
    fragment
}

/// An object schema with these properties, of which `required` are required; no other
/// properties allowed (a misspelt argument is an error, not silently ignored).
pub fn object<'a>(properties: impl IntoIterator<Item = (&'a str, Value)>, required: &[&str]) -> Value {
    let properties: Map<String, Value> = properties.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::validate;
    use crate::outcome::ToolError;

    /// The host validates with the schema, the plugin with the check: they must agree.
    #[test]
    fn fragments_agree_with_the_checks() {
        type Check = fn(&str, &Value) -> Result<String, ToolError>;
        let cases: [(Value, Check, Vec<Value>); 4] = [
            (
                account_id(),
                validate::account_id,
                vec![
                    json!("123456789012"),
                    json!("12345678901"),
                    json!("12345678901x"),
                    json!(12345678901u64),
                    json!(1_000_000_000_000u64),
                    json!(-5),
                    json!(1.5),
                    json!(null),
                    json!(true),
                ],
            ),
            (
                role_name(),
                validate::role_name,
                vec![
                    json!("ReadOnly"),
                    json!("a b"),
                    json!("x@y.z"),
                    json!(""),
                    json!("r".repeat(64)),
                    json!("r".repeat(65)),
                    json!("é"),
                ],
            ),
            (
                region(),
                validate::region,
                vec![
                    json!("us-east-1"),
                    json!("us-gov-west-1"),
                    json!("us-east"),
                    json!("us-east-123"),
                    json!("US-east-1"),
                    json!("a-b-1"),
                    json!("us-e4st-1"),
                ],
            ),
            (
                instance_id(),
                validate::instance_id,
                vec![
                    json!("i-0abc12345def67890"),
                    json!("i-1234abcd"),
                    json!("i-123"),
                    json!("i-ABCDEF12"),
                    json!("mi-0123456789abcdef0"),
                    json!("mi-1234abcd"),
                ],
            ),
        ];
        for (fragment, check, samples) in cases {
            let validator = jsonschema::validator_for(&fragment).unwrap();
            for sample in samples {
                // `null` is "absent" for the checks; the schema types exclude it either way.
                let by_check = !sample.is_null() && check("x", &sample).is_ok();
                assert_eq!(validator.is_valid(&sample), by_check, "{fragment} vs {sample}");
            }
        }
    }
}
