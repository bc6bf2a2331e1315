//! The environment the `aws` process runs with.
//!
//! In the sandbox (the default) it is built from an **allow-list**: only variables that choose
//! how requests travel (PATH, locale and TZ, proxies, CA bundles, endpoint overrides, retry and
//! endpoint-resolution settings) pass from the host; then the sandbox's HOME, config and empty
//! credentials file, the role's credentials and the region are set. Anything else — a future
//! credential variable, `PYTHONPATH`, `AWS_DATA_PATH`, the host's own `MCP_AWS_SSO_*` settings —
//! never reaches the child.
//!
//! With the sandbox off (`MCP_AWS_SSO_EXEC_SANDBOX=off`, for users who need their own CLI
//! config) the host's environment passes minus a **deny-list** of variables that would choose
//! other credentials or another region.

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

/// Host variables the sandboxed child keeps, by exact name.
const ALLOWED: &[&str] = &[
    "PATH",
    "LANG",
    "LANGUAGE",
    "TZ",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "all_proxy",
    "AWS_CA_BUNDLE",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "AWS_ENDPOINT_URL",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_MAX_ATTEMPTS",
    "AWS_RETRY_MODE",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_STS_REGIONAL_ENDPOINTS",
    "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT",
    "AWS_REQUEST_CHECKSUM_CALCULATION",
    "AWS_RESPONSE_CHECKSUM_VALIDATION",
    "AWS_SDK_UA_APP_ID",
    "AWS_CLI_FILE_ENCODING",
];

/// Host variables the sandboxed child keeps, by prefix: `LC_ALL`, `LC_CTYPE`, ...;
/// `AWS_ENDPOINT_URL_<SERVICE>`.
const ALLOWED_PREFIXES: &[&str] = &["LC_", "AWS_ENDPOINT_URL_"];

/// Where the sandbox puts the child.
pub struct SandboxPaths<'a> {
    pub home: &'a std::path::Path,
    pub config_file: &'a std::path::Path,
    pub credentials_file: &'a std::path::Path,
    pub tmp_dir: &'a std::path::Path,
}

/// The sandboxed child's complete environment: the allowed part of the host's (`parent`), the
/// sandbox, the role's credentials and the region.
pub fn sandboxed_environment(
    parent: impl IntoIterator<Item = (OsString, OsString)>,
    credentials: &Credentials,
    region: &str,
    sandbox: &SandboxPaths<'_>,
) -> Vec<(OsString, OsString)> {
    let mut env: Vec<(OsString, OsString)> = parent.into_iter().filter(|(name, _)| is_allowed(name)).collect();
    let paths = [
        ("HOME", sandbox.home),
        ("AWS_CONFIG_FILE", sandbox.config_file),
        ("AWS_SHARED_CREDENTIALS_FILE", sandbox.credentials_file),
        ("TMPDIR", sandbox.tmp_dir),
    ];
    env.extend(paths.iter().map(|(n, p)| (OsString::from(n), p.as_os_str().to_owned())));
    let set = [
        ("AWS_ACCESS_KEY_ID", credentials.access_key_id.as_str()),
        ("AWS_SECRET_ACCESS_KEY", credentials.secret_access_key.as_str()),
        ("AWS_SESSION_TOKEN", credentials.session_token.as_str()),
        ("AWS_REGION", region),
        ("AWS_DEFAULT_REGION", region),
        ("AWS_PAGER", ""),
        ("AWS_CLI_AUTO_PROMPT", "off"),
        // No fallback to the instance metadata service for credentials or region.
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    env.extend(set.iter().map(|(n, v)| (OsString::from(n), OsString::from(v))));
    env
}

fn is_allowed(name: &OsStr) -> bool {
    let Some(name) = name.to_str() else { return false };
    ALLOWED.contains(&name) || ALLOWED_PREFIXES.iter().any(|prefix| name.starts_with(prefix))
}

/// The unsandboxed child's complete environment: the host's (`parent`) minus the deny-list, plus
/// the role's credentials and the region.
pub fn host_environment(
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
    use std::path::Path;

    #[test]
    fn the_sandboxed_environment_is_an_allow_list() {
        let parent = env_of(&[
            ("PATH", "/usr/bin"),
            ("HOME", "/home/u"),
            ("LC_ALL", "C.UTF-8"),
            ("HTTPS_PROXY", "http://proxy:3128"),
            ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5001"),
            ("AWS_CA_BUNDLE", "/etc/ca.pem"),
            ("AWS_CONFIG_FILE", "/home/u/.aws/config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/home/u/.aws/credentials"),
            ("AWS_PROFILE", "prod"),
            ("AWS_ACCESS_KEY_ID", "AKIAUSERKEY"),
            ("AWS_DATA_PATH", "/tmp/models"),
            ("PYTHONPATH", "/tmp/evil"),
            ("AWS_SOME_FUTURE_CREDENTIAL", "x"),
            ("MCP_AWS_SSO_HTTP_TOKEN", "bearer-secret"),
        ]);
        let paths = SandboxPaths {
            home: Path::new("/run/sb"),
            config_file: Path::new("/run/sb/aws-config"),
            credentials_file: Path::new("/run/sb/aws-credentials"),
            tmp_dir: Path::new("/run/sb/tmp"),
        };
        let env = sandboxed_environment(parent, &credentials(), "eu-west-1", &paths);
        let mut names: Vec<String> = env.iter().map(|(k, _)| k.to_string_lossy().into_owned()).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "AWS_ACCESS_KEY_ID",
                "AWS_CA_BUNDLE",
                "AWS_CLI_AUTO_PROMPT",
                "AWS_CONFIG_FILE",
                "AWS_DEFAULT_REGION",
                "AWS_EC2_METADATA_DISABLED",
                "AWS_ENDPOINT_URL_STS",
                "AWS_PAGER",
                "AWS_REGION",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN",
                "AWS_SHARED_CREDENTIALS_FILE",
                "HOME",
                "HTTPS_PROXY",
                "LC_ALL",
                "PATH",
                "TMPDIR"
            ]
        );
        assert_eq!(get(&env, "HOME"), Some("/run/sb"));
        assert_eq!(get(&env, "AWS_CONFIG_FILE"), Some("/run/sb/aws-config"));
        assert_eq!(
            get(&env, "AWS_SHARED_CREDENTIALS_FILE"),
            Some("/run/sb/aws-credentials")
        );
        assert_eq!(get(&env, "AWS_ACCESS_KEY_ID"), Some("ASIAROLEKEY"));
    }

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
        let env = host_environment(parent, &credentials(), "eu-west-1");
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
        let env = host_environment(parent, &credentials(), "us-east-1");
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
        let env = host_environment(parent, &credentials(), "us-east-1");
        assert_eq!(get(&env, "PATH"), Some("/usr/bin"));
        assert_eq!(get(&env, "AWS_ENDPOINT_URL"), Some("http://127.0.0.1:5000"));
        assert_eq!(get(&env, "AWS_ENDPOINT_URL_STS"), Some("http://127.0.0.1:5001"));
        assert_eq!(get(&env, "AWS_CONFIG_FILE"), Some("/home/u/.aws/config"));
        assert_eq!(get(&env, "AWS_CA_BUNDLE"), Some("/etc/ca.pem"));
    }
}
