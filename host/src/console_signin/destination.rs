//! Where the console opens: nothing (the console home), a short service name (`s3`, `ec2`,
//! `cloudwatch`, ...) expanded to that service's console in the region, or a full URL.
//!
//! The destination is chosen by whoever calls the tool, possibly a prompt-injected model, and the
//! browser lands there already signed in. So a URL must be `https` on a console host of the
//! session's partition (`console.aws.amazon.com` or a subdomain of it); anything else, such as a
//! look-alike host, another scheme, credentials in the URL or another port, is refused.

use url::Url;

use super::partition::{self, Partition};

/// A console page, and how to name it to a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub url: String,
    /// "EC2", "the console home", or the URL's host and path.
    pub label: String,
}

/// Short service names: (name, label, path under the console base; `{region}` is replaced).
const SERVICES: &[(&str, &str, &str)] = &[
    ("home", "the console home", "/console/home?region={region}"),
    ("apigateway", "API Gateway", "/apigateway/home?region={region}"),
    ("athena", "Athena", "/athena/home?region={region}"),
    ("billing", "Billing", "/billing/home"),
    (
        "cloudformation",
        "CloudFormation",
        "/cloudformation/home?region={region}",
    ),
    ("cloudfront", "CloudFront", "/cloudfront/v4/home"),
    ("cloudtrail", "CloudTrail", "/cloudtrail/home?region={region}"),
    ("cloudwatch", "CloudWatch", "/cloudwatch/home?region={region}"),
    ("dynamodb", "DynamoDB", "/dynamodbv2/home?region={region}"),
    ("ec2", "EC2", "/ec2/home?region={region}"),
    ("ecr", "ECR", "/ecr/home?region={region}"),
    ("ecs", "ECS", "/ecs/home?region={region}"),
    ("eks", "EKS", "/eks/home?region={region}"),
    ("glue", "Glue", "/glue/home?region={region}"),
    ("iam", "IAM", "/iam/home"),
    ("kms", "KMS", "/kms/home?region={region}"),
    ("lambda", "Lambda", "/lambda/home?region={region}"),
    (
        "logs",
        "CloudWatch Logs",
        "/cloudwatch/home?region={region}#logsV2:log-groups",
    ),
    ("organizations", "Organizations", "/organizations/v2/home"),
    ("rds", "RDS", "/rds/home?region={region}"),
    ("route53", "Route 53", "/route53/v2/home"),
    ("s3", "S3", "/s3/home?region={region}"),
    (
        "secretsmanager",
        "Secrets Manager",
        "/secretsmanager/home?region={region}",
    ),
    ("sns", "SNS", "/sns/home?region={region}"),
    ("sqs", "SQS", "/sqs/home?region={region}"),
    ("ssm", "Systems Manager", "/systems-manager/home?region={region}"),
    ("stepfunctions", "Step Functions", "/states/home?region={region}"),
    ("vpc", "VPC", "/vpc/home?region={region}"),
];

/// Why a destination was refused. The message names the rule, not the value, which may be long.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DestinationError {
    #[error(
        "the destination must be a service name such as s3, ec2 or cloudwatch, or an https URL on the AWS console \
         ({host} or a subdomain of it)"
    )]
    NotConsole { host: String },
}

/// The console page for `destination` in `region`.
pub fn resolve(destination: Option<&str>, region: &str) -> Result<Destination, DestinationError> {
    let base = partition::console_base(region);
    let service = |path: &str, label: &str| Destination {
        url: format!("{base}{}", path.replace("{region}", region)),
        label: label.to_string(),
    };
    let Some(text) = destination.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(service("/console/home?region={region}", "the console home"));
    };
    let name = text.to_ascii_lowercase();
    if let Some((_, label, path)) = SERVICES.iter().find(|(n, _, _)| *n == name) {
        return Ok(service(path, label));
    }
    if is_service_name(&name) {
        // A service this table does not know: most consoles live at /<service>/home.
        return Ok(service(&format!("/{name}/home?region={{region}}"), &name));
    }
    console_url(text, Partition::of_region(region))
}

fn is_service_name(name: &str) -> bool {
    (1..=40).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn console_url(text: &str, partition: Partition) -> Result<Destination, DestinationError> {
    let refused = || DestinationError::NotConsole {
        host: format!("console.{}", partition.domain()),
    };
    let url = Url::parse(text).map_err(|_| refused())?;
    let host = url.host_str().ok_or_else(refused)?;
    let acceptable = url.scheme() == "https"
        && url.username().is_empty()
        && url.password().is_none()
        && url.port().is_none()
        && partition::is_console_host(partition, host);
    if !acceptable {
        return Err(refused());
    }
    Ok(Destination {
        label: format!("{host}{}", url.path()),
        url: url.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names_expand_in_the_region() {
        let ec2 = resolve(Some("ec2"), "eu-west-1").unwrap();
        assert_eq!(
            ec2.url,
            "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1"
        );
        assert_eq!(ec2.label, "EC2");
        assert_eq!(
            resolve(Some("S3"), "us-east-1").unwrap().url,
            "https://console.aws.amazon.com/s3/home?region=us-east-1"
        );
        assert_eq!(
            resolve(None, "cn-north-1").unwrap().url,
            "https://console.amazonaws.cn/console/home?region=cn-north-1"
        );
        assert_eq!(
            resolve(Some("bedrock"), "us-west-2").unwrap().url,
            "https://us-west-2.console.aws.amazon.com/bedrock/home?region=us-west-2"
        );
    }

    #[test]
    fn console_urls_are_kept() {
        let url = "https://s3.console.aws.amazon.com/s3/buckets/my-bucket?region=eu-west-1";
        assert_eq!(resolve(Some(url), "eu-west-1").unwrap().url, url);
    }

    #[test]
    fn anything_but_the_console_is_refused() {
        for hostile in [
            "https://evil.example/",
            "https://console.aws.amazon.com.evil.example/",
            "https://evilconsole.aws.amazon.com/",
            "https://evil.example/?next=https://console.aws.amazon.com/",
            "http://console.aws.amazon.com/ec2/home",
            "https://user:pw@console.aws.amazon.com/",
            "https://console.aws.amazon.com@evil.example/",
            "https://console.aws.amazon.com:8443/",
            "javascript:alert(document.cookie)",
            "data:text/html,<script>alert(1)</script>",
            "//evil.example/",
            "../../federation?Action=logout",
            "ec2/../../evil",
            "file:///etc/passwd",
            "https://console.amazonaws.cn/",
        ] {
            assert!(resolve(Some(hostile), "us-east-1").is_err(), "{hostile}");
        }
    }
}
