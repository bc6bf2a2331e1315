//! The AWS config file (`~/.aws/config`, or `AWS_CONFIG_FILE`): SSO settings from a profile.
//!
//! A profile either points at a shared session (the AWS CLI v2 default since 2.9):
//!
//! ```ini
//! [profile dev]
//! sso_session = corp
//! region = eu-west-1
//! [sso-session corp]
//! sso_start_url = https://corp.awsapps.com/start
//! sso_region = us-east-1
//! ```
//!
//! or carries the legacy `sso_start_url` / `sso_region` itself. The session section wins over
//! legacy keys in the profile, as in the AWS CLI.
//!
//! The parser is a small one written to the AWS shared-config rules instead of a generic INI
//! crate: AWS values are raw (no quote or backslash processing, which would corrupt Windows
//! paths), comments are `#`/`;` lines or `#`/`;` after whitespace, and indented lines under a
//! `key =` are nested settings (`s3 =` / `  max_concurrent_requests = 20`) that must not be read
//! as top-level keys. Generic INI crates get at least one of these wrong by default.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::ConfigError;
use crate::keys;
use crate::layers::Layer;
use crate::source::Source;

/// Where the AWS config file lives when `AWS_CONFIG_FILE` is unset.
pub(crate) fn default_path(home: &Path) -> PathBuf {
    home.join(".aws").join("config")
}

/// How the file spells a key, for pointing users at the right line.
pub(crate) fn file_key(key: &str) -> Option<&'static str> {
    match key {
        keys::AWS_SSO_START_URL => Some("sso_start_url"),
        keys::AWS_SSO_REGION => Some("sso_region"),
        keys::AWS_DEFAULT_REGION => Some("region"),
        keys::AWS_SSO_SESSION => Some("sso_session"),
        _ => None,
    }
}

/// The parsed file: section name (as `profile dev`, `default`, `sso-session corp`) to its keys.
#[derive(Debug, Default)]
pub(crate) struct AwsConfigFile {
    sections: HashMap<String, HashMap<String, String>>,
}

impl AwsConfigFile {
    /// Reads the file; `None` when it does not exist (most users of env-only setups).
    pub(crate) fn read(path: &Path) -> Result<Option<Self>, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(path, &text).map(Some),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(ConfigError::Unreadable {
                path: path.to_owned(),
                source,
            }),
        }
    }

    pub(crate) fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let syntax = |line: usize, message: &str| ConfigError::AwsConfigSyntax {
            path: path.to_owned(),
            line,
            message: message.to_owned(),
        };
        let mut file = AwsConfigFile::default();
        let mut current: Option<String> = None;
        let mut in_property = false;
        for (index, raw) in text.lines().enumerate() {
            let number = index + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if raw.starts_with([' ', '\t']) && in_property {
                continue; // a nested setting or a continuation of the previous value
            }
            if let Some(rest) = line.strip_prefix('[') {
                let Some((name, after)) = rest.split_once(']') else {
                    return Err(syntax(number, "a section header is missing its closing `]`"));
                };
                let after = after.trim_start();
                if !(after.is_empty() || after.starts_with('#') || after.starts_with(';')) {
                    return Err(syntax(number, "unexpected text after a section header"));
                }
                let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
                if name.is_empty() {
                    return Err(syntax(number, "empty section name `[]`"));
                }
                file.sections.entry(name.clone()).or_default();
                current = Some(name);
                in_property = false;
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(syntax(number, "expected `key = value`, a `[section]` or a comment"));
            };
            let key = key.trim();
            if key.is_empty() {
                return Err(syntax(number, "a `= value` line has no key"));
            }
            let Some(section) = &current else {
                return Err(syntax(number, "a `key = value` line comes before any `[section]`"));
            };
            let value = strip_inline_comment(value).trim();
            file.sections
                .entry(section.clone())
                .or_default()
                .insert(key.to_owned(), value.to_owned());
            in_property = true;
        }
        Ok(file)
    }

    fn section(&self, name: &str) -> Option<(&str, &HashMap<String, String>)> {
        self.sections
            .get_key_value(name)
            .map(|(name, keys)| (name.as_str(), keys))
    }

    /// The section of profile `name`. For `default`, `[profile default]` is preferred over
    /// `[default]`, as the AWS SDKs do.
    fn profile(&self, name: &str) -> Option<(&str, &HashMap<String, String>)> {
        let prefixed = self.section(&format!("profile {name}"));
        if name == "default" {
            prefixed.or_else(|| self.section("default"))
        } else {
            prefixed
        }
    }
}

/// A comment after a value starts at `#` or `;` preceded by whitespace; `https://x/start#/`
/// keeps its fragment.
fn strip_inline_comment(value: &str) -> &str {
    let bytes = value.as_bytes();
    let cut = (1..bytes.len())
        .find(|&i| matches!(bytes[i], b'#' | b';') && bytes[i - 1].is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &value[..cut]
}

/// What the AWS config file contributes: two layers, profile below session.
pub(crate) struct ProfileLayers {
    pub profile: Layer,
    pub session: Layer,
    /// The profile section that was read (`profile dev`, `default`), if any.
    pub profile_section: Option<String>,
    /// The session section that was read (`sso-session corp`), if any.
    pub session_section: Option<String>,
}

/// Picks the profile (`AWS_PROFILE`, else `default`) and its session (`AWS_SSO_SESSION`, else
/// the profile's `sso_session`) and turns their SSO keys into layers.
pub(crate) fn layers(
    file: Option<&AwsConfigFile>,
    path: &Path,
    profile: Option<&str>,
    explicit_session: Option<&str>,
) -> Result<ProfileLayers, ConfigError> {
    let origin = |section: &str| Source::AwsProfile {
        path: path.to_owned(),
        profile: section.to_owned(),
    };
    let mut found = ProfileLayers {
        profile: Layer::new(origin("")),
        session: Layer::new(origin("")),
        profile_section: None,
        session_section: None,
    };
    let Some(file) = file else { return Ok(found) };

    let mut profile_session = None;
    if let Some((section, values)) = file.profile(profile.unwrap_or("default")) {
        let mut layer = Layer::new(origin(section));
        for key in [
            keys::AWS_SSO_START_URL,
            keys::AWS_SSO_REGION,
            keys::AWS_DEFAULT_REGION,
            keys::AWS_SSO_SESSION,
        ] {
            if let Some(value) = file_key(key).and_then(|name| values.get(name)) {
                layer.set(key, value);
            }
        }
        profile_session = values.get("sso_session").map(|s| s.trim()).filter(|s| !s.is_empty());
        found.profile = layer;
        found.profile_section = Some(section.to_owned());
    }

    let Some(session) = explicit_session.or(profile_session) else {
        return Ok(found);
    };
    match file.section(&format!("sso-session {session}")) {
        Some((section, values)) => {
            let mut layer = Layer::new(origin(section));
            for key in [keys::AWS_SSO_START_URL, keys::AWS_SSO_REGION] {
                if let Some(value) = file_key(key).and_then(|name| values.get(name)) {
                    layer.set(key, value);
                }
            }
            found.session = layer;
            found.session_section = Some(section.to_owned());
        }
        // An explicit AWS_SSO_SESSION may be just the token cache name, with the start URL
        // given elsewhere; a profile's sso_session pointing nowhere is a broken file.
        None if explicit_session.is_some() => {}
        None => {
            return Err(ConfigError::MissingSsoSession {
                path: path.to_owned(),
                profile: found.profile_section.clone().unwrap_or_default(),
                session: session.to_owned(),
            });
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<AwsConfigFile, ConfigError> {
        AwsConfigFile::parse(Path::new("/h/.aws/config"), text)
    }

    #[test]
    fn reads_aws_cli_style_files() {
        let file = parse(
            "# top comment\n\
             [default]\n\
             region = us-west-2 # trailing comment\n\
             \n\
             [profile   dev]   ; header comment\n\
             sso_session=corp\n\
             s3 =\n  region = nested-must-not-win\n\tmax_concurrent_requests = 20\n\
             region = eu-west-1\n\
             [sso-session corp]\r\n\
             sso_start_url = https://corp.awsapps.com/start#/\r\n\
             sso_region = us-east-1\r\n",
        )
        .unwrap();
        assert_eq!(file.section("default").unwrap().1["region"], "us-west-2");
        let dev = file.profile("dev").unwrap();
        assert_eq!(dev.0, "profile dev");
        assert_eq!(dev.1["region"], "eu-west-1");
        assert_eq!(dev.1["s3"], "");
        assert!(!dev.1.contains_key("max_concurrent_requests"));
        let corp = file.section("sso-session corp").unwrap().1;
        assert_eq!(corp["sso_start_url"], "https://corp.awsapps.com/start#/");
    }

    #[test]
    fn profile_default_beats_bare_default() {
        let file = parse("[default]\nregion = us-west-1\n[profile default]\nregion = us-west-2\n").unwrap();
        assert_eq!(file.profile("default").unwrap().1["region"], "us-west-2");
        assert!(file.profile("other").is_none());
    }

    #[test]
    fn syntax_errors_name_the_line() {
        for (text, line) in [
            ("[profile dev\n", 1),
            ("region = us-east-1\n", 1),
            ("[default]\n\njust words\n", 3),
            ("[default]\n= value\n", 2),
        ] {
            match parse(text) {
                Err(ConfigError::AwsConfigSyntax { line: got, .. }) => assert_eq!(got, line, "{text:?}"),
                other => panic!("{text:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn missing_session_section_is_an_error_unless_explicit() {
        let file = parse("[profile dev]\nsso_session = gone\n").unwrap();
        let path = Path::new("/h/.aws/config");
        let error = layers(Some(&file), path, Some("dev"), None).err().unwrap();
        assert!(error.to_string().contains("[sso-session gone]"), "{error}");
        let found = layers(Some(&file), path, Some("dev"), Some("gone")).unwrap();
        assert_eq!(found.session_section, None);
    }
}
