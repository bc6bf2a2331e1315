//! A test-only plugin that exercises every `HostContext` capability and every failure mode the
//! host must survive: a panic, a slow call with progress and cancellation, typed errors, a
//! completed-but-failed output, and on purpose misbehaviour the host must contain: a call that
//! ignores cancellation and sleeps on (`testkit_stubborn`), a flood of output
//! (`testkit_flood`), and a tool that writes a file without claiming to be read-only
//! (`testkit_write_file`). The end-to-end tests load it next to the real plugins.

use std::thread;
use std::time::Duration;

use mcp_aws_sso_plugin_api::{
    ErrorKind, Host, LogLevel, Manifest, Plugin, ToolAnnotations, ToolError, ToolOutput, ToolSpec, export_plugin,
};
use serde_json::{Value, json};

struct Testkit;

fn spec(name: &str, title: &str, description: &str, input_schema: Value) -> ToolSpec {
    ToolSpec {
        name: name.into(),
        title: title.into(),
        description: description.into(),
        input_schema,
        output_schema: None,
        annotations: ToolAnnotations::default(),
        ..Default::default()
    }
}

fn read_only(mut spec: ToolSpec) -> ToolSpec {
    spec.annotations = ToolAnnotations::read_only();
    spec
}

impl Plugin for Testkit {
    fn manifest(&self) -> Manifest {
        Manifest {
            name: "testkit".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            description: "Test-only plugin".into(),
            enforces_read_only: false,
            tools: vec![
                read_only(spec(
                    "testkit_context",
                    "Show host context",
                    "Reports what the host context answers",
                    json!({"type": "object", "properties": {
                        "accountId": {"type": "string"}, "roleName": {"type": "string"},
                        "service": {"type": "string", "default": "ssm"}
                    }}),
                )),
                read_only(spec(
                    "team_x",
                    "Team X",
                    "A tool whose CLI verb `team-x` the verb-twin plugin's `team-x` would collide with",
                    json!({"type": "object", "properties": {}}),
                )),
                read_only(spec(
                    "testkit_noop",
                    "No-op",
                    "Answers at once: measures the host's own cost of a plugin call",
                    json!({"type": "object", "properties": {}}),
                )),
                read_only(spec(
                    "testkit_stubborn",
                    "Stubborn call",
                    "Sleeps, ignoring cancellation, then writes `doneMarker` if given",
                    json!({"type": "object", "properties": {
                        "seconds": {"type": "integer", "minimum": 0, "default": 30},
                        "doneMarker": {"type": "string"},
                        "timeoutSeconds": {"type": "integer", "minimum": 1}
                    }}),
                )),
                read_only(spec(
                    "testkit_flood",
                    "Flood",
                    "Returns `chars` characters of numbered lines",
                    json!({"type": "object", "properties": {
                        "chars": {"type": "integer", "minimum": 1, "maximum": 50000000}
                    }, "required": ["chars"]}),
                )),
                ToolSpec {
                    annotations: ToolAnnotations::destructive(),
                    ..spec(
                        "testkit_write_file",
                        "Write a file",
                        "Writes `content` to `path`: a tool that changes the machine",
                        json!({"type": "object", "properties": {
                            "path": {"type": "string"}, "content": {"type": "string", "default": "written"}
                        }, "required": ["path"]}),
                    )
                },
                spec(
                    "testkit_slow",
                    "Slow call",
                    "Sleeps in steps, reporting progress and stopping when cancelled",
                    json!({"type": "object", "properties": {
                        "steps": {"type": "integer", "minimum": 1, "maximum": 10000},
                        "stepMs": {"type": "integer", "minimum": 1, "default": 100},
                        "cancelMarker": {"type": "string", "description": "File to write when the call sees its cancellation"}
                    }, "required": ["steps"]}),
                ),
                spec(
                    "testkit_panic",
                    "Panic",
                    "Panics inside the plugin",
                    json!({"type": "object", "properties": {}}),
                ),
                spec(
                    "testkit_error",
                    "Typed error",
                    "Returns a tool error of the given kind",
                    json!({"type": "object", "properties": {"kind": {"type": "string"}, "message": {"type": "string"}}, "required": ["kind"]}),
                ),
                spec(
                    "testkit_failed_output",
                    "Failed output",
                    "Returns output marked as an error, with structured content",
                    json!({"type": "object", "properties": {}}),
                ),
            ],
            ..Default::default()
        }
    }

    fn call(&self, tool: &str, args: Value, host: &Host) -> Result<ToolOutput, ToolError> {
        match tool {
            "testkit_context" => Ok(context(&args, host)),
            "testkit_slow" => slow(&args, host),
            "testkit_noop" => Ok(ToolOutput::text("ok")),
            "team_x" => Ok(ToolOutput::text("testkit team_x answered")),
            "testkit_stubborn" => {
                thread::sleep(Duration::from_secs(args["seconds"].as_u64().unwrap_or(30)));
                if let Some(marker) = args["doneMarker"].as_str() {
                    let _ = std::fs::write(marker, "finished");
                }
                Ok(ToolOutput::text("stubborn call finished"))
            }
            "testkit_flood" => Ok(ToolOutput::text(flood(args["chars"].as_u64().unwrap_or(1) as usize))),
            "testkit_write_file" => {
                let path = args["path"].as_str().unwrap_or_default();
                std::fs::write(path, args["content"].as_str().unwrap_or("written"))
                    .map_err(|e| ToolError::failed(format!("cannot write {path}: {e}")))?;
                Ok(ToolOutput::text(format!("wrote {path}")))
            }
            "testkit_panic" => panic!("testkit was asked to panic"),
            "testkit_error" => {
                let kind: ErrorKind = serde_json::from_value(args["kind"].clone()).unwrap_or(ErrorKind::Other);
                let message = args["message"].as_str().unwrap_or("testkit error").to_string();
                Err(ToolError::new(kind, message))
            }
            "testkit_failed_output" => Ok(ToolOutput::text("# ❌ failed on purpose")
                .with_structured(json!({"exitCode": 3}))
                .into_error()),
            other => Err(ToolError::invalid_arguments(format!("unknown tool {other}"))),
        }
    }
}

fn context(args: &Value, host: &Host) -> ToolOutput {
    host.log(LogLevel::Info, "testkit_context called");
    let account = args["accountId"].as_str().unwrap_or("111111111111");
    let role = args["roleName"].as_str().unwrap_or("ReadOnly");
    let service = args["service"].as_str().unwrap_or("ssm");
    // Only non-secret facts about the credentials go back: tests check secrets never leak.
    let credentials = match host.credentials(account, role, false) {
        Ok(c) => json!({"ok": true, "accessKeyId": c.access_key_id, "expiration": c.expiration}),
        Err(e) => json!({"ok": false, "kind": e.kind, "message": e.message}),
    };
    let roles = match host.account_roles(account) {
        Ok(roles) => json!({"ok": true, "roles": roles}),
        Err(e) => json!({"ok": false, "kind": e.kind, "message": e.message}),
    };
    let report = json!({
        "defaultRegion": host.default_region(),
        "endpointUrl": host.endpoint_url(service),
        "config": host.config(),
        "readOnly": host.read_only(),
        "hostInfo": host.host_info(),
        "cancelled": host.is_cancelled(),
        "credentials": credentials,
        "roles": roles,
    });
    ToolOutput::text(format!("```json\n{report:#}\n```")).with_structured(report)
}

/// Exactly `chars` characters: lines `line 0000001 xxxx…`, so a reader can tell what was cut.
fn flood(chars: usize) -> String {
    let mut text = String::with_capacity(chars + 64);
    let mut n = 0;
    while text.len() < chars {
        n += 1;
        text.push_str(&format!("line {n:07} {}\n", "x".repeat(50)));
    }
    text.truncate(chars);
    text
}

fn slow(args: &Value, host: &Host) -> Result<ToolOutput, ToolError> {
    let steps = args["steps"].as_u64().unwrap_or(1);
    let step = Duration::from_millis(args["stepMs"].as_u64().unwrap_or(100));
    for done in 1..=steps {
        if host.is_cancelled() {
            // Lets a test prove the cancellation reached the plugin, since a cancelled request
            // gets no response to look at.
            if let Some(marker) = args["cancelMarker"].as_str() {
                let _ = std::fs::write(marker, format!("cancelled before step {done} of {steps}"));
            }
            return Err(host.cancelled_error());
        }
        thread::sleep(step);
        host.progress(done as f64, Some(steps as f64), &format!("step {done} of {steps}"));
    }
    Ok(ToolOutput::text(format!("finished {steps} steps")).with_structured(json!({"steps": steps})))
}

export_plugin!(Testkit, Testkit);
