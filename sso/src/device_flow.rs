//! The OAuth device authorization flow of SSO OIDC: StartDeviceAuthorization, then CreateToken
//! with the device code until the user approves or denies in the browser, or the code expires.
//!
//! Polling follows RFC 8628: wait `interval` between polls, add 5 s on every `slow_down`, stop at
//! `expired_token` / `access_denied` or at the code's expiry.

use std::fmt;
use std::time::Duration;

use aws_sdk_ssooidc::operation::create_token::CreateTokenError;
use aws_sdk_ssooidc::operation::start_device_authorization::StartDeviceAuthorizationError;
use tokio_util::sync::CancellationToken;

use crate::AuthError;
use crate::cache_time::now_unix;
use crate::client_registration::Registration;
use crate::sdk_clients::Oidc;
use crate::service_errors::classify;

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// RFC 8628 §3.5: "the interval MUST be increased by 5 seconds for this and all subsequent requests".
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
/// Polls that fail on the network in a row before the login gives up.
const MAX_TRANSIENT_FAILURES: u32 = 5;

/// A device authorization in progress. The device code is a bearer secret for the login: it is
/// kept private and never shown.
pub struct DeviceAuthorization {
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: String,
    /// Unix seconds at which the device code expires.
    pub expires_at: i64,
    /// Poll interval, as advised (and raised by `slow_down`).
    pub interval: Duration,
    pub registration: Registration,
    device_code: String,
}

impl fmt::Debug for DeviceAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceAuthorization")
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// What CreateToken granted. `Debug` shows no token.
pub struct TokenGrant {
    pub access_token: String,
    pub expires_in: i64,
    pub refresh_token: Option<String>,
}

impl fmt::Debug for TokenGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenGrant")
            .field("expires_in", &self.expires_in)
            .field("has_refresh_token", &self.refresh_token.is_some())
            .finish_non_exhaustive()
    }
}

/// Why StartDeviceAuthorization failed: a stale client registration can be replaced.
pub enum StartError {
    InvalidClient,
    Other(AuthError),
}

/// StartDeviceAuthorization with `registration` for `start_url`.
pub async fn start(
    oidc: &Oidc,
    registration: Registration,
    start_url: &str,
) -> Result<DeviceAuthorization, StartError> {
    let answer = oidc
        .start_device_authorization()
        .client_id(&registration.client_id)
        .client_secret(&registration.client_secret)
        .start_url(start_url)
        .send()
        .await
        .map_err(|error| match error.as_service_error() {
            Some(StartDeviceAuthorizationError::InvalidClientException(_)) => StartError::InvalidClient,
            _ => StartError::Other(AuthError::service(
                "StartDeviceAuthorization",
                classify(&error, &oidc.endpoint),
            )),
        })?;
    let missing = |field: &str| {
        StartError::Other(AuthError::Service {
            operation: "StartDeviceAuthorization",
            detail: format!("the answer has no {field}"),
        })
    };
    let device_code = answer.device_code().ok_or_else(|| missing("deviceCode"))?.to_string();
    let user_code = answer.user_code().ok_or_else(|| missing("userCode"))?.to_string();
    let verification_uri = answer
        .verification_uri()
        .ok_or_else(|| missing("verificationUri"))?
        .to_string();
    let verification_uri_complete = answer
        .verification_uri_complete()
        .map(str::to_string)
        .unwrap_or_else(|| verification_uri.clone());
    let expires_in = if answer.expires_in() > 0 {
        answer.expires_in()
    } else {
        600
    };
    let interval = Duration::from_secs(answer.interval().clamp(1, 60) as u64);
    Ok(DeviceAuthorization {
        user_code,
        verification_uri,
        verification_uri_complete,
        expires_at: now_unix() + i64::from(expires_in),
        interval,
        registration,
        device_code,
    })
}

/// The answer to one CreateToken poll.
#[derive(Debug)]
pub enum PollOutcome {
    Pending,
    SlowDown,
    Approved(TokenGrant),
}

/// One CreateToken poll with the device code.
pub async fn poll_once(oidc: &Oidc, auth: &DeviceAuthorization) -> Result<PollOutcome, AuthError> {
    if now_unix() >= auth.expires_at {
        return Err(AuthError::LoginExpired {
            user_code: auth.user_code.clone(),
        });
    }
    let result = oidc
        .create_token()
        .client_id(&auth.registration.client_id)
        .client_secret(&auth.registration.client_secret)
        .grant_type(DEVICE_GRANT)
        .device_code(&auth.device_code)
        .send()
        .await;
    match result {
        Ok(answer) => {
            let access_token = answer
                .access_token()
                .map(str::to_string)
                .ok_or_else(|| AuthError::Service {
                    operation: "CreateToken",
                    detail: "the answer has no access token".to_string(),
                })?;
            Ok(PollOutcome::Approved(TokenGrant {
                access_token,
                expires_in: i64::from(answer.expires_in()),
                refresh_token: answer.refresh_token().map(str::to_string),
            }))
        }
        Err(error) => match error.as_service_error() {
            Some(CreateTokenError::AuthorizationPendingException(_)) => Ok(PollOutcome::Pending),
            Some(CreateTokenError::SlowDownException(_)) => Ok(PollOutcome::SlowDown),
            Some(CreateTokenError::AccessDeniedException(_)) => Err(AuthError::LoginDenied {
                user_code: auth.user_code.clone(),
            }),
            Some(CreateTokenError::ExpiredTokenException(_)) => Err(AuthError::LoginExpired {
                user_code: auth.user_code.clone(),
            }),
            _ => Err(AuthError::service("CreateToken", classify(&error, &oidc.endpoint))),
        },
    }
}

/// Polls until the user approves (the grant), denies, the code expires, or `cancel` fires.
/// `on_wait` is called before every poll with the seconds waited so far (progress).
pub async fn wait_for_approval(
    oidc: &Oidc,
    auth: &DeviceAuthorization,
    cancel: &CancellationToken,
    on_wait: &(dyn Fn(u64) + Send + Sync),
) -> Result<TokenGrant, AuthError> {
    let started = tokio::time::Instant::now();
    let mut interval = auth.interval;
    let mut transient_failures = 0;
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return Err(AuthError::Cancelled),
            _ = tokio::time::sleep(interval) => {}
        }
        on_wait(started.elapsed().as_secs());
        match poll_once(oidc, auth).await {
            Ok(PollOutcome::Approved(grant)) => return Ok(grant),
            Ok(PollOutcome::Pending) => transient_failures = 0,
            Ok(PollOutcome::SlowDown) => {
                interval += SLOW_DOWN_STEP;
                tracing::debug!("SSO OIDC asked to slow down; polling every {}s now", interval.as_secs());
            }
            Err(error @ (AuthError::Unreachable { .. } | AuthError::Throttled { .. }))
                if transient_failures < MAX_TRANSIENT_FAILURES =>
            {
                transient_failures += 1;
                interval += SLOW_DOWN_STEP;
                tracing::debug!("CreateToken poll failed ({error}); trying again");
            }
            Err(error) => return Err(error),
        }
    }
}
