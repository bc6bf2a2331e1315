//! Test-only plugin: the fixtures of the official MCP conformance suite
//! (`@modelcontextprotocol/conformance`, see tests/conformance) — tools, resources, prompts and
//! completions — served through the real plugin ABI, so the suite exercises the host's plumbing
//! for every MCP feature a plugin can use, on both protocol revisions. Never shipped: a
//! workspace member that is not a default member.

use std::collections::BTreeMap;
use std::thread::sleep;
use std::time::Duration;

use mcp_aws_sso_plugin_api::extensions::requests;
use mcp_aws_sso_plugin_api::input::InputRequest;
use mcp_aws_sso_plugin_api::{
    CompletionRef, CompletionSpec, Host, LogLevel, Manifest, Plugin, PromptArgumentSpec, PromptSpec, ResourceSpec,
    ResourceTemplateSpec, ToolError, ToolOutput, ToolSpec,
};
use serde_json::{Value, json};

/// A 1x1 red PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==";
/// A silent WAV.
const WAV: &str = "UklGRiQAAABXQVZFZm10IBAAAAABAAEARKwAAIhYAQACABAAZGF0YQAAAAA=";

struct ConformancePlugin;

fn tool(name: &str, description: &str, schema: Value) -> ToolSpec {
    ToolSpec {
        name: name.into(),
        title: name.into(),
        description: description.into(),
        input_schema: schema,
        ..Default::default()
    }
}

fn no_args() -> Value {
    json!({ "type": "object", "properties": {} })
}

fn one_string(name: &str) -> Value {
    json!({ "type": "object", "properties": { name: { "type": "string" } }, "required": [name] })
}

fn text(text: impl Into<String>) -> ToolOutput {
    ToolOutput::text(text)
}

fn name_schema(field: &str) -> Value {
    json!({ "type": "object", "properties": { field: { "type": "string" } }, "required": [field] })
}

impl Plugin for ConformancePlugin {
    fn manifest(&self) -> Manifest {
        let mut tools: Vec<ToolSpec> = [
            ("test_simple_text", "Returns simple text content"),
            ("test_image_content", "Returns image content"),
            ("test_audio_content", "Returns audio content"),
            ("test_embedded_resource", "Returns an embedded resource"),
            (
                "test_multiple_content_types",
                "Returns text, image and resource content",
            ),
            ("test_tool_with_logging", "Logs three messages while it runs"),
            ("test_tool_with_progress", "Reports progress 0, 50, 100 of 100"),
            ("test_error_handling", "Always fails"),
            (
                "test_elicitation_sep1034_defaults",
                "Elicits a form whose fields all have defaults",
            ),
            (
                "test_elicitation_sep1330_enums",
                "Elicits a form with every enum variant",
            ),
            ("test_input_required_result_elicitation", "Asks for a name"),
            (
                "test_input_required_result_sampling",
                "Asks the client's model a question",
            ),
            ("test_input_required_result_list_roots", "Asks for the client's roots"),
            ("test_input_required_result_request_state", "Asks for a confirmation"),
            (
                "test_input_required_result_multiple_inputs",
                "Asks three things at once",
            ),
            (
                "test_input_required_result_multi_round",
                "Asks two things one after the other",
            ),
            ("test_input_required_result_tampered_state", "Asks for a confirmation"),
            (
                "test_input_required_result_capabilities",
                "Asks only what the client can answer",
            ),
        ]
        .into_iter()
        .map(|(name, description)| tool(name, description, no_args()))
        .collect();
        tools.push(tool("test_sampling", "Asks the client's model", one_string("prompt")));
        tools.push(tool("test_elicitation", "Asks the person", one_string("message")));
        let mut needs_sampling = tool("test_missing_capability", "Needs sampling", no_args());
        needs_sampling.requires_client_capabilities = vec!["sampling".into()];
        tools.push(needs_sampling);

        let prompt = |name: &str, description: &str, arguments: Vec<PromptArgumentSpec>| PromptSpec {
            name: name.into(),
            description: description.into(),
            arguments,
            ..Default::default()
        };
        let argument = |name: &str, required: bool| PromptArgumentSpec {
            name: name.into(),
            description: Some(format!("The {name} argument")),
            required,
        };
        Manifest {
            name: "conformance".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Test-only: the MCP conformance suite's fixtures".into(),
            tools,
            prompts: vec![
                prompt("test_simple_prompt", "A simple prompt without arguments", vec![]),
                prompt(
                    "test_prompt_with_arguments",
                    "A prompt with two arguments",
                    vec![argument("arg1", true), argument("arg2", true)],
                ),
                prompt(
                    "test_prompt_with_embedded_resource",
                    "A prompt with an embedded resource",
                    vec![argument("resourceUri", true)],
                ),
                prompt("test_prompt_with_image", "A prompt with an image", vec![]),
                prompt(
                    "test_input_required_result_prompt",
                    "A prompt that asks for context",
                    vec![],
                ),
            ],
            resources: vec![
                ResourceSpec {
                    uri: "test://static-text".into(),
                    name: "static-text".into(),
                    description: "A static text resource".into(),
                    mime_type: Some("text/plain".into()),
                    ..Default::default()
                },
                ResourceSpec {
                    uri: "test://static-binary".into(),
                    name: "static-binary".into(),
                    description: "A static binary resource".into(),
                    mime_type: Some("image/png".into()),
                    ..Default::default()
                },
                ResourceSpec {
                    uri: "test://watched-resource".into(),
                    name: "watched-resource".into(),
                    description: "A resource to subscribe to".into(),
                    mime_type: Some("text/plain".into()),
                    ..Default::default()
                },
            ],
            resource_templates: vec![ResourceTemplateSpec {
                uri_template: "test://template/{id}/data".into(),
                name: "template-data".into(),
                description: "Data by id".into(),
                mime_type: Some("application/json".into()),
                ..Default::default()
            }],
            completions: vec![
                CompletionSpec {
                    reference: CompletionRef::Prompt,
                    name: "test_prompt_with_arguments".into(),
                    argument: "arg1".into(),
                    values: vec!["paris".into(), "park".into(), "party".into()],
                },
                CompletionSpec {
                    reference: CompletionRef::Resource,
                    name: "test://template/{id}/data".into(),
                    argument: "id".into(),
                    values: vec!["1".into(), "2".into(), "3".into()],
                },
            ],
            ..Default::default()
        }
    }

    fn call(&self, tool: &str, args: Value, host: &Host) -> Result<ToolOutput, ToolError> {
        match tool {
            requests::PROMPTS_GET => prompt(&args, host),
            requests::RESOURCES_READ => resource(args["uri"].as_str().unwrap_or_default()),
            "test_simple_text" => Ok(text("This is a simple text response for testing.")),
            "test_image_content" => Ok(text("image").with_content(vec![json!({"type": "image", "data": PNG, "mimeType": "image/png"})])),
            "test_audio_content" => Ok(text("audio").with_content(vec![json!({"type": "audio", "data": WAV, "mimeType": "audio/wav"})])),
            "test_embedded_resource" => Ok(text("resource").with_content(vec![json!({
                "type": "resource",
                "resource": {"uri": "test://embedded-resource", "mimeType": "text/plain", "text": "This is an embedded resource content."}
            })])),
            "test_multiple_content_types" => Ok(text("mixed").with_content(vec![
                json!({"type": "text", "text": "Multiple content types test:"}),
                json!({"type": "image", "data": PNG, "mimeType": "image/png"}),
                json!({"type": "resource", "resource": {"uri": "test://mixed-content-resource", "mimeType": "application/json", "text": "{\"test\":\"data\",\"value\":123}"}}),
            ])),
            "test_tool_with_logging" => {
                for (i, message) in ["Tool execution started", "Tool processing data", "Tool execution completed"].iter().enumerate() {
                    if i > 0 {
                        sleep(Duration::from_millis(50));
                    }
                    host.log(LogLevel::Info, message);
                }
                Ok(text("Logging test completed"))
            }
            "test_tool_with_progress" => {
                for (i, done) in [0.0, 50.0, 100.0].iter().enumerate() {
                    if i > 0 {
                        sleep(Duration::from_millis(50));
                    }
                    host.progress(*done, Some(100.0), "working");
                }
                Ok(text("Progress test completed"))
            }
            "test_error_handling" => Ok(text("This tool intentionally returns an error for testing").into_error()),
            "test_sampling" => {
                let prompt = args["prompt"].as_str().unwrap_or_default();
                let answer = host.input_one("sampling", sampling(prompt, 100))?;
                Ok(text(format!("LLM response: {}", answer.pointer("/content/text").and_then(Value::as_str).unwrap_or_default())))
            }
            "test_elicitation" => {
                let message = args["message"].as_str().unwrap_or_default();
                let schema = json!({
                    "type": "object",
                    "properties": {
                        "username": {"type": "string", "description": "User's response"},
                        "email": {"type": "string", "description": "User's email address"}
                    },
                    "required": ["username", "email"]
                });
                let answer = host.elicit_form("elicitation", message, schema)?;
                Ok(text(format!("User response: action={}, content={}", answer.action.as_str(), answer.content.unwrap_or(Value::Null))))
            }
            "test_elicitation_sep1034_defaults" => {
                let schema = json!({
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "description": "User's name", "default": "John Doe"},
                        "age": {"type": "integer", "description": "User's age", "default": 30},
                        "score": {"type": "number", "description": "User's score", "default": 95.5},
                        "status": {"type": "string", "description": "User's status", "enum": ["active", "inactive", "pending"], "default": "active"},
                        "verified": {"type": "boolean", "description": "Whether user is verified", "default": true}
                    }
                });
                let answer = host.elicit_form("defaults", "Please provide values (all have defaults)", schema)?;
                Ok(text(format!("Elicitation completed: action={}, content={}", answer.action.as_str(), answer.content.unwrap_or(Value::Null))))
            }
            "test_elicitation_sep1330_enums" => {
                let schema = json!({
                    "type": "object",
                    "properties": {
                        "untitledSingle": {"type": "string", "enum": ["option1", "option2", "option3"]},
                        "titledSingle": {"type": "string", "oneOf": [
                            {"const": "value1", "title": "First Option"},
                            {"const": "value2", "title": "Second Option"},
                            {"const": "value3", "title": "Third Option"}]},
                        "legacyEnum": {"type": "string", "enum": ["opt1", "opt2", "opt3"], "enumNames": ["Option One", "Option Two", "Option Three"]},
                        "untitledMulti": {"type": "array", "items": {"type": "string", "enum": ["option1", "option2", "option3"]}},
                        "titledMulti": {"type": "array", "items": {"anyOf": [
                            {"const": "value1", "title": "First Choice"},
                            {"const": "value2", "title": "Second Choice"},
                            {"const": "value3", "title": "Third Choice"}]}}
                    }
                });
                let answer = host.elicit_form("enums", "Test enum schema improvements", schema)?;
                Ok(text(format!("Elicitation completed: action={}, content={}", answer.action.as_str(), answer.content.unwrap_or(Value::Null))))
            }
            "test_input_required_result_elicitation" => {
                let answer = host.elicit_form("user_name", "What is your name?", name_schema("name"))?;
                let name = answer.content.as_ref().and_then(|c| c["name"].as_str()).unwrap_or("stranger").to_string();
                Ok(text(format!("Hello, {name}!")))
            }
            "test_input_required_result_sampling" => {
                let answer = host.input_one("capital_question", sampling("What is the capital of France?", 100))?;
                Ok(text(format!("Sampling said: {}", answer.pointer("/content/text").and_then(Value::as_str).unwrap_or_default())))
            }
            "test_input_required_result_list_roots" => {
                let answer = host.input_one("client_roots", InputRequest::roots())?;
                Ok(text(format!("Roots: {}", answer["roots"])))
            }
            "test_input_required_result_request_state" | "test_input_required_result_tampered_state" => {
                let schema = json!({"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]});
                let answer = host.elicit_form("confirm", "Please confirm", schema)?;
                // The host resumed this very call from the echoed requestState: it checked it.
                Ok(text(format!("state-ok: action={}", answer.action.as_str())))
            }
            "test_input_required_result_multiple_inputs" => {
                let answers = host.input(BTreeMap::from([
                    ("user_name".to_string(), InputRequest::form("What is your name?", name_schema("name"))),
                    ("greeting".to_string(), sampling("Generate a greeting", 50)),
                    ("client_roots".to_string(), InputRequest::roots()),
                ]))?;
                Ok(text(format!("Got {} answers", answers.len())))
            }
            "test_input_required_result_multi_round" => {
                let first = host.elicit_form("step1", "Step 1: What is your name?", name_schema("name"))?;
                let second = host.elicit_form("step2", "Step 2: What is your favorite color?", name_schema("color"))?;
                Ok(text(format!("Done: {} then {}", first.action.as_str(), second.action.as_str())))
            }
            "test_input_required_result_capabilities" => {
                let caps = host.client_capabilities();
                let mut asks = BTreeMap::new();
                if caps.sampling {
                    asks.insert("greeting".to_string(), sampling("Say hello", 20));
                }
                if caps.elicitation.form {
                    asks.insert("user_name".to_string(), InputRequest::form("What is your name?", name_schema("name")));
                }
                if asks.is_empty() {
                    return Ok(text("The client can answer nothing"));
                }
                let answers = host.input(asks)?;
                Ok(text(format!("Got {} answers", answers.len())))
            }
            "test_missing_capability" => {
                let answer = host.input_one("sampling", sampling("Hello", 10))?;
                Ok(text(format!("LLM response: {answer}")))
            }
            other => Err(ToolError::invalid_arguments(format!("no tool `{other}`"))),
        }
    }
}

fn sampling(prompt: &str, max_tokens: u32) -> InputRequest {
    InputRequest::sampling(json!({
        "messages": [{"role": "user", "content": {"type": "text", "text": prompt}}],
        "maxTokens": max_tokens
    }))
}

fn prompt(args: &Value, host: &Host) -> Result<ToolOutput, ToolError> {
    let arg = |name: &str| {
        args.pointer(&format!("/arguments/{name}"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let user = |content: Value| json!({"role": "user", "content": content});
    let (description, messages) = match args["name"].as_str().unwrap_or_default() {
        "test_simple_prompt" => (
            "A simple prompt",
            vec![user(
                json!({"type": "text", "text": "This is a simple prompt for testing."}),
            )],
        ),
        "test_prompt_with_arguments" => (
            "A prompt with arguments",
            vec![user(
                json!({"type": "text", "text": format!("Prompt with arguments: arg1='{}', arg2='{}'", arg("arg1"), arg("arg2"))}),
            )],
        ),
        "test_prompt_with_embedded_resource" => (
            "A prompt with an embedded resource",
            vec![
                user(
                    json!({"type": "resource", "resource": {"uri": arg("resourceUri"), "mimeType": "text/plain", "text": "Embedded resource content for testing."}}),
                ),
                user(json!({"type": "text", "text": "Please process the embedded resource above."})),
            ],
        ),
        "test_prompt_with_image" => (
            "A prompt with an image",
            vec![
                user(json!({"type": "image", "data": PNG, "mimeType": "image/png"})),
                user(json!({"type": "text", "text": "Please analyze the image above."})),
            ],
        ),
        "test_input_required_result_prompt" => {
            let schema =
                json!({"type": "object", "properties": {"context": {"type": "string"}}, "required": ["context"]});
            let answer = host.elicit_form("user_context", "What context should the prompt use?", schema)?;
            let context = answer
                .content
                .as_ref()
                .and_then(|c| c["context"].as_str())
                .unwrap_or_default()
                .to_string();
            (
                "A prompt with elicited context",
                vec![user(json!({"type": "text", "text": format!("Context: {context}")}))],
            )
        }
        other => return Err(ToolError::invalid_arguments(format!("no prompt `{other}`"))),
    };
    Ok(ToolOutput::text(description).with_structured(json!({"description": description, "messages": messages})))
}

fn resource(uri: &str) -> Result<ToolOutput, ToolError> {
    let content = match uri {
        "test://static-text" => {
            json!({"uri": uri, "mimeType": "text/plain", "text": "This is the content of the static text resource."})
        }
        "test://static-binary" => json!({"uri": uri, "mimeType": "image/png", "blob": PNG}),
        "test://watched-resource" => json!({"uri": uri, "mimeType": "text/plain", "text": "Watched resource content."}),
        _ => match uri
            .strip_prefix("test://template/")
            .and_then(|rest| rest.strip_suffix("/data"))
        {
            Some(id) => json!({
                "uri": uri,
                "mimeType": "application/json",
                "text": format!(r#"{{"id":"{id}","templateTest":true,"data":"Data for ID: {id}"}}"#)
            }),
            None => return Ok(ToolOutput::text("not found").with_structured(json!({"contents": []}))),
        },
    };
    Ok(ToolOutput::text(uri).with_structured(json!({"contents": [content]})))
}

mcp_aws_sso_plugin_api::export_plugin!(ConformancePlugin, ConformancePlugin);
