//! What an AWS SDK error means for this host: the few cases that change what we do next
//! (re-authenticate, slow down, retry, report) instead of every error type of two SDKs.

use std::error::Error;
use std::io;

use aws_sdk_sso::config::http::HttpResponse;
use aws_sdk_sso::error::{ProvideErrorMetadata, SdkError};

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

/// Classifies an error of either SDK from a call to `endpoint` (the URL the client sends to, for
/// naming the host when it cannot be reached). Messages are one line, from the error chain
/// (service message, connector error), never the SDK's debug structures; requests — and so the
/// tokens in them — are never part of them.
pub fn classify<E>(error: &SdkError<E, HttpResponse>, endpoint: &str) -> Failure
where
    E: ProvideErrorMetadata + Error + 'static,
{
    match error {
        SdkError::TimeoutError(_) => {
            return Failure::Transient(format!("no answer from {} in time", host_of(endpoint)));
        }
        SdkError::DispatchFailure(_) => return Failure::Transient(unreachable(error, endpoint)),
        SdkError::ResponseError(_) => {
            return Failure::Transient(format!(
                "{} sent an answer that is not AWS SSO's ({})",
                host_of(endpoint),
                innermost(error)
            ));
        }
        _ => {}
    }
    let code = error.as_service_error().and_then(|e| e.code()).map(str::to_string);
    let status = error.raw_response().map(|r| r.status().as_u16());
    let service_message = error
        .as_service_error()
        .and_then(|e| e.message())
        .map(str::to_string)
        .unwrap_or_else(|| chain_text(error));
    match (code.as_deref(), status) {
        (Some("UnauthorizedException"), _) | (_, Some(401)) => Failure::Unauthorized,
        (Some("TooManyRequestsException"), _) | (_, Some(429)) => Failure::Throttled,
        (Some("ForbiddenException"), _) | (_, Some(403)) => Failure::Forbidden(service_message),
        (Some("ResourceNotFoundException"), _) | (_, Some(404)) => Failure::NotFound(service_message),
        (_, Some(status)) if status >= 500 => Failure::Transient(format!(
            "{} answered HTTP {status}{}",
            host_of(endpoint),
            code.map(|c| format!(" ({c})")).unwrap_or_default()
        )),
        _ => Failure::Other {
            code,
            message: service_message,
        },
    }
}

/// Why a request never got an answer, in the words a person can act on.
fn unreachable(error: &(dyn Error + 'static), endpoint: &str) -> String {
    let host = host_of(endpoint);
    let mut link: Option<&(dyn Error + 'static)> = Some(error);
    while let Some(current) = link {
        if current.to_string().starts_with("dns error") {
            return format!("cannot resolve {host}");
        }
        if let Some(io) = current.downcast_ref::<io::Error>() {
            match io.kind() {
                io::ErrorKind::ConnectionRefused => return format!("{host} refused the connection"),
                io::ErrorKind::TimedOut => return format!("no answer from {host} in time"),
                _ => {}
            }
        }
        link = current.source();
    }
    format!("cannot reach {host} ({})", innermost(error))
}

/// The last, most specific message of the error chain.
fn innermost(error: &(dyn Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

/// Every message of the error chain once, joined with `: ` (outer wrappers often repeat the
/// inner text).
fn chain_text(error: &(dyn Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut link: Option<&(dyn Error + 'static)> = Some(error);
    while let Some(current) = link {
        let text = current.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        link = current.source();
    }
    parts.join(": ")
}

/// `https://oidc.us-east-1.amazonaws.com/` -> `oidc.us-east-1.amazonaws.com`; keeps a port.
pub fn host_of(endpoint: &str) -> &str {
    let rest = endpoint.split_once("://").map_or(endpoint, |(_, rest)| rest);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    // Never show credentials someone put in an endpoint URL.
    host.rsplit_once('@').map_or(host, |(_, host)| host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_named_without_scheme_path_or_user_info() {
        assert_eq!(
            host_of("https://oidc.us-east-1.amazonaws.com"),
            "oidc.us-east-1.amazonaws.com"
        );
        assert_eq!(host_of("http://127.0.0.1:9/"), "127.0.0.1:9");
        assert_eq!(host_of("http://user:secret@proxy.example:8080/x"), "proxy.example:8080");
    }

    #[test]
    fn a_refused_connection_is_said_in_one_line() {
        let error = io::Error::new(io::ErrorKind::ConnectionRefused, "Connection refused (os error 111)");
        assert_eq!(
            unreachable(&error, "http://127.0.0.1:9"),
            "127.0.0.1:9 refused the connection"
        );
    }
}
