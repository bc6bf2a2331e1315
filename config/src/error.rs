//! Configuration errors. Each one says which key or file is wrong, where it came from, and what
//! to do, because the user reads these in an MCP client's log, far from any documentation.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::aws_profile;
use crate::keys;
use crate::source::Source;

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A key has a value that does not parse, e.g. `PORT=abc`.
    #[error("{} is not {expected}", KeyAt { key, value, origin })]
    InvalidValue {
        /// The key (environment variable name).
        key: &'static str,
        /// The value as given (trimmed).
        value: String,
        /// Where the value came from.
        origin: Source,
        /// What would have been accepted, as a noun phrase.
        expected: &'static str,
    },

    /// `~/.mcp/configs.json` is not valid JSON.
    #[error(
        "{} is not valid JSON (line {line}, column {column}: {message}); fix the syntax there, \
         or move the file aside to run without it",
        path.display()
    )]
    MalformedConfigsJson {
        /// The file.
        path: PathBuf,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// serde_json's description of the problem.
        message: String,
    },

    /// `~/.mcp/configs.json` is JSON, but an object we read has the wrong type.
    #[error("{}: {at} must be {expected}, but it is {found}", path.display())]
    ConfigsJsonShape {
        /// The file.
        path: PathBuf,
        /// Where in the file, e.g. `"aws-sso" → "environments" → "PORT"`.
        at: String,
        /// What is accepted there.
        expected: &'static str,
        /// The JSON type that was found.
        found: &'static str,
    },

    /// A configuration file exists but cannot be read.
    #[error("cannot read {}: {source}; check that it is a readable file", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },

    /// The section of the AWS config file that has to be read has a line that is neither a
    /// section, a `key = value` nor a comment.
    #[error(
        "{}, line {line}: {message}; fix that line, or set AWS_PROFILE to another profile",
        path.display()
    )]
    AwsConfigSyntax {
        /// The AWS config file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },

    /// The profile names an `sso_session` whose section does not exist.
    #[error(
        "[{profile}] in {} sets sso_session = {session}, but the file has no [sso-session {session}] \
         section; add one with sso_start_url and sso_region, or remove sso_session from the profile",
        path.display()
    )]
    MissingSsoSession {
        /// The AWS config file.
        path: PathBuf,
        /// The profile section, e.g. `profile dev`.
        profile: String,
        /// The missing session name.
        session: String,
    },

    /// Neither the caller nor the environment says where the home directory is.
    #[error("cannot find the home directory: set HOME (USERPROFILE on Windows)")]
    NoHome,
}

/// `KEY=value (from somewhere)`, with the value quoted only when it needs to be, so that the
/// common case reads like the line the user typed: `PORT=abc (from the environment)`.
struct KeyAt<'a> {
    key: &'a str,
    value: &'a str,
    origin: &'a Source,
}

impl fmt::Display for KeyAt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let KeyAt { key, value, origin } = self;
        write!(f, "{key}=")?;
        if keys::is_secret(key) {
            f.write_str("<redacted>")?;
        } else if !value.is_empty() && value.chars().all(is_plain) {
            f.write_str(value)?;
        } else {
            write!(f, "{value:?}")?;
        }
        write!(f, " ({origin}")?;
        // The AWS config file spells keys its own way; name the line the user has to edit.
        if let (Source::AwsProfile { .. }, Some(file_key)) = (origin, aws_profile::file_key(key)) {
            write!(f, " {file_key}")?;
        }
        f.write_str(")")
    }
}

fn is_plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.:/@+,%=~".contains(c)
}
