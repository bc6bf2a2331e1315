//! Bad values fail with an error that names the key, the value and where it came from.

mod common;

use common::Home;

#[test]
fn port_from_the_environment() {
    let mut home = Home::new();
    home.set("PORT", "abc");
    assert_eq!(
        home.error(),
        "PORT=abc (from the environment) is not a port number from 0 to 65535 (0 picks a free port)"
    );
    home.set("PORT", "65536");
    assert!(home.error().starts_with("PORT=65536 "));
    home.set("PORT", "0");
    assert_eq!(home.config().http.port, 0);
}

#[test]
fn the_port_flag_says_what_port_says() {
    let mut home = Home::new();
    home.set("PORT", "99999");
    let from_env = home.error();
    let from_flag = mcp_aws_sso_config::port_flag("--port", "99999")
        .unwrap_err()
        .to_string();
    assert_eq!(
        from_env,
        "PORT=99999 (from the environment) is not a port number from 0 to 65535 (0 picks a free port)"
    );
    assert_eq!(
        from_flag,
        "PORT=99999 (from the command line, --port) is not a port number from 0 to 65535 (0 picks a free port)"
    );
    assert_eq!(mcp_aws_sso_config::port_flag("--port", "8080").unwrap(), 8080);
}

#[test]
fn region_from_configs_json() {
    let home = Home::new();
    home.configs_json(r#"{"aws-sso": {"environments": {"AWS_REGION": "not a region"}}}"#);
    assert_eq!(
        home.error(),
        format!(
            "AWS_REGION=\"not a region\" (from {}, section aws-sso) is not an AWS region such as us-east-1",
            home.configs_json_path().display()
        )
    );
}

#[test]
fn transport_mode() {
    let mut home = Home::new();
    home.set("TRANSPORT_MODE", "x");
    assert_eq!(
        home.error(),
        "TRANSPORT_MODE=x (from the environment) is not stdio or http"
    );
}

#[test]
fn other_bad_values() {
    let cases = [
        ("MCP_AWS_SSO_READ_ONLY", "on", "MCP_AWS_SSO_READ_ONLY=on "),
        (
            "AWS_SSO_START_URL",
            "x.awsapps.com/start",
            "AWS_SSO_START_URL=x.awsapps.com/start (from the environment) is not an http(s) URL",
        ),
        ("AWS_SSO_REGION", "US-EAST-1", "AWS_SSO_REGION=US-EAST-1 "),
        ("AWS_DEFAULT_REGION", "useast1", "AWS_DEFAULT_REGION=useast1 "),
        (
            "MCP_AWS_SSO_CALL_TIMEOUT",
            "0",
            "MCP_AWS_SSO_CALL_TIMEOUT=0 (from the environment) is not a whole number of seconds from 1 to 31536000 (a year)",
        ),
        (
            "MCP_AWS_SSO_ACCOUNTS_CACHE_TTL",
            "10m",
            "MCP_AWS_SSO_ACCOUNTS_CACHE_TTL=10m ",
        ),
        ("MCP_AWS_SSO_MAX_OUTPUT", "-5", "MCP_AWS_SSO_MAX_OUTPUT=-5 "),
        (
            "MCP_AWS_SSO_HTTP_HOST",
            "http://0.0.0.0",
            "MCP_AWS_SSO_HTTP_HOST=http://0.0.0.0 ",
        ),
    ];
    for (key, value, start) in cases {
        let mut home = Home::new();
        home.set(key, value);
        let error = home.error();
        assert!(error.starts_with(start), "{key}={value}: {error}");
    }
}

#[test]
fn malformed_configs_json_gives_path_line_and_column() {
    let home = Home::new();
    home.configs_json("{\n  \"aws-sso\": {\n    \"environments\": {\"PORT\": \"1\",}\n  }\n}\n");
    let error = home.error();
    let path = home.configs_json_path().display().to_string();
    assert!(
        error.starts_with(&format!("{path} is not valid JSON (line 3, column")),
        "{error}"
    );
    assert!(error.contains("fix the syntax there"), "{error}");
}

#[test]
fn configs_json_with_wrong_types() {
    let home = Home::new();
    home.configs_json(r#"{"aws-sso": {"environments": ["AWS_REGION=us-east-1"]}}"#);
    let error = home.error();
    assert!(
        error.contains(r#""aws-sso" → "environments" must be an object"#),
        "{error}"
    );
    assert!(error.contains("but it is an array"), "{error}");
}

#[test]
fn unreadable_configs_json() {
    let home = Home::new();
    std::fs::create_dir_all(home.configs_json_path()).unwrap(); // a directory, not a file
    let error = home.error();
    assert!(
        error.starts_with(&format!("cannot read {}", home.configs_json_path().display())),
        "{error}"
    );
}

#[test]
fn the_token_never_shows() {
    let mut home = Home::new();
    home.set("MCP_AWS_SSO_HTTP_TOKEN", "s3cr3t-t0ken");
    let config = home.config();
    assert_eq!(
        config.http.token.as_ref().map(|t| t.expose().as_str()),
        Some("s3cr3t-t0ken")
    );
    let shown = format!("{config:?} {config:#?} {:?}", config.http);
    assert!(!shown.contains("s3cr3t-t0ken"), "{shown}");
    assert!(shown.contains("REDACTED"));
}

#[test]
fn odd_input_never_panics() {
    let inputs = [
        "",
        "null",
        "[]",
        "42",
        "\"str\"",
        "{",
        "{\"aws-sso\": 5}",
        "{\"aws-sso\": {\"plugins\": []}}",
        "{\"aws-sso\": {\"environments\": {\"PORT\": 1e400}}}",
        "\u{feff}{}",
        "{\"aws-sso\": {\"environments\": {\"PORT\": -1.5}}}",
    ];
    for input in inputs {
        let home = Home::new();
        home.configs_json(input);
        let _ = home.load();
    }
    for input in [
        "[",
        "]",
        "=",
        "[profile]\n",
        "[default]\n  indented = first\n",
        "\u{0}",
        "[default]\nregion = \u{e9}\u{301}\n",
    ] {
        let home = Home::new();
        home.aws_config(input);
        let _ = home.load();
    }
}
