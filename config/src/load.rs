//! Building a [`Config`]: read the sources, stack them, validate each key once.
//!
//! Loading is lenient underneath: a broken source or a bad value is recorded as a problem and
//! left out (the key is then unset, or at its default), so that `doctor`,
//! `plugins`, `--help` and `completions` work with a broken file. [`Config::load`] is the strict
//! view of the same result: the first problem is an error, which is what serving and the tool
//! verbs use, since ignoring a broken file could drop a setting like `MCP_AWS_SSO_READ_ONLY=true`.

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
use crate::warning::ConfigWarning;

const REGION: &str = "an AWS region such as us-east-1";
const BOOLEAN: &str = "true or false (1/0 and yes/no work too)";
const SECONDS: &str = "a whole number of seconds, at most 31536000 (a year)";
const POSITIVE_SECONDS: &str = "a whole number of seconds from 1 to 31536000 (a year)";
const PORT: &str = "a port number from 0 to 65535 (0 picks a free port)";

/// The home directory used when none is known, so a lenient load still has somewhere to look;
/// it does not exist, so nothing is read from it.
const NO_HOME: &str = "/nonexistent";

/// A configuration loaded without stopping at the first problem: every source and key that was
/// fine is in `config`; each one that was not is in `problems` (in the order a strict load meets
/// them) and was left out.
#[derive(Debug)]
pub struct Loaded {
    /// The configuration without the broken parts.
    pub config: Config,
    /// What was wrong, each naming the key or file and where it came from.
    pub problems: Vec<ConfigError>,
}

impl Loaded {
    /// The strict view: the configuration if nothing was wrong, else the first problem.
    pub fn into_result(self) -> Result<Config, ConfigError> {
        match self.problems.into_iter().next() {
            None => Ok(self.config),
            Some(problem) => Err(problem),
        }
    }
}

impl Config {
    /// Loads from the process environment, with the home directory from `HOME`
    /// (`USERPROFILE` on Windows); the first problem is an error.
    pub fn load() -> Result<Config, ConfigError> {
        Config::load_lenient().into_result()
    }

    /// Loads from the process environment, keeping what is fine and listing the problems.
    pub fn load_lenient() -> Loaded {
        // vars() panics on a non-UTF-8 variable; such variables are never ours, so skip them.
        let env: HashMap<String, String> = std::env::vars_os()
            .filter_map(|(key, value)| Some((key.into_string().ok()?, value.into_string().ok()?)))
            .collect();
        let home = ["HOME", "USERPROFILE"]
            .iter()
            .find_map(|name| env.get(*name).filter(|value| !value.is_empty()))
            .map(PathBuf::from);
        match home {
            Some(home) => Config::load_lenient_from(&env, &home),
            None => {
                let mut loaded = Config::load_lenient_from(&env, Path::new(NO_HOME));
                loaded.problems.insert(0, ConfigError::NoHome);
                loaded
            }
        }
    }

    /// Loads from an explicit environment map and home directory; nothing global is read, so
    /// tests (and embedders) can run side by side. The first problem is an error.
    pub fn load_from(env: &HashMap<String, String>, home: &Path) -> Result<Config, ConfigError> {
        Config::load_lenient_from(env, home).into_result()
    }

    /// [`Config::load_from`] that keeps what is fine and lists the problems.
    pub fn load_lenient_from(env: &HashMap<String, String>, home: &Path) -> Loaded {
        let mut problems = Vec::new();
        let env_map = env;
        let configs_json_path = configs_json::path(home);
        let json = configs_json::read(&configs_json_path).unwrap_or_else(|problem| {
            problems.push(problem);
            configs_json::empty(&configs_json_path)
        });
        let env = Layer::from_env(env);

        // The keys that choose the AWS profile can only come from the sources above it.
        let upper = Stack::new([json.layer.clone(), env.clone()]);
        let value = |key| upper.get(key).map(|(value, _)| value);
        let aws_config = value(keys::AWS_CONFIG_FILE)
            .map(|path| expand_tilde(&path, home))
            .unwrap_or_else(|| aws_profile::default_path(home));
        let file =
            AwsConfigFile::read_if_needed(&aws_config, |key| upper.get(key).is_some()).unwrap_or_else(|problem| {
                problems.push(problem);
                None
            });
        let profile = value(keys::AWS_PROFILE);
        let explicit_session = value(keys::AWS_SSO_SESSION);
        let aws = aws_profile::layers(
            file.as_ref(),
            &aws_config,
            profile.as_deref(),
            explicit_session.as_deref(),
        )
        .unwrap_or_else(|problem| {
            problems.push(problem);
            // Without a file there is nothing to reject: this is the "no AWS config" result.
            aws_profile::layers(None, &aws_config, None, None).expect("no file, no problem")
        });

        let mut reader = Reader {
            stack: Stack::new([aws.profile, aws.session, json.layer, env]),
            provenance: BTreeMap::new(),
            problems,
            warnings: json.warnings,
        };
        let r = &mut reader;

        let start_url = r.checked(
            keys::AWS_SSO_START_URL,
            "an http(s) URL such as https://my-org.awsapps.com/start",
            |t| values::is_http_url(t).then(|| t.to_owned()),
        );
        r.warn_on_plain_http_start_url();
        let sso_region = r.checked(keys::AWS_SSO_REGION, REGION, region);
        let aws_region = r.checked(keys::AWS_REGION, REGION, region);
        let default_region = r.checked(keys::AWS_DEFAULT_REGION, REGION, region);
        let profile = r.checked(keys::AWS_PROFILE, "", |t| Some(t.to_owned()));
        let session = r.checked(keys::AWS_SSO_SESSION, "", |t| Some(t.to_owned()));
        r.checked(keys::AWS_CONFIG_FILE, "", |_| Some(()));
        let debug = r.debug();
        let transport = r.or_default(keys::TRANSPORT_MODE, "stdio or http", transport, Transport::Stdio);
        let port = r.or_default(keys::PORT, PORT, values::port, defaults::PORT);
        let host = r.or_default(
            keys::MCP_AWS_SSO_HTTP_HOST,
            "an IP address or host name to bind, such as 127.0.0.1",
            |t| values::is_bind_host(t).then(|| t.to_owned()),
            defaults::HTTP_HOST.to_owned(),
        );
        let token = r.checked(keys::MCP_AWS_SSO_HTTP_TOKEN, "", |t| Some(Secret::new(t.to_owned())));
        let count = |t: &str| {
            values::whole_number(t)
                .filter(|n| *n > 0)
                .and_then(|n| usize::try_from(n).ok())
        };
        const COUNT: &str = "a whole number, at least 1";
        let max_sessions = r.or_default(
            keys::MCP_AWS_SSO_HTTP_MAX_SESSIONS,
            COUNT,
            count,
            defaults::HTTP_MAX_SESSIONS,
        );
        let max_calls = r.or_default(keys::MCP_AWS_SSO_HTTP_MAX_CALLS, COUNT, count, defaults::HTTP_MAX_CALLS);
        let max_calls_per_session = r.or_default(
            keys::MCP_AWS_SSO_HTTP_MAX_CALLS_PER_SESSION,
            COUNT,
            count,
            defaults::HTTP_MAX_CALLS_PER_SESSION,
        );
        let max_body = r.or_default(
            keys::MCP_AWS_SSO_HTTP_MAX_BODY,
            "a whole number of bytes, at least 1",
            count,
            defaults::HTTP_MAX_BODY,
        );
        let session_idle = r.or_default(
            keys::MCP_AWS_SSO_HTTP_SESSION_IDLE,
            POSITIVE_SECONDS,
            |t| values::seconds(t, 1),
            defaults::HTTP_SESSION_IDLE,
        );
        let plugin_dirs = r.checked(keys::MCP_AWS_SSO_PLUGIN_DIRS, "", |t| {
            Some(
                std::env::split_paths(t)
                    .filter(|dir| !dir.as_os_str().is_empty())
                    .collect::<Vec<_>>(),
            )
        });
        let read_only = r.or_default(keys::MCP_AWS_SSO_READ_ONLY, BOOLEAN, values::boolean, false);
        let confirm = r.or_default(
            keys::MCP_AWS_SSO_CONFIRM,
            "never, mutations or all",
            Confirm::parse,
            Confirm::Never,
        );
        let accounts_cache_ttl = r.or_default(
            keys::MCP_AWS_SSO_ACCOUNTS_CACHE_TTL,
            SECONDS,
            |t| values::seconds(t, 0),
            defaults::ACCOUNTS_CACHE_TTL,
        );
        let call_timeout = r.or_default(
            keys::MCP_AWS_SSO_CALL_TIMEOUT,
            POSITIVE_SECONDS,
            |t| values::seconds(t, 1),
            defaults::CALL_TIMEOUT,
        );
        let max_output_chars = r.or_default(
            keys::MCP_AWS_SSO_MAX_OUTPUT,
            "a whole number of characters, at least 1",
            |t| {
                values::whole_number(t)
                    .filter(|n| *n > 0)
                    .and_then(|n| usize::try_from(n).ok())
            },
            defaults::MAX_OUTPUT_CHARS,
        );

        let exec = ExecSettings {
            sandbox: r.or_default(keys::MCP_AWS_SSO_EXEC_SANDBOX, "on or off", exec_settings::switch, true),
            allowed_endpoints: r
                .checked(
                    keys::MCP_AWS_SSO_EXEC_ALLOWED_ENDPOINTS,
                    "a comma-separated list of http(s) URLs and `no-verify-ssl`",
                    exec_settings::endpoint_list,
                )
                .unwrap_or_default(),
            workdir: r.or_default(
                keys::MCP_AWS_SSO_EXEC_WORKDIR,
                "an absolute directory path",
                |t| exec_settings::absolute_path(t, home),
                exec_settings::default_workdir(env_map, home),
            ),
            aws_cli: r.checked(
                keys::MCP_AWS_SSO_AWS_CLI,
                "the absolute path of the aws executable",
                |t| exec_settings::absolute_path(t, home),
            ),
        };

        let Reader {
            provenance,
            problems,
            warnings,
            ..
        } = reader;
        // An explicit name is the user's choice of cache key; otherwise the session counts only
        // if it is where the start URL came from (an env start URL must not share its cache).
        let session_name = match provenance.get(keys::AWS_SSO_SESSION) {
            Some(Source::Env | Source::ConfigsJson { .. }) => session,
            _ => provenance
                .get(keys::AWS_SSO_START_URL)
                .and_then(Source::sso_session)
                .map(str::to_owned),
        };

        // Registration scopes belong to the session section the cache key names.
        let registration_scopes = session_name
            .as_ref()
            .filter(|name| aws.session_section.as_deref() == Some(format!("sso-session {name}").as_str()))
            .and(aws.registration_scopes);

        let config = Config {
            sso: SsoSettings {
                start_url,
                region: sso_region.or_else(|| aws_region.clone()),
                session_name,
                registration_scopes,
                profile,
            },
            region: aws_region.or(default_region),
            debug,
            transport,
            http: HttpSettings {
                host,
                port,
                token,
                max_sessions,
                max_calls,
                max_calls_per_session,
                max_body,
                session_idle,
            },
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
            warnings,
        };
        Loaded { config, problems }
    }
}

/// `--port` on the command line, checked by the same rule and worded like `PORT` in the
/// environment, so the two say the same thing about the same mistake.
pub fn port_flag(flag: &'static str, text: &str) -> Result<u16, ConfigError> {
    values::port(text.trim()).ok_or_else(|| ConfigError::InvalidValue {
        key: keys::PORT,
        value: text.trim().to_owned(),
        origin: Source::CommandLine { flag },
        expected: PORT,
    })
}

/// Reads keys off the stack, turning parse failures into errors that name key and source,
/// and records the provenance of every key it reads.
/// and records the provenance of every key it reads. A bad value is recorded as a problem and
/// the key is left unset (or at its default).
struct Reader {
    stack: Stack,
    provenance: BTreeMap<&'static str, Source>,
    problems: Vec<ConfigError>,
    warnings: Vec<ConfigWarning>,
}

impl Reader {
    fn checked<T>(
        &mut self,
        key: &'static str,
        expected: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Option<T> {
        let (value, origin) = self.stack.get(key)?;
        match parse(&value) {
            Some(parsed) => {
                self.provenance.insert(key, origin);
                Some(parsed)
            }
            None => {
                self.problems.push(ConfigError::InvalidValue {
                    key,
                    value,
                    origin,
                    expected,
                });
                None
            }
        }
    }

    fn or_default<T>(
        &mut self,
        key: &'static str,
        expected: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
        default: T,
    ) -> T {
        match self.checked(key, expected, parse) {
            Some(value) => value,
            None => {
                self.provenance.entry(key).or_insert(Source::Default);
                default
            }
        }
    }

    /// `DEBUG` only ever turns on more logging, so a value that is not a boolean (Node's
    /// `DEBUG=express:*`) must not stop the server: it means off, with a warning.
    fn debug(&mut self) -> bool {
        let Some((value, origin)) = self.stack.get(keys::DEBUG) else {
            self.provenance.insert(keys::DEBUG, Source::Default);
            return false;
        };
        match values::boolean(&value) {
            Some(debug) => {
                self.provenance.insert(keys::DEBUG, origin);
                debug
            }
            None => {
                self.provenance.insert(keys::DEBUG, Source::Default);
                self.warnings.push(ConfigWarning::DebugNotBoolean { value, origin });
                false
            }
        }
    }

    fn warn_on_plain_http_start_url(&mut self) {
        if let (Some((value, origin)), Some(_)) = (
            self.stack.get(keys::AWS_SSO_START_URL),
            self.provenance.get(keys::AWS_SSO_START_URL),
        ) && value.to_ascii_lowercase().starts_with("http://")
        {
            self.warnings.push(ConfigWarning::InsecureStartUrl { value, origin });
        }
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
