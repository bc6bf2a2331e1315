//! Property tests of the configuration readers (issue 15), the same properties as the
//! `configs_json` and `aws_config` fuzz targets: any text gives settings or a typed error, never
//! a panic. Neither reader has a renderer, so there is no round trip to check.

use mcp_aws_sso_config::fuzzing::{read_aws_config, read_configs_json};
use proptest::prelude::*;

/// `~/.aws/config`-like lines: headers (closed or not), keys with `=` or `:`, comments,
/// continuations, indentation, multi-byte text.
fn config_line() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\[(profile |sso-session )?[a-z é]{0,8}\\]?",
        "[ \t]{0,3}[a-z_é]{0,10}[ ]?[=:][ ]?[a-z0-9:/. #;é]{0,16}",
        "[ \t]{1,4}[a-z=é ]{0,12}",
        "[#;][ -~]{0,10}",
        "\\PC{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn aws_config_files_read_without_panic(lines in prop::collection::vec(config_line(), 0..12), crlf in any::<bool>()) {
        read_aws_config(&lines.join(if crlf { "\r\n" } else { "\n" }));
    }

    #[test]
    fn configs_json_reads_without_panic(
        section in prop::sample::select(vec!["aws-sso", "@aashari/mcp-server-aws-sso", "mcp-server-aws-sso", "aws_sso", "x"]),
        key in prop::sample::select(vec!["AWS_SSO_START_URL", "AWS_SSO_REGION", "AWS_REGION", "aws_sso_region", "\u{feff}"]),
        value in prop_oneof![
            "\"\\PC{0,10}\"", Just("null".to_string()), Just("1e999".to_string()), Just("[]".to_string()),
            Just("{}".to_string()), Just("-0".to_string()), Just("true".to_string()),
        ],
        plugins in prop_oneof![Just(""), Just(r#","plugins":{"exec-command":{"readOnly":true}}"#), Just(r#","plugins":[]"#), Just(r#","plugins":{"x":1}"#)],
        bom in any::<bool>(),
    ) {
        let text = format!(
            r#"{}{{"{section}":{{"environments":{{"{key}":{value}}}{plugins}}}}}"#,
            if bom { "\u{feff}" } else { "" }
        );
        read_configs_json(&text);
    }

    #[test]
    fn any_text_reads_without_panic(text in "\\PC{0,80}") {
        read_configs_json(&text);
        read_aws_config(&text);
    }
}
