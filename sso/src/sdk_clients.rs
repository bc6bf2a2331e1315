//! The AWS SDK clients for SSO OIDC (login, refresh) and the SSO portal (accounts, roles, role
//! credentials, logout), built once per process.
//!
//! Both APIs are unsigned (the portal takes the access token as a header parameter), so the shared
//! config is loaded with `no_credentials()`: the SDK never walks the credential chain, never reads
//! a profile's credentials and never calls IMDS. Region is the SSO region. Endpoints come from
//! aws-config's own resolution, so `AWS_ENDPOINT_URL_SSO_OIDC`, `AWS_ENDPOINT_URL_SSO`,
//! `AWS_ENDPOINT_URL` (and the profile's `endpoint_url`, `ignore_configured_endpoint_urls`) work
//! exactly as in every other AWS SDK.

use std::ops::Deref;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_types::service_config::ServiceConfigKey;

/// A client and the URL it sends to, for naming the host when it cannot be reached. Derefs to
/// the client.
pub struct Api<C> {
    pub client: C,
    pub endpoint: String,
}

impl<C> Deref for Api<C> {
    type Target = C;

    fn deref(&self) -> &C {
        &self.client
    }
}

/// SSO OIDC: client registration, login, refresh.
pub type Oidc = Api<aws_sdk_ssooidc::Client>;
/// The SSO portal: accounts, roles, role credentials, logout.
pub type Portal = Api<aws_sdk_sso::Client>;

pub struct SdkClients {
    /// SSO OIDC with the SDK's standard retries (transient errors only: the device-flow answers
    /// `authorization_pending` / `slow_down` are not retryable, so polling stays ours).
    pub oidc: Oidc,
    /// The portal with standard retries, for single calls (role credentials, logout).
    pub portal: Portal,
    /// The portal without SDK retries, for bulk listing: `accounts` paces and retries those
    /// calls itself, under its adaptive rate limit. SDK retries underneath would hide the 429s
    /// the limiter needs to see, and spend the SDK's retry quota on them.
    pub portal_bulk: Portal,
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
        let bulk = aws_sdk_sso::config::Builder::from(&shared)
            .retry_config(RetryConfig::disabled())
            .build();
        let oidc_endpoint = endpoint(&shared, "SSO OIDC", || {
            format!("https://oidc.{sso_region}.amazonaws.com")
        });
        let portal_endpoint = endpoint(&shared, "SSO", || {
            format!("https://portal.sso.{sso_region}.amazonaws.com")
        });
        Self {
            oidc: Api {
                client: aws_sdk_ssooidc::Client::new(&shared),
                endpoint: oidc_endpoint,
            },
            portal: Api {
                client: aws_sdk_sso::Client::new(&shared),
                endpoint: portal_endpoint.clone(),
            },
            portal_bulk: Api {
                client: aws_sdk_sso::Client::from_conf(bulk),
                endpoint: portal_endpoint,
            },
        }
    }
}

/// The endpoint a client of `service_id` sends to, resolved as the SDK's own clients do: the
/// service's override (`AWS_ENDPOINT_URL_<SERVICE>`, the profile's `services` section), else
/// the global one (`AWS_ENDPOINT_URL`, `endpoint_url`), else AWS's default.
fn endpoint(shared: &SdkConfig, service_id: &str, default: impl FnOnce() -> String) -> String {
    let key = ServiceConfigKey::builder()
        .service_id(service_id)
        .env("AWS_ENDPOINT_URL")
        .profile("endpoint_url")
        .build();
    shared
        .service_config()
        .and_then(|config| key.ok().and_then(|key| config.load_config(key)))
        .or_else(|| shared.endpoint_url().map(str::to_string))
        .unwrap_or_else(default)
}
