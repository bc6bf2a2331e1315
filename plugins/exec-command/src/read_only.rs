//! The read-only policy: which AWS CLI commands may run while the host is in read-only mode
//! (`MCP_AWS_SSO_READ_ONLY=true`, seen by the plugin as `readOnly` in its config).
//!
//! Read-only means no change to AWS and none to the local machine. It is decided before anything
//! runs, from the service and operation the exact grammar found ([`crate::cli_grammar`]), as an
//! allow-list: operations named `describe-*`, `list-*`, `get-*` (and a few more read prefixes),
//! plus named reads such as `s3 ls` or `dynamodb query`. Everything else is refused, including
//! commands the policy cannot place; a false refusal costs a retry with read-only mode off, a
//! false allowance could cost data. On top of the allow-list:
//!
//! - operations that mint new credentials are not reads, whatever their name (`sts
//!   assume-role`, `ecr get-login-password`, `eks get-token`, ...): they hand the model
//!   credentials outside the host's control;
//! - `configure` runs only as `configure list` (`configure get` would print local secrets);
//! - `s3 cp/mv/sync` write somewhere; only `s3 cp s3://... -` (to stdout) is a read;
//! - operations that write their response to a local OUTFILE (`s3api get-object`) are refused,
//!   and so is any other local write ([`crate::local_paths`] checks that).
//!
//! Reading secrets (`secretsmanager get-secret-value`, `ssm get-parameter --with-decryption`) is
//! a read and stays allowed.

use crate::cli_grammar::Invocation;
use crate::streaming_operations::OUTFILE_OPERATIONS;

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
    // `aws ec2 wait instance-running`: polls a describe operation until a state is reached.
    ("*", "wait"),
    ("*", "help"),
];

/// Operations that return new credentials, tokens or signed access: never read-only, even when
/// their name reads like a `get-`.
const CREDENTIAL_OPERATIONS: &[(&str, &str)] = &[
    ("sts", "assume-role"),
    ("sts", "assume-role-with-saml"),
    ("sts", "assume-role-with-web-identity"),
    ("sts", "assume-root"),
    ("sts", "get-session-token"),
    ("sts", "get-federation-token"),
    ("sts", "get-web-identity-token"),
    ("sso", "get-role-credentials"),
    ("sso-oidc", "create-token"),
    ("ecr", "get-login-password"),
    ("ecr", "get-login"),
    ("ecr", "get-authorization-token"),
    ("ecr-public", "get-login-password"),
    ("ecr-public", "get-authorization-token"),
    ("codeartifact", "get-authorization-token"),
    ("codeartifact", "login"),
    ("eks", "get-token"),
    ("rds", "generate-db-auth-token"),
    ("dsql", "generate-db-connect-auth-token"),
    ("dsql", "generate-db-connect-admin-auth-token"),
    ("redshift", "get-cluster-credentials"),
    ("redshift", "get-cluster-credentials-with-iam"),
    ("redshift-serverless", "get-credentials"),
    ("cognito-identity", "get-credentials-for-identity"),
    ("cognito-identity", "get-open-id-token"),
    ("cognito-identity", "get-open-id-token-for-developer-identity"),
    ("connect", "get-federation-token"),
    ("gamelift", "get-instance-access"),
    ("gamelift", "get-compute-access"),
    ("gamelift", "get-compute-auth-token"),
    ("lightsail", "get-instance-access-details"),
    ("lakeformation", "get-temporary-glue-table-credentials"),
    ("lakeformation", "get-temporary-glue-partition-credentials"),
    ("lakeformation", "get-temporary-data-location-credentials"),
    ("s3control", "get-data-access"),
    ("datazone", "get-environment-credentials"),
    ("emr-containers", "get-managed-endpoint-session-credentials"),
    ("ecr", "get-download-url-for-layer"),
    ("quicksight", "get-dashboard-embed-url"),
    ("quicksight", "get-session-embed-url"),
];

/// A command refused in read-only mode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "Refused: the host is in read-only mode (MCP_AWS_SSO_READ_ONLY=true), and `aws {what}` {why}, so nothing was \
     run. Read-only mode allows `describe-*`, `list-*`, `get-*` operations, `s3 ls`, `s3 cp s3://... -` and similar \
     reads. To run it, turn read-only mode off in the host's configuration and restart it."
)]
pub struct ReadOnlyRefusal {
    what: String,
    why: &'static str,
}

/// Whether the pair is one of the operations that mint credentials.
pub fn is_credential_operation(service: &str, operation: &str) -> bool {
    CREDENTIAL_OPERATIONS.contains(&(service, operation))
}

/// Whether the command may run in read-only mode.
pub fn check(invocation: &Invocation) -> Result<(), ReadOnlyRefusal> {
    let refuse = |why| {
        Err(ReadOnlyRefusal {
            what: invocation.what(),
            why,
        })
    };
    let rest: Vec<&str> = invocation.rest_words().collect();
    let Some(service) = invocation.service.as_deref() else {
        // `aws`, `aws --version`: usage and version text only.
        return Ok(());
    };
    let Some(operation) = invocation.operation.as_deref() else {
        return if service == "help" {
            Ok(())
        } else {
            refuse("is not a read-only operation")
        };
    };
    if service == "help" {
        return refuse("is not a read-only operation");
    }
    // `aws ec2 terminate-instances help` shows the help page and does nothing else.
    if rest == ["help"] {
        return Ok(());
    }
    if CREDENTIAL_OPERATIONS.contains(&(service, operation)) {
        return refuse("mints credentials outside the host's control");
    }
    if OUTFILE_OPERATIONS
        .iter()
        .any(|(s, o, _)| *s == service && *o == operation)
    {
        return refuse("writes a local file");
    }
    match (service, operation) {
        ("configure", "list") => return Ok(()),
        ("configure", _) => return refuse("reads or changes local AWS CLI settings"),
        ("s3", "cp") => {
            let positional: Vec<&&str> = rest.iter().filter(|w| !crate::cli_grammar::is_option_word(w)).collect();
            return match positional.as_slice() {
                [source, destination] if source.starts_with("s3://") && **destination == "-" => Ok(()),
                _ => refuse("writes to S3 or to a local file (only `s3 cp s3://... -` is a read)"),
            };
        }
        _ => {}
    }
    let allowed = READ_PREFIXES.iter().any(|prefix| operation.starts_with(prefix))
        || READ_OPERATIONS
            .iter()
            .any(|&(s, op)| (s == "*" || s == service) && op == operation);
    if allowed {
        Ok(())
    } else {
        refuse("is not a read-only operation")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invocation(command: &str) -> Invocation {
        crate::cli_grammar::parse(shell_words::split(command).unwrap().into_iter().skip(1).collect()).unwrap()
    }

    fn allowed(command: &str) -> bool {
        check(&invocation(command)).is_ok()
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
            "aws s3 cp s3://bucket/key -",
            "aws configure list",
            "aws secretsmanager get-secret-value --secret-id s",
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
            "aws s3 cp s3://bucket/key ./here",
            "aws s3 sync . s3://bucket",
            "aws ec2 terminate-instances --instance-ids i-1",
            "aws ec2 run-instances --dry-run --image-id ami-1",
            "aws iam create-user --user-name u",
            "aws dynamodb put-item --table-name t --item '{}'",
            "aws dynamodb execute-statement --statement 'SELECT 1'",
            "aws lambda invoke --function-name f out.json",
            "aws configure set region eu-west-1",
            "aws configure get prod.aws_secret_access_key",
            "aws sts assume-role --role-arn arn:aws:iam::1:role/x --role-session-name s",
            "aws ecr get-login-password",
            "aws eks get-token --cluster-name c",
            "aws s3api get-object --bucket b --key k out",
            "aws help s3 rm",
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
        let text = check(&invocation("aws ec2 terminate-instances --instance-ids i-1"))
            .unwrap_err()
            .to_string();
        assert!(text.contains("`aws ec2 terminate-instances`"), "{text}");
        assert!(text.contains("read-only mode"), "{text}");
        assert!(text.contains("nothing was run"), "{text}");
    }
}
