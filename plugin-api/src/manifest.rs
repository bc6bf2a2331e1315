//! What a plugin declares about itself: the tools it offers and their schemas.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::features::{CompletionSpec, PromptSpec, ResourceSpec, ResourceTemplateSpec};

/// A plugin's self-description, read once by the host at load time.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// Short kebab-case plugin name, e.g. `exec-command`. Also the key of its config section.
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub description: String,
    /// True when the plugin itself enforces read-only mode (`Host::read_only`) for its tools that
    /// are not annotated `readOnlyHint: true`, deciding call by call what is a read (as
    /// exec-command does for AWS CLI operations). When false, the host refuses those tools in
    /// read-only mode without running any plugin code.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub enforces_read_only: bool,
    pub tools: Vec<ToolSpec>,
    /// MCP prompts this plugin serves (plugin-api 1.1.0).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prompts: Vec<PromptSpec>,
    /// MCP resources with fixed URIs this plugin serves (plugin-api 1.1.0).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<ResourceSpec>,
    /// MCP resource templates this plugin serves (plugin-api 1.1.0).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_templates: Vec<ResourceTemplateSpec>,
    /// Completions for the arguments of its prompts and resource templates (plugin-api 1.1.0).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub completions: Vec<CompletionSpec>,
}

/// One tool. Its input schema is the single definition of its parameters: the host derives MCP
/// listing, argument validation, CLI flags and `--help` from it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ToolSpec {
    /// MCP tool name, snake_case, e.g. `aws_sso_exec_command`.
    pub name: String,
    pub title: String,
    pub description: String,
    /// JSON Schema (object) of the arguments.
    pub input_schema: Value,
    /// JSON Schema of `structuredContent`, when the tool returns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<Value>,
    #[serde(default)]
    pub annotations: ToolAnnotations,
    /// Client capabilities the tool cannot work without, e.g. `["sampling"]` or `["elicitation"]`
    /// (plugin-api 1.1.0). The host refuses a call from a client that did not declare them with
    /// MCP error -32021 (missing required client capability) before running any plugin code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires_client_capabilities: Vec<String>,
}

/// MCP tool annotations: hints for clients about what a call may do.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ToolAnnotations {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only_hint: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destructive_hint: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotent_hint: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_world_hint: Option<bool>,
}

impl ToolAnnotations {
    /// A tool that only reads.
    pub fn read_only() -> Self {
        Self {
            read_only_hint: Some(true),
            destructive_hint: Some(false),
            idempotent_hint: Some(true),
            open_world_hint: Some(true),
        }
    }

    /// A tool that can change things in AWS.
    pub fn destructive() -> Self {
        Self {
            read_only_hint: Some(false),
            destructive_hint: Some(true),
            idempotent_hint: Some(false),
            open_world_hint: Some(true),
        }
    }
}
