//! MCP prompts, resources and completions: the catalog plugins declared plus the resources the
//! host keeps, turned into rmcp results. Requests that reach a plugin (`prompts/get`,
//! `resources/read` of a declared resource) run like tool calls, with input rounds.

use mcp_aws_sso_plugin_api::{CompletionRef, ToolError, ToolOutput};
use rmcp::ErrorData as McpError;
use rmcp::model::{
    CompleteResult, GetPromptResult, ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult,
    ReadResourceResult, Reference,
};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::app::App;
use crate::resources::{KeptResource, ResourceBody};

/// Reads an rmcp result from JSON, marked complete (2026-07-28 requires `resultType`; rmcp
/// strips it again for older peers).
fn from_json<T: DeserializeOwned>(mut value: Value, what: &str) -> Result<T, McpError> {
    if let Some(object) = value.as_object_mut() {
        object.entry("resultType").or_insert_with(|| json!("complete"));
    }
    serde_json::from_value(value).map_err(|e| McpError::internal_error(format!("{what} is not valid: {e}"), None))
}

pub fn list_prompts(app: &App) -> Result<ListPromptsResult, McpError> {
    let prompts: Vec<Value> = app
        .catalog
        .prompts()
        .map(|p| serde_json::to_value(p).unwrap_or_default())
        .collect();
    from_json(json!({ "prompts": prompts }), "the prompt list")
}

pub fn list_resources(app: &App) -> Result<ListResourcesResult, McpError> {
    let mut resources: Vec<Value> = app
        .catalog
        .resources()
        .map(|r| serde_json::to_value(r).unwrap_or_default())
        .collect();
    for kept in app.resources.list() {
        resources.push(kept_listing(&kept));
    }
    from_json(json!({ "resources": resources }), "the resource list")
}

fn kept_listing(kept: &KeptResource) -> Value {
    let mut entry = json!({ "uri": kept.uri, "name": kept.name });
    for (key, value) in [
        ("title", &kept.title),
        ("description", &kept.description),
        ("mimeType", &kept.mime_type),
    ] {
        if let Some(value) = value {
            entry[key] = json!(value);
        }
    }
    entry
}

pub fn list_resource_templates(app: &App) -> Result<ListResourceTemplatesResult, McpError> {
    let templates: Vec<Value> = app
        .catalog
        .templates()
        .map(|t| serde_json::to_value(t).unwrap_or_default())
        .collect();
    from_json(json!({ "resourceTemplates": templates }), "the resource template list")
}

/// A resource the host keeps, if `uri` is one.
pub fn read_kept(app: &App, uri: &str) -> Option<Result<ReadResourceResult, McpError>> {
    let kept = app.resources.get(uri)?;
    let mut content = json!({ "uri": kept.uri });
    if let Some(mime) = &kept.mime_type {
        content["mimeType"] = json!(mime);
    }
    match &kept.body {
        ResourceBody::Text(text) => content["text"] = json!(text),
        ResourceBody::Blob(blob) => content["blob"] = json!(blob),
    }
    Some(from_json(json!({ "contents": [content] }), "a kept resource"))
}

pub fn resource_not_found(uri: &str) -> McpError {
    McpError::resource_not_found(format!("Resource not found: {uri}"), Some(json!({ "uri": uri })))
}

/// A plugin's answer to `resources/read`, checked.
pub fn read_result(uri: &str, outcome: Result<ToolOutput, ToolError>) -> Result<ReadResourceResult, McpError> {
    let output = outcome.map_err(|e| McpError::internal_error(format!("reading {uri} failed: {}", e.message), None))?;
    let structured = output.structured.unwrap_or(Value::Null);
    let empty = structured
        .get("contents")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty);
    if empty {
        return Err(resource_not_found(uri));
    }
    from_json(structured, "the plugin's resource contents")
}

/// A plugin's answer to `prompts/get`, checked.
pub fn prompt_result(name: &str, outcome: Result<ToolOutput, ToolError>) -> Result<GetPromptResult, McpError> {
    let output = outcome.map_err(|e| McpError::invalid_params(format!("prompt `{name}`: {}", e.message), None))?;
    from_json(output.structured.unwrap_or(Value::Null), "the plugin's prompt")
}

pub fn complete(app: &App, reference: &Reference, argument: &str, typed: &str) -> Result<CompleteResult, McpError> {
    let (kind, name) = match reference {
        Reference::Prompt(prompt) => (CompletionRef::Prompt, prompt.name.as_str()),
        Reference::Resource(resource) => (CompletionRef::Resource, resource.uri.as_str()),
        _ => return from_json(json!({ "completion": { "values": [] } }), "the completion"),
    };
    let mut values = app.catalog.complete(kind, name, argument, typed);
    let total = values.len();
    values.truncate(100);
    from_json(
        json!({ "completion": { "values": values, "total": total, "hasMore": total > 100 } }),
        "the completion",
    )
}
