//! Where a value came from, so errors and `doctor` can point at the exact place to edit.

use std::fmt;
use std::path::PathBuf;

/// The origin of one configuration value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The process environment.
    Env,
    /// The `environments` object of a section of `~/.mcp/configs.json`.
    ConfigsJson {
        /// The configs.json file.
        path: PathBuf,
        /// The section that was used: `aws-sso`, `@aashari/mcp-server-aws-sso` or `mcp-server-aws-sso`.
        section: String,
    },
    /// A section of the AWS config file (`~/.aws/config` or `AWS_CONFIG_FILE`).
    AwsProfile {
        /// The AWS config file.
        path: PathBuf,
        /// The section as written between brackets: `default`, `profile dev` or `sso-session corp`.
        profile: String,
    },
    /// A command-line flag that stands for the key, such as `--port` for `PORT`.
    CommandLine {
        /// The flag as typed, e.g. `--port`.
        flag: &'static str,
    },
    /// Nothing set the key: the built-in default.
    Default,
}

impl Source {
    /// The `sso-session` name when the value came from an `[sso-session NAME]` section.
    pub fn sso_session(&self) -> Option<&str> {
        match self {
            Source::AwsProfile { profile, .. } => profile.strip_prefix("sso-session "),
            _ => None,
        }
    }
}

/// Reads as the tail of a sentence: "PORT=abc (from the environment) is not ...".
impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Env => f.write_str("from the environment"),
            Source::ConfigsJson { path, section } => {
                write!(f, "from {}, section {section}", path.display())
            }
            Source::AwsProfile { path, profile } => {
                write!(f, "from {}, [{profile}]", path.display())
            }
            Source::CommandLine { flag } => write!(f, "from the command line, {flag}"),
            Source::Default => f.write_str("the default"),
        }
    }
}
