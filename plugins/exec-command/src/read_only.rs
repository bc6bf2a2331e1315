//! The read-only policy: which AWS CLI commands may run while the host is in read-only mode
//! (`MCP_AWS_SSO_READ_ONLY=true`, seen by the plugin as `readOnly` in its config).
//!
//! The policy is an allow-list over the operation name, decided before anything runs: operations
//! named `describe-*`, `list-*`, `get-*` (and a few more read prefixes), plus named read-only
//! commands such as `s3 ls` or `dynamodb query`. Everything else is refused, including commands the
//! policy cannot parse; a false refusal costs a retry with read-only mode off, a false allowance
//! could cost data.
//!
//! The service and operation are found the way the AWS CLI's own argument parser finds them: the
//! first two words that are neither options nor the value of a global option that takes one.

/// Global options of the AWS CLI (v1 and v2) that take a value as the next word.
const GLOBAL_OPTIONS_WITH_VALUE: &[&str] = &[
    "--region",
    "--output",
    "--query",
    "--profile",
    "--endpoint-url",
    "--color",
    "--ca-bundle",
    "--cli-read-timeout",
    "--cli-connect-timeout",
    "--cli-binary-format",
];

/// Operation-name prefixes that only read.
const READ_PREFIXES: &[&str] = &[
    "describe-",
    "list-",
    "get-",
    "batch-get-",
    "head-",
    "search-",
    "lookup-",
    "filter-",
];

/// Read-only operations whose names have no read prefix, as `(service, operation)`; `*` matches
/// any service.
const READ_OPERATIONS: &[(&str, &str)] = &[
    ("s3", "ls"),
    ("dynamodb", "query"),
    ("dynamodb", "scan"),
    ("logs", "tail"),
    ("sts", "decode-authorization-message"),
    ("iam", "simulate-principal-policy"),
    ("iam", "simulate-custom-policy"),
    ("cloudformation", "validate-template"),
    ("configure", "list"),
    ("configure", "get"),
    // `aws ec2 wait instance-running`: polls a describe operation until a state is reached.
    ("*", "wait"),
    ("*", "help"),
];

/// Where the command is in the AWS CLI's grammar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsInvocation<'a> {
    pub service: Option<&'a str>,
    pub operation: Option<&'a str>,
    /// Positional words after the operation.
    pub rest: Vec<&'a str>,
}

/// A command refused in read-only mode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "Refused: the host is in read-only mode (MCP_AWS_SSO_READ_ONLY=true), and `aws {what}` is not a read-only \
     operation, so nothing was run. Read-only mode allows `describe-*`, `list-*`, `get-*` operations, `s3 ls`, \
     `sts get-caller-identity` and similar reads. To run it, turn read-only mode off in the host's configuration \
     and restart it."
)]
pub struct ReadOnlyRefusal {
    what: String,
}

/// Finds service and operation in the words after `aws`.
pub fn locate(args: &[String]) -> AwsInvocation<'_> {
    let mut positional = Vec::new();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        if GLOBAL_OPTIONS_WITH_VALUE.contains(&word.as_str()) {
            words.next();
        } else if word.starts_with('-') && word.len() > 1 {
            // `--flag` or `--name=value`: neither is a service or operation.
        } else {
            positional.push(word.as_str());
        }
    }
    let mut positional = positional.into_iter();
    AwsInvocation {
        service: positional.next(),
        operation: positional.next(),
        rest: positional.collect(),
    }
}

/// Whether the command may run in read-only mode.
pub fn check(args: &[String]) -> Result<(), ReadOnlyRefusal> {
    let invocation = locate(args);
    let Some(service) = invocation.service else {
        // `aws`, `aws --version`: usage and version text only.
        return Ok(());
    };
    if service == "help" {
        return Ok(());
    }
    let Some(operation) = invocation.operation else {
        return Err(ReadOnlyRefusal {
            what: service.to_string(),
        });
    };
    // `aws ec2 terminate-instances help` shows the help page and does nothing else.
    let help_only = invocation.rest == ["help"];
    let allowed = help_only
        || READ_PREFIXES.iter().any(|prefix| operation.starts_with(prefix))
        || READ_OPERATIONS
            .iter()
            .any(|&(s, op)| (s == "*" || s == service) && op == operation);
    if allowed {
        Ok(())
    } else {
        Err(ReadOnlyRefusal {
            what: format!("{service} {operation}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(command: &str) -> Vec<String> {
        shell_words::split(command).unwrap().into_iter().skip(1).collect()
    }

    fn allowed(command: &str) -> bool {
        check(&words(command)).is_ok()
    }

    #[test]
    fn reads_are_allowed() {
        for command in [
            "aws sts get-caller-identity",
            "aws ec2 describe-instances --filters Name=tag:env,Values=prod",
            "aws s3 ls",
            "aws s3 ls s3://bucket/prefix/ --recursive",
            "aws s3api list-objects-v2 --bucket b",
            "aws s3api head-object --bucket b --key k",
            "aws iam get-role --role-name r",
            "aws dynamodb query --table-name t --key-condition-expression 'id = :v'",
            "aws dynamodb batch-get-item --request-items file://items.json",
            "aws logs filter-log-events --log-group-name g",
            "aws logs tail /aws/lambda/f",
            "aws cloudtrail lookup-events",
            "aws ec2 wait instance-running --instance-ids i-1",
            "aws --region eu-west-1 --output json ec2 describe-vpcs",
            "aws --query Buckets s3api list-buckets",
            "aws --debug --endpoint-url http://localhost:5000 sts get-caller-identity",
            "aws --version",
            "aws",
            "aws help",
            "aws ec2 help",
            "aws ec2 terminate-instances help",
        ] {
            assert!(allowed(command), "{command}");
        }
    }

    #[test]
    fn writes_are_refused() {
        for command in [
            "aws s3 mb s3://bucket",
            "aws s3 rm s3://bucket/key",
            "aws s3 cp s3://bucket/key -",
            "aws s3 sync . s3://bucket",
            "aws ec2 terminate-instances --instance-ids i-1",
            "aws ec2 run-instances --dry-run --image-id ami-1",
            "aws iam create-user --user-name u",
            "aws dynamodb put-item --table-name t --item '{}'",
            "aws dynamodb execute-statement --statement 'SELECT 1'",
            "aws lambda invoke --function-name f out.json",
            "aws configure set region eu-west-1",
            "aws ec2",
            // A global option's value is not the service: here the service is `rm`.
            "aws --region s3 rm s3://b/k",
            // An operation hidden behind an option is still the operation the CLI runs.
            "aws ec2 --instance-ids terminate-instances describe-instances",
        ] {
            assert!(!allowed(command), "{command}");
        }
    }

    #[test]
    fn the_refusal_names_the_operation_and_the_way_out() {
        let text = check(&words("aws ec2 terminate-instances --instance-ids i-1"))
            .unwrap_err()
            .to_string();
        assert!(text.contains("`aws ec2 terminate-instances`"), "{text}");
        assert!(text.contains("read-only mode"), "{text}");
        assert!(text.contains("nothing was run"), "{text}");
    }

    #[test]
    fn locates_service_and_operation_like_the_cli() {
        let args = words("aws --region eu-west-1 --no-paginate s3api --output=json list-buckets extra");
        let invocation = locate(&args);
        assert_eq!(invocation.service, Some("s3api"));
        assert_eq!(invocation.operation, Some("list-buckets"));
        assert_eq!(invocation.rest, ["extra"]);
    }
}
