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
//! The file is read the way botocore (the AWS CLI, boto3) reads it, which is Python's
//! `configparser.RawConfigParser` with its defaults:
//!
//! - `key = value` and `key: value`, split at the first `=` or `:`; keys are lower-cased and both
//!   sides trimmed; values are raw (no quotes, no escapes: Windows paths survive);
//! - `#` and `;` start a comment line, indented or not; after a value, a `#`/`;` that follows
//!   whitespace starts a comment, as in the AWS SDKs (botocore would keep it in the value, which
//!   makes such a value unusable there anyway), so `https://x/start#/` keeps its fragment;
//! - a line indented deeper than the key line above it continues that value (joined with a
//!   newline), which is how nested settings (`s3 =` / `  max_concurrent_requests = 20`) are
//!   written: they never become top-level keys;
//! - `[name]` starts a section; text after the closing `]` is ignored.
//!
//! `aws-config`'s own parser (`aws_runtime::env_config::parse`) is not used: it refuses
//! `key: value` ("Expected an '=' sign defining a property") and fails the whole file on one
//! bad line. Where botocore also fails the whole file, this reader is more forgiving on
//! purpose: a syntax error belongs to the section it is in, and is reported only when that
//! section is the one to be read, so a broken profile elsewhere never stops start-up. The file
//! is not read at all when the environment and configs.json already supply every setting it
//! could ([`is_needed`]).

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

/// A line that is not a comment, a `[section]`, a `key = value` or a continuation.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SyntaxError {
    line: usize,
    message: &'static str,
}

#[derive(Debug, Default)]
struct Section {
    keys: HashMap<String, String>,
    /// The first syntax error inside the section; it makes the section unusable.
    broken: Option<SyntaxError>,
}

/// A section that was found: its name and its keys.
type Found<'a> = (&'a str, &'a HashMap<String, String>);

/// The parsed file: section name (as `profile dev`, `default`, `sso-session corp`) to its keys.
#[derive(Debug, Default)]
pub(crate) struct AwsConfigFile {
    path: PathBuf,
    sections: HashMap<String, Section>,
}

impl AwsConfigFile {
    /// Reads the file; `None` when it does not exist (most users of env-only setups).
    pub(crate) fn read(path: &Path) -> Result<Option<Self>, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Ok(Some(Self::parse(path, &text))),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(ConfigError::Unreadable {
                path: path.to_owned(),
                source,
            }),
        }
    }

    /// Reads the file when a setting may have to come from it, else leaves it alone.
    pub(crate) fn read_if_needed(
        path: &Path,
        supplied_above: impl Fn(&'static str) -> bool,
    ) -> Result<Option<Self>, ConfigError> {
        if is_needed(supplied_above) {
            Self::read(path)
        } else {
            Ok(None)
        }
    }

    /// Parses with botocore's rules (see the module doc); never fails as a whole.
    pub(crate) fn parse(path: &Path, text: &str) -> Self {
        let mut file = AwsConfigFile {
            path: path.to_owned(),
            sections: HashMap::new(),
        };
        let mut current: Option<String> = None;
        // The key the next deeper-indented line continues, and the indent of its line.
        let mut open_key: Option<(String, usize)> = None;
        for (index, raw) in text.lines().enumerate() {
            let number = index + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            let indent = raw.len() - raw.trim_start().len();
            if let (Some(section), Some((key, key_indent))) = (&current, &open_key)
                && indent > *key_indent
            {
                let value = file.section_mut(section).keys.entry(key.clone()).or_default();
                value.push('\n');
                value.push_str(strip_inline_comment(line).trim_end());
                continue;
            }
            open_key = None;
            if let Some(rest) = line.strip_prefix('[') {
                let (name, problem) = match rest.rfind(']') {
                    Some(end) => (&rest[..end], None),
                    // The lines below most likely belong to the section this was meant to
                    // start: they go there, and so does the error.
                    None => (rest, Some("a section header is missing its closing `]`")),
                };
                let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
                let section = file.section_mut(&name);
                if let Some(message) = problem {
                    section.broken.get_or_insert(SyntaxError { line: number, message });
                }
                current = Some(name);
                continue;
            }
            // A line before any section belongs to no profile: it cannot change a setting.
            let Some(section) = &current else { continue };
            let Some(split) = line.find(['=', ':']) else {
                file.break_section(section, number, "expected `key = value`, a `[section]` or a comment");
                continue;
            };
            let key = line[..split].trim().to_lowercase();
            if key.is_empty() {
                file.break_section(section, number, "a `= value` line has no key");
                continue;
            }
            let value = strip_inline_comment(&line[split + 1..]).trim();
            file.section_mut(section).keys.insert(key.clone(), value.to_owned());
            open_key = Some((key, indent));
        }
        file
    }

    /// The names of the sections found (for the fuzz entry point).
    pub(crate) fn section_names(&self) -> Vec<String> {
        self.sections.keys().cloned().collect()
    }

    /// The keys of profile `name`, as the host looks them up (for the fuzz entry point).
    pub(crate) fn profile_keys(&self, name: &str) -> Result<Option<HashMap<String, String>>, ConfigError> {
        Ok(self.profile(name)?.map(|(_, keys)| keys.clone()))
    }

    fn section_mut(&mut self, name: &str) -> &mut Section {
        self.sections.entry(name.to_owned()).or_default()
    }

    fn break_section(&mut self, name: &str, line: usize, message: &'static str) {
        self.section_mut(name)
            .broken
            .get_or_insert(SyntaxError { line, message });
    }

    /// The keys of section `name`; an error when the section has a syntax error.
    fn section(&self, name: &str) -> Result<Option<Found<'_>>, ConfigError> {
        let Some((name, section)) = self.sections.get_key_value(name) else {
            return Ok(None);
        };
        match &section.broken {
            Some(error) => Err(ConfigError::AwsConfigSyntax {
                path: self.path.clone(),
                line: error.line,
                message: format!("{} (in [{name}], the section this host reads)", error.message),
            }),
            None => Ok(Some((name.as_str(), &section.keys))),
        }
    }

    /// The section of profile `name`. For `default`, `[profile default]` is preferred over
    /// `[default]`, as the AWS SDKs do.
    fn profile(&self, name: &str) -> Result<Option<Found<'_>>, ConfigError> {
        let prefixed = self.section(&format!("profile {name}"))?;
        if name == "default" && prefixed.is_none() {
            self.section("default")
        } else {
            Ok(prefixed)
        }
    }
}

/// Whether the file has to be read: some setting it can supply (start URL, SSO region, region)
/// is not supplied by a source above it.
pub(crate) fn is_needed(supplied_above: impl Fn(&'static str) -> bool) -> bool {
    let start_url = supplied_above(keys::AWS_SSO_START_URL);
    let sso_region = supplied_above(keys::AWS_SSO_REGION) || supplied_above(keys::AWS_REGION);
    let region = supplied_above(keys::AWS_REGION) || supplied_above(keys::AWS_DEFAULT_REGION);
    !(start_url && sso_region && region)
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
    /// That section's `sso_registration_scopes`, split as botocore's
    /// `parse_sso_registration_scopes` does (commas, blanks dropped).
    pub registration_scopes: Option<Vec<String>>,
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
        registration_scopes: None,
    };
    let Some(file) = file else { return Ok(found) };

    let mut profile_session = None;
    if let Some((section, values)) = file.profile(profile.unwrap_or("default"))? {
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
    match file.section(&format!("sso-session {session}"))? {
        Some((section, values)) => {
            let mut layer = Layer::new(origin(section));
            for key in [keys::AWS_SSO_START_URL, keys::AWS_SSO_REGION] {
                if let Some(value) = file_key(key).and_then(|name| values.get(name)) {
                    layer.set(key, value);
                }
            }
            found.session = layer;
            found.session_section = Some(section.to_owned());
            found.registration_scopes = values.get("sso_registration_scopes").map(|raw| {
                raw.split(',')
                    .map(str::trim)
                    .filter(|scope| !scope.is_empty())
                    .map(str::to_owned)
                    .collect()
            });
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

    fn parse(text: &str) -> AwsConfigFile {
        AwsConfigFile::parse(Path::new("/h/.aws/config"), text)
    }

    fn keys_of<'a>(file: &'a AwsConfigFile, section: &str) -> &'a HashMap<String, String> {
        file.section(section).unwrap().unwrap().1
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
        );
        assert_eq!(keys_of(&file, "default")["region"], "us-west-2");
        let dev = file.profile("dev").unwrap().unwrap();
        assert_eq!(dev.0, "profile dev");
        assert_eq!(dev.1["region"], "eu-west-1");
        // Nested settings are the continuation of `s3`, never keys of their own.
        assert_eq!(
            dev.1["s3"],
            "\nregion = nested-must-not-win\nmax_concurrent_requests = 20"
        );
        assert!(!dev.1.contains_key("max_concurrent_requests"));
        let corp = keys_of(&file, "sso-session corp");
        assert_eq!(corp["sso_start_url"], "https://corp.awsapps.com/start#/");
    }

    #[test]
    fn colon_delimiters_upper_case_keys_and_comments_read_as_botocore_does() {
        // configparser: the first `=` or `:` splits; keys are lower-cased; comment lines may be
        // indented; a URL's own `:` stays in the value.
        let file = parse(
            "[sso-session corp]\n\
             sso_start_url: https://corp.awsapps.com/start\n\
             \t# an indented comment\n\
             SSO_Region : eu-west-1\n\
             sso_registration_scopes = sso:account:access\n\
             [profile dev]\n\
             sso_session:corp\n",
        );
        let corp = keys_of(&file, "sso-session corp");
        assert_eq!(corp["sso_start_url"], "https://corp.awsapps.com/start");
        assert_eq!(corp["sso_region"], "eu-west-1");
        assert_eq!(corp["sso_registration_scopes"], "sso:account:access");
        assert_eq!(keys_of(&file, "profile dev")["sso_session"], "corp");
    }

    #[test]
    fn a_deeper_indented_line_continues_the_value_above() {
        let file = parse("[default]\nregion = us-\n    east-1\n  ; comment inside\noutput = json\n  key = x\n");
        let default = keys_of(&file, "default");
        assert_eq!(default["region"], "us-\neast-1");
        assert_eq!(default["output"], "json\nkey = x");
        assert!(!default.contains_key("key"));
    }

    #[test]
    fn profile_default_beats_bare_default() {
        let file = parse("[default]\nregion = us-west-1\n[profile default]\nregion = us-west-2\n");
        assert_eq!(file.profile("default").unwrap().unwrap().1["region"], "us-west-2");
        assert!(file.profile("other").unwrap().is_none());
    }

    #[test]
    fn syntax_errors_break_only_their_section_and_name_the_line() {
        let file = parse(
            "stray line before any section\n\
             [profile broken]\n\
             just words\n\
             [profile no-key]\n\
             = value\n\
             [profile unclosed\n\
             region = us-east-1\n\
             [profile fine]\n\
             region = eu-west-1\n",
        );
        assert_eq!(file.profile("fine").unwrap().unwrap().1["region"], "eu-west-1");
        for (profile, line) in [("broken", 3), ("no-key", 5), ("unclosed", 6)] {
            match file.profile(profile) {
                Err(ConfigError::AwsConfigSyntax { line: got, message, .. }) => {
                    assert_eq!(got, line, "{profile}");
                    assert!(message.contains(&format!("[profile {profile}]")), "{message}");
                }
                other => panic!("{profile}: {other:?}"),
            }
        }
        let message = file.profile("broken").unwrap_err().to_string();
        assert!(!message.contains("rejects this file too"), "{message}");
    }

    #[test]
    fn the_file_is_needed_only_for_settings_not_supplied_above() {
        let supplied = |present: &'static [&'static str]| move |key: &'static str| present.contains(&key);
        assert!(is_needed(supplied(&[])));
        assert!(is_needed(supplied(&[keys::AWS_SSO_START_URL, keys::AWS_SSO_REGION])));
        assert!(!is_needed(supplied(&[keys::AWS_SSO_START_URL, keys::AWS_REGION])));
        assert!(!is_needed(supplied(&[
            keys::AWS_SSO_START_URL,
            keys::AWS_SSO_REGION,
            keys::AWS_DEFAULT_REGION
        ])));
    }

    #[test]
    fn missing_session_section_is_an_error_unless_explicit() {
        let file = parse("[profile dev]\nsso_session = gone\n");
        let path = Path::new("/h/.aws/config");
        let error = layers(Some(&file), path, Some("dev"), None).err().unwrap();
        assert!(error.to_string().contains("[sso-session gone]"), "{error}");
        let found = layers(Some(&file), path, Some("dev"), Some("gone")).unwrap();
        assert_eq!(found.session_section, None);
    }
}
