//! Timestamps as the AWS CLI v2 caches spell them: `YYYY-MM-DDTHH:MM:SSZ`, in UTC.
//!
//! Internally a timestamp is Unix seconds. Reading is lenient, because the cache files are shared
//! with other tools: any RFC 3339 form (fractional seconds, `+00:00`) is accepted, and so is the
//! `...UTC` suffix that botocore's generic JSON cache writes with `%Z`.

use std::time::{SystemTime, UNIX_EPOCH};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

/// Seconds since the Unix epoch, now.
pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `1700000000` -> `2023-11-14T22:13:20Z`.
pub fn format_unix(seconds: i64) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string())
}

/// For people: `2023-11-14 22:13:20 UTC`.
pub fn human_unix(seconds: i64) -> String {
    format_unix(seconds).replace('T', " ").replace('Z', " UTC")
}

/// Parses a cached timestamp; `None` when it is not one of the accepted spellings.
pub fn parse(text: &str) -> Option<i64> {
    let text = text.trim();
    let normalised = match text.strip_suffix("UTC") {
        Some(rest) => format!("{}Z", rest.trim_end()),
        None => text.to_string(),
    };
    OffsetDateTime::parse(&normalised, &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

/// `serde(with = "cache_time::field")` for a required timestamp field.
pub mod field {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &i64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::format_unix(*value))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        let text = String::deserialize(deserializer)?;
        super::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a timestamp")))
    }
}

/// `serde(with = "cache_time::optional")` for an optional timestamp field. A value that does not
/// parse reads as absent rather than failing the whole file: it only ever guards a refresh.
pub mod optional {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<i64>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(seconds) => serializer.serialize_str(&super::format_unix(*seconds)),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
        let text = Option::<String>::deserialize(deserializer)?;
        Ok(text.as_deref().and_then(super::parse))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_the_aws_cli() {
        assert_eq!(format_unix(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(human_unix(1_700_000_000), "2023-11-14 22:13:20 UTC");
    }

    #[test]
    fn reads_every_spelling_other_tools_write() {
        for text in [
            "2023-11-14T22:13:20Z",
            "2023-11-14T22:13:20UTC",
            "2023-11-14T22:13:20+00:00",
            "2023-11-14T23:13:20+01:00",
            "2023-11-14T22:13:20.000Z",
        ] {
            assert_eq!(parse(text), Some(1_700_000_000), "{text}");
        }
        assert_eq!(parse("yesterday"), None);
        assert_eq!(parse(""), None);
    }
}
