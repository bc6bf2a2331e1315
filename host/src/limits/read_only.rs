//! Read-only mode for plugin tools: the one place that decides whether a tool may run while the
//! host is read-only (`MCP_AWS_SSO_READ_ONLY=true`).

use mcp_aws_sso_plugin_api::{ErrorKind, Manifest, ToolError, ToolSpec};

/// The refusal for `spec` of the plugin with `manifest`, or `None` when it may run: a tool
/// annotated `readOnlyHint: true` runs, and so does any tool of a plugin that enforces read-only
/// itself (it then refuses what is not a read, call by call). Anything else is refused here,
/// before any plugin code runs.
pub fn refusal(spec: &ToolSpec, manifest: &Manifest) -> Option<ToolError> {
    if spec.annotations.read_only_hint == Some(true) || manifest.enforces_read_only {
        return None;
    }
    Some(ToolError::new(
        ErrorKind::PermissionDenied,
        format!(
            "Refused: the host is in read-only mode (MCP_AWS_SSO_READ_ONLY=true) and `{}` (plugin `{}`) is not a \
             read-only tool: it is not annotated readOnlyHint: true and its plugin does not enforce read-only mode \
             itself. Nothing was run. To use it, turn read-only mode off in the host's configuration and restart it.",
            spec.name, manifest.name
        ),
    ))
}
