//! Typed configuration for `mcp-aws-sso`.
//!
//! [`Config::load_from`] reads three sources, highest priority first, and merges them key by key
//! with figment:
//!
//! 1. the environment (an explicit map; [`Config::load`] passes the process's);
//! 2. `~/.mcp/configs.json`, the TypeScript server's file: the `environments` object of the first
//!    present section among `aws-sso`, `@aashari/mcp-server-aws-sso`, `mcp-server-aws-sso`
//!    ([`configs_json`]), whose `plugins` object also carries per-plugin sections;
//! 3. the AWS config file (`AWS_CONFIG_FILE`, else `~/.aws/config`): the profile named by
//!    `AWS_PROFILE` (else `default`) and its `[sso-session]` (`aws_profile`).
//!
//! Data flow: each source becomes a `Layer` (a figment provider tagged with its [`Source`]);
//! a `Stack` merges the layers and answers "value and source of KEY"; `load` validates every
//! key once, so a bad value fails with an error naming key, value and source
//! ([`ConfigError`]); the result is a [`Config`] with a `provenance` map for `doctor` and a list
//! of [`ConfigWarning`]s (settings that load but look like mistakes: `DEBUG=express:*`, a section
//! named `aws_sso`, an `http://` start URL). [`Config::load_lenient_from`] returns the same
//! configuration without the broken parts plus every problem ([`Loaded`]), for the verbs that
//! must work with a broken file (`doctor`, `plugins`, `--help`, `completions`).
//! Keys and defaults are listed once, in [`keys`]. Blank values count as unset.
//!
//! Nothing global is read by `load_from`, so tests run with a temporary home side by side.

mod aws_profile;
mod config;
pub mod configs_json;
mod error;
mod exec_settings;
#[doc(hidden)]
pub mod fuzzing;
mod help;
pub mod keys;
mod layers;
mod load;
mod near_miss;
mod plugin_config;
mod secret;
mod source;
mod values;
mod warning;

pub use config::{Config, ConfigFiles, Confirm, HttpSettings, SsoSettings, Transport};
pub use error::ConfigError;
pub use exec_settings::ExecSettings;
pub use load::{Loaded, port_flag};
pub use secret::Secret;
pub use source::Source;
pub use warning::ConfigWarning;
