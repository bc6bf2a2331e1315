#![no_main]
//! `~/.mcp/configs.json` text through the config crate's reader.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| mcp_aws_sso_config::fuzzing::read_configs_json(text));
