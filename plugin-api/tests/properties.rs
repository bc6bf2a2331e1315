//! Property tests of the JSON readers for what a plugin sends the host (issue 15), the same
//! properties as the `manifest` and `tool_output` fuzz targets: no panic, and parse → render →
//! parse gives the same value.

use mcp_aws_sso_plugin_api::fuzzing::{read_manifest, read_tool_output};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// JSON shaped like manifests and outputs: their field names, wrong types, nesting, odd numbers.
fn json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        prop::sample::select(vec![
            "name",
            "version",
            "description",
            "enforcesReadOnly",
            "tools",
            "prompts",
            "resources",
            "resourceTemplates",
            "completions",
            "title",
            "inputSchema",
            "outputSchema",
            "annotations",
            "requiresClientCapabilities",
            "readOnlyHint",
            "destructiveHint",
            "idempotentHint",
            "openWorldHint",
            "text",
            "structured",
            "isError",
            "content",
            "kind",
            "message",
            "type",
        ])
        .prop_map(String::from),
        "[a-zA-Z]{0,6}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,8}".prop_map(Value::String),
        prop::sample::select(vec!["internal", "invalid_arguments", "text", "object", "x"]).prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn manifests_read_and_render_back(value in json()) {
        read_manifest(&value.to_string());
    }

    #[test]
    fn tool_outputs_read_and_render_back(value in json()) {
        read_tool_output(&value.to_string());
    }

    #[test]
    fn any_text_reads_without_panic(text in "\\PC{0,64}") {
        read_manifest(&text);
        read_tool_output(&text);
    }
}

/// Found by the `tool_output` fuzz target: without serde_json's `float_roundtrip`, the reader
/// changed the last digit of this number, so the host passed on another value than the plugin sent.
#[test]
fn regression_structured_numbers_read_exactly() {
    read_tool_output(r#"{"text":"","structured":5.555555555555555e+41,"isError":false}"#);
}
