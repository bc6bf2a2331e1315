#![no_main]
//! One `command` string through exec-command's shell scan, split, grammar and read-only policy.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|command: &str| mcp_aws_sso_plugin_exec_command::fuzzing::check_command(command));
