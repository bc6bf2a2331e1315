//! The message a user sees when no start URL is configured.

mod common;

use common::Home;

#[test]
fn names_the_key_and_every_place_to_set_it() {
    let home = Home::new();
    let help = home.config().missing_start_url_help();
    assert!(help.contains("AWS_SSO_START_URL="), "{help}");
    assert!(help.contains(&home.configs_json_path().display().to_string()), "{help}");
    assert!(
        help.contains(r#"{"aws-sso": {"environments": {"AWS_SSO_START_URL": "#),
        "{help}"
    );
    assert!(help.contains(&home.aws_config_path().display().to_string()), "{help}");
    assert!(
        help.contains("AWS_PROFILE=NAME") && help.contains("sso_session = my-sso"),
        "{help}"
    );
}

#[test]
fn uses_the_section_the_user_already_has() {
    let home = Home::new();
    home.configs_json(r#"{"@aashari/mcp-server-aws-sso": {"environments": {"AWS_SSO_REGION": "eu-west-1"}}}"#);
    let help = home.config().missing_start_url_help();
    assert!(
        help.contains(r#"{"@aashari/mcp-server-aws-sso": {"environments""#),
        "{help}"
    );
    assert!(help.contains("\"AWS_SSO_REGION\": \"eu-west-1\""), "{help}");
}

#[test]
fn explains_what_is_wrong_with_the_profile() {
    let mut home = Home::new();
    home.set("AWS_PROFILE", "dev");
    let help = home.config().missing_start_url_help();
    assert!(
        help.contains("AWS_PROFILE=dev (from the environment), but") && help.contains("does not exist"),
        "{help}"
    );

    home.aws_config("[profile other]\n");
    let help = home.config().missing_start_url_help();
    assert!(help.contains("has no [profile dev] section"), "{help}");

    home.aws_config("[profile dev]\nregion = eu-west-1\n");
    let help = home.config().missing_start_url_help();
    assert!(
        help.contains("[profile dev] in") && help.contains("neither sso_session nor sso_start_url"),
        "{help}"
    );
}

#[test]
fn says_where_the_start_url_came_from_when_set() {
    let mut home = Home::new();
    home.set("AWS_SSO_START_URL", "https://x.awsapps.com/start");
    let help = home.config().missing_start_url_help();
    assert_eq!(
        help.trim(),
        "AWS_SSO_START_URL is set to https://x.awsapps.com/start (from the environment)."
    );
}
