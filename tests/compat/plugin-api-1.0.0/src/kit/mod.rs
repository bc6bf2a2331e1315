//! The plugin kit: what most plugins need besides the ABI, so they do not each re-implement it.
//!
//! - [`validate`] and [`schema`]: checks and JSON Schema fragments for account ids, role names,
//!   regions and instance ids, which agree with each other.
//! - [`text`]: fenced code blocks and truncation to a character budget.
//! - [`dispatch`]: typed tools ([`Tool`]) collected in a [`ToolSet`], so a plugin neither
//!   hand-matches tool names nor hand-parses arguments.
//! - [`aws_errors`]: the AWS error-code sets (credentials rejected, access denied, throttled,
//!   transient) and a classifier.
//! - [`host_limits`]: the host's limits (`readOnly`, `callTimeoutSeconds`, `maxOutputChars`)
//!   read from `host.config()`.
//! - [`testing`]: a fake host, to unit-test a tool without the host.
//!
//! The kit is plain Rust compiled into each plugin; nothing in it crosses the ABI, so it can
//! grow in any minor release without touching compatibility.

pub mod aws_errors;
pub mod dispatch;
pub mod host_limits;
pub mod schema;
pub mod testing;
pub mod text;
pub mod validate;

pub use dispatch::{Tool, ToolPlugin, ToolSet};
pub use host_limits::HostLimits;
