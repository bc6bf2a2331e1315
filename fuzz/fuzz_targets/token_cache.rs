#![no_main]
//! An SSO token cache file's bytes: read, save, read again.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sso::fuzzing::read_token_cache(data));
