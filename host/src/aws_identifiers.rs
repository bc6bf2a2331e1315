//! The shapes of the AWS identifiers the session verbs and host extensions accept: account ids,
//! role (permission set) names and regions. One place, so the CLI, the MCP extension and the
//! error messages agree.

/// The rule, for messages.
pub const ACCOUNT_ID_RULE: &str = "an AWS account id is 12 digits, e.g. 123456789012";
pub const ROLE_NAME_RULE: &str = "a role name is 1-64 letters, digits and +=,.@_-";
pub const REGION_RULE: &str = "an AWS region looks like us-east-1 or eu-west-3";

pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// IAM role names: `[\w+=,.@-]{1,64}`.
pub fn is_role_name(text: &str) -> bool {
    (1..=64).contains(&text.len()) && text.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-7`, ...
pub fn is_region(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() >= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && parts[0].bytes().all(|b| b.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_recognised_strictly() {
        for good in [
            "us-east-1",
            "eu-central-2",
            "us-gov-west-1",
            "cn-north-1",
            "ap-southeast-7",
        ] {
            assert!(is_region(good), "{good}");
        }
        for bad in [
            "",
            "us",
            "us-east",
            "US-EAST-1",
            "us-east-1;rm",
            "us-east-1 ",
            "1-east-1",
            "us--1",
        ] {
            assert!(!is_region(bad), "{bad}");
        }
    }

    #[test]
    fn account_ids_and_role_names() {
        assert!(is_account_id("123456789012"));
        for bad in ["12345678901", "1234567890123", "12345678901a", "123456789012\n"] {
            assert!(!is_account_id(bad), "{bad:?}");
        }
        assert!(is_role_name("AWSReservedSSO_ReadOnly+x=y,z.@-"));
        for bad in ["", "a b", "a/b", "a;b", &"x".repeat(65)] {
            assert!(!is_role_name(bad), "{bad:?}");
        }
    }
}
