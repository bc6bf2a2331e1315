//! Which AWS partition a region is in, and the sign-in and console hosts of that partition.
//!
//! From the AWS General Reference ("AWS Sign-In endpoints") and the console domains:
//!
//! | partition   | regions    | federation endpoint                                   | console                          |
//! |-------------|------------|-------------------------------------------------------|----------------------------------|
//! | `aws`       | us-east-1  | `https://signin.aws.amazon.com/federation`            | `https://console.aws.amazon.com` |
//! | `aws`       | any other  | `https://{region}.signin.aws.amazon.com/federation`   | `https://{region}.console.aws.amazon.com` |
//! | `aws-us-gov`| `us-gov-*` | `https://signin.amazonaws-us-gov.com/federation`      | `https://console.amazonaws-us-gov.com` |
//! | `aws-cn`    | `cn-*`     | `https://signin.amazonaws.cn/federation`              | `https://console.amazonaws.cn`   |
//!
//! A sign-in token works for the whole partition; the regional endpoint keeps the sign-in in the
//! region the person is going to (and working when another region's sign-in is impaired).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partition {
    Aws,
    AwsUsGov,
    AwsCn,
}

impl Partition {
    pub fn of_region(region: &str) -> Self {
        if region.starts_with("us-gov-") {
            Partition::AwsUsGov
        } else if region.starts_with("cn-") {
            Partition::AwsCn
        } else {
            Partition::Aws
        }
    }

    /// The DNS suffix console and sign-in hosts share.
    pub fn domain(self) -> &'static str {
        match self {
            Partition::Aws => "aws.amazon.com",
            Partition::AwsUsGov => "amazonaws-us-gov.com",
            Partition::AwsCn => "amazonaws.cn",
        }
    }
}

/// The federation endpoint for a console session in `region`.
pub fn federation_endpoint(region: &str) -> String {
    match Partition::of_region(region) {
        Partition::Aws if region != "us-east-1" => format!("https://{region}.signin.aws.amazon.com/federation"),
        partition => format!("https://signin.{}/federation", partition.domain()),
    }
}

/// The console's base URL for `region`, without a trailing slash.
pub fn console_base(region: &str) -> String {
    match Partition::of_region(region) {
        Partition::Aws if region != "us-east-1" => format!("https://{region}.console.aws.amazon.com"),
        partition => format!("https://console.{}", partition.domain()),
    }
}

/// Whether `host` is a console host of `partition`: the console domain or one of its subdomains
/// (`s3.console.aws.amazon.com`, `eu-west-1.console.aws.amazon.com`).
pub fn is_console_host(partition: Partition, host: &str) -> bool {
    let console = format!("console.{}", partition.domain());
    host == console
        || host
            .strip_suffix(&console)
            .is_some_and(|rest| rest.ends_with('.') && rest.len() > 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_follow_the_partition_and_region() {
        assert_eq!(
            federation_endpoint("us-east-1"),
            "https://signin.aws.amazon.com/federation"
        );
        assert_eq!(
            federation_endpoint("eu-west-1"),
            "https://eu-west-1.signin.aws.amazon.com/federation"
        );
        assert_eq!(
            federation_endpoint("us-gov-west-1"),
            "https://signin.amazonaws-us-gov.com/federation"
        );
        assert_eq!(
            federation_endpoint("cn-north-1"),
            "https://signin.amazonaws.cn/federation"
        );
        assert_eq!(console_base("us-east-1"), "https://console.aws.amazon.com");
        assert_eq!(console_base("eu-west-1"), "https://eu-west-1.console.aws.amazon.com");
        assert_eq!(console_base("us-gov-east-1"), "https://console.amazonaws-us-gov.com");
        assert_eq!(console_base("cn-northwest-1"), "https://console.amazonaws.cn");
    }

    #[test]
    fn console_hosts_are_matched_on_label_boundaries() {
        assert!(is_console_host(Partition::Aws, "console.aws.amazon.com"));
        assert!(is_console_host(Partition::Aws, "s3.console.aws.amazon.com"));
        assert!(!is_console_host(Partition::Aws, "evilconsole.aws.amazon.com"));
        assert!(!is_console_host(Partition::Aws, "console.aws.amazon.com.evil.example"));
        assert!(!is_console_host(Partition::Aws, ".console.aws.amazon.com"));
        assert!(!is_console_host(Partition::Aws, "console.amazonaws.cn"));
        assert!(is_console_host(Partition::AwsCn, "console.amazonaws.cn"));
    }
}
