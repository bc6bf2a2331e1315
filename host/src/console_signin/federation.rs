//! The AWS federation endpoint: role credentials -> sign-in token -> console login URL.
//!
//! 1. `POST {endpoint}` with the form `Action=getSigninToken&Session={"sessionId", "sessionKey",
//!    "sessionToken"}` answers `{"SigninToken": "..."}`. The credentials travel in the request
//!    body, not the query string, so they never sit in a URL (proxy logs, error messages).
//! 2. `{endpoint}?Action=login&Issuer=...&Destination=...&SigninToken=...` is the URL the browser
//!    opens; AWS signs it in and redirects to the destination. It is valid for 15 minutes and
//!    signs in whoever opens it, so it is a [`SigninUrl`]: no `Debug`, no `Display`, and
//!    nothing here ever puts it, or the token, into an error.
//!
//! The endpoint comes from [`super::partition`], or from `AWS_ENDPOINT_URL_SIGNIN` (the AWS SDKs'
//! variable for the sign-in service), else `AWS_ENDPOINT_URL`, as a base URL to which
//! `/federation` is appended.

use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode, header};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;

use super::partition;
use crate::plugins::host_context::endpoint_override;

/// The whole exchange must not hang a tool call or a terminal.
const TIMEOUT: Duration = Duration::from_secs(20);
/// A sign-in token answer is about 1 KB; anything far larger is not one.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// Why no sign-in token was obtained. Never carries credentials, the token or a URL with either.
#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    #[error("cannot reach the AWS federation endpoint {endpoint}: {detail}")]
    Unreachable { endpoint: String, detail: String },
    #[error("the AWS federation endpoint {endpoint} refused the role credentials (HTTP {status})")]
    Refused { endpoint: String, status: u16 },
    #[error("the AWS federation endpoint {endpoint} answered without a sign-in token")]
    NoToken { endpoint: String },
    #[error("the sign-in endpoint override `{0}` is not an http(s) URL")]
    BadOverride(String),
}

/// A console login URL. A bearer credential: reachable only through [`SigninUrl::expose`].
pub struct SigninUrl(String);

impl SigninUrl {
    /// The URL itself, for the browser or `--print`; never for logs, errors or tool output.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The federation endpoint for a console session in `region`.
pub fn endpoint(region: &str) -> Result<String, FederationError> {
    match endpoint_override("signin") {
        Some(base) => {
            let parsed = url::Url::parse(base.trim()).map_err(|_| FederationError::BadOverride(base.clone()))?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
                return Err(FederationError::BadOverride(base));
            }
            Ok(format!("{}/federation", base.trim().trim_end_matches('/')))
        }
        None => Ok(partition::federation_endpoint(region)),
    }
}

#[derive(Deserialize)]
struct Answer {
    #[serde(rename = "SigninToken")]
    signin_token: Option<String>,
}

/// Exchanges role credentials for a sign-in token at `endpoint`.
pub async fn signin_token(
    endpoint: &str,
    access_key_id: &str,
    secret_access_key: &str,
    session_token: &str,
) -> Result<String, FederationError> {
    let session = serde_json::json!({
        "sessionId": access_key_id,
        "sessionKey": secret_access_key,
        "sessionToken": session_token,
    })
    .to_string();
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("Action", "getSigninToken")
        .append_pair("Session", &session)
        .finish();
    let unreachable = |detail: String| FederationError::Unreachable {
        endpoint: endpoint.to_string(),
        detail,
    };
    let request = Request::builder()
        .method(Method::POST)
        .uri(endpoint)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::USER_AGENT, concat!("mcp-aws-sso/", env!("CARGO_PKG_VERSION")))
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| unreachable(e.to_string()))?;
    let exchange = async {
        let response = client()?
            .request(request)
            .await
            .map_err(|e| unreachable(describe(&e)))?;
        let status = response.status();
        let bytes = Limited::new(response.into_body(), MAX_ANSWER_BYTES)
            .collect()
            .await
            .map_err(|e| unreachable(e.to_string()))?
            .to_bytes();
        Ok::<_, FederationError>((status, bytes))
    };
    let (status, bytes) = tokio::time::timeout(TIMEOUT, exchange)
        .await
        .map_err(|_| unreachable(format!("no answer within {} s", TIMEOUT.as_secs())))??;
    if status != StatusCode::OK {
        // The body is not shown: an endpoint may echo the request, credentials included.
        return Err(FederationError::Refused {
            endpoint: endpoint.to_string(),
            status: status.as_u16(),
        });
    }
    serde_json::from_slice::<Answer>(&bytes)
        .ok()
        .and_then(|answer| answer.signin_token)
        .filter(|token| !token.is_empty())
        .ok_or_else(|| FederationError::NoToken {
            endpoint: endpoint.to_string(),
        })
}

/// The URL that signs the browser in and lands on `destination`. `issuer` is where AWS sends the
/// person when the console session ends: the AWS access portal.
pub fn login_url(endpoint: &str, issuer: &str, destination: &str, signin_token: &str) -> SigninUrl {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("Action", "login")
        .append_pair("Issuer", issuer)
        .append_pair("Destination", destination)
        .append_pair("SigninToken", signin_token)
        .finish();
    SigninUrl(format!("{endpoint}?{query}"))
}

type HttpsClient =
    Client<hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>, Full<Bytes>>;

/// An HTTPS (and, for endpoint overrides, HTTP) client trusting the platform's roots, as the
/// AWS SDK does.
fn client() -> Result<HttpsClient, FederationError> {
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
        .map_err(|e| FederationError::Unreachable {
            endpoint: "the federation endpoint".to_string(),
            detail: format!("no TLS root certificates: {e}"),
        })?
        .https_or_http()
        .enable_http1()
        .build();
    Ok(Client::builder(TokioExecutor::new()).build(connector))
}

/// A connection error with its causes ("connection refused"), which hyper keeps in `source`.
fn describe(error: &hyper_util::client::legacy::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_url_carries_every_parameter_encoded() {
        let url = login_url(
            "https://signin.aws.amazon.com/federation",
            "https://my.awsapps.com/start",
            "https://console.aws.amazon.com/ec2/home?region=eu-west-1",
            "tok+en/=",
        );
        let parsed = url::Url::parse(url.expose()).unwrap();
        let pairs: std::collections::HashMap<_, _> = parsed.query_pairs().into_owned().collect();
        assert_eq!(pairs["Action"], "login");
        assert_eq!(pairs["Issuer"], "https://my.awsapps.com/start");
        assert_eq!(
            pairs["Destination"],
            "https://console.aws.amazon.com/ec2/home?region=eu-west-1"
        );
        assert_eq!(pairs["SigninToken"], "tok+en/=");
    }
}
