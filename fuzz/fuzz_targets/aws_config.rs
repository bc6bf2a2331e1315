#![no_main]
//! `~/.aws/config` text through the config crate's profile parser.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| mcp_aws_sso_config::fuzzing::read_aws_config(text));
