//! Property tests of the command reading (issue 15), the same properties as the `exec_command`
//! fuzz target: no panic, render → parse stable, and a command the read-only policy allows is,
//! under the AWS CLI's own parsing rules, a read.

use mcp_aws_sso_plugin_exec_command::fuzzing::{check_args, check_command, cli_view};
use proptest::prelude::*;

/// Words an attacker would mix: globals (whole, abbreviated, `=value`), services, reads, writes,
/// markers, negative numbers, quotes and spaces.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "--region",
            "--reg",
            "--region=us-east-1",
            "--profile",
            "--pro",
            "--query",
            "--quer",
            "--output",
            "--o",
            "--debug",
            "--debug=1",
            "--endpoint-url",
            "--endpoint",
            "--no-paginate",
            "--no",
            "--version",
            "--",
            "-",
            "-1",
            "-1.5",
            "--instance-ids",
            "--bucket",
            "s3",
            "s3api",
            "ec2",
            "sts",
            "configure",
            "help",
            "ls",
            "cp",
            "rm",
            "list",
            "get",
            "wait",
            "describe-instances",
            "terminate-instances",
            "get-caller-identity",
            "assume-role",
            "get-object",
            "list-buckets",
            "s3://b/k",
            "./x",
            "x y",
            "--weird value",
            "-x",
            "iam",
            "create-user",
            "list-users",
            "dynamodb",
            "query",
        ])
        .prop_map(String::from),
        "[-a-z0-9=:/. ]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn allowed_words_are_reads_under_the_cli_rules(words in prop::collection::vec(word(), 0..7)) {
        check_args(words);
    }

    #[test]
    fn any_command_line_reads_without_panic_and_renders_back(line in "aws[ -~\t\n]{0,40}") {
        check_command(&line);
    }

    #[test]
    fn quoted_words_survive_render_then_parse(words in prop::collection::vec(word(), 0..6)) {
        let line = format!("aws {}", shell_words::join(&words));
        check_command(&line);
    }
}

/// The second view itself: what `argparse` does with the cases the grammar refuses or accepts.
#[test]
fn the_cli_view_follows_argparse() {
    let v = |line: &str| cli_view(&line.split_whitespace().map(String::from).collect::<Vec<_>>());
    assert_eq!(v("--reg x s3 rm s3://b"), Ok((Some("s3".into()), Some("rm".into()))));
    assert_eq!(v("--region s3 rm"), Ok((Some("rm".into()), None)));
    assert_eq!(
        v("ec2 --instance-ids terminate-instances describe-instances")
            .unwrap()
            .1
            .as_deref(),
        Some("terminate-instances")
    );
    assert!(v("--no s3 ls").is_err());
    assert!(v("s3 ls --region").is_err());
}
