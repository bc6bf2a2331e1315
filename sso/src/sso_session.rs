//! Which IAM Identity Center to sign in to: start URL, SSO region and (optionally) the
//! `[sso-session]` name, as resolved by the config crate from the environment, configs.json or an
//! `~/.aws/config` profile. The session name, else the start URL, keys every cache file.

use mcp_aws_sso_config::Config;
use sha1::{Digest, Sha1};

use crate::AuthError;

/// The SSO session this host signs in to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSession {
    pub start_url: String,
    pub region: String,
    /// The `[sso-session NAME]`, when the configuration named one.
    pub session_name: Option<String>,
}

impl SsoSession {
    /// The session from configuration; a missing start URL or region is an error that says which
    /// key to set and where.
    pub fn from_config(config: &Config) -> Result<Self, AuthError> {
        let Some(start_url) = config.sso.start_url.clone() else {
            return Err(AuthError::NotConfigured {
                help: config.missing_start_url_help(),
            });
        };
        let Some(region) = config.sso.region.clone().or_else(|| config.region.clone()) else {
            return Err(AuthError::NotConfigured {
                help: format!(
                    "No IAM Identity Center region is configured for {start_url}. Set AWS_SSO_REGION to the \
                     region of your IAM Identity Center instance (e.g. us-east-1), in the same place as \
                     AWS_SSO_START_URL, or `sso_region` in the AWS profile's [sso-session]."
                ),
            });
        };
        Ok(Self {
            start_url,
            region,
            session_name: config.sso.session_name.clone(),
        })
    }

    /// The token cache file name stem: `sha1(session name)`, else `sha1(start URL)`, exactly as
    /// botocore's `SSOTokenLoader` computes it.
    pub fn token_cache_key(&self) -> String {
        sha1_hex(self.session_name.as_deref().unwrap_or(&self.start_url))
    }

    /// How to name the session to a person.
    pub fn label(&self) -> String {
        match &self.session_name {
            Some(name) => format!("{} (sso-session {name})", self.start_url),
            None => self.start_url.clone(),
        }
    }
}

pub fn sha1_hex(text: &str) -> String {
    hex::encode(Sha1::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(name: Option<&str>) -> SsoSession {
        SsoSession {
            start_url: "https://my-org.awsapps.com/start".into(),
            region: "us-east-1".into(),
            session_name: name.map(String::from),
        }
    }

    #[test]
    fn cache_keys_match_botocore() {
        // Values from Python: hashlib.sha1(b"my-sso").hexdigest(), and of the start URL.
        assert_eq!(
            session(Some("my-sso")).token_cache_key(),
            "0ad374308c5a4e22f723adf10145eafad7c4031c"
        );
        assert_eq!(
            session(None).token_cache_key(),
            "acff06c7037450e5a3fddcacb0a34e921da42d68"
        );
    }
}
