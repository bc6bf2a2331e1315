//! What a plugin may declare in its manifest besides tools (plugin-api 1.1.0): prompts,
//! resources, resource templates and argument completions. All optional JSON fields: a 1.0 host
//! ignores them, a 1.0 plugin has none.

use serde::{Deserialize, Serialize};

/// An MCP prompt. The host lists it; `prompts/get` reaches the plugin as
/// `call("prompts/get", ...)` (see [`requests`](crate::extensions::requests)).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PromptSpec {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arguments: Vec<PromptArgumentSpec>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PromptArgumentSpec {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub required: bool,
}

/// A resource with a fixed URI; read through `call("resources/read", {"uri"})`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSpec {
    pub uri: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
}

/// A family of resources, RFC 6570 level 1 (`scheme://path/{var}/more`): a URI that matches it
/// is read through `call("resources/read", {"uri"})`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ResourceTemplateSpec {
    pub uri_template: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
}

/// Suggested values for one argument of a prompt (`ref: "prompt"`, `name` = prompt name) or of
/// a resource template (`ref: "resource"`, `name` = the URI template). The host answers
/// `completion/complete` from these, keeping the values that start with what was typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CompletionSpec {
    #[serde(rename = "ref")]
    pub reference: CompletionRef,
    pub name: String,
    pub argument: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum CompletionRef {
    #[default]
    Prompt,
    Resource,
}
