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
    /// The SSO OIDC base URL (`https://oidc.{region}.amazonaws.com`, or the override), where the
    /// browser opens `/authorize`: that operation is not in the API model, so no client builds it.
    pub oidc_endpoint: String,
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
        let oidc_endpoint = oidc_endpoint(&shared, sso_region).await;
        let portal = aws_sdk_sso::Client::new(&shared);
        let bulk = aws_sdk_sso::config::Builder::from(&shared)
            .retry_config(RetryConfig::disabled())
            .build();
        Self {
            oidc,
            portal,
            portal_bulk: aws_sdk_sso::Client::from_conf(bulk),
            oidc_endpoint,
        }
    }
}

/// The endpoint the SSO OIDC client calls, resolved the way the client resolves it: the
/// configured override (`AWS_ENDPOINT_URL_SSO_OIDC`, `AWS_ENDPOINT_URL`, the profile's
/// `endpoint_url`, as `aws_sdk_ssooidc::config::Builder::from(&SdkConfig)` picks it), else the
/// service's endpoint rules for the region, FIPS and dual-stack settings.
async fn oidc_endpoint(shared: &aws_config::SdkConfig, sso_region: &str) -> String {
    use aws_sdk_ssooidc::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
    use aws_types::service_config::ServiceConfigKey;

    let configured = if shared.get_origin("endpoint_url").is_client_config() {
        shared.endpoint_url().map(str::to_string)
    } else {
        let key = ServiceConfigKey::builder()
            .service_id("SSO OIDC")
            .env("AWS_ENDPOINT_URL")
            .profile("endpoint_url")
            .build()
            .expect("the key has all three parts");
        shared
            .service_config()
            .and_then(|config| config.load_config(key))
            .or_else(|| shared.endpoint_url().map(str::to_string))
    };
    let fallback = format!("https://oidc.{sso_region}.amazonaws.com");
    let params = Params::builder()
        .region(sso_region)
        .use_fips(shared.use_fips().unwrap_or(false))
        .use_dual_stack(shared.use_dual_stack().unwrap_or(false))
        .set_endpoint(configured)
        .build();
    let Ok(params) = params else {
        return fallback;
    };
    match DefaultResolver::new().resolve_endpoint(&params).await {
        Ok(endpoint) => endpoint.url().trim_end_matches('/').to_string(),
        Err(error) => {
            tracing::debug!("cannot resolve the SSO OIDC endpoint ({error}); using {fallback}");
            fallback
        }
    }
}
