//! SSO settings from the AWS CLI's config file.

mod common;

use common::Home;
use mcp_aws_sso_config::{Source, keys};

const SSO_SESSION_PROFILE: &str = "\
[default]
region = us-west-1

[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = ReadOnly
region = eu-west-1
s3 =
  max_concurrent_requests = 20

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-2
sso_registration_scopes = sso:account:access
";

#[test]
fn sso_session_profile() {
    let mut home = Home::new();
    home.aws_config(SSO_SESSION_PROFILE);
    home.set("AWS_PROFILE", "dev");

    let config = home.config();
    assert_eq!(config.sso.start_url.as_deref(), Some("https://corp.awsapps.com/start"));
    assert_eq!(config.sso.region.as_deref(), Some("us-east-2"));
    assert_eq!(
        config.sso.session_name.as_deref(),
        Some("corp"),
        "token cache key is sha1(\"corp\")"
    );
    assert_eq!(config.sso.profile.as_deref(), Some("dev"));
    assert_eq!(config.region.as_deref(), Some("eu-west-1"));
    assert_eq!(
        config.provenance[keys::AWS_SSO_START_URL],
        Source::AwsProfile {
            path: home.aws_config_path(),
            profile: "sso-session corp".into()
        }
    );
    assert_eq!(config.files.aws_profile_section.as_deref(), Some("profile dev"));
    assert_eq!(
        config.files.aws_sso_session_section.as_deref(),
        Some("sso-session corp")
    );
}

#[test]
fn legacy_profile() {
    let mut home = Home::new();
    home.aws_config(
        "[profile old]\n\
         sso_start_url = https://legacy.awsapps.com/start\n\
         sso_region = eu-west-1\n\
         sso_account_id = 111111111111\n",
    );
    home.set("AWS_PROFILE", "old");

    let config = home.config();
    assert_eq!(
        config.sso.start_url.as_deref(),
        Some("https://legacy.awsapps.com/start")
    );
    assert_eq!(config.sso.region.as_deref(), Some("eu-west-1"));
    assert_eq!(config.sso.session_name, None);
    assert_eq!(config.region, None, "sso_region is not the tools' region");
}

#[test]
fn default_profile_is_read_without_aws_profile() {
    let home = Home::new();
    home.aws_config("[default]\nsso_session = corp\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n");
    let config = home.config();
    assert_eq!(config.sso.start_url.as_deref(), Some("https://corp.awsapps.com/start"));
    assert_eq!(config.sso.session_name.as_deref(), Some("corp"));
    assert_eq!(config.sso.profile, None);
}

#[test]
fn aws_config_file_moves_the_file() {
    let mut home = Home::new();
    home.aws_config("[profile dev]\nsso_start_url = https://ignored.awsapps.com/start\n");
    let elsewhere = home.path().join("elsewhere/aws-config");
    common::write(
        &elsewhere,
        "[profile dev]\nsso_start_url = https://moved.awsapps.com/start\nsso_region = us-east-1\n",
    );
    home.set("AWS_PROFILE", "dev")
        .set("AWS_CONFIG_FILE", elsewhere.to_str().unwrap());

    let config = home.config();
    assert_eq!(config.sso.start_url.as_deref(), Some("https://moved.awsapps.com/start"));
    assert_eq!(config.files.aws_config, elsewhere);
    assert_eq!(config.provenance[keys::AWS_CONFIG_FILE], Source::Env);

    // `~/` is the given home, not the process's.
    home.set("AWS_CONFIG_FILE", "~/elsewhere/aws-config");
    assert_eq!(
        home.config().sso.start_url.as_deref(),
        Some("https://moved.awsapps.com/start")
    );
}

#[test]
fn environment_start_url_does_not_borrow_the_profiles_session_name() {
    let mut home = Home::new();
    home.aws_config(SSO_SESSION_PROFILE);
    home.set("AWS_PROFILE", "dev")
        .set("AWS_SSO_START_URL", "https://other.awsapps.com/start");
    let config = home.config();
    assert_eq!(config.sso.start_url.as_deref(), Some("https://other.awsapps.com/start"));
    assert_eq!(
        config.sso.region.as_deref(),
        Some("us-east-2"),
        "region still comes from the session"
    );
    assert_eq!(
        config.sso.session_name, None,
        "the token of https://other... must not be cached as \"corp\""
    );
}

#[test]
fn explicit_sso_session_picks_the_section_and_names_the_cache() {
    let mut home = Home::new();
    home.aws_config(
        "[sso-session a]\nsso_start_url = https://a.awsapps.com/start\nsso_region = us-east-1\n\
         [sso-session b]\nsso_start_url = https://b.awsapps.com/start\nsso_region = eu-west-1\n",
    );
    home.set("AWS_SSO_SESSION", "b");
    let config = home.config();
    assert_eq!(config.sso.start_url.as_deref(), Some("https://b.awsapps.com/start"));
    assert_eq!(config.sso.session_name.as_deref(), Some("b"));

    // A session name with the URL given elsewhere: just the cache key.
    home.set("AWS_SSO_SESSION", "mine")
        .set("AWS_SSO_START_URL", "https://env.awsapps.com/start");
    let config = home.config();
    assert_eq!(config.sso.session_name.as_deref(), Some("mine"));
    assert_eq!(config.sso.start_url.as_deref(), Some("https://env.awsapps.com/start"));
}

#[test]
fn profile_pointing_at_a_missing_session_is_an_error() {
    let mut home = Home::new();
    home.aws_config("[profile dev]\nsso_session = nowhere\n");
    home.set("AWS_PROFILE", "dev");
    let error = home.error();
    assert!(error.contains("[profile dev]"), "{error}");
    assert!(error.contains("[sso-session nowhere]"), "{error}");
    assert!(error.contains(&home.aws_config_path().display().to_string()), "{error}");
}

#[test]
fn a_missing_profile_or_file_is_not_an_error() {
    let mut home = Home::new();
    home.set("AWS_PROFILE", "ghost");
    assert_eq!(home.config().sso.start_url, None);
    home.aws_config("[profile dev]\nregion = eu-west-1\n");
    let config = home.config();
    assert_eq!(config.sso.start_url, None);
    assert_eq!(config.region, None);
}

#[test]
fn bad_values_in_the_profile_name_file_section_and_key() {
    let mut home = Home::new();
    home.aws_config("[profile dev]\nsso_start_url = https://x.awsapps.com/start\nsso_region = moon-base\n");
    home.set("AWS_PROFILE", "dev");
    let error = home.error();
    let expected = format!(
        "AWS_SSO_REGION=moon-base (from {}, [profile dev] sso_region) is not an AWS region such as us-east-1",
        home.aws_config_path().display()
    );
    assert_eq!(error, expected);
}

#[test]
fn syntax_errors_name_the_file_and_line() {
    let home = Home::new();
    home.aws_config("[default]\nregion = us-east-1\nthis is not ini\n");
    let error = home.error();
    assert!(
        error.starts_with(&format!("{}, line 3:", home.aws_config_path().display())),
        "{error}"
    );
}

#[test]
fn colon_separated_keys_as_botocore_accepts_them() {
    let mut home = Home::new();
    home.aws_config(
        "[profile dev]\n\
         sso_session: corp\n\
         region: eu-west-1\n\
         [sso-session corp]\n\
         sso_start_url: https://corp.awsapps.com/start\n\
         sso_region: us-east-2\n",
    );
    home.set("AWS_PROFILE", "dev");
    let config = home.config();
    assert_eq!(config.sso.start_url.as_deref(), Some("https://corp.awsapps.com/start"));
    assert_eq!(config.sso.region.as_deref(), Some("us-east-2"));
    assert_eq!(config.sso.session_name.as_deref(), Some("corp"));
    assert_eq!(config.region.as_deref(), Some("eu-west-1"));
}

#[test]
fn a_broken_unrelated_profile_does_not_stop_loading() {
    let mut home = Home::new();
    home.aws_config(&format!(
        "[profile broken]\nthis is not ini\n[profile other\n{SSO_SESSION_PROFILE}"
    ));
    home.set("AWS_PROFILE", "dev");
    assert_eq!(
        home.config().sso.start_url.as_deref(),
        Some("https://corp.awsapps.com/start")
    );
    home.set("AWS_PROFILE", "broken");
    let error = home.error();
    assert!(
        error.contains("line 2") && error.contains("[profile broken]"),
        "{error}"
    );
    assert!(!error.contains("AWS CLI rejects"), "{error}");
}

#[test]
fn the_file_is_not_read_when_the_environment_supplies_every_setting() {
    let mut home = Home::new();
    home.aws_config("[default]\nthis is not ini\n");
    home.set("AWS_SSO_START_URL", "https://env.awsapps.com/start");
    home.set("AWS_REGION", "eu-central-1");
    let config = home.config();
    assert_eq!(config.sso.start_url.as_deref(), Some("https://env.awsapps.com/start"));
    assert_eq!(config.files.aws_profile_section, None, "the file was not read");
}
