//! What a newcomer runs into: a value that is not what we expect must not block the verbs that
//! diagnose it, and a likely mistake that does load gets one clear warning.

mod common;

use common::Home;
use mcp_aws_sso_config::{Config, ConfigError, ConfigWarning};

fn lenient(home: &Home) -> mcp_aws_sso_config::Loaded {
    Config::load_lenient_from(&home.env, home.path())
}

fn warnings(home: &Home) -> Vec<String> {
    home.config().warnings.iter().map(ToString::to_string).collect()
}

#[test]
fn a_node_debug_pattern_means_off_with_one_warning() {
    let mut home = Home::new();
    home.set("DEBUG", "express:*");
    let config = home.config();
    assert!(!config.debug);
    let warnings = warnings(&home);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0]
            .starts_with("DEBUG=\"express:*\" (from the environment) is not true or false, so debug logging is off"),
        "{}",
        warnings[0]
    );
    assert!(!warnings[0].contains('\n'));

    home.set("DEBUG", "true");
    assert!(home.config().debug);
    assert!(home.config().warnings.is_empty());
}

#[test]
fn a_debug_value_in_configs_json_is_a_warning_too() {
    let home = Home::new();
    home.configs_json(r#"{"aws-sso": {"environments": {"DEBUG": "mcp:*"}}}"#);
    let warnings = warnings(&home);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with(&format!(
            "DEBUG=\"mcp:*\" (from {}, section aws-sso) is not true or false",
            home.configs_json_path().display()
        )),
        "{}",
        warnings[0]
    );
}

#[test]
fn a_misspelled_section_names_the_close_match() {
    for (typo, meant) in [
        ("aws_sso", "aws-sso"),
        ("aws-ssso", "aws-sso"),
        ("mcp-server-aws_sso", "mcp-server-aws-sso"),
    ] {
        let home = Home::new();
        home.configs_json(&format!(
            r#"{{"{typo}": {{"environments": {{"AWS_SSO_START_URL": "https://x.awsapps.com/start"}}}}}}"#
        ));
        let config = home.config();
        assert_eq!(config.sso.start_url, None, "the section is not read");
        let warnings = warnings(&home);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with(&format!(
                "{}: section \"{typo}\" is not read; did you mean \"{meant}\"?",
                home.configs_json_path().display()
            )),
            "{}",
            warnings[0]
        );
    }
    // Other servers' sections are none of our business.
    let home = Home::new();
    home.configs_json(r#"{"aws-s3": {}, "github": {}, "aws-sso": {}}"#);
    assert!(home.config().warnings.is_empty());
}

#[test]
fn a_misspelled_key_names_the_close_match() {
    let home = Home::new();
    home.configs_json(r#"{"aws-sso": {"environments": {"AWS_SSO_START_ULR": "https://x.awsapps.com/start"}}}"#);
    let warnings = warnings(&home);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0]
            .ends_with("\"AWS_SSO_START_ULR\" is not a setting of this server; did you mean \"AWS_SSO_START_URL\"?"),
        "{}",
        warnings[0]
    );
}

#[test]
fn an_http_start_url_is_accepted_with_a_warning() {
    let mut home = Home::new();
    home.set("AWS_SSO_START_URL", "http://my-org.awsapps.com/start");
    let config = home.config();
    assert_eq!(config.sso.start_url.as_deref(), Some("http://my-org.awsapps.com/start"));
    let warnings: Vec<_> = config.warnings.iter().collect();
    assert!(
        matches!(warnings.as_slice(), [ConfigWarning::InsecureStartUrl { .. }]),
        "{warnings:?}"
    );
    assert!(
        warnings[0]
            .to_string()
            .starts_with("AWS_SSO_START_URL=http://my-org.awsapps.com/start (from the environment) is not https://")
    );
    home.set("AWS_SSO_START_URL", "https://my-org.awsapps.com/start");
    assert!(home.config().warnings.is_empty());
}

#[test]
fn lenient_loading_keeps_what_is_fine_and_lists_every_problem() {
    let mut home = Home::new();
    home.configs_json("{\"aws-sso\": {\"environments\": {\"AWS_REGION\": \"eu-west-1\",}}}");
    home.set("PORT", "99999");
    home.set("AWS_SSO_START_URL", "https://x.awsapps.com/start");
    home.set("MCP_AWS_SSO_READ_ONLY", "true");

    let loaded = lenient(&home);
    let problems: Vec<String> = loaded.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(matches!(loaded.problems[0], ConfigError::MalformedConfigsJson { .. }));
    assert!(
        problems[1].starts_with("PORT=99999 (from the environment)"),
        "{problems:?}"
    );
    assert_eq!(
        loaded.config.sso.start_url.as_deref(),
        Some("https://x.awsapps.com/start")
    );
    assert!(loaded.config.read_only);
    assert_eq!(loaded.config.http.port, 3000);
    assert_eq!(loaded.config.region, None, "the broken file is not read");

    // The strict view refuses, with the first problem.
    assert!(matches!(home.load(), Err(ConfigError::MalformedConfigsJson { .. })));
}

#[test]
fn a_broken_aws_profile_is_a_problem_and_the_environment_still_counts() {
    let mut home = Home::new();
    home.aws_config("[profile dev]\nsso_session = missing\n");
    home.set("AWS_PROFILE", "dev");
    home.set("AWS_CONFIG_FILE", &home.aws_config_path().display().to_string());
    home.set("AWS_SSO_REGION", "eu-central-1");
    let loaded = lenient(&home);
    assert_eq!(loaded.problems.len(), 1, "{:?}", loaded.problems);
    assert!(matches!(loaded.problems[0], ConfigError::MissingSsoSession { .. }));
    assert_eq!(loaded.config.sso.region.as_deref(), Some("eu-central-1"));
    assert!(home.load().is_err());
}

#[test]
fn a_clean_configuration_has_no_problems_and_no_warnings() {
    let mut home = Home::new();
    home.set("AWS_SSO_START_URL", "https://x.awsapps.com/start");
    home.set("DEBUG", "0");
    let loaded = lenient(&home);
    assert!(loaded.problems.is_empty());
    assert!(loaded.config.warnings.is_empty());
}
