//! Entry points for the fuzz targets (`fuzz/`) and the property tests (`tests/properties.rs`);
//! not part of the API. The host reads a plugin's manifest and every `ToolOutput` /
//! `ToolError` as JSON text from the plugin (someone else's code): the readers must not panic,
//! and what they read must render back to JSON that reads the same.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Manifest, ToolError, ToolOutput};

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(text: &str) {
    let Ok(value) = serde_json::from_str::<T>(text) else {
        return;
    };
    let rendered = serde_json::to_string(&value).expect("a value read from JSON renders as JSON");
    let again: T =
        serde_json::from_str(&rendered).unwrap_or_else(|e| panic!("rendered JSON does not read back: {e}: {rendered}"));
    assert_eq!(again, value, "parse → render → parse changed the value ({rendered})");
}

/// A plugin manifest's JSON, as the host's loader reads it.
pub fn read_manifest(text: &str) {
    round_trip::<Manifest>(text);
}

/// A tool call's answer, as the host's loader reads it: a `ToolOutput`, or a `ToolError` (whose
/// reader keeps any other text as the message).
pub fn read_tool_output(text: &str) {
    round_trip::<ToolOutput>(text);
    round_trip::<ToolError>(text);
    let error = ToolError::from_json(text);
    assert_eq!(
        ToolError::from_json(&error.to_json()),
        error,
        "ToolError::from_json(to_json) changed it"
    );
}
