//! Which source wins: environment > configs.json > AWS profile, key by key.

mod common;

use common::Home;
use mcp_aws_sso_config::{Source, keys};
use serde_json::json;

const PROFILE: &str = "[profile dev]\n\
    sso_start_url = https://profile.awsapps.com/start\n\
    sso_region = ap-southeast-2\n\
    region = eu-west-3\n";

#[test]
fn environment_beats_configs_json_beats_profile() {
    let mut home = Home::new();
    home.aws_config(PROFILE).configs_json(
        r#"{"aws-sso": {"environments": {
            "AWS_PROFILE": "dev",
            "AWS_SSO_START_URL": "https://json.awsapps.com/start",
            "AWS_SSO_REGION": "eu-central-1"
        }}}"#,
    );
    home.set("AWS_SSO_START_URL", "https://env.awsapps.com/start");

    let config = home.config();
    assert_eq!(config.sso.start_url.as_deref(), Some("https://env.awsapps.com/start"));
    assert_eq!(config.sso.region.as_deref(), Some("eu-central-1"));
    assert_eq!(
        config.region.as_deref(),
        Some("eu-west-3"),
        "the profile's region fills in"
    );
    assert_eq!(config.sso.profile.as_deref(), Some("dev"));

    let json_source = Source::ConfigsJson {
        path: home.configs_json_path(),
        section: "aws-sso".into(),
    };
    let profile_source = Source::AwsProfile {
        path: home.aws_config_path(),
        profile: "profile dev".into(),
    };
    assert_eq!(config.provenance[keys::AWS_SSO_START_URL], Source::Env);
    assert_eq!(config.provenance[keys::AWS_SSO_REGION], json_source);
    assert_eq!(config.provenance[keys::AWS_PROFILE], json_source);
    assert_eq!(config.provenance[keys::AWS_DEFAULT_REGION], profile_source);
}

#[test]
fn the_profile_fills_in_what_nothing_else_sets() {
    let mut home = Home::new();
    home.aws_config(PROFILE);
    home.set("AWS_PROFILE", "dev");

    let config = home.config();
    assert_eq!(
        config.sso.start_url.as_deref(),
        Some("https://profile.awsapps.com/start")
    );
    assert_eq!(config.sso.region.as_deref(), Some("ap-southeast-2"));
    assert_eq!(
        config.sso.session_name, None,
        "legacy profiles key the token cache by start URL"
    );
}

#[test]
fn blank_values_count_as_unset_and_fall_through() {
    let mut home = Home::new();
    home.configs_json(
        r#"{"aws-sso": {"environments": {
            "AWS_SSO_START_URL": "https://json.awsapps.com/start",
            "AWS_SSO_REGION": "",
            "AWS_REGION": "us-west-2",
            "PORT": "  "
        }}}"#,
    );
    home.set("AWS_SSO_START_URL", "")
        .set("DEBUG", "")
        .set("AWS_REGION", " ");

    let config = home.config();
    assert_eq!(config.sso.start_url.as_deref(), Some("https://json.awsapps.com/start"));
    assert_eq!(
        config.sso.region.as_deref(),
        Some("us-west-2"),
        "AWS_SSO_REGION falls back to AWS_REGION"
    );
    assert_eq!(config.http.port, 3000);
    assert_eq!(config.provenance[keys::PORT], Source::Default);
    assert!(!config.debug);
}

#[test]
fn configs_json_sections_first_present_wins() {
    // Each section names itself in its start URL, so the URL shows which one was read.
    let url = |section: &str| format!("https://{}.example/start", section.replace(['@', '/'], "-"));
    let cases: [(&[&str], Option<&str>); 4] = [
        (
            &["mcp-server-aws-sso", "@aashari/mcp-server-aws-sso", "aws-sso"],
            Some("aws-sso"),
        ),
        (
            &["mcp-server-aws-sso", "@aashari/mcp-server-aws-sso"],
            Some("@aashari/mcp-server-aws-sso"),
        ),
        (&["mcp-server-aws-sso"], Some("mcp-server-aws-sso")),
        (&["some-other-server"], None),
    ];
    for (present, expected) in cases {
        let file: serde_json::Map<_, _> = present
            .iter()
            .map(|name| {
                (
                    name.to_string(),
                    json!({"environments": {"AWS_SSO_START_URL": url(name)}}),
                )
            })
            .collect();
        let home = Home::new();
        home.configs_json(&serde_json::Value::Object(file).to_string());
        let config = home.config();
        assert_eq!(config.files.configs_json_section, expected, "{present:?}");
        assert_eq!(config.sso.start_url, expected.map(url), "{present:?}");
        if let Some(section) = expected {
            assert_eq!(
                config.provenance[keys::AWS_SSO_START_URL],
                Source::ConfigsJson {
                    path: home.configs_json_path(),
                    section: section.into()
                }
            );
        }
    }
}

#[test]
fn sections_are_not_merged() {
    let home = Home::new();
    home.configs_json(
        r#"{"aws-sso": {"environments": {"AWS_SSO_START_URL": "https://a.example/start"}},
            "mcp-server-aws-sso": {"environments": {"AWS_REGION": "eu-west-1"}}}"#,
    );
    assert_eq!(home.config().region, None);
}

#[test]
fn environments_accept_strings_numbers_and_booleans() {
    let home = Home::new();
    home.configs_json(
        r#"{"aws-sso": {"environments": {
            "PORT": 8080,
            "DEBUG": true,
            "MCP_AWS_SSO_READ_ONLY": "yes",
            "MCP_AWS_SSO_CALL_TIMEOUT": 30,
            "MCP_AWS_SSO_ACCOUNTS_CACHE_TTL": "0",
            "MCP_AWS_SSO_MAX_OUTPUT": 1000,
            "TRANSPORT_MODE": "HTTP",
            "MCP_AWS_SSO_HTTP_HOST": "0.0.0.0",
            "AWS_SSO_SESSION": null,
            "SOME_OTHER_TOOLS_KEY": {"ignored": true}
        }}}"#,
    );
    let config = home.config();
    assert_eq!(config.http.port, 8080);
    assert!(config.debug);
    assert!(config.read_only);
    assert_eq!(config.call_timeout.as_secs(), 30);
    assert_eq!(config.accounts_cache_ttl.as_secs(), 0);
    assert_eq!(config.max_output_chars, 1000);
    assert_eq!(config.transport, mcp_aws_sso_config::Transport::Http);
    assert_eq!(config.http.host, "0.0.0.0");
}

#[test]
fn region_prefers_aws_region_then_default_region_then_profile() {
    let mut home = Home::new();
    home.aws_config("[default]\nregion = eu-west-3\n");
    assert_eq!(home.config().region.as_deref(), Some("eu-west-3"));
    home.set("AWS_DEFAULT_REGION", "eu-north-1");
    assert_eq!(home.config().region.as_deref(), Some("eu-north-1"));
    home.configs_json(r#"{"aws-sso": {"environments": {"AWS_REGION": "us-gov-west-1"}}}"#);
    assert_eq!(
        home.config().region.as_deref(),
        Some("us-gov-west-1"),
        "AWS_REGION from configs.json beats AWS_DEFAULT_REGION from env"
    );
}

#[test]
fn defaults_when_nothing_is_configured() {
    let home = Home::new();
    let config = home.config();
    assert_eq!(config.sso, Default::default());
    assert_eq!(config.region, None);
    assert!(!config.debug && !config.read_only);
    assert_eq!(config.transport, mcp_aws_sso_config::Transport::Stdio);
    assert_eq!((config.http.host.as_str(), config.http.port), ("127.0.0.1", 3000));
    assert!(config.http.token.is_none());
    assert!(config.plugin_dirs.is_empty());
    assert_eq!(config.accounts_cache_ttl.as_secs(), 600);
    assert_eq!(config.call_timeout.as_secs(), 300);
    assert_eq!(config.max_output_chars, 40_000);
    assert!(config.plugins.is_empty());
    assert_eq!(config.home, home.path());
    assert_eq!(config.files.aws_config, home.aws_config_path());
    assert!(config.provenance.values().all(|source| *source == Source::Default));
    assert!(config.provenance.contains_key(keys::MCP_AWS_SSO_MAX_OUTPUT));
}

#[test]
fn plugin_dirs_are_an_os_path_list() {
    let mut home = Home::new();
    let dirs = std::env::join_paths(["/opt/a", "/opt/b c"])
        .unwrap()
        .into_string()
        .unwrap();
    home.set("MCP_AWS_SSO_PLUGIN_DIRS", &dirs);
    let config = home.config();
    assert_eq!(
        config.plugin_dirs,
        [std::path::PathBuf::from("/opt/a"), "/opt/b c".into()]
    );
}

#[test]
fn home_comes_from_the_argument_not_the_process() {
    // Two homes in one process: each load sees only its own files.
    let (a, b) = (Home::new(), Home::new());
    a.configs_json(r#"{"aws-sso": {"environments": {"AWS_REGION": "eu-west-1"}}}"#);
    b.configs_json(r#"{"aws-sso": {"environments": {"AWS_REGION": "sa-east-1"}}}"#);
    assert_eq!(a.config().region.as_deref(), Some("eu-west-1"));
    assert_eq!(b.config().region.as_deref(), Some("sa-east-1"));
}
