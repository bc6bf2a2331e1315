//! Building a [`Config`]: read the sources, stack them, validate each key once.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::aws_profile::{self, AwsConfigFile};
use crate::config::{Config, ConfigFiles, Confirm, HttpSettings, SsoSettings, Transport};
use crate::configs_json;
use crate::error::ConfigError;
use crate::exec_settings::{self, ExecSettings};
use crate::keys::{self, defaults};
use crate::layers::{Layer, Stack};
use crate::secret::Secret;
use crate::source::Source;
use crate::values;

const REGION: &str = "an AWS region such as us-east-1";
const BOOLEAN: &str = "true or false (1/0 and yes/no work too)";
const SECONDS: &str = "a whole number of seconds, at most 31536000 (a year)";
const POSITIVE_SECONDS: &str = "a whole number of seconds from 1 to 31536000 (a year)";

impl Config {
    /// Loads from the process environment, with the home directory from `HOME`
    /// (`USERPROFILE` on Windows).
    pub fn load() -> Result<Config, ConfigError> {
        // vars() panics on a non-UTF-8 variable; such variables are never ours, so skip them.
        let env: HashMap<String, String> = std::env::vars_os()
            .filter_map(|(key, value)| Some((key.into_string().ok()?, value.into_string().ok()?)))
            .collect();
        let home = ["HOME", "USERPROFILE"]
            .iter()
            .find_map(|name| env.get(*name).filter(|value| !value.is_empty()))
            .map(PathBuf::from)
            .ok_or(ConfigError::NoHome)?;
        Config::load_from(&env, &home)
    }

    /// Loads from an explicit environment map and home directory; nothing global is read, so
    /// tests (and embedders) can run side by side.
    pub fn load_from(env: &HashMap<String, String>, home: &Path) -> Result<Config, ConfigError> {
        let env_map = env;
        let configs_json_path = configs_json::path(home);
        let json = configs_json::read(&configs_json_path)?;
        let env = Layer::from_env(env);

        // The keys that choose the AWS profile can only come from the sources above it.
        let upper = Stack::new([json.layer.clone(), env.clone()]);
        let value = |key| upper.get(key).map(|(value, _)| value);
        let aws_config = value(keys::AWS_CONFIG_FILE)
            .map(|path| expand_tilde(&path, home))
            .unwrap_or_else(|| aws_profile::default_path(home));
        let file = AwsConfigFile::read(&aws_config)?;
        let profile = value(keys::AWS_PROFILE);
        let explicit_session = value(keys::AWS_SSO_SESSION);
        let aws = aws_profile::layers(
            file.as_ref(),
            &aws_config,
            profile.as_deref(),
            explicit_session.as_deref(),
        )?;

        let mut reader = Reader {
            stack: Stack::new([aws.profile, aws.session, json.layer, env]),
            provenance: BTreeMap::new(),
        };
        let r = &mut reader;

        let start_url = r.checked(
            keys::AWS_SSO_START_URL,
            "an http(s) URL such as https://my-org.awsapps.com/start",
            |t| values::is_http_url(t).then(|| t.to_owned()),
        )?;
        let sso_region = r.checked(keys::AWS_SSO_REGION, REGION, region)?;
        let aws_region = r.checked(keys::AWS_REGION, REGION, region)?;
        let default_region = r.checked(keys::AWS_DEFAULT_REGION, REGION, region)?;
        let profile = r.checked(keys::AWS_PROFILE, "", |t| Some(t.to_owned()))?;
        let session = r.checked(keys::AWS_SSO_SESSION, "", |t| Some(t.to_owned()))?;
        r.checked(keys::AWS_CONFIG_FILE, "", |_| Some(()))?;
        let debug = r.or_default(keys::DEBUG, BOOLEAN, values::boolean, false)?;
        let transport = r.or_default(keys::TRANSPORT_MODE, "stdio or http", transport, Transport::Stdio)?;
        let port = r.or_default(keys::PORT, "a port number (1-65535)", values::port, defaults::PORT)?;
        let host = r.or_default(
            keys::MCP_AWS_SSO_HTTP_HOST,
            "an IP address or host name to bind, such as 127.0.0.1",
            |t| values::is_bind_host(t).then(|| t.to_owned()),
            defaults::HTTP_HOST.to_owned(),
        )?;
        let token = r.checked(keys::MCP_AWS_SSO_HTTP_TOKEN, "", |t| Some(Secret::new(t.to_owned())))?;
        let plugin_dirs = r.checked(keys::MCP_AWS_SSO_PLUGIN_DIRS, "", |t| {
            Some(
                std::env::split_paths(t)
                    .filter(|dir| !dir.as_os_str().is_empty())
                    .collect::<Vec<_>>(),
            )
        })?;
        let read_only = r.or_default(keys::MCP_AWS_SSO_READ_ONLY, BOOLEAN, values::boolean, false)?;
        let confirm = r.or_default(
            keys::MCP_AWS_SSO_CONFIRM,
            "never, mutations or all",
            Confirm::parse,
            Confirm::Never,
        )?;
        let accounts_cache_ttl = r.or_default(
            keys::MCP_AWS_SSO_ACCOUNTS_CACHE_TTL,
            SECONDS,
            |t| values::seconds(t, 0),
            defaults::ACCOUNTS_CACHE_TTL,
        )?;
        let call_timeout = r.or_default(
            keys::MCP_AWS_SSO_CALL_TIMEOUT,
            POSITIVE_SECONDS,
            |t| values::seconds(t, 1),
            defaults::CALL_TIMEOUT,
        )?;
        let max_output_chars = r.or_default(
            keys::MCP_AWS_SSO_MAX_OUTPUT,
            "a whole number of characters, at least 1",
            |t| {
                values::whole_number(t)
                    .filter(|n| *n > 0)
                    .and_then(|n| usize::try_from(n).ok())
            },
            defaults::MAX_OUTPUT_CHARS,
        )?;

        let exec = ExecSettings {
            sandbox: r.or_default(keys::MCP_AWS_SSO_EXEC_SANDBOX, "on or off", exec_settings::switch, true)?,
            allowed_endpoints: r
                .checked(
                    keys::MCP_AWS_SSO_EXEC_ALLOWED_ENDPOINTS,
                    "a comma-separated list of http(s) URLs and `no-verify-ssl`",
                    exec_settings::endpoint_list,
                )?
                .unwrap_or_default(),
            workdir: r.or_default(
                keys::MCP_AWS_SSO_EXEC_WORKDIR,
                "an absolute directory path",
                |t| exec_settings::absolute_path(t, home),
                exec_settings::default_workdir(env_map, home),
            )?,
            aws_cli: r.checked(
                keys::MCP_AWS_SSO_AWS_CLI,
                "the absolute path of the aws executable",
                |t| exec_settings::absolute_path(t, home),
            )?,
        };

        let provenance = reader.provenance;
        // An explicit name is the user's choice of cache key; otherwise the session counts only
        // if it is where the start URL came from (an env start URL must not share its cache).
        let session_name = match provenance.get(keys::AWS_SSO_SESSION) {
            Some(Source::Env | Source::ConfigsJson { .. }) => session,
            _ => provenance
                .get(keys::AWS_SSO_START_URL)
                .and_then(Source::sso_session)
                .map(str::to_owned),
        };

        Ok(Config {
            sso: SsoSettings {
                start_url,
                region: sso_region.or_else(|| aws_region.clone()),
                session_name,
                profile,
            },
            region: aws_region.or(default_region),
            debug,
            transport,
            http: HttpSettings { host, port, token },
            plugin_dirs: plugin_dirs.unwrap_or_default(),
            read_only,
            confirm,
            accounts_cache_ttl,
            call_timeout,
            max_output_chars,
            exec,
            plugins: json.plugins,
            home: home.to_owned(),
            provenance,
            files: ConfigFiles {
                configs_json: configs_json_path,
                configs_json_section: json.section,
                aws_config,
                aws_profile_section: aws.profile_section,
                aws_sso_session_section: aws.session_section,
            },
        })
    }
}

/// Reads keys off the stack, turning parse failures into errors that name key and source,
/// and records the provenance of every key it reads.
struct Reader {
    stack: Stack,
    provenance: BTreeMap<&'static str, Source>,
}

impl Reader {
    fn checked<T>(
        &mut self,
        key: &'static str,
        expected: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<Option<T>, ConfigError> {
        let Some((value, origin)) = self.stack.get(key) else {
            return Ok(None);
        };
        match parse(&value) {
            Some(parsed) => {
                self.provenance.insert(key, origin);
                Ok(Some(parsed))
            }
            None => Err(ConfigError::InvalidValue {
                key,
                value,
                origin,
                expected,
            }),
        }
    }

    fn or_default<T>(
        &mut self,
        key: &'static str,
        expected: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
        default: T,
    ) -> Result<T, ConfigError> {
        Ok(match self.checked(key, expected, parse)? {
            Some(value) => value,
            None => {
                self.provenance.insert(key, Source::Default);
                default
            }
        })
    }
}

fn region(text: &str) -> Option<String> {
    values::is_region(text).then(|| text.to_owned())
}

fn transport(text: &str) -> Option<Transport> {
    match text.to_ascii_lowercase().as_str() {
        "stdio" => Some(Transport::Stdio),
        "http" => Some(Transport::Http),
        _ => None,
    }
}

/// `~/…` as the AWS CLI expands it, against the given home rather than the process's.
fn expand_tilde(path: &str, home: &Path) -> PathBuf {
    match path.strip_prefix('~') {
        Some("") => home.to_owned(),
        Some(rest) if rest.starts_with(['/', '\\']) => home.join(&rest[1..]),
        _ => PathBuf::from(path),
    }
}
