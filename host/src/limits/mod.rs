//! The limits the host enforces on every plugin call, from either front end, whatever the plugin
//! does: plugins are someone else's code.
//!
//! - [`call_timeout`]: how long the host waits for a call (the call's `timeoutSeconds`, else
//!   `MCP_AWS_SSO_CALL_TIMEOUT`), enforced by `plugins::guarded_call`, which also bounds how
//!   many abandoned calls may still run.
//! - [`output_cap`]: text over `MCP_AWS_SSO_MAX_OUTPUT` is cut, with a note saying where the full
//!   text is: an MCP resource ([`result_store`]) or a private file (CLI).
//! - [`read_only`]: in read-only mode, tools not annotated `readOnlyHint: true` are refused
//!   before any plugin code runs, unless the plugin's manifest says it enforces read-only itself.

pub mod call_timeout;
pub mod output_cap;
pub mod read_only;
pub mod result_store;
