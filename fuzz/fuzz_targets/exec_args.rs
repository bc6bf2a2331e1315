#![no_main]
//! The words after `aws` (NUL-separated) through the grammar and read-only policy, checked against the AWS CLI's own parsing.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    let words = data.split('\0').map(String::from).collect();
    mcp_aws_sso_plugin_exec_command::fuzzing::check_args(words);
});
