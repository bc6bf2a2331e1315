#![no_main]
//! A plugin manifest's JSON: read, render, read again.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| mcp_aws_sso_plugin_api::fuzzing::read_manifest(text));
