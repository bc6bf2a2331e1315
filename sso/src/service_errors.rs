//! What an AWS SDK error means for this host: the few cases that change what we do next
//! (re-authenticate, slow down, retry, report) instead of every error type of two SDKs.

use aws_sdk_sso::config::http::HttpResponse;
use aws_sdk_sso::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

/// A failed SSO portal or OIDC call, by what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The access token was rejected (expired or revoked): refresh or log in again.
    Unauthorized,
    /// 429 TooManyRequestsException: back off and slow down.
    Throttled,
    /// The user has no access to that account or role.
    Forbidden(String),
    /// The account or role does not exist.
    NotFound(String),
    /// Network trouble, a timeout or a 5xx: worth retrying.
    Transient(String),
    /// Anything else, with the service's error code when there is one.
    Other { code: Option<String>, message: String },
}

impl Failure {
    pub fn describe(&self) -> String {
        match self {
            Failure::Unauthorized => "the SSO access token was rejected".to_string(),
            Failure::Throttled => "AWS SSO throttled the request (TooManyRequestsException)".to_string(),
            Failure::Forbidden(message) | Failure::NotFound(message) | Failure::Transient(message) => message.clone(),
            Failure::Other {
                code: Some(code),
                message,
            } => format!("{code}: {message}"),
            Failure::Other { code: None, message } => message.clone(),
        }
    }
}

/// Classifies an error of either SDK. Messages come from the error chain (service message,
/// connector error); requests — and so the tokens in them — are never part of it.
pub fn classify<E>(error: &SdkError<E, HttpResponse>) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let message = DisplayErrorContext(error).to_string();
    match error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => return Failure::Transient(message),
        SdkError::ResponseError(_) => return Failure::Transient(message),
        _ => {}
    }
    let code = error.as_service_error().and_then(|e| e.code()).map(str::to_string);
    let status = error.raw_response().map(|r| r.status().as_u16());
    let service_message = error
        .as_service_error()
        .and_then(|e| e.message())
        .map(str::to_string)
        .unwrap_or_else(|| message.clone());
    match (code.as_deref(), status) {
        (Some("UnauthorizedException"), _) | (_, Some(401)) => Failure::Unauthorized,
        (Some("TooManyRequestsException"), _) | (_, Some(429)) => Failure::Throttled,
        (Some("ForbiddenException"), _) | (_, Some(403)) => Failure::Forbidden(service_message),
        (Some("ResourceNotFoundException"), _) | (_, Some(404)) => Failure::NotFound(service_message),
        (_, Some(status)) if status >= 500 => Failure::Transient(message),
        _ => Failure::Other {
            code,
            message: service_message,
        },
    }
}
