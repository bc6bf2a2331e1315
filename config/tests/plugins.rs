//! Per-plugin sections and the host-wide settings plugins must honour.

mod common;

use common::Home;
use serde_json::json;

const FILE: &str = r#"{"aws-sso": {
    "environments": {"MCP_AWS_SSO_CALL_TIMEOUT": "120"},
    "plugins": {
        "exec-command": {"allowedServices": ["s3", "ec2"], "maxOutputChars": 5000},
        "ec2-exec": {"readOnly": false, "pollIntervalMs": 500}
    }
}}"#;

#[test]
fn sections_are_handed_over_with_host_wide_settings() {
    let home = Home::new();
    home.configs_json(FILE);
    let config = home.config();
    assert_eq!(config.plugins.len(), 2);
    assert_eq!(
        config.plugin_config("exec-command"),
        json!({"readOnly": false, "confirm": "never", "callTimeoutSeconds": 120, "maxOutputChars": 5000, "allowedServices": ["s3", "ec2"]})
    );
    assert_eq!(
        config.plugin_config("unknown"),
        json!({"readOnly": false, "confirm": "never", "callTimeoutSeconds": 120, "maxOutputChars": 40000})
    );
}

#[test]
fn a_section_cannot_lift_read_only_mode() {
    let mut home = Home::new();
    home.configs_json(FILE);
    home.set("MCP_AWS_SSO_READ_ONLY", "true");
    let config = home.config();
    assert_eq!(config.plugin_config("ec2-exec")["readOnly"], json!(true));
    assert_eq!(config.plugin_config("ec2-exec")["pollIntervalMs"], json!(500));

    let home = Home::new();
    home.configs_json(r#"{"aws-sso": {"plugins": {"exec-command": {"readOnly": true}}}}"#);
    assert_eq!(
        home.config().plugin_config("exec-command")["readOnly"],
        json!(true),
        "but it can tighten it"
    );
}

#[test]
fn a_section_can_ask_about_more_but_never_less_than_mcp_aws_sso_confirm() {
    let mut home = Home::new();
    home.configs_json(
        r#"{"aws-sso": {"plugins": {"exec-command": {"confirm": "never"}, "ec2-exec": {"confirm": "all"}}}}"#,
    );
    home.set("MCP_AWS_SSO_CONFIRM", "mutations");
    let config = home.config();
    assert_eq!(
        config.plugin_config("exec-command")["confirm"],
        json!("mutations"),
        "cannot lower it"
    );
    assert_eq!(
        config.plugin_config("ec2-exec")["confirm"],
        json!("all"),
        "can raise it"
    );
    assert_eq!(config.plugin_config("other")["confirm"], json!("mutations"));
}

#[test]
fn a_bad_confirm_value_is_an_error_naming_the_key() {
    let mut home = Home::new();
    home.set("MCP_AWS_SSO_CONFIRM", "sometimes");
    let text = home.error();
    assert!(
        text.contains("MCP_AWS_SSO_CONFIRM") && text.contains("never, mutations or all"),
        "{text}"
    );
}

#[test]
fn plugins_come_from_the_chosen_section_only() {
    let home = Home::new();
    home.configs_json(r#"{"aws-sso": {}, "mcp-server-aws-sso": {"plugins": {"exec-command": {"x": 1}}}}"#);
    assert!(home.config().plugins.is_empty());
}
