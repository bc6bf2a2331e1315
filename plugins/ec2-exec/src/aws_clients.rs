//! The SSM and EC2 clients of one call, and the one place AWS calls go through.
//!
//! The `SdkConfig` is built by hand: a plugin is its own library with its own copy of the SDK, and
//! aws-config's loader would read profiles, the environment and IMDS on its own. Everything it
//! needs comes from the host instead: the region, role credentials ([`RoleCredentials`]) and the
//! endpoint overrides (`Host::endpoint_url`, which reads `AWS_ENDPOINT_URL_<SERVICE>` /
//! `AWS_ENDPOINT_URL`).
//!
//! Retries: the SDK's standard mode (exponential backoff with jitter) retries throttling and
//! transient errors, except where `call_policy` says otherwise for an operation (SendCommand is
//! never retried by the SDK). Rejected credentials are handled in [`Aws::call`]: fresh ones from
//! the host, once, and the call again.

use std::future::Future;
use std::sync::Arc;

use aws_config::identity::IdentityCache;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_ssm::error::{ProvideErrorMetadata, SdkError};

use crate::call_policy;
use crate::classify::{AwsFailure, Cause, classify};
use crate::credentials::RoleCredentials;

/// Endpoint overrides, as the host read them from the environment.
#[derive(Debug, Clone, Default)]
pub struct Endpoints {
    pub ssm: Option<String>,
    pub ec2: Option<String>,
}

pub struct Aws {
    pub ssm: aws_sdk_ssm::Client,
    pub ec2: aws_sdk_ec2::Client,
    credentials: Arc<RoleCredentials>,
}

impl Aws {
    pub fn new(region: &str, credentials: Arc<RoleCredentials>, endpoints: &Endpoints) -> Self {
        let shared = SdkConfig::builder()
            .region(Region::new(region.to_string()))
            .credentials_provider(credentials.provider())
            // RoleCredentials caches and refreshes; an SDK cache on top would keep serving
            // credentials AWS already rejected.
            .identity_cache(IdentityCache::no_cache())
            .behavior_version(BehaviorVersion::latest())
            .retry_config(call_policy::default_retries())
            .timeout_config(call_policy::default_timeouts())
            .build();
        let mut ssm = aws_sdk_ssm::config::Builder::from(&shared);
        if let Some(url) = &endpoints.ssm {
            ssm = ssm.endpoint_url(url);
        }
        let mut ec2 = aws_sdk_ec2::config::Builder::from(&shared);
        if let Some(url) = &endpoints.ec2 {
            ec2 = ec2.endpoint_url(url);
        }
        Self {
            ssm: aws_sdk_ssm::Client::from_conf(ssm.build()),
            ec2: aws_sdk_ec2::Client::from_conf(ec2.build()),
            credentials,
        }
    }

    /// Runs one AWS call (`op` builds and sends the request). When AWS rejects the credentials as
    /// expired or invalid, asks the host for fresh ones (once per tool call) and runs it again:
    /// a rejected request was not carried out, so sending it again is safe even for SendCommand.
    pub async fn call<T, E, F, Fut>(&self, operation: &'static str, mut op: F) -> Result<T, AwsFailure>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        loop {
            let error = match op().await {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            let mut failure = classify(operation, &error);
            if failure.cause == Cause::RejectedCredentials {
                match self.credentials.refresh_once().await {
                    Ok(true) => continue,
                    Ok(false) => {}
                    Err(host_error) => {
                        failure.message = format!(
                            "{}; getting new credentials failed: {}",
                            failure.message, host_error.message
                        )
                    }
                }
            }
            return Err(failure);
        }
    }
}
