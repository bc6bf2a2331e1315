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
    let workdir = config.exec.workdir.to_string_lossy().into_owned();
    let exec = json!({"execSandbox": true, "execAllowedEndpoints": [], "execWorkdir": workdir});
    let with_exec = |mut value: serde_json::Value| {
        value.as_object_mut().unwrap().extend(exec.as_object().unwrap().clone());
        value
    };
    assert_eq!(
        config.plugin_config("exec-command"),
        with_exec(
            json!({"readOnly": false, "confirm": "never", "callTimeoutSeconds": 120, "maxOutputChars": 5000, "allowedServices": ["s3", "ec2"]})
        )
    );
    assert_eq!(
        config.plugin_config("unknown"),
        with_exec(json!({"readOnly": false, "confirm": "never", "callTimeoutSeconds": 120, "maxOutputChars": 40000}))
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

#[test]
fn exec_settings_are_validated_and_handed_over() {
    let mut home = Home::new();
    home.set("MCP_AWS_SSO_EXEC_SANDBOX", "off");
    home.set(
        "MCP_AWS_SSO_EXEC_ALLOWED_ENDPOINTS",
        "http://127.0.0.1:5000, no-verify-ssl",
    );
    home.set("MCP_AWS_SSO_EXEC_WORKDIR", "/srv/aws-work");
    home.set("MCP_AWS_SSO_AWS_CLI", "/usr/local/bin/aws");
    home.configs_json(r#"{"aws-sso": {"plugins": {"exec-command": {"execSandbox": true}}}}"#);
    let plugin = home.config().plugin_config("exec-command");
    assert_eq!(
        plugin["execSandbox"],
        json!(false),
        "a section cannot change the host's exec settings"
    );
    assert_eq!(
        plugin["execAllowedEndpoints"],
        json!(["http://127.0.0.1:5000", "no-verify-ssl"])
    );
    assert_eq!(plugin["execWorkdir"], json!("/srv/aws-work"));
    assert_eq!(plugin["awsCli"], json!("/usr/local/bin/aws"));

    for (key, value) in [
        ("MCP_AWS_SSO_EXEC_SANDBOX", "sometimes"),
        ("MCP_AWS_SSO_EXEC_ALLOWED_ENDPOINTS", "127.0.0.1:5000"),
        ("MCP_AWS_SSO_EXEC_WORKDIR", "relative/dir"),
        ("MCP_AWS_SSO_AWS_CLI", "aws"),
    ] {
        let mut home = Home::new();
        home.set(key, value);
        let error = home.error();
        assert!(error.contains(key) && error.contains("environment"), "{key}: {error}");
    }
}
