//! Entry point for the fuzz target (`fuzz/`) and the property tests (`tests/properties.rs`);
//! not part of the crate's API.

use crate::token_cache::CachedToken;

/// A token cache file's bytes (written by us, the AWS CLI, botocore or anyone with access to
/// `~/.aws/sso/cache`) through the reader. Panics when reading panics, or when a token read does
/// not survive save → read unchanged (the file we write back must mean the same token).
pub fn read_token_cache(bytes: &[u8]) {
    let Ok(token) = serde_json::from_slice::<CachedToken>(bytes) else {
        return;
    };
    let _ = (
        token.id(),
        token.is_refreshable(),
        token.is_expired(),
        format!("{token:?}"),
    );
    let saved = serde_json::to_vec_pretty(&token).expect("a token read from JSON saves as JSON");
    let again: CachedToken = serde_json::from_slice(&saved).unwrap_or_else(|e| {
        panic!(
            "a saved token does not read back: {e}: {}",
            String::from_utf8_lossy(&saved)
        )
    });
    assert!(again == token, "save → read changed the token");
}
