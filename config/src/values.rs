//! Parsers for single values. Each returns `None` on bad input; the caller knows the key and
//! the source and builds the error, so these stay pure and easy to test.

use std::net::IpAddr;
use std::time::Duration;

/// `true/false`, `1/0`, `yes/no`, any case: the spellings found in real configs.json files.
pub(crate) fn boolean(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

/// `^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$`: us-east-1, us-gov-west-1, us-isob-east-1, cn-north-1.
/// Written out rather than pulled in as a regex: four parts are easy to check by hand.
pub(crate) fn is_region(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let letters = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase());
    let (country, partition, area, digit) = match parts.as_slice() {
        [country, area, digit] => (*country, None, *area, *digit),
        [country, partition, area, digit] => (*country, Some(*partition), *area, *digit),
        _ => return false,
    };
    let partition_ok = partition.is_none_or(|p| {
        p == "gov"
            || p.strip_prefix("iso")
                .is_some_and(|rest| rest.is_empty() || (rest.len() == 1 && letters(rest)))
    });
    country.len() == 2
        && letters(country)
        && partition_ok
        && letters(area)
        && digit.len() == 1
        && digit.bytes().all(|b| b.is_ascii_digit())
}

/// An `http://` or `https://` URL with a host and no whitespace. Kept as typed (no trailing-slash
/// normalisation): the token cache key is the SHA-1 of the exact start URL the AWS CLI saw.
pub(crate) fn is_http_url(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")) else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    !host.is_empty() && !host.starts_with(':') && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// 0-65535; 0 asks the system for a free port (the server prints the address it got).
pub(crate) fn port(text: &str) -> Option<u16> {
    text.parse::<u16>().ok()
}

/// A bind address: an IP address, or a host name such as `localhost`.
pub(crate) fn is_bind_host(text: &str) -> bool {
    let unbracketed = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(text);
    unbracketed.parse::<IpAddr>().is_ok()
        || (text.len() <= 253
            && text.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            }))
}

/// A whole, non-negative number (characters).
pub(crate) fn whole_number(text: &str) -> Option<u64> {
    text.parse::<u64>().ok()
}

/// The longest duration accepted: a year. Beyond it a typo, and `Instant::now() + d` would
/// overflow (and panic) in the host.
pub(crate) const MAX_SECONDS: u64 = 365 * 24 * 60 * 60;

/// Whole seconds, at least `min`, at most [`MAX_SECONDS`].
pub(crate) fn seconds(text: &str, min: u64) -> Option<Duration> {
    whole_number(text)
        .filter(|secs| (min..=MAX_SECONDS).contains(secs))
        .map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        for ok in [
            "us-east-1",
            "eu-central-2",
            "us-gov-west-1",
            "cn-north-1",
            "us-iso-east-1",
            "us-isob-east-1",
            "ap-southeast-5",
        ] {
            assert!(is_region(ok), "{ok}");
        }
        for bad in [
            "not a region",
            "",
            "us-east",
            "US-EAST-1",
            "us-east-10",
            "use-east-1",
            "us-isobb-east-1",
            "us-foo-east-1",
            "us--1",
            "us-east-1 ",
        ] {
            assert!(!is_region(bad), "{bad}");
        }
    }

    #[test]
    fn booleans() {
        for (text, value) in [
            ("true", true),
            ("TRUE", true),
            ("1", true),
            ("Yes", true),
            ("false", false),
            ("0", false),
            ("NO", false),
        ] {
            assert_eq!(boolean(text), Some(value), "{text}");
        }
        for bad in ["", "2", "on", "y", "truthy"] {
            assert_eq!(boolean(bad), None, "{bad}");
        }
    }

    #[test]
    fn urls() {
        for ok in [
            "https://x.awsapps.com/start",
            "https://x.awsapps.com/start/",
            "HTTPS://X.awsapps.com",
            "http://127.0.0.1:9000/start",
            "https://ssoins-1.portal.us-east-1.app.aws",
        ] {
            assert!(is_http_url(ok), "{ok}");
        }
        for bad in [
            "x.awsapps.com/start",
            "ftp://x",
            "https://",
            "https:///start",
            "https://x y",
            "https://:443/",
        ] {
            assert!(!is_http_url(bad), "{bad}");
        }
    }

    #[test]
    fn seconds_are_bounded() {
        assert_eq!(seconds("0", 0), Some(Duration::ZERO));
        assert_eq!(seconds("0", 1), None);
        assert_eq!(seconds("31536000", 1), Some(Duration::from_secs(MAX_SECONDS)));
        assert_eq!(seconds("31536001", 1), None);
        assert_eq!(seconds("18446744073709551615", 0), None);
        assert_eq!(seconds("1.5", 0), None);
    }

    #[test]
    fn ports_and_hosts() {
        assert_eq!(port("3000"), Some(3000));
        assert_eq!(port("65535"), Some(65535));
        assert_eq!(port("0"), Some(0));
        for bad in ["65536", "99999", "abc", "-1", "30.5", ""] {
            assert_eq!(port(bad), None, "{bad}");
        }
        for ok in ["127.0.0.1", "0.0.0.0", "::1", "[::1]", "localhost", "my-host.internal"] {
            assert!(is_bind_host(ok), "{ok}");
        }
        for bad in ["", "a b", "http://x", "-x", "x..y"] {
            assert!(!is_bind_host(bad), "{bad}");
        }
    }
}
