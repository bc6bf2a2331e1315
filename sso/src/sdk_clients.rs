//! The AWS SDK clients for SSO OIDC (login, refresh) and the SSO portal (accounts, roles, role
//! credentials, logout), built once per process.
//!
//! Both APIs are unsigned (the portal takes the access token as a header parameter), so the shared
//! config is loaded with `no_credentials()`: the SDK never walks the credential chain, never reads
//! a profile's credentials and never calls IMDS. Region is the SSO region. Endpoints come from
//! aws-config's own resolution, so `AWS_ENDPOINT_URL_SSO_OIDC`, `AWS_ENDPOINT_URL_SSO`,
//! `AWS_ENDPOINT_URL` (and the profile's `endpoint_url`, `ignore_configured_endpoint_urls`) work
//! exactly as in every other AWS SDK.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};

pub struct SdkClients {
    /// SSO OIDC with the SDK's standard retries (transient errors only: the device-flow answers
    /// `authorization_pending` / `slow_down` are not retryable, so polling stays ours).
    pub oidc: aws_sdk_ssooidc::Client,
    /// The portal with standard retries, for single calls (role credentials, logout).
    pub portal: aws_sdk_sso::Client,
    /// The portal without SDK retries, for bulk listing: `accounts` paces and retries those
    /// calls itself, under its adaptive rate limit. SDK retries underneath would hide the 429s
    /// the limiter needs to see, and spend the SDK's retry quota on them.
    pub portal_bulk: aws_sdk_sso::Client,
}

impl SdkClients {
    pub async fn new(sso_region: &str) -> Self {
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(5))
            .read_timeout(Duration::from_secs(30))
            .operation_attempt_timeout(Duration::from_secs(30))
            .operation_timeout(Duration::from_secs(90))
            .build();
        let shared = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(sso_region.to_string()))
            .no_credentials()
            .timeout_config(timeouts)
            .load()
            .await;
        let oidc = aws_sdk_ssooidc::Client::new(&shared);
        let portal = aws_sdk_sso::Client::new(&shared);
        let bulk = aws_sdk_sso::config::Builder::from(&shared)
            .retry_config(RetryConfig::disabled())
            .build();
        Self {
            oidc,
            portal,
            portal_bulk: aws_sdk_sso::Client::from_conf(bulk),
        }
    }
}
