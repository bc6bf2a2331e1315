//! What a tool call returns: output for the model, or a typed error.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A completed call. `is_error` marks a call that ran but failed (e.g. a command that exited
/// non-zero): it still carries its full output, and the host sets MCP `isError: true`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ToolOutput {
    /// Markdown for the model.
    pub text: String,
    /// `structuredContent`, matching the tool's output schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structured: Option<Value>,
    #[serde(default)]
    pub is_error: bool,
    /// MCP content blocks (`{"type": "text" | "image" | "audio" | "resource" | "resource_link", ...}`)
    /// to send instead of `text` as the call's content (plugin-api 1.1.0). `text` is still what the
    /// CLI prints; a 1.0 host ignores this field and sends `text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Vec<Value>>,
}

impl ToolOutput {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }

    pub fn with_structured(mut self, structured: Value) -> Self {
        self.structured = Some(structured);
        self
    }

    /// Sets MCP content blocks (see [`ToolOutput::content`]).
    pub fn with_content(mut self, content: Vec<Value>) -> Self {
        self.content = Some(content);
        self
    }

    pub fn into_error(mut self) -> Self {
        self.is_error = true;
        self
    }
}

/// Why a call could not produce a result. The host shows `message` to the model and the user,
/// so it must say what went wrong and what to do next, and never contain a secret.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ToolError {
    pub kind: ErrorKind,
    pub message: String,
}

impl ToolError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    pub fn invalid_arguments(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidArguments, message)
    }

    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Failed, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    /// Serialized form for the ABI; cannot fail for this type.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self)
            .unwrap_or_else(|_| String::from(r#"{"kind":"internal","message":"unserializable error"}"#))
    }

    /// Reads an error that crossed the ABI. Text that is not a `ToolError` (a plugin or host that
    /// answered something else) is kept as the message.
    pub fn from_json(text: &str) -> Self {
        serde_json::from_str(text).unwrap_or_else(|_| Self::internal(text))
    }
}

/// The broad cause of a [`ToolError`]. Unknown kinds from newer peers read as `Other`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The arguments do not match the tool's schema or rules.
    InvalidArguments,
    /// No valid SSO session: the user must run `aws_sso_login`.
    NotLoggedIn,
    /// AWS refused the operation for this role.
    PermissionDenied,
    /// The account, role, instance or other resource does not exist.
    NotFound,
    /// The operation ran out of time.
    Timeout,
    /// The client cancelled the call.
    Cancelled,
    /// AWS or a required program is unreachable or missing.
    Unavailable,
    /// The operation ran and failed.
    Failed,
    /// A bug: a panic, an unexpected answer.
    Internal,
    /// The person declined or dismissed a confirmation, or could not be asked (plugin-api 1.1.0;
    /// a 1.0 host reads it as `other`). Nothing was done.
    NotConfirmed,
    #[serde(other)]
    Other,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidArguments => "invalid_arguments",
            Self::NotLoggedIn => "not_logged_in",
            Self::PermissionDenied => "permission_denied",
            Self::NotFound => "not_found",
            Self::Timeout => "timeout",
            Self::Cancelled => "cancelled",
            Self::Unavailable => "unavailable",
            Self::Failed => "failed",
            Self::Internal => "internal",
            Self::NotConfirmed => "not_confirmed",
            Self::Other => "other",
        }
    }
}
