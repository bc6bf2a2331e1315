//! The AWS error codes that mean the same thing across services, as sets, and a classifier.
//! Decide on the code AWS sent (`An error occurred (<Code>)` in the CLI, `ProvideErrorMetadata::code`
//! in the SDKs), never on loose words such as "denied" in a message.

/// The credentials themselves were not accepted (expired, unknown, malformed): get fresh ones
/// from the host once (`force_refresh`) and retry.
pub const CREDENTIALS_REJECTED: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "InvalidAccessKeyId",
    "InvalidToken",
    "AuthFailure",
    "TokenRefreshRequired",
];

/// The credentials are fine but the role may not do this: suggest the user's other roles.
pub const ACCESS_DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AuthorizationError",
    "AuthorizationErrorException",
    "Forbidden",
    "ForbiddenException",
];

/// Rate exceeded: back off and retry.
pub const THROTTLED: &[&str] = &[
    "ThrottlingException",
    "Throttling",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
];

/// A server-side fault worth retrying later.
pub const TRANSIENT: &[&str] = &[
    "InternalServerError",
    "InternalFailure",
    "InternalError",
    "ServiceUnavailable",
    "Unavailable",
];

/// What an AWS error code means for a tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsErrorClass {
    CredentialsRejected,
    AccessDenied,
    Throttled,
    Transient,
    Other,
}

/// The class of an error code; an HTTP status decides when there is no code (403 → denied,
/// 429 → throttled, 5xx → transient).
pub fn classify(code: Option<&str>, http_status: Option<u16>) -> AwsErrorClass {
    if let Some(code) = code {
        for (set, class) in [
            (CREDENTIALS_REJECTED, AwsErrorClass::CredentialsRejected),
            (ACCESS_DENIED, AwsErrorClass::AccessDenied),
            (THROTTLED, AwsErrorClass::Throttled),
            (TRANSIENT, AwsErrorClass::Transient),
        ] {
            if set.contains(&code) {
                return class;
            }
        }
    }
    match http_status {
        Some(403) => AwsErrorClass::AccessDenied,
        Some(429) => AwsErrorClass::Throttled,
        Some(500..=599) => AwsErrorClass::Transient,
        _ => AwsErrorClass::Other,
    }
}

/// The error codes in AWS CLI stderr (`An error occurred (<Code>) when calling ...`), in order.
/// A code is at most 64 characters of letters, digits, `.` and `_`; anything else in the
/// parentheses is not taken for a code.
pub fn cli_error_codes(stderr: &str) -> Vec<&str> {
    stderr
        .match_indices("An error occurred (")
        .filter_map(|(at, prefix)| {
            let rest = &stderr[at + prefix.len()..];
            let code = &rest[..rest.find(')')?];
            let plain = !code.is_empty()
                && code.len() <= 64
                && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_');
            plain.then_some(code)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_statuses_classify() {
        assert_eq!(
            classify(Some("ExpiredToken"), Some(400)),
            AwsErrorClass::CredentialsRejected
        );
        assert_eq!(
            classify(Some("AccessDeniedException"), None),
            AwsErrorClass::AccessDenied
        );
        assert_eq!(classify(Some("Throttling"), None), AwsErrorClass::Throttled);
        assert_eq!(classify(None, Some(403)), AwsErrorClass::AccessDenied);
        assert_eq!(classify(None, Some(503)), AwsErrorClass::Transient);
        assert_eq!(classify(Some("NoSuchBucket"), Some(404)), AwsErrorClass::Other);
    }

    #[test]
    fn codes_are_read_from_cli_stderr() {
        let stderr = "An error occurred (Throttling) when ...\nAn error occurred (AccessDenied) when ...\nAn error occurred (not a code!) x";
        assert_eq!(cli_error_codes(stderr), ["Throttling", "AccessDenied"]);
    }
}
