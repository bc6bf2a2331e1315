//! Property tests of the SSO token cache reader (issue 15), the same properties as the
//! `token_cache` fuzz target: no panic on any file, and a token read saves back to the same token.

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use sso::fuzzing::read_token_cache;

/// Cache files as the AWS CLI, botocore and we write them, with the fields mangled.
fn cache_file() -> impl Strategy<Value = Value> {
    let time = prop_oneof![
        Just(json!("2026-12-01T18:00:00Z")),
        Just(json!("2026-12-01T18:00:00UTC")),
        Just(json!("2026-12-01T18:00:00+00:00")),
        Just(json!("2026-12-01T18:00:00.123456Z")),
        Just(json!("9999-12-31T23:59:59Z")),
        Just(json!("0000-01-01T00:00:00Z")),
        "[0-9T:.Z+-]{0,26}".prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        Just(Value::Null),
    ];
    let text = prop_oneof![
        "\\PC{0,12}".prop_map(Value::from),
        Just(Value::Null),
        any::<i32>().prop_map(Value::from)
    ];
    (
        text.clone(),
        text.clone(),
        text.clone(),
        time.clone(),
        prop::option::of(text.clone()),
        prop::option::of(time),
        prop::collection::vec(("[a-zA-Z]{1,8}", text), 0..3),
    )
        .prop_map(|(start, region, access, expires, refresh, registration, extra)| {
            let mut map = Map::new();
            map.insert("startUrl".into(), start);
            map.insert("region".into(), region);
            map.insert("accessToken".into(), access);
            map.insert("expiresAt".into(), expires);
            if let Some(refresh) = refresh {
                map.insert("refreshToken".into(), refresh);
            }
            if let Some(registration) = registration {
                map.insert("registrationExpiresAt".into(), registration);
            }
            map.extend(extra);
            Value::Object(map)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn cache_files_read_and_save_back(file in cache_file()) {
        read_token_cache(file.to_string().as_bytes());
    }

    #[test]
    fn any_bytes_read_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..96)) {
        read_token_cache(&bytes);
    }
}
