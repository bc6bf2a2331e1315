//! Turning registry outcomes and tool specs into their MCP shapes.

use std::sync::Arc;

use mcp_aws_sso_plugin_api::{ToolError, ToolOutput, ToolSpec};
use rmcp::model::{CallToolResult, ContentBlock, Tool, ToolAnnotations};
use serde_json::Value;

pub fn to_mcp_tool(spec: &ToolSpec) -> Tool {
    let mut annotations = ToolAnnotations::with_title(spec.title.clone());
    let hints = &spec.annotations;
    if let Some(v) = hints.read_only_hint {
        annotations = annotations.read_only(v);
    }
    if let Some(v) = hints.destructive_hint {
        annotations = annotations.destructive(v);
    }
    if let Some(v) = hints.idempotent_hint {
        annotations = annotations.idempotent(v);
    }
    if let Some(v) = hints.open_world_hint {
        annotations = annotations.open_world(v);
    }
    let mut tool = Tool::new_with_raw(
        spec.name.clone(),
        Some(spec.description.clone().into()),
        Arc::new(as_object(&spec.input_schema)),
    )
    .with_title(spec.title.clone())
    .with_annotations(annotations);
    if let Some(output) = &spec.output_schema {
        tool = tool.with_raw_output_schema(Arc::new(as_object(output)));
    }
    tool
}

fn as_object(schema: &Value) -> serde_json::Map<String, Value> {
    schema.as_object().cloned().unwrap_or_default()
}

pub fn from_outcome(outcome: Result<ToolOutput, ToolError>) -> CallToolResult {
    match outcome {
        Ok(output) => {
            let content = match output.content.map(read_content).transpose() {
                Ok(Some(blocks)) => blocks,
                Ok(None) => vec![ContentBlock::text(output.text)],
                Err(error) => return CallToolResult::error(vec![ContentBlock::text(render_error(&error))]),
            };
            let mut result = if output.is_error {
                CallToolResult::error(content)
            } else {
                CallToolResult::success(content)
            };
            result.structured_content = output.structured;
            result
        }
        Err(error) => CallToolResult::error(vec![ContentBlock::text(render_error(&error))]),
    }
}

/// A plugin's own MCP content blocks (plugin-api 1.1 `ToolOutput::content`), checked.
fn read_content(blocks: Vec<Value>) -> Result<Vec<ContentBlock>, ToolError> {
    blocks
        .into_iter()
        .map(|block| {
            serde_json::from_value(block).map_err(|e| {
                ToolError::internal(format!("the tool returned a content block that is not valid MCP: {e}"))
            })
        })
        .collect()
}

/// The text a model sees for a call that could not produce a result.
pub fn render_error(error: &ToolError) -> String {
    format!("# ❌ AWS SSO: Error\n\n**{}**: {}", error.kind.as_str(), error.message)
}
