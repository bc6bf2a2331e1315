//! The environment the `aws` process runs with: the host's, minus everything that could make the
//! AWS CLI use other credentials or another region, plus the role's credentials and the region.
//!
//! Endpoint overrides (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`) and other settings pass
//! through: they choose where requests go, not who signs them (and the tests rely on them).

use std::ffi::{OsStr, OsString};

use mcp_aws_sso_plugin_api::Credentials;

/// Variables removed from the child's environment, because each one can change whose credentials
/// the AWS CLI uses (or, for the host's own settings, is none of the child's business).
const REMOVED: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    // Legacy spellings some SDKs and the CLI v1 still read.
    "AWS_SECURITY_TOKEN",
    "AWS_ACCESS_KEY",
    "AWS_SECRET_KEY",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
];

/// Prefixes of removed variables: container credential endpoints (`AWS_CONTAINER_CREDENTIALS_*`,
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN*`) and the host's own settings, which include its HTTP
/// bearer token.
const REMOVED_PREFIXES: &[&str] = &["AWS_CONTAINER_", "MCP_AWS_SSO_"];

/// Builds the child's complete environment from the host's (`parent`).
pub fn child_environment(
    parent: impl IntoIterator<Item = (OsString, OsString)>,
    credentials: &Credentials,
    region: &str,
) -> Vec<(OsString, OsString)> {
    let mut env: Vec<(OsString, OsString)> = parent.into_iter().filter(|(name, _)| !is_removed(name)).collect();
    let set = [
        ("AWS_ACCESS_KEY_ID", credentials.access_key_id.as_str()),
        ("AWS_SECRET_ACCESS_KEY", credentials.secret_access_key.as_str()),
        ("AWS_SESSION_TOKEN", credentials.session_token.as_str()),
        ("AWS_REGION", region),
        ("AWS_DEFAULT_REGION", region),
        // The AWS CLI v2 pipes output through a pager (`less`) by default; nobody reads it here.
        ("AWS_PAGER", ""),
    ];
    env.retain(|(name, _)| !set.iter().any(|(n, _)| name == n));
    env.extend(set.iter().map(|(n, v)| (OsString::from(n), OsString::from(v))));
    env
}

fn is_removed(name: &OsStr) -> bool {
    let Some(name) = name.to_str() else { return false };
    REMOVED.contains(&name) || REMOVED_PREFIXES.iter().any(|prefix| name.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials() -> Credentials {
        Credentials {
            access_key_id: "ASIAROLEKEY".into(),
            secret_access_key: "role-secret".into(),
            session_token: "role-token".into(),
            expiration: 0,
        }
    }

    fn env_of(pairs: &[(&str, &str)]) -> Vec<(OsString, OsString)> {
        pairs
            .iter()
            .map(|(k, v)| (OsString::from(k), OsString::from(v)))
            .collect()
    }

    fn get<'a>(env: &'a [(OsString, OsString)], name: &str) -> Option<&'a str> {
        env.iter().find(|(k, _)| k == name).and_then(|(_, v)| v.to_str())
    }

    #[test]
    fn role_credentials_and_region_replace_the_hosts() {
        let parent = env_of(&[
            ("AWS_ACCESS_KEY_ID", "AKIAUSERKEY"),
            ("AWS_SECRET_ACCESS_KEY", "user-secret"),
            ("AWS_SESSION_TOKEN", "user-token"),
            ("AWS_REGION", "ap-south-1"),
            ("AWS_DEFAULT_REGION", "ap-south-1"),
            ("AWS_PAGER", "less"),
        ]);
        let env = child_environment(parent, &credentials(), "eu-west-1");
        assert_eq!(get(&env, "AWS_ACCESS_KEY_ID"), Some("ASIAROLEKEY"));
        assert_eq!(get(&env, "AWS_SECRET_ACCESS_KEY"), Some("role-secret"));
        assert_eq!(get(&env, "AWS_SESSION_TOKEN"), Some("role-token"));
        assert_eq!(get(&env, "AWS_REGION"), Some("eu-west-1"));
        assert_eq!(get(&env, "AWS_DEFAULT_REGION"), Some("eu-west-1"));
        assert_eq!(get(&env, "AWS_PAGER"), Some(""));
        let names: Vec<_> = env.iter().map(|(k, _)| k.clone()).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(names.len(), unique.len(), "every variable once: {names:?}");
    }

    #[test]
    fn other_credential_sources_are_removed() {
        let parent = env_of(&[
            ("AWS_PROFILE", "prod"),
            ("AWS_DEFAULT_PROFILE", "prod"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/home/u/.aws/credentials"),
            ("AWS_SECURITY_TOKEN", "t"),
            ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds"),
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/creds"),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "t"),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"),
            ("AWS_ROLE_ARN", "arn:aws:iam::1:role/x"),
            ("MCP_AWS_SSO_HTTP_TOKEN", "bearer-secret"),
        ]);
        let env = child_environment(parent, &credentials(), "us-east-1");
        let names: Vec<String> = env.iter().map(|(k, _)| k.to_string_lossy().into_owned()).collect();
        assert_eq!(
            names,
            [
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN",
                "AWS_REGION",
                "AWS_DEFAULT_REGION",
                "AWS_PAGER"
            ]
        );
    }

    #[test]
    fn endpoints_and_unrelated_settings_pass_through() {
        let parent = env_of(&[
            ("PATH", "/usr/bin"),
            ("HOME", "/home/u"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
            ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5001"),
            ("AWS_CONFIG_FILE", "/home/u/.aws/config"),
            ("AWS_CA_BUNDLE", "/etc/ca.pem"),
        ]);
        let env = child_environment(parent, &credentials(), "us-east-1");
        assert_eq!(get(&env, "PATH"), Some("/usr/bin"));
        assert_eq!(get(&env, "AWS_ENDPOINT_URL"), Some("http://127.0.0.1:5000"));
        assert_eq!(get(&env, "AWS_ENDPOINT_URL_STS"), Some("http://127.0.0.1:5001"));
        assert_eq!(get(&env, "AWS_CONFIG_FILE"), Some("/home/u/.aws/config"));
        assert_eq!(get(&env, "AWS_CA_BUNDLE"), Some("/etc/ca.pem"));
    }
}
