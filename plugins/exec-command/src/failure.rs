//! What a failed AWS CLI command means, read from its stderr.
//!
//! The AWS CLI reports service errors as `An error occurred (<Code>) when calling the <Operation>
//! operation: <message>`. The error code decides the class; a loose match on words such as
//! "denied" would mislabel local problems (a file the CLI cannot read) as AWS permission errors.
//!
//! - credentials rejected (expired or unknown keys): the caller asks the host for fresh credentials
//!   once and runs the command again;
//! - permission denied: the role may not do this; other roles of the account are suggested;
//! - anything else: shown as the command's own failure.

use mcp_aws_sso_plugin_api::kit::aws_errors;

/// Phrases of the kit's `CREDENTIALS_REJECTED` errors where no code is printed.
const CREDENTIAL_PHRASES: &[&str] = &[
    "The security token included in the request is expired",
    "The security token included in the request is invalid",
    "The provided token has expired",
];

/// What S3 prints for a HEAD request refused: it answers without a body, so the CLI can only
/// show the status code. Counts as the kit's `ACCESS_DENIED`.
const S3_HEAD_DENIED: &str = "403";

/// The IAM wording inside many services' AccessDenied messages.
const PERMISSION_PHRASES: &[&str] = &["is not authorized to perform"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// AWS did not accept the credentials: refresh them and try again.
    CredentialsRejected { code: String },
    /// The role lacks a permission.
    PermissionDenied { code: String },
    /// Any other failure: a bad argument, a missing resource, a throttle, a crash.
    Other,
}

/// The class of a command that exited with `exit_code`; `None` for success.
pub fn classify(exit_code: Option<i32>, stderr: &str) -> Option<Failure> {
    if exit_code == Some(0) {
        return None;
    }
    let codes = aws_errors::cli_error_codes(stderr);
    if let Some(code) = codes.iter().find(|c| aws_errors::CREDENTIALS_REJECTED.contains(c)) {
        return Some(Failure::CredentialsRejected { code: code.to_string() });
    }
    if let Some(phrase) = CREDENTIAL_PHRASES.iter().find(|p| stderr.contains(*p)) {
        return Some(Failure::CredentialsRejected {
            code: phrase.to_string(),
        });
    }
    if let Some(code) = codes
        .iter()
        .find(|c| aws_errors::ACCESS_DENIED.contains(c) || **c == S3_HEAD_DENIED)
    {
        return Some(Failure::PermissionDenied { code: code.to_string() });
    }
    if PERMISSION_PHRASES.iter().any(|p| stderr.contains(p)) {
        return Some(Failure::PermissionDenied {
            code: codes.first().map_or("AccessDenied", |c| c).to_string(),
        });
    }
    Some(Failure::Other)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(stderr: &str) -> Option<Failure> {
        classify(Some(254), stderr)
    }

    #[test]
    fn success_is_no_failure() {
        assert_eq!(classify(Some(0), "An error occurred (AccessDenied) when ..."), None);
    }

    #[test]
    fn expired_or_unknown_credentials_are_recognised() {
        for (stderr, code) in [
            (
                "\nAn error occurred (ExpiredToken) when calling the GetCallerIdentity operation: The security token included in the request is expired\n",
                "ExpiredToken",
            ),
            (
                "An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.",
                "InvalidClientTokenId",
            ),
            (
                "An error occurred (InvalidAccessKeyId) when calling the ListBuckets operation: The AWS Access Key Id you provided does not exist in our records.",
                "InvalidAccessKeyId",
            ),
            (
                "An error occurred (AuthFailure) when calling the DescribeInstances operation: AWS was not able to validate the provided access credentials",
                "AuthFailure",
            ),
            (
                "An error occurred (ExpiredTokenException) when calling the ListTables operation: The security token included in the request is expired",
                "ExpiredTokenException",
            ),
        ] {
            assert_eq!(
                class(stderr),
                Some(Failure::CredentialsRejected { code: code.into() }),
                "{stderr}"
            );
        }
    }

    #[test]
    fn permission_errors_are_recognised() {
        for (stderr, code) in [
            (
                "An error occurred (AccessDenied) when calling the ListBuckets operation: Access Denied",
                "AccessDenied",
            ),
            (
                "An error occurred (UnauthorizedOperation) when calling the TerminateInstances operation: You are not authorized to perform this operation.",
                "UnauthorizedOperation",
            ),
            (
                "An error occurred (AccessDeniedException) when calling the ListFunctions operation: User: arn:aws:sts::111111111111:assumed-role/ReadOnly/u is not authorized to perform: lambda:ListFunctions",
                "AccessDeniedException",
            ),
            (
                "fatal error: An error occurred (403) when calling the HeadObject operation: Forbidden",
                "403",
            ),
            (
                "An error occurred (AuthorizationError) when calling the Publish operation: ...",
                "AuthorizationError",
            ),
        ] {
            assert_eq!(
                class(stderr),
                Some(Failure::PermissionDenied { code: code.into() }),
                "{stderr}"
            );
        }
    }

    #[test]
    fn other_failures_are_not_mislabelled() {
        for stderr in [
            "An error occurred (NoSuchBucket) when calling the ListObjectsV2 operation: The specified bucket does not exist",
            "An error occurred (ValidationError) when calling the CreateStack operation: Template format error",
            "An error occurred (ThrottlingException) when calling the DescribeStacks operation: Rate exceeded",
            "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\naws: error: argument operation: Invalid choice",
            "[Errno 13] Permission denied: '/root/out.json'",
            "Unable to locate credentials. You can configure credentials by running \"aws configure\".",
            "",
        ] {
            assert_eq!(class(stderr), Some(Failure::Other), "{stderr}");
        }
    }

    #[test]
    fn a_kill_or_crash_without_an_exit_code_is_a_failure() {
        assert_eq!(classify(None, ""), Some(Failure::Other));
    }
}
